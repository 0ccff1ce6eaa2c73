"""Running a dashboard: every tile's interpretation with the dashboard-wide filters applied through
the semantic layer (city, channel type, period), then the same execution path as a question.

A filter a tile's metric cannot take is not silently dropped: the tile says it does not apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from chatbi.appdb.dashboards import Dashboard, Tile
from chatbi.pipeline import timeparse
from chatbi.pipeline.answer import REFUSED, Answer
from chatbi.pipeline.interpret import data_end
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import Filter, SemanticQuery, TimeRange
from semantic_layer.timegrain import GRAIN_ZH

# How a tile is answered: (its interpretation, its question, the reference date) → an answer. The
# service passes its own run, so tiles take the question path's guard, audit and scope.
RunTile = Callable[[SemanticQuery, str, dt.date], Answer]

# Period codes a dashboard (or a tile) can follow; they move with the data.
PERIODS = {
    "last_closed_month": ("上个完整月", "last full month"),
    "current_month": ("本月至今", "this month so far"),
    "last_3_months": ("近三个月", "last 3 months"),
    "last_6_months": ("近六个月", "last 6 months"),
    "last_12_months": ("近十二个月", "last 12 months"),
    "current_quarter": ("本季度至今", "this quarter so far"),
    "last_closed_quarter": ("上个完整季度", "last full quarter"),
    "year_to_date": ("今年至今", "year to date"),
}
FILTER_DIMENSIONS = ("city", "channel_type")


@dataclass
class TileResult:
    tile: Tile
    query: SemanticQuery | None
    answer: Answer


def tile_query(catalog: Catalog, tile: Tile, filters: dict, as_of: dt.date) -> tuple[SemanticQuery | None, str]:
    """The tile's interpretation under the dashboard filters, or why the filters cannot apply."""
    query = tile.query
    for metric in query.metrics:
        allowed = set(graph.allowed_dimensions(catalog, metric))
        missing = [d for d in FILTER_DIMENSIONS if filters.get(d) and d not in allowed]
        if missing:
            names = "、".join(catalog.dimensions[d].name.zh for d in missing)
            return None, f"看板筛选「{names}」不适用于指标「{catalog.metrics[metric].name.zh}」。"
    kept = [f for f in query.filters if not (f.dimension in FILTER_DIMENSIONS and filters.get(f.dimension))]
    added = [Filter(dimension=d, op="in" if len(v) > 1 else "=", values=list(v))
             for d in FILTER_DIMENSIONS if (v := filters.get(d))]
    # A breakdown by the filtered dimension stays: 各地市 filtered to 杭州,宁波 shows the two.
    period = tile.period if query.time_group is not None and tile.period else filters.get("period") or tile.period
    time_range = query.time_range
    if period:
        if period not in PERIODS:
            return None, f"未知的时间范围代码 {period}。"
        window = timeparse.default_window(period)
        resolved = timeparse.resolve(window, as_of, data_end(catalog, list(query.metrics), as_of))
        time_range = TimeRange(start=resolved.start, end=resolved.end)
    return query.model_copy(update={"filters": kept + added, "time_range": time_range}), ""


def run_dashboard(catalog: Catalog, run_tile: RunTile, board: Dashboard, as_of: dt.date, overrides: dict | None,
                  replace: bool = False) -> list[TileResult]:
    """``overrides`` change the dashboard's saved filters; with ``replace`` they are the whole set."""
    given = {k: v for k, v in (overrides or {}).items() if v not in (None, "", [])}
    filters = given if replace else {**board.filters, **given}
    unknown = set(filters) - {*FILTER_DIMENSIONS, "period"}
    if unknown:
        raise ValueError(f"Dashboard filters can be city, channel_type, period; not {', '.join(sorted(unknown))}.")
    results = []
    for tile in board.tiles:
        query, problem = tile_query(catalog, tile, filters, as_of)
        if query is None:
            answer = Answer(REFUSED, tile.title, problem, problem, reason="filter_not_applicable", path="dashboard")
        else:
            answer = run_tile(query, tile.question or tile.title, as_of)
        results.append(TileResult(tile, query, answer))
    return results



def tile_title(catalog: Catalog, tile: Tile, lang: str) -> str:
    """A tile's title in the page's language: as pinned when written in it, else said from its
    query (上月新增用户数（按地市） → "New subscribers by city, last full month")."""
    written_zh = any("\u4e00" <= ch <= "\u9fff" for ch in tile.title)
    if (lang == "zh") == written_zh:
        return tile.title
    query, en = tile.query, lang == "en"
    names = [catalog.metrics[m].name.pick(lang) for m in query.metrics]
    by = [(g.grain if en else GRAIN_ZH[g.grain]) if g.grain
          else catalog.dimensions[g.dimension].name.pick(lang) for g in query.group_by]
    period = PERIODS[tile.period][1 if en else 0] if tile.period in PERIODS else ""
    if en:
        title = ", ".join(names) + (f" by {', '.join(by)}" if by else "")
        title += f", top {query.limit}" if query.limit else ""
        return (title[:1].upper() + title[1:]) + (f", {period}" if period else "")
    title = "、".join(names) + (f"（按{'、'.join(by)}）" if by else "") + (f"前{query.limit}" if query.limit else "")
    return f"{period}{title}"
