"""Two periods asked together (hunt 3): 今年和去年同期新增用户对比 answered only last year's number (the
去年同期 moved the period back a year); 9月和10月各地市, Q2和Q3, 本周和上周 were refused as two periods.
The later period is answered, against the other as its 同比 / 环比, with the other's value beside."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(demo_warehouse)), use_model=False)


def value(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    return answer.rows[0][-1]


@pytest.mark.parametrize(("question", "kind", "now", "before"), [
    ("今年和去年同期新增用户对比", "yoy", "今年新增用户", "2025年1月1日到11月15日新增用户"),
    ("上个月和去年同期的新增用户", "yoy", "上个月新增用户", "去年10月新增用户"),
    ("9月和10月新增用户", "mom", "10月新增用户", "9月新增用户"),
    ("Q2和Q3的宽带新装量", "mom", "Q3的宽带新装量", "Q2的宽带新装量"),
    ("本周和上周新增用户", "mom", "本周新增用户", "上周新增用户"),
    ("Q2 and Q3 broadband installs", "mom", "Q3的宽带新装量", "Q2的宽带新装量"),  # was April-September summed
    ("上个月末和去年同期的在网用户数", "yoy", "上个月末在网用户数", "去年10月末在网用户数"),  # was last year's only
    # a year said once dates both periods (were refused as three periods)
    ("今年Q2和Q3新增用户", "mom", "2026年Q3新增用户", "2026年Q2新增用户"),
    ("去年10月和9月新增用户对比", "mom", "2025年10月新增用户", "2025年9月新增用户"),
    ("今年上半年和去年上半年新增用户", "yoy", "2026年上半年新增用户", "2025年上半年新增用户"),
    # the year said after the second (English order) dates both: H1 was this year's (hunt 9)
    ("H1 vs H2 2025 new subscribers", "mom", "2025年下半年新增用户", "2025年上半年新增用户"),
    ("Q2 vs Q3 2025 new subscribers", "mom", "2025年Q3新增用户", "2025年Q2新增用户"),
    ("H1 vs H2 last year new subscribers", "mom", "2025年下半年新增用户", "2025年上半年新增用户"),  # hunt 11: H1 was 2026's
    ("September vs October 2025 new subscribers", "mom", "2025年10月新增用户", "2025年9月新增用户"),
    ("去年Q4和今年Q1新增用户对比", "mom", "2026年Q1新增用户", "2025年Q4新增用户"),
    ("上周和上上周新增用户对比", "mom", "上周新增用户", "上上周新增用户"),  # were two periods (hunt 6)
    ("本月新增用户和上月同期比", "mom", "本月新增用户", "上月同期新增用户"),  # hunt 7
    ("10月末和9月末的在网用户数", "mom", "10月末在网用户数", "9月末在网用户数"),  # two month ends (hunt 8)
    ("今年国庆和去年国庆新增用户对比", "yoy", "今年国庆新增用户", "去年国庆新增用户"),
    # the period said before its metric: was last year's year to date alone (hunt 10)
    ("今年累计新增用户和去年同期累计对比", "yoy", "今年新增用户", "2025年1月1日到11月15日新增用户"),
    # 比上月 after a month is against the month before it: was this month so far against October's half
    ("9月新增用户比上月增长多少", "mom", "9月新增用户", "8月新增用户"),
    ("本月和去年同月的新增用户对比", "yoy", "本月新增用户", "去年同期新增用户"),  # were two periods (hunt 10)
    ("今年前10个月和去年前10个月的新增用户对比", "yoy", "今年前10个月新增用户", "去年前10个月新增用户"),  # two periods
    ("9月末在网用户数比上月底多了多少", "mom", "9月末在网用户数", "8月末在网用户数"),
])
def test_two_periods_together_are_the_later_against_the_other(bi, question, kind, now, before):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == [kind], answer.message
    assert answer.rows[0][:2] == [value(bi, now), value(bi, before)]


def test_last_years_same_period_alone_is_still_that_period(bi):
    answer = bi.ask("去年同期的新增用户", as_of=AS_OF)
    assert answer.status == "answered" and not answer.interpretation.comparisons
    assert str(answer.interpretation.time_range.start) == "2025-11-01"


@pytest.mark.parametrize("question", ["6月和10月新增用户", "9月新增用户，10月离网用户",
                                      "10月和11月新增用户", "2025年和2026年新增用户",  # a period not over yet (hunt 4)
                                      "9月和10月的新增用户合计", "9月和10月每天的新增用户"])  # both meant, not compared
def test_periods_that_are_not_one_before_the_other_are_not_compared(bi, question):
    assert bi.ask(question, as_of=AS_OF).status != "answered"


@pytest.mark.parametrize("question", ["国庆期间新增用户", "new subscribers during golden week"])
def test_national_day_is_the_catalogs_calendar_days(bi, question):
    """国庆期间新增用户 was asked back over 「国庆」 (hunt 3), "during" too: the catalog's calendar names its days."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    span = answer.interpretation.time_range
    assert (str(span.start), str(span.end)) == ("2026-10-01", "2026-10-07")
    assert answer.rows[0][-1] == value(bi, "2026年10月1日到10月7日新增用户")


@pytest.mark.parametrize("question", ["今年哪个月新增用户最多", "今年新增用户最多的月份"])
def test_which_month_ranks_the_months(bi, question):
    """哪个月新增用户最多 offered cities (hunt 3): the months are what is ranked."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    months = bi.ask("今年每月新增用户", as_of=AS_OF).rows
    best = max(months, key=lambda r: r[-1])
    assert answer.rows == [best]


@pytest.mark.parametrize(("question", "trend", "last"), [
    ("今年哪个月新增用户最少", "今年每月新增用户", "2026-10-01"),  # November's 15 days were the least
    ("今年哪个季度新增用户最少", "今年每季度新增用户", "2026-07-01"),
    ("上个月新增用户最多的一天", "上个月每天新增用户", "2026-10-31"),  # 「1、天」 was asked back
    ("上个月哪一天新增用户最少", "上个月每天新增用户", "2026-10-31"),
])
def test_periods_are_ranked_whole(bi, question, trend, last):
    """A ranking of periods compares whole periods only: half a month is not the month with the fewest."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    rows = [r for r in bi.ask(trend, as_of=AS_OF).rows if str(r[0]) <= last]
    best = (min if "最少" in question else max)(rows, key=lambda r: r[-1])
    assert [r[-1] for r in answer.rows] == [best[-1]] and str(answer.rows[0][0]) == str(best[0])


def test_average_said_of_a_metric_that_is_an_average(bi):
    """平均考核得分 was asked back over 「平均」 (hunt 3): the score is already a mean."""
    answer = bi.ask("上个月杭州自营厅平均考核得分", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.rows[0][-1] == value(bi, "上个月杭州自营厅考核得分")


def test_no_group_meeting_a_condition_says_the_condition(bi):
    """环比增长最快的地市 when every city fell said 「没有符合条件的数据」 (hunt 3): no city grew."""
    answer = bi.ask("上个月新增用户超过100万的地市", as_of=AS_OF)
    assert answer.status == "answered" and not answer.rows
    assert "没有满足条件" in answer.message and "地市" in answer.message and "1,000,000" in answer.message


def test_a_unit_after_a_number_is_no_breakdown_by_period(small_insurance):
    """超过30天的 read 天 as 'by day' once 哪天 ranked days (the insurance blind set caught it)."""
    bi, _ = small_insurance
    answer = bi.ask("今年平均结案天数超过30天的出险原因", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.time_group is None, answer.message


def test_a_fault_in_one_question_is_a_refusal_not_a_lost_batch(bi, monkeypatch):
    """A compiler fault (国庆期间的客房收入 on the hotel catalog) raised out of ask() and killed the CLI
    run, losing every later question of the batch."""
    def broken(*args, **kwargs):
        raise AssertionError("At least two expressions are required by union")

    monkeypatch.setattr(bi.decider, "decide", broken)
    answer = bi.ask("上个月新增用户", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "internal_error" and "出错" in answer.message


def test_the_total_of_a_top_n_when_asked(bi):
    """前三的地市合计 gave three rows and no total (hunt 3, 4): the rows' total is said."""
    answer = bi.ask("上个月新增用户前三的地市合计", as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 3, answer.message
    total = sum(r[1] for r in answer.rows)  # city, new subscribers, place
    assert f"这 3 个合计 {total:,}户" in answer.message
    assert "合计" not in bi.ask("上个月新增用户前三的地市", as_of=AS_OF).message


@pytest.mark.parametrize(("question", "op"), [("上个月欠费用户数高于平均的地市", ">"), ("上个月欠费用户数低于平均的地市", "<")])
def test_above_the_average_of_a_distinct_count_is_the_mean_of_the_groups(bi, question, op):
    """欠费用户数高于平均的地市 compared each city with the whole province's distinct count (5,200): no
    city was above it, every city below (hunt 5). The average of the cities is their mean."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    cities = {r[0]: r[-1] for r in bi.ask("上个月各地市欠费用户数", as_of=AS_OF).rows if r[0] is not None}
    mean = sum(cities.values()) / len(cities)
    expected = {c for c, v in cities.items() if (v > mean if op == ">" else v < mean)}
    assert {r[0] for r in answer.rows} == expected and 0 < len(expected) < len(cities)


def test_an_exclusion_beside_the_answer_is_not_said_of_it(bi):
    """除杭州外新增用户最多的地市 said 「不含杭州、宁波：…」 of 宁波, the answer (hunt 5)."""
    answer = bi.ask("上个月除杭州外新增用户最多的地市", as_of=AS_OF)
    assert answer.status == "answered" and answer.rows[0][0] != "杭州", answer.message
    assert f"{answer.rows[0][0]}（不含杭州）：" in answer.message


@pytest.mark.parametrize(("question", "start", "end"), [("今年6月18日到20日新增用户", "2026-06-18", "2026-06-20"),
                                                       ("去年6月18日到20日新增用户", "2025-06-18", "2025-06-20")])
def test_a_year_said_before_a_span_of_days_dates_it(bi, question, start, end):
    """今年6月18日到20日 was refused as two periods (hunt 6): the year said right before dates the span."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    span = answer.interpretation.time_range
    assert (str(span.start), str(span.end)) == (start, end)


def test_the_largest_fall_by_amount_ranks_the_cities_by_how_many_fewer(bi, demo_warehouse):
    """环比下降最多的3个地市 was offered by the rate only, "by the amount not supported" (hunt 8): the
    amount reading ranks by the difference itself, and the headline says it in the metric's unit."""
    answer = bi.ask("上个月新增用户环比下降最多的3个地市", as_of=AS_OF)
    assert answer.status == "clarify" and len(answer.candidates) == 2, answer.message
    by_amount = answer.candidates[1].interpretation
    assert by_amount.order_by[0].field == "new_subscribers__mom_change"
    shown = bi.run(by_amount, as_of=AS_OF)
    truth = connect(str(demo_warehouse)).execute("""SELECT city, cur - prev FROM (
        SELECT ci.city_name AS city,
               COUNT(*) FILTER (WHERE f.activation_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31') AS cur,
               COUNT(*) FILTER (WHERE f.activation_date BETWEEN DATE '2026-09-01' AND DATE '2026-09-30') AS prev
        FROM fact_activation f JOIN dim_channel ch ON ch.channel_id = f.channel_id
        JOIN dim_city ci ON ci.city_id = ch.city_id GROUP BY 1) t WHERE cur < prev ORDER BY 2 LIMIT 3""").rows
    change = [c["name"] for c in shown.columns].index("new_subscribers__mom_change")
    assert [(r[0], r[change]) for r in shown.rows] == [tuple(t) for t in truth]
    assert f"是{truth[0][0]}（{truth[0][1]}户）" in shown.message, shown.message


def test_a_fall_said_as_its_size_ranks_by_the_rate(bi):
    """降幅最大 / 增幅最大 say the change as a rate (幅度): answered by it, never asked rate or amount."""
    answer = bi.ask("上个月新增用户环比降幅最大的3个地市", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.order_by[0].field == "new_subscribers__mom"
    rates = [r[-2] for r in answer.rows]
    assert rates == sorted(rates) and all(r < 0 for r in rates)


@pytest.mark.parametrize("question", ["上年累计新增用户", "去年累计新增用户"])
def test_last_years_running_total_is_last_year_not_this_years(bi, question):
    # 年累计 inside 上年累计 read as this year to date: 2026's number for "last year" (hunt 10)
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and str(answer.interpretation.time_range.start) == "2025-01-01"
    assert answer.rows[0][-1] == value(bi, "2025年新增用户")


def test_same_period_last_year_running_total_asks_from_when_in_last_year(bi):
    # was the same month to date of last year; 累计 there means from a start the question leaves open
    answer = bi.ask("去年同期累计新增用户", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "cumulative_needs_period"
    assert {(str(c.interpretation.time_range.start), str(c.interpretation.time_range.end))
            for c in answer.candidates} == {("2025-01-01", "2025-11-15")}
