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
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta

from chatbi.pipeline.day_rules import DAY_PATTERNS
from chatbi.pipeline.span_rules import SPAN_PATTERNS
from chatbi.pipeline.spoken_numbers import normalise_numbers
from chatbi.pipeline.time_rules import PATTERNS, TimeWindow
from chatbi.pipeline.time_rules_en import EN_PATTERNS

__all__ = ["AmbiguousTime", "Period", "TimeMatch", "TimeWindow", "combine", "default_window", "find_time",
           "normalise_numbers", "resolve"]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label_zh: str
    label_en: str


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1, days=-1)


@dataclass(frozen=True)
class TimeMatch:
    window: TimeWindow
    start: int
    end: int


def find_time(text: str, as_of: dt.date, named_days: dict[str, tuple[int, int, int]] | None = None) -> list[TimeMatch]:
    """Every time expression in ``text`` (already lower-cased and number-normalised), left to right.
    ``named_days``: the catalog's calendar, term → (month, day, days): 双11 → (11, 11, 1)."""
    taken = [False] * len(text)
    found: list[TimeMatch] = []
    patterns = [*SPAN_PATTERNS, *DAY_PATTERNS, *PATTERNS, *EN_PATTERNS]  # spans before the single days and months in them
    if named_days:
        terms = sorted(named_days, key=len, reverse=True)
        alternation = "|".join(re.escape(t) for t in terms)
        patterns.insert(0, (rf"(?:(?P<y>\d{{4}})\s*年\s*|(?P<last>去年|last year'?s?\s*))?(?P<term>{alternation})",
                            lambda m, day: _named_day(m, named_days, day)))
    for pattern, handler in patterns:
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


def _named_day(m, named_days: dict[str, tuple[int, int, int]], as_of: dt.date) -> TimeWindow:
    month, day, days = named_days[m["term"]]
    year = int(m["y"]) if m["y"] else (as_of.year - 1 if m["last"] else None)
    return TimeWindow("date", m.group(0), year=year, month=month, day=day, days=days)


def combine(matches: list[TimeMatch], as_of: dt.date | None = None, text: str = "") -> TimeWindow | None:
    """One window from what was said: 去年同期 modifies the other expression; a year said apart
    from its month or day (今年10月, 2025年 … 3月, 今年国庆假期) sets its year; otherwise one period only."""
    windows = [t.window for t in matches]
    same = [w for w in windows if w.kind == "same_period_last_year"]
    said = [t for t in matches if t.window.kind != "same_period_last_year"]
    rest = [t.window for t in said]
    if len(rest) > 1 and as_of is not None:
        rest = [replace(w, kind="year", year=as_of.year) if w.kind == "this_year" else w for w in rest]
    if len(rest) > 1:
        years = [i for i, w in enumerate(rest) if w.kind == "year" and w.year]
        others = [i for i in range(len(rest)) if i not in years]
        part = rest[others[0]] if len(others) == 1 else None
        if len(years) == 1 and part is not None and part.year is None and part.kind in (
                "month", "quarter", "month_range", "half", "since_month", "date") and (
                part.kind not in ("quarter", "half") or _adjacent(said[years[0]], said[others[0]], text)):
            rest = [replace(part, year=rest[years[0]].year)]  # "2025年 … 3月" said apart, 今年双11
        else:
            raise AmbiguousTime([w.text for w in rest])
    if same and not rest:
        return TimeWindow("same_period_last_year", same[0].text)
    if same:
        return replace(rest[0], last_year=True)
    return rest[0] if rest else None


# between "H1" and "this year" only the words of what is asked ("H1 premium this year"), never a
# second period's connector ("Q1 and last year", "H1 vs last year")
_EN_BETWEEN = re.compile(r"[a-z' -]{0,40}")
_EN_CONNECTOR = re.compile(r"\b(?:and|or|vs|versus|compared|than|against|to|through|until|from|since|with|over|on|up|"
                           r"down|of|beat|beats|growth|grew|grow|increase[ds]?|decrease[ds]?|rose|rise|fell|fall|"
                           r"change[ds]?|opened|open|started|joined|signed|before|after)\b")


def _adjacent(year: TimeMatch, part: TimeMatch, text: str = "") -> bool:
    """今年上半年, 去年的四季度, "H1 this year": a half or quarter takes the year said right next to it,
    never one said apart (上半年和去年 names two periods)."""
    gap = text[part.end:year.start] if text and year.start >= part.end else None
    english_after = part.window.text.isascii() and (0 <= year.start - part.end <= 1 or gap is not None and bool(
        _EN_BETWEEN.fullmatch(gap)) and not _EN_CONNECTOR.search(gap))  # H1 this year, "Q3 premium last year"
    return 0 <= part.start - year.end <= 1 or english_after


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


def _last_n_quarters(w, as_of, data_end):
    """近三个季度: this quarter so far and the two before it (whole quarters, as 近3个月 is whole months)."""
    end = min(as_of, data_end)
    start = end.replace(day=1, month=(end.month - 1) // 3 * 3 + 1) - relativedelta(months=3 * (w.n - 1))
    return Period(start, end, f"近{w.n}个季度", f"last {w.n} quarters")


def _last_n_full_months(w, as_of, data_end):
    """近三个完整月: the last n months the data has whole (a month ending on the data's last day counts)."""
    end = min(as_of, data_end)
    if end != month_end(end):
        end = end.replace(day=1) - dt.timedelta(days=1)
    start = _months_back(end, w.n)
    return Period(start, end, f"近{w.n}个完整月", f"last {w.n} full months")


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
    year = w.year or as_of.year
    start = dt.date(year, 1 if w.n == 1 else 7, 1)
    return Period(start, start + relativedelta(months=6, days=-1), f"{year}年{'上' if w.n == 1 else '下'}半年",
                  f"{'H1' if w.n == 1 else 'H2'} {year}")


def _last_n_days(w, as_of, data_end):
    end = min(as_of, data_end)
    return Period(end - dt.timedelta(days=w.n - 1), end, f"近{w.n}天", f"last {w.n} days")


def _past_year(w, as_of, data_end):
    """过去一年 / the past year: a year back from the last day with data (a closed-month metric: its 12
    closed months), not 近12个月's this month and the eleven before it."""
    end = min(as_of, data_end)
    return Period(end - relativedelta(years=1) + dt.timedelta(days=1), end, "过去一年", "the past year")


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


# "all data" starts before any warehouse's data; the executor cuts it to the day the data begins
# (and says so), so the answer names the real span, not this date
ALL_DATA_START = dt.date(1900, 1, 1)


def _all_data(w, as_of, data_end):
    return Period(ALL_DATA_START, min(as_of, data_end), "全部数据", "all data")


def _date(w, as_of, data_end):
    """A day (or a named period of days): in its year when said, else its last occurrence by the
    reference date (双11 asked in May is last November's)."""
    start = dt.date(w.year or as_of.year, w.month, w.day) if (w.year or (w.month, w.day) != (2, 29)) else None
    if start is None or (w.year is None and start > as_of):
        year = as_of.year - 1 if start is None or start > as_of else as_of.year
        while (w.month, w.day) == (2, 29) and not (year % 4 == 0 and (year % 100 or year % 400 == 0)):
            year -= 1
        start = dt.date(year, w.month, w.day)
    end = start + dt.timedelta(days=w.days - 1)
    if w.days == 1:
        return Period(start, end, start.isoformat(), start.isoformat())
    return Period(start, end, f"{start} 至 {end}", f"{start} to {end}")


RESOLVERS = {"date": _date, "last_n_months": _last_n_months, "this_month": _this_month, "last_month": _last_month,
             "this_quarter": _this_quarter, "last_quarter": _last_quarter, "quarter": _quarter, "month": _month,
             "month_range": _month_range, "since_month": _since_month, "year": _year, "this_year": _this_year,
             "last_n_full_months": _last_n_full_months, "last_n_quarters": _last_n_quarters,
             "ytd": _ytd, "half": _half, "last_n_days": _last_n_days, "last_week": _last_week,
             "this_week": _this_week, "yesterday": _yesterday, "today": _today, "all_data": _all_data,
             "past_year": _past_year}


def default_window(code: str) -> TimeWindow:
    """The catalog's default_window codes as windows."""
    if code.startswith("last_") and code.endswith("_months"):
        return TimeWindow("last_n_months", code, n=int(code.split("_")[1]))
    if code.startswith("last_") and code.endswith("_days"):
        return TimeWindow("last_n_days", code, n=int(code.split("_")[1]))
    return {"current_month": TimeWindow("this_month", code), "last_closed_month": TimeWindow("last_month", code),
            "current_quarter": TimeWindow("this_quarter", code),
            "last_closed_quarter": TimeWindow("last_quarter", code), "year_to_date": TimeWindow("ytd", code),
            "reference_date": TimeWindow("today", code), "all": TimeWindow("all_data", code)}[code]
