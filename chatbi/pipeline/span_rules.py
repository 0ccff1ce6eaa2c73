"""Spans of months and quarters said as such: 去年11月到今年2月, 2025年11月至2026年2月, 今年二季度到三季度,
Q2到Q3, 2025年Q4到2026年Q1, "Q2 to Q3 2026". Matched before time_rules, whose single months and
quarters would read each end as a period of its own (and refuse the question for naming two)."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from chatbi.pipeline.day_rules import TO, span
from chatbi.pipeline.rule_registry import rules_into
from chatbi.pipeline.time_rules import TimeWindow

SPAN_PATTERNS: list[tuple[str, callable]] = []
rule = rules_into(SPAN_PATTERNS)


def _year(group: str) -> str:
    return rf"(?:(?P<{group}y>\d{{4}})\s*年\s*|(?P<{group}this>今年|本年)\s*|(?P<{group}last>去年|上年)\s*)"


def _said_year(m, group: str, as_of: dt.date) -> int | None:
    if m[f"{group}y"]:
        return int(m[f"{group}y"])
    return as_of.year if m[f"{group}this"] else as_of.year - 1 if m[f"{group}last"] else None


def _months(text: str, first: tuple[int, int], last: tuple[int, int]) -> TimeWindow | None:
    start, end_month = dt.date(first[0], first[1], 1), dt.date(last[0], last[1], 1)
    return span(text, start, end_month + relativedelta(months=1, days=-1))


MONTH = r"(?P<{g}m>1[0-2]|0?[1-9])\s*月(?:份)?"


@rule(_year("a") + r"(?:的)?\s*" + MONTH.format(g="a") + TO + _year("b") + r"(?:的)?\s*" + MONTH.format(g="b"))
def _months_across_years(m, as_of):  # 去年11月到今年2月: the second year said, so the span crosses it
    first, last = _said_year(m, "a", as_of), _said_year(m, "b", as_of)
    if first is None or last is None:
        return None
    return _months(m.group(0), (first, int(m["am"])), (last, int(m["bm"])))


QUARTER = r"(?:第\s*)?(?:q\s*)?(?P<{g}q>[1-4])\s*(?:个)?\s*"


@rule(_year("a") + r"?(?:的)?\s*" + QUARTER.format(g="a") + r"(?:季度|季)?" + TO + _year("b") + r"?(?:的)?\s*" +
      QUARTER.format(g="b") + r"(?:季度|季)?")
def _quarters(m, as_of):  # 今年2季度到3季度, 第2到第3季度, 2025年Q4到2026年Q1
    said_q = "q" in m.string[max(m.start("bq") - 2, 0):m.start("bq")]
    if not m.group(0).endswith(("季", "季度")) and not said_q:
        return None  # 2到3 alone is two numbers
    return _quarter_span(m, as_of, _said_year(m, "a", as_of), _said_year(m, "b", as_of))


@rule(r"\b(?:from\s+)?q(?P<aq>[1-4])\s*(?:-|–|to|through)\s*q(?P<bq>[1-4])(?:\s*(?:of\s+)?(?P<y>20\d{2}))?\b")
def _en_quarters(m, as_of):  # "Q2 to Q3", "Q2-Q3 2026"; "Q2 and Q3" is two quarters, compared
    year = int(m["y"]) if m["y"] else None
    return _quarter_span(m, as_of, year, year)


def _quarter_span(m, as_of: dt.date, first_year: int | None, last_year: int | None) -> TimeWindow | None:
    q1, q2 = int(m["aq"]), int(m["bq"])
    if last_year is not None and first_year is not None and first_year != last_year:
        return _months(m.group(0), (first_year, 3 * q1 - 2), (last_year, 3 * q2)) if first_year < last_year else None
    if q2 <= q1:
        return None
    year = first_year or last_year
    return TimeWindow("month_range", m.group(0), year=year, month=3 * q1 - 2, end_month=3 * q2)


@rule(_year("a") + r"?(?:的)?\s*(?:截至|截止到?|截止至)\s*(?:(?P<by>\d{4})\s*年\s*)?" + MONTH.format(g="") +
      r"(?:底|末)?\s*(?:为止|(?=\s*(?:的)?\s*累计))")
def _to_a_month_end(m, as_of):  # 截至10月累计, 今年截至9月的累计, 2025年截至6月为止: January to that month
    year = int(m["by"]) if m["by"] else _said_year(m, "a", as_of)
    return TimeWindow("month_range", m.group(0), year=year, month=1, end_month=int(m["m"]))


@rule(r"(?:截至|截止到?|截止至)\s*" + MONTH.format(g="") + r"(?:底|末)?\s*(?:为止)?\s*(?:的)?\s*" + _year("a") +
      r"(?=\s*(?:的)?\s*累计)")
def _to_a_month_end_of_a_year(m, as_of):  # 截至10月今年累计: the year said after the month
    return TimeWindow("month_range", m.group(0), year=_said_year(m, "a", as_of), month=1, end_month=int(m["m"]))


_TO_NOW = r"\s*(?:以来|至今|到现在|迄今|到目前为止|截至目前)"


_SO_FAR = r"(?:(?P<mo{g}>本月|这个月|当月)|(?P<q{g}>本季度|本季|这个季度|当季)|(?P<y{g}>今年|本年|当年)|(?P<w{g}>本周|这周))"


@rule(_SO_FAR.format(g="a") + r"\s*(?:的)?\s*(?:截至|截止到?|截止至|至|到)\s*昨天(?:为止)?|"
      r"(?:截至|截止到?|截止至)\s*昨天(?:为止)?\s*(?:的)?\s*" + _SO_FAR.format(g="b"))
def _to_yesterday(m, as_of):  # 本月截至昨天, 截至昨天今年的: the period so far without today
    start = (as_of.replace(day=1) if m["moa"] or m["mob"] else
             as_of.replace(month=3 * ((as_of.month - 1) // 3) + 1, day=1) if m["qa"] or m["qb"] else
             as_of.replace(month=1, day=1) if m["ya"] or m["yb"] else as_of - dt.timedelta(days=as_of.weekday()))
    return span(m.group(0), start, as_of - dt.timedelta(days=1))  # None on the period's first day


_NO_COUNT = r"(?<![\d个一二三四五六七八九十两上下])"  # 月初 alone, never the tail of 3个月 / 上月
@rule(r"(?:(?P<q>(?:本季度|这个季度|本季|当季)初?|" + _NO_COUNT + r"季度?初)|(?P<mo>(?:本月|这个月|当月)初?|" + _NO_COUNT +
      r"月初)|(?P<w>本周|这周|这个星期|本星期|本周初|" + _NO_COUNT + r"周初))" + _TO_NOW)
def _to_date(m, as_of):  # 本季度至今, 本月以来, 本周至今, 月初至今: the period so far
    return TimeWindow("this_quarter" if m["q"] else "this_month" if m["mo"] else "this_week", m.group(0))


@rule(_year("a") + r"(?:的)?\s*h(?P<h>[12])(?![\da-z])")
def _zh_year_half(m, as_of):  # 今年H1, 去年H2, 2025年H1 (the English rule's \b fails after a Chinese character)
    return TimeWindow("half", m.group(0), year=_said_year(m, "a", as_of), n=int(m["h"]))
