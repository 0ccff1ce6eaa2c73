"""`chatbi catalog validate`: the catalog against the live database.

Checks tables and columns exist, types fit (time columns, numeric measures), time columns place
their rows on a day (time_checks), joins are key-safe
(the joined side is unique on its key, so no fan-out), every metric compiles and runs with
LIMIT 0 for each of its dimensions, and dictionary values occur in the data.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
from sqlglot import exp

from metric_catalog import graph, time_checks
from metric_catalog.dialect import read_differently
from metric_catalog.model import Catalog

NUMERIC = ("INT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL", "BIGINT", "SMALLINT", "HUGEINT", "TINYINT")


@dataclass
class Finding:
    level: str  # error | warning
    where: str
    message: str
    line: int | None = None  # in the catalog file, when validated from one


def _location(where: str) -> tuple:
    """'tables.t.joins[1]' / 'metrics.m by city' → ('tables', 't', 'joins', 1) / ('metrics', 'm')."""
    parts: list = []
    for part in where.split(" ")[0].split("."):
        name, _, index = part.partition("[")
        parts.append(name)
        if index:
            parts.append(int(index.rstrip("]")))
    return tuple(parts)


def add_lines(report: ValidationReport, path) -> None:
    """Every finding gets the line of the catalog item it is about (the nearest enclosing one)."""
    import yaml

    from metric_catalog.loader import line_index

    lines = line_index(yaml.compose(Path(path).read_text(encoding="utf-8")))
    for finding in report.findings:
        loc = _location(finding.where)
        for cut in range(len(loc), 0, -1):
            if loc[:cut] in lines:
                finding.line = lines[loc[:cut]]
                break


@dataclass
class ValidationReport:
    findings: list[Finding] = field(default_factory=list)
    checked_queries: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not any(f.level == "error" for f in self.findings)

    def error(self, where: str, message: str) -> None:
        self.findings.append(Finding("error", where, message))

    def warn(self, where: str, message: str) -> None:
        self.findings.append(Finding("warning", where, message))


def _sql(sql: str, warehouse) -> str:
    """Checks are written once and spoken in the warehouse's dialect."""
    return sqlglot.transpile(sql, write=warehouse.dialect, identify=True)[0]


def _columns_of(sql: str) -> list[str]:
    return [c.name for c in sqlglot.parse_one(sql).find_all(exp.Column)]


def _check_schema(catalog: Catalog, schema: dict[str, dict[str, str]], report: ValidationReport) -> None:
    lowered = {t.lower(): {c.lower(): ty.upper() for c, ty in cols.items()} for t, cols in schema.items()}

    def has(table: str, column: str, where: str) -> str | None:
        cols = lowered.get(table.lower())
        if cols is None:
            return None
        if column.lower() not in cols:
            report.error(where, f"column {table}.{column} does not exist")
            return None
        return cols[column.lower()]

    physical = {name: table.physical(name).split(".")[-1].lower() for name, table in catalog.tables.items()}
    lowered.update({name.lower(): lowered[p] for name, p in physical.items() if p in lowered})
    for name, table in catalog.tables.items():
        if physical[name] not in lowered:
            source = f" (its source {table.source})" if table.source else ""
            report.error(f"tables.{name}", f"table {name}{source} does not exist in the database")
            continue
        for column in _columns_of(table.where) if table.where else []:
            has(name, column, f"tables.{name}.where")
        for key in table.primary_key:
            has(name, key, f"tables.{name}.primary_key")
        for i, join in enumerate(table.joins):
            for left, right in join.keys.items():
                has(name, left, f"tables.{name}.joins[{i}]")
                has(join.to, right, f"tables.{name}.joins[{i}]")
    time_checks.check_time_types(catalog, has, report.error)
    for did, dim in catalog.dimensions.items():
        for column in _columns_of(dim.column) + ([dim.key] if dim.key else []):
            has(dim.table, column, f"dimensions.{did}")
    for mid, metric in catalog.metrics.items():
        if metric.table is None:
            continue
        for source in (metric.expr, metric.where):
            for column in _columns_of(source) if source else []:
                kind = has(metric.table, column, f"metrics.{mid}")
                bare = source == metric.expr and isinstance(sqlglot.parse_one(source), exp.Column)
                # an expression (TRY_CAST(amount AS DOUBLE), a date difference) is typed by the engine:
                # the metric's compiled query runs below and any type error is reported there
                if kind and bare and metric.agg in ("sum", "avg") and not kind.startswith(NUMERIC):
                    report.error(f"metrics.{mid}.expr", f"{metric.agg} over {column} of type {kind} is not numeric; "
                                                        f"if it holds numbers as text, write expr: TRY_CAST({column} AS DOUBLE)")


def _source(catalog: Catalog, table: str, alias: str | None = None) -> str:
    """The table as the compiler reads it (a subtype through its predicate), aliased."""
    from semantic_layer.sources import table_source

    return table_source(catalog, table, alias).sql()


# below this share of matched rows, a join that may miss rows (complete: false) is probably on the
# wrong keys (types, leading zeros, another code system): its dimensions would show mostly "none"
LOW_COVERAGE = 0.5


def _check_joins(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for name, table in catalog.tables.items():
        for i, join in enumerate(table.joins):
            where = f"tables.{name}.joins[{i}]"
            keys = ", ".join(join.keys.values())
            right = _source(catalog, join.to)
            sql = _sql(f"SELECT COUNT(*) FROM (SELECT {keys} FROM {right} GROUP BY {keys} HAVING COUNT(*) > 1) AS dup",
                       warehouse)
            try:
                duplicates = warehouse.execute(sql).rows[0][0]
            except Exception as exc:
                report.error(where, f"cannot check the join: {exc}")
                continue
            bridge = join.relationship == "many_to_many"
            if duplicates and not bridge:
                report.error(where, f"{join.to} is not unique on ({keys}): {duplicates} key(s) repeat, so joining it "
                                    "would multiply rows and double-count; if it is a bridge (several rows per key), "
                                    "declare relationship: many_to_many")
            elif bridge and not duplicates:
                report.warn(where, f"{join.to} is unique on ({keys}): declare the join many_to_one (simpler SQL)")
            on = " AND ".join(f"l.{a} = r.{b}" for a, b in join.keys.items())
            matched = f"EXISTS (SELECT 1 FROM {_source(catalog, join.to, 'r')} WHERE {on})"
            try:
                rows, hits = warehouse.execute(_sql(
                    f"SELECT COUNT(*), COUNT(CASE WHEN {matched} THEN 1 END) FROM {_source(catalog, name, 'l')}",
                    warehouse)).rows[0]
            except Exception as exc:
                report.error(where, f"cannot check the join's coverage: {exc}")
                continue
            if not rows:
                continue
            orphans = rows - hits
            if join.complete and orphans:
                report.error(where, f"{orphans:,} of {rows:,} row(s) of {name} have no match in {join.to}: an inner "
                                    "join would drop them; fix the data or declare the join complete: false")
            elif not hits:
                report.error(where, f"no row of {name} finds a match in {join.to} on {on.replace('l.', '').replace('r.', '')}: "
                                    "the keys differ (type, leading zeros, another code); every answer by its "
                                    "dimensions would be empty")
            elif hits / rows < LOW_COVERAGE:
                report.warn(where, f"only {hits:,} of {rows:,} rows of {name} ({hits / rows:.0%}) find a match in "
                                   f"{join.to}: check the keys; answers by its dimensions put the rest under "
                                   "an empty value")


def _check_metrics_run(catalog: Catalog, warehouse, as_of: dt.date, report: ValidationReport) -> None:
    from semantic_layer import GroupBy, SemanticError, SemanticQuery, TimeRange, compile_query

    month_start = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last_month = TimeRange(start=month_start, end=as_of.replace(day=1) - dt.timedelta(days=1))
    for mid in catalog.metrics:
        timed = all(catalog.tables[catalog.metrics[leaf].table].time for leaf in graph.leaf_metrics(catalog, mid))
        period = last_month if timed else None
        for dim in [None, *graph.allowed_dimensions(catalog, mid)]:
            query = SemanticQuery(metrics=[mid], group_by=[GroupBy(dimension=dim)] if dim else [], time_range=period)
            where = f"metrics.{mid}" + (f" by {dim}" if dim else "")
            try:
                compiled = compile_query(catalog, query, dialect=warehouse.dialect, as_of=as_of)
                warehouse.execute(f"SELECT * FROM ({compiled.sql}) AS q LIMIT 0")
                report.checked_queries += 1
                if dim is None:
                    _check_not_empty(catalog, warehouse, mid, as_of, report)
            except SemanticError as exc:
                report.error(where, exc.en)
            except Exception as exc:
                report.error(where, f"compiled SQL failed: {exc}")


def _check_not_empty(catalog: Catalog, warehouse, mid: str, as_of: dt.date, report: ValidationReport) -> None:
    """A metric that is 0 or NULL over all its data is almost surely mis-declared (a filter value
    that never occurs, a NULL column): every answer would show that 0 as if it were the truth."""
    from semantic_layer import SemanticQuery, compile_query

    if catalog.metrics[mid].type not in ("simple", "period_end"):
        return
    compiled = compile_query(catalog, SemanticQuery(metrics=[mid]), dialect=warehouse.dialect, as_of=as_of)
    value = warehouse.execute(compiled.sql).rows[0][0]
    if value is None or value == 0:
        report.warn(f"metrics.{mid}", f"is {value if value is not None else 'NULL'} over all data up to {as_of}: check "
                                      "its expr, where and filters against the data before anyone reads it as 0")


def _check_nulls(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for did, dim in catalog.dimensions.items():
        if dim.nullable:
            continue
        try:
            nulls = warehouse.execute(_sql(f"SELECT COUNT(*) FROM {_source(catalog, dim.table)} WHERE ({dim.column}) IS NULL",
                                           warehouse)).rows[0][0]
        except Exception as exc:
            report.error(f"dimensions.{did}", f"cannot check for NULLs: {exc}")
            continue
        if nulls:
            report.error(f"dimensions.{did}", f"{nulls} row(s) have no value; declare nullable: true")
    for did, dim in catalog.dimensions.items():
        if dim.type == "date":
            _check_date_dimension(catalog, warehouse, did, report)


def _check_date_dimension(catalog: Catalog, warehouse, did: str, report: ValidationReport) -> None:
    from semantic_layer.scan import dimension_expr, qualify
    from semantic_layer.sources import table_source

    dim = catalog.dimensions[did]
    select = exp.select(exp.Count(this=qualify(dim.column, dim.table)), exp.Count(this=dimension_expr(catalog, did)))
    try:  # built as a tree and written in the warehouse's dialect: the safe date parse must survive
        sql = select.from_(table_source(catalog, dim.table)).sql(dialect=warehouse.dialect)
        stored, placed = warehouse.execute(sql).rows[0]
    except Exception as exc:
        report.error(f"dimensions.{did}", f"cannot read it as a date ({dim.format}): {str(exc).splitlines()[0]}")
        return
    if stored > placed:
        level = report.error if (stored - placed) / stored > 0.2 else report.warn
        level(f"dimensions.{did}.format", f"{stored - placed:,} of {stored:,} values are not dates in format "
                                          f"{dim.format}; fix the format or the data")


def _check_values(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for did, dim in catalog.dimensions.items():
        if not dim.values:
            continue
        try:
            rows = warehouse.execute(_sql(f"SELECT DISTINCT {dim.column} FROM {_source(catalog, dim.table)}", warehouse),
                                     max_rows=5000).rows
        except Exception as exc:
            report.error(f"dimensions.{did}", f"cannot read its values: {exc}")
            continue
        present = {str(r[0]) for r in rows}
        missing = [v for v in dim.values if v not in present]
        if missing:
            report.warn(f"dimensions.{did}.values", f"not found in the data: {', '.join(missing)}")


def reference_date(catalog: Catalog, warehouse) -> dt.date:
    ref = catalog.catalog.reference_date
    if ref.fixed:
        return ref.fixed
    if ref.sql:
        value = warehouse.execute(ref.sql).rows[0][0]
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    return dt.date.today()


def validate_catalog(catalog: Catalog, warehouse) -> ValidationReport:
    started = time.perf_counter()
    report = ValidationReport()
    try:
        schema = warehouse.table_columns()
    except Exception as exc:
        report.error("database", f"cannot read the schema: {exc}")
        return report
    _check_schema(catalog, schema, report)
    for loc, message in read_differently(catalog, warehouse):  # date_diff('minute', …) of DuckDB
        report.error(".".join(loc), message)
    if report.ok:
        _check_joins(catalog, warehouse, report)
        time_checks.check_time_data(catalog, warehouse, report.error, report.warn)
        try:
            as_of = reference_date(catalog, warehouse)
        except Exception as exc:
            report.error("catalog.reference_date", f"the reference date query failed: {exc}")
            as_of = dt.date.today()
        _check_metrics_run(catalog, warehouse, as_of, report)
        _check_nulls(catalog, warehouse, report)
        _check_values(catalog, warehouse, report)
    report.seconds = time.perf_counter() - started
    return report
