"""Spans of days said as such: 11月1日到10日, 10月1日至10月7日, 2026-10-01到2026-10-07, 10.1-10.7,
10月上旬, 第40周, 前天, "Oct 1-7", "from Oct 1 to Oct 7". Each is a kind "date" window (a first day
and a number of days), matched before the single days and months of time_rules, which would
otherwise read 11月1日到10日 as 11月1日 and leave 10日 over.

A week number is the ISO 8601 week (GB/T 7408, Monday first: docs/catalog.md), and the answer
names its dates, so a team counting weeks another way sees which week was used.
"""

from __future__ import annotations

import datetime as dt

from chatbi.pipeline.rule_registry import rules_into
from chatbi.pipeline.time_rules import EN_MONTH, MONTHS_EN, TimeWindow

DAY_PATTERNS: list[tuple[str, callable]] = []

TO = r"\s*(?:到|至|-|~|～|—|－|–)\s*"
EN_TO = r"\s*(?:-|–|to|through|thru|until|till)\s*"


rule = rules_into(DAY_PATTERNS)


def span(text: str, start: dt.date | None, end: dt.date | None) -> TimeWindow | None:
    if start is None or end is None or end < start:
        return None
    return TimeWindow("date", text, year=start.year, month=start.month, day=start.day, days=(end - start).days + 1)


def day(year: int, month: int, day_: int) -> dt.date | None:
    try:
        return dt.date(year, month, day_)
    except ValueError:
        return None


def days_between(text: str, as_of: dt.date, year: str | None, m1: int, d1: int, m2: int, d2: int,
                 year2: str | None = None) -> TimeWindow | None:
    """A first and a last day; without a year, the span's last occurrence that has begun by the
    reference date (10月25日到11月3日 asked on 15 November is this year's; 12月25日到1月5日, the
    one across the last new year). Within one month the span runs forward (1月5日-3日 is no span)."""
    if (m1, d1) == (m2, d2) or (m1 == m2 and d2 < d1):
        return None
    if year:
        first = day(int(year), m1, d1)
        last = day(int(year2 or year), m2, d2)
        if last is not None and first is not None and last < first and not year2:
            last = day(int(year) + 1, m2, d2)
        return span(text, first, last)
    for start_year in (as_of.year, as_of.year - 1):
        first = day(start_year, m1, d1)
        last = day(start_year + (1 if (m2, d2) < (m1, d1) else 0), m2, d2)
        if first is not None and first <= as_of:
            return span(text, first, last)
    return None


@rule(r"(?:(?:自|从)\s*)?(?:(?P<y>\d{4})\s*年\s*)?(?P<m1>1[0-2]|0?[1-9])\s*月\s*(?P<d1>3[01]|[12]\d|0?[1-9])\s*(?:日|号)?"
      r"(?:" + TO + r"(?:今天|今日|现在|目前|当前)|\s*(?:以来|至今|起|开始))|"
      r"\bsince\s+" + EN_MONTH.replace("(", "(?P<em>", 1) + r"\s+(?P<ed>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b")
def _days_to_today(m, as_of):  # 11月1日到今天, 10月8日以来, "since Sep 1": that day up to the reference date
    month, day_ = (MONTHS_EN[m["em"][:3]], int(m["ed"])) if m["em"] else (int(m["m1"]), int(m["d1"]))
    first = day(int(m["y"]), month, day_) if m["y"] else next(
        (d for d in (day(as_of.year, month, day_), day(as_of.year - 1, month, day_)) if d is not None and d <= as_of), None)
    return span(m.group(0), first, as_of)


@rule(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m1>1[0-2]|0?[1-9])\s*月\s*(?P<d1>3[01]|[12]\d|0?[1-9])\s*(?:日|号)?" + TO +
      r"(?:(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>1[0-2]|0?[1-9])\s*月\s*)?(?P<d2>3[01]|[12]\d|0?[1-9])\s*(?:日|号)")
def _zh_days(m, as_of):  # 11月1日到10日, 10月1日至10月7日, 10月1-7日
    return days_between(m.group(0), as_of, m["y"], int(m["m1"]), int(m["d1"]), int(m["m2"] or m["m1"]),
                        int(m["d2"]), m["y2"])


ISO = r"(?P<y{n}>\d{{4}})\s*[-/.]\s*(?P<m{n}>1[0-2]|0?[1-9])\s*[-/.]\s*(?P<d{n}>3[01]|[12]\d|0?[1-9])"


@rule(r"(?<![\d.])" + ISO.format(n=1) + r"(?:" + TO.replace("-|", "") + r"|\s+(?:to|-|through)\s+)" + ISO.format(n=2) +
      r"(?![\d.])")
def _iso_days(m, as_of):  # 2026-10-01到2026-10-07, 2026/10/01 至 2026/10/07
    return span(m.group(0), day(int(m["y1"]), int(m["m1"]), int(m["d1"])), day(int(m["y2"]), int(m["m2"]), int(m["d2"])))


@rule(r"(?<![\d.])" + ISO.format(n="") + r"(?![\d.])")
def _iso_day(m, as_of):  # 2026-10-01
    return span(m.group(0), *(day(int(m["y"]), int(m["m"]), int(m["d"])),) * 2)


# 10.1-10.7 is written like a range of numbers (毛利率在1.2-1.8之间): read as days only when no bound
# word comes before it and no unit after it; a single 10.1 is a number, never a day
@rule(r"(?<![\d.])(?<!在)(?<!于)(?<!过)(?<!到)(?<!为)(?<!是)(?<!达)(?P<m1>1[0-2]|0?[1-9])\.(?P<d1>3[01]|[12]\d|0?[1-9])"
      r"\s*(?:-|~|～|到|至|—|－)\s*(?:(?P<m2>1[0-2]|0?[1-9])\.)?(?P<d2>3[01]|[12]\d|0?[1-9])"
      r"(?![\d.%％])(?!\s*(?:[倍元万亿千百个点块分岁天件单次]|之间|左右|以内|区间))")
def _dotted_days(m, as_of):
    return days_between(m.group(0), as_of, None, int(m["m1"]), int(m["d1"]), int(m["m2"] or m["m1"]), int(m["d2"]))


@rule(r"(?:(?P<y>\d{4})\s*年\s*|(?P<this>今年|本年)\s*|(?P<last>去年|上年)\s*)?"
      r"(?:(?P<m>1[0-2]|0?[1-9])\s*月(?:份)?|(?P<cur>本月|这个月|当月)|(?P<prev>上个?月|上一个?月))\s*(?:的)?\s*"
      r"(?:(?P<x>上|中|下)旬|(?P<h>上|下)半(?:个)?月|前\s*(?P<first>[1-9]|[12]\d)\s*天|(?:最后|后)\s*(?P<tail>[1-9]|[12]\d)\s*天)")
def _dekad(m, as_of):  # 10月上旬: days 1-10, 中旬 11-20, 下旬 21 to the end; 上半月 1-15; 前10天; 最后3天
    if m["cur"] or m["prev"]:
        first = as_of.replace(day=1)
        if m["prev"]:
            first = (first - dt.timedelta(days=1)).replace(day=1)
        year, month = first.year, first.month
    else:
        year, month = (int(m["y"]) if m["y"] else as_of.year if m["this"] else as_of.year - 1 if m["last"] else None,
                       int(m["m"]))
    if year is None:  # 10月上旬 without a year: its last occurrence begun by the reference date
        begun = [y for y in (as_of.year, as_of.year - 1) if (part := _days_of(m, y, month)) and dt.date(y, month, part[0]) <= as_of]
        year = begun[0] if begun else as_of.year
    said = _days_of(m, year, month)
    if said is None:
        return None
    return span(m.group(0), day(year, month, said[0]), day(year, month, said[1]))


def _days_of(m, year: int, month: int) -> tuple[int, int] | None:
    """The first and last day of the part of the month said (旬, 半月, 前N天, 最后N天)."""
    days = ((dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)).day
    if m["x"]:
        return {"上": (1, 10), "中": (11, 20), "下": (21, days)}[m["x"]]
    if m["h"]:
        return (1, 15) if m["h"] == "上" else (16, days)
    if m["first"]:  # 前30天 of a month: longer than some months, never read as the month's days
        return (1, int(m["first"])) if int(m["first"]) <= 28 else None
    return (days - int(m["tail"]) + 1, days) if int(m["tail"]) <= 28 else None


@rule(r"(?:(?P<y>\d{4})\s*年\s*|(?P<this>今年|本年)\s*|(?P<last>去年|上年)\s*)?(?:的)?\s*第\s*(?P<w>[1-9]|[1-4]\d|5[0-3])\s*(?:周|星期)|"
      r"\b(?:iso\s+)?(?:week|wk)\s*(?P<we>[1-9]|[1-4]\d|5[0-3])(?:\s+(?:of\s+)?(?P<ye>20\d{2}))?\b")
def _iso_week(m, as_of):  # 第40周, 2025年第52周, "week 40": ISO weeks, Monday first
    number = int(m["w"] or m["we"])
    said = m["y"] or m["ye"]
    year = int(said) if said else as_of.year if m["this"] else as_of.year - 1 if m["last"] else None
    for candidate in ([year] if year else [as_of.year, as_of.year - 1]):
        try:
            monday = dt.date.fromisocalendar(candidate, number, 1)
        except ValueError:
            continue
        if year or monday <= as_of:
            return span(m.group(0), monday, monday + dt.timedelta(days=6))
    return None


@rule(r"前天|前日|\bthe\s+day\s+before\s+yesterday\b")
def _day_before_yesterday(m, as_of):
    return span(m.group(0), *(as_of - dt.timedelta(days=2),) * 2)


@rule(r"\b(?:from\s+|between\s+)?" + EN_MONTH + r"\s+(?P<d1>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?" +
      r"(?:" + EN_TO + r"|\s+and\s+)" + r"(?:" + EN_MONTH.replace("(", "(?P<m2>", 1) + r"\s+)?" +
      r"(?P<d2>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+(?P<y>20\d{2}))?\b")
def _en_days(m, as_of):  # "Oct 1-7", "from Oct 1 to Nov 3", "between Oct 1 and Oct 7 2026"
    m1 = MONTHS_EN[m.group(1)[:3]]
    m2 = MONTHS_EN[m["m2"][:3]] if m["m2"] else m1
    return days_between(m.group(0), as_of, m["y"], m1, int(m["d1"]), m2, int(m["d2"]))


@rule(r"(?P<last>上个?|上一个?)\s*(?:周末|星期末|礼拜末)|(?:本|这个?)\s*周末|\b(?P<en_last>last|this)\s+weekend\b")
def _weekend(m, as_of):  # 上个周末, "last weekend": the Saturday and Sunday of that week
    monday = as_of - dt.timedelta(days=as_of.weekday())
    if m["last"] or m["en_last"] == "last":
        monday -= dt.timedelta(days=7)
    return span(m.group(0), monday + dt.timedelta(days=5), monday + dt.timedelta(days=6))


def weekend_of_the_catalog(window: TimeWindow | None, value_terms: dict) -> tuple[TimeWindow, tuple[str, str]] | None:
    """这个周末 where the catalog names its own 周末 (a hotel's Friday and Saturday nights): that week,
    with the catalog's weekend value, instead of our Saturday and Sunday."""
    if window is None or window.kind != "date" or window.days != 2:
        return None
    said = "周末" if "周末" in window.text else "weekend" if "weekend" in window.text else None
    values = value_terms.get(said, set()) if said else set()
    if len(values) != 1:
        return None
    monday = dt.date(window.year, window.month, window.day) - dt.timedelta(days=5)
    return span(window.text, monday, monday + dt.timedelta(days=6)), next(iter(values))


@rule(r"(?:上个?月|上一个?月)\s*同期|\bthe\s+same\s+(?:days|period)\s+(?:of\s+)?last\s+month\b")
def _same_days_last_month(m, as_of):  # 上月同期: last month's first days, as many as this month has had
    first = (as_of.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    last = min(first.replace(day=28) + dt.timedelta(days=4), first.replace(day=1) + dt.timedelta(days=as_of.day - 1))
    month_end = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return span(m.group(0), first, min(last, month_end))
