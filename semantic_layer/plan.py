"""From a query to a plan: every name checked, permissions enforced, the period made concrete.

The plan decides *what* is scanned (one measure group per fact table and kind) and over which
period; the compiler only turns it into SQL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from metric_catalog import graph
from metric_catalog.model import Catalog, MetricSpec, RoleSpec, TableSpec
from semantic_layer import timegrain
from semantic_layer.access import (
    RowRestriction,
    User,
    check_dimension,
    check_metric,
    role_of,
    row_restrictions,
)
from semantic_layer.errors import AccessDenied, NoData, NotAllowed, UnknownName
from semantic_layer.query import TIME, SemanticQuery

ADDITIVE = ("sum", "count")


@dataclass(frozen=True)
class MeasureGroup:
    """Leaf metrics computed by one scan of one fact table."""
    name: str
    table: str
    period_end: bool
    leaves: tuple[str, ...]


@dataclass
class QueryPlan:
    catalog: Catalog
    query: SemanticQuery
    user: User
    role: RoleSpec | None
    restrictions: list[RowRestriction]
    start: dt.date | None  # effective period, after clipping to what the data covers
    end: dt.date
    groups: list[MeasureGroup]
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def grain(self) -> str | None:
        group = self.query.time_group
        return group.grain if group else None

    def leaf(self, metric_id: str) -> MetricSpec:
        return self.catalog.metrics[metric_id]

    def dimension_columns(self) -> list[str]:
        return [g.dimension for g in self.query.group_by if g.dimension != TIME]


def available_through(table: TableSpec, as_of: dt.date) -> dt.date:
    """Last day a table has complete data for, seen from the reference date."""
    if table.time is not None and table.time.available_through == "closed_month":
        if as_of == timegrain.month_end(as_of):
            return as_of
        return timegrain.month_start(as_of) - dt.timedelta(days=1)
    return as_of


def _metric_label(spec: MetricSpec) -> tuple[str, str]:
    return spec.name.zh, spec.name.en


def _check_names(catalog: Catalog, query: SemanticQuery, role: RoleSpec | None) -> None:
    for mid in query.metrics:
        if mid not in catalog.metrics:
            raise UnknownName(f"指标目录中没有指标 {mid}。", f"There is no metric {mid!r} in the catalog.", metric=mid)
        check_metric(catalog, role, mid)
    used = [g.dimension for g in query.group_by if g.dimension != TIME] + [f.dimension for f in query.filters]
    for did in used:
        if did not in catalog.dimensions:
            raise UnknownName(f"指标目录中没有维度 {did}。", f"There is no dimension {did!r} in the catalog.",
                              dimension=did)
        check_dimension(catalog, role, did)
        for mid in query.metrics:
            if did not in graph.allowed_dimensions(catalog, mid):
                m, d = catalog.metrics[mid], catalog.dimensions[did]
                raise NotAllowed(f"指标「{m.name.zh}」不能按「{d.name.zh}」拆分或筛选。",
                                 f"The metric '{m.name.en}' cannot be broken down or filtered by '{d.name.en}'.",
                                 metric=mid, dimension=did)
    for having in query.having:
        if having.metric not in query.metrics:
            raise NotAllowed("条件中的指标必须同时是查询的指标。",
                             f"The condition's metric {having.metric!r} must also be a queried metric.")
    known_columns = set(query.metrics) | {g.column for g in query.group_by}
    computed = [*query.comparisons, *[f"{c}{part}" for c in query.comparisons if c != "share" for part in ("_prev", "_change")]]
    computed += ["cumulative"] if query.cumulative else []
    known_columns |= {f"{m}__{c}" for m in query.metrics for c in computed}
    for order in query.order_by:
        if order.field not in known_columns:
            raise NotAllowed(f"无法按 {order.field} 排序：它不是查询的指标或分组。",
                             f"Cannot order by {order.field!r}: it is neither a queried metric nor a group-by.")


def _check_against_year_start(catalog: Catalog, query: SemanticQuery, leaves: list[str], grain: str | None) -> None:
    """较年初: a balance at the period's end against the year's opening balance (last 31 December's);
    a flow has no opening value, and a period over two years has two starts."""
    flows = [catalog.metrics[leaf] for leaf in leaves if catalog.metrics[leaf].type != "period_end"]
    if flows:
        raise NotAllowed(f"「{flows[0].name.zh}」是期间累计的指标，没有年初数；较年初只适用于余额类指标。可以问同比或环比。",
                         f"'{flows[0].name.en}' adds up over a period and has no opening value; a comparison with "
                         "the start of the year applies to balances. Ask year over year or period over period.")
    if grain is not None or query.time_range.start.year != query.time_range.end.year:
        raise NotAllowed("较年初比较的是一个时点和当年年初，请只问一个月末（不按时间拆分，不跨年）。",
                         "A comparison with the start of the year compares one date with the year's opening: ask "
                         "for one month end (no trend, not across years).")


def _check_grain_and_comparisons(catalog: Catalog, query: SemanticQuery, leaves: list[str]) -> None:
    grain = query.time_group.grain if query.time_group else None
    for leaf in leaves:
        time = catalog.tables[catalog.metrics[leaf].table].time
        if time is None and (grain or query.time_range is not None or query.comparisons and
                             set(query.comparisons) & {"mom", "yoy", "ystart"}):
            m = catalog.metrics[leaf]
            raise NotAllowed(f"「{m.name.zh}」的数据没有日期，只能按全部数据回答；请去掉时间范围、按时间拆分或同比环比再问。",
                             f"'{m.name.en}' has no date in the data, so it can only be answered for all data; "
                             "ask again without a period, a trend or a comparison with another period.",
                             metric=leaf)
        if grain in ("day", "week") and time.grain == "month":
            m = catalog.metrics[leaf]
            raise NotAllowed(f"「{m.name.zh}」按账期(月)统计，不能按{'日' if grain == 'day' else '周'}查看。",
                             f"'{m.name.en}' is recorded per billing month and cannot be shown by {grain}.")
    if any(c in ("mom", "yoy", "ystart") for c in query.comparisons) and query.time_range is None:
        raise NotAllowed("环比/同比需要明确的时间范围。", "Period-over-period comparisons need a time range.")
    if "ystart" in query.comparisons:
        _check_against_year_start(catalog, query, leaves, grain)
    if "share" in query.comparisons or query.share_scope:
        _check_share_not_bridged(catalog, query, leaves)
    if "share" in query.comparisons:
        for mid in query.metrics:
            spec = catalog.metrics[mid]
            if spec.type not in ("simple", "period_end") or spec.agg not in ADDITIVE:
                raise NotAllowed(f"「{spec.name.zh}」不是可加总的指标，不能计算占比。",
                                 f"'{spec.name.en}' is not additive, so a share of total is meaningless.")


def _check_share_not_bridged(catalog: Catalog, query: SemanticQuery, leaves: list[str]) -> None:
    """Shares by a bridge's dimension add up to more than the whole (a policy with two agents is in
    both agents' premium), so they are not computed."""
    dims = [g.dimension for g in query.group_by if g.dimension != TIME] + [f.dimension for f in query.filters]
    for did in dims:
        table = catalog.dimensions[did].table
        if any(graph.crosses_bridge(catalog, catalog.metrics[leaf].table, table) for leaf in leaves):
            d = catalog.dimensions[did]
            raise NotAllowed(f"一条记录可以对应多个「{d.name.zh}」，按「{d.name.zh}」的占比加起来会超过100%，因此不计算占比；"
                             f"可以问各{d.name.zh}的数值。",
                             f"One record can belong to several {d.name.en} values, so shares by {d.name.en} would add "
                             f"up to more than 100%; ask for the values by {d.name.en} instead.", dimension=did)


def _effective_period(catalog: Catalog, query: SemanticQuery, tables: list[str], as_of: dt.date,
                      notes: list[tuple[str, str]]) -> tuple[dt.date | None, dt.date]:
    # One period for every table of the query: a ratio must never compare different months.
    end_limit = min(available_through(catalog.tables[t], as_of) for t in tables)
    monthly = [t for t in tables if catalog.tables[t].time and catalog.tables[t].time.grain == "month"]
    if query.time_range is None:
        return None, end_limit
    start, end = query.time_range.start, query.time_range.end
    if start > end_limit:
        closed = " (账期未出账)" if monthly else ""
        raise NoData(f"数据截至 {end_limit}{closed}，{start} 起的时间段还没有数据。",
                     f"Data is complete only up to {end_limit}; nothing is available from {start}.",
                     available_through=str(end_limit))
    if end > end_limit:
        notes.append((f"数据截至 {end_limit}，时间范围已截止到该日。",
                      f"Data is complete up to {end_limit}; the period was cut there."))
        end = end_limit
    if monthly and not timegrain.is_month_aligned(start, end):
        raise NotAllowed(f"该指标按账期(月)统计，无法按 {start} 至 {end} 计算，请按整月查询。",
                         f"This metric is recorded per billing month; {start} to {end} is not whole months.",
                         start=str(start), end=str(end))
    return start, end


def build_plan(catalog: Catalog, query: SemanticQuery, user: User, as_of: dt.date) -> QueryPlan:
    role = role_of(catalog, user)
    _check_names(catalog, query, role)
    leaves: list[str] = []
    for mid in query.metrics:
        leaves += [leaf for leaf in graph.leaf_metrics(catalog, mid) if leaf not in leaves]
    _check_grain_and_comparisons(catalog, query, leaves)
    restrictions = row_restrictions(catalog, role, user)
    tables = list(dict.fromkeys(catalog.metrics[leaf].table for leaf in leaves))
    for restriction in restrictions:
        target = catalog.dimensions[restriction.dimension].table
        for table in tables:
            if graph.join_path(catalog, table, target) is None:
                raise AccessDenied("该指标无法按你的数据权限范围限定，因此不能向你的角色提供。",
                                   "This metric cannot be limited to the rows your role may see, so it is "
                                   "not available to your role.")
    notes: list[tuple[str, str]] = []
    start, end = _effective_period(catalog, query, tables, as_of, notes)
    groups: dict[tuple[str, bool], list[str]] = {}
    for leaf in leaves:
        spec = catalog.metrics[leaf]
        groups.setdefault((spec.table, spec.type == "period_end"), []).append(leaf)
    measure_groups = [MeasureGroup(f"g{i}_{table}{'_end' if pe else ''}", table, pe, tuple(ids))
                      for i, ((table, pe), ids) in enumerate(groups.items())]
    return QueryPlan(catalog, query, user, role, restrictions, start, end, measure_groups, notes)
