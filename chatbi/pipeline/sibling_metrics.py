"""Metrics that take what the question asks of another: 账龄一年以上的欠费 names 欠费金额 (欠费 is its
synonym), which has no 账龄; 欠费余额, whose name holds the word said, has. Offered instead of a refusal."""

from __future__ import annotations

from chatbi.pipeline.reading import Match
from metric_catalog import graph
from metric_catalog.model import Catalog


def metrics_taking(catalog: Catalog, match: Match, metrics: list[str], visible: list[str]) -> tuple[list[str], list[str]]:
    """(the dimensions the one metric cannot take, the other visible metrics that take them all and
    whose names hold a word the question said of the metric); nothing when none or more metrics."""
    asked = {*match.filters, *match.group_by, *match.excluded}
    if len(metrics) != 1 or not asked:
        return [], []
    missing = sorted(asked - set(graph.allowed_dimensions(catalog, metrics[0])))
    words = {h.text.lower() for h in match.metric_hits if len(h.text) >= 2}
    if not missing or not words:
        return missing, []

    def named(metric: str) -> bool:
        spec = catalog.metrics[metric]
        return any(w in n.lower() for w in words for n in (spec.name.zh, spec.name.en, *spec.synonyms))

    return missing, [m for m in visible if m != metrics[0] and named(m)
                     and asked <= set(graph.allowed_dimensions(catalog, m))]
