"""A fifth domain nobody here wrote (eval/bank: a city bank's retail network, by a helper from
docs/catalog.md alone). What its blind set found: balances said at month ends (每月末, 近三个月末,
10月底, 年末, "outstanding"), a listing that ignored 排名前五, 最高的分行 as the first place, 基金 read as
small talk, a write said as "set … 's tier to …", a future said as "what will … be"."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.blind_domain import AS_OF, module_fixtures, rows

CATALOG = Path("metric_catalog") / "bank" / "bank.yaml"


built, bi = module_fixtures("bank", CATALOG)


one = rows


def test_each_month_end_is_a_row_per_month(bi, built):
    answer = bi.ask("今年每月末存款余额", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.time_group is not None, answer.message
    expected = one(built, """SELECT month_end, SUM(balance) FROM fact_deposit_month
        WHERE month_end BETWEEN DATE '2026-01-31' AND DATE '2026-10-31' GROUP BY 1 ORDER BY 1""")
    assert [round(float(r[-1]), 2) for r in answer.rows] == [round(float(r[1]), 2) for r in expected]


def test_the_last_three_month_ends_per_branch(bi, built):
    answer = bi.ask("近三个月末各分行的贷款余额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    branches = one(built, "SELECT COUNT(*) FROM dim_branch")[0][0]
    assert len(answer.rows) == 3 * branches


def test_a_ratio_of_balances_at_a_month_end(bi, built):
    answer = bi.ask("10月底全行不良率多少", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = one(built, """SELECT SUM(CASE WHEN five_class IN ('次级', '可疑', '损失') THEN balance ELSE 0 END)
        / SUM(balance) FROM fact_loan_month WHERE month_end = DATE '2026-10-31'""")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))


def test_a_balance_over_a_range_is_said_at_its_end(bi):
    answer = bi.ask("今年的存款余额", as_of=AS_OF)
    assert answer.status == "answered" and "2026-10-31 期末" in answer.message, answer.message


def test_the_end_of_a_year_still_running_is_not_the_latest_month_end(bi):
    assert bi.ask("今年年底的存款余额", as_of=AS_OF).status != "answered"


def test_a_ranking_of_no_metric_is_asked_not_listed(bi):
    answer = bi.ask("排名前五的支行有哪些", as_of=AS_OF)
    assert answer.status == "clarify" and all(c.interpretation.metrics for c in answer.candidates), answer.message


def test_the_highest_branch_is_the_first_place(bi):
    answer = bi.ask("今年放款同比增长率最高的分行", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.limit == 1, answer.message


def test_a_catalog_word_is_no_small_talk(bi, built):
    answer = bi.ask("今年基金或保险的销售额一共多少", as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 1, answer.message


@pytest.mark.parametrize(("question", "reason"), [
    ("Set customer C000789's tier to private banking", "write_request"),
    ("What will the NPL ratio be at the end of this year?", "future_period"),
])
def test_writes_and_forecasts_are_refused(bi, question, reason):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == reason, answer.message


def test_things_under_a_parent_are_counted(bi, built):
    answer = bi.ask("金华分行下面有几家支行", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = one(built, """SELECT COUNT(DISTINCT s.subbranch_name) FROM dim_subbranch s
        JOIN dim_branch b ON b.branch_id = s.branch_id WHERE b.branch_name = '金华分行'""")[0][0]
    assert answer.count == expected


def test_small_talk_words_are_the_catalogs_when_it_names_them():
    from chatbi.pipeline.guard import check

    assert check("基金怎么样", load_catalog()).reason == "chitchat"  # the telecom catalog has no funds
    assert check("今年基金的销售额", load_catalog(CATALOG)).allowed
    assert check("帮我写一首关于5G的诗", load_catalog()).reason == "chitchat"  # about 5G is no 5G question


@pytest.mark.model
def test_a_word_naming_two_breakdowns_is_not_the_models_to_choose(built, llm):
    """产品 is in 产品大类 (the type) and 产品名称 (the product): the model read the type, and the top 3
    types were shown as the top 3 products."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("今年销售额最高的3个产品", as_of=AS_OF)
    assert not (answer.status == "answered" and [g.dimension for g in answer.interpretation.group_by] == ["product_type"])


def test_an_average_of_month_ends_is_said_as_the_average(bi, built):
    """月均 of a balance is the mean of its month ends, never read as the last one."""
    answer = bi.ask("average month-end loan balance in Q3", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.average_over == "month", answer.message
    assert "期末" not in answer.message and "月均" in answer.message
    expected = one(built, """SELECT AVG(b) FROM (SELECT month_end, SUM(balance) AS b FROM fact_loan_month
        WHERE month_end IN (DATE '2026-07-31', DATE '2026-08-31', DATE '2026-09-30') GROUP BY 1)""")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))


def test_last_year_whole_is_the_year_and_this_year_whole_is_asked(bi):
    answer = bi.ask("去年全年理财卖了多少", as_of=AS_OF)
    assert answer.status == "answered" and str(answer.interpretation.time_range.end) == "2025-12-31"
    assert bi.ask("今年全年的存款余额", as_of=AS_OF).status != "answered"  # the year has not ended


@pytest.mark.parametrize("question", [
    "年末存款余额",  # which year's end? the last closed month is none
    "季末存款余额",
    "2026年底存款余额是多少",  # 2026 has not ended
    "今年信用卡消费笔数有多少张",  # 张 counts cards, not transactions (笔)
    "存款余额最高的两三家支行",  # 两三 is no 23
])
def test_ends_and_counts_the_question_does_not_pin_are_asked(bi, question):
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_each_quarter_end_of_last_year(bi, built):
    answer = bi.ask("去年各季末存款余额", as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 4, answer.message
    expected = one(built, """SELECT SUM(balance) FROM fact_deposit_month WHERE month_end IN
        (DATE '2025-03-31', DATE '2025-06-30', DATE '2025-09-30', DATE '2025-12-31') GROUP BY month_end ORDER BY month_end""")
    assert [round(float(r[-1]), 2) for r in answer.rows] == [round(float(r[0]), 2) for r in expected]


@pytest.mark.parametrize("question", ["存款余额最高的那些支行", "投诉最多的支行和投诉类型"])
def test_several_asked_or_two_breakdowns_are_no_first_place(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.limit is None, answer.message


@pytest.mark.parametrize(("question", "write"), [
    ("What was the change in Hangzhou's deposits compared to last year", False),
    ("make a chart of Hangzhou's deposits from January to October", False),
    ("set the period to Q3", False),
    ("set the tier of customer C000789 to private banking", True),
    ("mark complaint CP00012 as resolved", True),
    ("C000789的客户等级调成私行", True),
    ("把杭州分行10月的存款余额调到9亿", True),
])
def test_a_write_is_a_command_to_change_a_stored_value(question, write):
    from chatbi.pipeline.guard import check

    assert (check(question).reason == "write_request") is write


@pytest.mark.model
def test_a_word_several_metrics_share_is_asked_even_beside_a_period_end(built, llm):
    """余额 is in 存款余额, 贷款余额 and AUM余额: 上月末 must not hide it (the 末 left over named none)."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    assert bi.ask("上月末各分行余额是多少", as_of=AS_OF).status == "clarify"
    answer = bi.ask("上月末平均每个客户经理管户AUM是多少", as_of=AS_OF)  # 上月末 + 平均 is no 月均
    assert not (answer.status == "answered" and answer.interpretation.average_over), answer.message


def test_one_catalogs_words_never_change_how_anothers_questions_are_cut(tmp_path):
    """The logistics catalog's 产品类型 was added to jieba for the whole process: a bank question's
    产品 + 类型 then came out as one word its metric's characters half covered, and 各产品类型的销售额
    was answered as the total (with the model, after a logistics run)."""
    from chatbi.pipeline.vocabulary import build_vocabulary

    logistics = build_vocabulary(load_catalog(Path("metric_catalog") / "logistics" / "logistics.yaml"))
    assert "投诉单数" in logistics.segment("各分行投诉单数")  # a logistics metric's name, whole
    bank = build_vocabulary(load_catalog(CATALOG))
    assert "投诉单数" not in bank.segment("各分行投诉单数")


def test_a_dimension_said_without_its_qualifier_or_the_word_name(bi, built):
    """财富产品类型 is asked as 产品类型, 产品名称 as 产品; 保险产品 stays the insurance type's products."""
    by_type = bi.ask("今年各产品类型的销售额", as_of=AS_OF)
    assert by_type.status == "answered" and [d.dimension for d in by_type.interpretation.group_by] == ["product_type"]
    top = bi.ask("今年销售额最高的3个产品", as_of=AS_OF)
    assert top.status == "answered", top.message
    expected = one(built, """SELECT p.product_name FROM fact_wealth_txn w JOIN dim_wealth_product p USING (product_code)
        WHERE w.status = '成功' AND w.txn_type <> '赎回' AND w.txn_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'
        GROUP BY 1 ORDER BY SUM(w.amount) DESC LIMIT 3""")
    assert [r[0] for r in top.rows] == [r[0] for r in expected]
    insurance = bi.ask("今年保险产品的销售额", as_of=AS_OF)
    assert insurance.status == "answered" and not insurance.interpretation.group_by
    assert [(f.dimension, f.values) for f in insurance.interpretation.filters] == [("product_type", ["保险"])]


def test_a_type_the_metric_qualifies(bi):
    """'complaints by type': of the several types the one named by the metric's own word."""
    answer = bi.ask("complaints by type this year", as_of=AS_OF)
    assert answer.status == "answered" and [d.dimension for d in answer.interpretation.group_by] == ["complaint_type"]
    assert bi.ask("sales by type this year", as_of=AS_OF).status == "clarify"


def test_a_balance_against_the_start_of_the_year(bi, built):
    """较年初: against last 31 December's balance (a bank's 年初数), never the year's first month end."""
    answer = bi.ask("各分行存款余额较年初增加了多少", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["ystart"], answer.message
    expected = dict((r[0], (r[1], r[2])) for r in one(built, """SELECT b.branch_name,
        SUM(f.balance) FILTER (WHERE f.month_end = DATE '2026-10-31'), SUM(f.balance) FILTER (WHERE f.month_end = DATE '2025-12-31')
        FROM fact_deposit_month f JOIN dim_subbranch s USING (subbranch_id) JOIN dim_branch b ON b.branch_id = s.branch_id
        GROUP BY 1"""))
    names = [c["name"] for c in answer.columns]
    change = names.index("deposit_balance__ystart_change")
    for row in answer.rows:
        cur, prev = expected[row[0]]
        assert float(row[change]) == pytest.approx(float(cur) - float(prev))
    assert "较年初对比 2025-12-31 期末" in answer.message


@pytest.mark.parametrize("question", ["今年放款金额较年初", "存款余额较年初增加最多的3个分行", "每月存款余额较年初"])
def test_what_the_start_of_the_year_cannot_say_is_refused(bi, question):
    """A flow has no opening value; a ranking by the change, or a trend, is not computed."""
    assert bi.ask(question, as_of=AS_OF).status == "refused"


@pytest.mark.model
def test_a_word_several_balances_share_is_the_one_the_breakdown_applies_to(built, llm):
    """余额 is in 存款余额, 贷款余额, AUM …; broken down by 贷款品种 only the loans' can be meant (its
    不良 part only qualifies it), and the model reads it too: answered, at the month end."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("上月末各贷款品种余额占比", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["loan_balance"], answer.message
    expected = dict(one(built, """SELECT l.loan_type, SUM(m.balance) / SUM(SUM(m.balance)) OVER ()
        FROM fact_loan_month m JOIN dim_loan l USING (loan_id) WHERE m.month_end = DATE '2026-10-31' GROUP BY 1"""))
    share = [c["name"] for c in answer.columns].index("loan_balance__share")
    assert {r[0]: pytest.approx(float(r[share])) for r in answer.rows} == {k: float(v) for k, v in expected.items()}
    assert bi.ask("本月末各贷款品种的余额", as_of=AS_OF).status != "answered"  # the month is not closed


@pytest.mark.model
def test_the_people_who_sold_more_than_an_amount(built, llm):
    """'managers who sold more than 20 million yuan of wealth products': the managers above the bound,
    never each manager's products (an amount "of wealth products" is no breakdown by product)."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask("relationship managers who sold more than 20 million yuan of wealth products this year", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in answer.interpretation.group_by] == ["manager"]
    expected = one(built, """SELECT m.manager_name FROM fact_wealth_txn w JOIN dim_manager m USING (manager_id)
        WHERE w.status = '成功' AND w.txn_type <> '赎回' AND w.txn_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'
        GROUP BY 1 HAVING SUM(w.amount) > 20000000""")
    assert {r[0] for r in answer.rows if r[0] is not None} == {r[0] for r in expected}


def test_a_balance_is_compared_at_the_compared_periods_end(bi):
    """环比 of a balance (and of a ratio of balances) is against the month end before, said so."""
    deposits = bi.ask("上月末存款余额环比增长了多少", as_of=AS_OF)
    assert deposits.status == "answered" and "环比对比 2026-09-30 期末" in deposits.message, deposits.message
    rate = bi.ask("上月末不良率同比", as_of=AS_OF)
    assert rate.message.startswith("2026-10-31 期末") and "同比对比 2025-10-31 期末" in rate.message, rate.message


def test_each_thing_said_before_a_metric_whose_name_begins_with_it(bi, built):
    """各产品销售额: 产品销售额 is a name of the sales, and 各产品 is still by product — never the total."""
    answer = bi.ask("今年各产品销售额", as_of=AS_OF)
    assert answer.status == "answered" and [g.dimension for g in answer.interpretation.group_by] == ["wealth_product"]
    products = one(built, """SELECT COUNT(DISTINCT w.product_code) FROM fact_wealth_txn w WHERE w.status = '成功'
        AND w.txn_type <> '赎回' AND w.txn_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'""")[0][0]
    assert len(answer.rows) == products
    total = bi.ask("今年产品销售额是多少", as_of=AS_OF)
    assert total.status == "answered" and not total.interpretation.group_by


@pytest.mark.parametrize("question, sql", [
    ("上月末杭州分行以外的存款余额", """SELECT SUM(f.balance) FROM fact_deposit_month f JOIN dim_subbranch s USING (subbranch_id)
        JOIN dim_branch b ON b.branch_id = s.branch_id WHERE f.month_end = DATE '2026-10-31' AND b.branch_name <> '杭州分行'"""),
    ("上月末房贷之外的贷款余额", """SELECT SUM(m.balance) FROM fact_loan_month m JOIN dim_loan l USING (loan_id)
        WHERE m.month_end = DATE '2026-10-31' AND l.loan_type <> '房贷'"""),
])
def test_a_value_then_yiwai_is_left_out_never_the_only_one(bi, built, question, sql):
    """杭州分行以外 (no 除 before it) is everything but 杭州分行: it was answered as 杭州分行 alone."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and [f.op for f in answer.interpretation.filters] == ["not in"], answer.message
    assert float(answer.rows[0][-1]) == pytest.approx(float(one(built, sql)[0][0]))


@pytest.mark.model
@pytest.mark.parametrize("question", ["上月末有效客户的AUM", "今年新客户的AUM", "上个月新客户的信用卡消费额"])
def test_a_metric_said_as_the_rows_of_another_is_asked(built, llm, question):
    """有效客户的AUM is the AUM of the effective customers: never the count beside everyone's AUM, nor
    everyone's AUM with the qualifier dropped (with the model)."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    assert bi.ask(question, as_of=AS_OF).status != "answered"


def test_each_of_a_kind_is_a_row_per_thing_or_asked(bi, built):
    """今年各社区支行新开户数: each 社区 sub-branch, a row each; 各旗舰网点 names no thing after it: asked."""
    answer = bi.ask("今年各社区支行新开户数", as_of=AS_OF)
    assert answer.status == "answered" and [g.dimension for g in answer.interpretation.group_by] == ["subbranch"]
    assert [(f.dimension, f.values) for f in answer.interpretation.filters] == [("subbranch_type", ["社区"])]
    assert bi.ask("上月末各旗舰网点的存款余额", as_of=AS_OF).status == "clarify"


@pytest.mark.parametrize("question", ["上月末有效客户的AUM", "上月末有效客户AUM", "今年新客户存款"])
def test_a_metric_said_as_the_rows_of_another_is_never_both_side_by_side(bi, question):
    """Rules only: 有效客户的AUM was the count of effective customers beside everyone's AUM; said with
    nothing between (有效客户AUM, hunt 3), too."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status != "answered", answer.message
    both = bi.ask("上月末存款余额、贷款余额", as_of=AS_OF)  # side by side, said so
    assert both.status == "answered" and both.interpretation.metrics == ["deposit_balance", "loan_balance"]


def test_the_lowest_says_it_ranks_only_those_with_data(bi):
    """中收最少的支行: 嘉兴秀洲社区支行 had none at all this year, and has no row to rank; the answer
    says it ranked only the sub-branches with data (a sub-branch with none may not have been open)."""
    answer = bi.ask("今年中收最少的支行", as_of=AS_OF)
    assert answer.status == "answered" and "只排该期间有数据的支行" in answer.message, answer.message
    assert "只排" not in bi.ask("今年中收最多的支行", as_of=AS_OF).message


def test_a_month_end_said_with_the_month_number(bi, built):
    """9月末存款余额 was asked back over 「9」: the synonym 月末存款 took the 月 of 9月."""
    answer = bi.ask("9月末存款余额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = one(built, "SELECT SUM(balance) FROM fact_deposit_month WHERE month_end = DATE '2026-09-30'")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))


@pytest.mark.parametrize("question", ["上月末有多少户有存款", "上月末有多少户贷款"])
def test_a_count_of_households_is_never_an_amount(bi, question):
    """有多少户有存款 was answered 存款余额 8.70亿元 (hunt 3): 户 counts customers, and no metric here
    counts them, so it is refused rather than answered with the balance."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "no_count", answer.message


def test_the_rows_with_no_manager_rank_last(bi, built):
    """客户经理销售额排名 said 「最高的是无客户经理」 (hunt 3): the sales with no manager are no manager's."""
    answer = bi.ask("今年客户经理销售额排名", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.rows[0][0] is not None and answer.rows[-1][0] is None and "无客户经理" not in answer.message


def test_a_product_said_before_the_metric_is_not_cut_into_another_value(bi, built):
    """上个月理财销售额 (a sample question of the catalog) read the complaint type 理财销售 and was refused
    (hunt 6): 理财 is the product, 销售额 the metric."""
    answer = bi.ask("上个月理财销售额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = rows(built, """SELECT SUM(t.amount) FROM fact_wealth_txn t JOIN dim_wealth_product p USING (product_code)
        WHERE t.status = '成功' AND t.txn_type <> '赎回' AND p.product_type = '理财'
        AND t.txn_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected))


def test_a_shared_value_in_the_metrics_own_name_is_what_the_metric_is_of(bi):
    """上个月信用卡刷了多少 read 信用卡 as an account product or a complaint type, neither of which card
    spending can take, and was refused (hunt 6): it names what the metric is of."""
    answer = bi.ask("上个月信用卡刷了多少", as_of=AS_OF)
    assert answer.status in ("answered", "clarify"), answer.message
    offered = [answer.interpretation] if answer.status == "answered" else [c.interpretation for c in answer.candidates]
    assert ["card_spend"] in [q.metrics for q in offered] and all(not q.filters for q in offered)


def test_a_shared_value_the_metric_takes_one_way_only_is_read_that_way(bi):
    """上月末定期存款余额 asked whether 定期 was an account opened or a deposit type, offering one choice
    (hunt 6): a deposit balance has a deposit type only, so that is read."""
    answer = bi.ask("上月末定期存款余额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.values) for f in answer.interpretation.filters] == [("deposit_type", ["定期"])]
    each = bi.ask("上月末各存款类型的存款余额", as_of=AS_OF)
    assert answer.rows[0][-1] == next(r[-1] for r in each.rows if r[0] == "定期")


def test_a_value_of_a_metric_against_the_metric_itself_is_its_share(bi, built):
    """今年理财销售额占财富产品销售额的比例 was refused as a ratio the catalog lacks (hunt 7): 理财's share."""
    answer = bi.ask("今年理财销售额占财富产品销售额的比例", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    part, whole = rows(built, """SELECT SUM(t.amount) FILTER (WHERE p.product_type = '理财'), SUM(t.amount)
        FROM fact_wealth_txn t JOIN dim_wealth_product p USING (product_code)
        WHERE t.status = '成功' AND t.txn_type <> '赎回' AND t.txn_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'""")[0]
    share = answer.rows[0][[c["name"] for c in answer.columns].index("wealth_sales__share")]
    assert float(share) == pytest.approx(float(part) / float(whole))


def test_a_balances_growth_since_the_start_of_the_year_is_against_last_years_end(bi):
    """今年以来存款增加了多少 asked 环比 or 同比 (hunt 6): a balance since the year began is 较年初."""
    answer = bi.ask("今年以来存款增加了多少", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["ystart"], answer.message
    assert answer.rows == bi.ask("存款余额较年初增加了多少", as_of=AS_OF).rows


def test_a_name_said_without_its_city_is_that_name(bi, built):
    """西湖支行的存款余额 answered the whole 西湖区 (two sub-branches, hunt 9): 杭州西湖支行 said without
    杭州 is that sub-branch, whose name no other has."""
    answer = bi.ask("上月末西湖支行的存款余额", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [(f.dimension, f.values) for f in answer.interpretation.filters] == [("subbranch", ["杭州西湖支行"])]


@pytest.mark.parametrize(("question", "end", "before"), [
    ("存款余额较上月末增加多少", "2026-10-31", "2026-09-30"),  # 末 was left unread (hunt 10)
    ("9月末存款余额比上月底多了多少", "2026-09-30", "2026-08-31"),
    ("9月末存款余额较上月变动多少", "2026-09-30", "2026-08-31"),  # 变动: the change, either way
])
def test_a_balance_against_last_month_end_is_the_month_ends_change(bi, built, question, end, before):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["mom"], answer.message
    now, then = (one(built, f"SELECT SUM(balance) FROM fact_deposit_month WHERE month_end = DATE '{d}'")[0][0]
                 for d in (end, before))
    assert [round(float(v), 2) for v in answer.rows[0][:3]] == [round(float(v), 2) for v in (now, then, now - then)]


def test_a_balance_before_the_sub_branch_opened_is_no_zero(bi, built):
    """嘉兴秀洲社区支行 opened in March 2026: its 2025 year-end deposits were answered 0.00 (hunt 11)."""
    rows_then = one(built, """SELECT COUNT(*) FROM fact_deposit_month d JOIN dim_subbranch s USING (subbranch_id)
        WHERE s.subbranch_name = '嘉兴秀洲社区支行' AND d.month_end <= DATE '2025-12-31'""")[0][0]
    assert rows_then == 0
    answer = bi.ask("嘉兴秀洲社区支行2025年末的存款余额", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "never_in_data", answer.message
    later = bi.ask("嘉兴秀洲社区支行上月末存款余额", as_of=AS_OF)
    expected = one(built, """SELECT SUM(balance) FROM fact_deposit_month d JOIN dim_subbranch s USING (subbranch_id)
        WHERE s.subbranch_name = '嘉兴秀洲社区支行' AND d.month_end = DATE '2026-10-31'""")[0][0]
    assert later.status == "answered" and later.rows[0][-1] == expected


def test_a_period_end_not_yet_come_is_not_the_last_month_end(bi):
    """今年第四季度末的AUM余额 on 15 November was answered with 31 October's, as if Q4 had ended (hunt 11)."""
    answer = bi.ask("今年第四季度末的AUM余额", as_of=AS_OF)
    assert answer.status != "answered", answer.message
    ended = bi.ask("第三季度末的AUM余额", as_of=AS_OF)
    assert ended.status == "answered" and str(ended.interpretation.time_range.end) == "2026-09-30", ended.message


def test_against_last_years_end_is_against_31_december(bi, built):
    """比去年末 was read as year on year (October against October, hunt 11): it is the year's opening."""
    answer = bi.ask("存款余额较去年末增加多少", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["ystart"], answer.message
    opening = one(built, "SELECT SUM(balance) FROM fact_deposit_month WHERE month_end = DATE '2025-12-31'")[0][0]
    assert round(float(answer.rows[0][1]), 2) == round(float(opening), 2)
