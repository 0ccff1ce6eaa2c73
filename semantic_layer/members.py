"""Every member of a dimension, with zero where it has no rows: 新增用户最少的地市 is a city with none
at all, and 新增用户为0的渠道类型 are the types with no sign-up — a GROUP BY over the facts has no row
for them, so the lowest shown would be the lowest of those with any.

Only where the data says the zero: a count or a sum of rows (no rows is 0 of them), grouped by
one dimension kept in a table of its own whose values the catalog lists (cities, channel types:
not hotels or couriers, which open, close and are hired within the period), the metric's own
definition not choosing among them; its members are that table's rows, filtered by what the
question says of them and by the user's scope; and only when the low end is asked: an ascending
ranking or an upper bound. A ratio or a mean of no rows is no number, and is left out;
so is a filter on the things between the facts and the members (电子渠道…的区县: every district,
or those with an e-channel?), where which members are meant is not said.
"""

from __future__ import annotations

from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer.access import User
from semantic_layer.joins import join
from semantic_layer.listing import listing_select
from semantic_layer.query import TIME, GroupBy, SemanticQuery

COUNTED = ("sum", "count", "count_distinct")


def every_member(catalog: Catalog, query: SemanticQuery) -> str | None:
    """The dimension whose members with no rows are counted as zero in ``query``'s answer, or None."""
    groups = [g.dimension for g in query.group_by]
    if len(groups) != 1 or TIME in groups or not query.metrics:
        return None
    if query.comparisons or query.cumulative or query.top_within or query.average_over or query.average_per:
        return None
    if any(h.against == "average" or h.of != "value" for h in query.having):
        return None
    low_end = (query.order_by and not query.order_by[0].descending and query.order_by[0].field in query.metrics) \
        or any(h.op in ("<", "<=", "=") for h in query.having)
    if not low_end:
        return None
    dim = catalog.dimensions[groups[0]]
    facts = set()
    for m in query.metrics:
        spec = catalog.metrics[m]
        if spec.type != "simple" or spec.agg not in COUNTED:
            return None
        facts.add(spec.table)
    if dim.table in facts or dim.hidden or catalog.tables[dim.table].time is not None:
        return None  # a thing known only from the facts (a customer of the orders) has no other members
    if not dim.values:  # hotels, agents, couriers come and go: one with no rows may not have been open
        return None
    for m in query.metrics:  # 会员间夜 has no 非会员 by definition: their 0 is no member's value
        spec = catalog.metrics[m]
        if spec.where and dim.column in spec.where or any(f.dimension == groups[0] for f in spec.filters):
            return None
    for fact in facts:  # 电子渠道…为0的区县: which districts are meant — every one, or those with an e-channel?
        between = {step.right for step in graph.join_path(catalog, fact, dim.table) or []} - {dim.table}
        if any(catalog.dimensions[f.dimension].table in between for f in query.filters):
            return None
    return groups[0]


def members_select(catalog: Catalog, query: SemanticQuery, dimension: str, user: User) -> exp.Select:
    """The members: the dimension's rows, narrowed by the filters said of them (杭州, 自营厅) — a filter
    on the facts (a plan bought) narrows the counting, not which outlets there are."""
    own = catalog.dimensions[dimension].table
    said = [f for f in query.filters
            if graph.join_path(catalog, own, catalog.dimensions[f.dimension].table, bridges=False) is not None]
    listing = SemanticQuery(metrics=[], group_by=[GroupBy(dimension=dimension)], filters=said)
    select = listing_select(catalog, listing, user)
    select.set("order", None)
    select.set("limit", None)
    return select


def with_members(base: str, members: str, dimension: str, metrics: list[str]) -> exp.Select:
    """The values per member: the computed ones, and 0 for the members with no rows."""
    # the members with no name (the online mall has no city) keep their own values, never a 0
    on = exp.NullSafeEQ(this=exp.column(dimension, "m"), expression=exp.column(dimension, "v"))
    select = exp.select(exp.alias_(exp.column(dimension, "m"), dimension),
                        *[exp.alias_(exp.func("COALESCE", exp.column(m, "v"), exp.Literal.number(0)), m) for m in metrics])
    select = select.from_(exp.alias_(exp.to_table(members), "m", table=True))
    return join(select, exp.alias_(exp.to_table(base), "v", table=True), on=on, how="left")
