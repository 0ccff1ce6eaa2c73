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


def expressions(catalog: Catalog) -> Iterator[tuple[tuple, str, str]]:
    """(location, SQL, the table whose columns it reads) of every SQL expression the catalog holds."""
    for tid, table in catalog.tables.items():
        if table.where:
            yield ("tables", tid, "where"), table.where, tid
        if table.time:
            yield ("tables", tid, "time", "column"), table.time.column, table.time.via or tid
    for did, dim in catalog.dimensions.items():
        yield ("dimensions", did, "column"), dim.column, dim.table
    for mid, metric in catalog.metrics.items():
        for field in ("expr", "where"):
            if getattr(metric, field):
                yield ("metrics", mid, field), getattr(metric, field), metric.table


def read_in_dialect(catalog: Catalog) -> tuple[Catalog, list[tuple[tuple, str]]]:
    """The catalog with its expressions rewritten from ``catalog.dialect`` into sqlglot's SQL, and
    the (location, message) of each that does not parse in it."""
    dialect = catalog.catalog.dialect
    if not dialect:
        return catalog, []
    rewritten: dict[tuple, str] = {}
    problems = []
    for loc, sql, _ in expressions(catalog):
        try:
            native = sqlglot.parse_one(sql, read=dialect)
            rewritten[loc] = native.sql()
            # carried across only if it comes back as written (DuckDB's 7 // 2 came back as a rounded
            # CAST(7 / 2 AS BIGINT), 4): else it would count otherwise, on its own warehouse too
            faithful = sqlglot.parse_one(rewritten[loc]).sql(dialect=dialect) == native.sql(dialect=dialect)
        except ParseError as exc:
            problems.append((loc, f"not valid {dialect} SQL: {str(exc).splitlines()[0]}"))
            continue
        if not faithful:
            problems.append((loc, f"{sql!r} cannot be carried to other SQL dialects exactly (it would read as "
                                  f"{sqlglot.parse_one(rewritten[loc]).sql(dialect=dialect)!r}); write it with plainer "
                                  "functions (FLOOR(a / b) for a // b, CAST, CASE)"))
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


def read_differently(catalog: Catalog, warehouse) -> list[tuple[tuple, str]]:
    """Expressions that give other values in sqlglot's SQL than in the warehouse's, when the catalog
    declares no dialect: (location, message saying to declare it). Both readings are run on up to
    2,000 rows of their table, since the same meaning may be printed two ways (IS NOT NULL)."""
    dialect = warehouse.dialect
    if catalog.catalog.dialect or not dialect:
        return []
    out = []
    for loc, sql, table in expressions(catalog):
        try:
            generic = sqlglot.parse_one(sql).sql(dialect=dialect)
            native = sqlglot.parse_one(sql, read=dialect).sql(dialect=dialect)
        except ParseError:
            continue  # the compile-and-run checks report it
        if generic == native or table not in catalog.tables:
            continue
        physical = catalog.tables[table].physical(table)
        try:
            warehouse.execute(f"SELECT {native} FROM {physical} LIMIT 0")
        except Exception:  # noqa: BLE001 — not valid in the warehouse either: the run checks say why
            continue
        try:
            differ = warehouse.execute(f"SELECT COUNT(*) FROM (SELECT ({generic}) AS g, ({native}) AS n FROM {physical} "
                                       "LIMIT 2000) AS t WHERE g IS DISTINCT FROM n").rows[0][0]
        except Exception:  # noqa: BLE001 — the generic reading does not even run
            differ = 1
        if differ:
            out.append((loc, f"{sql!r} reads otherwise outside {dialect} (as {generic!r}); declare the "
                             f"dialect it is written in: catalog.dialect: {dialect}"))
    return out
