"""A period before the data begins is not answered with the zero "no rows matched" gives: it is
refused with the day the data begins, cut to that day (and said), or its comparison is left out."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.conftest import TEST_AS_OF


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)


@pytest.fixture(scope="module")
def first_day(demo_warehouse) -> dt.date:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        return con.execute("SELECT min(activation_date) FROM fact_activation").fetchone()[0]


def test_a_year_before_the_data_is_refused_with_the_day_the_data_begins(bi, first_day):
    answer = bi.ask("2020年新增用户数", as_of=TEST_AS_OF)
    assert answer.status == "refused" and answer.reason == "before_data"
    assert f"数据从 {first_day} 开始" in answer.message and not answer.rows


def test_a_trend_reaching_before_the_data_starts_where_the_data_does(bi, first_day):
    answer = bi.ask("2023年以来每季度新增用户数", as_of=TEST_AS_OF)
    assert answer.status == "answered" and answer.message.startswith(f"（数据从 {first_day} 开始")
    periods = [row[0] for row in answer.rows]
    assert min(periods) >= first_day.replace(month=1, day=1) and all(row[1] > 0 for row in answer.rows)
    assert answer.interpretation.time_range.start == first_day


def test_a_comparison_with_a_period_before_the_data_is_left_out_and_said(bi, first_day):
    answer = bi.ask(f"{first_day.year}年{first_day.month}月新增用户数同比", as_of=TEST_AS_OF)
    assert answer.status == "answered" and "未计算同比" in answer.message
    assert not [c for c in answer.columns if c["kind"] == "comparison"]  # no 去年同期 of 0
    condition = bi.ask(f"{first_day.year}年{first_day.month}月新增用户数同比增长超过10%的地市", as_of=TEST_AS_OF)
    assert condition.status == "refused" and condition.reason == "compared_before_data"


def test_a_comparison_within_the_data_is_computed(bi):
    answer = bi.ask("上个月新增用户数同比", as_of=TEST_AS_OF)
    assert answer.status == "answered" and [c for c in answer.columns if c["kind"] == "comparison"]


def test_all_data_is_from_the_day_the_data_begins_to_the_reference_date(bi, first_day, demo_warehouse):
    answer = bi.ask("有史以来新增用户数", as_of=TEST_AS_OF)
    assert answer.status == "answered" and answer.interpretation.time_range.start == first_day
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (want,), = con.execute("SELECT count(*) FROM fact_activation WHERE activation_date <= ?",
                               [TEST_AS_OF]).fetchall()
    assert answer.rows[0][0] == want and "1900" not in answer.message


def test_a_metric_whose_default_window_is_all_data(demo_warehouse, first_day, tmp_path):
    from metric_catalog.loader import DEMO_CATALOG

    text = DEMO_CATALOG.read_text(encoding="utf-8")
    start = text.index("  new_subscribers:")
    head, tail = text[:start], text[start:]
    tail = tail.replace("default_window: current_month", "default_window: all", 1)
    path = tmp_path / "catalog.yaml"
    path.write_text(head + tail, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.metrics["new_subscribers"].default_window == "all"
    answer = ChatBI(catalog, connect(str(demo_warehouse)), use_model=False).ask("新增用户数", as_of=TEST_AS_OF)
    assert answer.status == "answered" and answer.interpretation.time_range.start == first_day


def test_what_a_change_compares_with_and_a_part_period_are_said(bi):
    mom = bi.ask("本月新增用户数环比", as_of=TEST_AS_OF)  # 15 days of November against October's first 15
    assert mom.status == "answered" and "环比对比 2026-10-01 至 2026-10-15" in mom.message
    yoy = bi.ask("上个月新增用户数同比", as_of=TEST_AS_OF)
    assert "同比对比 2025-10-01 至 2025-10-31" in yoy.message
    trend = bi.ask("今年每月新增用户数", as_of=TEST_AS_OF)  # November has 15 days of data, not a cliff
    assert "最后一期只含 2026-11-01 至 2026-11-15 的数据" in trend.message
    whole = bi.ask("今年前10个月每月新增用户数", as_of=TEST_AS_OF)
    assert "最后一期" not in whole.message


@pytest.mark.parametrize("question, before", [
    ("new subscribers this month vs last month", ("2026-10-01", "2026-10-15")),
    ("本季度新增用户数环比", ("2026-07-01", "2026-08-15")),
    ("近30天新增用户数环比", ("2026-09-17", "2026-10-16")),  # no calendar period: the days just before
])
def test_a_period_so_far_is_compared_with_the_same_days_of_the_period_before(bi, demo_warehouse, question, before):
    answer = bi.ask(question, as_of=TEST_AS_OF)
    start, end = answer.interpretation.time_range.start, answer.interpretation.time_range.end
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        def count(lo, hi):
            return con.execute("SELECT count(*) FROM fact_activation WHERE activation_date BETWEEN ? AND ?",
                               [lo, hi]).fetchone()[0]
        now, then = count(start, end), count(*before)
    assert answer.status == "answered" and tuple(answer.rows[0][:2]) == (now, then)
    assert f"{before[0]} 至 {before[1]}" in answer.message


def test_a_rates_change_is_said_in_percent_and_in_percentage_points(bi):
    answer = bi.ask("上个月离网率环比", as_of=TEST_AS_OF)
    cur, prev, points, change = answer.rows[0]
    assert points == pytest.approx(cur - prev)  # the change itself, in the rate's own unit
    assert f"离网率(上期) {prev * 100:.2f}%" in answer.message  # a value, not a signed change
    assert f"离网率环比 {change * 100:+.1f}%（{(cur - prev) * 100:+.2f}个百分点）" in answer.message
    assert "churn rate vs previous period" in answer.message_en
