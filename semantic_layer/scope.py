"""Is a filtered value inside the rows a user may see? Asked before answering, so that a
channel's staff asking about another outlet hear "outside your data scope", not "0"."""

from __future__ import annotations

from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer.access import RowRestriction
from semantic_layer.joins import join
from semantic_layer.query import Filter
from semantic_layer.scan import dimension_expr, filter_predicate
from semantic_layer.sources import table_source


def scope_probe(catalog: Catalog, restriction: RowRestriction, flt: Filter) -> exp.Select | None:
    """A COUNT query over dimension tables: > 0 when some filtered value lies within the restriction.

    None when the two dimensions are unrelated (a plan category says nothing about an outlet).
    """
    if flt.op not in ("=", "in"):
        return None
    own = catalog.dimensions[restriction.dimension]
    asked = catalog.dimensions[flt.dimension]
    path = graph.join_path(catalog, own.table, asked.table)
    base = own.table
    if path is None:
        path = graph.join_path(catalog, asked.table, own.table)
        base = asked.table
    if path is None:
        return None
    select = exp.select(exp.Count(this=exp.Star())).from_(table_source(catalog, base))
    for step in path:
        on = exp.and_(*[exp.EQ(this=exp.column(a, step.left), expression=exp.column(b, step.right))
                        for a, b in step.join.keys.items()])
        select = join(select, table_source(catalog, step.right), on=on)
    return select.where(exp.and_(
        filter_predicate(dimension_expr(catalog, flt.dimension), flt.op, flt.values),
        exp.EQ(this=exp.column(own.key, own.table), expression=exp.convert(restriction.value))))
