"""Time expressions in Chinese and English → a period, resolved against the reference date.

Why our own rules: jionlp's parser (tested 2026-11) rejects 上个月/本月/3月份/10月, reads
2024年Q3 as the whole of 2024 and pulls in 170 MB; dateparser returns points, not periods
("Q3 2024" → 2024-08-15) and misses "last 3 months". Wrong periods are wrong numbers, so the
expressions we accept are listed here and tested one by one; cn2an turns Chinese numerals into
digits first.

A period is resolved in two steps: ``find_time`` recognises *what* was said (a TimeWindow);
``resolve`` turns it into dates for a metric, knowing up to when that metric has data
("近三个月" of a billing-period metric is the last three closed months).
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from dataclasses import dataclass, replace

import cn2an
from dateutil.relativedelta import relativedelta

MONTHS_EN = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                          "nov", "dec"], start=1)}
EN_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
           r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "半": 0}


@dataclass(frozen=True)
class TimeWindow:
    kind: str  # see RESOLVERS below
    text: str
    n: int = 0
    year: int | None = None
    month: int | None = None
    end_month: int | None = None
    quarter: int | None = None
    last_year: bool = False  # 去年同期: the same window one year earlier


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label_zh: str
    label_en: str


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1, days=-1)


PROTECTED = ("千兆", "万兆", "百兆", "一下", "一些", "一共", "一起", "一样", "一直", "统一", "万家", "千家")


def normalise_numbers(text: str) -> str:
    """Chinese numerals → digits (近十二个月 → 近12个月), leaving words like 千兆 and 一下 alone."""
    text = re.sub(r"(近|最近|过去)半年", r"\g<1>6个月", text)
    text = re.sub(r"两", "二", text)
    kept = {}
    for i, word in enumerate(PROTECTED):
        if word in text:
            kept[f"\x00{i}\x00"] = word
            text = text.replace(word, f"\x00{i}\x00")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = cn2an.transform(text, "cn2an")
    except (ValueError, KeyError):  # cn2an rejects some strings; keep the original
        pass
    for placeholder, word in kept.items():
        text = text.replace(placeholder, word)
    return text


def _full_year(raw: str) -> int:
    value = int(raw)
    return value + 2000 if value < 100 else value


PATTERNS: list[tuple[str, callable]] = []


def rule(pattern: str):
    def register(fn):
        PATTERNS.append((pattern, fn))
        return fn
    return register


# --- Chinese -------------------------------------------------------------------------------
@rule(r"(?P<y>\d{2,4})\s*年\s*(?:第\s*)?(?:q|Q)?(?P<q>[1-4])\s*(?:季度|季|q)")
def _zh_year_quarter(m, as_of):
    return TimeWindow("quarter", m.group(0), year=_full_year(m["y"]), quarter=int(m["q"]))


@rule(r"(?P<y>\d{2,4})\s*年\s*q(?P<q>[1-4])")
def _zh_year_q(m, as_of):
    return TimeWindow("quarter", m.group(0), year=_full_year(m["y"]), quarter=int(m["q"]))


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


@rule(r"(?P<y>\d{4})\s*(?:年|年度|全年)")
def _zh_year(m, as_of):
    return TimeWindow("year", m.group(0), year=int(m["y"]))


@rule(r"(?:从)?(?P<m1>\d{1,2})\s*月?\s*(?:到|至|-|~)\s*(?P<m2>\d{1,2})\s*月(?:份)?")
def _zh_month_range(m, as_of):
    return TimeWindow("month_range", m.group(0), month=int(m["m1"]), end_month=int(m["m2"]))


@rule(r"(?:自|从)?(?P<m>\d{1,2})\s*月(?:份)?\s*(?:以来|至今|到现在|起)")
def _zh_since_month(m, as_of):
    return TimeWindow("since_month", m.group(0), month=int(m["m"]))


@rule(r"(?:近|最近|过去|前)\s*(?P<n>\d{1,2})\s*个?\s*(?:月|自然月)")
def _zh_last_n_months(m, as_of):
    return TimeWindow("last_n_months", m.group(0), n=int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{1,2})\s*(?:个)?\s*(?:季度)")
def _zh_last_n_quarters(m, as_of):
    return TimeWindow("last_n_months", m.group(0), n=3 * int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?:1|一)?\s*年")
def _zh_last_year_span(m, as_of):
    return TimeWindow("last_n_months", m.group(0), n=12)


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{1,3})\s*(?:天|日)")
def _zh_last_n_days(m, as_of):
    return TimeWindow("last_n_days", m.group(0), n=int(m["n"]))


@rule(r"(?:近|最近|过去)\s*(?P<n>\d{0,2})\s*(?:个)?\s*(?:周|星期|礼拜)")
def _zh_last_n_weeks(m, as_of):
    return TimeWindow("last_n_days", m.group(0), n=7 * int(m["n"] or 1))


@rule(r"(?:今年|本年|年初)(?:以来|至今|到现在|累计)|年累计|ytd|year[\s-]*to[\s-]*date")
def _ytd(m, as_of):
    return TimeWindow("ytd", m.group(0))


@rule(r"(?:本|这个|当)季度?(?:度)?(?=[^\d]|$)(?<!季度季)")
def _this_quarter(m, as_of):
    return TimeWindow("this_quarter", m.group(0))


@rule(r"(?:上|上一|上个)季度?")
def _last_quarter(m, as_of):
    return TimeWindow("last_quarter", m.group(0))


@rule(r"(?:本|这个|当)月|本期|当期")
def _this_month(m, as_of):
    return TimeWindow("this_month", m.group(0))


@rule(r"(?:上|上一|上个)月(?:份)?")
def _last_month(m, as_of):
    return TimeWindow("last_month", m.group(0))


@rule(r"(?:上|上一|上个)(?:周|星期|礼拜)")
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
    return TimeWindow("half", m.group(0), year=as_of.year, n=1 if m["h"] == "上" else 2)


@rule(r"(?:q|第)\s*(?P<q>[1-4])\s*(?:季度|季)?")
def _bare_quarter(m, as_of):
    return TimeWindow("quarter", m.group(0), quarter=int(m["q"]))


@rule(r"去年同期|上年同期")
def _same_period_last_year(m, as_of):
    return TimeWindow("same_period_last_year", m.group(0))


@rule(r"今年|本年|本年度|今年度")
def _this_year(m, as_of):
    return TimeWindow("this_year", m.group(0))


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


# --- English -------------------------------------------------------------------------------
@rule(r"\b(?:q(?P<q1>[1-4])\s*(?:of\s*)?(?P<y1>20\d{2})|(?P<y2>20\d{2})\s*-?\s*q(?P<q2>[1-4]))\b")
def _en_quarter_year(m, as_of):
    return TimeWindow("quarter", m.group(0), year=int(m["y1"] or m["y2"]), quarter=int(m["q1"] or m["q2"]))


@rule(r"\b(?:last|past|previous|recent)\s+(?P<n>\d{1,2}|" + "|".join(WORD_NUMBERS) + r")\s+months?\b")
def _en_last_n_months(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_months", m.group(0), n=int(n) if n.isdigit() else WORD_NUMBERS[n])


@rule(r"\b(?:last|past|previous)\s+(?P<n>\d{1,2}|" + "|".join(WORD_NUMBERS) + r")\s+quarters?\b")
def _en_last_n_quarters(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_months", m.group(0), n=3 * (int(n) if n.isdigit() else WORD_NUMBERS[n]))


@rule(r"\b(?:last|past|previous)\s+(?P<n>\d{1,3}|" + "|".join(WORD_NUMBERS) + r")\s+days?\b")
def _en_last_n_days(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_days", m.group(0), n=int(n) if n.isdigit() else WORD_NUMBERS[n])


@rule(r"\b(?:last|past|previous)\s+(?:7\s+days|week|(?P<n>\d{1,2})\s+weeks)\b")
def _en_last_week_span(m, as_of):
    if m.group(0).endswith("week"):
        return TimeWindow("last_week", m.group(0))
    return TimeWindow("last_n_days", m.group(0), n=7 * int(m["n"]) if m["n"] else 7)


@rule(r"\b(?:last|past)\s+(?:12\s+months|year)\b(?=.*\b(?:rolling|trailing)\b)|\btrailing\s+(?:12\s+months|twelve months)\b")
def _en_trailing_year(m, as_of):
    return TimeWindow("last_n_months", m.group(0), n=12)


@rule(r"\bsince\s+" + EN_MONTH + r"(?:\s+(?P<y>20\d{2}))?\b")
def _en_since(m, as_of):
    month = MONTHS_EN[m.group(1)[:3]]
    return TimeWindow("since_month", m.group(0), month=month, year=int(m["y"]) if m["y"] else None)


@rule(r"\b" + EN_MONTH + r"\s*(?P<y>20\d{2})\b")
def _en_month_year(m, as_of):
    return TimeWindow("month", m.group(0), year=int(m["y"]), month=MONTHS_EN[m.group(1)[:3]])


@rule(r"\b(?:this|current)\s+quarter\b|\bqtd\b|\bquarter[\s-]to[\s-]date\b")
def _en_this_quarter(m, as_of):
    return TimeWindow("this_quarter", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+quarter\b")
def _en_last_quarter(m, as_of):
    return TimeWindow("last_quarter", m.group(0))


@rule(r"\b(?:this|current)\s+month\b|\bmtd\b|\bmonth[\s-]to[\s-]date\b")
def _en_this_month(m, as_of):
    return TimeWindow("this_month", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+month\b")
def _en_last_month(m, as_of):
    return TimeWindow("last_month", m.group(0))


@rule(r"\b(?:same\s+period\s+last\s+year)\b")
def _en_same_period(m, as_of):
    return TimeWindow("same_period_last_year", m.group(0))


@rule(r"\b(?:this|current)\s+year\b")
def _en_this_year(m, as_of):
    return TimeWindow("this_year", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+year\b")
def _en_last_year(m, as_of):
    return TimeWindow("year", m.group(0), year=as_of.year - 1)


@rule(r"\b(?:this|current)\s+week\b")
def _en_this_week(m, as_of):
    return TimeWindow("this_week", m.group(0))


@rule(r"\byesterday\b")
def _en_yesterday(m, as_of):
    return TimeWindow("yesterday", m.group(0))


@rule(r"\btoday\b")
def _en_today(m, as_of):
    return TimeWindow("today", m.group(0))


@rule(r"\b(?:in\s+)?" + EN_MONTH + r"\b(?!\s*\d)")
def _en_month(m, as_of):
    word = m.group(1)
    if word == "may" and not m.group(0).startswith("in"):
        return None  # "may" is usually the verb
    return TimeWindow("month", m.group(0), month=MONTHS_EN[word[:3]])


@rule(r"\b(?:in\s+)?(?P<y>20\d{2})\b")
def _en_year(m, as_of):
    return TimeWindow("year", m.group(0), year=int(m["y"]))


@dataclass(frozen=True)
class TimeMatch:
    window: TimeWindow
    start: int
    end: int


def find_time(text: str, as_of: dt.date) -> list[TimeMatch]:
    """Every time expression in ``text`` (already lower-cased and number-normalised), left to right."""
    taken = [False] * len(text)
    found: list[TimeMatch] = []
    for pattern, handler in PATTERNS:
        for m in re.finditer(pattern, text):
            if any(taken[m.start():m.end()]) or m.end() == m.start():
                continue
            window = handler(m, as_of)
            if window is None:
                continue
            found.append(TimeMatch(window, m.start(), m.end()))
            for i in range(m.start(), m.end()):
                taken[i] = True
    return sorted(found, key=lambda t: t.start)


def combine(matches: list[TimeMatch]) -> TimeWindow | None:
    """One window from what was said: 去年同期 modifies the other expression; otherwise one only."""
    windows = [t.window for t in matches]
    same = [w for w in windows if w.kind == "same_period_last_year"]
    rest = [w for w in windows if w.kind != "same_period_last_year"]
    if len(rest) > 1:
        years = [w for w in rest if w.kind == "year" and w.year]
        others = [w for w in rest if w not in years]
        if len(years) == 1 and len(others) == 1 and others[0].year is None and others[0].kind in (
                "month", "quarter", "month_range", "half", "since_month"):
            rest = [replace(others[0], year=years[0].year)]  # "2025年 … 3月" said apart
        else:
            raise AmbiguousTime([w.text for w in rest])
    if same and not rest:
        return TimeWindow("same_period_last_year", same[0].text)
    if same:
        return replace(rest[0], last_year=True)
    return rest[0] if rest else None


class AmbiguousTime(Exception):
    def __init__(self, texts: list[str]):
        self.texts = texts
        super().__init__(f"several periods: {', '.join(texts)}")


def _month_of(window: TimeWindow, as_of: dt.date, month: int) -> int:
    """A month said without a year: this year's if it has begun, else last year's."""
    if window.year:
        return window.year
    return as_of.year if month <= as_of.month else as_of.year - 1


def resolve(window: TimeWindow, as_of: dt.date, data_end: dt.date, default: TimeWindow | None = None) -> Period:
    """Dates for ``window``: ``as_of`` is the reference date, ``data_end`` the metric's last complete day."""
    if window.kind == "same_period_last_year":
        base = resolve(default or TimeWindow("this_month", ""), as_of, data_end)
        return _shift_year(base)
    period = RESOLVERS[window.kind](window, as_of, data_end)
    return _shift_year(period) if window.last_year else period


def _shift_year(p: Period) -> Period:
    start, end = p.start - relativedelta(years=1), p.end - relativedelta(years=1)
    if p.end == month_end(p.end):
        end = month_end(end)
    return Period(start, end, f"去年同期({p.label_zh})", f"same period last year ({p.label_en})")


def _months_back(end: dt.date, n: int) -> dt.date:
    return end.replace(day=1) - relativedelta(months=n - 1)


def _last_n_months(w, as_of, data_end):
    end = min(as_of, data_end)
    start = _months_back(end, w.n)
    return Period(start, end, f"近{w.n}个月", f"last {w.n} months")


def _this_month(w, as_of, data_end):
    return Period(as_of.replace(day=1), as_of, "本月", "this month")


def _last_month(w, as_of, data_end):
    start = as_of.replace(day=1) - relativedelta(months=1)
    return Period(start, month_end(start), "上个月", "last month")


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)


def _this_quarter(w, as_of, data_end):
    return Period(_quarter_start(as_of), _to_date(_quarter_start(as_of), as_of, data_end), "本季度", "this quarter")


def _last_quarter(w, as_of, data_end):
    start = _quarter_start(as_of) - relativedelta(months=3)
    return Period(start, start + relativedelta(months=3, days=-1), "上季度", "last quarter")


def _quarter(w, as_of, data_end):
    year = w.year or (as_of.year if dt.date(as_of.year, 3 * w.quarter - 2, 1) <= as_of else as_of.year - 1)
    start = dt.date(year, 3 * w.quarter - 2, 1)
    return Period(start, start + relativedelta(months=3, days=-1), f"{year}年第{w.quarter}季度", f"Q{w.quarter} {year}")


def _month(w, as_of, data_end):
    year = _month_of(w, as_of, w.month)
    start = dt.date(year, w.month, 1)
    return Period(start, month_end(start), f"{year}年{w.month}月", start.strftime("%B %Y"))


def _month_range(w, as_of, data_end):
    year = _month_of(w, as_of, w.end_month)
    start, end = dt.date(year, w.month, 1), month_end(dt.date(year, w.end_month, 1))
    return Period(start, end, f"{year}年{w.month}-{w.end_month}月", f"{start:%b}–{end:%b %Y}")


def _since_month(w, as_of, data_end):
    year = _month_of(w, as_of, w.month)
    return Period(dt.date(year, w.month, 1), _to_date(dt.date(year, w.month, 1), as_of, data_end), f"{year}年{w.month}月以来", f"since {dt.date(year, w.month, 1):%B %Y}")


def _year(w, as_of, data_end):
    return Period(dt.date(w.year, 1, 1), dt.date(w.year, 12, 31), f"{w.year}年", str(w.year))


def _to_date(start: dt.date, as_of: dt.date, data_end: dt.date) -> dt.date:
    """"So far" periods end where the metric's data ends (not before they start)."""
    return max(min(as_of, data_end), start)


def _this_year(w, as_of, data_end):
    start = dt.date(as_of.year, 1, 1)
    return Period(start, _to_date(start, as_of, data_end), "今年", "this year")


def _ytd(w, as_of, data_end):
    start = dt.date(as_of.year, 1, 1)
    return Period(start, _to_date(start, as_of, data_end), "今年以来", "year to date")


def _half(w, as_of, data_end):
    start = dt.date(w.year, 1 if w.n == 1 else 7, 1)
    return Period(start, start + relativedelta(months=6, days=-1), f"{w.year}年{'上' if w.n == 1 else '下'}半年",
                  f"{'H1' if w.n == 1 else 'H2'} {w.year}")


def _last_n_days(w, as_of, data_end):
    end = min(as_of, data_end)
    return Period(end - dt.timedelta(days=w.n - 1), end, f"近{w.n}天", f"last {w.n} days")


def _last_week(w, as_of, data_end):
    start = as_of - dt.timedelta(days=as_of.weekday() + 7)
    return Period(start, start + dt.timedelta(days=6), "上周", "last week")


def _this_week(w, as_of, data_end):
    return Period(as_of - dt.timedelta(days=as_of.weekday()), as_of, "本周", "this week")


def _yesterday(w, as_of, data_end):
    day = as_of - dt.timedelta(days=1)
    return Period(day, day, "昨天", "yesterday")


def _today(w, as_of, data_end):
    return Period(as_of, as_of, "今天", "today")


RESOLVERS = {"last_n_months": _last_n_months, "this_month": _this_month, "last_month": _last_month,
             "this_quarter": _this_quarter, "last_quarter": _last_quarter, "quarter": _quarter, "month": _month,
             "month_range": _month_range, "since_month": _since_month, "year": _year, "this_year": _this_year,
             "ytd": _ytd, "half": _half, "last_n_days": _last_n_days, "last_week": _last_week,
             "this_week": _this_week, "yesterday": _yesterday, "today": _today}


def default_window(code: str) -> TimeWindow:
    """The catalog's default_window codes as windows."""
    if code.startswith("last_") and code.endswith("_months"):
        return TimeWindow("last_n_months", code, n=int(code.split("_")[1]))
    if code.startswith("last_") and code.endswith("_days"):
        return TimeWindow("last_n_days", code, n=int(code.split("_")[1]))
    return {"current_month": TimeWindow("this_month", code), "last_closed_month": TimeWindow("last_month", code),
            "current_quarter": TimeWindow("this_quarter", code),
            "last_closed_quarter": TimeWindow("last_quarter", code), "year_to_date": TimeWindow("ytd", code),
            "reference_date": TimeWindow("today", code)}[code]
