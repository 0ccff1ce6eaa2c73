"""The precise matcher: catalog words, values, periods and modifiers found by rule, no model.

Terms are found longest-first, so 欠费率 beats 欠费 and 渠道类型 beats 渠道. Whatever content is
left unexplained is reported: a question is "fully matched" only when nothing meaningful
remains, and only then may it be answered without the model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

from chatbi.pipeline import compared_periods, shape_words, term_search, timeparse, typos, value_words
from chatbi.pipeline.day_rules import weekend_of_the_catalog
from chatbi.pipeline.entity_average import per_entity_hits
from chatbi.pipeline.event_years import event_year_hits, state_event_hits, things_of_events, time_event_hits
from chatbi.pipeline.language_hits import language_hits, period_end_grain
from chatbi.pipeline.leftover_words import balance_end, residual_words
from chatbi.pipeline.metric_typos import near_miss, typo_neighbours
from chatbi.pipeline.negation import either_values, negated_values, range_of_values
from chatbi.pipeline.question_words import (
    AT_AN_END,
    COMBINED,
    EACH_SAID,
    FILLER,
    FROM_THE_END,
    GROUP_AFTER,
    GROUP_BEFORE,
    OTHERS,
    RELATIVE,
    WHOLE_SCOPES,
)
from chatbi.pipeline.rank_words import VALUE_WAY, asks_for_one, ranked_metrics
from chatbi.pipeline.reading import Match, by_company, how_many_said
from chatbi.pipeline.term_search import Hit, find_terms, head_nouns, name_tails, select_hits, shared_heads
from chatbi.pipeline.value_metrics import metrics_named_with_values
from chatbi.pipeline.value_words import (
    PERIOD_NOUNS,
    counted_things,
    counter_of_count,
    counters_of_counts,
    counts_with,
    nouns_of_values,
)
from chatbi.pipeline.vocabulary import Vocabulary, normalise

# what joins two breakdowns said in one list ("by city and channel type", 按地市、渠道类型)
LISTED = re.compile(r"\s*(?:,|，|、|和|与|及|以及|跟|&|\band\b|,\s*and\b)\s*(?:by\s+)?", re.I)


def match(question: str, vocab: Vocabulary, as_of: dt.date) -> Match:
    text = shape_words.bound_said_as_comparison(timeparse.normalise_numbers(normalise(question)))
    text, corrected = typos.correct(text, *vocab.english_words)
    result = Match(text=text, corrections=corrected)  # provnice → province, quater → quarter
    hits: list[Hit] = []
    hits += find_terms(text, vocab.metric_terms, "metric")
    hits += find_terms(text, vocab.dimension_terms, "dimension")
    hits += find_terms(text, vocab.value_terms, "value")
    hits += find_terms(text, vocab.unavailable_terms, "unavailable")
    hits += event_year_hits(text, vocab.year_events, vocab.event_names, vocab.event_things)  # 2025年开业的门店: the stores' year, not the period
    times = compared_periods.years_shared(timeparse.find_time(text, as_of, vocab.named_days), text, as_of)
    for t in times:
        # 对比去年同期, "vs last year's Double 11": yoy, the period stays the one asked
        said = compared_periods.compared_period(text, t, times, as_of)  # 10月和9月对比: 10月, against the month before
        hits.append(Hit("comparison", text[said[0]:said[1]], *said) if said else
                    Hit("time", text[t.start:t.end], t.start, t.end, t.window))
    hits += time_event_hits(text, vocab.time_events, [h for h in hits if h.kind == "time"])  # 今年起保的
    hits += language_hits(text)
    chosen = select_hits(hits, len(text))
    # 除了房贷，其他贷款: 其他 after an exclusion is the rest, never a value named 其他
    chosen = [h for h in chosen if not (h.kind == "value" and h.text in OTHERS and any(
        n.kind == "negation" and n.end <= h.start for n in chosen))]
    taken = [False] * len(text)
    for h in chosen:
        for i in range(h.start, h.end):
            taken[i] = True
    chosen = things_of_events(nouns_of_values(chosen, text, vocab), text, vocab.event_things)
    if not any(h.kind == "metric" for h in chosen):
        chosen = sorted(chosen + counted_things(chosen, text, vocab), key=lambda h: h.start)
    chosen = sorted(chosen + counters_of_counts(chosen, text, vocab) + shared_heads(chosen, text, vocab.metric_terms),
                    key=lambda h: h.start)
    if not any(h.kind == "metric" for h in chosen):
        chosen = select_hits(chosen + near_miss(text, vocab.metric_terms, taken, vocab.interchangeable), len(text))
    else:
        typo_neighbours(chosen, text, vocab.metric_terms, taken)
    name_tails(chosen, text, vocab.metric_terms)
    chosen = metrics_named_with_values(chosen, text, vocab.metric_terms)  # "delivered … parcels": deliveries
    chosen = term_search.heads_said_again(chosen, text, vocab.metric_terms)  # 保价费收入: 保价费's
    chosen = per_entity_hits(chosen, text)
    chosen = sorted(chosen + state_event_hits(chosen, text, vocab.state_dimensions), key=lambda h: h.start)
    name_tails(chosen, text, vocab.dimension_terms)
    chosen = sorted(chosen + head_nouns(chosen, text, vocab.dimension_terms, vocab.metric_terms, FILLER),
                    key=lambda h: h.start)  # "which lines": product line
    _interpret(chosen, text, result, as_of, vocab)
    result.weekend = weekend_of_the_catalog(result.time, vocab.value_terms)  # 这个周末 of a hotel: Fri, Sat nights
    if "share" in result.comparisons and not result.share_scope:  # 杭州离网用户中携号转网的占比: of 杭州's
        result.share_scope = shape_words.whole_said_within(text, chosen, result.group_by) or \
            shape_words.whole_before_among(text, chosen, result.filters, result.group_by) or \
            shape_words.whole_of_each_group(result.share_span, chosen, result.filters, result.group_by)
    if not result.share_scope and shape_words.share_of_everything(text, result.share_span, chosen):
        result.share_scope = ["*"]  # 杭州各区县占全省的比例: of everything, not of 杭州
        # 杭州自营厅占全省自营厅: a value said again in the whole keeps it there (all 自营厅, not all)
        result.share_scope += shape_words.said_in_the_whole(text, chosen, result.filters)
    result.grain = result.grain or period_end_grain(text)  # 近三个月末, 去年各季末: each of those ends
    taken = [False] * len(text)
    for h in chosen:
        for i in range(h.start, h.end):
            taken[i] = True
    leftover = "".join(ch if not taken[i] else " " for i, ch in enumerate(text))
    for w in [w for w in residual_words(leftover, vocab) if w.lower() in PERIOD_NOUNS]:
        one = re.search(rf"(?:的|哪)\s*(1)\s*(?:个)?\s*{re.escape(w)}", text)  # 最多的一天, 哪一个月: one period
        if not one and re.search(rf"\d\s*(?:个)?\s*{re.escape(w)}", text):
            continue  # 超过30天: a unit
        grain = PERIOD_NOUNS[w.lower()]  # 销售额超过1000万的月份: the months a condition selects
        if result.grain == grain or (result.grain is None and (result.thresholds or result.rank_words)):
            result.grain = grain
            leftover = re.sub(re.escape(w), " ", leftover, count=1, flags=re.I)
            if one:
                leftover = leftover[:one.start(1)] + " " + leftover[one.end(1):]
    result.residual += [w for w in residual_words(leftover, vocab)  # 除了华东以外的其他大区: what the exclusion leaves
                        if not (w in OTHERS and result.excluded)
                        # 超过30天: the unit of the metric asked, after a bound's number, says what it counts
                        and not (result.thresholds and re.search(rf"\d\s*{re.escape(w)}", text) and all(
                            w in vocab.units.get(m, ()) for h in result.metric_hits for m in h.payload))
                        # 保单里…有多少张: the counter of the count a later reading found
                        and not (counter_of_count(w, text) and result.metric_hits and all(
                            counts_with(vocab, m, w) for h in result.metric_hits for m in h.payload))
                        and not balance_end(w, result.metric_hits, result.time, vocab, as_of, result.grain)]
    # 占全市的比例 where the catalog has cities: which city's whole? 全省 of a company in three provinces:
    # which one? (全网, 全公司, and the wholes the catalog declares: always everything)
    result.residual += [w for w in WHOLE_SCOPES if w in text and w[1] in "省市区国" and w not in vocab.wholes and (
        w[1] in "省国" or any(w[1] in term for term in vocab.dimension_terms if not term.isascii()))]
    return result


def _interpret(chosen: list[Hit], text: str, result: Match, as_of: dt.date, vocab: Vocabulary) -> None:
    times = [timeparse.TimeMatch(h.payload, h.start, h.end) for h in chosen if h.kind == "time"]
    try:
        result.time = timeparse.combine(times, as_of, text)
    except timeparse.AmbiguousTime as exc:
        result.time_error = "、".join(exc.texts)
    negations = [h for h in chosen if h.kind == "negation"]
    ranked = any(h.kind == "rank" for h in chosen)
    # a dimension named right after a condition or a question word is what the answer lists:
    # 销售额超过50万的门店, 哪些地市
    openers = [h.end for h in chosen if h.kind in ("threshold", "which", "rank", "how_many")]  # "bottom 3 …" too
    # 同比下降的地市, "regions where sales fell": a change with a direction and no number selects the
    # groups whose change is below (above) zero
    starts = {h.start for h in chosen if h.kind == "dimension"}
    metric_starts = {h.start for h in chosen if h.kind == "metric"}
    value_ends = {h.end for h in chosen if h.kind == "value"}  # 自营厅渠道的…: a value and its noun, no breakdown
    asked_which = [h.start for h in chosen if h.kind == "which"]
    implicit = [] if any(h.kind in ("threshold", "rank") for h in chosen) else [
        h for h in chosen if h.kind == "growth" and shape_words.change_direction(h, text) in ("up", "down")
        and ((text[h.end:h.end + 1] == "的" and h.end + 1 in starts)  # 同比下降的地市, not 同比增长的情况
             or any(r.strip() in text[max(0, h.start - 40):h.start].split() for r in RELATIVE)
             or any(w < h.start for w in asked_which)  # 哪些门店的销售额同比是下滑的, 同比下滑的有哪些: those that fell
             or any(0 <= w.start - h.end <= 3 for w in chosen if w.kind in ("which", "listing")))]
    if len(implicit) > 1:
        implicit = []  # two changes: no single condition is what was asked (the reading asks instead)
    openers += [h.end + 1 for h in implicit]
    share_at = next((h.start for h in chosen if h.kind == "share_of"), None)
    share_end = next((h.end for h in chosen if h.kind == "comparison" and h.payload == "share"
                      and share_at is not None and h.start > share_at), len(text))
    result.share_span = None if share_at is None else (share_at, share_end)
    shared: list[Hit] = []
    used: set[int] = set()  # negations that negate a value
    said_of, joiners = negated_values(text, chosen)
    either = [j for j in either_values(text, chosen) if (j.start, j.end) not in {(o.start, o.end) for o in joiners}]
    result.value_range = range_of_values(text, chosen)
    joiners += either
    chosen += joiners  # the "or" of "excluding A, B or C" and of 车险或健康险 joins one list: explained
    negating = {id(n) for ns in said_of.values() for n in ns}

    def apply_value(h: Hit, dim: str, value: str) -> None:
        if result.share_span and share_at < h.start < share_end:
            result.whole_values.add((dim, value))
            if dim not in result.share_scope:
                result.share_scope.append(dim)
        by = said_of.get(id(h), [])
        if not by and any(n.payload is None and id(n) not in negating and 0 < h.start - n.end <= 20
                          and not re.search(r"[,，。;；?？]", text[n.end:h.start]) for n in negations):
            result.residual.append(h.text)  # "excluding direct business": not "business" kept in, nor out
            return
        used.update(id(n) for n in by)
        kept_in = by and all(n.payload == "inclusion" for n in by)
        bucket = result.included if kept_in else result.excluded if by else result.filters
        if value not in bucket.setdefault(dim, []):
            bucket[dim].append(value)
        if any(0 <= h.start - end <= 2 for end in openers) and dim not in result.described:
            result.described.append(dim)  # …低于平均水平的社区店: the stores that are 社区店

    grouped_end = None
    population = term_search.population_metrics(chosen, text)
    for h in chosen:
        if h.kind == "metric" and id(h) in population:  # 有效客户的AUM: whose AUM, not a second metric
            result.residual.append(h.text)
        elif h.kind == "metric":
            result.metric_hits.append(h)
            if h.corrected and len(h.payload) == 1:
                result.corrections.append((h.text, h.corrected))
            for mid in h.payload:
                result.positions.setdefault(mid, h.start)
        elif h.kind == "value":
            if len({d for d, _ in h.payload}) > 1:
                shared.append(h)  # placed once every other named thing is known
                continue
            apply_value(h, *sorted(h.payload)[0])
        elif h.kind == "year_condition":
            dim, op, year = h.payload
            if op == "=":
                apply_value(h, dim, str(year))
            elif op == "range":
                result.year_conditions += [(dim, ">=", year[0]), (dim, "<=", year[1])]
            else:  # 2024年以后 (op None: is 2024 itself in?) is asked
                result.year_conditions.append(h.payload)
        elif h.kind == "unavailable":
            result.unavailable.append(h.payload)
        elif h.kind == "dimension":
            begin = next((f.start for f in chosen if f.kind == "filler" and f.end == len(text[:h.start].rstrip())), h.start)
            before, after = text[max(0, begin - 6):begin], text[h.end:h.end + 6]  # "by member tier": by the tier
            grouped = before.endswith(GROUP_BEFORE) or after.lstrip().startswith(GROUP_AFTER) or ranked
            # "which Hangzhou depots …": values between; "20 million yuan of wealth products" is an amount of them
            grouped = grouped or any((0 <= h.start - end <= 4 or end <= h.start and term_search.values_only(chosen, text, end, h.start))
                                     and text[end:h.start].strip() != "of" for end in openers)
            # 线上线下的销售额, 渠道的订单数: a dimension said as what a metric is "of" is its breakdown
            grouped = grouped or (text[h.end:h.end + 1] == "的" and h.end + 1 in metric_starts
                                  and h.start not in value_ends and any(vocab.dimension_values.get(d) for d in h.payload))
            # "cities with more than 1000 …", "states whose profit is negative": a relative clause
            # with a condition names the groups the condition selects
            grouped = grouped or (text[h.end:].lstrip().startswith(RELATIVE) and any(
                c.start > h.end for c in [*implicit, *(c for c in chosen if c.kind == "threshold")]))
            # "categories below average", 线上线下订单量各占多少: the groups compared, or shared out
            grouped = grouped or any(c.kind == "threshold" and 0 <= c.start - h.end <= 1 for c in chosen) or (
                (share_at is None or h.start < share_at) and h.start not in value_ends  # 女性客户…占比: 女's
                and any(c.kind == "comparison" and c.payload == "share" for c in chosen))
            # 代理人保费超过100万的有几个: the things whose metric a condition selects, then counted or listed
            grouped = grouped or (h.end in metric_starts and any(c.kind == "threshold" and c.start > h.end for c in chosen)
                                  and bool(re.search(r"的\s*(?:有|是)?\s*(?:几个|多少个|哪些|哪几个|哪几家|几家)", text[h.end:])))
            # "by city and channel type", 各省分产品类型: listed with a breakdown, or a term that says 各 itself
            grouped = grouped or grouped_end is not None and bool(LISTED.fullmatch(text[grouped_end:h.start])) \
                or h.text.startswith(("各", "每"))
            grouped_end = h.end if grouped else grouped_end
            for dim in sorted(h.payload):
                if grouped and dim not in result.group_by:
                    result.group_by.append(dim)
                    result.positions[dim] = h.start
            if not grouped:
                result.residual.append(h.text)  # named but neither grouped nor filtered: checked below
                result.named += [d for d in sorted(h.payload) if d not in result.named]
                result.positions.update({d: h.start for d in h.payload if d not in result.positions})
        elif h.kind == "grain":
            result.grain = result.grain or h.payload
        elif h.kind == "comparison":
            kind, result.compared_unit = h.payload if isinstance(h.payload, tuple) else (h.payload, result.compared_unit)
            result.comparisons += [kind] if kind not in result.comparisons else []
        elif h.kind == "threshold":
            result.thresholds.append((h.start, h.payload))
        elif h.kind == "listing":
            result.listing = True
        elif h.kind == "cumulative":
            result.cumulative = True
        elif h.kind == "growth":
            result.growth = True
            result.change_words.append((h.start, h.end, h.text.strip()))
            direction = shape_words.change_direction(h, text)
            if direction and result.growth_direction not in (None, direction):
                direction = "unclear"  # 环比下降、同比增长: two changes in one question
            result.growth_direction = direction or result.growth_direction
        elif h.kind == "time_event":
            result.time_events.append((h.text, h.payload))
        elif h.kind == "per_entity":  # one thing to average per; a second, or one of two meanings, is asked
            if len(h.payload) > 1 or result.average_per:
                result.residual.append(h.text)
            else:
                result.average_per = next(iter(h.payload))
        elif h.kind == "per_period":
            result.average_over = result.average_over or h.payload
        elif h.kind == "share_of" and "share" not in result.comparisons:
            result.comparisons.append("share")
        elif h.kind == "rank":
            result.rank_words.append((h.start, h.end, h.text.strip()))
            result.rank_place = (result.rank_place or any(w in h.text for w in (*AT_AN_END, "倒数第1"))
                                 or h.payload[0] == "asc" and bool(FROM_THE_END.match(h.text.strip())))
            result.rank_at = h.start if result.rank_at is None else result.rank_at
            direction, n = h.payload[:2]
            if len(h.payload) > 2:  # 排名第二: the second place, not the top 2
                result.place = n if result.place in (None, n) else -1
                # 不良率排名第二: the second worst or the second highest? asked; 第二多 / second highest say it
                result.rank_place = result.rank_place or not VALUE_WAY.search(h.text)
            if direction is not None and n and result.limit and len(h.payload) < 3 and result.place is None \
                    and (result.rank not in (None, direction) or n != result.limit):
                result.residual.append(h.text)  # 前三和后三: two rankings, one answer would drop one
            elif direction is not None:
                result.rank = result.rank if result.rank and n is None else direction
            result.limit = n or result.limit
    if result.rank_words and result.rank is None:
        result.rank = "desc"
    if result.rank_words and result.limit is None and len(result.group_by) <= 1 and asks_for_one(text):
        result.limit = 1  # 最好的分公司是哪个: the first place (ties kept), not the whole ranking
    result.ranked = ranked_metrics(text, [h for h in chosen if h.kind == "rank"], result.metric_hits)
    for h in implicit[:1]:
        result.thresholds.append((h.start, shape_words.Threshold(">", 0.0, "%")))
    each_word, each_thing = value_words.each_of_a_value(chosen, text)  # 各旗舰店销售额: each store, not their total
    result.residual += each_word + value_words.values_said_as_destinations(chosen, text, vocab)
    for h in each_thing:  # 各社区支行: each 支行 of that kind
        result.group_by += [d for d in sorted(h.payload) if d not in result.group_by]
        result.residual = [w for w in result.residual if w != h.text]
    for dims, at in term_search.metric_heads(chosen, text, vocab.dimension_terms):  # 各产品销售额: by product
        result.group_by += [d for d in sorted(dims) if d not in result.group_by]
        result.positions.update({d: at for d in dims if d not in result.positions})
    limits = sorted((h.start, h.end) for h in chosen if h.kind == "threshold")
    apart = EACH_SAID.search(text) or result.rank_words  # 车险或健康险 is one total; 分别 / 哪个最高 keep them apart
    result.summed = set(result.filters) if COMBINED.search(text) else set() if apart else {d for j in either for d in j.payload}
    result.either = any(re.search(r"或|\bor\b|\beither\b", text[a[1]:b[0]], re.I) for a, b in itertools.pairwise(limits))
    counted = result.counted = how_many_said(chosen, text, result)
    if (not result.listing and not result.metric_hits and (result.named or result.group_by or counted and result.filters)
            and not result.thresholds
            and not result.rank and not result.growth and not result.comparisons
            and (any(h.kind == "which" for h in chosen) or counted)):
        result.listing = True  # "which stores are community stores", 哪些门店是社区店: nothing is counted
    for h in shared:
        closest = by_company(h, result, vocab) or h.payload
        if len({d for d, _ in closest}) == 1 or frozenset(closest) in vocab.same_rows:
            apply_value(h, *sorted(closest)[0])
        else:
            result.ambiguous_values.append(dataclasses.replace(h, payload=closest))
            by = said_of.get(id(h), [])
            used.update(id(n) for n in by)
            if by and not all(n.payload == "inclusion" for n in by):
                result.ambiguous_excluded.append(h.start)  # 除了上海…: whichever 上海 it is, left out
    # 不算 with no value it could be said of: unexplained, never dropped (the total would include it)
    result.residual += [n.text for n in negations if id(n) not in used]
    if result.listing and not result.metric_hits:  # 列出…营业厅: the named dimensions are what is listed
        listed = {h.text for h in chosen if h.kind == "dimension" and set(h.payload) & set(result.named)}
        result.group_by += [d for d in result.named if d not in result.group_by]
        result.residual = [w for w in result.residual if w not in listed]
    # "一年以上账龄": a dimension named next to its own value explains itself; so does the thing a value
    # right before it describes ("Sichuan stores", 四川门店: the stores whose province is 四川)
    named = {h.text: h.payload for h in chosen if h.kind == "dimension"}
    said = set(result.filters) | set(result.excluded) | {d for d, _, _ in result.year_conditions}
    tables = {vocab.dimension_tables.get(d) for d in said}
    described = {h.text for h in chosen if h.kind == "dimension" and any(  # "stores opened in 2024" too
        v.kind in ("value", "year_condition") and 0 <= h.start - v.end <= 1 or
        v.kind == "year_condition" and 0 <= v.start - h.end <= 1 for v in chosen) and any(  # 上海网点: a depot's city
        t in tables or any((t, o) in vocab.reachable for o in tables) for t in {vocab.dimension_tables.get(d) for d in h.payload})}
    result.residual = [w for w in result.residual
                       if not (w in named and (named[w] & said or w in described))]
