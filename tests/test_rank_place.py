"""排名第二的门店, "the second highest", 倒数第二: one place of a ranking (ties share a place, as RANK),
named as that place; never the top 2 said as a ranking, and never the next one called second when two
tie above it."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from chatbi.pipeline.headline import headline
from semantic_layer import GroupBy, OrderBy, SemanticQuery, TimeRange

AS_OF = dt.date(2026, 11, 15)
OCTOBER_SALES_BY_REGION = """select r.region_name, sum(l.sales_amount) as sales from fact_order_line l
    join fact_order o using (order_id) join dim_store s using (store_id) join dim_region r using (region_id)
    where o.order_status <> '已取消' and o.order_date between date '2026-10-01' and date '2026-10-31'
    group by 1"""


@pytest.mark.parametrize(("question", "place", "descending"), [
    ("上个月销售额排名第二的大区", 2, True),
    ("上个月销售额排第3的大区是哪个", 3, True),
    ("which region had the second highest sales last month", 2, True),
    ("上个月销售额倒数第二的大区", 2, False),
    ("上个月销售额第二少的大区", 2, False),  # 第二少: from the bottom (was read as the second highest)
    ("上个月销售额第二高的大区", 2, True),
])
def test_a_place_of_a_ranking_is_the_region_at_that_place(small_retail, question, place, descending):
    bi, warehouse = small_retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert query.place == place and query.order_by[0].descending == descending
    ranked = warehouse.execute(f"select region_name, sales from ({OCTOBER_SALES_BY_REGION}) "
                               f"order by sales {'desc' if descending else 'asc'}").rows
    name, value = ranked[place - 1]
    assert ranked[place - 2][1] != value != (ranked[place][1] if len(ranked) > place else None)  # no tie here
    assert f"第{place}的大区是{name}" in answer.message, answer.message
    assert [r[0] for r in answer.rows] == [name] and answer.rows[0][1] == pytest.approx(value)


def test_two_places_or_a_place_within_groups_are_refused(small_retail):
    bi, _ = small_retail
    for question in ("上个月销售额排名第二和第三的大区", "上个月各大区销售额排名第二的门店"):
        answer = bi.ask(question, as_of=AS_OF)
        assert answer.status == "refused" and answer.reason == "rank_place", answer.message


def test_a_lower_is_better_metrics_place_asks_which_end(small_retail):
    bi, _ = small_retail
    answer = bi.ask("上个月退货率排名第二的门店", as_of=AS_OF)
    assert answer.status == "clarify"
    assert sorted(c.interpretation.order_by[0].descending for c in answer.candidates) == [False, True]
    assert all(c.interpretation.place == 2 for c in answer.candidates)


def _place_headline(bi, rows):
    query = SemanticQuery(metrics=["sales"], group_by=[GroupBy(dimension="region")],
                          order_by=[OrderBy(field="sales")], limit=2, place=2,
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    columns = [{"name": "region", "kind": "dimension", "label": "大区", "label_en": "region"},
               {"name": "sales", "kind": "metric", "metric": "sales", "label": "销售额", "label_en": "sales",
                "format": "currency"},
               {"name": "sales__place", "kind": "comparison", "metric": "sales", "label": "名次", "label_en": "place",
                "format": "integer"}]
    compiled = SimpleNamespace(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    return headline(bi.catalog, query, compiled, columns, rows)


def test_two_tied_at_the_top_leave_no_second_place(small_retail):
    bi, _ = small_retail
    zh, en = _place_headline(bi, [["华东", 100.0, 1], ["华南", 100.0, 1]])
    assert "没有排名第2" in zh and "华东" in zh and "华南" in zh and "并列排名第1" in zh, zh
    assert "no place 2" in en
    zh, _ = _place_headline(bi, [["华东", 100.0, 1], ["华南", 90.0, 2], ["华北", 90.0, 2]])
    assert "并列排名第2的大区是华南" in zh and "华北" in zh, zh
    zh, _ = _place_headline(bi, [["华东", 100.0, 1]])
    assert "只有 1 个大区" in zh and "没有排名第2" in zh, zh


def test_a_place_needs_its_ranking_cut_at_it():
    with pytest.raises(ValueError, match="place in a ranking"):
        SemanticQuery(metrics=["sales"], group_by=[GroupBy(dimension="region")], place=2)
    with pytest.raises(ValueError, match="place in a ranking"):
        SemanticQuery(metrics=["sales"], group_by=[GroupBy(dimension="region")], order_by=[OrderBy(field="sales")],
                      limit=3, place=2)


@pytest.mark.parametrize("question", ["上个月销售额前三和后三的品类", "top 3 and bottom 3 categories by sales last month"])
def test_both_ends_of_a_ranking_at_once_are_never_one_end(small_retail, question):
    """前三和后三 was answered with the last three only (hunt 3): one answer cannot hold both ends."""
    bi, _ = small_retail
    assert bi.ask(question, as_of=dt.date(2026, 11, 15)).status != "answered"


@pytest.mark.parametrize("question", ["上个月销售额最高的城市的各门店销售额", "今年每个月销售额最高的品类",
                                      "上个月销售额前3的品类各自销售额前2的品牌",
                                      "上个月退货金额最多的品类的退货原因分布"])  # every category × reason (hunt 8)
def test_a_ranking_inside_a_rankings_top_is_never_flattened(small_retail, question):
    """最高的城市的各门店 listed every store, each ranked 1; 每个月最高的品类 was every month × category
    sorted together; 前3的品类各自前2的品牌 the overall top 2 (hunt 4)."""
    bi, _ = small_retail
    assert bi.ask(question, as_of=dt.date(2026, 11, 15)).status != "answered"
    assert bi.ask("每个城市销售额最高的门店", as_of=dt.date(2026, 11, 15)).status == "answered"
    assert bi.ask("上个月各品类各退货原因的退货金额排名", as_of=dt.date(2026, 11, 15)).status == "answered"


def test_the_month_ranked_is_no_typo_of_another_metric(small_retail):
    """哪个月销售额最低 was asked back between 销售额 and 净销售额 by region (hunt 8): 月 before 销售额 was
    read as a mistyped 净. The month is what is ranked, over whole months."""
    bi, warehouse = small_retail
    answer = bi.ask("今年哪个月销售额最低", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    truth = warehouse.execute("""select date_trunc('month', o.order_date), sum(l.sales_amount) from fact_order_line l
        join fact_order o using (order_id) where o.order_status <> '已取消'
        and o.order_date between date '2026-01-01' and date '2026-10-31' group by 1 order by 2 limit 1""").rows
    assert str(answer.rows[0][0])[:7] == str(truth[0][0])[:7] and float(answer.rows[0][-1]) == pytest.approx(float(truth[0][1]))


@pytest.mark.parametrize(("question", "within"), [
    ("上个月每个大区销售额最高的2家社区店", "region_name"), ("上个月每个城市销售额最低的社区店", "city"),
])
def test_a_value_after_the_ranking_names_the_things_ranked_within_each_group(small_retail, question, within):
    """每个大区销售额最高的2家社区店 ranked the regions by their 社区店 sales (hunt 9): the stores that are
    社区店 are ranked, within each region."""
    bi, warehouse = small_retail
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    n, order = (2, "DESC") if "最高" in question else (1, "ASC")
    truth = warehouse.execute(f"""SELECT g, store_name, sales FROM (SELECT {within} AS g, s.store_name, sales,
        RANK() OVER (PARTITION BY {within} ORDER BY sales {order}) AS r FROM (
            SELECT r.region_name, s.city, s.store_name, SUM(l.sales_amount) AS sales FROM fact_order_line l
            JOIN fact_order o USING (order_id) JOIN dim_store s USING (store_id) LEFT JOIN dim_region r USING (region_id)
            WHERE o.order_status <> '已取消' AND s.store_type = '社区店'
            AND o.order_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY 1, 2, 3) s) t
        WHERE r <= {n} AND g IS NOT NULL""").rows
    shown = sorted((r[0], r[1], round(float(r[2]), 2)) for r in answer.rows)
    assert shown == sorted((g, s, round(float(v), 2)) for g, s, v in truth)


def test_a_share_of_the_group_named_as_the_whole_is_of_each_groups_own(small_retail):
    """每个大区销售额最高的门店占大区的比例 divided by the national total (上海徐汇旗舰店 5.7% for 20.4%,
    hunt 9): the region named as the whole is each store's own region."""
    bi, warehouse = small_retail
    answer = bi.ask("上个月每个大区销售额最高的门店占大区的比例", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    totals = dict(warehouse.execute(f"SELECT region_name, SUM(sales) FROM ({OCTOBER_SALES_BY_REGION}) t GROUP BY 1").rows)
    names = [c["name"] for c in answer.columns]
    for row in answer.rows:
        share = row[names.index("sales__share")]
        assert share == pytest.approx(float(row[names.index("sales")]) / float(totals[row[0]]))
