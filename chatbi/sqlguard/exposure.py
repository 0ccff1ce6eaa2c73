"""What the catalog exposes to a role: tables, columns, and the row filter of each protected table."""

from __future__ import annotations

import sqlglot
from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog, RoleSpec
from semantic_layer import access
from semantic_layer.access import RowRestriction


def _columns(sql: str | None) -> set[str]:
    return {c.name.lower() for c in sqlglot.parse_one(sql).find_all(exp.Column)} if sql else set()


def exposed_columns(catalog: Catalog, role: RoleSpec | None) -> dict[str, set[str]]:
    """Columns the catalog itself uses (keys, time, dimensions, measures), minus what the role may not see."""
    denied_dims = set(role.deny_dimensions) if role else set()
    denied_metrics = set(access.denied_metrics(catalog, role))
    out: dict[str, set[str]] = {t.lower(): set() for t in catalog.tables}
    for name, table in catalog.tables.items():
        cols = out[name.lower()]
        cols.update(k.lower() for k in table.primary_key)
        if table.time:
            out.setdefault((table.time.via or name).lower(), set()).update(_columns(table.time.column))
        for join in table.joins:
            cols.update(k.lower() for k in join.keys)
            out.setdefault(join.to.lower(), set()).update(v.lower() for v in join.keys.values())
    for did, dim in catalog.dimensions.items():
        if did in denied_dims:
            continue
        out[dim.table.lower()].update(_columns(dim.column) | ({dim.key.lower()} if dim.key else set()))
    used_by_allowed = set()
    for mid, metric in catalog.metrics.items():
        if metric.table is None:
            continue
        columns = _columns(metric.expr) | _columns(metric.where)
        if mid in denied_metrics:
            continue
        used_by_allowed |= {(metric.table.lower(), c) for c in columns}
        out[metric.table.lower()].update(columns)
    for did in denied_dims:  # a denied dimension's own column stays hidden even if used elsewhere
        dim = catalog.dimensions[did]
        out[dim.table.lower()] -= _columns(dim.column) - {k for t, k in used_by_allowed if t == dim.table.lower()}
    return out


def exposed_schema(catalog: Catalog, warehouse_schema: dict[str, dict[str, str]], role: RoleSpec | None) -> dict:
    exposed = exposed_columns(catalog, role)
    schema = {}
    for table, columns in exposed.items():
        types = warehouse_schema.get(table, {})
        schema[table] = {c: types.get(c, "VARCHAR") for c in sorted(columns) if c in types}
    return schema


def protected_tables(catalog: Catalog, restrictions: list[RowRestriction]) -> dict[str, list[RowRestriction]]:
    """Tables from which a restricted dimension can be reached: every read of them is filtered."""
    out: dict[str, list[RowRestriction]] = {}
    for r in restrictions:
        target = catalog.dimensions[r.dimension].table
        for name in catalog.tables:
            if graph.join_path(catalog, name, target) is not None:
                out.setdefault(name.lower(), []).append(r)
    return out


def row_filter(catalog: Catalog, table: str, restriction: RowRestriction) -> exp.Expression:
    """table's rows that lead to the user's own value, as IN-subqueries along the join path."""
    dim = catalog.dimensions[restriction.dimension]
    name = next(t for t in catalog.tables if t.lower() == table)
    path = graph.join_path(catalog, name, dim.table) or []
    value = exp.convert(restriction.value)
    if not path:
        return exp.EQ(this=exp.column(dim.key, name, quoted=True), expression=value)
    *steps, last = path
    if len(last.join.keys) != 1:
        raise ValueError(f"row filters need single-column joins ({last.left} → {last.right})")
    (fk, pk), = last.join.keys.items()
    if pk == dim.key:  # the last hop's foreign key is the restricted key itself
        inner: exp.Expression = exp.EQ(this=exp.column(fk, last.left, quoted=True), expression=value)
    else:
        sub = exp.select(exp.column(pk, last.right, quoted=True)).from_(exp.to_table(last.right, quoted=True)).where(
            exp.EQ(this=exp.column(dim.key, last.right, quoted=True), expression=value))
        inner = exp.column(fk, last.left, quoted=True).isin(query=sub)
    for step in reversed(steps):
        (fk, pk), = step.join.keys.items()
        sub = exp.select(exp.column(pk, step.right, quoted=True)).from_(exp.to_table(step.right, quoted=True)).where(inner)
        inner = exp.column(fk, step.left, quoted=True).isin(query=sub)
    return inner
