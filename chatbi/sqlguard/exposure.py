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


def physical_name(catalog: Catalog, table_id: str) -> str:
    """The name analysts' SQL reads a catalog table by: its source's (a subtype's) or its own."""
    return catalog.tables[table_id].physical(table_id).split(".")[-1].lower()


def exposed_columns(catalog: Catalog, role: RoleSpec | None) -> dict[str, set[str]]:
    """Columns the catalog itself uses (keys, time, dimensions, measures), minus what the role may not see.
    Keyed by physical table: subtypes of one table expose their columns on it together."""
    denied_dims = set(role.deny_dimensions) if role else set()
    denied_metrics = set(access.denied_metrics(catalog, role))
    phys = {t: physical_name(catalog, t) for t in catalog.tables}
    out: dict[str, set[str]] = {p: set() for p in phys.values()}
    for name, table in catalog.tables.items():
        cols = out[phys[name]]
        cols.update(k.lower() for k in table.primary_key)
        cols.update(_columns(table.where))
        if table.time:
            out[phys[table.time.via or name]].update(_columns(table.time.column))
        for join in table.joins:
            cols.update(k.lower() for k in join.keys)
            out[phys[join.to]].update(v.lower() for v in join.keys.values())
    for did, dim in catalog.dimensions.items():
        if did in denied_dims:
            continue
        out[phys[dim.table]].update(_columns(dim.column) | ({dim.key.lower()} if dim.key else set()))
    used_by_allowed = set()
    for mid, metric in catalog.metrics.items():
        if metric.table is None:
            continue
        columns = _columns(metric.expr) | _columns(metric.where)
        if mid in denied_metrics:
            continue
        used_by_allowed |= {(phys[metric.table], c) for c in columns}
        out[phys[metric.table]].update(columns)
    for did in denied_dims:  # a denied dimension's own column stays hidden even if used elsewhere
        dim = catalog.dimensions[did]
        table = phys[dim.table]
        out[table] -= _columns(dim.column) - {k for t, k in used_by_allowed if t == table}
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
                restricted = out.setdefault(physical_name(catalog, name), [])
                if r not in restricted:
                    restricted.append(r)
    return out


def row_filter(catalog: Catalog, table: str, restriction: RowRestriction) -> exp.Expression:
    """table's rows that lead to the user's own value, as IN-subqueries along the join path."""
    dim = catalog.dimensions[restriction.dimension]
    name = next(t for t in catalog.tables if physical_name(catalog, t) == table
                and graph.join_path(catalog, t, dim.table) is not None)
    if graph.crosses_bridge(catalog, name, dim.table) or catalog.tables[name].source:
        # a bridge or a subtype on the way: nested IN-subqueries over the catalog's own sources
        from semantic_layer.sources import semi_join

        predicate = semi_join(catalog, name, dim.table, exp.EQ(this=exp.column(dim.key, dim.table),
                                                                 expression=exp.convert(restriction.value)))
        outer = predicate.this if isinstance(predicate, exp.In) else predicate.find(exp.Column)
        outer.set("table", exp.to_identifier(table, quoted=True))
        return predicate
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
