"""Spans of days, months and quarters said as such resolve to exactly those days (a stray 10日 left
over was asked back; 10月1日至10月7日, 去年11月到今年2月 refused as two periods)."""

import datetime as dt

import pytest

from chatbi.pipeline.timeparse import combine, find_time, normalise_numbers, resolve

AS_OF = dt.date(2026, 11, 15)  # a Sunday: ISO week 46 of 2026 is 9-15 November
D = dt.date


def period(text: str, data_end: dt.date = AS_OF) -> tuple[dt.date, dt.date]:
    window = combine(find_time(normalise_numbers(text.lower()), AS_OF))
    resolved = resolve(window, AS_OF, data_end)
    return resolved.start, resolved.end


@pytest.mark.parametrize(("text", "start", "end"), [
    ("11月1日到10日", D(2026, 11, 1), D(2026, 11, 10)),
    ("10月1日至10月7日", D(2026, 10, 1), D(2026, 10, 7)),
    ("10月1号-7号", D(2026, 10, 1), D(2026, 10, 7)),
    ("2025年10月1日到10月7日", D(2025, 10, 1), D(2025, 10, 7)),
    ("12月25日到1月5日", D(2025, 12, 25), D(2026, 1, 5)),  # across the last new year
    ("12月1日到12月10日", D(2025, 12, 1), D(2025, 12, 10)),  # not begun this year: last year's
    ("2026-10-01到2026-10-07", D(2026, 10, 1), D(2026, 10, 7)),
    ("2026/10/01 至 2026/10/07", D(2026, 10, 1), D(2026, 10, 7)),
    ("2026-10-05", D(2026, 10, 5), D(2026, 10, 5)),
    ("10.1-10.7", D(2026, 10, 1), D(2026, 10, 7)),
    ("10月上旬", D(2026, 10, 1), D(2026, 10, 10)),
    ("10月中旬", D(2026, 10, 11), D(2026, 10, 20)),
    ("10月下旬", D(2026, 10, 21), D(2026, 10, 31)),
    ("2024年2月下旬", D(2024, 2, 21), D(2024, 2, 29)),
    ("上个月下旬", D(2026, 10, 21), D(2026, 10, 31)),
    ("11月下旬", D(2025, 11, 21), D(2025, 11, 30)),  # this year's has not begun
    ("11月1日到今天", D(2026, 11, 1), D(2026, 11, 15)),  # were two periods (hunt 6)
    ("从9月1日至今", D(2026, 9, 1), D(2026, 11, 15)),
    ("since Sep 1", D(2026, 9, 1), D(2026, 11, 15)),  # was the one day 09-01
    ("从9月1号开始", D(2026, 9, 1), D(2026, 11, 15)),
    ("上月同期", D(2026, 10, 1), D(2026, 10, 15)),  # last month's first days, as many as this month has had
    ("上个周末", D(2026, 11, 7), D(2026, 11, 8)),  # was asked back over 「末」: the Saturday and Sunday
    ("上周末", D(2026, 11, 7), D(2026, 11, 8)),
    ("本周末", D(2026, 11, 14), D(2026, 11, 15)),
    ("last weekend", D(2026, 11, 7), D(2026, 11, 8)),
    ("第40周", D(2026, 9, 28), D(2026, 10, 4)),
    ("今年第45周", D(2026, 11, 2), D(2026, 11, 8)),
    ("2025年第1周", D(2024, 12, 30), D(2025, 1, 5)),  # ISO: the week with the year's first Thursday
    ("week 40 of 2025", D(2025, 9, 29), D(2025, 10, 5)),
    ("前天", D(2026, 11, 13), D(2026, 11, 13)),
    ("from oct 1 to oct 7", D(2026, 10, 1), D(2026, 10, 7)),
    ("oct 1-7", D(2026, 10, 1), D(2026, 10, 7)),
    ("between oct 25 and nov 3", D(2026, 10, 25), D(2026, 11, 3)),
    # spans of months and quarters (span_rules): 去年11月到今年2月 was refused as two periods
    ("去年11月到今年2月", D(2025, 11, 1), D(2026, 2, 28)),
    ("2025年11月至2026年2月", D(2025, 11, 1), D(2026, 2, 28)),
    ("2023年12月到2024年2月", D(2023, 12, 1), D(2024, 2, 29)),
    ("今年二季度到三季度", D(2026, 4, 1), D(2026, 9, 30)),
    ("去年第二到第四季度", D(2025, 4, 1), D(2025, 12, 31)),
    ("Q2到Q3", D(2026, 4, 1), D(2026, 9, 30)),
    ("2025年Q4到2026年Q1", D(2025, 10, 1), D(2026, 3, 31)),
    ("去年三季度到今年一季度", D(2025, 7, 1), D(2026, 3, 31)),
    ("from Q2 to Q3 2025", D(2025, 4, 1), D(2025, 9, 30)),
    ("截至10月累计", D(2026, 1, 1), D(2026, 10, 31)),  # 截至10月累计出账收入 offered October alone
    ("今年截至9月底的累计", D(2026, 1, 1), D(2026, 9, 30)),
    ("2025年截至6月为止", D(2025, 1, 1), D(2025, 6, 30)),
    ("through september", D(2026, 1, 1), D(2026, 9, 30)),  # was September alone (hunt 11)
    ("up to the end of october 2025", D(2025, 1, 1), D(2025, 10, 31)),
    ("from july through september", D(2026, 7, 1), D(2026, 9, 30)),
    ("截至10月今年累计", D(2026, 1, 1), D(2026, 10, 31)),  # the year after the month (hunt 10: two periods)
    ("截至6月底去年的累计", D(2025, 1, 1), D(2025, 6, 30)),
    ("本季度至今", D(2026, 10, 1), D(2026, 11, 15)),  # hunt 5: 至今 was not read
    ("本月以来", D(2026, 11, 1), D(2026, 11, 15)),
    ("10月下半月", D(2026, 10, 16), D(2026, 10, 31)),  # parts of a month (hunt 10): were not read
    ("上个月前10天", D(2026, 10, 1), D(2026, 10, 10)),
    ("10月最后一天", D(2026, 10, 31), D(2026, 10, 31)),
    ("2月最后3天", D(2026, 2, 26), D(2026, 2, 28)),  # 2026 is no leap year
    ("2024年2月最后1天", D(2024, 2, 29), D(2024, 2, 29)),
    ("本月截至昨天", D(2026, 11, 1), D(2026, 11, 14)),  # were two periods, 本月 and 昨天 (hunt 10)
    ("截至昨天今年的", D(2026, 1, 1), D(2026, 11, 14)),
    ("本周至昨天", D(2026, 11, 9), D(2026, 11, 14)),
    ("月初至今", D(2026, 11, 1), D(2026, 11, 15)),  # hunt 10: 今销售额 was read as a typo of 净销售额
    ("季初至今", D(2026, 10, 1), D(2026, 11, 15)),
    ("上半年累计", D(2026, 1, 1), D(2026, 6, 30)),  # 年累计 inside 半年累计 is no second period
    ("上年累计", D(2025, 1, 1), D(2025, 12, 31)),  # was this year to date
    ("当年累计", D(2026, 1, 1), D(2026, 11, 15)),
    ("今年h1", D(2026, 1, 1), D(2026, 6, 30)),  # H1 inside a Chinese sentence
    ("去年h2", D(2025, 7, 1), D(2025, 12, 31)),
])
def test_a_span_of_days_is_those_days(text, start, end):
    assert period(text) == (start, end)


@pytest.mark.parametrize("text", ["增长10.5", "10.1", "1.5-2.0倍", "毛利率在1.2-1.8之间", "单价1.5-3元", "1.2-1.8倍",
                                  "排名第1", "第54周", "2月30日到3月2日", "1月5日到3日"])
def test_numbers_ranks_and_impossible_days_are_not_spans(text):
    assert not any(m.window.kind == "date" and m.window.days > 1 for m in find_time(normalise_numbers(text), AS_OF))


@pytest.mark.parametrize("text", ["增长2到3倍", "2到3个门店", "排名2到3名", "今年3季度到2季度"])
def test_numbers_and_backward_spans_are_no_quarters(text):
    spans = [m for m in find_time(normalise_numbers(text.lower()), AS_OF) if m.end - m.start > 4]
    assert not spans, [text[m.start:m.end] for m in spans]


def test_so_far_without_today_on_the_periods_first_day_is_no_span():
    monday = dt.date(2026, 11, 9)
    assert not any(m.window.kind == "date" for m in find_time("本周截至昨天", monday))
    assert not any(m.window.kind == "date" for m in find_time("本月截至昨天", dt.date(2026, 11, 1)))
