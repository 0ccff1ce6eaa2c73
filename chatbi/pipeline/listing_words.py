"""Listings: the things named with their attributes (build_listing), and a listing's leftover words
when each names an attribute of the things listed: 成都的门店都有哪些，什么类型 (类型: the store type,
shown beside each store) or "stores opened in 2025" (opened: the opening date, and the period becomes
a condition on it). Anything else left over is still asked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from chatbi.pipeline import timeparse
from chatbi.pipeline.event_years import OPEN_YEAR
from chatbi.pipeline.full_reading import names_dimension
from chatbi.pipeline.interpret import Draft
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import FILLER
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import Filter, GroupBy, SemanticQuery

# "flagship stores and which city they're in", 门店分别在哪个城市: the city of each thing listed, not a
# listing of cities
WHERE_EACH_IS = re.compile(r"\b(?:which|what)\s+(?P<en>[a-z][a-z ]{1,30}?)\s+(?:it|they|each)(?:\s+|\s*['’]\s*)(?:is|are|re|s|was|were)\s+"
                           r"(?:in|at|from|located\s+in)\b|(?:分别|各自)?(?:在|位于|属于)哪(?:个|些|一个)?(?P<zh>[^、，,。？?\s]{1,6})")


@dataclass
class ListingReading:
    match: Match  # with the period moved onto the date attribute, nothing left over
    filters: list[Filter] = field(default_factory=list)  # opened in 2025: open_date between …
    columns: list[str] = field(default_factory=list)  # the attributes the words asked to see


def read_listing(catalog: Catalog, match: Match, as_of: dt.date) -> ListingReading | None:
    """None when a leftover word names no attribute of the listed tables, or names several."""
    tables = {catalog.dimensions[d].table for d in [*match.group_by, *match.filters, *match.named]}
    attributes = [d for d, spec in catalog.dimensions.items() if spec.table in tables and not spec.hidden]
    columns: list[str] = []
    match, columns = _said_beside(catalog, match)
    said_of_each = [m["en"] or m["zh"] for m in WHERE_EACH_IS.finditer(match.text)]
    if match.filters and said_of_each:
        each = [d for d in match.group_by if any(names_dimension(catalog, d, w) for w in said_of_each)
                and catalog.dimensions[d].table in {catalog.dimensions[f].table for f in match.filters}]
        columns += each
        match = dataclasses.replace(match, group_by=[d for d in match.group_by if d not in each])
    for word in [w for w in match.residual if w not in FILLER]:
        named = [d for d in attributes if names_dimension(catalog, d, word)]
        if len(named) > 1:  # opened ~ open date and open year: the one asked to be shown, or the date a period fits
            named = ([d for d in named if d in match.group_by or d in match.named]
                     or [d for d in named if match.time is not None and catalog.dimensions[d].type == "date"])
        if len(named) != 1:
            return None
        columns += [named[0]] if named[0] not in columns else []
    reading = ListingReading(dataclasses.replace(match, residual=[]), columns=columns)
    dated = [d for d in dict.fromkeys([*columns, *match.group_by, *match.named])
             if d in attributes and catalog.dimensions[d].type == "date"]
    if match.time is not None and len(dated) == 1:
        period = timeparse.resolve(match.time, as_of, as_of)
        reading.filters = [Filter(dimension=dated[0], op="between",
                                  values=[period.start.isoformat(), period.end.isoformat()])]
        reading.match = dataclasses.replace(reading.match, time=None)
    return reading


# 列出舟山所有的自营厅及所在区县, "the flagship stores with their city": the district of each outlet
# listed, not a listing of districts
BESIDE = re.compile(r"(?:及其|及|以及|连同|和|与|\band\b|\bwith\b)\s*(?:其|各自的?|它们的|(?:所在|所属|对应)的?|their|its|the)?\s*$")
BESIDE_WORDS = ("所在", "所属", "对应")


def _said_beside(catalog: Catalog, match: Match) -> tuple[Match, list[str]]:
    """A grouped dimension said after a joiner, beside values that name other things (自营厅 names
    outlets): shown as a column of those things. Without such values it stays a thing listed."""
    tables = {catalog.dimensions[d].table for d in match.filters}
    beside = [d for d in match.group_by if d in match.positions and BESIDE.search(match.text[:match.positions[d]])
              and d not in match.filters and any(t == catalog.dimensions[d].table or graph.join_path(
                  catalog, t, catalog.dimensions[d].table) is not None for t in tables)]
    if not beside or len(beside) == len(match.group_by) and not any(
            graph.entity_dimension(catalog, t) for t in tables):
        return match, []
    return dataclasses.replace(match, group_by=[d for d in match.group_by if d not in beside],
                               residual=[w for w in match.residual if w not in BESIDE_WORDS]), beside


def build_listing(catalog: Catalog, match: Match, value_counts: dict[str, int] | None = None,
                  conditions: list[Filter] = (), columns: list[str] = ()) -> Draft:
    """列出杭州所有自营厅: the things named (or, when only values are named, the things those values
    describe: outlets of type 自营厅), with the catalog's other attributes of them. ``value_counts``:
    how many values each dimension has in the data, which tells a grouping from an attribute."""
    if match.time is not None:
        return Draft(None, None, ("listing_with_period", "清单不按时间统计；要看某段时间内有业绩的对象，请问具体指标（如 上个月各渠道新增用户）。",
                                  "A listing has no period; to see what had activity then, ask for a metric by it."))
    filters = [Filter(dimension=d, op="in" if len(v) > 1 else "=", values=v) for d, v in match.filters.items()]
    filters += [Filter(dimension=d, op="not in", values=v) for d, v in match.excluded.items()]
    filters += [Filter(dimension=d, op=op, values=[year]) for d, op, year in match.year_conditions if op]
    if any(op is None for _, op, _ in match.year_conditions):
        return Draft(None, None, OPEN_YEAR)
    filters += list(conditions)
    # 列出开业年份为2020的门店: the year named is the condition's subject, not a thing listed
    single = {f.dimension for f in filters if f.op == "="}
    listed = [d for d in match.group_by if d not in single] or list(match.group_by)
    if not listed:
        tables = list(dict.fromkeys(catalog.dimensions[f.dimension].table for f in filters))
        for table in tables:  # the most detailed table: every other named table is reachable from it
            entity = graph.entity_dimension(catalog, table)
            if entity and all(graph.join_path(catalog, table, t) is not None for t in tables):
                listed = [entity]
                break
    if not listed:
        return Draft(None, None, ("listing_without_subject", "要列出什么？请说明对象（如 渠道、地市）。",
                                  "What should be listed? Name the things (an outlet, a city…)."))
    table = catalog.dimensions[listed[0]].table
    entity = graph.entity_dimension(catalog, table)
    counts = value_counts or {}

    def grouping(did: str) -> bool:
        """Sub-categories group products (35 values for 208 products); an opening date or a
        manager's name describes each store (about as many values as stores)."""
        spec = catalog.dimensions[did]
        if spec.values or spec.parent:
            return True
        mine, theirs = counts.get(did), counts.get(entity or "")
        return bool(mine and theirs and spec.type == "category" and mine * 2 <= theirs)

    attributes = all(not grouping(d) for d in listed)
    if entity and entity not in listed and attributes and any(
            catalog.dimensions[f.dimension].table == table for f in filters):
        # 列出所有标准店及开业日期: values of the table name its rows (stores of type 标准店); the
        # attribute asked for is shown beside each of them, not as a list of dates. A grouping with
        # its own values (sub-categories under 数码) is listed as itself.
        listed.insert(0, entity)
    if entity == listed[0]:  # its attributes on the same table, those asked for first
        listed += [d for d in columns if d not in listed]
        listed += [d for d, spec in catalog.dimensions.items()
                   if spec.table == table and d not in listed and not spec.hidden][:4]
    try:
        return Draft(SemanticQuery(group_by=[GroupBy(dimension=d) for d in listed], filters=filters))
    except ValueError as exc:
        return Draft(None, None, ("invalid", f"无法组成查询：{exc}", f"Cannot form a query: {exc}"))
