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

import sqlglot
from sqlglot import exp

from metric_catalog import graph, time_checks
from metric_catalog.model import Catalog

NUMERIC = ("INT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL", "BIGINT", "SMALLINT", "HUGEINT", "TINYINT")


@dataclass
class Finding:
    level: str  # error | warning
    where: str
    message: str


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

    for name, table in catalog.tables.items():
        if name.lower() not in lowered:
            report.error(f"tables.{name}", f"table {name} does not exist in the database")
            continue
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
                if kind and source == metric.expr and metric.agg in ("sum", "avg") and not kind.startswith(NUMERIC):
                    report.error(f"metrics.{mid}.expr", f"{metric.agg} over {column} of type {kind} is not numeric")


def _check_joins(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for name, table in catalog.tables.items():
        for i, join in enumerate(table.joins):
            keys = ", ".join(join.keys.values())
            sql = _sql(f"SELECT COUNT(*) FROM (SELECT {keys} FROM {join.to} GROUP BY {keys} HAVING COUNT(*) > 1) AS dup",
                       warehouse)
            try:
                duplicates = warehouse.execute(sql).rows[0][0]
            except Exception as exc:
                report.error(f"tables.{name}.joins[{i}]", f"cannot check the join: {exc}")
                continue
            if duplicates:
                report.error(f"tables.{name}.joins[{i}]",
                             f"{join.to} is not unique on ({keys}): {duplicates} key(s) repeat, so joining it "
                             "would multiply rows and double-count")
            if not join.complete:
                continue
            on = " AND ".join(f"l.{a} = r.{b}" for a, b in join.keys.items())
            first = next(iter(join.keys))
            orphans = warehouse.execute(_sql(
                f"SELECT COUNT(*) FROM {name} AS l LEFT JOIN {join.to} AS r ON {on} "
                f"WHERE r.{join.keys[first]} IS NULL", warehouse)).rows[0][0]
            if orphans:
                report.error(f"tables.{name}.joins[{i}]",
                             f"{orphans} row(s) of {name} have no match in {join.to}: an inner join would drop "
                             "them; fix the data or declare the join complete: false")


def _check_metrics_run(catalog: Catalog, warehouse, as_of: dt.date, report: ValidationReport) -> None:
    from semantic_layer import GroupBy, SemanticError, SemanticQuery, TimeRange, compile_query

    month_start = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    period = TimeRange(start=month_start, end=as_of.replace(day=1) - dt.timedelta(days=1))
    for mid in catalog.metrics:
        for dim in [None, *graph.allowed_dimensions(catalog, mid)]:
            query = SemanticQuery(metrics=[mid], group_by=[GroupBy(dimension=dim)] if dim else [], time_range=period)
            where = f"metrics.{mid}" + (f" by {dim}" if dim else "")
            try:
                compiled = compile_query(catalog, query, dialect=warehouse.dialect, as_of=as_of)
                warehouse.execute(f"SELECT * FROM ({compiled.sql}) AS q LIMIT 0")
                report.checked_queries += 1
            except SemanticError as exc:
                report.error(where, exc.en)
            except Exception as exc:
                report.error(where, f"compiled SQL failed: {exc}")


def _check_nulls(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for did, dim in catalog.dimensions.items():
        if dim.nullable:
            continue
        try:
            nulls = warehouse.execute(_sql(f"SELECT COUNT(*) FROM {dim.table} WHERE ({dim.column}) IS NULL",
                                           warehouse)).rows[0][0]
        except Exception as exc:
            report.error(f"dimensions.{did}", f"cannot check for NULLs: {exc}")
            continue
        if nulls:
            report.error(f"dimensions.{did}", f"{nulls} row(s) have no value; declare nullable: true")


def _check_values(catalog: Catalog, warehouse, report: ValidationReport) -> None:
    for did, dim in catalog.dimensions.items():
        if not dim.values:
            continue
        try:
            rows = warehouse.execute(_sql(f"SELECT DISTINCT {dim.column} FROM {dim.table}", warehouse),
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
