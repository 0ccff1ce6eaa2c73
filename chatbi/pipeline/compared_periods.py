"""Two periods said together where one is only what the other is compared with: 10月和9月对比,
对比去年同期, 去年双11 beside 今年双11. The period asked stays; the other becomes a comparison
(mom / yoy) — never a second period summed in, never the earlier one alone."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from dateutil.relativedelta import relativedelta

from chatbi.pipeline.timeparse import AmbiguousTime, TimeMatch, month_end, resolve

# 对比去年同期, 和去年同期相比, "vs the same period last year": a comparison with last year, not its period
COMPARED_BEFORE = re.compile(r"(?:对比|相比|相较|比|较|vs\.?|versus|compared\s+(?:with|to)|against|than(?:\s+in)?)\s*(?:the\s+)?$")
WITH_BEFORE, COMPARED_AFTER = re.compile(r"(?:和|与|跟|同)\s*$"), re.compile(r"\s*(?:相比|对比|比较|比)")


def compared_with_last_year(text: str, match: TimeMatch) -> tuple[int, int] | None:
    """The span of 对比去年同期 (connector included) when ``match`` is a same-period-last-year said
    as what the period is compared with; else None."""
    if match.window.kind != "same_period_last_year":
        return None
    before = COMPARED_BEFORE.search(text[:match.start])
    if before:
        return before.start(), match.end
    with_, after = WITH_BEFORE.search(text[:match.start]), COMPARED_AFTER.match(text, match.end)
    return (with_.start(), after.end()) if with_ and after else None


def _last_years_same_thing(text: str, match: TimeMatch, matches: list[TimeMatch], as_of: dt.date) -> tuple[int, int] | None:
    """国庆期间的出租率和去年国庆对比, 今年国庆和去年国庆…对比: last year said before a word the question
    said already (a holiday of the catalog), with a word of comparing: last year's same thing is what
    this year's is compared with (yoy), never the only period asked."""
    if match.window.kind != "year" or match.window.year != as_of.year - 1 or not _COMPARED_ON.search(text):
        return None
    with_ = WITH_BEFORE.search(text[:match.start])
    others = [t for t in matches if t is not match]
    if with_ is None or any(t.window.kind != "this_year" for t in others):
        return None
    for size in range(6, 1, -1):
        word = text[match.end:match.end + size]
        if len(word) == size and not re.search(r"[的和与跟对比]", word) and word in text[:with_.start()]:
            after = COMPARED_AFTER.match(text, match.end + size)
            return with_.start(), (after.end() if after else match.end + size)
    return None


_COMPARED_ON = re.compile(r"\b(?:compare[ds]?|vs\.?|versus|against)\b|对比|相比|比较|比", re.I)


def same_day_last_year(text: str, match: TimeMatch, matches: list[TimeMatch], as_of: dt.date) -> tuple[int, int] | None:
    """The span of "last year's Double 11" (去年双11) when the same day of this year is said too and the
    question compares them: a comparison with last year, not a second period."""
    w = match.window
    if w.kind != "date" or w.year != as_of.year - 1:
        return None
    for other in matches:
        o = other.window
        if other is not match and o.kind == "date" and (o.month, o.day, o.days) == (w.month, w.day, w.days) \
                and o.year in (None, as_of.year) and _COMPARED_ON.search(text):
            with_, after = WITH_BEFORE.search(text[:match.start]), COMPARED_AFTER.match(text, match.end)
            return (with_.start() if with_ and after else match.start), (after.end() if after else match.end)
    return None


def compared_period(text: str, match: TimeMatch, matches: list[TimeMatch], as_of: dt.date) -> tuple[int, int, str] | None:
    """(start, end, comparison) when ``match`` is said only as what another period is compared with:
    对比去年同期, 去年双11 beside 今年双11 (yoy); 9月 beside 10月 or 去年10月 beside 今年10月 with a word
    of comparing (10月和9月的平均房价对比, "ADR in October vs September"): the period before (mom) or a
    year before (yoy) the other one, which is the period asked."""
    span = compared_with_last_year(text, match) or same_day_last_year(text, match, matches, as_of) \
        or _joined_to_a_period(text, match, matches) or _last_years_same_thing(text, match, matches, as_of)
    if span:
        return (*span, "yoy")
    if (said := _last_months_same_days(text, match, matches)) is not None:
        return (*said, "mom")
    others = [t for t in matches if t is not match]
    if len(others) != 1 or {match.window.kind, others[0].window.kind} - UNIT_KINDS:
        return None
    first, second = sorted((match, others[0]), key=lambda t: t.start)
    if "date" in {match.window.kind, others[0].window.kind} and not _COMPARED_ON.search(text):
        return None  # 今年双11和去年双11的揽收量: two spans of days side by side, unless said to be compared
    gap = re.sub(rf"^(?:{'|'.join(PERIOD_ENDS)})", "", text[first.end:second.start].strip())  # 10月末和9月末
    if not _COMPARED_ON.search(text) and gap.strip() not in ("和", "与", "跟", "及", "、", "and"):
        return None  # 9月和10月各地市: the two side by side
    if _SUMMED_OR_SPLIT.search(text):
        return None  # 9月和10月的合计, 9月和10月每天: both periods meant, not one against the other
    try:
        mine, other = (resolve(t.window, as_of, as_of) for t in (match, others[0]))
    except (ValueError, AmbiguousTime):
        return None
    if max(mine.end, other.end) > as_of:
        return None  # 10月和11月 on 15 November: half a month against a whole one (2026年 vs 2025年 too)
    if other.start > mine.end and re.search(r"(?:比|较)\s*$", text[:others[0].start]):
        return None  # 9月末余额比上月多了多少: 比上月 is against the month before 9月, not October
    length = relativedelta(other.end + dt.timedelta(days=1), other.start)
    year_before = (other.start - relativedelta(years=1), other.end - relativedelta(years=1))
    kind = "mom" if (mine.start, mine.end + dt.timedelta(days=1)) == (other.start - length, other.start) else \
        "yoy" if (mine.start, mine.end) == (year_before[0], month_end(year_before[1])) and length.years + length.months \
        or {match.window.kind, others[0].window.kind} == {"date"} and (mine.start, mine.end) == year_before else None
    if kind is None:
        return None
    with_, after = EARLIER_BEFORE.search(text[:match.start]), COMPARED_AFTER.match(text, match.end)
    return (with_.start() if with_ else match.start), (after.end() if after else match.end), kind


EARLIER_BEFORE = re.compile(r"(?:和|与|跟|同|相比|对比|比较|比|\b(?:vs\.?|versus|against|compared\s+(?:with|to)))\s*$", re.I)


def _joined_to_a_period(text: str, match: TimeMatch, matches: list[TimeMatch]) -> tuple[int, int] | None:
    """今年和去年同期的新增用户: 去年同期 joined to the period said before it is that period's
    comparison, not the period itself moved a year back (which left this year's number out)."""
    with_ = WITH_BEFORE.search(text[:match.start])
    # the period may be said before its metric (今年累计销售额和去年同期累计对比): any period said before 和
    if match.window.kind != "same_period_last_year" or not with_ or not any(
            t.end <= with_.start() and t.window.kind != "same_period_last_year" for t in matches if t is not match):
        return None
    after = COMPARED_AFTER.match(text, match.end)
    return with_.start(), after.end() if after else match.end


PERIOD_ENDS = ("末", "底", "月末", "月底", "年末", "年底", "季末", "期末")
_SUMMED_OR_SPLIT = re.compile(r"合计|总计|共计|一共|总共|加起来|累计|每天|每日|每周|每月|每个月|逐日|逐月|按天|按日|按周|按月|"
                              r"\b(?:combined|in\s+total|together|daily|weekly|monthly|each\s+(?:day|week|month))\b", re.I)


# periods a comparison with the one before can be said between: whole months, quarters, years
UNIT_KINDS = {"date", "half", "month", "month_range", "last_month", "quarter", "last_quarter", "year", "last_year", "this_month", "this_quarter",
              "this_week", "last_week", "yesterday", "today"}


_YEARS = {"this_year", "year"}
_PARTS = {"month", "quarter", "half", "date"}  # what a year said before it dates
_BETWEEN_PARTS = re.compile(r"\s*(?:和|与|跟|及|、|对比|相比|比|vs\.?|versus|and)\s*", re.I)


def years_shared(matches: list[TimeMatch], text: str, as_of: dt.date) -> list[TimeMatch]:
    """A year said once before two periods dates both: 今年10月和9月, 今年Q2和Q3, 去年上半年和今年上半年
    are two months / quarters / halves of the year said, each one period (then compared), never a
    year and two more periods."""
    out: list[TimeMatch] = []
    for t in matches:
        last = out[-1] if out else None
        # a span of days carries the year it was guessed in (its last occurrence): the year said right before wins
        if last and last.window.kind in _YEARS and t.window.kind in _PARTS and (t.window.year is None or t.window.kind == "date") \
                and text[last.end:t.start].strip() in ("", "的"):
            year = last.window.year or as_of.year
            out[-1] = TimeMatch(replace(t.window, year=year, text=text[last.start:t.end]), last.start, t.end)
        elif last and last.window.kind == t.window.kind in _PARTS and last.window.year and t.window.year is None \
                and _BETWEEN_PARTS.fullmatch(text[last.end:t.start]):
            out.append(TimeMatch(replace(t.window, year=last.window.year), t.start, t.end))
        else:
            out.append(t)
    return _year_said_after(out, text)


def _year_said_after(matches: list[TimeMatch], text: str) -> list[TimeMatch]:
    """"H1 vs H2 2025", "Q2 vs Q3 last year": the year said after the last of two periods (the English
    order) dates both; a bare year right after a part (q3 2025) is that part's."""
    out: list[TimeMatch] = []
    for t in matches:
        last = out[-1] if out else None
        if last and t.window.kind == "year" and t.window.year and last.window.kind in _PARTS - {"date"} \
                and last.window.year is None and text[last.end:t.start].strip(" ,") == "":
            out[-1] = TimeMatch(replace(last.window, year=t.window.year, text=text[last.start:t.end]), last.start, t.end)
        else:
            out.append(t)
    for i in range(len(out) - 1, 0, -1):
        first, second = out[i - 1], out[i]
        if first.window.kind == second.window.kind in _PARTS - {"date"} and first.window.year is None \
                and second.window.year and re.search(r"(?:\d{4}|\b(?:last|this)\s+year)$", text[second.start:second.end]) \
                and _BETWEEN_PARTS.fullmatch(text[first.end:second.start]):
            out[i - 1] = TimeMatch(replace(first.window, year=second.window.year), first.start, first.end)
    return out


_SAME_DAYS_LAST_MONTH = re.compile(r"(?:上个?月|上一个?月)\s*同期|the\s+same\s+(?:days|period)\s+(?:of\s+)?last\s+month", re.I)


def _last_months_same_days(text: str, match: TimeMatch, matches: list[TimeMatch]) -> tuple[int, int] | None:
    """本月和上月同期比: 上月同期 beside this month so far is its 环比 (the same days of last month)."""
    if not _SAME_DAYS_LAST_MONTH.fullmatch(text[match.start:match.end]) or not any(
            t.window.kind == "this_month" for t in matches if t is not match):
        return None
    with_, after = EARLIER_BEFORE.search(text[:match.start]), COMPARED_AFTER.match(text, match.end)
    return (with_.start() if with_ else match.start), (after.end() if after else match.end)
