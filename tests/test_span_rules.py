"""Spans of months and quarters: 去年11月到今年2月 was refused as two periods, 今年二季度到三季度 asked
back over 「3、季度」."""

import datetime as dt

import pytest

from chatbi.pipeline.timeparse import find_time, normalise_numbers
from tests.test_day_rules import AS_OF, period

D = dt.date


@pytest.mark.parametrize(("text", "start", "end"), [
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
    ("本季度至今", D(2026, 10, 1), D(2026, 11, 15)),  # hunt 5: 至今 was not read
    ("本月以来", D(2026, 11, 1), D(2026, 11, 15)),
    ("今年h1", D(2026, 1, 1), D(2026, 6, 30)),  # H1 inside a Chinese sentence
    ("去年h2", D(2025, 7, 1), D(2025, 12, 31)),
])
def test_a_span_of_months_or_quarters_is_those_months(text, start, end):
    assert period(text) == (start, end)


@pytest.mark.parametrize("text", ["增长2到3倍", "2到3个门店", "排名2到3名", "今年3季度到2季度"])
def test_numbers_and_backward_spans_are_no_quarters(text):
    spans = [m for m in find_time(normalise_numbers(text.lower()), AS_OF) if m.end - m.start > 4]
    assert not spans, [text[m.start:m.end] for m in spans]
