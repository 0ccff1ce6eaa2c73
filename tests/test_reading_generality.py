"""Phrasings nobody tuned for, from a blind dev set (eval/retail/dev_2.yaml): each is read exactly
or asked back. The cases here are the ones that once gave, or could have given, a wrong number."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.core import ChatBI
from chatbi.demo.retail import build_retail_warehouse
from chatbi.pipeline.guard import WRITE
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def bi(tmp_path_factory):
    built = build_retail_warehouse(tmp_path_factory.mktemp("r") / "r.duckdb", scale=0.05, as_of=AS_OF)
    return ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), connect(str(built.path)), use_model=False)


def read(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    return answer, answer.interpretation


@pytest.mark.parametrize(("question", "start", "end"), [
    ("上上个月销售额", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),  # never 上个月 with a stray 上
    ("上上周的订单数", dt.date(2026, 10, 26), dt.date(2026, 11, 1)),
    ("今年前三季度销售额", dt.date(2026, 1, 1), dt.date(2026, 9, 30)),  # a span, not the top 3
    ("gmv for the first half of this year", dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
])
def test_periods_said_in_more_words_are_read_whole(bi, question, start, end):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert (query.time_range.start, query.time_range.end) == (start, end)
    assert query.limit is None and not query.order_by


@pytest.mark.parametrize(("question", "dimension", "value"), [
    ("gross margin by category in September, excluding the online mall", "store_type", "线上商城"),
    ("上上个月线上渠道卖了多少钱，企业客户的单子不算", "customer_segment", "企业"),
])
def test_a_value_taken_out_is_excluded_whichever_side_the_words_are_on(bi, question, dimension, value):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.op, f.values) for f in query.filters if f.dimension == dimension] == \
        [(dimension, "not in", [value])]


@pytest.mark.parametrize("question", ["不含税的销售额", "上个月销售额 7", "上个月销售额不算"])
def test_a_negation_or_a_number_the_reading_does_not_use_is_not_dropped(bi, question):
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_drop_is_a_write_only_when_it_drops_a_thing():
    assert not WRITE.search("which regions saw sales drop by less than 10% year on year")
    assert not WRITE.search("biggest drop in orders last month")
    assert all(WRITE.search(t) for t in ("drop table dim_store", "please drop all customers", "drop fact_order",
                                         "drop the bills table"))
    assert not WRITE.search("sales drop for all stores last month")


def test_which_n_of_each_group_keeps_the_n(bi):
    answer, query = read(bi, "For each category, which 2 sub-categories brought in the most gross profit this year?")
    assert answer.status == "answered", answer.message
    assert query.top_within.within == ["category"] and query.top_within.n == 2


def test_the_average_of_the_cities_is_over_the_cities(bi):
    """The online mall has no city: it is neither in the cities' average nor a city above it."""
    answer, query = read(bi, "上个月哪些城市的销售额高于各城市的平均水平")
    assert answer.status == "answered", answer.message
    cities = bi.warehouse.execute(
        "SELECT s.city, SUM(l.sales_amount) FROM fact_order_line l JOIN fact_order o USING (order_id) "
        "JOIN dim_store s USING (store_id) WHERE o.order_status <> '已取消' AND s.city IS NOT NULL "
        "AND o.order_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY 1").rows
    mean = sum(float(v) for _, v in cities) / len(cities)
    assert {row[0] for row in answer.rows} == {c for c, v in cities if float(v) > mean}


def test_which_groups_fell_is_a_condition_on_the_fall(bi):
    answer, query = read(bi, "本月到目前为止，哪些门店的销售额同比是下滑的")
    assert answer.status == "answered", answer.message
    assert [(h.of, h.op, h.value) for h in query.having] == [("yoy", "<", 0.0)]


def test_share_as_a_verb_is_not_a_share_of_total(bi):
    answer, query = read(bi, "Kindly share the gross margin category-wise for last month")
    assert answer.status == "answered", answer.message
    assert "share" not in query.comparisons and [g.dimension for g in query.group_by] == ["category"]


@pytest.mark.parametrize("question", ["上个月销售额MoM跌超10%的品类", "上个月销售额环比下降超过10%的品类",
                                      "categories whose sales dipped more than 10% MoM last month"])
def test_a_fall_beyond_a_percentage_is_a_change_below_its_negative(bi, question):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert [(h.op, h.value, h.of) for h in query.having] == [("<", -0.1, "mom")]


def test_a_value_counted_in_is_no_filter_and_a_metric_that_leaves_it_out_is_refused(bi):
    answer, query = read(bi, "上月按支付方式拆一下下单量(含取消的)")  # 下单数 counts every order
    assert answer.status == "answered", answer.message
    assert not query.filters and [g.dimension for g in query.group_by] == ["payment_mode"]
    english, query = read(bi, "placed orders by payment mode last month, including cancelled")
    assert english.status == "answered" and not query.filters
    refused, _ = read(bi, "上月按支付方式的销售额(含取消的)")  # 销售额 leaves cancelled orders out
    assert refused.status == "refused" and "已取消" in refused.message and "不能把它们算进来" in refused.message
    excluded, query = read(bi, "上月不含取消的下单量")  # 不含 is still a negation, not 含
    assert excluded.status == "answered"
    assert [(f.op, f.values) for f in query.filters] == [("not in", ["已取消"])]


def test_a_question_that_stops_short_of_naming_its_metric_is_asked_which(bi):
    """卖了多少 begins the catalog's 卖了多少钱 (sales) and 卖了多少件 (units): never a guess of one."""
    answer = bi.ask("上个月卖了多少", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "ambiguous_metric"
    assert [c.interpretation.metrics for c in answer.candidates] == [["sales"], ["units_sold"]]


def _shape(query):
    grain = query.time_group.grain if query.time_group else None
    return {"metrics": query.metrics, "by": [g.dimension for g in query.group_by if g is not query.time_group],
            "grain": grain,
            "filters": [(f.dimension, f.op, f.values) for f in query.filters],
            "having": [(h.op, h.value, h.of) for h in query.having], "limit": query.limit,
            "period": (query.time_range.start, query.time_range.end) if query.time_range else None}


LAST_MONTH = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.mark.parametrize(("question", "expected"), [
    ("上月GMV过百万的城市有那些", {"metrics": ["sales"], "by": ["city"], "having": [(">", 1_000_000.0, "value")]}),
    ("上月销售额超过3百万的大区", {"by": ["region"], "having": [(">", 3_000_000.0, "value")]}),  # 百万 is 10^6, not 百
    ("units sold thru Sichuan stores last qtr", {"metrics": ["units_sold"], "by": [],
                                                 "filters": [("province", "=", ["四川省"])],
                                                 "period": (dt.date(2026, 7, 1), dt.date(2026, 9, 30))}),
    ("weekly order count, last 4 wks", {"metrics": ["orders"], "grain": "week",
                                        "period": (dt.date(2026, 10, 19), dt.date(2026, 11, 15))}),
    ("running total of orders day by day this month", {"grain": "day"}),
    ("想了解一下今年到现在，哪5个牌子卖出去的件数最多", {"metrics": ["units_sold"], "by": ["brand"], "limit": 5}),
    ("categories below average in sales this month", {"metrics": ["sales"], "by": ["category"]}),
    ("上月连带率跑赢全公司平均的门店有哪些", {"metrics": ["units_per_order"], "by": ["store"]}),
    ("只看会员客户，今年以来不同会员等级的人均消费分别是多少？", {"by": ["member_level"],
                                                             "filters": [("customer_segment", "=", ["会员"])]}),
    ("上月线上线下订单量各占多少", {"metrics": ["orders"], "by": ["channel"], "period": LAST_MONTH}),
])
def test_analysts_shorthand_is_read_exactly(bi, question, expected):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    shape = _shape(query)
    assert {k: shape[k] for k in expected} == expected


def test_a_wrong_character_that_is_another_metrics_word_is_confirmed_not_read_as_a_typo(bi):
    """退了多少件 is one character from 卖了多少件 (units sold), but 退 is the return metrics' word: not a
    typo, the return metrics offered first; 销售颌 looks like 销售额 but sounds otherwise (hé, é): a
    typo only by sight, so it is asked."""
    asked = bi.ask("上个月退了多少件", as_of=AS_OF)
    assert asked.status == "clarify" and asked.reason != "typo"
    assert asked.candidates[0].interpretation.metrics == ["return_units"]
    asked, _ = read(bi, "2025年3月各品类销售颌")
    assert asked.status == "clarify"  # never answered as a guess (销售额 not yet among the offers: left)


def test_fell_by_less_than_asks_whether_rises_count_and_each_choice_computes_its_band(bi):
    answer = bi.ask("Which regions saw sales drop by less than 10% year on year?", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "decline_band" and "请选择" in answer.message
    falls, every = (c.interpretation for c in answer.candidates)
    assert [(h.op, h.value, h.of) for h in falls.having] == [(">", -0.1, "yoy"), ("<", 0.0, "yoy")]
    assert [(h.op, h.value, h.of) for h in every.having] == [(">", -0.1, "yoy")]
    growth = {row[0]: row[-1] for row in bi.run(every, as_of=AS_OF).rows}
    shown = {row[0]: row[-1] for row in bi.run(falls, as_of=AS_OF).rows}
    assert shown == {k: g for k, g in growth.items() if -0.1 < g < 0}


@pytest.mark.parametrize("question", ["门店最近咋样啊", "how's online doing lately?"])
def test_a_vague_period_is_asked_back_not_refused_as_outside_the_catalog(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.candidates, (answer.status, answer.message)


def test_a_value_several_dimensions_share_is_read_by_the_thing_named_after_it_even_without_a_metric(bi):
    """上海的客户: the customers' city (the thing named right after the value says whose), each metric offered."""
    answer = bi.ask("上个月上海的客户有多少", as_of=AS_OF)
    assert answer.status == "clarify" and answer.candidates
    readings = {(f.dimension, tuple(f.values)) for c in answer.candidates for f in c.interpretation.filters}
    assert readings == {("customer_city", ("上海",))}


@pytest.mark.parametrize("question", ["list all flagship stores and which city they're in", "列出所有旗舰店，分别在哪个城市"])
def test_which_city_each_listed_thing_is_in_is_a_column_not_a_listing_of_cities(bi, question):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    listed = [g.dimension for g in query.group_by]
    assert listed[0] == "store" and "city" in listed
    assert bi.ask("列出有旗舰店的城市", as_of=AS_OF).interpretation.group_by[0].dimension == "city"


def test_sort_it_is_a_ranking(bi):
    answer = bi.ask("本月各品类的销售额排个序", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.order_by


@pytest.mark.parametrize(("question", "descending", "limit"), [
    ("上个月哪个门店销售额排名第一", True, 1),  # 第1 is a place in the ranking, never the first quarter
    ("上个月销售额倒数第一的门店", False, 1),
    ("which store ranked first in sales last month", True, 1),
    ("上个月销售额排名最低的门店", False, None),  # 排名 says a ranking; 最低 says which way
    ("上个月销售额排名靠后的3家门店", False, 3),
    ("上个月销售额排名靠前的5家门店", True, 5),
    ("上个月门店销售额从低到高排个序", False, None),
    ("上个月哪个门店销售额垫底", False, 1),  # the one at the bottom
    ("上个月销售额垫底的3家门店", False, 3),
    ("上个月销售额头部的十个门店", True, 10),
])
def test_a_place_or_a_direction_in_a_ranking_is_read_as_said(bi, question, descending, limit):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert (query.time_range.start, query.time_range.end) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert [o.descending for o in query.order_by] == [descending] and query.limit == limit


def test_the_nth_place_of_a_ranking_is_that_place_not_a_top_n_or_a_quarter(bi):
    answer = bi.ask("上个月销售额排第2的城市", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert [g.dimension for g in query.group_by] == ["city"] and query.place == 2 and len(answer.rows) == 1
    assert query.time_range.start == dt.date(2026, 10, 1) and "排名第2的城市是" in answer.message


@pytest.mark.parametrize(("question", "descending", "limit"), [
    ("top five stores by sales last month", True, 5),  # number words, spelt out
    ("bottom five stores by sales last month", False, 5),
    ("top-3 stores by sales last month", True, 3),
    ("sales by store last month, top twenty", True, 20),
])
def test_a_top_n_said_in_words_or_hyphenated_is_read(bi, question, descending, limit):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert [o.descending for o in query.order_by] == [descending] and query.limit == limit


def test_periods_and_shares_said_in_words(bi):
    answer, query = read(bi, "sales for the last two weeks")
    assert answer.status == "answered", answer.message
    assert (query.time_range.start, query.time_range.end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 15))
    for question in ("上个月毛利率超过3成的品类", "上个月毛利率在三成以上的品类"):  # 成: tenths
        answer, query = read(bi, question)
        assert answer.status == "answered", answer.message
        assert [(h.metric, h.value) for h in query.having] == [("margin", 0.3)]


def test_setting_values_is_a_write_but_changing_a_question_is_not():
    writes = ("set the discount rate on all nike running shoes to 20% from tomorrow", "set the price to 99",
              "change every store status to inactive", "mark the orders as refunded")
    assert all(WRITE.search(t) for t in writes)
    reads = ("change the period to q3", "how did sales change across all regions from sept to 10 oct",
             "sales compared to last year")
    assert not any(WRITE.search(t) for t in reads)


@pytest.mark.parametrize(("question", "start", "end"), [
    ("前一个月的销售额", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),  # the month before, not this month so far
    ("上一个月的销售额", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
    ("上一周的销售额", dt.date(2026, 11, 2), dt.date(2026, 11, 8)),
    ("今年双11的订单数", dt.date(2026, 11, 11), dt.date(2026, 11, 11)),  # a year and a day said apart: one period
    ("去年的双11订单数", dt.date(2025, 11, 11), dt.date(2025, 11, 11)),
    ("sales in the third quarter", dt.date(2026, 7, 1), dt.date(2026, 9, 30)),
    ("sales in the first quarter of 2025", dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
    ("orders the month before last", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
])
def test_periods_said_with_an_ordinal_or_a_year_apart(bi, question, start, end):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert (query.time_range.start, query.time_range.end) == (start, end)


@pytest.mark.parametrize(("question", "op", "value"), [
    ("今年Q3销售额同比增长超过百分之十的大区", ">", 0.1),  # 百分之十 is 10%, never 110%
    ("Which regions had sales under 2 million in October?", "<", 2_000_000),  # million, not m + 'illion'
    ("cities with not more than 100 orders last month", "<=", 100),
    ("上个月销售额超过30w的门店", ">", 300_000),  # w: chat shorthand for 万
    ("今年退货率超过千分之五的门店", ">", 0.005),
    ("上个月退货率高于2个点的品类", ">", 0.02),  # points of a rate's level are percent
])
def test_thresholds_said_in_words_keep_their_number(bi, question, op, value):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert [(h.op, h.value) for h in query.having] == [(op, value)]


def test_points_of_a_change_are_the_change_of_the_rate(bi):
    """环比上升超过2个百分点 is a change of the rate in points, not a growth of 2% (was refused)."""
    answer, query = read(bi, "上个月退货率环比上升超过2个百分点的品类")
    assert answer.status == "answered", answer.message
    assert [(h.op, h.value, h.of) for h in query.having] == [(">", 0.02, "mom_change")]
    each = bi.ask("上个月各品类退货率环比", as_of=AS_OF)
    change = [c["name"] for c in each.columns].index("refund_rate__mom_change")
    assert {r[0] for r in answer.rows} == {r[0] for r in each.rows if r[change] is not None and r[change] > 0.02}


def test_not_counting_excludes_the_value(bi):
    answer, query = read(bi, "orders over golden week by store type, not counting online orders")
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.op, f.values) for f in query.filters] == [("channel", "not in", ["线上"])]


def test_several_values_of_shared_names_are_offered_read_together(bi):
    """杭州 and 宁波 are stores' cities and customers' cities: the choices read them alike, never a
    store city with a customer city, and a share keeps its whole under each reading."""
    answer = bi.ask("上个月杭州和宁波的销售额", as_of=AS_OF)
    assert answer.status == "clarify"
    readings = [{f.dimension: f.values for f in c.interpretation.filters} for c in answer.candidates]
    assert readings == [{"city": ["杭州", "宁波"]}, {"customer_city": ["杭州", "宁波"]}]
    share = bi.ask("上个月杭州的销售额占浙江省的比例是多少", as_of=AS_OF)
    assert share.status == "clarify"
    first, second = (c.interpretation for c in share.candidates)
    assert {f.dimension: f.values for f in first.filters} == {"city": ["杭州"], "province": ["浙江省"]}
    assert first.share_scope == ["province"] and not first.group_by and "share" in first.comparisons
    assert second.share_scope == ["customer_province"]


@pytest.mark.parametrize("question", ["今年线上订单数对比去年同期", "online orders YTD compared with the same period last year",
                                      "今年线上订单数和去年同期相比", "how are online orders tracking YTD vs the same period last year?"])
def test_compared_with_the_same_period_last_year_is_a_yoy_of_the_period_asked(bi, question):
    """Never last year's number alone: the period asked, against the same dates a year earlier."""
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert query.time_range.start == dt.date(2026, 1, 1) and query.comparisons == ["yoy"]


def test_an_exclusion_keeps_the_breakdown_and_says_what_else_it_leaves_out(bi):
    for question in ("上个月各大区的销售额，不含华东", "除了华东以外其他大区的销售额 上个月"):
        answer, query = read(bi, question)
        assert answer.status == "answered", answer.message
        assert [g.dimension for g in query.group_by] == ["region"]
        assert "华东" not in [row[0] for row in answer.rows]
    total, _ = read(bi, "上个月不含华东的销售额")  # the online mall has no region: NOT IN leaves it out, and says so
    assert "不含华东及线上商城" in total.message


def test_non_before_a_value_excludes_it(bi):
    """非会员的销售额 was the member level 普通 (a catalog synonym: non-members are recorded as 普通,
    but so are 4,304 members): 非 before a value is an exclusion of that value."""
    answer, query = read(bi, "上个月非会员的销售额")
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.op, f.values) for f in query.filters] == [("customer_segment", "not in", ["会员"])]
    whole, _ = read(bi, "上个月的销售额")
    members, _ = read(bi, "上个月会员的销售额")
    assert answer.rows[0][-1] == pytest.approx(whole.rows[0][-1] - members.rows[0][-1])


@pytest.mark.parametrize(("question", "start", "end"), [
    ("10月上旬的销售额", dt.date(2026, 10, 1), dt.date(2026, 10, 10)),
    ("第40周的销售额", dt.date(2026, 9, 28), dt.date(2026, 10, 4)),
    ("10.1-10.7的销售额", dt.date(2026, 10, 1), dt.date(2026, 10, 7)),
    ("sales from Oct 25 to Nov 3", dt.date(2026, 10, 25), dt.date(2026, 11, 3)),
    ("11月1日到20日的销售额", dt.date(2026, 11, 1), dt.date(2026, 11, 15)),  # the data ends on the 15th
])
def test_a_span_of_days_is_the_sum_of_those_days(bi, question, start, end):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    days, _ = read(bi, "今年每天的销售额")
    expected = sum(row[-1] for row in days.rows if start <= dt.date.fromisoformat(str(row[0])[:10]) <= end)
    assert answer.rows[0][-1] == pytest.approx(expected)
    assert f"{start} 至 {end}" in answer.message


@pytest.mark.parametrize("question", ["上个月80后到00后的销售额", "上个月银卡至钻石会员的销售额",
                                      "sales of gold to diamond members last month"])
def test_two_values_said_as_a_range_are_refused_not_read_as_the_two_ends(bi, question):
    """80后到00后 was answered as 80后 and 00后 (the hunt: 90后's 440万 dropped): the catalog gives the
    values no order, so the middle cannot be known."""
    answer, _ = read(bi, question)
    assert answer.status == "refused" and answer.reason == "value_range", (answer.status, answer.message)
    listed, query = read(bi, "上个月80后、90后和00后的销售额")
    assert listed.status == "answered" and sorted(query.filters[0].values) == ["00后", "80后", "90后"]


def test_the_week_before_and_paid_out_are_read(bi):
    answer, query = read(bi, "上周的订单数比再前一周涨了百分之多少？")
    assert answer.status == "answered", answer.message
    assert query.comparisons == ["mom"] and query.time_range.start == dt.date(2026, 11, 2) and not query.having
    answer, query = read(bi, "what did we pay out in refunds over golden week")
    assert answer.status == "answered", answer.message
    assert query.metrics == ["refund_amount"] and query.time_range.end == dt.date(2026, 10, 7)


def test_a_period_after_placed_or_finished_is_not_a_bottom_one(bi):
    answer = bi.ask("How many orders were placed last month", as_of=AS_OF)
    queries = [answer.interpretation] if answer.status == "answered" else [c.interpretation for c in answer.candidates]
    assert queries and all(q.limit is None and q.time_range.start == dt.date(2026, 10, 1) for q in queries)


def test_changing_a_question_is_not_a_write():
    assert not any(WRITE.search(t) for t in ("change the year to 2025", "set the limit to 10 and list top stores by sales",
                                             "change the chart to a bar chart for all regions", "set limit to 10"))
    assert WRITE.search("set all prices to 0")
    assert WRITE.search("set Ningbo's commission for October to 500k")  # a stored value set to a number


@pytest.mark.parametrize("question", ["sales by years", "what's the bottom line on sales this month"])
def test_plurals_and_idioms_are_no_dimension_heads(bi, question):
    """'years' is no store opening year, 'the bottom line' no product line ranked lowest first."""
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_stores_opened_this_year_are_counted_by_their_opening_date(bi):
    answer = bi.ask("how many stores opened this year", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.filters[0].dimension == "store_open_date"
