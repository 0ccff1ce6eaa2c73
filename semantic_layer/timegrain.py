"""Time: bucketing expressions per column format, period lists, range alignment and shifting."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlglot import exp

from metric_catalog.model import TimeSpec

MONTHS_PER = {"month": 1, "quarter": 3, "half": 6, "year": 12}
GRAIN_ZH = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年"}


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return day.replace(day=1) + relativedelta(months=1, days=-1)


def bucket_start(day: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return day
    if grain == "week":
        return day - dt.timedelta(days=day.weekday())
    months = MONTHS_PER[grain]
    return dt.date(day.year, ((day.month - 1) // months) * months + 1, 1)


def next_bucket(start: dt.date, grain: str) -> dt.date:
    if grain == "day":
        return start + dt.timedelta(days=1)
    if grain == "week":
        return start + dt.timedelta(days=7)
    return start + relativedelta(months=MONTHS_PER[grain])


def periods(start: dt.date, end: dt.date, grain: str) -> list[dt.date]:
    out, cur = [], bucket_start(start, grain)
    while cur <= end:
        out.append(cur)
        cur = next_bucket(cur, grain)
    return out


def whole_buckets(start: dt.date, end: dt.date, grain: str) -> tuple[dt.date, dt.date]:
    """The part of start..end that is whole buckets of ``grain`` (may be empty: start > end)."""
    first = bucket_start(start, grain)
    first = first if first == start else next_bucket(first, grain)
    last = bucket_start(end, grain)
    if next_bucket(last, grain) - dt.timedelta(days=1) != end:
        end = last - dt.timedelta(days=1)
    return first, end


def is_month_aligned(start: dt.date, end: dt.date) -> bool:
    return start.day == 1 and end == month_end(end)


def whole_months(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


@dataclass(frozen=True)
class Shift:
    months: int = 0
    days: int = 0

    def apply(self, day: dt.date, sign: int = -1) -> dt.date:
        return day + relativedelta(months=sign * self.months, days=sign * self.days)

    def sql(self, key: exp.Expression, sign: int = 1) -> exp.Expression:
        unit, amount = ("MONTH", self.months) if self.months else ("DAY", self.days)
        return exp.DateAdd(this=key, expression=exp.Literal.number(sign * amount), unit=exp.var(unit))


def comparison_shift(kind: str, grain: str | None, start: dt.date, end: dt.date) -> Shift:
    """How far back the compared period lies: one bucket (MoM) or a year (YoY)."""
    if kind == "yoy":
        return Shift(months=12)
    if grain in MONTHS_PER:
        return Shift(months=MONTHS_PER[grain])
    if grain == "week":
        return Shift(days=7)
    if grain == "day":
        return Shift(days=1)
    # No time grouping: the previous period of the same length.
    if is_month_aligned(start, end):
        return Shift(months=whole_months(start, end))
    # A period so far (本月至今, this quarter): the same days of the period before, not the days just before.
    to_date = period_so_far(start, end)
    if to_date:
        return Shift(days=7) if to_date == "week" else Shift(months=MONTHS_PER[to_date])
    return Shift(days=(end - start).days + 1)


def period_so_far(start: dt.date, end: dt.date) -> str | None:
    """The calendar period (week, month, quarter, half, year) a window opens and has not left."""
    if start.weekday() == 0 and (end - start).days < 7 and start.day != 1:
        return "week"
    for grain in ("month", "quarter", "half", "year"):
        if bucket_start(start, grain) == start and bucket_start(end, grain) == start:
            return grain
    return None


# strptime patterns of the string formats (sqlglot writes each engine's own parser call)
STRING_FORMATS = {"yyyy-mm-dd": "%Y-%m-%d", "yyyy/mm/dd": "%Y/%m/%d", "dd-mm-yyyy": "%d-%m-%Y",
                  "dd/mm/yyyy": "%d/%m/%Y", "mm/dd/yyyy": "%m/%d/%Y", "yyyymmdd": "%Y%m%d"}


def as_date(raw: exp.Expression, time: TimeSpec) -> exp.Expression:
    """The day of a stored time value, as a DATE (a yyyymm period: its first day)."""
    if time.format == "date":
        return raw
    if time.format == "timestamp":
        return exp.cast(raw, "DATE")
    if time.format == "epoch_seconds":
        # whole UTC days since 1970-01-01: no session time zone can move a row to another day
        days = exp.Floor(this=exp.Div(this=raw, expression=exp.Literal.number(86400)))
        return exp.cast(exp.DateAdd(this=date_literal(dt.date(1970, 1, 1)), expression=exp.cast(days, "INT"),
                                    unit=exp.var("DAY")), "DATE")
    if time.format == "yyyymm":
        raw, pattern = exp.DPipe(this=raw, expression=exp.Literal.string("01")), "%Y%m%d"
    else:
        pattern = STRING_FORMATS[time.format]
    return exp.StrToDate(this=raw, format=exp.Literal.string(pattern), safe=True)


def compared_range(kind: str, grain: str | None, start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period a MoM / YoY comparison reads (a whole month's previous month ends on its last day);
    against the start of the year (ystart), the last month of the year before, whose end a balance is at."""
    if kind == "ystart":
        return dt.date(end.year - 1, 12, 1), dt.date(end.year - 1, 12, 31)
    shift = comparison_shift(kind, grain, start, end)
    prev_start, prev_end = shift.apply(start), shift.apply(end)
    if is_month_aligned(start, end):
        prev_end = month_end(prev_end)
    return prev_start, prev_end


def date_literal(day: dt.date) -> exp.Expression:
    return exp.cast(exp.Literal.string(day.isoformat()), "DATE")


def yyyymm(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def range_predicate(column: exp.Expression, time: TimeSpec, start: dt.date, end: dt.date) -> exp.Expression:
    if time.format == "yyyymm":
        return exp.Between(this=column, low=exp.Literal.string(yyyymm(start)), high=exp.Literal.string(yyyymm(end)))
    return exp.Between(this=column, low=date_literal(start), high=date_literal(end))


def raw_bucket(column: exp.Expression, time: TimeSpec, grain: str) -> exp.Expression:
    """The bucket as cheaply as the column allows (a YYYYMM string for billing periods)."""
    if time.format == "yyyymm":
        if grain == "month":
            return column
        year = exp.Substring(this=column, start=exp.Literal.number(1), length=exp.Literal.number(4))
        if grain == "year":
            return exp.DPipe(this=year, expression=exp.Literal.string("01"))
        month = exp.Substring(this=column, start=exp.Literal.number(5), length=exp.Literal.number(2))
        quarter_month = exp.Case(ifs=[
            exp.If(this=exp.LTE(this=month, expression=exp.Literal.string(bound)), true=exp.Literal.string(first))
            for bound, first in (("03", "01"), ("06", "04"), ("09", "07"))
        ], default=exp.Literal.string("10"))
        return exp.DPipe(this=year, expression=quarter_month)
    if grain == "day":
        return column
    return exp.cast(exp.DateTrunc(this=column, unit=exp.var(grain.upper())), "DATE")


def bucket_to_date(raw: exp.Expression, time: TimeSpec) -> exp.Expression:
    """Turn a raw bucket into the period's first day (a DATE), applied after aggregation."""
    if time.format == "yyyymm":
        return exp.StrToDate(this=exp.DPipe(this=raw, expression=exp.Literal.string("01")),
                             format=exp.Literal.string("%Y%m%d"))
    return raw


def native_period(column: exp.Expression) -> exp.Expression:
    """The table's own period key, for picking the last period of a balance (period_end metrics)."""
    return column
