"""Listings: which things there are, with their attributes (列出杭州所有自营厅), no metric.

The rows come from the listed dimension's own table, joined many-to-one to the tables of the
other named dimensions, filtered, and limited to the rows the user may see. A listing has no
period: "outlets that had sales last month" is a metric question, not a listing.
"""

from __future__ import annotations

from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer.access import User, check_dimension, role_of, row_restrictions
from semantic_layer.errors import AccessDenied, NotAllowed, UnknownName
from semantic_layer.joins import join
from semantic_layer.query import SemanticQuery
from semantic_layer.scan import dimension_expr, filter_predicate
from semantic_layer.sources import table_source

MAX_LISTED = 5000


def listing_select(catalog: Catalog, query: SemanticQuery, user: User) -> exp.Select:
    dims = [g.dimension for g in query.group_by]
    role = role_of(catalog, user)
    for did in dims + [f.dimension for f in query.filters]:
        if did not in catalog.dimensions:
            raise UnknownName(f"指标目录中没有维度 {did}。", f"There is no dimension {did!r} in the catalog.",
                              dimension=did)
        check_dimension(catalog, role, did)
        if catalog.dimensions[did].hidden:
            raise NotAllowed(f"「{catalog.dimensions[did].name.zh}」不对用户开放。",
                             f"'{catalog.dimensions[did].name.en}' is not offered to users.", dimension=did)
    if query.time_range is not None:
        raise NotAllowed("清单不按时间统计；要看某段时间内有业绩的对象，请问具体指标。",
                         "A listing has no period; to see what had activity in a period, ask for a metric.")
    restrictions = row_restrictions(catalog, role, user)
    tables = [catalog.dimensions[d].table for d in dims + [f.dimension for f in query.filters]]
    tables += [catalog.dimensions[r.dimension].table for r in restrictions]
    # 宁波分公司有哪些代理人: the agents are reached from the policies (through the bridge), not the
    # other way; DISTINCT makes any table that reaches all the others a base that repeats nothing
    candidates = [*dict.fromkeys(tables)]
    readers = _role_readers(catalog, candidates[0])
    if readers:  # the role's rows are those its readers point at: never all of the table's rows
        candidates = readers + candidates[1:]
    base = next((t for t in candidates if all(graph.join_path(catalog, t, o) is not None for o in tables)), candidates[0])
    select = exp.select(*[exp.alias_(dimension_expr(catalog, d), d) for d in dims]).distinct()
    select = select.from_(table_source(catalog, base))
    joined = {base}
    for table in dict.fromkeys(tables):
        path = graph.join_path(catalog, base, table)
        if path is None:
            if table in {catalog.dimensions[r.dimension].table for r in restrictions}:
                raise AccessDenied("这份清单无法限定到你的数据权限范围，因此不能向你的角色提供。",
                                   "This listing cannot be limited to the rows your role may see.")
            names = "、".join(catalog.dimensions[d].name.zh for d in dims)
            raise NotAllowed(f"「{names}」与所问的其他维度没有关联，无法一起列出。",
                             "These dimensions are not related in the catalog, so they cannot be listed together.")
        for step in path:
            if step.right in joined:
                continue
            on = exp.and_(*[exp.EQ(this=exp.column(left, step.left), expression=exp.column(right, step.right))
                            for left, right in step.join.keys.items()])
            select = join(select, table_source(catalog, step.right), on=on, how="inner" if step.inner else "left")
            joined.add(step.right)
    where = [filter_predicate(dimension_expr(catalog, f.dimension), f.op, f.values) for f in query.filters]
    # a thing listed from another table's rows: the rows with none (direct business, no agent) list nothing
    where += [exp.Not(this=exp.Is(this=dimension_expr(catalog, d), expression=exp.Null()))
              for d in dims if catalog.dimensions[d].table != base]
    for r in restrictions:
        spec = catalog.dimensions[r.dimension]
        where.append(exp.EQ(this=exp.column(spec.key, spec.table), expression=exp.convert(r.value)))
    if where:
        select = select.where(exp.and_(*where))
    return select.order_by(*[exp.Ordered(this=exp.column(d), nulls_first=False) for d in dims]).limit(
        min(query.limit or MAX_LISTED, MAX_LISTED))



def _role_readers(catalog: Catalog, table: str) -> list[str]:
    """The tables that say which rows of ``table`` play its role, when it is one physical table read
    under several roles (party as agent_party and holder_party) with no condition of its own: all its
    rows are not agents, only those the bridge's AGT rows point at (列出所有代理人 listed every party)."""
    spec = catalog.tables[table]
    source = spec.source or table
    shared = any((t.source or tid) == source for tid, t in catalog.tables.items() if tid != table)
    if not shared or spec.where:
        return []
    return [tid for tid, t in catalog.tables.items() if any(j.to == table for j in t.joins)]
