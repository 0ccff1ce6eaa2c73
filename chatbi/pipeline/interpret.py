"""Normaliser and validator: matched slots + chosen metrics → a typed query, or why it cannot be one.

Deterministic clean-up only: a dimension both filtered and grouped stays a filter; periods come
from the matcher or the metric's default window; ranking words become an order on the first
metric (best/worst follow the metric's direction). Nothing said by the user is dropped: if a
slot cannot be honoured the result says so and the question is clarified or refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from chatbi.pipeline import timeparse
from chatbi.pipeline.matcher import Match
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import TIME, Filter, GroupBy, OrderBy, SemanticQuery, TimeRange
from semantic_layer.plan import available_through

TREND_WINDOW = {"month": timeparse.TimeWindow("last_n_months", "trend", n=6),
                "quarter": timeparse.TimeWindow("last_n_months", "trend", n=12),
                "year": timeparse.TimeWindow("last_n_months", "trend", n=24),
                "week": timeparse.TimeWindow("last_n_days", "trend", n=56),
                "day": timeparse.TimeWindow("last_n_days", "trend", n=30)}


@dataclass
class Draft:
    query: SemanticQuery | None
    period: timeparse.Period | None = None
    problem: tuple[str, str, str] | None = None  # (code, zh, en) when no query can be formed


def data_end(catalog: Catalog, metrics: list[str], as_of: dt.date) -> dt.date:
    tables = {catalog.metrics[leaf].table for m in metrics for leaf in graph.leaf_metrics(catalog, m)}
    return min(available_through(catalog.tables[t], as_of) for t in tables)


def build_query(catalog: Catalog, match: Match, metrics: list[str], as_of: dt.date,
                group_by: list[str] | None = None) -> Draft:
    first = catalog.metrics[metrics[0]]
    dims = list(match.group_by if group_by is None else group_by)
    grain = match.grain
    filters = [Filter(dimension=d, op="in" if len(v) > 1 else "=", values=v) for d, v in match.filters.items()]
    filters += [Filter(dimension=d, op="not in", values=v) for d, v in match.excluded.items()]
    filtered = {f.dimension for f in filters}
    # "杭州各渠道" groups by channel within 杭州; "杭州的新增" must not also group by city; but
    # "衢州和丽水" names two values, which people want side by side.
    dims = [d for d in dims if d not in filtered]
    dims += [d for d, values in match.filters.items() if len(values) > 1 and d not in dims]
    end = data_end(catalog, metrics, as_of)
    window = match.time or (TREND_WINDOW[grain] if grain and match.time is None else None)
    window = window or timeparse.default_window(first.default_window)
    period = timeparse.resolve(window, as_of, end, default=timeparse.default_window(first.default_window))
    group = ([GroupBy(dimension=TIME, grain=grain)] if grain else []) + [GroupBy(dimension=d) for d in dims]
    order, limit = [], match.limit
    if match.rank:
        direction = match.rank
        if direction in ("best", "worst"):
            higher = first.direction != "lower_is_better"
            direction = "desc" if (direction == "best") == higher else "asc"
        if not dims and first.ranked_by and first.ranked_by not in filtered:
            dims = [first.ranked_by]
            group.append(GroupBy(dimension=first.ranked_by))
        if not dims:
            options = [catalog.dimensions[d].name for d in rank_dimensions(catalog, metrics[0], filtered)]
            return Draft(None, period, ("rank_without_dimension",
                                        f"排名需要说明按什么排（{'、'.join(n.zh for n in options)}）。",
                                        f"A ranking needs to say what to rank ({', '.join(n.en for n in options)})."))
        order = [OrderBy(field=metrics[0], descending=direction == "desc")]
        limit = limit or (None if match.limit is None else match.limit)
    comparisons = [c for c in match.comparisons if c != "share" or first.type in ("simple", "period_end")]
    try:
        query = SemanticQuery(metrics=metrics, group_by=group, filters=filters,
                              time_range=TimeRange(start=period.start, end=period.end), comparisons=comparisons,
                              order_by=order, limit=limit)
    except ValueError as exc:
        return Draft(None, period, ("invalid", f"无法组成查询：{exc}", f"Cannot form a query: {exc}"))
    return Draft(query, period)


def rank_dimensions(catalog: Catalog, metric: str, exclude: set[str], top: int = 3) -> list[str]:
    """What a ranking of ``metric`` could rank, for a question that does not say: the catalog's
    assessed entity first, then the metric's dimensions in the catalog's order."""
    allowed = graph.allowed_dimensions(catalog, metric)
    first = [d for d in [catalog.metrics[metric].ranked_by] if d in allowed]
    return [d for d in dict.fromkeys(first + allowed) if d not in exclude][:top]


def describe(catalog: Catalog, query: SemanticQuery) -> tuple[str, str]:
    """One line per interpretation, for clarification buttons."""
    names_zh = "、".join(catalog.metrics[m].name.zh for m in query.metrics)
    names_en = ", ".join(catalog.metrics[m].name.en for m in query.metrics)
    rng = query.time_range
    when = f"{rng.start} 至 {rng.end}" if rng else ""
    when_en = f"{rng.start} to {rng.end}" if rng else ""
    by_zh = [("按" + ({"month": "月", "quarter": "季度", "week": "周", "day": "日", "year": "年"}[g.grain]
                      if g.grain else catalog.dimensions[g.dimension].name.zh)) for g in query.group_by]
    by_en = [f"by {g.grain or catalog.dimensions[g.dimension].name.en}" for g in query.group_by]
    flt_zh = [f"{catalog.dimensions[f.dimension].name.zh}{'不含' if f.op == 'not in' else '='}{'/'.join(map(str, f.values))}"
              for f in query.filters]
    flt_en = [f"{catalog.dimensions[f.dimension].name.en} {'not ' if f.op == 'not in' else ''}{'/'.join(map(str, f.values))}"
              for f in query.filters]
    zh = "，".join(x for x in [names_zh, *flt_zh, *by_zh, when] if x)
    en = ", ".join(x for x in [names_en, *flt_en, *by_en, when_en] if x)
    return zh, en
