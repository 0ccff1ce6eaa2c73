"""Readings the insurance blind set 3 found wrong or asked back: values listed with 或 are one total,
with 和 beside another breakdown the question is asked; "which one" is the first place; a 个 after 每
counts what follows; 今年上半年 is one period; a table's data may begin before its first event."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2026, 11, 15)
PREMIUM = """select p.product_line, sum(a.amount) from policy_amount a join policy p using (policy_id)
    where a.amount_type = 'PREM' and a.booked_date between date '{start}' and date '{end}' group by 1"""


@pytest.fixture()
def ins(small_insurance):
    return small_insurance


def premium_by_line(warehouse, start="2026-01-01", end="2026-11-15"):
    return {r[0]: float(r[1]) for r in warehouse.execute(PREMIUM.format(start=start, end=end)).rows}


@pytest.mark.parametrize("question", ["车险或健康险今年的保费", "motor or health premium this year"])
def test_values_joined_by_or_are_one_total_of_either(ins, question):
    bi, warehouse = ins
    each = premium_by_line(warehouse)
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 1, answer.message
    assert float(answer.rows[0][-1]) == pytest.approx(each["车险"] + each["健康险"])


@pytest.mark.parametrize("question", ["今年车险或健康险的保费分别是多少", "车险或健康险今年哪个保费最高"])
def test_values_joined_by_or_stay_apart_when_each_or_a_choice_is_said(ins, question):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in answer.interpretation.group_by] == ["product_line"]


def test_values_joined_by_and_stay_side_by_side(ins):
    bi, warehouse = ins
    each = premium_by_line(warehouse)
    answer = bi.ask("车险和健康险今年的保费", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert {r[0]: float(r[1]) for r in answer.rows} == pytest.approx({k: each[k] for k in ("车险", "健康险")})


def test_values_listed_beside_another_breakdown_ask_each_or_together(ins):
    """意外险和健康险的报案件数按出险原因分: a row per line and cause, or the two lines together per cause?"""
    bi, _ = ins
    answer = bi.ask("今年意外险和健康险的报案件数按出险原因分", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "each_or_together", answer.message
    assert "意外险、健康险" in answer.message
    groupings = [[g.dimension for g in c.interpretation.group_by] for c in answer.candidates]
    assert sorted(map(sorted, groupings)) == [["claim_cause"], ["claim_cause", "product_line"]]
    assert all(c.interpretation.filters[0].values == ["意外险", "健康险"] for c in answer.candidates)


@pytest.mark.parametrize("question", ["今年意外险和健康险的报案件数按出险原因分别是多少",
                                      "今年意外险和健康险各自的报案件数按出险原因分"])
def test_values_said_each_are_a_row_each(ins, question):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert {g.dimension for g in answer.interpretation.group_by} == {"claim_cause", "product_line"}


@pytest.mark.parametrize("question", ["今年保费最高的分公司是哪个", "哪个分公司今年保费最高",
                                      "which branch had the highest premium this year"])
def test_which_one_is_the_first_place(ins, question):
    bi, warehouse = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.limit == 1
    top = warehouse.execute("""select p.branch from policy_amount a join policy p using (policy_id)
        where a.amount_type = 'PREM' and a.booked_date between date '2026-01-01' and date '2026-11-15'
        group by 1 order by sum(a.amount) desc limit 1""").rows[0][0]
    assert [r[0] for r in answer.rows] == [top]


@pytest.mark.parametrize("question", ["which branches had the highest premium this year",
                                      "which product lines had the highest premium this year",
                                      "今年哪个分公司保费最高，哪个最低"])
def test_which_ones_are_the_whole_ranking(ins, question):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.limit is None and len(answer.rows) > 1


def test_the_counter_after_each_is_not_the_start_of_a_value(ins):
    """每个险种: 个险 (a synonym of the individual holders) is not said there."""
    bi, _ = ins
    answer = bi.ask("今年每个险种报案件数最多的两个出险原因", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.filters == []
    assert answer.interpretation.top_within.within == ["product_line"]
    assert bi.ask("今年个险的保费", as_of=AS_OF).interpretation.filters[0].values == ["个人"]


@pytest.mark.parametrize(("question", "start", "end"), [
    ("今年上半年的保费", "2026-01-01", "2026-06-30"), ("H1 this year premium", "2026-01-01", "2026-06-30"),
    ("二季度的保费", "2026-04-01", "2026-06-30"), ("去年四季度的保费", "2025-10-01", "2025-12-31"),
])
def test_a_year_said_with_its_half_or_quarter_is_one_period(ins, question, start, end):
    bi, warehouse = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert float(answer.rows[0][0]) == pytest.approx(sum(premium_by_line(warehouse, start, end).values()))


def test_a_monthly_average_from_the_day_the_catalog_says_the_data_begins(ins):
    """The first claim is reported days after 1 January; the catalog says the data begins then, so
    last year's monthly average is over its twelve months, not refused as a part month."""
    bi, warehouse = ins
    assert warehouse.execute("select min(reported_date) from claim").rows[0][0] > dt.date(2025, 1, 1)
    answer = bi.ask("去年各险种月均报案件数", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.message.startswith("2025-01-01 至 2025-12-31，月均报案件数")
    gold = {r[0]: r[1] / 12 for r in warehouse.execute("""select p.product_line, count(*) from claim c
        join policy p using (policy_id) where c.reported_date between date '2025-01-01' and date '2025-12-31'
        group by 1""").rows}
    assert {r[0]: float(r[1]) for r in answer.rows} == pytest.approx(gold)
    assert bi.ask("2024年的报案件数", as_of=AS_OF).status == "refused"  # before the data still says nothing


def test_a_word_that_begins_one_metric_only_is_evidence_for_it(ins):
    bi, _ = ins
    vocab = bi.vocabulary
    assert vocab.metrics_prefixed(["报案"]) == {"claims"}
    assert vocab.metrics_prefixed(["出单"]) == {"policies"}
    assert vocab.metrics_prefixed(["报案金额"]) == set()  # no term begins so: no evidence


@pytest.mark.parametrize("question", ["2025年承保的保单有多少张", "2025年承保的保单有多少件"])
def test_a_counter_after_how_many_is_said_of_a_count(ins, question):
    bi, warehouse = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.rows[0][-1] == warehouse.execute(
        "select count(*) from policy where year(effective_date) = 2025").rows[0][0]


def test_a_counter_said_of_a_sum_is_asked(ins):
    bi, _ = ins
    assert bi.ask("今年保费有多少件", as_of=AS_OF).status == "clarify"  # 件 of a sum of money: not placed


def test_a_year_open_at_one_end_offers_both_bounds(ins):
    bi, _ = ins
    answer = bi.ask("2025年以后承保的保单有多少件", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "open_year", answer.message
    assert sorted(c.interpretation.filters[0].op for c in answer.candidates) == [">", ">="]


@pytest.mark.parametrize("question", ["上个月杭州的出单量占全公司的几成", "上个月杭州的出单量占全公司的比例"])
def test_a_share_of_the_whole_company(ins, question):
    bi, warehouse = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    part, whole = warehouse.execute("""select count(*) filter (where branch = '杭州'), count(*) from policy
        where effective_date between date '2026-10-01' and date '2026-10-31'""").rows[0]
    assert float(answer.rows[0][-1]) == pytest.approx(part / whole)


def test_above_average_hyphenated(ins):
    bi, _ = ins
    answer = bi.ask("branches with above-average claims last month", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(h.op, h.against) for h in answer.interpretation.having] == [(">", "average")]


@pytest.mark.parametrize(("question", "op"), [
    ("which product lines are down on premium vs the same period last year?", "<"),
    ("which branches were up on premium vs last year", ">"),
])
def test_down_and_up_against_a_period_are_the_sign_of_the_change(ins, question, op):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(h.op, h.value, h.of) for h in answer.interpretation.having] == [(op, 0.0, "yoy")]
    assert bi.ask("which branches are down on premium", as_of=AS_OF).status == "clarify"  # against what?


@pytest.mark.parametrize(("question", "bounded"), [
    ("超过1000件销量的门店上个月的销售额", ("units_sold", 1000.0)),  # the metric right after the number
    ("上个月销量超过2000件销售额最高的5家门店", ("units_sold", 2000.0)),  # the metric said before it
    ("上个月销售额超过100万订单数最多的5家门店", ("sales", 1_000_000.0)),
    ("上个月销售额超过1万的门店", ("sales", 10_000.0)),
])
def test_a_bound_is_on_the_metric_it_is_said_of(small_retail, question, bounded):
    bi, _ = small_retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(h.metric, h.value) for h in answer.interpretation.having] == [bounded]



@pytest.mark.parametrize(("question", "op", "descending"), [
    ("今年保单件数同比下降最少的分公司", "<", True), ("今年保单件数同比下降最多的分公司", "<", False),
    ("今年保费同比增长最多的3个险种", ">", True), ("今年保费同比增长最少的3个险种", ">", False),
])
def test_the_most_or_least_change_is_offered_by_its_rate_and_its_amount(ins, question, op, descending):
    """下降最少: by the rate or by the amount of change? Both are offered (it was refused, then only the
    rate): among those that fell, the smallest fall first."""
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "rank_by_change", answer.message
    by_rate, by_amount = [c.interpretation for c in answer.candidates]
    metric = by_rate.metrics[0]
    assert [(o.field, o.descending) for o in by_rate.order_by] == [(f"{metric}__yoy", descending)]
    assert [(o.field, o.descending) for o in by_amount.order_by] == [(f"{metric}__yoy_change", descending)]
    for offered in (by_rate, by_amount):
        assert [(h.op, h.value, h.of) for h in offered.having] == [(op, 0.0, "yoy")]
    assert bi.ask("今年保单件数同比下降最快的3个分公司", as_of=AS_OF).status == "answered"  # the rate, said


@pytest.mark.parametrize("question", ["下个月的保费", "下季度各险种的保单件数", "how many claims will we get next quarter?",
                                      "premium for the next 3 months"])
def test_a_period_still_to_come_is_refused(ins, question):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "future_period", answer.message


@pytest.mark.parametrize(("question", "descending"), [("今年平均结案天数最好的3个分公司", False),
                                                      ("今年平均结案天数最差的2个分公司", True)])
def test_the_best_n_follow_the_metrics_direction(ins, question, descending):
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)  # fewer days to settle is better
    assert answer.status == "answered", answer.message
    assert answer.interpretation.order_by[0].descending is descending
    assert answer.interpretation.limit == (3 if not descending else 2)


SETTLE_DAYS = """select p.branch, avg(c.settled_date - c.reported_date) from claim c join policy p using (policy_id)
    where c.settled_date is not null and c.reported_date between date '2026-01-01' and date '2026-11-15' group by 1"""


@pytest.mark.parametrize(("question", "slowest"), [("今年结案最慢的3个分公司", True), ("今年结案周期最短的3个分公司", False),
                                                   ("今年平均结案天数最长的3个分公司", True),
                                                   ("the 3 slowest branches by days to settle this year", True),
                                                   ("the 3 fastest branches by days to settle this year", False)])
def test_the_slowest_of_a_metric_counting_days_is_the_most_days(ins, question, slowest):
    """最慢 ranked ascending would show the fastest branches: of days, slow is many."""
    bi, warehouse = ins
    days = {r[0]: float(r[1]) for r in warehouse.execute(SETTLE_DAYS).rows}
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status in ("answered", "clarify"), answer.message
    query = answer.interpretation if answer.status == "answered" else answer.candidates[0].interpretation
    assert query.metrics == ["avg_days_to_settle"] and query.limit == 3
    assert query.order_by[0].descending is slowest
    if answer.status == "answered":
        cut = sorted(days.values(), reverse=slowest)[2]
        assert all((float(r[1]) >= cut) if slowest else (float(r[1]) <= cut) for r in answer.rows)


def test_fastest_of_a_metric_that_is_no_time_names_no_direction(ins):
    bi, _ = ins
    answer = bi.ask("今年保费最快的分公司", as_of=AS_OF)
    assert answer.status != "answered" and answer.reason == "rank_speed", answer.message


def test_a_listing_with_a_word_it_cannot_place_is_offered_not_refused(ins):
    """"agents who have sold home insurance": 'sold' is no catalog word; the listing is offered."""
    bi, _ = ins
    answer = bi.ask("list the agents who have sold home insurance in Suzhou", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "unrecognised_words", answer.message
    offered = answer.candidates[0].interpretation
    assert not offered.metrics and offered.group_by[0].dimension == "agent"
    assert sorted((f.dimension, tuple(f.values)) for f in offered.filters) == [("branch", ("苏州",)),
                                                                              ("product_line", ("家财险",))]


def test_fastest_and_slowest_together_are_asked_one_at_a_time(ins):
    bi, _ = ins
    answer = bi.ask("今年结案周期最长的分公司和最短的分公司", as_of=AS_OF)
    assert answer.status != "answered" and answer.reason == "rank_speed" and "分开" in answer.message, answer.message


def test_a_listing_is_not_offered_when_a_denial_is_left_over(ins):
    """没有卖过家财险: the agents who did sell it would be the complement of what is asked."""
    bi, _ = ins
    answer = bi.ask("哪些苏州的代理人没有卖过家财险", as_of=AS_OF)
    assert answer.status != "answered"
    assert all(c.interpretation.metrics for c in answer.candidates)  # no bare listing of the sellers


def test_the_event_a_table_is_dated_by_said_after_the_period_is_that_period(ins):
    """今年起保的保单: 起保 (of 起保年度 = year of the policy's start, the policy table's own date) says
    the period is the policies' own; said of claims (dated by their report) it names another date."""
    bi, warehouse = ins
    answer = bi.ask("今年起保的保单里已经退保了多少张", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["policies"], answer.message
    expected = warehouse.execute("""select count(*) from policy where status = '退保'
        and effective_date between date '2026-01-01' and date '2026-11-15'""").rows[0][0]
    assert answer.rows[0][-1] == expected
    other = bi.ask("今年起保的报案件数", as_of=AS_OF)
    assert other.status != "answered" and other.reason == "event_of_another_date", other.message


@pytest.mark.parametrize("question", ["今年满期的保单件数", "今年到期的保单数", "去年退保的保单数",
                                      "policies surrendered last year", "今年已结案的赔案数"])
def test_a_period_said_of_a_state_is_refused_not_counted_by_the_rows_own_date(ins, question):
    """今年满期的保单 means the policies that expired this year (hunt: 0, truth 7,600): the status is
    a state on the reference date (state: true), the catalog has no date of its change, so the period
    cannot date it; counting this year's policies now 满期 would be another question."""
    bi, _ = ins
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "event_of_another_date", (answer.status, answer.message)


def test_a_period_said_of_the_rows_with_a_state_after_it_is_answered(ins):
    bi, warehouse = ins
    answer = bi.ask("去年起保的保单中现已退保的有多少", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = warehouse.execute("""select count(*) from policy where status = '退保'
        and effective_date between date '2025-01-01' and date '2025-12-31'""").rows[0][0]
    assert answer.rows[0][-1] == expected


def test_the_head_word_of_a_dimensions_name_said_alone(ins):
    """"which lines are down": line ends only 'product line'; the premium of the lines that fell."""
    bi, _ = ins
    answer = bi.ask("which lines are down on premium vs the same period last year?", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in answer.interpretation.group_by] == ["product_line"]
    assert answer.interpretation.having[0].of == "yoy" and answer.interpretation.having[0].op == "<"


def test_an_event_dating_only_half_a_ratio_is_asked(ins):
    """件均保费 = premium (by booking) ÷ policies (by start): 今年起保的 dates only the policies."""
    bi, _ = ins
    answer = bi.ask("今年起保的件均保费", as_of=AS_OF)
    assert answer.status != "answered" and answer.reason == "event_of_another_date", answer.message


def test_a_value_with_no_row_ever_in_the_metrics_data_is_no_zero(ins):
    """A policy holder's name is a value of the agent dimension too (both are rows of the party
    table): filtered as an agent it matched nothing, and the premium was answered 0.00. Now said so."""
    bi, warehouse = ins
    holder = warehouse.execute("""SELECT p.party_name FROM party p JOIN policy_party h ON h.party_id = p.party_id
        AND h.role_code = 'HLD' WHERE p.party_id NOT IN (SELECT party_id FROM policy_party WHERE role_code = 'AGT')
        ORDER BY 1 LIMIT 1""").rows[0][0]
    answer = bi.ask(f"{holder}今年的保费", as_of=AS_OF)
    assert answer.status != "answered" or answer.rows[0][-1] not in (0, None), answer.message


def test_a_value_seen_only_after_the_period_is_said_so_not_never(small_retail):
    """上个月待发货的订单 was refused as 「待发货」 never in the data (hunt 8), while 本月 answered 182: the
    status appears only after the period asked, and the refusal says that."""
    bi, warehouse = small_retail
    status, first = warehouse.execute("""SELECT order_status, min(order_date) FROM fact_order GROUP BY 1
        ORDER BY 2 DESC LIMIT 1""").rows[0]
    assert first > dt.date(2026, 10, 31), first  # the data has a status first seen in November
    answer = bi.ask(f"上个月{status}的订单有多少", as_of=AS_OF)
    assert answer.status == "refused" and "之后才出现" in answer.message, answer.message
    now = bi.ask(f"本月{status}的订单有多少", as_of=AS_OF)
    truth = warehouse.execute(f"""SELECT count(*) FROM fact_order WHERE order_status = '{status}'
        AND order_date BETWEEN DATE '2026-11-01' AND DATE '2026-11-15'""").rows[0][0]
    assert now.status == "answered" and now.rows[0][-1] == truth, now.message


@pytest.mark.parametrize("question", ["环比增长超过5%的城市有哪些", "超过100万的门店有哪些", "占比超过10%的品类有哪些"])
def test_a_bound_or_change_of_no_metric_is_never_a_listing_of_everything(small_retail, question):
    """环比增长超过5%的城市有哪些 listed all 25 cities as if each had grown (hunt 9): the condition
    needs a metric, which is asked; no listing drops it."""
    bi, _ = small_retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status != "answered", answer.message


def test_a_derived_metric_that_only_adds_and_subtracts_accumulates(small_retail):
    """累计净销售额 was refused as not additive (hunt 9): 净销售额 = 销售额 − 退款额 adds up over months;
    a ratio (客单价) still has no running total."""
    bi, _ = small_retail
    answer = bi.ask("今年每月累计净销售额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    monthly = [r[1] for r in answer.rows]
    running = [r[2] for r in answer.rows]
    assert running == pytest.approx([sum(monthly[:k + 1]) for k in range(len(monthly))])
    assert bi.ask("今年每月累计客单价", as_of=AS_OF).status != "answered"


def test_the_things_said_before_their_metric_and_a_condition_are_counted(ins):
    """代理人保费超过100万的有几个 was asked back over 「代理人」 and offered by product line (hunt 9): the
    agents whose premium passes the bound are counted, as 今年保费超过100万的代理人有几个 is."""
    bi, _ = ins
    answer = bi.ask("今年代理人保费超过100万的有几个", as_of=AS_OF)
    said_after = bi.ask("今年保费超过100万的代理人有几个", as_of=AS_OF)
    assert answer.status == said_after.status == "answered", answer.message
    assert [g.dimension for g in answer.interpretation.group_by] == ["agent"] and answer.rows == said_after.rows


def test_an_average_metric_said_per_a_thing_offers_both_averages(ins):
    """"average premium per agent" answered each agent's premium per policy (件均保费, 161 rows, hunt 9),
    while the mean premium per agent (平均每个代理人的保费) is as likely: both are offered."""
    bi, _ = ins
    answer = bi.ask("average premium per agent this year", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "average_or_per_thing", answer.message
    each, averaged = (c.interpretation for c in answer.candidates)
    assert each.metrics == ["avg_premium"] and [g.dimension for g in each.group_by] == ["agent"]
    assert averaged.metrics == ["premium"] and averaged.average_per == "agent" and not averaged.group_by


@pytest.mark.parametrize("question", ["上个月取消的订单占比", "what share of orders were cancelled last month"])
def test_a_value_the_metric_leaves_out_offers_the_metric_named_alike_that_keeps_it(small_retail, question):
    """取消的订单占比 was refused (订单数 leaves the cancelled out, hunt 9): 下单数 (全部订单数) counts every
    order and is offered, its cancelled share the cancellation rate."""
    bi, warehouse = small_retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "excluded_by_definition", answer.message
    (choice,) = answer.candidates
    shown = bi.run(choice.interpretation, as_of=AS_OF)
    truth = warehouse.execute("""SELECT COUNT(*) FILTER (WHERE order_status = '已取消') * 1.0 / COUNT(*) FROM fact_order
        WHERE order_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""").rows[0][0]
    assert choice.interpretation.metrics == ["placed_orders"] and shown.rows[0][-1] == pytest.approx(float(truth))
