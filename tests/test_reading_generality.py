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
