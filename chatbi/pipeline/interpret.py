"""Normaliser and validator: matched slots + chosen metrics → a typed query, or why it cannot be one.

Deterministic clean-up only: a dimension both filtered and grouped stays a filter; periods come
from the matcher or the metric's default window; ranking words become an order on the first
metric (best/worst follow the metric's direction). Nothing said by the user is dropped: if a
slot cannot be honoured the result says so and the question is clarified or refused.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from chatbi.pipeline import definitions, timeparse, whole_periods
from chatbi.pipeline.change_rank import RATE_OR_AMOUNT, rank_by_change
from chatbi.pipeline.compared_unit import unit_problem
from chatbi.pipeline.conditions import RELATIVE_CLAUSE, condition_of, names_the_number
from chatbi.pipeline.definitions import excluded_by_definition
from chatbi.pipeline.event_years import OPEN_YEAR, filters_on_the_date, period_of_year_filters
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import EACH_SAID
from chatbi.pipeline.rank_words import rank_dimensions, scored_instead, speed_direction
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import (
    TIME,
    Filter,
    GroupBy,
    OrderBy,
    SemanticQuery,
    TimeRange,
    TopWithin,
    timegrain,
)
from semantic_layer.plan import available_through
from semantic_layer.shapes import adds_up

TREND_WINDOW = {"month": timeparse.TimeWindow("last_n_months", "trend", n=6),
                "quarter": timeparse.TimeWindow("last_n_months", "trend", n=12),
                "year": timeparse.TimeWindow("last_n_months", "trend", n=24),
                "week": timeparse.TimeWindow("last_n_days", "trend", n=56),
                "day": timeparse.TimeWindow("last_n_days", "trend", n=30)}




@dataclass
class Draft:
    query: SemanticQuery | None
    period: timeparse.Period | None = None
    problem: tuple[str, str, str] | None = None  # (code, zh, en) when no query can be formed
    alternatives: list[SemanticQuery] = field(default_factory=list)  # what can be answered instead


def data_end(catalog: Catalog, metrics: list[str], as_of: dt.date) -> dt.date:
    tables = {catalog.metrics[leaf].table for m in metrics for leaf in graph.leaf_metrics(catalog, m)}
    return min(available_through(catalog.tables[t], as_of) for t in tables)


def trend_period(catalog: Catalog, metrics: list[str], grain: str, as_of: dt.date) -> timeparse.Period:
    """The usual window of a trend nobody gave a period for. By day, week or month it runs in whole
    periods up to the last complete one: a month with two weeks of data would end the line in a
    cliff. A year or quarter keeps its part to date (每年的订单数 includes this year so far), as an
    asked period does; the answer says the last period is partial."""
    last = min(as_of, data_end(catalog, metrics, as_of))
    if grain in ("day", "week", "month") and \
            timegrain.next_bucket(timegrain.bucket_start(last, grain), grain) - dt.timedelta(days=1) != last:
        last = timegrain.bucket_start(last, grain) - dt.timedelta(days=1)
    period = timeparse.resolve(TREND_WINDOW[grain], as_of, last)
    return dataclasses.replace(period, start=timegrain.bucket_start(period.start, grain))


def _each_said(match: Match, listed: list[str]) -> bool:
    """分别 / each, or 各 right after the values (线上和线下各卖了多少): a row per value, asked as such."""
    ends = [match.text.find(v) + len(v) for d in listed for v in match.filters[d] if v in match.text]
    return bool(EACH_SAID.search(match.text)) or any(match.text[e:e + 1] == "各" for e in ends)


SHARE_RANKED = re.compile(r"(?:占比|比例|比重|份额|百分比)\s*(?:的)?\s*(?:最高|最低|最大|最小|最多|最少|排名|排前|前\d|后\d)|"
                          r"\b(?:share|proportion|percentage)\b[a-z ]{0,12}\b(?:highest|lowest|largest|smallest|top|bottom)\b|"
                          r"\b(?:highest|lowest|largest|smallest|top|bottom)\b[a-z ]{0,12}\b(?:share|proportion|percentage)\b", re.I)


def build_query(catalog: Catalog, match: Match, metrics: list[str], as_of: dt.date,
                group_by: list[str] | None = None, ranked_by: str | None = None) -> Draft:
    """``ranked_by``: 下降最多 / 下降最少 read by the "rate" of change or its "amount", among those that
    moved that way."""
    if match.growth and not match.comparisons and match.time is not None and match.time.kind == "ytd" and all(
            catalog.metrics[leaf].type == "period_end" for m in metrics for leaf in graph.leaf_metrics(catalog, m)):
        match = dataclasses.replace(match, comparisons=["ystart"])  # 今年以来存款增加了多少: against last year's end
    if match.weekend and all(match.weekend[1][0] in graph.allowed_dimensions(catalog, m) for m in metrics):
        (week, (dim, value)), filters = match.weekend, dict(match.filters)  # 这个周末的出租率: the hotel's weekend nights
        match = dataclasses.replace(match, time=week, weekend=None, filters={**filters, dim: [*filters.get(dim, []), value]})
    if (other := definitions.event_of_another_date(catalog, match, metrics)) is not None:
        return Draft(None, None, other)
    breakdown = definitions.per_thing_breakdown(catalog, match, metrics)
    if breakdown is not None:  # 平均每个网点的准时率: the mean of rates is no rate; each depot's is offered
        offered = build_query(catalog, breakdown, metrics, as_of, group_by).query
        return Draft(None, None, definitions.PER_THING_RATIO, [offered] if offered is not None else [])
    if (split := definitions.split_by_its_own_filter(catalog, metrics, group_by or match.group_by)) is not None:
        ratio, dim = catalog.metrics[split[0]], catalog.dimensions[split[1]]  # each value's share is offered
        shares = dataclasses.replace(match, comparisons=[*match.comparisons, "share"])
        offered = build_query(catalog, shares, [ratio.denominator], as_of, group_by).query
        return Draft(None, None, ("split_by_own_filter", f"「{ratio.name.zh}」只统计部分{dim.name.zh}，按{dim.name.zh}拆分时每行只会是 "
                                  "0 或 100%；你要的可能是各自占整体的比例：", f"{ratio.name.en} counts only some {dim.name.en} "
                                  f"values, so split by {dim.name.en} each row is 0 or 100%; each one's share of the whole:"),
                     [offered] if offered is not None else [])
    per = definitions.ratio_said(catalog, match, metrics)  # "sales per order": 客单价, never both
    if isinstance(per, tuple) and per[0] == "part":  # 餐饮收入占总收入: 总收入 of 餐饮, as a share
        _, whole, dim, value = per
        match = dataclasses.replace(match, filters={**match.filters, dim: [value]} if dim else match.filters,
                                    comparisons=list(dict.fromkeys([*match.comparisons, "share"])),
                                    # 各品牌的餐饮收入占总收入: of each brand's 总收入
                                    share_scope=[*match.share_scope, *match.group_by] if dim else ["*", *match.share_scope])
        per, metrics = None, [whole]
    if isinstance(per, tuple):
        return Draft(None, None, per)
    if per:  # the ratio is the share asked, never a share of it too
        metrics, match = [per], dataclasses.replace(match, comparisons=[c for c in match.comparisons if c != "share"])
    said_of = [(m, d) for ids, d in match.ranked for m in metrics if m in ids]
    ranked = list(dict.fromkeys(m for m, _ in said_of))
    if len(ranked) > 1:  # 各门店销售额排名，退货率最低的是哪家: ranked by which?
        options = []
        for mid in ranked:
            direction = next((d for m, d in said_of if m == mid and d), "desc")
            only = dataclasses.replace(match, rank=direction, ranked=[(frozenset([mid]), direction)])
            options.append(build_query(catalog, only, [mid, *(m for m in metrics if m != mid)], as_of, group_by))
        return Draft(None, None, ("two_rankings", "问题里按两个指标排名，请选择按哪个排：",
                                  "The question ranks by two metrics; please pick which one to rank by:"),
                     [o.query for o in options if o.query is not None])
    if ranked and ranked[0] != metrics[0]:  # 销售额和退货率，退货率最低的: ranked by the one the word is said of
        metrics = [ranked[0], *(m for m in metrics if m != ranked[0])]
    first = catalog.metrics[metrics[0]]
    dims = list(match.group_by if group_by is None else group_by)
    grain = match.grain
    filters = [Filter(dimension=d, op="in" if len(v) > 1 else "=", values=v) for d, v in match.filters.items()]
    filters += [Filter(dimension=d, op="not in", values=v) for d, v in match.excluded.items()]
    filters += [Filter(dimension=d, op=op, values=[year]) for d, op, year in match.year_conditions if op]
    if any(op is None for _, op, _ in match.year_conditions):
        return Draft(None, None, OPEN_YEAR)
    filtered = {f.dimension for f in filters}
    # "杭州各渠道" groups by channel within 杭州; "杭州的新增" must not also group by city; but
    # "衢州和丽水" names two values, which people want side by side (车险或健康险 is one total of either);
    # 各大区，不含华东 is every other region.
    dims = [d for d in dims if d not in match.filters]
    listed = [d for d, values in match.filters.items() if len(values) > 1 and d not in dims and d not in match.summed]
    # 意外险和健康险的报案件数按出险原因分: a row per line and cause, or both lines together per cause?
    if listed and dims and not set(listed) & set(group_by or ()) and not _each_said(match, listed):
        together = build_query(catalog, dataclasses.replace(match, summed=match.summed | set(listed)), metrics, as_of,
                               group_by)
        each = build_query(catalog, match, metrics, as_of, [*dims, *listed])
        said = "、".join(v for d in listed for v in match.filters[d])
        return Draft(None, None, ("each_or_together", f"「{said}」是分别看，还是合在一起看？请选择：",
                                  f"Should {', '.join(v for d in listed for v in match.filters[d])} be shown each "
                                  "on its own, or together? Please pick:"),
                     [q for q in (each.query, together.query) if q is not None])
    dims += listed
    if (not dims or match.rank and match.rank_at is not None) and (match.thresholds or match.rank) and match.described:
        # 订单数低于平均水平的社区店: a value named after the condition names the rows it selects (stores);
        # 每个大区销售额最高的2家社区店: the stores are ranked within each region, never the regions
        entity = graph.entity_dimension(catalog, catalog.dimensions[match.described[0]].table)
        if entity and entity not in dims and entity in graph.allowed_dimensions(catalog, metrics[0]):
            match = dataclasses.replace(match, positions={**match.positions, entity: match.rank_at + 1}) if dims else match
            dims = [*dims, entity]
    excluded = excluded_by_definition(catalog, metrics, filters, match.included)
    if excluded is not None:
        return Draft(None, None, excluded)
    end = data_end(catalog, metrics, as_of)
    # 2025年起保的保单数: the year of the metric's own time is its period when none was said
    own_year = None if match.time else period_of_year_filters(catalog, metrics, filters)
    if match.time is None and own_year is None and filters_on_the_date(catalog, metrics, filters):
        # 国庆期间的出租率: each year's 国庆 in the data, not this month's (there is none)
        own_year, grain = timeparse.TimeWindow("all_data", ""), grain or "year"
    if grain and match.time is None and own_year is None:
        period = trend_period(catalog, metrics, grain, as_of)
    else:
        window = match.time or own_year or timeparse.default_window(first.default_window)
        period = timeparse.resolve(window, as_of, end, default=timeparse.default_window(first.default_window))
    unit = unit_problem(match.compared_unit, grain, period.start, period.end) if match.comparisons else None
    if unit is not None and not grain:  # 今年销售额QoQ: offered by quarter, each against the one before
        by_unit = build_query(catalog, dataclasses.replace(match, grain=match.compared_unit), metrics, as_of, group_by)
        return Draft(None, period, unit, [by_unit.query] if by_unit.query is not None else [])
    if unit is not None:
        return Draft(None, period, unit)
    group = ([GroupBy(dimension=TIME, grain=grain)] if grain else []) + [GroupBy(dimension=d) for d in dims]
    order, limit, top_within = [], match.limit, None
    if match.rank_place and first.direction == "lower_is_better" and not match.growth:
        # 退单率垫底: last in the ranking (the highest rate) or the lowest rate? Both are offered
        options = [build_query(catalog, dataclasses.replace(match, rank=r, rank_place=False), metrics, as_of, group_by)
                   for r in ("desc", "asc")]
        return Draft(None, period, ("rank_place", f"「{first.name.zh}」越低越好：是指排名最差（最高）还是数值最低？请选择：",
                                    f"Lower {first.name.en} is better: the worst place (highest) or the lowest value? "
                                    "Please pick one:"), [o.query for o in options if o.query is not None])
    if match.rank in ("best", "worst") and (score := scored_instead(catalog, metrics[0])) and not match.growth:
        most = "desc" if (match.rank == "best") == (first.direction != "lower_is_better") else "asc"
        options = [build_query(catalog, dataclasses.replace(match, rank=most), metrics, as_of, group_by),
                   build_query(catalog, match, [score], as_of, group_by)]  # the most reviews, or the best scored
        return Draft(None, period, ("rank_count_or_score", f"「{first.name.zh}」按条数排，还是按「{catalog.metrics[score].name.zh}」排？",
                                    f"Ranked by the number of {first.name.en}, or by {catalog.metrics[score].name.en}?"),
                     [o.query for o in options if o.query is not None])
    speed = None if match.growth else speed_direction(match.rank_words, first.unit.zh, first.unit.en)
    if speed == "unclear":  # 最快的门店: by what?
        return Draft(None, period, ("rank_speed", f"「最快/最慢」要按时长排名；「{first.name.zh}」不是时长，请说最高还是最低。",
                                    f"Fastest / slowest ranks a time; {first.name.en} is none: highest or lowest?"))
    if speed == "both":
        return Draft(None, period, ("rank_speed", "最快和最慢请分开问，一次一个方向。",
                                    "Ask for the fastest and the slowest one at a time."))
    match = dataclasses.replace(match, rank=speed) if speed else match  # 结案最慢: the most days
    by_change = rank_by_change(match, metrics[0], ranked_by) if match.rank and match.growth else None
    if by_change is RATE_OR_AMOUNT:  # 下降最多: by the rate or by the amount? both offered
        offered = [q for by in ("rate", "amount")
                   if (q := build_query(catalog, match, metrics, as_of, group_by, ranked_by=by).query) is not None]
        return Draft(None, period, RATE_OR_AMOUNT, offered)
    if by_change and isinstance(by_change[0], str):  # (code, zh, en): ask
        return Draft(None, period, by_change)
    if match.rank and limit is not None or match.rank and len(dims) > 1:
        top_within = _top_within(match, dims, metrics[0])
    said = sorted(dims, key=lambda d: match.positions.get(d, -1))  # 最多的品类的退货原因: the top one's reasons
    nested = match.rank and top_within is None and len(said) > 1 and any(
        0 <= match.positions.get(d, -9) - end <= 1 and not re.search(  # 投诉最多的支行和投诉类型: two breakdowns
            r"和|与|及|、|,|，|\band\b", match.text[end:match.positions.get(said[-1], end)])
        for _, end, _ in match.rank_words for d in said[:-1])
    if isinstance(top_within, tuple) or match.rank and grain and dims and top_within is None or nested:
        # 销售额最高的城市的各门店 (the top city, then its stores), 每个月销售额最高的品类 (a top per period)
        return Draft(None, period, top_within if isinstance(top_within, tuple) else NESTED_RANK)
    if by_change and top_within is not None:  # 每个地市同比增长最快的2个渠道类型: within groups by the change
        return Draft(None, period, ("rank_by_change", "暂不支持在每组内按变化排名；可以先问各组的增长率。",
                                    "Ranking by the change within each group is not supported; ask for each "
                                    "group's change instead."))
    if top_within is not None:
        limit = None
    elif match.rank:
        direction = match.rank
        if direction in ("best", "worst"):
            higher = first.direction != "lower_is_better"
            direction = "desc" if (direction == "best") == higher else "asc"
        if not dims and not grain and first.ranked_by and first.ranked_by not in filtered:
            dims = [first.ranked_by]
            group.append(GroupBy(dimension=first.ranked_by))
        if not dims and not grain:  # 哪个月最多 ranks the months
            options = [catalog.dimensions[d].name for d in rank_dimensions(catalog, metrics[0], filtered)]
            return Draft(None, period, ("rank_without_dimension",
                                        f"排名需要说明按什么排（{'、'.join(n.zh for n in options)}）。",
                                        f"A ranking needs to say what to rank ({', '.join(n.en for n in options)})."))
        # 携号转网占比最高的地市: ranked by the share, not the count (the largest city came first)
        field = f"{metrics[0]}__share" if "share" in match.comparisons and SHARE_RANKED.search(match.text) else metrics[0]
        order = [by_change[0] if by_change else OrderBy(field=field, descending=direction == "desc")]
        limit = limit or (None if match.limit is None else match.limit)
    if top_within is not None:
        higher = first.direction != "lower_is_better"
        descending = match.rank == "desc" or (match.rank in ("best", "worst") and (match.rank == "best") == higher)
        top_within = top_within.model_copy(update={"descending": descending})
    apart = [d for d in match.share_scope if d in match.filters and match.share_span and "*" not in match.share_scope
             and any((d, v) not in match.whole_values for v in match.filters[d])]  # a value said outside the whole
    if "share" in match.comparisons and apart:  # 杭州占宁波的比例: no part of the whole, a ratio of two
        side_by_side = build_query(catalog, dataclasses.replace(match, comparisons=[
            c for c in match.comparisons if c != "share"], share_scope=[]), metrics, as_of, [*dims, *apart])
        names = "、".join(v for d in apart for v in match.filters[d])
        return Draft(None, period, ("share_of_another", f"{names}互不包含，「占」不是部分占整体；可以对比它们各自的数值：",
                                    f"{names} do not contain each other, so this is no share of a whole; "
                                    "compare their values instead:"),
                     [side_by_side.query] if side_by_side.query is not None else [])
    if "share" in match.comparisons and not match.share_scope and len(match.filters) > 1:
        # 华东线上销售额占比: online's share of 华东, 华东's share of online, or theirs of everything?
        options = [build_query(catalog, dataclasses.replace(match, share_scope=[d]), metrics, as_of, group_by)
                   for d in [*match.filters, "*"]]  # "*": of everything, chosen
        return Draft(None, period, ("share_whole", "占比是占哪个范围的比例？请选择：", "A share of which whole? Please pick:"),
                     [o.query for o in options if o.query is not None])
    shape = _shape(catalog, match, metrics, dims, grain)
    if isinstance(shape, tuple):
        if shape[0] in ("threshold_without_dimension",):
            options = [catalog.dimensions[d].name for d in rank_dimensions(catalog, metrics[0], filtered)]
            shape = (shape[0], shape[1] + f"（{'、'.join(n.zh for n in options)}）",
                     shape[2] + f" ({', '.join(n.en for n in options)})")
        return Draft(None, period, shape)
    if by_change and by_change[1] is not None:  # 下降最多的: among those that fell
        shape["having"] = [*shape.get("having", []), by_change[1]]
    # a fact without a date (claim payments) is answered for all its data: no time range at all,
    # unless a period was asked for (then the plan says why it cannot be)
    timeless = match.time is None and not grain and any(
        catalog.tables[catalog.metrics[leaf].table].time is None for m in metrics for leaf in graph.leaf_metrics(catalog, m))
    if match.place == -1 or (match.place and top_within is not None):  # 第二和第三, 每个地市排第二的
        return Draft(None, period, ("rank_place", "请一次只问一个名次，并且不分组内排名（如 排名第二的分行）。",
                                    "Ask for one place at a time, over one ranking (the second branch)."))
    place = match.place if order and limit == match.place else None
    if grain and not dims and (order or shape.get("having")):  # 哪个月最少: never half a month against whole ones
        period = whole_periods.ranked(period, grain, end)
    try:
        query = SemanticQuery(metrics=metrics, group_by=group, filters=filters,
                              time_range=None if timeless else TimeRange(start=period.start, end=period.end),
                              comparisons=list(match.comparisons), order_by=order, limit=limit, place=place,
                              top_within=top_within, **shape)
    except ValueError as exc:
        return Draft(None, period, ("invalid", f"无法组成查询：{exc}", f"Cannot form a query: {exc}"))
    if query.average_over:  # 月均 over 今年 on 11-15: whole months only, offered
        problem, whole = whole_periods.averaged(query)
        return Draft(None if problem else query, period, problem, whole)
    return Draft(query, period)


# not "per": sales per store is an average, not a ranking within each store
EACH = ("每个", "每一个", "每", "各个", "各", "each", "every", "within each", "for each", "in each")


def _top_within(match: Match, dims: list[str], metric: str) -> TopWithin | None:
    """每个地市新增最多的3个渠道: groups named before the ranking word hold the ranking of the
    groups named after it."""
    if match.rank_at is None:
        return None
    each = [d for d in dims if match.text[:match.positions.get(d, 0)].rstrip().endswith(EACH)]
    if each and len(each) < len(dims):  # "top 2 sub-categories in each category": said after, still the groups
        before = each
    else:
        before = [d for d in dims if match.positions.get(d, match.rank_at) < match.rank_at]
    after = [d for d in dims if d not in before]
    if not before or not after:
        return None
    ranked_end = max((match.positions.get(d, 0) for d in after), default=0)
    if each and all(match.positions.get(d, 0) > ranked_end > match.rank_at for d in before) and \
            re.search(r"的\s*(?:各|各个|每个)\s*$", match.text[:min(match.positions[d] for d in before)]):
        return NESTED_RANK  # 最高的城市的各门店: each store of the top city, not each store's top city
    return TopWithin(within=before, n=match.limit or 1, metric=metric)


NESTED_RANK = ("nested_rank", "暂不支持先排名、再在名列前茅者之内拆分或排名（如 最高的城市的各门店、每个月最高的品类）；"
               "请分两步问：先问排名，再问那一个的明细。",
               "A ranking followed by a breakdown or ranking inside its top (each store of the top city, the top "
               "category of each month) is not supported; ask in two steps: the ranking, then the one you want.")


def _shape(catalog: Catalog, match: Match, metrics: list[str], dims: list[str], grain: str | None):
    """Conditions, running totals, averages per period: query fields, or (code, zh, en) when the
    words cannot be computed as said."""
    first = catalog.metrics[metrics[0]]
    additive = all(adds_up(catalog, m) for m in metrics)  # 净销售额 = 销售额 − 退款额 adds up too
    summable = additive or all(catalog.metrics[m].type == "period_end" and catalog.metrics[m].agg in ("sum", "count")
                               for m in metrics)  # a balance adds up across branches (never across periods)
    shape: dict = {"share_scope": [d for d in match.share_scope if d in match.filters or d == "*" or d in dims]}
    # 杭州或宁波占全省, 不含杭州的占全省比例: the values said (or all but the one left out) are one part
    together = {d for d in [*match.summed, *match.excluded] if d not in dims and d not in shape["share_scope"]}
    shape["parts_summed"] = "share" in match.comparisons and bool(together) and summable
    if match.growth and not {"mom", "yoy", "ystart"} & set(match.comparisons):
        return ("growth_base", "增长是和上期（环比）还是去年同期（同比）比？请选择：",
                "Growth against the previous period (MoM) or the same period last year (YoY)? Please pick:")
    if "ystart" in match.comparisons and (match.rank or match.thresholds):  # 较年初增加最多: by the change
        return ("ystart_ranked", "暂不支持按较年初的变化排名或筛选；可以先问各项较年初的变化。",
                "Ranking or filtering on the change since the start of the year is not supported; ask for the changes.")
    if match.cumulative:
        if not additive:
            return ("not_additive", f"「{first.name.zh}」不是可逐期累加的指标，没有累计值。",
                    f"'{first.name.en}' does not add up over periods, so it has no running total.")
        if "share" in match.comparisons or grain and set(match.comparisons) & {"yoy", "mom"}:
            # 累计占比 (a Pareto line), 每月累计同比 (year to date against year to date): not the plain
            # share or each month's own change, which were answered
            return ("cumulative_compared", "暂不支持累计占比和逐期累计值的同比/环比；可以问一段时间的合计及其同比（如 今年以来的同比）。",
                    "Cumulative shares and changes of running totals are not supported; ask for a period's total "
                    "and its change (say, year to date against last year).")
        if grain:
            shape["cumulative"] = True
        elif match.time is None or match.time.kind == "same_period_last_year":  # 去年同期累计: from when?
            return ("cumulative_needs_period", "累计从什么时候算起？请选择时间范围：",
                    "A running total from when? Please pick a period:")
        # 今年累计新增 with no breakdown by period is the period's total itself
    if match.average_over:
        if grain:
            return ("two_grains", "问题里同时有按期拆分和按期平均，请只保留一个。",
                    "The question both breaks down by period and averages per period; keep one.")
        shape["average_over"] = match.average_over
    if match.average_per:  # 平均每个网点: the depot is the average's, never also a breakdown
        if match.average_per in match.group_by or match.average_over:
            return ("two_grains", "问题里同时按同一对象拆分（或按期）又按它平均，请只保留一个。",
                    "The question both breaks down by a thing (or a period) and averages per it; keep one.")
        shape["average_per"] = match.average_per
    having = []
    for position, threshold in match.thresholds:
        said = [m for m in metrics if match.positions.get(m, -1) <= position]
        metric = max(said, key=lambda m: match.positions.get(m, -1)) if said else metrics[0]
        # "stores that sold over 1000 units", 超过1000件销量: the metric named right after the number, when
        # none is said before it in the same clause (销量超过2000件销售额最高的: the bound is on 销量)
        before = match.positions.get(metric, -1) if said else -1
        if before < 0 or RELATIVE_CLAUSE.search(match.text[before:position]):
            metric = next((m for m in metrics if names_the_number(match.text, position, match.positions.get(m, -1))),
                          metric)
        condition = condition_of(catalog, match, metric, position, threshold)
        if isinstance(condition, tuple):
            return condition
        having.append(condition)
    if having and not dims and not grain:  # 销售额超过1000万的月份: the months are the groups
        return ("threshold_without_dimension", "条件需要作用在分组上：请说明是哪些对象满足条件",
                "A condition applies to groups: say which things should meet it")
    shape["having"] = having
    return shape
