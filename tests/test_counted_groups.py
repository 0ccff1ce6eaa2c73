"""有几家 / 有多少个 / "how many": the count of the things a dimension names is the number of rows of
a listing, or of the groups a condition selects; said as a number only when it is the whole count."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from chatbi.pipeline.headline import headline
from semantic_layer import GroupBy, SemanticQuery

AS_OF = dt.date(2026, 11, 15)
OCTOBER_SALES_BY_STORE = """select s.store_name, sum(l.sales_amount) as sales from fact_order_line l
    join fact_order o using (order_id) join dim_store s using (store_id)
    where o.order_status <> '已取消' and o.order_date between date '2026-10-01' and date '2026-10-31'
    group by 1"""


@pytest.fixture()
def retail(small_retail):
    return small_retail


def scalar(warehouse, sql):
    return warehouse.execute(sql).rows[0][0]


@pytest.mark.parametrize(("question", "bound"), [
    ("上个月销售额超过3万的门店有几家", 30_000),
    ("上个月有多少个门店销售额超过2万", 20_000),
    ("how many stores had sales over 30000 last month", 30_000),
])
def test_how_many_groups_meet_a_condition_is_the_count_of_those_groups(retail, question, bound):
    bi, warehouse = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert [g.dimension for g in query.group_by] == ["store"]  # the stores asked about, never the regions
    assert [(h.metric, h.op, h.value) for h in query.having] == [("sales", ">", bound)]
    expected = scalar(warehouse, f"select count(*) from ({OCTOBER_SALES_BY_STORE}) where sales > {bound}")
    assert expected > 0 and len(answer.rows) == expected
    assert f"满足条件的门店共 {expected} 个" in answer.message
    assert f"{expected} stores meet the condition" in answer.message_en


@pytest.mark.parametrize(("question", "where"), [
    ("有多少家门店", "true"), ("有多少门店", "true"), ("how many stores are there", "true"), ("上海有几家门店", "city = '上海'"),
    ("上海一共有多少门店", "city = '上海'"),
    ("上海有几家社区店", "city = '上海' and store_type = '社区店'"), ("社区店一共有多少家", "store_type = '社区店'"),
])
def test_how_many_of_a_thing_is_the_count_of_its_listing(retail, question, where):
    bi, warehouse = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = scalar(warehouse, f"select count(*) from dim_store where {where}")
    assert len(answer.rows) == expected and answer.message.startswith(f"共 {expected} 个门店")


def test_how_many_said_of_no_condition_is_asked_back(retail):
    """how many stores had sales: a count by what? The sales of every store is not that count."""
    bi, _ = retail
    assert bi.ask("how many stores had sales last month", as_of=AS_OF).status == "clarify"


def test_a_below_condition_says_the_groups_with_no_data_are_not_counted(retail):
    """A store with no sales may not have been open: the stores below a bound are those with data, said so."""
    bi, warehouse = retail
    answer = bi.ask("上个月销售额低于10万的门店", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = scalar(warehouse, f"select count(*) from ({OCTOBER_SALES_BY_STORE}) v where v.sales < 100000")
    assert len(answer.rows) == expected and "该期间没有数据的门店不在其中" in answer.message


def test_a_listing_cut_at_the_row_limit_is_not_said_as_the_total(retail):
    bi, _ = retail
    query = SemanticQuery(group_by=[GroupBy(dimension="store")])
    columns = [{"name": "store", "kind": "dimension", "label": "门店", "label_en": "store"}]
    compiled = SimpleNamespace(start=None, end=AS_OF)
    rows = [[f"S{i}"] for i in range(5000)]
    zh, en = headline(bi.catalog.catalog, query, compiled, columns, rows, truncated=True)
    assert zh.startswith("超过 5000 个门店") and "共 5000" not in zh and en.startswith("More than 5000 stores")
    assert headline(bi.catalog.catalog, query, compiled, columns, rows)[0].startswith("共 5000 个门店")


@pytest.mark.parametrize("question", ["上个月销售额超过2万或退单率低于5%的门店",
                                      "stores with sales over 20000 or a return order rate below 5% last month"])
def test_conditions_joined_by_or_are_refused_not_answered_as_both(retail, question):
    bi, _ = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "conditions_or" and not answer.candidates


def test_conditions_joined_by_and_are_both_applied(retail):
    bi, warehouse = retail
    answer = bi.ask("上个月销售额超过2万且订单数超过100的门店", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(h.metric, h.op, h.value) for h in answer.interpretation.having] == [("sales", ">", 20000),
                                                                                ("orders", ">", 100)]
    expected = scalar(warehouse, """select count(*) from (select s.store_name, sum(l.sales_amount) as sales,
        count(distinct o.order_id) as orders from fact_order_line l join fact_order o using (order_id)
        join dim_store s using (store_id) where o.order_status <> '已取消'
        and o.order_date between date '2026-10-01' and date '2026-10-31' group by 1)
        where sales > 20000 and orders > 100""")
    assert len(answer.rows) == expected > 0


def test_a_value_and_shu_is_the_count_of_those_rows(small_insurance):
    """未决案件数: the claims whose state is 未决, counted by the catalog's one plain count of claims."""
    bi, warehouse = small_insurance
    answer = bi.ask("今年未决案件数", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert query.metrics == ["claims"] and [(f.dimension, f.values) for f in query.filters] == [("claim_state", ["未决"])]
    expected = scalar(warehouse, """select count(*) from claim where settled_date is null
        and reported_date between date '2026-01-01' and date '2026-11-15'""")
    assert answer.rows[0][0] == expected > 0


def test_periods_meeting_a_condition_are_those_periods(retail):
    """销售额超过X的月份 asked which dimension; the months are the groups (every month in range is a row)."""
    bi, warehouse = retail
    monthly = warehouse.execute("""select date_trunc('month', o.order_date) as m, sum(l.sales_amount) from fact_order_line l
        join fact_order o using (order_id) where o.order_status <> '已取消'
        and o.order_date between date '2026-01-01' and date '2026-11-15' group by 1""").rows
    bound = int(sorted(float(v) for _, v in monthly)[len(monthly) // 2])
    expected = sum(float(v) > bound for _, v in monthly)
    answer = bi.ask(f"今年销售额超过{bound}的月份有几个", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert [g.grain for g in query.group_by] == ["month"] and [h.value for h in query.having] == [bound]
    assert len(answer.rows) == expected > 0 and f"满足条件的月份共 {expected} 个" in answer.message


@pytest.mark.parametrize("question", ["各省份有几家门店", "每个城市有几家旗舰店", "how many stores are in each region"])
def test_how_many_per_group_is_not_answered_as_one_count(retail, question):
    """各省份有几家门店 said "共 60 个省份": the number of stores, named as provinces, nothing per province."""
    bi, _ = retail
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_how_many_of_a_metric_per_group_is_that_metric(retail):
    bi, _ = retail
    answer = bi.ask("上个月每个门店有多少个订单", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["orders"], answer.message


def test_a_year_range_of_an_event_keeps_the_years_between(retail):
    """2020到2022年开业 was read as 2020 and 2022, leaving out 2021."""
    bi, warehouse = retail
    answer = bi.ask("2020到2022年开业的门店有几家", as_of=AS_OF)
    expected = scalar(warehouse, "select count(*) from dim_store where year(open_date) between 2020 and 2022")
    assert answer.status == "answered" and len(answer.rows) == expected > 0


def test_a_count_of_things_by_name_is_given_only_when_it_is_the_count_of_the_things(retail):
    """有多少个客户 said 共 1998 个 for 2000 customers (two pairs share a name): not shown as a count."""
    bi, warehouse = retail
    customers = scalar(warehouse, "select count(*) from dim_customer")
    names = scalar(warehouse, "select count(distinct customer_name) from dim_customer")
    answer = bi.ask("有多少个客户", as_of=AS_OF)
    if names < customers:
        assert answer.status == "refused" and answer.reason == "count_by_name"
    else:
        assert answer.message.startswith(f"共 {customers} 个")


@pytest.mark.parametrize("question", ["今年销售额比去年高也比前年高的门店有几家", "今年退单率不如去年的门店有几家"])
def test_comparisons_the_reading_cannot_place_are_not_answered(retail, question):
    """前年 against 去年 said as a comparison (not the period), 不如 (worse: higher for a return rate)."""
    bi, _ = retail
    assert bi.ask(question, as_of=AS_OF).status != "answered"


@pytest.mark.parametrize("question", ["列出开业年份为2020的门店", "开业年份为2020的门店有几家"])
def test_a_dimension_named_with_its_value_is_a_condition_not_the_things_listed(retail, question):
    """列出开业年份为2020的门店 said 共 6 个开业年份: the stores were listed under the year."""
    bi, warehouse = retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.group_by[0].dimension == "store"
    stores = scalar(warehouse, "select count(*) from dim_store where year(open_date) = 2020")
    assert len(answer.rows) == stores > 0 and f"共 {stores} 个门店" in answer.message
