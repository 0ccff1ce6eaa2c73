"""What a metric's own definition leaves out: a question filtering on it (订单数 of cancelled orders)
would be empty by definition, and "no data" would read as 0; and what it is not (a ratio averaged
per thing is not that ratio)."""

from __future__ import annotations

import dataclasses
import re

import sqlglot
from sqlglot import exp

from chatbi.pipeline.matcher import Match
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import Filter


def _definition_filters(catalog: Catalog, leaf: str) -> list[tuple[str, str, list]]:
    """(dimension, op, values) the metric's definition keeps: its filters, and a bare
    "column <> 'v'" / "column NOT IN (…)" / "= / IN" of its where on a dimension's column."""
    spec = catalog.metrics[leaf]
    kept: list[tuple[str, str, list]] = [(f.dimension, f.op, f.values) for f in spec.filters]
    if spec.where:
        tree = sqlglot.parse_one(spec.where)
        for part in tree.flatten() if isinstance(tree, exp.And) else [tree]:
            negated = isinstance(part, exp.Not)
            inner = part.this if negated else part
            if isinstance(inner, (exp.EQ, exp.NEQ)) and isinstance(inner.this, exp.Column) \
                    and isinstance(inner.expression, exp.Literal):
                op = "!=" if isinstance(inner, exp.NEQ) != negated else "="
                column, values = inner.this.name, [inner.expression.this]
            elif isinstance(inner, exp.In) and isinstance(inner.this, exp.Column):
                op, column = ("not in" if negated else "in"), inner.this.name
                values = [e.this for e in inner.expressions if isinstance(e, exp.Literal)]
            else:
                continue
            kept += [(d, op, values) for d, dim in catalog.dimensions.items()
                     if dim.table == spec.table and dim.column == column]
    return kept


def _left_out(catalog: Catalog, metrics: list[str], flt: Filter) -> str | None:
    """The first metric whose definition leaves out every value of ``flt``, or None."""
    for mid in metrics:
        for leaf in graph.leaf_metrics(catalog, mid):
            for dim, op, values in _definition_filters(catalog, leaf):
                if dim == flt.dimension and ((op in ("!=", "not in") and all(v in values for v in flt.values))
                                             or (op in ("=", "in") and not any(v in values for v in flt.values))):
                    return mid
    return None


def restricted_by_definition(catalog: Catalog, metric: str, dimension: str) -> bool:
    """Does the metric's own definition filter ``dimension`` (取消订单数 is the cancelled ones)?"""
    return any(dim == dimension for leaf in graph.leaf_metrics(catalog, metric)
               for dim, _, _ in _definition_filters(catalog, leaf))


def excluded_by_definition(catalog: Catalog, metrics: list[str], filters: list[Filter],
                           included: dict[str, list[str]] | None = None):
    """A filter the metric's own definition leaves out (订单数 counts no cancelled orders, so 已取消订单的
    订单数 is empty by definition — "no data" would read as 0), or a value asked to be counted in
    (销售额含取消的) that it leaves out. A problem to say, or None."""
    for flt in filters:
        mid = _left_out(catalog, metrics, flt) if flt.op in ("=", "in") else None
        if mid is not None:
            name, shown = catalog.metrics[mid].name, "/".join(map(str, flt.values))
            label = catalog.dimensions[flt.dimension].name
            return ("excluded_by_definition",
                    f"「{name.zh}」的口径不含{label.zh}为「{shown}」的数据（{catalog.metrics[mid].description.zh}），"
                    "按它筛选不会有结果；请换一个指标。",
                    f"'{name.en}' leaves out {label.en} '{shown}' by definition, so that filter has "
                    "no rows; ask with another metric.")
    for dim, values in (included or {}).items():
        for value in values:  # each must be counted in
            mid = _left_out(catalog, metrics, Filter(dimension=dim, op="=", values=[value]))
            if mid is None:
                continue
            name, shown, label = catalog.metrics[mid].name, value, catalog.dimensions[dim].name
            return ("excluded_by_definition",
                    f"「{name.zh}」的口径不含{label.zh}为「{shown}」的数据（{catalog.metrics[mid].description.zh}），"
                    "不能把它们算进来；请换一个含它们的指标。",
                    f"'{name.en}' leaves out {label.en} '{shown}' by definition, so they cannot be counted in; "
                    "ask with a metric that includes them.")
    return None

PER_THING_RATIO = ("average_per_ratio", "比率、均值或去重数按对象平均不等于它本身的口径；可以看每个对象各自的值：",
                   "A ratio, average or distinct count averaged per thing is not its definition; each one's own "
                   "value is offered:")


def per_thing_breakdown(catalog: Catalog, match: Match, metrics: list[str]) -> Match | None:
    """平均每个网点的准时率, "average order value per store": of a metric that is itself a ratio or a
    mean, the reading as a breakdown by the thing (offered, not answered); None when the average per
    thing is computed as asked."""
    if not match.average_per or all(catalog.metrics[m].type == "period_end" or (
            catalog.metrics[m].type == "simple" and catalog.metrics[m].agg in ("sum", "count")) for m in metrics):
        return None
    return dataclasses.replace(match, average_per=None, group_by=[*match.group_by, match.average_per])


def event_of_another_date(catalog: Catalog, match: Match, metrics: list[str]) -> tuple | None:
    """今年入账的佣金 is 佣金 by its own booking date; 今年起保的 said of a metric dated otherwise (claims,
    by report date) names another date the period would have to be on: asked."""
    tables = {catalog.metrics[leaf].table for m in metrics for leaf in graph.leaf_metrics(catalog, m)}
    # every table the metrics read must be dated by it (件均保费 = 保费 by booking ÷ 保单 by start: 起保 is half)
    other = [word for word, dated in match.time_events if not tables <= set(dated)]
    if not other:
        return None
    states = [word for word, dated in match.time_events if not dated]
    if states:  # 今年满期的: the state's change has no date in the catalog
        return ("event_of_another_date",
                f"「{states[0]}」是截至数据日期的状态，目录里没有它发生的日期，无法按问题里的时间统计；"
                f"可以问该期间（按指标自己的日期）的数据中现为「{states[0]}」的有多少。",
                f"'{states[0]}' is a state on the data's reference date; the catalog has no date of when it "
                f"happened, so it cannot be counted by the period asked. You can ask how many of the period's "
                f"rows (by the metric's own date) are '{states[0]}' now.")
    return ("event_of_another_date", f"问题里的时间说的是「{other[0]}」的日期，而不是该指标自己的日期；请换一种问法。",
            f"The period is said of the date of '{other[0]}', not of the metric's own date; please rephrase.")


def split_by_its_own_filter(catalog: Catalog, metrics: list[str], group_by: list[str]) -> tuple[str, str] | None:
    """各会员等级的会员间夜占比: a ratio whose numerator keeps only some values of the dimension it is
    split by (会员间夜: 银卡/金卡/白金) is 100% or 0% in every row, never what was asked (the hunt: 白金
    100%, 非会员 0%). (ratio, dimension), for the decision to offer each value's share of the whole."""
    for mid in metrics:
        spec = catalog.metrics[mid]
        if spec.type != "ratio" or catalog.metrics[spec.numerator].type != "simple":
            continue
        own = {d for d, _, _ in _definition_filters(catalog, spec.numerator)}
        if catalog.metrics[spec.denominator].type == "simple":
            own -= {d for d, _, _ in _definition_filters(catalog, spec.denominator)}
        if (split := next((d for d in group_by if d in own), None)) is not None:
            return mid, split
    return None


_OF = re.compile(r"\s*占\s*")
_SHARE_AFTER = re.compile(r"\s*(?:的)?\s*(?:比例|比重|占比|百分比|份额)")
_PER = re.compile(r"\s*(?:per|for\s+each|每|每个|每一|/|÷|除以)\s*", re.I)


def ratio_said(catalog: Catalog, match: Match, metrics: list[str]) -> str | tuple[str, str, str] | None:
    """"sales per order": one metric over another is the catalog's ratio of them (客单价), or refused —
    never both side by side (the hunt's 'revenue per subscriber' was two numbers)."""
    hits = sorted(match.metric_hits, key=lambda h: h.start)
    if len(hits) != 2:
        return None
    gap, after = match.text[hits[0].end:hits[1].start], match.text[hits[1].end:]
    # 退货金额占销售额的比例: one metric's share of another is their ratio (退货率), as "per" is
    if not _PER.fullmatch(gap) and not (_OF.fullmatch(gap) and _SHARE_AFTER.match(after)):
        return None
    for spec_id, spec in catalog.metrics.items():
        if spec.type == "ratio" and spec.numerator in hits[0].payload and spec.denominator in hits[1].payload \
                and not spec.hidden:
            return spec_id
    same = hits[0].payload & hits[1].payload
    if _OF.fullmatch(gap) and len(same) == 1:  # 理财销售额占财富产品销售额: the values said before, of all of it
        return ("part", next(iter(same)), None, None)
    part = _OF.fullmatch(gap) and len(hits[0].payload) == len(hits[1].payload) == 1 and \
        part_of(catalog, next(iter(hits[0].payload)), next(iter(hits[1].payload)))
    if part:  # 餐饮收入占总收入的比例: 总收入's share where 餐饮收入's own condition holds
        return ("part", next(iter(hits[1].payload)), *part)
    a, b = (catalog.metrics[sorted(h.payload)[0]].name for h in hits)
    return ("no_ratio", f"指标库里没有「{a.zh}」除以「{b.zh}」的指标，无法按这个比值回答；可以分别问这两个指标。",
            f"The catalog has no metric of {a.en} per {b.en}; ask for each of them instead.")


def part_of(catalog: Catalog, part: str, whole: str) -> tuple[str, str] | None:
    """(dimension, value) when ``part`` is ``whole`` counted only where that dimension has that value
    (餐饮收入 = 总收入 where 收入类别 = 餐饮): the same table, aggregation and expression, one condition."""
    a, b = catalog.metrics[part], catalog.metrics[whole]
    if a.type != "simple" or b.type != "simple" or (a.table, a.agg, a.expr) != (b.table, b.agg, b.expr) \
            or b.where or not a.where:
        return None
    try:
        condition = sqlglot.parse_one(a.where)
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(condition, exp.EQ) or not isinstance(condition.this, exp.Column) \
            or not isinstance(condition.expression, exp.Literal):
        return None
    for did, dim in catalog.dimensions.items():
        if dim.table == a.table and dim.column == condition.this.name and not dim.hidden:
            return did, condition.expression.this
    return None
