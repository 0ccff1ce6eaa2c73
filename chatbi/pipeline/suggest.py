"""What to ask next: 2–3 follow-ups after an answer, and the drill into one bar of a chart.

Each follow-up is a typed refinement of the answer's own interpretation (not a sentence the
matcher must read back), so a click computes exactly what its label says. Only refinements the
catalog allows are offered: dimensions every metric can reach, a trend where the metric has a
time column, a comparison the answer does not show yet.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from chatbi.pipeline.interpret import trend_period
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import TIME, Filter, GroupBy, SemanticQuery, TimeRange


@dataclasses.dataclass(frozen=True)
class FollowUp:
    label_zh: str
    label_en: str
    query: SemanticQuery

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


def follow_ups(catalog: Catalog, query: SemanticQuery, as_of: dt.date, first_row: dict | None = None,
               limit: int = 3) -> list[FollowUp]:
    """Refinements of ``query`` in the order people usually take them: break it down, see its
    trend, compare with last year, look inside the first row. ``first_row``: dimension → value of
    the answer's first row (the drill a ranking invites)."""
    if not query.metrics:  # a listing has nothing to break down or compare
        return []
    if _is_share(query):  # a split or a filter would change what the share is of: only last year
        return [f for f in (_year_on_year(catalog, query),) if f is not None][:limit]
    out = [f for f in (_breakdown(catalog, query), _trend(catalog, query, as_of), _year_on_year(catalog, query),
                       _inside_first(catalog, query, first_row, as_of)) if f is not None]
    return out[:limit]


def drill(catalog: Catalog, query: SemanticQuery, dimension: str, value, as_of: dt.date) -> FollowUp | None:
    """One bar clicked: that value alone, broken down by the dimension below it in the catalog's
    hierarchy (城市 → 区县), or else its monthly trend."""
    if dimension not in {g.dimension for g in query.group_by} or value is None or _is_share(query):
        return None  # a share drilled into would become a share of the drilled value
    spec = catalog.dimensions[dimension]
    name = _value_text(catalog, dimension, value)
    filters = [f for f in query.filters if f.dimension != dimension] + [Filter(dimension=dimension, op="=",
                                                                                values=[value])]
    rest = [g for g in query.group_by if g.dimension != dimension]
    child = next((d for d in _reachable(catalog, query) if catalog.dimensions[d].parent == dimension
                  and all(g.dimension != d for g in rest)), None)
    base = query.model_copy(update={"filters": filters, "order_by": [], "limit": None, "having": [],
                                    "top_within": None})
    if child is not None:
        child_name = catalog.dimensions[child].name
        refined = _valid(base, group_by=rest + [GroupBy(dimension=child)])
        return refined and FollowUp(f"{name}：按{child_name.zh}拆开", f"{name}: by {child_name.pick('en')}", refined)
    if query.time_group is None and not rest:
        trend = _trend(catalog, base.model_copy(update={"group_by": []}), as_of)
        if trend is not None:
            return FollowUp(f"{name}：{trend.label_zh}", f"{name}: {trend.label_en}", trend.query)
    refined = _valid(base, group_by=rest)
    return refined and FollowUp(f"只看{name}", f"Only {name} ({spec.name.pick('en')})", refined)


# -- the candidates ---------------------------------------------------------------------------------
def _breakdown(catalog: Catalog, query: SemanticQuery) -> FollowUp | None:
    if any(g.dimension != TIME for g in query.group_by):
        return None
    fixed = {f.dimension for f in query.filters if f.op == "=" or len(f.values) == 1}
    above = {a for d in fixed for a in _ancestors(catalog, d)}  # 上城区 by city is one row
    options = [d for d in _reachable(catalog, query) if d not in fixed and d not in above]
    # curated short lists first (渠道类型, 地市): a breakdown by 2,000 outlets is a table, not an insight
    options.sort(key=lambda d: (not catalog.dimensions[d].values, catalog.dimensions[d].parent is not None))
    for dim in options:
        refined = _valid(query, group_by=[*query.group_by, GroupBy(dimension=dim)], order_by=[], limit=None)
        if refined is not None:
            name = catalog.dimensions[dim].name
            return FollowUp(f"按{name.zh}拆开", f"Break down by {name.pick('en')}", refined)
    return None


def _trend(catalog: Catalog, query: SemanticQuery, as_of: dt.date) -> FollowUp | None:
    if query.time_group is not None or query.average_over or any(g.dimension != TIME for g in query.group_by):
        return None
    if any(catalog.tables[catalog.metrics[leaf].table].time is None
           for m in query.metrics for leaf in graph.leaf_metrics(catalog, m)):
        return None
    period = trend_period(catalog, list(query.metrics), "month", as_of)
    refined = _valid(query, group_by=[GroupBy(dimension=TIME, grain="month")], comparisons=[],
                     time_range=TimeRange(start=period.start, end=period.end), order_by=[], limit=None)
    return refined and FollowUp("近6个月趋势", "Trend over the last 6 months", refined)


def _year_on_year(catalog: Catalog, query: SemanticQuery) -> FollowUp | None:
    if "yoy" in query.comparisons or query.time_range is None or query.time_group is not None \
            or query.cumulative or query.average_over:
        return None
    refined = _valid(query, comparisons=[*query.comparisons, "yoy"])
    return refined and FollowUp("和去年同期比", "Compare with the same period last year", refined)


def _inside_first(catalog: Catalog, query: SemanticQuery, first_row: dict | None, as_of: dt.date) -> FollowUp | None:
    if not first_row or query.time_group is not None:
        return None
    for dim, value in first_row.items():
        found = drill(catalog, query, dim, value, as_of)
        if found is not None and found.query.time_group is None:
            return found
    return None


# -- helpers ----------------------------------------------------------------------------------------
def _is_share(query: SemanticQuery) -> bool:
    return "share" in query.comparisons or bool(query.share_scope)


def _ancestors(catalog: Catalog, dimension: str) -> list[str]:
    out, parent = [], catalog.dimensions[dimension].parent
    while parent and parent in catalog.dimensions and parent not in out:
        out.append(parent)
        parent = catalog.dimensions[parent].parent
    return out


def _reachable(catalog: Catalog, query: SemanticQuery) -> list[str]:
    allowed = [set(graph.allowed_dimensions(catalog, m)) for m in query.metrics]
    return [d for d in catalog.dimensions if all(d in a for a in allowed)]


def _valid(query: SemanticQuery, **updates) -> SemanticQuery | None:
    try:  # the same checks as any query: a refinement that breaks one is not offered
        return SemanticQuery.model_validate({**query.model_dump(), **updates})
    except ValueError:
        return None


def _value_text(catalog: Catalog, dimension: str, value) -> str:
    return str(value) if value is not None else catalog.dimensions[dimension].empty_name("zh")
