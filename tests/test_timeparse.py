"""Time expressions resolve to the periods a channel manager means, against the reference date."""

import datetime as dt

import pytest

from chatbi.pipeline.timeparse import AmbiguousTime, combine, find_time, normalise_numbers, resolve

AS_OF = dt.date(2026, 11, 15)
CLOSED = dt.date(2026, 10, 31)  # a billing-period metric's data end on that date
D = dt.date

CASES = [
    # expression, data end, expected start, expected end
    ("近三个月", AS_OF, D(2026, 9, 1), D(2026, 11, 15)),
    ("近三个月", CLOSED, D(2026, 8, 1), D(2026, 10, 31)),
    ("最近3个月", CLOSED, D(2026, 8, 1), D(2026, 10, 31)),
    ("近十二个月", CLOSED, D(2025, 11, 1), D(2026, 10, 31)),
    ("过去半年", AS_OF, D(2026, 6, 1), D(2026, 11, 15)),
    # a year back, not this month and the eleven before it (11.5 months; hunt 6)
    ("过去一年", AS_OF, D(2025, 11, 16), D(2026, 11, 15)),
    ("近一年", CLOSED, D(2025, 11, 1), D(2026, 10, 31)),
    ("over the past year", AS_OF, D(2025, 11, 16), D(2026, 11, 15)),
    ("前两个月", AS_OF, D(2026, 9, 1), D(2026, 10, 31)),  # the two months before, as 前一个月 is 上个月
    # years said short, and a quarter said right after its year (were asked back; hunt 6)
    ("25年", AS_OF, D(2025, 1, 1), D(2025, 12, 31)),
    ("本年度", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),  # was 本年 and a 度 left over
    ("26年10月", AS_OF, D(2026, 10, 1), D(2026, 10, 31)),
    ("25Q4新增", AS_OF, D(2025, 10, 1), D(2025, 12, 31)),
    ("2025Q4新增", AS_OF, D(2025, 10, 1), D(2025, 12, 31)),
    ("上个月", AS_OF, D(2026, 10, 1), D(2026, 10, 31)),
    ("上月", AS_OF, D(2026, 10, 1), D(2026, 10, 31)),
    ("本月", AS_OF, D(2026, 11, 1), D(2026, 11, 15)),
    ("今年", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("今年", CLOSED, D(2026, 1, 1), D(2026, 10, 31)),
    ("今年以来", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("2025年以来", AS_OF, D(2025, 1, 1), D(2026, 11, 15)),  # since 2025, not the year 2025
    ("自2025年起", CLOSED, D(2025, 1, 1), D(2026, 10, 31)),
    ("2025年3月以来", AS_OF, D(2025, 3, 1), D(2026, 11, 15)),
    ("since 2025", AS_OF, D(2025, 1, 1), D(2026, 11, 15)),
    ("今年前10个月", AS_OF, D(2026, 1, 1), D(2026, 10, 31)),  # not the last ten months
    ("2025年前3个月", AS_OF, D(2025, 1, 1), D(2025, 3, 31)),
    ("去年前10个月", AS_OF, D(2025, 1, 1), D(2025, 10, 31)),
    ("近三个完整月", AS_OF, D(2026, 8, 1), D(2026, 10, 31)),  # November has begun, not ended
    ("近3个完整月", D(2026, 10, 31), D(2026, 8, 1), D(2026, 10, 31)),
    ("last 3 full months", AS_OF, D(2026, 8, 1), D(2026, 10, 31)),
    ("H1 2026", AS_OF, D(2026, 1, 1), D(2026, 6, 30)),
    ("2025 h2", AS_OF, D(2025, 7, 1), D(2025, 12, 31)),
    ("first half of 2025", AS_OF, D(2025, 1, 1), D(2025, 6, 30)),
    ("this yr", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("去年", AS_OF, D(2025, 1, 1), D(2025, 12, 31)),
    ("前年", AS_OF, D(2024, 1, 1), D(2024, 12, 31)),
    ("去年同期", AS_OF, D(2025, 11, 1), D(2025, 11, 15)),
    ("去年同期上个月", AS_OF, D(2025, 10, 1), D(2025, 10, 31)),
    ("上季度", AS_OF, D(2026, 7, 1), D(2026, 9, 30)),
    ("本季度", AS_OF, D(2026, 10, 1), D(2026, 11, 15)),
    ("本季度", CLOSED, D(2026, 10, 1), D(2026, 10, 31)),
    ("2024年Q3", AS_OF, D(2024, 7, 1), D(2024, 9, 30)),
    ("2024年第三季度", AS_OF, D(2024, 7, 1), D(2024, 9, 30)),
    ("24年Q3", AS_OF, D(2024, 7, 1), D(2024, 9, 30)),
    ("3月份", AS_OF, D(2026, 3, 1), D(2026, 3, 31)),
    ("12月份", AS_OF, D(2025, 12, 1), D(2025, 12, 31)),
    ("2025年3月", AS_OF, D(2025, 3, 1), D(2025, 3, 31)),
    ("202409账期", AS_OF, D(2024, 9, 1), D(2024, 9, 30)),
    ("1-3月", AS_OF, D(2026, 1, 1), D(2026, 3, 31)),
    ("2025年上半年", AS_OF, D(2025, 1, 1), D(2025, 6, 30)),
    ("今年上半年", AS_OF, D(2026, 1, 1), D(2026, 6, 30)),  # one period, not 今年 and 上半年 at once
    ("去年下半年", AS_OF, D(2025, 7, 1), D(2025, 12, 31)),
    ("H1 this year", AS_OF, D(2026, 1, 1), D(2026, 6, 30)),
    ("H1 premium this year", AS_OF, D(2026, 1, 1), D(2026, 6, 30)),  # the year said after what is asked
    ("Q3 claims last year", AS_OF, D(2025, 7, 1), D(2025, 9, 30)),
    ("from March to May", AS_OF, D(2026, 3, 1), D(2026, 5, 31)),
    ("between Jan and Mar 2025", AS_OF, D(2025, 1, 1), D(2025, 3, 31)),
    ("Jan-Mar", AS_OF, D(2026, 1, 1), D(2026, 3, 31)),
    ("october through december last year", AS_OF, D(2025, 10, 1), D(2025, 12, 31)),
    ("since the start of the year", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),  # not since the data began
    ("since the beginning of this year", CLOSED, D(2026, 1, 1), D(2026, 10, 31)),
    ("二季度", AS_OF, D(2026, 4, 1), D(2026, 6, 30)),  # a bare quarter number with 季度
    ("去年四季度", AS_OF, D(2025, 10, 1), D(2025, 12, 31)),
    ("最近一周", AS_OF, D(2026, 11, 9), D(2026, 11, 15)),
    ("近30天", AS_OF, D(2026, 10, 17), D(2026, 11, 15)),
    ("上周", AS_OF, D(2026, 11, 2), D(2026, 11, 8)),
    ("昨天", AS_OF, D(2026, 11, 14), D(2026, 11, 14)),
    ("last 3 months", CLOSED, D(2026, 8, 1), D(2026, 10, 31)),
    ("last month", AS_OF, D(2026, 10, 1), D(2026, 10, 31)),
    ("this month", AS_OF, D(2026, 11, 1), D(2026, 11, 15)),
    ("YTD", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("year to date", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("Q3 2024", AS_OF, D(2024, 7, 1), D(2024, 9, 30)),
    ("2025 Q1", AS_OF, D(2025, 1, 1), D(2025, 3, 31)),
    ("since March", AS_OF, D(2026, 3, 1), D(2026, 11, 15)),
    ("last quarter", AS_OF, D(2026, 7, 1), D(2026, 9, 30)),
    ("this year", AS_OF, D(2026, 1, 1), D(2026, 11, 15)),
    ("last year", AS_OF, D(2025, 1, 1), D(2025, 12, 31)),
    ("March 2025", AS_OF, D(2025, 3, 1), D(2025, 3, 31)),
    ("in 2025", AS_OF, D(2025, 1, 1), D(2025, 12, 31)),
    ("past 7 days", AS_OF, D(2026, 11, 9), D(2026, 11, 15)),
    # one day: in its year when said, else its last occurrence (11月20日 has not come yet this year)
    ("11月11日", AS_OF, D(2026, 11, 11), D(2026, 11, 11)),
    ("十一月十一号", AS_OF, D(2026, 11, 11), D(2026, 11, 11)),
    ("11月20日", AS_OF, D(2025, 11, 20), D(2025, 11, 20)),
    ("2025年3月5日", AS_OF, D(2025, 3, 5), D(2025, 3, 5)),
    ("on 11 November", AS_OF, D(2026, 11, 11), D(2026, 11, 11)),
    ("November 3rd, 2025", AS_OF, D(2025, 11, 3), D(2025, 11, 3)),
    ("2月29日", AS_OF, D(2024, 2, 29), D(2024, 2, 29)),
]
NAMED = {"双11": (11, 11, 1), "golden week": (10, 1, 7)}


@pytest.mark.parametrize("text,start,end", [
    ("双11当天", D(2026, 11, 11), D(2026, 11, 11)), ("双十一", D(2026, 11, 11), D(2026, 11, 11)),
    ("去年双11", D(2025, 11, 11), D(2025, 11, 11)), ("2024年双11", D(2024, 11, 11), D(2024, 11, 11)),
    ("golden week", D(2026, 10, 1), D(2026, 10, 7))])
def test_days_the_catalog_names_resolve_to_their_dates(text, start, end):
    window = combine(find_time(normalise_numbers(text.lower()), AS_OF, NAMED))
    assert (resolve(window, AS_OF, AS_OF).start, resolve(window, AS_OF, AS_OF).end) == (start, end)
    assert combine(find_time(normalise_numbers(text.lower()), AS_OF)) is None or "年" in text  # not without the catalog


def test_impossible_days_are_not_dates():
    assert all(m.window.kind != "date" for m in find_time(normalise_numbers("2月30日"), AS_OF))


@pytest.mark.parametrize("text,data_end,start,end", CASES)
def test_expression_resolves_to_the_intended_period(text, data_end, start, end):
    said = normalise_numbers(text.lower())
    window = combine(find_time(said, AS_OF), AS_OF, said)
    period = resolve(window, AS_OF, data_end)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("text", ["上个月和去年", "上半年和去年", "二季度和去年", "q1 and last year",
                                  "h1 compared with last year", "q3 sales over last year", "h1 premium up on last year",
                                  "q3 sales of stores opened last year"])
def test_two_different_periods_are_not_silently_merged(text):
    said = normalise_numbers(text)
    with pytest.raises(AmbiguousTime):
        combine(find_time(said, AS_OF), AS_OF, said)


@pytest.mark.parametrize("text", ["这两季度", "上两季度", "每一季度", "去年同一季度", "哪一季度", "1-2季度"])
def test_a_number_before_quarter_that_is_no_quarter_is_left_alone(text):
    windows = [t.window for t in find_time(normalise_numbers(text), AS_OF)]
    assert not any(w.kind == "quarter" for w in windows), windows


def test_words_that_only_look_like_numbers_are_left_alone():
    assert "千兆" in normalise_numbers("千兆宽带近三个月")
    assert normalise_numbers("近三个月") == "近3个月"
    assert find_time("千兆宽带", AS_OF) == []


@pytest.mark.parametrize("text", ["may I see arrears", "欠费金额", "top 5 cities", "工龄超过25年", "近25年以上"])
def test_no_period_is_invented(text):
    assert combine(find_time(normalise_numbers(text.lower()), AS_OF)) is None
