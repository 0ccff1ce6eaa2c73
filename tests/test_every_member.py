"""The things with no rows (hunts 6-7): a GROUP BY over the facts has no row for them, and whether
one was there to have any (an outlet not yet open, a courier not yet hired, a plan not yet sold) the
data does not say — listing every member at 0 named hotels before they opened, agents of other
branches and tiers the metric leaves out. So a ranking of the low end is among those with data,
and says so; 为0 of a count is refused; a rate of 0 (it has rows) is answered."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(demo_warehouse)), use_model=False)


@pytest.mark.parametrize("question", ["上个月新增用户最少的渠道", "2026年9月1日舟山新增用户最少的套餐类型"])
def test_the_low_end_is_ranked_among_those_with_data_and_says_so(bi, question):
    fewest = bi.ask(question, as_of=AS_OF)
    assert fewest.status == "answered" and "只排该期间有数据的" in fewest.message, fewest.message
    assert all(r[1] > 0 for r in fewest.rows)


@pytest.mark.parametrize("question", ["上个月新增用户为0的营业厅", "2026年9月1日舟山新增用户为0的套餐类型",
                                      "outlets with zero new subscribers last month", "电子渠道上个月新增用户为0的区县有几个",
                                      "上个月宽带新装量为0的接入方式"])
def test_none_of_a_count_is_refused(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "refused" and "不一定为0" in answer.message, answer.message


@pytest.mark.parametrize(("question", "kept_out"), [("上个月不属于自营厅的渠道新增用户数", "自营厅"),
                                                    ("上个月扣掉电子渠道的新增用户数", "电子渠道"),
                                                    ("上个月除开杭州的新增用户数", "杭州"),
                                                    ("上个月不看电子渠道的新增用户", "电子渠道")])
def test_more_ways_of_leaving_a_value_out(bi, demo_warehouse, question, kept_out):
    """不属于 / 扣掉 / 除开 were offered as the value itself (=自营厅) or dropped (hunt 6)."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    column = "ch.channel_type" if kept_out != "杭州" else "ci.city_name"
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (expected,) = con.execute(f"""SELECT COUNT(*) FROM fact_activation f JOIN dim_channel ch ON ch.channel_id = f.channel_id
            JOIN dim_city ci ON ci.city_id = ch.city_id WHERE {column} <> '{kept_out}'
            AND f.activation_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""").fetchone()
    assert answer.rows[0][-1] == expected


def test_a_rates_change_in_percentage_points_selects_by_the_points(bi):
    """离网率环比下降超过0.1个百分点 was refused (hunt 6): the change of the rate itself, in points."""
    answer = bi.ask("上个月离网率环比下降超过0.1个百分点的地市", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    each = bi.ask("上个月各地市离网率环比", as_of=AS_OF)
    change = [c["name"] for c in each.columns].index("churn_rate__mom_change")
    expected = {r[0] for r in each.rows if r[change] is not None and r[change] < -0.001}
    assert expected and {r[0] for r in answer.rows} == expected


@pytest.mark.parametrize("question", ["能不能查一下上个月的新增用户", "麻烦看下上个月新增用户", "可以查下上个月新增用户吗"])
def test_polite_words_carry_nothing(bi, question):
    """能不能查一下… was asked back over 「能、不能」 (hunt 6)."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.rows == bi.ask("上个月新增用户", as_of=AS_OF).rows, answer.message


def test_a_rate_of_zero_is_among_those_with_data(bi):
    """离网率为0的渠道 asked whether 0 was a percentage (hunt 7): 0 is 0% either way, and a rate of 0 has
    rows (subscribers, no churn), so the outlets with data and none churned are the answer."""
    answer = bi.ask("上个月离网率为0的渠道", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    each = bi.ask("上个月各渠道离网率", as_of=AS_OF)
    expected = {r[0] for r in each.rows if r[-1] == 0}
    assert expected and {r[0] for r in answer.rows} == expected


def test_a_value_right_before_its_metric_filters_it(bi, demo_warehouse):
    """上个月5G套餐新增用户 was read as 5G套餐用户数 (a balance, another metric) once a value and any name
    of the metric said with it could name another metric: only words between them can."""
    answer = bi.ask("上个月5G套餐新增用户", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["new_subscribers"], answer.message
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (expected,) = con.execute("""SELECT COUNT(*) FROM fact_activation f JOIN dim_plan p ON p.plan_id = f.plan_id
            WHERE p.plan_category = '5G套餐' AND f.activation_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""").fetchone()
    assert answer.rows[0][-1] == expected
