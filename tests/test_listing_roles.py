"""A listing of things reached through a bridge: the agents of a branch's policies, and "all
agents" — the parties the bridge's agent rows point at, never every party (holders included)."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2026, 11, 15)
AGENTS = """select distinct pa.party_name from policy_party pp join party pa using (party_id)
    join policy p using (policy_id) where pp.role_code = 'AGT' {condition} order by 1"""


@pytest.mark.parametrize(("question", "condition"), [
    ("列出所有代理人", ""),
    ("宁波分公司有哪些代理人", "and p.branch = '宁波'"),
    ("列出宁波分公司的所有代理人", "and p.branch = '宁波'"),
    ("list the agents of the Hangzhou branch", "and p.branch = '杭州'"),
])
def test_the_agents_listed_are_those_the_bridge_names(small_insurance, question, condition):
    """列出所有代理人 listed every party (5000+, policy holders too); 宁波分公司有哪些代理人 was refused."""
    bi, warehouse = small_insurance
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = [r[0] for r in warehouse.execute(AGENTS.format(condition=condition)).rows]
    assert [r[0] for r in answer.rows] == expected and 0 < len(expected) < 5000
    assert f"共 {len(expected)} 个代理人" in answer.message


def test_the_things_of_a_table_of_their_own_are_all_its_rows(small_retail):
    bi, warehouse = small_retail
    answer = bi.ask("列出所有门店", as_of=AS_OF)
    assert len(answer.rows) == warehouse.execute("select count(*) from dim_store").rows[0][0]


def test_how_many_agents_counts_the_agents_not_every_party(small_insurance):
    """有多少个代理人 was refused: names repeat among all parties, not among the agents."""
    bi, warehouse = small_insurance
    answer = bi.ask("有多少个代理人", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    agents = len(warehouse.execute(AGENTS.format(condition="")).rows)
    assert f"共 {agents} 个代理人" in answer.message
