"""Follow-ups that refine the last answer: 按渠道类型拆开, 只看杭州, 换成去年同期, 那欠费率呢.

A follow-up is taken as a refinement only when the matcher explains all of it (apart from the
follow-up words themselves) and it names no new metric — or names one with a cue such as 那…呢 /
what about. Then its slots replace or extend the previous interpretation's; anything else is a new
question. The result is an ordinary typed query, compiled and guarded like any other.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from chatbi.pipeline import timeparse
from chatbi.pipeline.interpret import data_end, trend_period
from chatbi.pipeline.matcher import Match
from metric_catalog.model import Catalog
from semantic_layer import TIME, Filter, GroupBy, OrderBy, SemanticQuery, TimeRange

CUE_WORDS = {"只", "只看", "仅", "仅看", "只要", "换成", "换为", "换", "改看", "再", "那", "那么", "呢", "加上", "看看",
             "拆开", "拆分", "展开", "细分", "去掉", "不要", "不看", "only", "just", "instead", "what", "how", "about",
             "switch", "change", "remove", "drop", "then"}
SWAP_CUES = ("那", "呢", "换成", "换为", "what about", "how about", "instead", "switch to")
DROP_WORDS = ("去掉", "不要", "不看", "remove", "drop")


def refine(previous: SemanticQuery, match: Match, catalog: Catalog, as_of: dt.date) -> SemanticQuery | None:
    """The previous interpretation changed as the follow-up says, or None if it is not a follow-up."""
    if match.unavailable or match.ambiguous_values or match.time_error:
        return None
    if any(w not in CUE_WORDS for w in match.residual):
        return None
    query, changed = previous, False
    sets = match.metric_sets
    if sets:
        if len(sets) != 1 or len(sets[0]) != 1 or not any(c in match.text for c in SWAP_CUES):
            return None
        query, changed = query.model_copy(update={"metrics": [next(iter(sets[0]))], "order_by": [],
                                                  "having": []}), True
    filters = list(query.filters)
    group = list(query.group_by)
    drop = any(w in match.text for w in DROP_WORDS)
    for dim, values in match.filters.items():
        filters = [f for f in filters if f.dimension != dim]
        filters.append(Filter(dimension=dim, op="not in" if drop else ("in" if len(values) > 1 else "="),
                              values=list(values)))
        if not drop and len(values) == 1:
            group = [g for g in group if g.dimension != dim]
        changed = True
    for dim, values in match.excluded.items():
        filters = [f for f in filters if f.dimension != dim] + [Filter(dimension=dim, op="not in", values=list(values))]
        changed = True
    for dim in match.group_by:
        if all(g.dimension != dim for g in group) and not any(f.dimension == dim and f.op == "=" for f in filters):
            group.append(GroupBy(dimension=dim))
            changed = True
    if match.grain:
        group = [GroupBy(dimension=TIME, grain=match.grain)] + [g for g in group if g.dimension != TIME]
        changed = True
    time_range = query.time_range
    if match.time is not None:
        time_range = _period(match, query, catalog, as_of)
        changed = True
    elif match.grain and query.time_group is None:
        # 按月看 after a one-month answer: a trend needs the usual trend window, not one point.
        period = trend_period(catalog, list(query.metrics), match.grain, as_of)
        time_range = TimeRange(start=period.start, end=period.end)
    comparisons = list(dict.fromkeys([*query.comparisons, *match.comparisons]))
    changed |= comparisons != list(query.comparisons)
    order, limit = list(query.order_by), match.limit or query.limit
    if match.rank or (match.limit and not order):  # 前3名 without a direction means the top
        rank = match.rank or "desc"
        if match.rank_place and catalog.metrics[query.metrics[0]].direction == "lower_is_better":
            return None  # 垫底的 of a rate where lower is better: asked as a question of its own
        if rank in ("best", "worst"):  # best/worst follow the metric's direction
            higher = catalog.metrics[query.metrics[0]].direction != "lower_is_better"
            rank = "desc" if (rank == "best") == higher else "asc"
        order = [OrderBy(field=query.metrics[0], descending=rank == "desc")]
        changed = True
    changed |= limit != query.limit
    if not changed:
        return None
    updates = {"filters": filters, "group_by": group, "time_range": time_range, "comparisons": comparisons,
               "order_by": order, "limit": limit}
    try:  # model_validate, not model_copy: the refined query must pass the same checks as any other
        return SemanticQuery.model_validate({**query.model_dump(), **updates})
    except ValueError:
        return None

def _period(match: Match, query: SemanticQuery, catalog: Catalog, as_of: dt.date) -> TimeRange:
    window = match.time
    if window.kind == "same_period_last_year" and query.time_range is not None:
        # 换成去年同期: the same dates one year earlier (month ends stay month ends).
        start = query.time_range.start - relativedelta(years=1)
        end = query.time_range.end - relativedelta(years=1)
        if query.time_range.end == timeparse.month_end(query.time_range.end):
            end = timeparse.month_end(end)
        return TimeRange(start=start, end=end)
    period = timeparse.resolve(window, as_of, data_end(catalog, list(query.metrics), as_of))
    return TimeRange(start=period.start, end=period.end)
