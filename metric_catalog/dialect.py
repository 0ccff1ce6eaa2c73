"""The SQL dialect a catalog's expressions are written in (``catalog.dialect``).

Every stage parses catalog SQL (a metric's expr and where, a dimension's column, a table's where and
time column) in sqlglot's own dialect and compiles it for the warehouse that runs it. A team writes
those expressions in their warehouse's SQL, where a function may read otherwise: DuckDB's
``date_diff('minute', a, b)`` is, in sqlglot's dialect, a difference of the string 'minute'. With a
dialect declared, the loader reads each expression in it once and rewrites it in sqlglot's SQL, so
every later parse means what the team wrote, on DuckDB and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlglot
from sqlglot.errors import ParseError

from metric_catalog.model import Catalog


def expressions(catalog: Catalog) -> Iterator[tuple[tuple, str]]:
    """(location, SQL) of every SQL expression the catalog holds."""
    for tid, table in catalog.tables.items():
        if table.where:
            yield ("tables", tid, "where"), table.where
        if table.time:
            yield ("tables", tid, "time", "column"), table.time.column
    for did, dim in catalog.dimensions.items():
        yield ("dimensions", did, "column"), dim.column
    for mid, metric in catalog.metrics.items():
        for field in ("expr", "where"):
            if getattr(metric, field):
                yield ("metrics", mid, field), getattr(metric, field)


def read_in_dialect(catalog: Catalog) -> tuple[Catalog, list[tuple[tuple, str]]]:
    """The catalog with its expressions rewritten from ``catalog.dialect`` into sqlglot's SQL, and
    the (location, message) of each that does not parse in it."""
    dialect = catalog.catalog.dialect
    if not dialect:
        return catalog, []
    rewritten: dict[tuple, str] = {}
    problems = []
    for loc, sql in expressions(catalog):
        try:
            rewritten[loc] = sqlglot.parse_one(sql, read=dialect).sql()
        except ParseError as exc:
            problems.append((loc, f"not valid {dialect} SQL: {str(exc).splitlines()[0]}"))
    if problems:
        return catalog, problems
    tables = {tid: t.model_copy(update={
        "where": rewritten.get(("tables", tid, "where"), t.where),
        "time": t.time.model_copy(update={"column": rewritten[("tables", tid, "time", "column")]}) if t.time else None})
        for tid, t in catalog.tables.items()}
    dimensions = {did: d.model_copy(update={"column": rewritten[("dimensions", did, "column")]})
                  for did, d in catalog.dimensions.items()}
    metrics = {mid: m.model_copy(update={f: rewritten[("metrics", mid, f)] for f in ("expr", "where")
                                         if ("metrics", mid, f) in rewritten})
               for mid, m in catalog.metrics.items()}
    return catalog.model_copy(update={"tables": tables, "dimensions": dimensions, "metrics": metrics}), []


def read_differently(catalog: Catalog, warehouse_dialect: str) -> list[tuple[tuple, str]]:
    """Expressions that mean something else in sqlglot's SQL than in the warehouse's, when the
    catalog declares no dialect: (location, message saying to declare it)."""
    if catalog.catalog.dialect or not warehouse_dialect:
        return []
    out = []
    for loc, sql in expressions(catalog):
        try:
            generic = sqlglot.parse_one(sql).sql(dialect=warehouse_dialect)
            native = sqlglot.parse_one(sql, read=warehouse_dialect).sql(dialect=warehouse_dialect)
        except ParseError:
            continue  # the compile-and-run checks report it
        if generic != native:
            out.append((loc, f"{sql!r} reads differently outside {warehouse_dialect} (as {generic!r}); "
                             f"declare the dialect it is written in: catalog.dialect: {warehouse_dialect}"))
    return out
