"""Other readings offered instead of one the words do not settle: metrics that take what the question
asks of another (账龄一年以上的欠费 names 欠费金额, which has no 账龄; 欠费余额, whose name holds the word
said, has), and an average metric said "per" a thing ("average premium per agent": each agent's
premium per policy, or the mean premium per agent)."""

from __future__ import annotations

import dataclasses
import re

from chatbi.pipeline.definitions import excluded_by_definition, restricted_by_definition
from chatbi.pipeline.reading import Match
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import Filter
from semantic_layer.shapes import adds_up

PER_BEFORE = re.compile(r"^\s*(?:per|for each|每个|每一个|每)\s*$", re.I)
AVERAGE_WORDS = ("average", "avg", "mean", "平均")


def other_readings(catalog: Catalog, match: Match, metrics: list[str], visible: list[str]):
    """(code, zh, en, [(match, metrics)]) to offer, or None when the reading is settled."""
    missing, siblings = metrics_taking(catalog, match, metrics, visible)
    if siblings:
        name, dims = catalog.metrics[metrics[0]].name, [catalog.dimensions[d].name for d in missing]
        return ("metric_without_dimension",
                f"指标「{name.zh}」不能按「{'、'.join(d.zh for d in dims)}」拆分或筛选；以下指标可以，请选择：",
                f"'{name.en}' cannot be split or filtered by {', '.join(d.en for d in dims)}; these can, please pick:",
                [(match, [m]) for m in siblings[:3]])
    left_out = _metrics_keeping(catalog, match, metrics, visible)
    if left_out:
        problem, kept = left_out
        return (problem[0], problem[1].removesuffix("请换一个指标。") + "以下指标含它们，请选择：",
                problem[2].removesuffix("ask with another metric.") + "these include them, please pick:",
                [(match, [m]) for m in kept[:3]])
    per = _average_said_per(catalog, match, metrics, visible)
    if per is None:
        return None
    dim, numerator = per
    averaged = dataclasses.replace(match, group_by=[d for d in match.group_by if d != dim], average_per=dim)
    thing = catalog.dimensions[dim].name
    return ("average_or_per_thing", f"是每个{thing.zh}各自的「{catalog.metrics[metrics[0]].name.zh}」，还是平均每个"
            f"{thing.zh}的「{catalog.metrics[numerator].name.zh}」？请选择：",
            f"Each {thing.en}'s {catalog.metrics[metrics[0]].name.en}, or the {catalog.metrics[numerator].name.en} "
            f"averaged per {thing.en}? Please pick:", [(match, metrics), (averaged, [numerator])])


def _metrics_keeping(catalog: Catalog, match: Match, metrics: list[str], visible: list[str]):
    """上个月取消的订单占比: 订单数 leaves the cancelled out by definition; 下单数, named alike (全部订单数),
    counts every order and is not itself restricted on the status: (the problem, those metrics)."""
    filters = [Filter(dimension=d, op="in" if len(vs) > 1 else "=", values=vs) for d, vs in match.filters.items()]
    problem = excluded_by_definition(catalog, metrics, filters) if len(metrics) == 1 and filters else None
    if problem is None:
        return None
    words = {h.text.lower() for h in match.metric_hits if len(h.text) >= 2}
    asked = {*match.filters, *match.group_by}

    def fits(m: str) -> bool:
        spec = catalog.metrics[m]
        return m != metrics[0] and any(w in n.lower() for w in words for n in (spec.name.zh, spec.name.en, *spec.synonyms)) \
            and asked <= set(graph.allowed_dimensions(catalog, m)) \
            and not any(restricted_by_definition(catalog, m, d) for d in match.filters)

    kept = [m for m in visible if fits(m)]
    return (problem, kept) if kept else None


def _average_said_per(catalog: Catalog, match: Match, metrics: list[str], visible: list[str]) -> tuple[str, str] | None:
    """(the dimension, the ratio's numerator) when a ratio named as an average ("average premium") is
    said right before "per" a grouped thing whose mean of the numerator it may mean instead."""
    if len(metrics) != 1 or match.average_per or catalog.metrics[metrics[0]].type != "ratio":
        return None
    numerator = catalog.metrics[metrics[0]].numerator
    if not numerator or numerator not in visible or not adds_up(catalog, numerator):
        return None
    for h in match.metric_hits:
        if set(h.payload) != {metrics[0]} or not h.text.lower().startswith(AVERAGE_WORDS):
            continue
        for dim in match.group_by:
            at = match.positions.get(dim)
            if at is not None and at > h.end and PER_BEFORE.match(match.text[h.end:at]):
                return dim, numerator
    return None


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
