"""The retail demo warehouse is deterministic, referentially intact and arithmetically consistent."""

from datetime import date

import duckdb
import pytest

from chatbi.demo.retail import DATA_START, FACT_TABLES, build_retail_warehouse

AS_OF = date(2026, 11, 15)
SCALE = 0.05
DIMENSIONS = ["dim_region", "dim_store", "dim_customer", "dim_product", "dim_payment_mode"]


@pytest.fixture(scope="module")
def retail(tmp_path_factory):
    return build_retail_warehouse(tmp_path_factory.mktemp("retail") / "retail.duckdb", scale=SCALE, as_of=AS_OF)


@pytest.fixture(scope="module")
def con(retail):
    with duckdb.connect(str(retail.path), read_only=True) as connection:
        yield connection


def one(con, sql):
    return con.execute(sql).fetchone()[0]


def fingerprint(path):
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: c.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}").fetchall()
                for t in FACT_TABLES + DIMENSIONS}


def test_same_seed_scale_and_date_give_identical_data(tmp_path, retail, con):
    again = build_retail_warehouse(tmp_path / "again.duckdb", scale=SCALE, as_of=AS_OF)
    assert again.row_counts == retail.row_counts
    assert fingerprint(again.path) == fingerprint(retail.path)
    sums = "SELECT sum(quantity), sum(sales_amount), sum(cost_amount), sum(profit) FROM fact_order_line"
    with duckdb.connect(str(again.path), read_only=True) as c:
        assert c.execute(sums).fetchall() == con.execute(sums).fetchall()
    other = build_retail_warehouse(tmp_path / "other.duckdb", scale=SCALE, seed=7, as_of=AS_OF)
    assert fingerprint(other.path)["fact_order_line"] != fingerprint(retail.path)["fact_order_line"]


def test_the_scale_sets_the_volume(retail):
    counts = retail.row_counts
    assert set(FACT_TABLES + DIMENSIONS) <= set(counts)
    assert counts["dim_store"] == 60 and counts["dim_region"] == 7 and counts["dim_payment_mode"] == 5
    # scale 1 gives ~630k order lines; 0.05 about a twentieth
    assert 20_000 < counts["fact_order_line"] < 45_000
    assert counts["fact_order"] < counts["fact_order_line"]
    assert 0 < counts["fact_return"] < counts["fact_order_line"] * 0.1


@pytest.mark.parametrize("child, column, parent, key", [
    ("fact_order", "customer_id", "dim_customer", "customer_id"),
    ("fact_order", "store_id", "dim_store", "store_id"),
    ("fact_order", "payment_mode_id", "dim_payment_mode", "payment_mode_id"),
    ("fact_order_line", "order_id", "fact_order", "order_id"),
    ("fact_order_line", "product_id", "dim_product", "product_id"),
    ("fact_return", "order_id", "fact_order", "order_id"),
    ("fact_return", "product_id", "dim_product", "product_id"),
    ("dim_store", "region_id", "dim_region", "region_id"),
])
def test_every_foreign_key_resolves(con, child, column, parent, key):
    assert one(con, f"SELECT count(*) FROM {parent} GROUP BY {key} ORDER BY 1 DESC LIMIT 1") == 1
    orphans = one(con, f"SELECT count(*) FROM {child} c WHERE c.{column} IS NOT NULL "
                       f"AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})")
    assert orphans == 0
    if child.startswith("fact_"):
        assert one(con, f"SELECT count(*) FROM {child} WHERE {column} IS NULL") == 0


def test_keys_are_unique(con):
    assert one(con, "SELECT count(*) - count(DISTINCT order_id) FROM fact_order") == 0
    assert one(con, "SELECT count(*) - count(DISTINCT (order_id, line_no)) FROM fact_order_line") == 0
    # a product appears once per order, so a return names its line by (order_id, product_id)
    assert one(con, "SELECT count(*) - count(DISTINCT (order_id, product_id)) FROM fact_order_line") == 0
    assert one(con, "SELECT count(*) - count(DISTINCT return_id) FROM fact_return") == 0
    assert one(con, """SELECT count(*) FROM fact_return r
                       WHERE NOT EXISTS (SELECT 1 FROM fact_order_line l
                                         WHERE l.order_id = r.order_id AND l.product_id = r.product_id)""") == 0
    assert one(con, "SELECT count(*) FROM fact_order o WHERE NOT EXISTS "
                    "(SELECT 1 FROM fact_order_line l WHERE l.order_id = o.order_id)") == 0


def test_dates_lie_in_the_data_period(con):
    lo, hi = con.execute("SELECT min(order_date), max(order_date) FROM fact_order").fetchone()
    assert DATA_START <= lo and hi <= AS_OF
    assert lo == DATA_START and hi == AS_OF
    assert one(con, "SELECT max(ship_date) FROM fact_order") <= AS_OF
    assert one(con, "SELECT count(*) FROM fact_order WHERE ship_date < order_date") == 0
    assert one(con, """SELECT count(*) FROM fact_return r JOIN fact_order o USING (order_id)
                       WHERE r.return_date <= o.order_date OR r.return_date > DATE '2026-11-15'""") == 0
    assert one(con, """SELECT count(*) FROM fact_order o JOIN dim_store s USING (store_id)
                       WHERE o.order_date < s.open_date""") == 0
    assert one(con, """SELECT count(*) FROM fact_order o JOIN dim_customer c USING (customer_id)
                       WHERE o.order_date < c.join_date""") == 0
    assert one(con, "SELECT max(join_date) FROM dim_customer") <= AS_OF


def test_line_arithmetic(con):
    assert one(con, """SELECT count(*) FROM fact_order_line
                       WHERE abs(sales_amount - quantity * unit_price * (1 - discount_rate)) > 0.005""") == 0
    assert one(con, "SELECT count(*) FROM fact_order_line WHERE profit <> sales_amount - cost_amount") == 0
    assert one(con, """SELECT count(*) FROM fact_order_line l JOIN dim_product p USING (product_id)
                       WHERE l.unit_price <> p.unit_price OR l.cost_amount <> l.quantity * p.unit_cost""") == 0
    assert one(con, "SELECT count(*) FROM fact_order_line WHERE quantity < 1 OR discount_rate < 0 "
                    "OR discount_rate >= 0.6") == 0
    assert one(con, """SELECT count(*) FROM fact_return r JOIN fact_order_line l USING (order_id, product_id)
                       WHERE r.return_quantity < 1 OR r.return_quantity > l.quantity
                          OR r.refund_amount > l.sales_amount""") == 0


def test_statuses_agree_with_shipping_and_returns(con):
    statuses = {r[0] for r in con.execute("SELECT DISTINCT order_status FROM fact_order").fetchall()}
    assert {"已完成", "已取消", "已退货", "部分退货"} <= statuses <= {"已完成", "已取消", "已退货", "部分退货",
                                                                    "已发货", "待发货"}
    assert one(con, "SELECT count(*) FROM fact_order WHERE order_status = '已取消' AND ship_date IS NOT NULL") == 0
    assert one(con, """SELECT count(*) FROM fact_return JOIN fact_order USING (order_id)
                       WHERE order_status NOT IN ('已退货', '部分退货')""") == 0
    assert one(con, """SELECT count(*) FROM fact_order o WHERE order_status IN ('已退货', '部分退货')
                       AND NOT EXISTS (SELECT 1 FROM fact_return r WHERE r.order_id = o.order_id)""") == 0


def test_the_data_looks_like_a_retailer(con):
    assert one(con, "SELECT count(*) FROM dim_store WHERE city IS NULL") == 1
    assert one(con, "SELECT store_type FROM dim_store WHERE city IS NULL") == "线上商城"
    assert one(con, "SELECT count(*) FROM dim_store WHERE open_date >= DATE '2024-01-01'") >= 5
    assert one(con, "SELECT count(DISTINCT sub_category) FROM dim_product") >= 30
    per_cat = con.execute("SELECT count(DISTINCT sub_category) FROM dim_product GROUP BY category").fetchall()
    assert all(3 <= n <= 6 for (n,) in per_cat)
    losing = {r[0] for r in con.execute("""SELECT p.sub_category FROM fact_order_line l JOIN dim_product p
                                           USING (product_id) GROUP BY 1 HAVING sum(l.profit) < 0""").fetchall()}
    assert 1 <= len(losing) <= 5
    by_month = dict(con.execute("""SELECT month(o.order_date), sum(l.sales_amount) FROM fact_order_line l
                                   JOIN fact_order o USING (order_id) WHERE year(o.order_date) = 2025
                                   GROUP BY 1""").fetchall())
    assert by_month[11] > by_month[10] and by_month[6] > by_month[5]   # 双11 and 618
    assert by_month[2] == min(by_month.values())                      # Spring Festival
    assert one(con, "SELECT count(DISTINCT channel) FROM fact_order") == 2


@pytest.fixture(scope="module")
def bi(retail):
    from chatbi.core import ChatBI
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    return ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), connect(str(retail.path)), use_model=False)


def test_sales_by_region_come_from_order_lines_and_name_the_online_mall(bi, con):
    """Order lines are dated by their order (time.via); the mall, in no region, is a named row
    whose number is the truth, and the rows add up to all sales."""
    from chatbi.pipeline.answer import key_text
    from ui.charts import frame

    answer = bi.ask("上个月各大区销售额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    region = answer.columns[0]
    shown = {key_text(region, r[0]): float(r[1]) for r in answer.rows}
    total = one(con, """SELECT sum(l.sales_amount) FROM fact_order_line l JOIN fact_order o USING (order_id)
                        WHERE o.order_status <> '已取消' AND o.order_date BETWEEN '2026-10-01' AND '2026-10-31'""")
    mall = one(con, """SELECT sum(l.sales_amount) FROM fact_order_line l JOIN fact_order o USING (order_id)
                       JOIN dim_store s USING (store_id) WHERE s.region_id IS NULL AND o.order_status <> '已取消'
                       AND o.order_date BETWEEN '2026-10-01' AND '2026-10-31'""")
    assert shown["线上商城"] == pytest.approx(float(mall)) and mall > 0
    assert sum(shown.values()) == pytest.approx(float(total))
    assert "online mall" in set(frame(answer, "en").iloc[:, 0]) and None not in set(frame(answer).iloc[:, 0])


def test_a_listing_of_described_rows_shows_each_row_with_the_attribute_asked_for(bi, con):
    answer = bi.ask("列出西南大区的所有标准店及开业日期", as_of=AS_OF)
    names = [c["name"] for c in answer.columns]
    assert answer.status == "answered" and names[0] == "store" and "store_open_date" in names, names
    want = {r[0] for r in con.execute("""SELECT s.store_name FROM dim_store s JOIN dim_region r USING (region_id)
                                        WHERE r.region_name = '西南' AND s.store_type = '标准店'""").fetchall()}
    assert {r[0] for r in answer.rows} == want and want
    kinds = bi.ask("西南大区有哪些门店类型", as_of=AS_OF)  # no row named: the distinct values
    assert [c["name"] for c in kinds.columns] == ["store_type"] and len(kinds.rows) <= 3


def test_the_average_of_the_things_listed_may_be_named_but_another_average_is_asked(bi):
    answer = bi.ask("上个月订单数低于社区店平均水平的社区店", as_of=AS_OF)
    query = answer.interpretation
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in query.group_by] == ["store"]  # the stores that are 社区店
    assert [(f.dimension, f.values) for f in query.filters] == [("store_type", ["社区店"])]
    assert [(h.op, h.against) for h in query.having] == [("<", "average")]
    english = bi.ask("stores with sales above the store average last month", as_of=AS_OF)
    assert english.status == "answered" and [g.dimension for g in english.interpretation.group_by] == ["store"]
    other = bi.ask("stores with sales above the city average last month", as_of=AS_OF)  # another computation
    assert other.status != "answered"


def test_top_n_in_each_group_said_after_the_ranking(bi):
    answer = bi.ask("top 2 sub-categories by sales in each category this year", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    top = answer.interpretation.top_within
    assert top.within == ["category"] and top.n == 2
    per_category = {}
    for row in answer.rows:
        per_category.setdefault(row[[c["name"] for c in answer.columns].index("category")], []).append(row)
    assert per_category and all(len(rows) >= 2 for rows in per_category.values())


def test_a_metric_asked_without_its_last_character_is_the_metric_not_a_breakdown(bi):
    """上个月新增客户最多的5个客户城市: 新增客户 is 新增客户数, not new customers broken down by customer
    (the model once read it so: 594 rows instead of 5)."""
    answer = bi.ask("上个月新增客户最多的5个客户城市", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["new_customers"]
    assert [g.dimension for g in answer.interpretation.group_by] == ["customer_city"] and len(answer.rows) >= 5
    place = [i for i, c in enumerate(answer.columns) if c["name"].endswith("__place")][0]
    assert max(row[place] for row in answer.rows) <= 5  # the first five places, ties kept


def test_a_breakdown_read_from_the_metrics_own_word_is_not_trusted_on_the_model_path(bi):
    from chatbi.pipeline.matcher import Match

    match = Match(text="上个月新增客户最多的5个客户城市", group_by=["customer", "customer_city"])
    assert bi.decider._inside_metric_words("new_customers", match) == ["customer"]
    assert bi.decider._inside_metric_words("orders", match) == []


def test_a_table_whose_first_event_comes_later_does_not_cut_the_others(bi, con):
    """净销售额 = sales − returns; the first return is after the first sale: January 2024 keeps its
    first day's sales (cutting at the first return lost them)."""
    answer = bi.ask("2024年1月的净销售额", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.time_range.start.isoformat() == "2024-01-01"
    assert not answer.message.startswith("（数据从")


def test_a_shared_value_is_not_settled_by_a_breakdown(bi):
    answer = bi.ask("上海各会员等级的销售额", as_of=AS_OF)  # the store's 上海 or the customer's: asked
    assert answer.status == "clarify" and answer.reason == "ambiguous_value"


def test_what_percent_of_a_metric_came_from_a_value_is_its_share_of_all(bi, con):
    answer = bi.ask("what % of sales came from online this year", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    share = [i for i, c in enumerate(answer.columns) if c["name"] == "sales__share"][0]
    want = one(con, """SELECT SUM(l.sales_amount) FILTER (WHERE o.channel = '线上') / SUM(l.sales_amount)
                       FROM fact_order_line l JOIN fact_order o USING (order_id)
                       WHERE o.order_status <> '已取消' AND o.order_date BETWEEN '2026-01-01' AND '2026-11-15'""")
    assert answer.rows[0][share] == pytest.approx(float(want))


def test_a_dimension_said_as_what_a_metric_is_of_is_its_breakdown_and_a_comparative_with_the_whole(bi):
    answer = bi.ask("上个月线上线下的销售额、订单数和退货金额", as_of=AS_OF)
    assert answer.status == "answered" and [g.dimension for g in answer.interpretation.group_by] == ["channel"]
    assert answer.interpretation.metrics == ["sales", "orders", "refund_amount"]
    higher = bi.ask("which categories had a higher return rate than the company overall in 2025", as_of=AS_OF)
    assert higher.status == "answered", higher.message
    assert [(h.metric, h.op, h.against) for h in higher.interpretation.having] == [("refund_rate", ">", "average")]


def test_what_percent_of_a_scoped_metric_came_from_a_value_keeps_the_scope_as_the_whole(bi, con):
    """what % of sales in 华东 came from online: 华东's online sales over 华东's sales (not over all sales)."""
    answer = bi.ask("what % of sales in 华东 came from online last month", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    share = [i for i, c in enumerate(answer.columns) if c["name"] == "sales__share"][0]
    want = one(con, """SELECT SUM(l.sales_amount) FILTER (WHERE o.channel = '线上') / SUM(l.sales_amount)
                       FROM fact_order_line l JOIN fact_order o USING (order_id) JOIN dim_store s USING (store_id)
                       JOIN dim_region r USING (region_id) WHERE r.region_name = '华东' AND o.order_status <> '已取消'
                       AND o.order_date BETWEEN '2026-10-01' AND '2026-10-31'""")
    assert answer.rows[0][share] == pytest.approx(float(want))


def test_comparatives_bind_only_to_the_whole_and_a_value_with_its_noun_is_no_breakdown(bi):
    assert bi.ask("which stores had higher sales than 上海徐汇旗舰店 last month", as_of=AS_OF).status != "answered"
    both = bi.ask("which stores had higher sales and a lower return rate than the company overall last month",
                  as_of=AS_OF)
    assert both.status != "answered"  # one condition must not be dropped silently
    noun = bi.ask("上个月社区店门店的销售额", as_of=AS_OF)
    assert noun.status != "answered" or not noun.interpretation.group_by


def test_a_filter_the_metrics_definition_leaves_out_is_said_not_answered_as_no_data(bi):
    """订单数 counts no cancelled orders: 'what % of orders were cancelled' is not 'no data' (read as 0)."""
    for question in ("what % of orders were cancelled last month", "上个月取消的订单占比"):
        answer = bi.ask(question, as_of=AS_OF)
        # said, and the metric that keeps them (下单数) offered: never answered as no data
        assert answer.status != "answered" and answer.reason == "excluded_by_definition", answer.message
        assert "已取消" in answer.message
    kept = bi.ask("上个月已完成订单的订单数", as_of=AS_OF)  # a status the definition keeps is answered
    assert kept.status == "answered" and kept.rows[0][0] > 0


@pytest.mark.parametrize("question", ["which stores are community stores in Beijing", "北京哪些门店是社区店"])
def test_which_things_are_named_values_is_a_listing_of_them(bi, con, question):
    """Nothing to count is asked: the stores themselves, each once, with their opening date (a date)."""
    import datetime as dt

    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and not answer.interpretation.metrics, answer.message
    names = {r[0] for r in answer.rows}
    truth = {r[0] for r in con.execute("SELECT store_name FROM dim_store WHERE city = '北京' AND store_type = '社区店'")
             .fetchall()}
    assert names == truth and truth
    assert answer.message_en.startswith(f"{len(truth)} store")
    dated = bi.ask("列出北京所有社区店及开业日期", as_of=AS_OF)
    column = [c["name"] for c in dated.columns].index("store_open_date")
    assert all(isinstance(r[column], dt.date) for r in dated.rows)


def test_days_named_in_the_catalog_calendar_are_answered_for_their_date(bi, con):
    """双11 is the catalog's word for 11-11 (catalog.calendar), not code's; 去年双11 is the one before."""
    for question, day in (("双11当天下单数", "2026-11-11"), ("去年双十一的下单数", "2025-11-11")):
        answer = bi.ask(question, as_of=AS_OF)
        assert answer.status == "answered", answer.message
        truth = one(con, f"SELECT count(*) FROM fact_order WHERE order_date = DATE '{day}'")
        assert answer.rows[0][-1] == truth and answer.message.startswith(day)


@pytest.mark.parametrize("question", ["哪个门店最强", "which one did best last month?", "上个月哪个大区最弱"])
def test_best_and_worst_said_otherwise_ask_which_metric(bi, question):
    """最强 / did best rank by something the question does not name: asked, never refused or guessed."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and len(answer.candidates) >= 2, answer.message
    assert all(c.interpretation.order_by for c in answer.candidates)
