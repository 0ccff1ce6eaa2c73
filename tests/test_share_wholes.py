"""What a share is of, as the words say (hunts 6-7): a value said again in the whole keeps it there
(杭州自营厅占全省自营厅 was of all sign-ups), the values before 中 name the whole (杭州离网用户中携号转网的
占比), several values or all but one are one part (杭州或宁波占全省 was a share per city), and one
value of another of the same dimension is no share (杭州占宁波 was each one's share of the two)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)
OCTOBER = "f.activation_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'"
ACT = "fact_activation f JOIN dim_channel ch ON ch.channel_id = f.channel_id JOIN dim_city ci ON ci.city_id = ch.city_id"


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(demo_warehouse)), use_model=False)


def share_of(demo_warehouse, part: str, whole: str = "TRUE", table: str = ACT, when: str = OCTOBER) -> float:
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        return con.execute(f"SELECT SUM(CASE WHEN {part} THEN 1 ELSE 0 END) * 1.0 / COUNT(*) FROM {table} "
                           f"WHERE {whole} AND {when}").fetchone()[0]


def shown_share(answer, metric: str = "new_subscribers") -> float:
    assert answer.status == "answered" and len(answer.rows) == 1, answer.message
    return answer.rows[0][[c["name"] for c in answer.columns].index(f"{metric}__share")]


@pytest.mark.parametrize(("question", "part", "whole"), [
    ("上个月杭州自营厅新增用户占全省自营厅的比例", "ci.city_name = '杭州'", "ch.channel_type = '自营厅'"),
    ("上个月杭州或宁波新增用户占全省的比例", "ci.city_name IN ('杭州', '宁波')", "TRUE"),
    ("上个月不含杭州的新增用户占全省比例", "ci.city_name <> '杭州'", "TRUE"),
])
def test_the_share_is_of_the_whole_said(bi, demo_warehouse, question, part, whole):
    assert shown_share(bi.ask(question, as_of=AS_OF)) == pytest.approx(share_of(demo_warehouse, part, whole))


def test_the_values_before_among_name_the_whole(bi, demo_warehouse):
    answer = bi.ask("杭州上个月离网用户中携号转网的占比", as_of=AS_OF)
    churn = "fact_churn f JOIN dim_channel ch ON ch.channel_id = f.channel_id JOIN dim_city ci ON ci.city_id = ch.city_id"
    expected = share_of(demo_warehouse, "f.churn_reason = '携号转网'", "ci.city_name = '杭州'", churn,
                        "f.churn_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'")
    assert shown_share(answer, "churned_subscribers") == pytest.approx(expected)


def test_one_value_of_another_is_asked_back(bi):
    answer = bi.ask("上个月杭州新增用户占宁波的比例", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "share_of_another", answer.message


def test_a_value_left_out_of_the_breakdown_is_left_out_of_its_whole(bi, demo_warehouse):
    """除了电子渠道以外各渠道类型新增用户占比 was each type's share of all sign-ups, e-channel included,
    the shares adding up to 63.8% (hunt 8): of the types said, adding up to 100%."""
    answer = bi.ask("上个月除了电子渠道以外各渠道类型新增用户占比", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    shares = {r[0]: r[-1] for r in answer.rows}
    expected = share_of(demo_warehouse, "ch.channel_type = '自营厅'", "ch.channel_type <> '电子渠道'")
    assert sum(shares.values()) == pytest.approx(1.0) and shares["自营厅"] == pytest.approx(expected)


@pytest.mark.parametrize("question", ["上个月各地市自营厅新增用户占新增用户的比例", "上个月各地市新增用户中自营厅的占比"])
def test_each_groups_part_is_a_share_of_that_groups_own_whole(bi, demo_warehouse, question):
    """各地市…中自营厅的占比 divided each city's 自营厅 by the province's sign-ups (杭州 4.1% against 28.0%,
    hunt 9): the whole said before 中, or the metric alone after 占, is each city's own."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    names = [c["name"] for c in answer.columns]
    shown = {r[names.index("city")]: r[names.index("new_subscribers__share")] for r in answer.rows}
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        truth = dict(con.execute(f"""SELECT ci.city_name, SUM(CASE WHEN ch.channel_type = '自营厅' THEN 1 ELSE 0 END)
            * 1.0 / COUNT(*) FROM {ACT} WHERE {OCTOBER} GROUP BY 1""").fetchall())
    assert shown.keys() == truth.keys() and all(shown[c] == pytest.approx(truth[c]) for c in truth)
    assert "占本地市" in answer.columns[names.index("new_subscribers__share")]["label"]


def test_a_breakdown_without_a_whole_said_stays_a_share_of_all(bi):
    """各渠道类型新增用户占比 (no 中, no whole after 占): each type's share of all, adding up to 100%."""
    answer = bi.ask("上个月各渠道类型新增用户占比", as_of=AS_OF)
    assert answer.status == "answered" and sum(r[-1] for r in answer.rows) == pytest.approx(1.0)


@pytest.mark.parametrize("question", ["上个月各地市内各渠道类型新增用户占比", "上个月各渠道类型新增用户在各地市中的占比",
                                      "上个月每个地市里各渠道类型的新增用户占比"])
def test_a_grouped_dimension_said_with_within_is_each_groups_whole(bi, demo_warehouse, question):
    """各地市内 / 在各地市中: each city's own whole; the share was of the province's sign-ups, the whole
    never named (杭州自营厅 as a share of everything, hunt 10)."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.share_scope == ["city"], answer.message
    names = [c["name"] for c in answer.columns]
    shown = {(r[names.index("city")], r[names.index("channel_type")]): r[names.index("new_subscribers__share")]
             for r in answer.rows}
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        truth = {(c, t): v for c, t, v in con.execute(f"""SELECT ci.city_name, ch.channel_type, COUNT(*) * 1.0 /
            SUM(COUNT(*)) OVER (PARTITION BY ci.city_name) FROM {ACT} WHERE {OCTOBER} GROUP BY 1, 2""").fetchall()}
    assert shown.keys() == truth.keys() and all(shown[k] == pytest.approx(truth[k]) for k in truth)
    assert "占本地市" in answer.columns[names.index("new_subscribers__share")]["label"]
    assert "占本地市的比例" in answer.explanation["zh"]


def test_a_share_broken_down_by_two_says_it_is_of_everything(bi):
    answer = bi.ask("上个月各地市各渠道类型新增用户占比", as_of=AS_OF)
    assert answer.status == "answered" and sum(r[-1] for r in answer.rows) == pytest.approx(1.0), answer.message
    assert answer.columns[-1]["label"] == "新增用户数占全部"


@pytest.mark.parametrize(("question", "part", "table", "when"), [
    ("上个月离网用户中携号转网占比最高的地市", "f.churn_reason = '携号转网'",
     "fact_churn f JOIN dim_channel ch ON ch.channel_id = f.channel_id JOIN dim_city ci ON ci.city_id = ch.city_id",
     "f.churn_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'"),
    ("上个月哪个地市的新增用户中自营厅占比最高", "ch.channel_type = '自营厅'", ACT, OCTOBER)])
def test_ranked_by_a_share_is_by_each_groups_own_share(bi, demo_warehouse, question, part, table, when):
    """占比最高的地市 ranked the cities by the part's count, and its share was of everything: the largest
    city came first (杭州, fifth by share, hunt 11)."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        city, share = con.execute(f"""SELECT ci.city_name, SUM(CASE WHEN {part} THEN 1 ELSE 0 END) * 1.0 / COUNT(*)
            FROM {table} WHERE {when} GROUP BY 1 ORDER BY 2 DESC LIMIT 1""").fetchone()
    assert answer.rows[0][0] == city and answer.rows[0][-2] == pytest.approx(share)
