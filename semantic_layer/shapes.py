"""The answer's last layer: what is computed from the per-key metric values.

Comparisons with earlier periods, share of total, running totals, ranks within groups, averages
over periods and conditions (HAVING-style, on a value, a growth, a share or the overall average).
Each is exact SQL over the base values, or the query is refused with the reason; nothing here
approximates.
"""

from __future__ import annotations

import datetime as dt

from sqlglot import exp

from metric_catalog import graph
from semantic_layer import timegrain
from semantic_layer.errors import NotAllowed
from semantic_layer.plan import ADDITIVE, QueryPlan
from semantic_layer.query import TIME, Filter, GroupBy, SemanticQuery
from semantic_layer.scan import TIME_KEY, filter_predicate

OPS = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}


def share_parts(query: SemanticQuery) -> tuple[SemanticQuery, list[Filter]]:
    """A share's denominator is the whole, not the part asked about.

    杭州占全省比例 filters to 杭州; computed after that filter every share is 100%. So a filter
    on a grouped dimension (衢州和丽水 → by city, city in …), or any filter when nothing is
    grouped, selects the *part*: the base is computed for every value of that dimension, the
    share taken over all of them, and the part selected afterwards. Filters on other dimensions
    set the scope both share, as do filters the question names as the whole (上海占华东的比例:
    ``share_scope`` holds the region).
    """
    if "share" not in query.comparisons:
        return query, []
    grouped = {g.dimension for g in query.group_by if g.dimension != TIME}
    # "*": the whole is everything (杭州各区县占全省的比例), so every filter selects the part
    everything = "*" in query.share_scope
    # 除了电子渠道以外各渠道类型占比: a value left out of the breakdown is left out of its whole too
    # 各地市离网用户中携号转网的占比: a grouped dimension in the whole makes each group its own whole,
    # and the values said after 中 the part
    within = grouped & set(query.share_scope)
    parts = [f for f in query.filters if (everything or f.dimension in grouped or not grouped or within)
             and f.dimension not in query.share_scope
             and not (f.op in ("not in", "!=") and f.dimension in grouped and not everything)]
    if within and within == grouped and not parts:  # each row its own whole: every share 100%
        raise NotAllowed("占比的整体和各行是同一个拆分，每行都会是 100%；请说明要看哪部分占比。",
                         "The share's whole is the breakdown itself, so every row would be 100%; say which part.")
    if not parts and not grouped:
        raise NotAllowed("占比需要说明是谁占谁：请按某个维度拆分，或指出要看的部分（如某个地市）。",
                         "A share needs a breakdown or a part to compare with the whole (say, one city).")
    added = [GroupBy(dimension=f.dimension) for f in parts if f.dimension not in grouped]
    added = list({g.dimension: g for g in added}.values())
    shaped = query.model_copy(update={"filters": [f for f in query.filters if f not in parts],
                                      "group_by": [*query.group_by, *added]})
    return shaped, parts


def parts_together(parts: exp.Select, keys: list[str], metrics: list[str]) -> exp.Select:
    """The parts as one: their values and shares added (a sum or count adds up; the check refuses the rest)."""
    columns = [*metrics, *[f"{m}__share" for m in metrics]]  # in the order of the answer's columns
    select = exp.select(*keys, *[exp.alias_(exp.Sum(this=exp.column(c)), c) for c in columns]).from_(parts.subquery("parts"))
    return select.group_by(*keys) if keys else select


def per_period(query: SemanticQuery) -> SemanticQuery:
    """月均: the base is computed per period, then averaged; 平均每个网点: per depot, then averaged."""
    if query.average_per:
        return query.model_copy(update={"group_by": [*query.group_by, GroupBy(dimension=query.average_per)]})
    if not query.average_over:
        return query
    return query.model_copy(update={"group_by": [GroupBy(dimension=TIME, grain=query.average_over),
                                                 *query.group_by]})


def adds_up(catalog, metric: str) -> bool:
    """A sum or count of rows, or a derived metric that only adds and subtracts such ones (净销售额 =
    销售额 − 退款额): its periods' values add up to the whole's, so it accumulates and averages."""
    spec = catalog.metrics[metric]
    if spec.type == "simple":
        return spec.agg in ADDITIVE
    if spec.type != "derived" or not spec.formula:
        return False
    import sqlglot

    try:
        tree = sqlglot.parse_one(spec.formula)
    except sqlglot.errors.ParseError:
        return False
    for node in tree.walk():
        if isinstance(node, exp.Column):
            if node.name not in catalog.metrics or not adds_up(catalog, node.name):
                return False
        elif not isinstance(node, exp.Add | exp.Sub | exp.Paren | exp.Neg | exp.Identifier):
            return False
    return True


def check(plan: QueryPlan, query: SemanticQuery) -> None:
    """Shapes that would give a number that is not what was asked are refused here."""
    catalog = plan.catalog
    additive = {m: adds_up(catalog, m) for m in query.metrics}
    if query.cumulative:
        for m, ok in additive.items():
            if not ok:
                name = catalog.metrics[m].name
                raise NotAllowed(f"「{name.zh}」不能逐期累加（不是可加总的发生额），累计值没有意义。",
                                 f"'{name.en}' does not add up over periods, so a running total is meaningless.")
    if query.average_over or query.average_per:
        if query.comparisons or query.cumulative or query.top_within or any(h.against == "average" for h in query.having):
            raise NotAllowed("平均值不能同时做环比、同比、占比、累计或与平均比较。",
                             "An average per period or per thing cannot also be compared, shared or accumulated.")
        for m in query.metrics:
            spec = catalog.metrics[m]
            if not (additive[m] or spec.type == "period_end"):
                raise NotAllowed(f"「{spec.name.zh}」是比率或去重数，按期（按对象）平均不等于它本身的口径，请直接问「{spec.name.zh}」。",
                                 f"'{spec.name.en}' is a ratio or distinct count; averaging it per period (or per "
                                 f"thing) is not its definition. Ask for '{spec.name.en}' itself.")
    summable = all(catalog.metrics[m].type in ("simple", "period_end") and catalog.metrics[m].agg in ADDITIVE
                   for m in query.metrics)  # balances of several branches add up at one date
    if query.parts_summed and (query.comparisons != ["share"] or query.having or query.order_by or query.limit
                               or not summable):
        raise NotAllowed("几个部分合在一起的占比只能对可加总的指标单独计算（不同时排名、筛选或做同比环比）。",
                         "A share of several parts together is only for a metric that adds up, with nothing else.")
    grouped = [g for g in query.group_by if g.dimension != TIME]
    counted = [h for h in query.having if h.op == "=" and h.value == 0 and catalog.metrics[h.metric].type == "simple"
               and catalog.metrics[h.metric].agg in (*ADDITIVE, "count_distinct")]  # a rate of 0 has rows; a count of 0 none
    if grouped and counted:
        # 新增用户为0的营业厅: the ones with none have no row, and whether they were open the data does not say
        names = "、".join(catalog.dimensions[g.dimension].name.zh for g in grouped)
        raise NotAllowed(f"没有数据的{names}不一定为0（可能当期还没有开业、已经停用、尚未上线，或按所问的范围不算在内），"
                         f"无法确定哪些{names}为0；可以问数值最低的{names}。",
                         "The ones with no data need not be at 0 (not yet open, closed, or outside what was asked), "
                         "so which have none cannot be known; ask for the lowest instead.")
    tables = {catalog.metrics[leaf].table for m in query.metrics for leaf in graph.leaf_metrics(catalog, m)}
    if query.average_per and plan.grain:  # the spine would give each thing every period, its missing ones as 0
        raise NotAllowed("平均每个对象的值请按一个期间问（不按期拆分）。",
                         "Ask the average per thing for one period at a time (not broken down by period).")
    if query.average_per and len(tables) > 1:  # each would be averaged over the things any of them has
        raise NotAllowed("平均每个对象的值请一次问一张表上的指标（它们按各自有数据的对象平均）。",
                         "Ask the average per thing for metrics of one table at a time (each is averaged over "
                         "the things that have its data).")
    if query.average_over:
        start, end = plan.start, plan.end
        if start is None or timegrain.bucket_start(start, query.average_over) != start or \
                timegrain.next_bucket(timegrain.bucket_start(end, query.average_over), query.average_over) \
                - dt.timedelta(days=1) != end:
            raise NotAllowed(f"按期平均需要完整的周期，{start} 至 {end} 不是整{timegrain.GRAIN_ZH[query.average_over]}"
                             "（数据可能还没到期末）。",
                             f"An average per {query.average_over} needs whole periods; {start} to {end} is not "
                             "(the data may not reach the period's end yet).")
    for h in query.having:
        needs = {"mom": "mom" in query.comparisons, "yoy": "yoy" in query.comparisons,
                 "mom_change": "mom" in query.comparisons, "yoy_change": "yoy" in query.comparisons,
                 "ystart": "ystart" in query.comparisons,
                 "share": "share" in query.comparisons, "cumulative": query.cumulative, "value": True}
        if not needs[h.of]:
            raise NotAllowed("条件引用的对比值没有被计算。", f"The condition uses {h.of}, which the query does not compute.")




def average_over_entities(base: str, keys: list[str], metrics: list[str], entity: str) -> exp.Select:
    """The mean over the things of each key (平均每个网点): only the things with rows in the scope are
    averaged, and the rows with no such thing (walk-in senders with no customer) are none of them."""
    select = exp.select(*[exp.column(k) for k in keys],
                        *[exp.alias_(exp.Avg(this=exp.cast(exp.column(m), "DOUBLE")), m) for m in metrics])
    select = select.from_(base).where(exp.column(entity).is_(exp.null()).not_())
    return select.group_by(*[exp.column(k) for k in keys]) if keys else select


def average_over_periods(base: str, dims: list[str], metrics: list[str]) -> exp.Select:
    """The mean over the periods of each key; the spine made empty periods zero, so they count."""
    return (exp.select(*[exp.column(d) for d in dims],
                       *[exp.alias_(exp.Avg(this=exp.cast(exp.column(m), "DOUBLE")), m) for m in metrics])
            .from_(base).group_by(*[exp.column(d) for d in dims]) if dims else
            exp.select(*[exp.alias_(exp.Avg(this=exp.cast(exp.column(m), "DOUBLE")), m) for m in metrics]).from_(base))


def running_totals(plan: QueryPlan, select: exp.Select, dims: list[str]) -> exp.Select:
    for m in plan.query.metrics:
        window = exp.Window(this=exp.Sum(this=exp.column(m, "cur")),
                            partition_by=[exp.column(d, "cur") for d in dims] or None,
                            order=exp.Order(expressions=[exp.Ordered(this=exp.column(TIME_KEY, "cur"))]),
                            spec=exp.WindowSpec(kind="ROWS", start="UNBOUNDED", start_side="PRECEDING"))
        select = select.select(exp.alias_(window, f"{m}__cumulative"), copy=False)
    return select


def ranks_within(plan: QueryPlan, select: exp.Select, timed: bool, table: str | None = "cur") -> exp.Select:
    """Each row's place within its group; ``table`` None ranks the rows of a layer above the base
    (whose period column is named after the grain)."""
    top = plan.query.top_within
    period = exp.column(TIME_KEY, table) if table else exp.column(plan.grain)
    partition = ([period] if timed else []) + [exp.column(d, table) for d in top.within]
    # a row with no customer (walk-ins) or no city is no customer of that city: it takes no place
    named = [exp.column(d, table).is_(exp.null()).not_() for d in plan.dimension_columns()]
    partition += [exp.column(d, table).is_(exp.null()) for d in plan.dimension_columns()]
    window = exp.Window(this=exp.Anonymous(this="RANK"), partition_by=partition,
                        order=exp.Order(expressions=[exp.Ordered(this=exp.column(top.metric, table),
                                                                 desc=top.descending, nulls_first=False)]))
    return select.select(exp.alias_(exp.Case(ifs=[exp.If(this=exp.and_(*named), true=window)]), f"{top.metric}__rank"))


def ranked_among_kept(plan: QueryPlan, kept: exp.Select, timed: bool) -> exp.Select:
    """超过10万的门店中毛利率最高的2家: the places are taken among the rows the conditions kept, never
    among all rows then cut (which drops a region whose top two fall under the bound)."""
    top = plan.query.top_within
    ranked = ranks_within(plan, exp.select("*").from_(kept.subquery("kept")), timed, table=None)
    return exp.select("*").from_(ranked.subquery("ranked")).where(
        exp.LTE(this=exp.column(f"{top.metric}__rank"), expression=exp.Literal.number(top.n)))


def averages(plan: QueryPlan, select: exp.Select, overall: str | None, timed: bool) -> exp.Select:
    """The value each group is compared with when a condition says 高于平均."""
    named = [exp.column(d, "cur").is_(exp.null()).not_() for d in plan.dimension_columns()]
    for m in dict.fromkeys(h.metric for h in plan.query.having if h.against == "average"):
        spec = plan.catalog.metrics[m]
        if _mean_of_groups(spec):
            # the average of the cities is over the cities: the sales with no city (the online mall) are none
            measured = exp.column(m, "cur")
            if named:
                measured = exp.Case(ifs=[exp.If(this=exp.and_(*named), true=measured)])
            value = exp.Window(this=exp.Avg(this=exp.cast(measured, "DOUBLE")),
                               partition_by=[exp.column(TIME_KEY, "cur")] if timed else None)
        else:
            value = exp.column(m, overall)
        select = select.select(exp.alias_(value, f"{m}__average"))
    return select


def conditions(plan: QueryPlan, parts: list[Filter]) -> list[exp.Expression]:
    query = plan.query
    out = [filter_predicate(exp.column(f.dimension), f.op, f.values) for f in parts]
    for h in query.having:
        target = exp.column(f"{h.metric}__average") if h.against == "average" else exp.convert(h.value)
        out.append(OPS[h.op](this=exp.column(h.column), expression=target))
        if h.against == "average":  # the rows with no city are not a city above (or below) the average
            out += [exp.column(d).is_(exp.null()).not_() for d in plan.dimension_columns()]
    if query.top_within and not query.having:  # with conditions the places are taken after them
        out.append(exp.LTE(this=exp.column(f"{query.top_within.metric}__rank"),
                           expression=exp.Literal.number(query.top_within.n)))
    return out


def _mean_of_groups(spec) -> bool:
    """A count or sum — of rows, of distinct things (活跃客户数), of balances at a period's end — is a
    total: the average of the cities is the mean of their values (the overall distinct count is the
    whole, which no city is above). A ratio or a mean compares with its overall value."""
    return spec.type in ("simple", "period_end") and spec.agg in (*ADDITIVE, "count_distinct")


def needs_overall(plan: QueryPlan) -> bool:
    """Ratios and means compare with the overall value, which needs its own scan."""
    return any(h.against == "average" and not _mean_of_groups(plan.catalog.metrics[h.metric]) for h in plan.query.having)


def gone_count_as_zero(plan: QueryPlan, kinds: list[str], keys_nullable: bool) -> bool:
    """Whether a key with rows only in the compared period is a row, at 0, of the period asked: a
    depot with 5 complaints last October and none this October fell by 100% (it was left out of
    下降的网点有几个). Only for sums and counts, whose no-rows is 0 (never a balance or a ratio), one
    comparison, no time buckets, and keys that are never NULL (PostgreSQL full joins only on =)."""
    if len(kinds) != 1 or plan.grain or keys_nullable or not plan.dimension_columns():
        return False
    specs = [plan.catalog.metrics[m] for m in plan.query.metrics]
    return all(s.type == "simple" and s.agg in ("sum", "count", "count_distinct") for s in specs)


def keys_from_either(select: exp.Select, dims: list[str], metrics: list[str], kind: str) -> None:
    """The key columns of a full join from whichever side has the row; the value asked at 0 when
    only the compared period had one."""
    for projection in select.expressions:
        name = projection.alias
        if name in dims:
            projection.set("this", exp.func("COALESCE", exp.column(name, "cur"), exp.column(name, kind)))
        elif name in metrics:
            projection.set("this", exp.func("COALESCE", exp.column(name, "cur"), exp.Literal.number(0)))
