"""Query → sqlglot expression tree → SQL in the target dialect.

Shape of every compiled query (MetricFlow's lesson: aggregate each fact before joining):

    g0_<fact>   one aggregate scan per fact table (+ a separate one for balances)
    spine       the result rows: every period × every group key seen, when needed
    base        metric values: ratios of sums, derived formulas, zero for empty additive cells
    [prev_*]    the same for the compared period (MoM / YoY)
    final       comparisons, share of total, having, deterministic order, limit
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import shapes, timegrain
from semantic_layer.access import User
from semantic_layer.explain import explain
from semantic_layer.joins import join
from semantic_layer.listing import listing_select
from semantic_layer.plan import ADDITIVE, QueryPlan, build_plan
from semantic_layer.query import TIME, SemanticQuery
from semantic_layer.scan import TIME_KEY, group_select

PERIOD_COMPARISONS = ("mom", "yoy", "ystart")
# (the compared period, the comparison, the same in English) for column labels
COMPARED_LABELS = {"mom": ("上期", "环比", "previous", "vs previous period"),
                   "yoy": ("去年同期", "同比", "last year", "YoY"),
                   "ystart": ("年初", "较年初", "start of year", "vs start of year")}


@dataclass(frozen=True)
class OutputColumn:
    name: str
    kind: str  # time | dimension | metric | comparison
    label_zh: str
    label_en: str
    format: str = "text"
    metric: str | None = None


@dataclass
class CompiledQuery:
    sql: str
    dialect: str
    expression: exp.Expression
    columns: list[OutputColumn]
    explanation: dict[str, str]
    start: dt.date | None
    end: dt.date
    notes: list[tuple[str, str]] = field(default_factory=list)


def _null_safe_on(left: str, right: str, keys: list[str]) -> exp.Expression:
    return exp.and_(*[exp.NullSafeEQ(this=exp.column(k, left), expression=exp.column(k, right)) for k in keys])


def _metric_expr(plan: QueryPlan, metric_id: str, source: dict[str, str]) -> exp.Expression:
    """The value of a metric from leaf columns (``source`` maps leaf id → the CTE holding it)."""
    spec = plan.catalog.metrics[metric_id]
    if spec.type in ("simple", "period_end"):
        column = exp.column(metric_id, source[metric_id])
        if spec.agg in ADDITIVE or spec.agg == "count_distinct":
            return exp.func("COALESCE", column, exp.Literal.number(0))
        return column
    if spec.type == "ratio":
        num = _metric_expr(plan, spec.numerator, source)
        den = _metric_expr(plan, spec.denominator, source)
        return exp.Div(this=exp.cast(num, "DOUBLE"), expression=exp.func("NULLIF", den, exp.Literal.number(0)))
    tree = sqlglot.parse_one(spec.formula)
    return tree.transform(lambda node: exp.paren(_metric_expr(plan, node.name, source))
                          if isinstance(node, exp.Column) else node)


def _inline_single_scan(plan: QueryPlan, scan: exp.Select, group_name: str) -> exp.Select:
    """One scan and no time spine: apply the metric formulas to the aggregates in the same SELECT,
    which is exactly the query an analyst would write by hand."""
    aggregates = {e.alias: e.this for e in scan.expressions if isinstance(e, exp.Alias)}
    keys = [e for e in scan.expressions if e.alias not in aggregates or e.alias in plan.dimension_columns()]
    source = {leaf: group_name for leaf in plan.groups[0].leaves}

    def substitute(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and node.table == group_name and node.name in aggregates:
            return aggregates[node.name].copy()
        return node

    metrics = [exp.alias_(_metric_expr(plan, m, source).transform(substitute), m) for m in plan.query.metrics]
    inlined = scan.copy()
    inlined.set("expressions", [k.copy() for k in keys if k.alias in plan.dimension_columns()] + metrics)
    return inlined


def _keys_may_be_null(plan: QueryPlan) -> bool:
    catalog = plan.catalog
    for d in plan.dimension_columns():
        spec = catalog.dimensions[d]
        if spec.nullable:
            return True
        for group in plan.groups:
            if any(not step.join.complete for step in graph.join_path(catalog, group.table, spec.table) or []):
                return True
    return False


def _filtered_on_the_date(plan: QueryPlan) -> bool:
    catalog = plan.catalog
    return any(graph.joined_on_its_date(catalog, g.table, catalog.dimensions[f.dimension].table)
               for f in plan.query.filters for g in plan.groups)


def _base(plan: QueryPlan, start: dt.date | None, end: dt.date, prefix: str) -> tuple[list[tuple[str, exp.Select]], str]:
    """CTEs computing every queried metric per key over one period; returns (ctes, name of the last).

    Three shapes: a single scan with no time buckets is inlined; several scans without time
    buckets are FULL OUTER JOINed on their keys; with time buckets, a spine of every period ×
    every key seen makes empty periods explicit rows.
    """
    scans = [(f"{prefix}{g.name}", g, group_select(plan, g, start, end)) for g in plan.groups]
    source = {leaf: name for name, g, _ in scans for leaf in g.leaves}
    dims = plan.dimension_columns()
    keys = ([TIME_KEY] if plan.grain else []) + dims
    base = f"{prefix}base"
    if len(scans) == 1 and not plan.grain:
        name, _, scan = scans[0]
        return [(base, _inline_single_scan(plan, scan, name))], base
    ctes: list[tuple[str, exp.Select]] = [(name, scan) for name, _, scan in scans]
    names = [name for name, _, _ in scans]
    if plan.grain:
        if _filtered_on_the_date(plan):  # 国庆 by day: the days of 国庆, not every other day as empty
            seen = [exp.select(TIME_KEY).from_(n) for n in names]
            periods = (exp.union(*seen, distinct=True) if len(seen) > 1 else seen[0].distinct()).subquery("p")
        else:
            periods = exp.values([(timegrain.date_literal(p),) for p in timegrain.periods(start, end, plan.grain)],
                                 alias="p", columns=[TIME_KEY])
        spine_sql = exp.select(exp.column(TIME_KEY, "p")).from_(periods)
        if dims:
            seen = (exp.union(*[exp.select(*dims).from_(n) for n in names], distinct=True) if len(names) > 1
                    else exp.select(*dims).distinct().from_(names[0]))
            spine_sql = join(spine_sql.select(*[exp.column(d, "k") for d in dims]), seen.subquery("k"), how="cross")
        spine = f"{prefix}spine"
        ctes.append((spine, spine_sql))
        from_ = exp.select().from_(spine)
        for name in names:
            from_ = join(from_, name, on=_null_safe_on(spine, name, keys), how="left")
        key_exprs = {k: exp.column(k, spine) for k in keys}
    elif dims and not _keys_may_be_null(plan):
        # Keys are never NULL (declared and validated), so a plain FULL JOIN matches them; the
        # engine can run both aggregations side by side.
        from_ = exp.select().from_(names[0])
        for i, name in enumerate(names[1:], start=1):
            on = exp.and_(*[exp.EQ(this=exp.func("COALESCE", *[exp.column(d, n) for n in names[:i]])
                                   if i > 1 else exp.column(d, names[0]), expression=exp.column(d, name))
                            for d in dims])
            from_ = join(from_, name, on=on, how="full")
        key_exprs = {d: exp.func("COALESCE", *[exp.column(d, n) for n in names]) for d in dims}
    elif dims:
        # Stack the scans and group once: GROUP BY treats NULL keys as equal in every engine,
        # where a FULL JOIN would need a null-safe condition PostgreSQL cannot hash.
        leaves = [leaf for _, g, _ in scans for leaf in g.leaves]
        branches = [exp.select(*dims, *[exp.column(leaf) if leaf in g.leaves else exp.alias_(exp.null(), leaf)
                                        for leaf in leaves]).from_(name) for name, g, _ in scans]
        stacked = f"{prefix}stacked"
        ctes.append((stacked, exp.select(*dims, *[exp.alias_(exp.Max(this=exp.column(leaf)), leaf) for leaf in leaves])
                     .from_(exp.union(*branches, distinct=False).subquery("s"))
                     .group_by(*[exp.Literal.number(i + 1) for i in range(len(dims))])))
        source = {leaf: stacked for leaf in leaves}
        from_ = exp.select().from_(stacked)
        key_exprs = {d: exp.column(d, stacked) for d in dims}
    else:  # no keys at all: each scan is a single row
        from_ = exp.select().from_(names[0])
        for name in names[1:]:
            from_ = join(from_, name, how="cross")
        key_exprs = {}
    selected = [exp.alias_(key_exprs[k], k) for k in keys]
    selected += [exp.alias_(_metric_expr(plan, m, source), m) for m in plan.query.metrics]
    ctes.append((base, from_.select(*selected)))
    return ctes, base


def compile_query(catalog: Catalog, query: SemanticQuery, dialect: str = "duckdb", user: User | None = None,
                  as_of: dt.date | None = None) -> CompiledQuery:
    if not query.metrics:
        return _compile_listing(catalog, query, dialect, user or User.unrestricted(), as_of or dt.date.today())
    shaped, parts = shapes.share_parts(query)
    shaped = shapes.per_period(shaped)
    plan = build_plan(catalog, shaped, user or User.unrestricted(), as_of or dt.date.today())
    shapes.check(plan, query)
    start, end = plan.start, plan.end
    ctes, base = _base(plan, start, end, "")
    dims = plan.dimension_columns()
    timed = bool(plan.grain) and not query.average_over
    if query.average_over:  # the per-period values become one mean per key
        ctes.append(("per_period", shapes.average_over_periods(base, dims, query.metrics)))
        base = "per_period"
    elif query.average_per:  # the per-thing values become one mean per key
        dims = [d for d in dims if d != query.average_per]
        ctes.append(("per_thing", shapes.average_over_entities(base, ([TIME_KEY] if timed else []) + dims,
                                                                 query.metrics, query.average_per)))
        base = "per_thing"
    keys = ([TIME_KEY] if timed else []) + dims
    grain = plan.grain if timed else None
    select = exp.select(*[exp.alias_(exp.column(k, "cur"), grain if k == TIME_KEY else k) for k in keys],
                        *[exp.alias_(exp.column(m, "cur"), m) for m in query.metrics])
    select = select.from_(exp.alias_(exp.to_table(base), "cur", table=True))
    layered = query.comparisons or query.cumulative or query.top_within or query.having or parts
    if not layered and not query.average_over and not query.average_per:
        # Nothing computed from the values: the base SELECT is the answer, no extra layer to plan.
        _, select = ctes.pop()
        for projection in select.expressions:
            if projection.alias == TIME_KEY:
                projection.set("alias", exp.to_identifier(plan.grain))
    kinds = [c for c in query.comparisons if c in PERIOD_COMPARISONS]
    gone = shapes.gone_count_as_zero(plan, kinds, _keys_may_be_null(plan)) and not query.average_per
    for kind in kinds:
        shift = timegrain.comparison_shift(kind, plan.grain, start, end)
        prev_start, prev_end = timegrain.compared_range(kind, plan.grain, start, end)
        prev_ctes, prev_base = _base(plan, prev_start, prev_end, f"{kind}_")
        ctes += prev_ctes
        on = [(exp.EQ if gone else exp.NullSafeEQ)(this=exp.column(d, kind), expression=exp.column(d, "cur")) for d in dims]
        if plan.grain:
            on.append(exp.EQ(this=exp.column(TIME_KEY, kind), expression=shift.sql(exp.column(TIME_KEY, "cur"), -1)))
        select = join(select, exp.alias_(exp.to_table(prev_base), kind, table=True),
                      on=exp.and_(*on) if on else exp.true(), how="full" if gone else "left")
        if gone:
            shapes.keys_from_either(select, dims, query.metrics, kind)
        for m in query.metrics:
            cur, prev = exp.column(m, "cur"), exp.column(m, kind)
            if gone:
                cur = exp.func("COALESCE", cur, exp.Literal.number(0))
            growth = exp.Div(this=exp.cast(exp.Sub(this=cur, expression=prev), "DOUBLE"),
                             expression=exp.func("NULLIF", exp.Abs(this=prev), exp.Literal.number(0)))
            # the change itself too: 增加了多少, and of a ratio (不良率上升了多少) the points it moved
            change = exp.Sub(this=cur.copy(), expression=prev.copy())
            select = select.select(exp.alias_(prev.copy(), f"{m}__{kind}_prev"), exp.alias_(change, f"{m}__{kind}_change"),
                                   exp.alias_(growth, f"{m}__{kind}"), copy=False)
    if "share" in query.comparisons:
        for m in query.metrics:
            within = [exp.column(d, "cur") for d in dims if d in query.share_scope]  # each city's own whole
            total = exp.Window(this=exp.Sum(this=exp.column(m, "cur")),
                               partition_by=([exp.column(TIME_KEY, "cur")] if plan.grain else []) + within or None)
            share = exp.Div(this=exp.cast(exp.column(m, "cur"), "DOUBLE"),
                            expression=exp.func("NULLIF", total, exp.Literal.number(0)))
            select = select.select(exp.alias_(share, f"{m}__share"), copy=False)
    if query.cumulative:
        select = shapes.running_totals(plan, select, dims)
    if query.top_within and not query.having:
        select = shapes.ranks_within(plan, select, timed)
    overall = None
    if shapes.needs_overall(plan):  # one more base over the whole scope, on the same periods
        whole = build_plan(catalog, shaped.model_copy(update={"group_by": [g for g in shaped.group_by
                                                                           if g.dimension == TIME]}),
                           plan.user, as_of or dt.date.today())
        whole_ctes, overall = _base(whole, start, end, "all_")
        ctes += whole_ctes
        on = [exp.EQ(this=exp.column(TIME_KEY, overall), expression=exp.column(TIME_KEY, "cur"))] if timed else []
        table = exp.alias_(exp.to_table(overall), overall, table=True)
        select = join(select, table, on=exp.and_(*on), how="left") if on else join(select, table, how="cross")
    select = shapes.averages(plan, select, overall, timed)
    final = select
    where = shapes.conditions(plan, parts)
    if where:  # conditions on computed values need the values named: one more layer
        final = exp.select("*").from_(select.subquery("r")).where(exp.and_(*where))
    if query.top_within and query.having:
        final = shapes.ranked_among_kept(plan, final, timed)
    if query.parts_summed and parts:  # 杭州或宁波占全省: the parts' values and shares, added up
        dims = [d for d in dims if d not in {f.dimension for f in parts}]
        keys = ([TIME_KEY] if timed else []) + dims
        final = shapes.parts_together(final, [grain if k == TIME_KEY else k for k in keys], query.metrics)
    if _ties_kept(query, timed):  # 前5: every row tied with the 5th is shown, not cut at random
        order = query.order_by[0]
        place = exp.Window(this=exp.Anonymous(this="RANK"), order=exp.Order(expressions=[
            exp.Ordered(this=exp.column(order.field), desc=order.descending, nulls_first=False)]))
        named = [exp.column(d).is_(exp.null()).not_() for d in dims]
        if named:  # the rows with no agent (no region) are no agent: they take no place among the top N
            final = exp.select("*").from_(final.subquery("named")).where(exp.and_(*named))
        ranked = exp.select("*", exp.alias_(place, f"{order.field}__place")).from_(final.subquery("ranked"))
        final = exp.select("*").from_(ranked.subquery("placed")).where(
            exp.LTE(this=exp.column(f"{order.field}__place"), expression=exp.Literal.number(query.limit)))
    out_keys = [grain if k == TIME_KEY else k for k in keys]
    orders = [exp.Ordered(this=exp.column(o.field), desc=o.descending, nulls_first=False) for o in query.order_by]
    if orders and dims and query.order_by[0].field not in dims:  # 客户经理销售额排名: the rows with none rank last
        orders = [exp.Ordered(this=exp.column(d).is_(exp.null())) for d in dims] + orders
        final = exp.select("*").from_(final.subquery("sorted"))  # an expression may order only by input columns
    if query.top_within:
        within = [exp.Ordered(this=exp.column(d), nulls_first=False) for d in query.top_within.within]
        orders = [*within, exp.Ordered(this=exp.column(f"{query.top_within.metric}__rank")), *orders]
    ordered = {o.this.name for o in orders}
    orders += [exp.Ordered(this=exp.column(k), nulls_first=False) for k in out_keys if k not in ordered]
    if orders:
        final = final.order_by(*orders, copy=False)
    if query.limit and not _ties_kept(query, timed):
        final = final.limit(query.limit, copy=False)
    for name, cte in ctes:  # CTEs stay at the top level: some engines reject WITH inside a subquery
        final = final.with_(name, as_=cte, copy=False)
    sql = final.sql(dialect=dialect, identify=True)
    shown = dataclasses.replace(plan, query=query)
    columns = output_columns(shown, dims)
    if _ties_kept(query, timed):
        metric = query.order_by[0].field.split("__")[0]
        columns.append(OutputColumn(f"{query.order_by[0].field}__place", "comparison", "名次", "place", "integer",
                                    metric if metric in query.metrics else None))
    return CompiledQuery(sql=sql, dialect=dialect, expression=final, columns=columns,
                         explanation=explain(shown), start=start, end=end, notes=plan.notes)


def _ties_kept(query: SemanticQuery, timed: bool) -> bool:
    """A top-N by a value, over groups (not periods): cut by place, so ties at the cut all show."""
    grouped = {g.dimension for g in query.group_by if g.dimension != TIME}
    return bool(query.limit and query.order_by and grouped and not timed and not query.top_within
                and query.order_by[0].field not in grouped)


def _compile_listing(catalog: Catalog, query: SemanticQuery, dialect: str, user: User, as_of: dt.date) -> CompiledQuery:
    select = listing_select(catalog, query, user)
    dims = [g.dimension for g in query.group_by]
    columns = [OutputColumn(d, "dimension", catalog.dimensions[d].name.zh, catalog.dimensions[d].name.en) for d in dims]
    names_zh = "、".join(c.label_zh for c in columns)
    names_en = ", ".join(c.label_en for c in columns)
    explanation = {"zh": f"清单：{names_zh}（目录中的维度取值，不含时间范围）",
                   "en": f"Listing: {names_en} (values from the catalog's dimensions; no period)"}
    return CompiledQuery(sql=select.sql(dialect=dialect, identify=True), dialect=dialect, expression=select,
                         columns=columns, explanation=explanation, start=None, end=as_of)


def output_columns(plan: QueryPlan, dims: list[str] | None = None) -> list[OutputColumn]:
    """The answer's columns, in the compiled SELECT's order. ``dims`` are the key columns when the
    shape added some (a share's part: 杭州占全省 shows the city it is about)."""
    catalog, query = plan.catalog, plan.query
    cols: list[OutputColumn] = []
    if plan.grain:
        zh = {"day": "日期", "week": "周", "month": "月份", "quarter": "季度", "year": "年份"}[plan.grain]
        cols.append(OutputColumn(plan.grain, "time", zh, plan.grain, format=plan.grain))
    for d in plan.dimension_columns() if dims is None else dims:
        spec = catalog.dimensions[d]
        cols.append(OutputColumn(d, "dimension", spec.name.zh, spec.name.en))
    for m in query.metrics:
        spec = catalog.metrics[m]
        cols.append(OutputColumn(m, "metric", spec.name.zh, spec.name.en, spec.format, m))
    for kind in [c for c in query.comparisons if c in PERIOD_COMPARISONS]:
        label = COMPARED_LABELS[kind]
        for m in query.metrics:
            spec = catalog.metrics[m]
            cols.append(OutputColumn(f"{m}__{kind}_prev", "comparison", f"{spec.name.zh}({label[0]})",
                                     f"{spec.name.en} ({label[2]})", spec.format, m))
            cols.append(OutputColumn(f"{m}__{kind}_change", "comparison", f"{spec.name.zh}{label[1]}变化",
                                     f"{spec.name.en} change {label[3]}", spec.format, m))
            cols.append(OutputColumn(f"{m}__{kind}", "comparison", f"{spec.name.zh}{label[1]}",
                                     f"{spec.name.en} {label[3]}", "percent", m))
    if "share" in query.comparisons:
        # the whole said in the label (占华北的比例), or "of all" when filters could be read as one
        whole = [v for f in query.filters if f.dimension in query.share_scope for v in f.values]
        each = [catalog.dimensions[d].name for d in dims if d in query.share_scope]  # 各地市…中: each city's own
        of_zh, of_en = ((f"占本{'、'.join(n.zh for n in each)}", f" share of its {', '.join(n.en for n in each)}") if each else
                        (f"占{'、'.join(whole)}", f" share of {', '.join(whole)}") if whole else
                        ("占全部", " share of all") if query.filters or len(dims) > 1 else ("占比", " share"))
        for m in query.metrics:
            spec = catalog.metrics[m]
            cols.append(OutputColumn(f"{m}__share", "comparison", f"{spec.name.zh}{of_zh}", f"{spec.name.en}{of_en}",
                                     "percent", m))
    for m in query.metrics if query.cumulative else []:
        spec = catalog.metrics[m]
        cols.append(OutputColumn(f"{m}__cumulative", "comparison", f"累计{spec.name.zh}", f"{spec.name.en} (running total)",
                                 spec.format, m))
    if query.top_within:
        cols.append(OutputColumn(f"{query.top_within.metric}__rank", "comparison", "名次", "rank", "integer",
                                 query.top_within.metric))
    for m in dict.fromkeys(h.metric for h in query.having if h.against == "average"):
        spec = catalog.metrics[m]
        cols.append(OutputColumn(f"{m}__average", "comparison", f"{spec.name.zh}(平均)", f"{spec.name.en} (average)",
                                 spec.format, m))
    return cols
