"""Query → sqlglot expression tree → SQL in the target dialect.

Shape of every compiled query (MetricFlow's lesson: aggregate each fact before joining):

    g0_<fact>   one aggregate scan per fact table (+ a separate one for balances)
    spine       the result rows: every period × every group key seen, when needed
    base        metric values: ratios of sums, derived formulas, zero for empty additive cells
    [prev_*]    the same for the compared period (MoM / YoY)
    final       comparisons, share of total, having, deterministic order, limit
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from metric_catalog.model import Catalog
from semantic_layer import timegrain
from semantic_layer.access import User
from semantic_layer.explain import explain
from semantic_layer.plan import ADDITIVE, QueryPlan, build_plan
from semantic_layer.query import SemanticQuery
from semantic_layer.scan import TIME_KEY, group_select


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


def _base(plan: QueryPlan, start: dt.date | None, end: dt.date, prefix: str) -> tuple[list[tuple[str, exp.Select]], str]:
    """CTEs computing every queried metric per key over one period; returns (ctes, name of the last)."""
    ctes: list[tuple[str, exp.Select]] = []
    source: dict[str, str] = {}
    for group in plan.groups:
        name = f"{prefix}{group.name}"
        ctes.append((name, group_select(plan, group, start, end)))
        source.update({leaf: name for leaf in group.leaves})
    dims = plan.dimension_columns()
    keys = ([TIME_KEY] if plan.grain else []) + dims
    names = [name for name, _ in ctes]
    if len(names) == 1 and not plan.grain:
        driver = names[0]
        from_ = exp.select().from_(driver)
    else:
        spine = f"{prefix}spine"
        if plan.grain:
            periods = timegrain.periods(start, end, plan.grain)
            spine_sql = exp.select(exp.column(TIME_KEY, "p")).from_(
                exp.values([(timegrain.date_literal(p),) for p in periods], alias="p", columns=[TIME_KEY]))
            if dims:
                seen = exp.union(*[exp.select(*dims).from_(n) for n in names], distinct=True) if len(names) > 1 \
                    else exp.select(*dims).distinct().from_(names[0])
                spine_sql = exp.select(exp.column(TIME_KEY, "p"), *[exp.column(d, "k") for d in dims]).from_(
                    exp.values([(timegrain.date_literal(p),) for p in periods], alias="p", columns=[TIME_KEY])
                ).join(seen.subquery("k"), join_type="cross")
        elif dims:
            spine_sql = exp.union(*[exp.select(*dims).from_(n) for n in names], distinct=True)
        else:
            spine_sql = None
        if spine_sql is not None:
            ctes.append((spine, spine_sql))
            driver = spine
            from_ = exp.select().from_(spine)
            for name in names:
                from_ = from_.join(name, on=_null_safe_on(spine, name, keys), join_type="left")
        else:  # no keys at all: each scan is a single row
            driver = names[0]
            from_ = exp.select().from_(names[0])
            for name in names[1:]:
                from_ = from_.join(name, join_type="cross")
    selected = [exp.alias_(exp.column(k, driver), k) for k in keys]
    selected += [exp.alias_(_metric_expr(plan, m, source), m) for m in plan.query.metrics]
    base = f"{prefix}base"
    ctes.append((base, from_.select(*selected)))
    return ctes, base


def compile_query(catalog: Catalog, query: SemanticQuery, dialect: str = "duckdb", user: User | None = None,
                  as_of: dt.date | None = None) -> CompiledQuery:
    plan = build_plan(catalog, query, user or User.unrestricted(), as_of or dt.date.today())
    start, end = plan.start, plan.end
    ctes, base = _base(plan, start, end, "")
    dims = plan.dimension_columns()
    keys = ([TIME_KEY] if plan.grain else []) + dims
    select = exp.select(*[exp.alias_(exp.column(k, "cur"), plan.grain if k == TIME_KEY else k) for k in keys],
                        *[exp.alias_(exp.column(m, "cur"), m) for m in query.metrics])
    select = select.from_(exp.alias_(exp.to_table(base), "cur", table=True))
    for kind in [c for c in query.comparisons if c in ("mom", "yoy")]:
        shift = timegrain.comparison_shift(kind, plan.grain, start, end)
        prev_start, prev_end = shift.apply(start), shift.apply(end)
        if timegrain.is_month_aligned(start, end):
            prev_end = timegrain.month_end(prev_end)
        prev_ctes, prev_base = _base(plan, prev_start, prev_end, f"{kind}_")
        ctes += prev_ctes
        on = [exp.NullSafeEQ(this=exp.column(d, kind), expression=exp.column(d, "cur")) for d in dims]
        if plan.grain:
            on.append(exp.EQ(this=exp.column(TIME_KEY, kind), expression=shift.sql(exp.column(TIME_KEY, "cur"), -1)))
        select = select.join(exp.alias_(exp.to_table(prev_base), kind, table=True),
                             on=exp.and_(*on) if on else exp.true(), join_type="left")
        for m in query.metrics:
            cur, prev = exp.column(m, "cur"), exp.column(m, kind)
            growth = exp.Div(this=exp.cast(exp.Sub(this=cur, expression=prev), "DOUBLE"),
                             expression=exp.func("NULLIF", exp.Abs(this=prev), exp.Literal.number(0)))
            select = select.select(exp.alias_(prev.copy(), f"{m}__{kind}_prev"), exp.alias_(growth, f"{m}__{kind}"))
    if "share" in query.comparisons:
        for m in query.metrics:
            total = exp.Window(this=exp.Sum(this=exp.column(m, "cur")),
                               partition_by=[exp.column(TIME_KEY, "cur")] if plan.grain else None)
            share = exp.Div(this=exp.cast(exp.column(m, "cur"), "DOUBLE"),
                            expression=exp.func("NULLIF", total, exp.Literal.number(0)))
            select = select.select(exp.alias_(share, f"{m}__share"))
    final = exp.select("*").from_(select.subquery("r"))
    if query.having:
        ops = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
        final = final.where(exp.and_(*[ops[h.op](this=exp.column(h.metric), expression=exp.convert(h.value))
                                       for h in query.having]))
    out_keys = [plan.grain if k == TIME_KEY else k for k in keys]
    orders = [exp.Ordered(this=exp.column(o.field), desc=o.descending, nulls_first=False) for o in query.order_by]
    ordered = {o.field for o in query.order_by}
    orders += [exp.Ordered(this=exp.column(k), nulls_first=False) for k in out_keys if k not in ordered]
    if orders:
        final = final.order_by(*orders)
    if query.limit:
        final = final.limit(query.limit)
    for name, cte in ctes:  # CTEs stay at the top level: some engines reject WITH inside a subquery
        final = final.with_(name, as_=cte)
    sql = final.sql(dialect=dialect, identify=True)
    return CompiledQuery(sql=sql, dialect=dialect, expression=final, columns=output_columns(plan),
                         explanation=explain(plan), start=start, end=end, notes=plan.notes)


def output_columns(plan: QueryPlan) -> list[OutputColumn]:
    catalog, query = plan.catalog, plan.query
    cols: list[OutputColumn] = []
    if plan.grain:
        zh = {"day": "日期", "week": "周", "month": "月份", "quarter": "季度", "year": "年份"}[plan.grain]
        cols.append(OutputColumn(plan.grain, "time", zh, plan.grain, format=plan.grain))
    for d in plan.dimension_columns():
        spec = catalog.dimensions[d]
        cols.append(OutputColumn(d, "dimension", spec.name.zh, spec.name.en))
    for m in query.metrics:
        spec = catalog.metrics[m]
        cols.append(OutputColumn(m, "metric", spec.name.zh, spec.name.en, spec.format, m))
    for kind in [c for c in query.comparisons if c in ("mom", "yoy")]:
        label = {"mom": ("上期", "环比", "previous", "change"), "yoy": ("去年同期", "同比", "last year", "YoY")}[kind]
        for m in query.metrics:
            spec = catalog.metrics[m]
            cols.append(OutputColumn(f"{m}__{kind}_prev", "comparison", f"{spec.name.zh}({label[0]})",
                                     f"{spec.name.en} ({label[2]})", spec.format, m))
            cols.append(OutputColumn(f"{m}__{kind}", "comparison", f"{spec.name.zh}{label[1]}",
                                     f"{spec.name.en} {label[3]}", "percent", m))
    if "share" in query.comparisons:
        for m in query.metrics:
            spec = catalog.metrics[m]
            cols.append(OutputColumn(f"{m}__share", "comparison", f"{spec.name.zh}占比", f"{spec.name.en} share",
                                     "percent", m))
    return cols
