"""Recognising time expressions (Chinese and English): each rule turns a match into a TimeWindow.

Which dates a window means is decided later, in timeparse.resolve, against the reference date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from chatbi.pipeline.rule_registry import rules_into

MONTHS_EN = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"], start=1)}
EN_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "半": 0}


@dataclass(frozen=True)
class TimeWindow:
    kind: str  # see timeparse.RESOLVERS
    text: str
    n: int = 0
    year: int | None = None
    month: int | None = None
    end_month: int | None = None
    quarter: int | None = None
    last_year: bool = False  # 去年同期: the same window one year earlier
    day: int | None = None  # kind "date": the day of ``month``
    days: int = 1  # kind "date": how many days from it (a named period such as a holiday week)


def _full_year(raw: str) -> int:
    value = int(raw)
    return value + 2000 if value < 100 else value


PATTERNS: list[tuple[str, callable]] = []
rule = rules_into(PATTERNS)


# --- single days (first: "11月11日" must not be read as the month 11月) ---------------------------
@rule(r"(?:(?P<y>\d{4})\s*年\s*)?(?P<m>1[0-2]|0?[1-9])\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:日|号)")
def _zh_date(m, as_of):
    return _date_window(m, int(m["m"]), int(m["d"]))


@rule(r"\b(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\s+(?:of\s+)?" + EN_MONTH + r"(?:,?\s+(?P<y>20\d{2}))?\b")
def _en_day_month(m, as_of):
    return _date_window(m, MONTHS_EN[m.group(2)[:3]], int(m["d"]))


@rule(r"\b" + EN_MONTH + r"\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?:,?\s+(?P<y>20\d{2}))?\b")
def _en_month_day(m, as_of):
    return _date_window(m, MONTHS_EN[m.group(1)[:3]], int(m["d"]))


def _date_window(m, month: int, day: int) -> TimeWindow | None:
    import datetime

    year = int(m["y"]) if m["y"] else None
    try:
        datetime.date(year or 2024, month, day)  # 2024: a leap year, so 2月29日 is a day in some year
    except ValueError:
        return None
    return TimeWindow("date", m.group(0), year=year, month=month, day=day)


# --- Chinese -------------------------------------------------------------------------------
@rule(r"(?P<y>\d{2,4})\s*年\s*(?:的)?\s*(?:第\s*)?(?:q|Q)?(?P<q>[1-4])\s*(?:个)?\s*(?:季度|季|q)")
def _zh_year_quarter(m, as_of):
    return TimeWindow("quarter", m.group(0), year=_full_year(m["y"]), quarter=int(m["q"]))


@rule(r"(?P<y>\d{2,4})\s*年\s*q(?P<q>[1-4])|(?<![\d.])(?P<y4>20\d{2})\s*-?\s*q(?P<q4>[1-4])(?!\d)")
def _zh_year_q(m, as_of):  # 2025年Q4, 2025Q4新增 (the English rule's word boundary needs a space after it)
    return TimeWindow("quarter", m.group(0), year=_full_year(m["y"] or m["y4"]), quarter=int(m["q"] or m["q4"]))


# before the "前N个月" and year rules: 今年前10个月 is January to October, not the last ten months
@rule(r"(?:(?P<this>今年|本年)|(?P<last>去年|上年)|(?P<y>\d{4})\s*年)\s*(?:的)?\s*前\s*(?P<n>\d{1,2})\s*个?\s*月|"
      r"\b(?:the\s+)?first\s+(?P<en>\d{1,2})\s+months\s+of\s+(?:(?P<this2>this\s+year)|(?P<last2>last\s+year)|(?P<y2>20\d{2}))\b")
def _zh_first_months(m, as_of):  # and "the first 10 months of this year"
    n = int(m["n"] or m["en"])
    if m["en"]:
        year = int(m["y2"]) if m["y2"] else as_of.year - 1 if m["last2"] else as_of.year
        return TimeWindow("month_range", m.group(0), year=year, month=1, end_month=n) if 1 <= n <= 12 else None
    year = int(m["y"]) if m["y"] else as_of.year - 1 if m["last"] else as_of.year
    return TimeWindow("month_range", m.group(0), year=year, month=1, end_month=n) if 1 <= n <= 12 else None


@rule(r"(?:(?P<this>今年|本年)|(?P<last>去年|上年)|(?P<y>\d{4})\s*年)?\s*(?:的)?\s*前\s*(?P<n>[1-3])\s*(?:个)?\s*季度")
def _zh_first_quarters(m, as_of):  # 前三季度: January to the end of the third quarter
    year = int(m["y"]) if m["y"] else as_of.year - 1 if m["last"] else as_of.year
    return TimeWindow("month_range", m.group(0), year=year, month=1, end_month=3 * int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{1,2})\s*个?\s*(?:完整(?:的)?|整)\s*(?:自然)?月|"
      r"\b(?:last|past|previous)\s+(?P<en>\d{1,2})\s+(?:full|complete|completed|whole|closed)\s+months?\b")
def _last_n_full_months(m, as_of):
    return TimeWindow("last_n_full_months", m.group(0), n=int(m["n"] or m["en"]))


@rule(r"\bh(?P<h>[12])\s*(?P<y>20\d{2})\b|\b(?P<y2>20\d{2})\s*h(?P<h2>[12])\b|"
      r"\b(?P<w>first|second)\s+half\s+(?:of\s+)?(?P<y3>20\d{2})\b|"
      r"\b(?:the\s+)?(?P<w2>first|second)\s+half(?:\s+of\s+(?:this|the)\s+year)?\b(?!\s+of\s+(?:last|20))|\bh(?P<h3>[12])\b")
def _en_year_half(m, as_of):
    word = m["w"] or m["w2"]
    half = int(m["h"] or m["h2"] or m["h3"] or (1 if word == "first" else 2))
    year = m["y"] or m["y2"] or m["y3"]  # none said: this year's, or the year said apart (H1 this year)
    return TimeWindow("half", m.group(0), year=int(year) if year else None, n=half)


@rule(r"有史以来|历史以来|历史上|历史累计|全部时间|所有时间|迄今为止|至今为止|\ball[\s-]time\b|\bsince\s+(?:the\s+)?(?:start|beginning)\b(?!\s+of)")
def _all_data(m, as_of):
    return TimeWindow("all_data", m.group(0))


# before the year and year-month rules: 2025年以来 is not the year 2025
@rule(r"(?:自|从)?(?P<y>\d{4})\s*年(?:\s*(?P<m>\d{1,2})\s*月(?:份)?)?\s*(?:以来|至今|到现在|起|开始)")
def _zh_since_year(m, as_of):
    return TimeWindow("since_month", m.group(0), year=int(m["y"]), month=int(m["m"] or 1))


@rule(r"(?P<y>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月?\s*(?:到|至|-|~|—)\s*(?P<m2>\d{1,2})\s*月(?:份)?")
def _zh_year_month_range(m, as_of):
    return TimeWindow("month_range", m.group(0), year=int(m["y"]), month=int(m["m1"]), end_month=int(m["m2"]))


@rule(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月(?:份)?")
def _zh_year_month(m, as_of):
    return TimeWindow("month", m.group(0), year=int(m["y"]), month=int(m["m"]))


@rule(r"(?P<y>20\d{2})(?P<m>0[1-9]|1[0-2])(?:账期|期)?(?!\d)")
def _billing_period(m, as_of):
    return TimeWindow("month", m.group(0), year=int(m["y"]), month=int(m["m"]))


@rule(r"(?P<y>\d{4})\s*年\s*(?P<h>上|下)半年")
def _zh_year_half(m, as_of):
    return TimeWindow("half", m.group(0), year=int(m["y"]), n=1 if m["h"] == "上" else 2)


@rule(r"(?P<y>\d{4})\s*(?:(?:年度|年)\s*(?P<whole>全年|一整年|整年)?|(?P<whole2>全年))")
def _zh_year(m, as_of):  # 2024年全年: the whole year; of a year still running, not read (asked)
    if (m["whole"] or m["whole2"]) and int(m["y"]) >= as_of.year:
        return None
    return TimeWindow("year", m.group(0), year=int(m["y"]))


@rule(r"(?:从)?(?P<m1>\d{1,2})\s*月?\s*(?:到|至|-|~)\s*(?P<m2>\d{1,2})\s*月(?:份)?")
def _zh_month_range(m, as_of):
    return TimeWindow("month_range", m.group(0), month=int(m["m1"]), end_month=int(m["m2"]))


@rule(r"(?:自|从)?(?P<m>\d{1,2})\s*月(?:份)?\s*(?:以来|至今|到现在|起)")
def _zh_since_month(m, as_of):
    return TimeWindow("since_month", m.group(0), month=int(m["m"]))


# 前一个月 / 前一月 is the month before this one (上个月), not the last one month (this month so far)
@rule(r"前\s*1\s*个?\s*月(?!份)")
def _zh_previous_month(m, as_of):
    day = as_of.replace(day=1) - relativedelta(months=1)
    return TimeWindow("month", m.group(0), year=day.year, month=day.month)


@rule(r"(?:(?P<before>前)|近|最近|过去)\s*(?P<n>\d{1,2})\s*个?\s*(?:月|自然月)")
def _zh_last_n_months(m, as_of):  # 前两个月: the two whole months before this one, as 前一个月 is 上个月
    return TimeWindow("last_n_full_months" if m["before"] else "last_n_months", m.group(0), n=int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{1,2})\s*(?:个)?\s*(?:季度)")
def _zh_last_n_quarters(m, as_of):
    return TimeWindow("last_n_quarters", m.group(0), n=int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?:1|一)?\s*(?:整)?\s*年")
def _zh_last_year_span(m, as_of):
    return TimeWindow("past_year", m.group(0))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{1,3})\s*(?:天|日)")
def _zh_last_n_days(m, as_of):
    return TimeWindow("last_n_days", m.group(0), n=int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{0,2})\s*(?:个)?\s*(?:周|星期|礼拜)")
def _zh_last_n_weeks(m, as_of):
    return TimeWindow("last_n_days", m.group(0), n=7 * int(m["n"] or 1))


@rule(r"(?:今年|本年|当年|年初)(?:以来|至今|到现在|累计)|(?<![去上前半])年累计|ytd|year[\s-]*to[\s-]*date|"
      r"\bsince\s+(?:the\s+)?(?:start|beginning)\s+of\s+(?:the|this)\s+year\b")
def _ytd(m, as_of):
    return TimeWindow("ytd", m.group(0))


@rule(r"(?:本|这个|当)季度?(?:度)?(?=[^\d]|$)(?<!季度季)")
def _this_quarter(m, as_of):
    return TimeWindow("this_quarter", m.group(0))


# 上上个月 (the month before last): read whole, never as 上个月 with a stray 上
@rule(r"上上(?:个)?月(?:份)?")
def month_before_last(m, as_of):
    day = as_of.replace(day=1) - relativedelta(months=2)
    return TimeWindow("month", m.group(0), year=day.year, month=day.month)


@rule(r"上上(?:个)?季度?")
def _quarter_before_last(m, as_of):
    day = dt.date(as_of.year, (as_of.month - 1) // 3 * 3 + 1, 1) - relativedelta(months=6)
    return TimeWindow("quarter", m.group(0), year=day.year, quarter=(day.month - 1) // 3 + 1)


@rule(r"上上(?:个)?(?:周|星期|礼拜)")
def _week_before_last(m, as_of):
    monday = as_of - dt.timedelta(days=as_of.weekday() + 14)
    return TimeWindow("date", m.group(0), year=monday.year, month=monday.month, day=monday.day, days=7)


@rule(r"(?<!上)(?:上|上一|上个|上\s*1\s*个?)季度?")
def _last_quarter(m, as_of):
    return TimeWindow("last_quarter", m.group(0))


@rule(r"(?:本|这个|当)月|本期|当期")
def _this_month(m, as_of):
    return TimeWindow("this_month", m.group(0))


@rule(r"(?<!上)(?:上|上一|上个|上\s*1\s*个?)月(?:份)?")
def _last_month(m, as_of):
    return TimeWindow("last_month", m.group(0))


@rule(r"(?<!上)(?:上|上一|上个|上\s*1\s*个?)(?:周|星期|礼拜)")
def _last_week(m, as_of):
    return TimeWindow("last_week", m.group(0))


@rule(r"(?:本|这)(?:周|星期)")
def _this_week(m, as_of):
    return TimeWindow("this_week", m.group(0))


@rule(r"昨天|昨日")
def _yesterday(m, as_of):
    return TimeWindow("yesterday", m.group(0))


@rule(r"今天|今日|当日")
def _today(m, as_of):
    return TimeWindow("today", m.group(0))


@rule(r"(?P<h>上|下)半年")
def _half(m, as_of):
    # no year: this year's, or the year said apart from it (今年上半年, 去年 … 下半年)
    return TimeWindow("half", m.group(0), n=1 if m["h"] == "上" else 2)


# 第N alone is a rank (排名第1), not a quarter: 第 names a quarter only with 季度 / 季 after it; a
# bare 二季度 / 4季度 is the quarter (3个季度 is a count of them, read by the rules above)
@rule(r"q\s*(?P<q>[1-4])(?:\s*(?:季度|季))?|第\s*(?P<nth>[1-4])\s*个?\s*(?:季度|季)|(?<![\d.每哪这那上下同任头后续、,，\-~至到和与及])(?P<n>[1-4])\s*季度")
def _bare_quarter(m, as_of):
    return TimeWindow("quarter", m.group(0), quarter=int(m["q"] or m["nth"] or m["n"]))


@rule(r"去年同期|上年同期|去年同月|上年同月")
def _same_period_last_year(m, as_of):
    return TimeWindow("same_period_last_year", m.group(0))


@rule(r"本年度|今年度|今年|本年")
def _this_year(m, as_of):
    return TimeWindow("this_year", m.group(0))


@rule(r"(?:去年|上年|上一年)\s*(?:全年|一整年|整年)|\b(?:the\s+)?(?:whole|full)\s+(?:of\s+)?last\s+year\b")
def _last_full_year(m, as_of):  # 去年全年: the year, whole (今年全年 has not ended: not read)
    return TimeWindow("year", m.group(0), year=as_of.year - 1)


@rule(r"去年|上年|上一年")
def _last_year(m, as_of):
    return TimeWindow("year", m.group(0), year=as_of.year - 1)


@rule(r"前年")
def _year_before(m, as_of):
    return TimeWindow("year", m.group(0), year=as_of.year - 2)


@rule(r"(?P<m>\d{1,2})\s*月(?:份)?(?!\d)")
def _zh_month(m, as_of):
    month = int(m["m"])
    return TimeWindow("month", m.group(0), month=month) if 1 <= month <= 12 else None
