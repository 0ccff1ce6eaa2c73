"""The things with none: 新增用户为0的营业厅 was asked back, and 新增用户最少的渠道 named an outlet
with 1 while some had none (a GROUP BY over the facts has no row for them). Where the catalog lists
a dimension's values (plan categories, cities) every value is one of the groups, at 0 when it has
no rows; things that come and go (outlets, hotels, couriers: one with no rows may not have been
open — hunt 7) are ranked among those with data, said so, and their 为0 is refused."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)
PER_CATEGORY = """SELECT c.plan_category, COALESCE(v.n, 0) FROM (SELECT DISTINCT plan_category FROM dim_plan) c
    LEFT JOIN (SELECT p.plan_category, COUNT(*) AS n FROM fact_activation f JOIN dim_plan p ON p.plan_id = f.plan_id
      JOIN dim_channel ch ON ch.channel_id = f.channel_id JOIN dim_city ci ON ci.city_id = ch.city_id
      WHERE ci.city_name = '舟山' AND f.activation_date = DATE '2026-09-01' GROUP BY 1) v
    ON v.plan_category = c.plan_category"""


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(demo_warehouse)), use_model=False)


@pytest.fixture(scope="module")
def per_category(demo_warehouse) -> dict[str, int]:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        return dict(con.execute(PER_CATEGORY).fetchall())


@pytest.mark.parametrize("question", ["2026年9月1日舟山新增用户为0的套餐类型", "2026年9月1日舟山新增用户数为零的套餐类型有哪些"])
def test_the_categories_with_none(bi, per_category, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    none = sorted(name for name, n in per_category.items() if n == 0)
    assert none and sorted(r[0] for r in answer.rows) == none
    assert f"满足条件的套餐类型共 {len(none)} 个" in answer.message and "按 0 计" in answer.message


def test_the_fewest_is_zero_when_some_have_none(bi, per_category):
    answer = bi.ask("2026年9月1日舟山新增用户最少的套餐类型", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert {r[0] for r in answer.rows} == {name for name, n in per_category.items() if n == 0}
    assert "（0户）" in answer.message and "没有数据的套餐类型按 0 计" in answer.message


def test_things_that_come_and_go_are_ranked_among_those_with_data(bi):
    """An outlet with no sign-up may not have been open: 最少的渠道 says it ranked those with data, and
    为0的营业厅 is refused, not a list of outlets that might not have existed."""
    fewest = bi.ask("上个月新增用户最少的渠道", as_of=AS_OF)
    assert fewest.status == "answered" and "只排该期间有数据的渠道" in fewest.message, fewest.message
    assert all(r[1] > 0 for r in fewest.rows)
    none = bi.ask("上个月新增用户为0的营业厅", as_of=AS_OF)
    assert none.status == "refused" and "不一定为0" in none.message, none.message


def test_a_filter_on_the_things_between_says_nothing_of_which_members(bi):
    """电子渠道…为0的区县 listed 79 districts with no e-channel at all as 0 (hunt 7): refused."""
    answer = bi.ask("电子渠道上个月新增用户为0的区县有几个", as_of=AS_OF)
    assert answer.status == "refused", answer.message


def test_none_of_a_thing_known_only_from_the_facts_is_refused(bi):
    """No list of every access type exists apart from the installs: which have none cannot be known."""
    answer = bi.ask("上个月宽带新装量为0的接入方式", as_of=AS_OF)
    assert answer.status == "refused", answer.message


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
