"""A year said of an event a dimension dates (2025年开业的门店, 2024年起承保, "opened since 2024") is a
condition on that dimension, never the metric's period; and a bound said against last year (超过去年)
is a comparison, not a second period."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.pipeline.event_years import event_words

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture()
def retail(small_retail):
    return small_retail


def scalar(warehouse, sql):
    return warehouse.execute(sql).rows[0][0]


def test_event_words_come_from_the_year_dimensions_names():
    words = event_words({"store_open_year": ["开业年份", "哪年开业", "year opened"], "birth": ["出生年份"],
                         "fiscal": ["财年"]})
    assert words == {"开业": "store_open_year", "opened": "store_open_year", "出生": "birth"}


@pytest.mark.parametrize(("question", "op", "year"), [
    ("列出2024年起开业的门店", ">=", 2024),
    ("列出2020年以前开业的门店", "<", 2020),
    ("list the stores opened since 2024", ">=", 2024),
    ("list the stores opened before 2020", "<", 2020),
])
def test_a_listing_of_stores_opened_in_a_range_lists_only_those(retail, question, op, year):
    bi, warehouse = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.op, f.values) for f in answer.interpretation.filters] == [("store_open_year", op, [year])]
    sign = {">=": ">=", "<": "<"}[op]
    expected = scalar(warehouse, f"select count(*) from dim_store where year(open_date) {sign} {year}")
    assert 0 < len(answer.rows) == expected  # was every store, the year read as nothing at all
    assert ("≥" if op == ">=" else "<") + str(year) in answer.message


def test_sales_of_stores_opened_before_a_year_is_their_sales_in_the_period_asked(retail):
    bi, warehouse = retail
    answer = bi.ask("2020年以前开业的门店今年的销售额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert (answer.interpretation.time_range.start, answer.interpretation.time_range.end) == \
        (dt.date(2026, 1, 1), AS_OF)  # 2020年 is the stores' year, not the period
    expected = scalar(warehouse, """select sum(l.sales_amount) from fact_order_line l join fact_order o using (order_id)
        join dim_store s using (store_id) where year(s.open_date) < 2020 and o.order_status <> '已取消'
        and o.order_date between date '2026-01-01' and date '2026-11-15'""")
    assert float(answer.rows[0][0]) == pytest.approx(float(expected))


@pytest.mark.parametrize("question", ["2024年以后开业的门店今年的销售额", "列出2024年之后开业的门店"])
def test_after_a_year_asks_whether_the_year_itself_is_in(retail, question):
    bi, _ = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "open_year", answer.message
    assert [[(f.op, f.values) for f in c.interpretation.filters] for c in answer.candidates] == \
        [[(">=", [2024])], [(">", [2024])]]


def test_more_than_last_year_is_a_growth_condition(retail):
    """今年销售额超过去年的大区 was refused as two periods (今年 and 过去年)."""
    bi, _ = retail
    answer = bi.ask("今年销售额超过去年的大区", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert [(h.metric, h.op, h.value, h.of) for h in query.having] == [("sales", ">", 0, "yoy")]
    assert [g.dimension for g in query.group_by] == ["region"]
    cols = [c["name"] for c in answer.columns]
    now, before = cols.index("sales"), cols.index("sales__yoy_prev")
    assert answer.rows and all(row[now] > row[before] for row in answer.rows)


def test_a_year_of_the_metrics_own_date_is_its_period(small_insurance):
    """2025年起保的保单数 answered 0: this year so far, of policies that took effect in 2025 (so did the
    same beside 保费, and by month)."""
    bi, warehouse = small_insurance
    expected = scalar(warehouse, "select count(*) from policy where year(effective_date) = 2025")
    for question in ("2025年起保的保单数", "承保年度为2025的保单数", "2025年起保的保单数和保费", "2025年起保的保单数，按月"):
        answer = bi.ask(question, as_of=AS_OF)
        assert answer.status == "answered", answer.message
        rng = answer.interpretation.time_range
        assert (rng.start, rng.end) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        col = [c["name"] for c in answer.columns].index("policies")
        assert sum(r[col] or 0 for r in answer.rows) == expected > 0


@pytest.mark.parametrize(("question", "period", "of", "op"), [
    ("上个月销售额低于上上个月的门店", (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "mom", "<"),
    ("上个月销售额比上上个月少的门店", (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "mom", "<"),
    ("去年销售额超过前年的大区", (dt.date(2025, 1, 1), dt.date(2025, 12, 31)), "yoy", ">"),
    ("which regions had lower sales this year than last year?", (dt.date(2026, 1, 1), AS_OF), "yoy", "<"),
    ("regions whose sales last month were higher than the previous month",
     (dt.date(2026, 10, 1), dt.date(2026, 10, 31)), "mom", ">"),
])
def test_the_period_before_the_one_asked_is_its_comparison(retail, question, period, of, op):
    """上个月…低于上上个月 was refused as two periods; it is last month against the month before."""
    bi, _ = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert (query.time_range.start, query.time_range.end) == period
    assert [(h.of, h.op, h.value) for h in query.having] == [(of, op, 0)]


def test_a_period_before_one_not_asked_is_still_two_periods(retail):
    bi, _ = retail
    assert bi.ask("本月销售额低于上上个月的门店", as_of=AS_OF).status == "refused"


def test_the_unit_of_the_metric_after_a_bound_is_part_of_it(small_insurance):
    """超过30天 of 平均结案天数 (unit 天) was left unexplained; 天 after a count of claims is not its unit."""
    bi, _ = small_insurance
    answer = bi.ask("今年平均结案天数超过30天的出险原因", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(h.metric, h.op, h.value) for h in answer.interpretation.having] == [("avg_days_to_settle", ">", 30)]
    assert bi.ask("今年报案件数超过30天的出险原因", as_of=AS_OF).status == "clarify"


PREMIUM_OF_YEAR = """select sum(a.amount) from policy_amount a join policy p using (policy_id)
    where a.amount_type = 'PREM' and a.booked_date between date '2026-01-01' and date '2026-11-15'
    and year(p.effective_date) {condition}"""


@pytest.mark.parametrize(("question", "op", "condition"), [
    ("2026年以前承保的保单今年的保费", "<", "< 2026"),
    ("2026年前承保的保单今年的保费", "<", "< 2026"),
    ("premium this year on policies written in 2026", "=", "= 2026"),
    ("premium this year on policies written before 2026", "<", "< 2026"),
])
def test_the_things_a_year_condition_is_on_are_no_count_beside_the_metric(small_insurance, question, op, condition):
    """…承保的保单今年的保费 left 保单 unexplained, 2026年前 was no bound, and "policies written in 2026"
    added a count of policies and read in 2026 as a second period."""
    bi, warehouse = small_insurance
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert query.metrics == ["premium"]
    assert [(f.dimension, f.op, [int(v) for v in f.values]) for f in query.filters] == [("underwriting_year", op, [2026])]
    assert (query.time_range.start, query.time_range.end) == (dt.date(2026, 1, 1), AS_OF)
    expected = scalar(warehouse, PREMIUM_OF_YEAR.format(condition=condition))
    assert float(answer.rows[0][0]) == pytest.approx(float(expected))


def test_the_things_asked_alone_are_their_count(small_insurance):
    bi, warehouse = small_insurance
    answer = bi.ask("2026年承保的保单有多少", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.metrics == ["policies"]
    assert answer.rows[0][0] == scalar(warehouse, "select count(*) from policy where year(effective_date) = 2026")
    assert bi.ask("2025年后承保的保单数", as_of=AS_OF).reason == "open_year"  # 后: is 2025 itself in?


def test_a_year_condition_before_the_data_is_no_zero(small_insurance):
    """2025年以前承保的保单今年的保费 answered 0.00元: the data holds no policy from before 2025, which
    says nothing about such policies. Reaching partly before the data, the answer says what it holds."""
    bi, warehouse = small_insurance
    first = scalar(warehouse, "select min(year(effective_date)) from policy")
    answer = bi.ask(f"{first}年以前承保的保单今年的保费", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "before_data", answer.message
    assert str(first) in answer.message
    answer = bi.ask(f"{first + 1}年以前承保的保单今年的保费", as_of=AS_OF)
    assert answer.status == "answered" and f"最早的承保年度为 {first}" in answer.message
    answer = bi.ask(f"{first}年承保的保单今年的保费", as_of=AS_OF)
    assert answer.status == "answered" and "最早" not in answer.message
