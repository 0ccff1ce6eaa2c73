"""What the matcher reads from a question (Match), and two readings made from it: whose value a
shared value is (上海门店: the store's city), and whether 有几家 asks for a count of things."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from chatbi.pipeline import shape_words, timeparse
from chatbi.pipeline.term_search import Hit
from chatbi.pipeline.vocabulary import Vocabulary


@dataclass
class Match:
    text: str
    metric_hits: list[Hit] = field(default_factory=list)
    group_by: list[str] = field(default_factory=list)
    grain: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    included: dict[str, list[str]] = field(default_factory=dict)  # 含取消的: counted in, not the only rows
    ambiguous_values: list[Hit] = field(default_factory=list)
    time: timeparse.TimeWindow | None = None
    time_error: str | None = None
    comparisons: list[str] = field(default_factory=list)
    compared_unit: str | None = None  # QoQ: the previous quarter, so the period must be one
    rank: str | None = None  # desc | asc | best | worst
    limit: int | None = None
    residual: list[str] = field(default_factory=list)
    unavailable: list[int] = field(default_factory=list)  # indexes into catalog.catalog.unavailable
    thresholds: list[tuple[int, shape_words.Threshold]] = field(default_factory=list)  # (position, condition)
    cumulative: bool = False
    average_over: str | None = None  # 月均 → month
    average_per: str | None = None  # 平均每个网点 → depot
    time_events: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # 今年起保的: (起保, tables so dated)
    growth: bool = False  # 增长率, growth: a change asked for, against mom or yoy
    growth_direction: str | None = None  # up | down: 下降超过10% is a change below -10%
    described: list[str] = field(default_factory=list)  # dimensions whose value, named after a condition, names the rows
    change_words: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, word) of 增长率, 下降 …
    rank_words: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, word) of 最高, 最多 …
    share_scope: list[str] = field(default_factory=list)  # dimensions whose values name the whole (占华东的比例)
    share_span: tuple[int, int] | None = None  # where the whole is said: a value there names it
    whole_values: set[tuple[str, str]] = field(default_factory=set)  # (dimension, value) said in the whole
    weekend: tuple | None = None  # (that week, (dimension, value)): the catalog's own 周末, where a metric takes it
    positions: dict[str, int] = field(default_factory=dict)  # grouped dimension / metric → where it was said
    rank_at: int | None = None  # where the ranking word was said
    ranked: list[tuple[frozenset[str], str | None]] = field(default_factory=list)  # (metrics, direction) a rank word is said of
    listing: bool = False  # 列出 / list: the things themselves, not a metric of them
    corrections: list[tuple[str, str]] = field(default_factory=list)  # (as written, as read)
    named: list[str] = field(default_factory=list)  # dimensions named but neither grouped nor filtered
    year_conditions: list[tuple[str, str, int]] = field(default_factory=list)  # (dimension, >= …, year)
    counted: bool = False  # 有多少家门店: the answer is the number of the things listed
    rank_place: bool = False  # 垫底, 榜首: a place in the ranking, whose end depends on the metric's direction
    place: int | None = None  # 排名第二: that place of the ranking; -1 when two places are said
    ambiguous_excluded: list[int] = field(default_factory=list)  # starts of ambiguous values said as left out
    either: bool = False  # 超过50万或退单率低于5%: conditions joined by "or", which the answer cannot compute
    value_range: str = ""  # R3到R5, 银卡到白金: values said as a range, whose middle the catalog cannot know
    summed: set[str] = field(default_factory=set)  # 车险或健康险, …合计: dimensions whose values are one total

    @property
    def metric_sets(self) -> list[set[str]]:
        return [set(h.payload) for h in self.metric_hits]

    @property
    def fully_matched(self) -> bool:
        return not self.residual and not self.time_error and not self.ambiguous_values


def how_many_said(chosen: list[Hit], text: str, result: Match) -> bool:
    """有多少家门店 / 门店有几家: a count of the things a dimension names, which the answer gives as the
    number of its rows: of a listing, or of the groups a condition selects (销售额超过100万的门店有几家).
    Said of anything else (how many stores had sales: a count by what?) it stays unexplained."""
    counted = False
    dims = [h for h in chosen if h.kind in ("dimension", "value")]  # 几个自营厅: the outlets of that type
    for h in (h for h in chosen if h.kind == "how_many"):
        if any(m.kind == "metric" and 0 <= m.start - h.end <= 1 for m in chosen):
            continue  # 每个门店有多少个订单: how many of the metric, said as before
        # 有几家门店 counts what follows; 门店有几家 what precedes, when nothing follows
        near = [d for d in dims if 0 <= d.start - h.end <= 1] or [
            d for d in dims if d.end <= h.start and re.fullmatch(r"\s*(?:的)?\s*(?:都|总|一)?\s*", text[d.end:h.start])]
        # 各省份有几家门店 is a count per province, not the number of stores (nor of provinces)
        own = {x for d in near if d.kind == "dimension" for x in d.payload}
        per_group = any(g not in own for g in result.group_by)
        if near and not per_group and (result.thresholds or not result.metric_hits):
            counted = True
        elif near:  # said of a thing named but not a count the answer can give: unexplained
            result.residual.append(h.text)
    return counted


def by_company(h: Hit, result: Match, vocab: Vocabulary) -> frozenset[tuple[str, str]] | None:
    """A value two dimensions share (上海: the store's city or the customer's) read by the company it
    keeps: the dimension on the table of the other things named (列出上海所有旗舰店: stores), else the
    one joined to them (上海占华东: the store's city rolls up to a region). The closest readings, or
    None when nothing named is near any of them."""
    # only what narrows the rows counts (旗舰店, 华东); a breakdown (各会员等级) says nothing of whose 上海
    context = {vocab.dimension_tables[d] for d in [*result.filters, *result.excluded] if d in vocab.dimension_tables}
    if result.listing:
        context |= {vocab.dimension_tables[d] for d in [*result.group_by, *result.named] if d in vocab.dimension_tables}
    # 上海门店的销售额: the thing named right after the value is whose 上海
    context |= {vocab.dimension_tables[d] for d in result.named if d in vocab.dimension_tables
                and 0 <= result.positions.get(d, -9) - h.end <= 1}
    if not context:
        return None

    def closeness(dim: str) -> int:
        table = vocab.dimension_tables.get(dim)
        if table in context:
            return 2
        return int(any((table, c) in vocab.reachable or (c, table) in vocab.reachable for c in context))

    scores = {(d, v): closeness(d) for d, v in h.payload}
    best = max(scores.values())
    return frozenset(t for t, score in scores.items() if score == best) if best else None
