"""What a comparison is against is what the words say: QoQ is the quarter before (asked back when
the period is not one quarter), a share is of the whole the question names ("Beijing's share of
North China", 占华北), and when two values could each be the whole the question is asked back."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.core import ChatBI
from chatbi.demo.retail import build_retail_warehouse
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)
SALES = """SELECT {select} FROM fact_order_line l JOIN fact_order o USING (order_id) JOIN dim_store s USING (store_id)
           LEFT JOIN dim_region r USING (region_id)
           WHERE o.order_status <> '已取消' AND o.order_date BETWEEN DATE '{start}' AND DATE '{end}' {where}"""


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return connect(str(build_retail_warehouse(tmp_path_factory.mktemp("r") / "r.duckdb", scale=0.05, as_of=AS_OF).path))


@pytest.fixture(scope="module")
def bi(warehouse):
    return ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), warehouse, use_model=False)


def one(warehouse, select, start, end, where=""):
    return float(warehouse.execute(SALES.format(select=select, start=start, end=end, where=where)).rows[0][0])


def test_qoq_for_a_quarter_is_against_the_quarter_before(bi, warehouse):
    answer = bi.ask("QoQ sales growth by region for Q3 2026", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert "2026-04-01 至 2026-06-30" in answer.message
    col = [c["name"] for c in answer.columns].index("sales__mom")
    east = next(row for row in answer.rows if row[0] == "华东")
    q3 = one(warehouse, "SUM(l.sales_amount)", "2026-07-01", "2026-09-30", "AND r.region_name = '华东'")
    q2 = one(warehouse, "SUM(l.sales_amount)", "2026-04-01", "2026-06-30", "AND r.region_name = '华东'")
    assert east[col] == pytest.approx((q3 - q2) / q2)


@pytest.mark.parametrize(("question", "grain"), [("今年销售额QoQ", "quarter"), ("sales WoW last month", "week")])
def test_a_unit_comparison_over_another_period_is_asked_back_broken_down_by_that_unit(bi, question, grain):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "comparison_unit", (answer.status, answer.message)
    offered = answer.candidates[0].interpretation
    assert offered.time_group.grain == grain and offered.comparisons == ["mom"]


def test_qoq_of_a_month_is_asked_back_never_the_month_before(bi):
    """AOV QoQ (last closed month by default) answered October against September, said as 环比 (hunt 8)."""
    answer = bi.ask("AOV QoQ", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "comparison_unit", answer.message
    quarter = bi.ask("Q3 AOV QoQ", as_of=AS_OF)
    assert quarter.status == "answered" and "2026-04-01 至 2026-06-30" in quarter.message


def test_mom_said_of_a_quarter_is_the_previous_period_as_analysts_use_it(bi):
    answer = bi.ask("上季度销售额MoM", as_of=AS_OF)
    assert answer.status == "answered" and "2026-04-01 至 2026-06-30" in answer.message


@pytest.mark.parametrize("question", ["Beijing's share of North China sales this year", "今年北京占华北销售额的比例"])
def test_a_share_is_of_the_whole_the_question_names(bi, warehouse, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    share = answer.rows[0][[c["name"] for c in answer.columns].index("sales__share")]
    expected = one(warehouse, "SUM(l.sales_amount) FILTER (WHERE s.city = '北京') / SUM(l.sales_amount)",
                   "2026-01-01", "2026-11-15", "AND r.region_name = '华北'")
    assert float(share) == pytest.approx(expected)
    assert "占华北" in answer.message  # the headline says of what


def test_a_value_said_again_in_the_whole_keeps_it_there(bi, warehouse):
    """上海旗舰店占全国旗舰店 was a share of all sales (8.5% for 29.4%; hunt 6): the whole is every 旗舰店."""
    answer = bi.ask("上个月上海旗舰店销售额占全国旗舰店的比例", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    share = answer.rows[0][[c["name"] for c in answer.columns].index("sales__share")]
    expected = one(warehouse, "SUM(l.sales_amount) FILTER (WHERE s.city = '上海') / SUM(l.sales_amount)",
                   "2026-10-01", "2026-10-31", "AND s.store_type = '旗舰店'")
    assert float(share) == pytest.approx(expected) and "占旗舰店" in answer.message


@pytest.mark.parametrize(("question", "part"), [("上个月华东或华南销售额占全国的比例", "r.region_name IN ('华东', '华南')"),
                                              ("上个月不含华东的销售额占全国比例", "r.region_name <> '华东'")])
def test_several_values_or_all_but_one_are_one_part(bi, warehouse, question, part):
    """华东或华南占全国 was a share per region, 不含华东的占比 one per other region (hunt 6): one part, one share."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 1, answer.message
    share = answer.rows[0][[c["name"] for c in answer.columns].index("sales__share")]
    expected = one(warehouse, f"SUM(l.sales_amount) FILTER (WHERE {part}) / SUM(l.sales_amount)", "2026-10-01", "2026-10-31")
    assert float(share) == pytest.approx(expected)


def test_one_value_of_another_is_no_share(bi):
    """华南占华东的比例 was each one's share of the two together (hunt 6): neither holds the other."""
    answer = bi.ask("上个月华南销售额占华东的比例", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "share_of_another", answer.message
    (offered,) = answer.candidates
    assert not offered.interpretation.comparisons and [g.dimension for g in offered.interpretation.group_by] == ["region"]


def test_the_part_named_after_share_of_and_the_whole_after_in(bi, warehouse):
    answer = bi.ask("share of online orders in East China last month", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.share_scope == ["region"]


def test_a_share_with_two_values_either_of_which_could_be_the_whole_is_asked_back(bi):
    answer = bi.ask("华东线上销售额占比", as_of=AS_OF)
    assert answer.status == "clarify", answer.message
    wholes = [c.interpretation.share_scope for c in answer.candidates]
    assert wholes == [["region"], ["channel"], ["*"]]  # "*": of everything
    described = [c.description_zh for c in answer.candidates]
    assert len(set(described)) == 3 and "占华东的比例" in described[0] and "占全部的比例" in described[2]


def test_the_company_overall_level_is_the_overall_value(bi, warehouse):
    answer = bi.ask("今年毛利率高于公司整体水平的品类", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    overall = one(warehouse, "SUM(l.profit) / SUM(l.sales_amount)", "2026-01-01", "2026-11-15")
    by_category = warehouse.execute(
        "SELECT p.category, SUM(l.profit) / SUM(l.sales_amount) FROM fact_order_line l JOIN fact_order o USING (order_id) "
        "JOIN dim_product p USING (product_id) WHERE o.order_status <> '已取消' "
        "AND o.order_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15' GROUP BY 1").rows
    above = {c for c, m in by_category if float(m) > overall}
    assert above and {row[0] for row in answer.rows} == above


def test_fastest_growth_with_no_metric_offers_each_candidate_against_both_bases(bi):
    answer = bi.ask("增长最快的是哪个", as_of=AS_OF)
    assert answer.status == "clarify", answer.message
    offered = [c.interpretation for c in answer.candidates]
    assert {q.comparisons[0] for q in offered} == {"mom", "yoy"}
    assert all(q.group_by and q.order_by for q in offered)  # ranked over something, by the change


@pytest.mark.parametrize(("question", "whole"), [
    ("上个月华东各省份销售额占全国比例", "true"), ("上个月华东各省份销售额占全部的比例", "true"),
    ("上个月华东各省份销售额占比", "r.region_name = '华东'"),  # no whole said: of the rows asked
])
def test_a_whole_of_everything_said_beside_a_filter_is_of_everything(bi, warehouse, question, whole):
    """华东各省份…占全国比例 was each province's share of 华东 (上海 45.6%, truth 12.6%): 全国 names the whole."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    names = [c["name"] for c in answer.columns]
    got = {r[names.index("province")]: r[names.index("sales__share")] for r in answer.rows}
    total = one(warehouse, f"SUM(l.sales_amount) FILTER (WHERE {whole})", "2026-10-01", "2026-10-31")
    for province, share in got.items():
        part = one(warehouse, f"SUM(l.sales_amount) FILTER (WHERE s.province = '{province}')", "2026-10-01", "2026-10-31")
        assert float(share) == pytest.approx(part / total)


def test_one_metric_per_another_is_their_ratio_or_refused(bi, warehouse):
    """'sales per order' was two numbers side by side (hunt 3): it is the catalog's ratio of the two
    (客单价), and where the catalog has no such ratio, refused."""
    answer = bi.ask("sales per order last month", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["aov"], answer.message
    assert answer.rows[0][-1] == pytest.approx(bi.ask("上个月客单价", as_of=AS_OF).rows[0][-1])
    refused = bi.ask("profit per order last month", as_of=AS_OF)
    assert refused.status == "refused" and refused.reason == "no_ratio", refused.message
    for divided in ("上个月销售额除以订单数", "上个月销售额÷订单数"):  # 「除、以」 was asked back
        answer = bi.ask(divided, as_of=AS_OF)
        assert answer.status == "answered" and answer.interpretation.metrics == ["aov"], answer.message
    assert bi.ask("上个月订单数除以销售额", as_of=AS_OF).reason == "no_ratio"


@pytest.mark.parametrize("question", ["上个月各品类销售额累计占比", "今年每月销售额累计同比"])
def test_a_share_or_change_of_a_running_total_is_refused(bi, question):
    """累计占比 was the plain share, 每月累计同比 each month's own change (hunt 3): not what was asked."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "cumulative_compared", answer.message
    assert bi.ask("今年累计销售额同比", as_of=AS_OF).status == "answered"  # the period's total against last year's


def test_a_value_and_its_things_before_a_share_is_the_part_not_a_breakdown(bi, warehouse):
    """女性客户销售额占比 was each customer's share (4,956 rows; hunt 3): 客户 is what 女性 describes."""
    answer = bi.ask("上个月女性客户销售额占比", as_of=AS_OF)
    assert answer.status == "answered" and not answer.interpretation.group_by, answer.message
    expected = float(warehouse.execute("""SELECT SUM(l.sales_amount) FILTER (WHERE c.gender = '女') / SUM(l.sales_amount)
        FROM fact_order_line l JOIN fact_order o USING (order_id) LEFT JOIN dim_customer c USING (customer_id)
        WHERE o.order_status <> '已取消' AND o.order_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""").rows[0][0])
    assert answer.rows[0][-1] == pytest.approx(expected)


def test_one_metric_as_a_share_of_another_is_their_ratio(bi):
    """退货金额占销售额的比例 was refused (hunt 4) though 退货率 is exactly that ratio."""
    answer = bi.ask("上个月退货金额占销售额的比例", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["refund_rate"], answer.message
    assert not answer.interpretation.comparisons
    assert answer.rows[0][-1] == pytest.approx(bi.ask("上个月退货率", as_of=AS_OF).rows[0][-1])


def test_a_clarification_whose_offers_cannot_be_computed_says_why(bi):
    """今年月均活跃客户数 offered the whole months, which a distinct count cannot be averaged over, and
    said 「只能用完整的周期：。」 with nothing after it (hunt 6): the reason is said instead."""
    answer = bi.ask("今年月均活跃客户数", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "not_allowed", answer.message
    assert "去重数" in answer.message and "：。" not in answer.message


def test_a_whole_the_catalog_does_not_declare_is_asked_back(small_insurance):
    """杭州占全省的保费比例 was read as a share of the whole company, whose branches are in three provinces
    (16.9% for Zhejiang's 23.4%; hunt 7): only a 全省 the catalog declares is everything."""
    bi, _ = small_insurance
    assert bi.ask("上个月杭州占全省的保费比例", as_of=AS_OF).status == "clarify"
    assert bi.ask("上个月杭州占全公司的保费比例", as_of=AS_OF).status == "answered"


@pytest.mark.parametrize(("question", "dimension"), [("上个月上海门店的销售额", "city"), ("上个月上海客户的销售额", "customer_city")])
def test_the_thing_named_after_a_shared_value_says_whose_it_is(bi, question, dimension):
    """上海门店的销售额 offered the store's city, the customer's city and two provinces (hunt 8)."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.values) for f in answer.interpretation.filters] == [(dimension, ["上海"])]
