"""A fourth domain nobody here wrote (eval/logistics: warehouse, catalog and questions by a helper
from docs/catalog.md alone). What its blind set found, each checked against the warehouse: a
catalog value (少件, short contents) cut out of 多少件, 不算 said before what it takes out, the whole
said as 全网, "by city and sender type", "which Hangzhou depots … than the Hangzhou average", a
month still to come."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.blind_domain import AS_OF, module_fixtures, rows

CATALOG = Path("metric_catalog") / "logistics" / "logistics.yaml"
OCTOBER = "CAST(s.ship_time AS DATE) BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' AND s.status <> '已取消'"


built, bi = module_fixtures("logistics", CATALOG)


one = rows


def test_a_catalog_value_is_never_cut_out_of_a_question_word(bi):
    """少件 (a claim reason) inside 多少件 filtered the pickups by a claim reason and was refused."""
    answer = bi.ask("上个月杭州揽收件数有多少件", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [f.dimension for f in answer.interpretation.filters] == ["city"]


@pytest.mark.parametrize("question", ["上个月不算散客，运费收入有多少", "上个月散客不算，运费收入有多少"])
def test_not_counted_is_read_on_either_side_of_what_it_takes_out(bi, built, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = one(built, f"SELECT SUM(freight_fee) FROM fact_shipment s WHERE customer_id IS NOT NULL AND {OCTOBER}")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))


def test_the_whole_network_is_the_whole_of_a_share(bi, built):
    answer = bi.ask("今年上海的揽收量占全网的比例是多少", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.comparisons == ["share"]
    part, whole = one(built, """SELECT SUM(CASE WHEN c.city_name = '上海' THEN 1 ELSE 0 END), COUNT(*)
        FROM fact_shipment s JOIN dim_depot d ON s.origin_depot_id = d.depot_id JOIN dim_city c ON d.city_id = c.city_id
        WHERE s.status <> '已取消' AND CAST(s.ship_time AS DATE) BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'""")[0]
    assert float(answer.rows[0][-1]) == pytest.approx(part / whole)


def test_two_breakdowns_listed_after_by_are_both_grouped(bi, built):
    answer = bi.ask("revenue by city and sender type last quarter", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in answer.interpretation.group_by] == ["city", "customer_type"]
    expected = one(built, """SELECT COUNT(*) FROM (SELECT DISTINCT d.city_id, s.customer_id IS NULL FROM fact_shipment s
        JOIN dim_depot d ON s.origin_depot_id = d.depot_id WHERE s.status <> '已取消'
        AND CAST(s.ship_time AS DATE) BETWEEN DATE '2026-07-01' AND DATE '2026-09-30')""")[0][0]
    assert len(answer.rows) == expected


def test_the_things_asked_of_may_follow_a_value(bi, built):
    answer = bi.ask("Which Hangzhou depots had more parcels than the Hangzhou average last month?", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    counts = dict(one(built, f"""SELECT d.depot_name, COUNT(*) FROM fact_shipment s JOIN dim_depot d ON s.origin_depot_id = d.depot_id
        JOIN dim_city c ON d.city_id = c.city_id WHERE c.city_name = '杭州' AND {OCTOBER} GROUP BY 1"""))
    mean = sum(counts.values()) / len(counts)
    assert sorted(r[0] for r in answer.rows) == sorted(k for k, v in counts.items() if v > mean)


def test_a_month_still_to_come_is_refused_not_offered_as_the_latest(bi):
    answer = bi.ask("compensation paid in December 2026", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "future_period", answer.message


PER_DEPOT = f"""SELECT d.depot_name, c.city_name, COUNT(*) AS n FROM fact_shipment s
    JOIN dim_depot d ON s.origin_depot_id = d.depot_id JOIN dim_city c ON d.city_id = c.city_id
    WHERE {OCTOBER} GROUP BY 1, 2"""


@pytest.mark.parametrize("question", ["上个月平均每个网点的揽收件数", "上个月每个网点平均揽收件数",
                                      "average parcels per depot last month"])
def test_an_average_per_thing_is_the_mean_of_the_per_thing_values(bi, built, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.average_per == "depot", answer.message
    assert not answer.interpretation.group_by
    expected = one(built, f"SELECT AVG(n) FROM ({PER_DEPOT})")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))
    assert "平均每个网点" in answer.message  # never read as the total


def test_an_average_per_thing_in_each_group(bi, built):
    answer = bi.ask("上个月各城市平均每个网点的揽收件数", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = dict(one(built, f"SELECT city_name, AVG(n) FROM ({PER_DEPOT}) GROUP BY 1"))
    assert {r[0]: pytest.approx(float(r[-1])) for r in answer.rows} == {k: float(v) for k, v in expected.items()}


@pytest.mark.parametrize("question", ["How did Double 11 pickups compare with last year's Double 11?",
                                      "今年双11的揽收量和去年双11比怎么样"])
def test_a_named_day_compared_with_last_years_is_a_comparison_not_two_periods(bi, built, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["yoy"], answer.message
    day = "CAST(s.ship_time AS DATE) = DATE '{}' AND s.status <> '已取消'"
    now = one(built, f"SELECT COUNT(*) FROM fact_shipment s WHERE {day.format('2026-11-11')}")[0][0]
    before = one(built, f"SELECT COUNT(*) FROM fact_shipment s WHERE {day.format('2025-11-11')}")[0][0]
    row = dict(zip([c["name"] for c in answer.columns], answer.rows[0], strict=True))
    assert row["shipments"] == now and row["shipments__yoy_prev"] == before


def test_two_named_days_not_compared_stay_two_periods(bi):
    assert bi.ask("今年双11和去年双11的揽收量", as_of=AS_OF).status != "answered"


@pytest.mark.model
def test_a_value_that_begins_the_models_metric_is_its_word_not_a_filter(built, llm):
    """签收 is a delivery attempt's result and the start of 签收件数: the parcels signed for cannot be
    filtered by an attempt's result, so with the model's 签收件数 the word is the metric's own."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("这个月到目前为止签收了多少件", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["signed_parcels"], answer.message
    assert not answer.interpretation.filters
    expected = one(built, """SELECT COUNT(*) FROM fact_shipment WHERE status = '已签收'
        AND CAST(sign_time AS DATE) BETWEEN DATE '2026-11-01' AND DATE '2026-11-15'""")[0][0]
    assert answer.rows[0][-1] == expected


def test_each_city_then_average_per_depot_is_a_breakdown_of_the_average(bi, built):
    answer = bi.ask("上个月每个城市平均每个网点的揽收件数", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.average_per == "depot"
    assert [g.dimension for g in answer.interpretation.group_by] == ["city"]


def test_a_condition_on_the_average_per_depot_keeps_the_groups_above_it(bi, built):
    answer = bi.ask("上个月平均每个网点揽收件数超过100件的城市", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = one(built, f"SELECT city_name FROM ({PER_DEPOT}) GROUP BY 1 HAVING AVG(n) > 100")
    assert sorted(r[0] for r in answer.rows) == sorted(r[0] for r in expected)


@pytest.mark.parametrize("question", [
    "2025年按月统计平均每个网点的揽收件数",  # the spine would count a depot before it opened as 0
    "杭州不算散客的揽收件数",  # 杭州 without walk-ins, or walk-ins outside 杭州?
    "杭州余杭网点揽收件数占全市的比例",  # which city's whole, where the catalog has cities?
])
def test_readings_that_would_be_a_guess_are_asked(bi, question):
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_a_mean_metric_per_depot_is_its_breakdown_and_a_ratio_averaged_is_offered_so(bi):
    answer = bi.ask("每个网点的平均全程时效", as_of=AS_OF)  # 平均 belongs to the metric's own name
    assert answer.status == "answered" and [g.dimension for g in answer.interpretation.group_by] == ["depot"]
    answer = bi.ask("上个月平均每个网点的准时签收率", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "average_per_ratio", answer.message
    assert [g.dimension for g in answer.candidates[0].interpretation.group_by] == ["depot"]


@pytest.mark.model
def test_a_counter_of_things_never_agrees_with_a_count_of_attempts(built, llm):
    """派了多少件 asks for parcels: 派送次数 counts attempts (次), the warehouse's trap."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("上个月派了多少件", as_of=AS_OF)
    assert not (answer.status == "answered" and answer.interpretation.metrics == ["delivery_attempts"]), answer.message


@pytest.mark.model
def test_the_counter_said_settles_which_metric_a_verb_begins(built, llm):
    """揽 begins 揽收件数 and 揽收重量; 多少票 counts the first (票 is kin to its 件), never the kilograms."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("上个月10公斤以上的大件揽了多少票", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["shipments"], answer.message
    expected = one(built, f"SELECT COUNT(*) FROM fact_shipment s WHERE s.weight_kg > 10 AND {OCTOBER}")[0][0]
    assert answer.rows[0][-1] == expected


@pytest.mark.model
def test_one_verbs_character_is_no_evidence_for_the_models_metric(built, llm):
    """上个月收了多少钱 was answered as cash collected from contract customers (hunt 8), half the money
    the plain reading (revenue) gives: 收 alone fits several metrics, and the model's pick is offered."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("上个月收了多少钱", as_of=AS_OF)
    assert answer.status == "clarify" and len(answer.candidates) >= 2, answer.message


@pytest.mark.parametrize("question", ["去年理赔了多少钱", "去年理赔花了多少钱", "how much did we pay out in claims last year"])
def test_money_asked_of_a_count_offers_the_amounts_of_the_same_rows(bi, question):
    """The number of claims was shown for 多少钱: the amounts claimed and paid are offered instead."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify", answer.message
    assert {c.interpretation.metrics[0] for c in answer.candidates} == {"claim_amount", "claim_paid"}, \
        "only the amounts are offered for 多少钱, never the number of claims"


def test_how_much_of_a_count_is_asked_and_how_many_is_counted(bi, built):
    answer = bi.ask("how much were claims last year", as_of=AS_OF)
    assert answer.status == "clarify" and {c.interpretation.metrics[0] for c in answer.candidates} >= {"claims", "claim_paid"}
    counted = bi.ask("how many claims last year", as_of=AS_OF)
    assert counted.status == "answered", counted.message
    expected = one(built, "SELECT COUNT(*) FROM fact_claim WHERE claim_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'")
    assert counted.rows[0][-1] == expected[0][0]
    paid = bi.ask("去年赔付金额多少钱", as_of=AS_OF)
    assert paid.status == "answered" and paid.interpretation.metrics == ["claim_paid"], paid.message


@pytest.mark.model
def test_a_word_two_amounts_share_is_asked_even_when_a_synonym_holds_it(built, llm):
    """理赔金额 is the amount claimed or the amount paid; that one of them has 理赔申请金额 as a synonym
    does not say which (answered as the amount claimed, a wrong number, when only the names decided)."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    assert bi.ask("上个月理赔金额多少", as_of=AS_OF).status == "clarify"


@pytest.mark.parametrize("question", ["上个月寄往上海的件量", "parcels shipped to Shanghai last month", "上个月从杭州寄往上海的件量"])
def test_a_destination_is_never_read_as_the_pickup_city(bi, question):
    """The catalog has no destination dimension: 寄往上海 was answered as the pickups in 上海 (2,078,
    where 1,950 went to 上海). Asked back."""
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_a_value_then_yiwai_is_everything_else(bi, built):
    answer = bi.ask("上个月杭州以外的件量", as_of=AS_OF)
    assert answer.status == "answered" and [f.op for f in answer.interpretation.filters] == ["not in"], answer.message
    expected = one(built, f"""SELECT COUNT(*) FROM fact_shipment s JOIN dim_depot d ON d.depot_id = s.origin_depot_id
        JOIN dim_city c ON c.city_id = d.city_id WHERE {OCTOBER} AND c.city_name <> '杭州'""")
    assert answer.rows[0][-1] == expected[0][0]


def test_two_values_said_together_after_an_exclusion_are_both_left_out(bi, built):
    """浙江不含杭州宁波: it was 宁波 alone (杭州 taken out, 宁波 read as the filter)."""
    answer = bi.ask("上个月浙江不含杭州宁波的件量", as_of=AS_OF)
    excluded = [f.values for f in answer.interpretation.filters if f.op == "not in"]
    assert answer.status == "answered" and sorted(excluded[0]) == ["宁波", "杭州"], answer.message
    expected = one(built, f"""SELECT COUNT(*) FROM fact_shipment s JOIN dim_depot d ON d.depot_id = s.origin_depot_id
        JOIN dim_city c ON c.city_id = d.city_id WHERE {OCTOBER} AND c.province = '浙江省' AND c.city_name NOT IN ('杭州', '宁波')""")
    assert answer.rows[0][-1] == expected[0][0]


def test_the_walk_ins_take_no_place_in_each_citys_top_customers(bi, built):
    """每个城市件量最多的客户 answered 'no customer' (walk-in senders) first in 15 of 16 cities (hunt 6)."""
    answer = bi.ask("上个月每个城市件量最多的2个客户", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert all(r[1] is not None for r in answer.rows)
    ranked = one(built, f"""SELECT city, customer, n FROM (SELECT c.city_name AS city, cu.customer_name AS customer,
        COUNT(*) AS n, RANK() OVER (PARTITION BY c.city_name ORDER BY COUNT(*) DESC) AS r
        FROM fact_shipment s JOIN dim_depot d ON s.origin_depot_id = d.depot_id JOIN dim_city c ON d.city_id = c.city_id
        JOIN dim_customer cu ON cu.customer_id = s.customer_id WHERE {OCTOBER} GROUP BY 1, 2) t WHERE r <= 2""")
    assert sorted((r[0], r[1], r[2]) for r in answer.rows) == sorted((c, cu, n) for c, cu, n in ranked)


@pytest.mark.parametrize("question", ["how many parcels were delivered last month", "which depot delivered the most parcels last month"])
def test_delivered_said_with_parcels_is_the_catalogs_parcels_delivered(bi, question):
    """'delivered' was the status filter on the pickups (parcels picked up in October and delivered since;
    hunt 6): with 'parcels' it names the catalog's metric of parcels delivered, by the sign-for day."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["signed_parcels"], answer.message
    assert not answer.interpretation.filters
    if "which" in question:
        assert answer.interpretation.limit == 1
        by_depot = bi.ask("上个月各网点签收件数", as_of=AS_OF).rows
        value = [c["name"] for c in answer.columns].index("signed_parcels")
        assert answer.rows[0][value] == max(r[-1] for r in by_depot)
    else:
        assert answer.rows[0][-1] == bi.ask("上个月签收件数", as_of=AS_OF).rows[0][-1]


def test_cancelled_said_with_parcels_is_the_cancellations(bi, built):
    """'how many parcels were cancelled' was refused (pickups exclude cancelled ones; hunt 6): with any
    name of the pickups metric, 'cancelled' names the cancellations (cancelled shipments)."""
    answer = bi.ask("how many parcels were cancelled last month", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["cancelled_shipments"], answer.message
    assert answer.rows[0][-1] == bi.ask("上个月取消件数", as_of=AS_OF).rows[0][-1]


def test_a_city_then_its_depots_is_the_city(bi):
    """上海网点的签收件数 asked 「你是不是指电商？」 over 网点 (hunt 6): the depots of 上海, whose city is a
    table the depot joins to, are the city's total (as 四川门店 are the stores of 四川)."""
    answer = bi.ask("上个月上海网点的签收件数", as_of=AS_OF)
    assert answer.status == "answered" and not answer.interpretation.group_by, answer.message
    assert answer.rows == bi.ask("上个月上海的签收件数", as_of=AS_OF).rows


def test_the_fewest_within_each_city_says_it_ranks_those_with_data(bi):
    """每个城市投诉件数最少的网点 named depots with 1 while others had none (hunt 7): said, as 最少的网点 is."""
    answer = bi.ask("上个月每个城市投诉件数最少的网点", as_of=AS_OF)
    assert answer.status == "answered" and "每组只排该期间有数据的网点" in answer.message, answer.message
    assert "只排" not in bi.ask("上个月每个城市投诉件数最多的网点", as_of=AS_OF).message


@pytest.mark.parametrize("question", ["上个月增值费收入", "上个月的增值费收入是多少"])
def test_a_metric_said_with_its_head_again_is_that_metric(bi, built, question):
    """保价费收入 was asked back over 「保价费」 (hunt 8): 收入 after a metric one of whose names ends
    so (增值收入) is that metric's head said again, not the company's revenue it is a population of."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["value_added_revenue"], answer.message
    expected = one(built, f"SELECT SUM(s.value_added_fee) FROM fact_shipment s WHERE {OCTOBER}")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))
