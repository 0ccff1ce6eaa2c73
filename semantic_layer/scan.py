"""One measure group → one aggregate SELECT over its fact table and the dimension tables it needs."""

from __future__ import annotations

import datetime as dt

import sqlglot
from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog, MetricSpec
from semantic_layer import timegrain
from semantic_layer.joins import join
from semantic_layer.plan import MeasureGroup, QueryPlan
from semantic_layer.sources import (
    Bridge,
    bridge_on,
    bridge_select,
    join_on,
    owning_bridge,
    semi_join,
    split_paths,
    table_source,
)

TIME_KEY = "__t"


def qualify(sql: str, alias: str) -> exp.Expression:
    """Parse a catalog expression and bind its bare columns to ``alias``."""
    tree = sqlglot.parse_one(sql)
    for col in tree.find_all(exp.Column):
        if not col.table:
            col.set("table", exp.to_identifier(alias))
    return tree


def dimension_expr(catalog: Catalog, dimension_id: str) -> exp.Expression:
    spec = catalog.dimensions[dimension_id]
    raw = qualify(spec.column, spec.table)
    # a date dimension (a store's opening day) is shown and compared as a DATE whatever it is stored as
    return timegrain.as_date(raw, spec) if spec.type == "date" else raw


def filter_predicate(column: exp.Expression, op: str, values: list) -> exp.Expression:
    literals = [exp.convert(v) for v in values]
    if op == "in":
        return exp.In(this=column, expressions=literals)
    if op == "not in":
        return exp.Not(this=exp.In(this=column, expressions=literals))
    if op == "between":
        return exp.Between(this=column, low=literals[0], high=literals[1])
    kinds = {"=": exp.EQ, "!=": exp.NEQ, ">": exp.GT, ">=": exp.GTE, "<": exp.LT, "<=": exp.LTE}
    return kinds[op](this=column, expression=literals[0])


def _metric_predicate(catalog: Catalog, spec: MetricSpec) -> exp.Expression | None:
    parts: list[exp.Expression] = []
    if spec.where:
        parts.append(qualify(spec.where, spec.table))
    for flt in spec.filters:
        parts.append(filter_predicate(dimension_expr(catalog, flt.dimension), flt.op, flt.values))
    return exp.and_(*parts) if parts else None


def _aggregate(spec: MetricSpec, predicate: exp.Expression | None) -> exp.Expression:
    value = qualify(spec.expr, spec.table) if spec.expr else None
    if spec.agg == "count":
        if predicate is None:
            return exp.Count(this=exp.Star())
        return exp.Count(this=exp.Case(ifs=[exp.If(this=predicate, true=exp.Literal.number(1))]))
    if predicate is not None:
        value = exp.Case(ifs=[exp.If(this=predicate, true=value)])
    if spec.agg == "count_distinct":
        return exp.Count(this=exp.Distinct(expressions=[value]))
    if spec.agg == "avg":
        # Engines average DECIMALs to different scales (Spark keeps 5 digits); in DOUBLE they agree.
        return exp.Avg(this=exp.cast(value, "DOUBLE"))
    return {"sum": exp.Sum, "min": exp.Min, "max": exp.Max}[spec.agg](this=value)


def join_tables(catalog: Catalog, source: str, needed: list[str], select: exp.Select) -> exp.Select:
    """``select`` (FROM ``source``) joined along many-to-one paths to every table in ``needed``."""
    joined = {source}
    for target in needed:
        for step in graph.join_path(catalog, source, target, bridges=False) or []:
            if step.right in joined:
                continue
            select = join(select, table_source(catalog, step.right), on=join_on(step),
                          how="inner" if step.inner else "left")
            joined.add(step.right)
    return select


def _restriction_predicate(plan: QueryPlan, group: MeasureGroup, dimension_id: str, value) -> tuple[exp.Expression, str | None]:
    """Row filter on the dimension key; on the fact's own foreign key when it is the same column;
    through a bridge as a semi-join (the rows reaching the user's value, each once)."""
    spec = plan.catalog.dimensions[dimension_id]
    key = exp.EQ(this=exp.column(spec.key, spec.table), expression=exp.convert(value))
    if graph.crosses_bridge(plan.catalog, group.table, spec.table):
        return semi_join(plan.catalog, group.table, spec.table, key), None
    path = graph.join_path(plan.catalog, group.table, spec.table) or []
    if len(path) == 1:
        for fact_col, dim_col in path[0].join.keys.items():
            if dim_col == spec.key:
                return exp.EQ(this=exp.column(fact_col, group.table), expression=exp.convert(value)), None
    return key, spec.table


def time_column(catalog: Catalog, table: str) -> exp.Expression:
    """A table's time as compiled: its day as a DATE, or the raw string of a yyyymm period (compared and
    bucketed as text, which is cheaper). From the ``via`` table when its rows take their day there."""
    time = catalog.tables[table].time
    raw = qualify(time.column, time.via or table)
    return raw if time.format == "yyyymm" else timegrain.as_date(raw, time)


def time_profile(catalog: Catalog, table: str) -> exp.Select:
    """rows, rows with a stored time, rows whose day can be read, first day, last day: what
    `catalog validate` checks before a time column may window any answer."""
    time = catalog.tables[table].time
    raw = qualify(time.column, time.via or table)
    day = timegrain.as_date(raw.copy(), time)
    select = exp.select(exp.Count(this=exp.Star()), exp.Count(this=raw), exp.Count(this=day), exp.Min(this=day.copy()),
                        exp.Max(this=day.copy())).from_(table_source(catalog, table))
    return join_tables(catalog, table, [time.via] if time.via else [], select)


def time_predicate(plan: QueryPlan, group: MeasureGroup, start: dt.date | None, end: dt.date) -> exp.Expression | None:
    """None for a fact without a time column: it is answered for all its data (the plan refuses periods)."""
    time = plan.catalog.tables[group.table].time
    if time is None:
        return None
    column = time_column(plan.catalog, group.table)
    if group.period_end:
        # A balance is read at the end of each bucket, never added up over time.
        grain = plan.grain
        if grain and start is not None:
            ends = [min(timegrain.next_bucket(p, grain) - dt.timedelta(days=1), end)
                    for p in timegrain.periods(start, end, grain)]
        else:
            ends = [end]
        lits = [exp.Literal.string(timegrain.yyyymm(d)) if time.format == "yyyymm" else timegrain.date_literal(d)
                for d in ends]
        return exp.In(this=column, expressions=lits)
    if start is None:
        high = exp.Literal.string(timegrain.yyyymm(end)) if time.format == "yyyymm" else timegrain.date_literal(end)
        return exp.LTE(this=column, expression=high)
    return timegrain.range_predicate(column, time, start, end)


def group_select(plan: QueryPlan, group: MeasureGroup, start: dt.date | None, end: dt.date) -> exp.Select:
    """SELECT [time bucket AS __t,] dims, leaf aggregates FROM fact … GROUP BY keys.

    Dimensions behind a bridge come from one DISTINCT subquery per bridge (sources.bridge_select),
    their filters inside it, so no fact row is counted twice for one value.
    """
    catalog = plan.catalog
    specs = [catalog.metrics[leaf] for leaf in group.leaves]
    predicates = [_metric_predicate(catalog, spec) for spec in specs]
    shared = predicates[0] if all(p == predicates[0] for p in predicates) else None
    time = catalog.tables[group.table].time
    dims = plan.dimension_columns()
    asked = [catalog.dimensions[d].table for d in dims] + [catalog.dimensions[f.dimension].table
                                                          for f in plan.query.filters]
    direct, bridges = split_paths(catalog, group.table, asked)
    needed = ([time.via] if time and time.via else []) + direct
    for spec in specs:
        needed += [catalog.dimensions[f.dimension].table for f in spec.filters]

    def behind(did: str) -> Bridge | None:
        return owning_bridge(catalog, bridges, catalog.dimensions[did].table)

    where: list[exp.Expression] = [p for p in [time_predicate(plan, group, start, end)] if p is not None]
    bridge_where: dict[str, list[exp.Expression]] = {b.alias: [] for b in bridges}
    for f in plan.query.filters:
        predicate = filter_predicate(dimension_expr(catalog, f.dimension), f.op, f.values)
        bridge = behind(f.dimension)
        (bridge_where[bridge.alias] if bridge else where).append(predicate)
    for restriction in plan.restrictions:
        predicate, table = _restriction_predicate(plan, group, restriction.dimension, restriction.value)
        where.append(predicate)
        if table:
            needed.append(table)
    if shared is not None:
        where.append(shared)

    keys: list[exp.Expression] = []
    if plan.grain:
        keys.append(exp.alias_(timegrain.raw_bucket(time_column(catalog, group.table), time, plan.grain), TIME_KEY))
    for d in dims:
        bridge = behind(d)
        keys.append(exp.alias_(exp.column(d, bridge.alias) if bridge else dimension_expr(catalog, d), d))
    aggs = [exp.alias_(_aggregate(spec, None if shared is not None else pred), spec_id)
            for spec, pred, spec_id in zip(specs, predicates, group.leaves, strict=True)]
    select = exp.select(*keys, *aggs).from_(table_source(catalog, group.table))
    select = join_tables(catalog, group.table, list(dict.fromkeys(needed)), select)
    for bridge in bridges:
        columns = [(d, dimension_expr(catalog, d)) for d in dims if behind(d) is bridge]
        sub = bridge_select(catalog, bridge, columns, bridge_where[bridge.alias]).subquery(bridge.alias)
        # rows no bridge row reaches stay under an empty value unless a filter asks for values
        inner = bridge.step.join.complete or bool(bridge_where[bridge.alias])
        select = join(select, sub, on=bridge_on(bridge), how="inner" if inner else "left")
    if where:
        select = select.where(exp.and_(*where), copy=False)
    if keys:
        select = select.group_by(*[exp.Literal.number(i + 1) for i in range(len(keys))], copy=False)
    if plan.grain and time.format == "yyyymm":
        # Aggregate on the cheap YYYYMM string, turn it into a DATE on the few result rows.
        outer = [exp.alias_(timegrain.bucket_to_date(exp.column(TIME_KEY), time), TIME_KEY)]
        outer += [exp.column(d) for d in dims] + [exp.column(leaf) for leaf in group.leaves]
        select = exp.select(*outer).from_(select.subquery("agg"))
    return select
