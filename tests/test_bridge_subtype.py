"""Real schemas: subtype tables, a many-to-many bridge, a fact without a date, a fact without a key.

Every number is checked against Python arithmetic over the same rows (and the compiled SQL is run
on PostgreSQL too): premium by agent counts a policy with two agents for each of them, once,
even when the bridge repeats a row; the company total counts it once.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metric_catalog.loader import load_catalog
from semantic_layer import Filter, GroupBy, NotAllowed, SemanticQuery, TimeRange, compile_query
from semantic_layer.access import User

AS_OF = dt.date(2026, 11, 15)
YEAR = TimeRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 10, 31))
CATALOG_YAML = """
catalog: {id: ins_test, name: {zh: 保险测试, en: insurance test}, reference_date: {fixed: 2026-11-15}}
tables:
  policy: {primary_key: policy_id}
  premium:
    source: policy_amount
    where: "amount_type = 'PREM'"
    time: {column: booked_date}
    joins:
      - {to: policy, keys: {policy_id: policy_id}}
      - {to: policy_agent, keys: {policy_id: policy_id}, relationship: many_to_many, complete: false}
  commission:
    source: policy_amount
    where: "amount_type = 'COMM'"
    time: {column: booked_date}
    joins:
      - {to: policy, keys: {policy_id: policy_id}}
      - {to: policy_agent, keys: {policy_id: policy_id}, relationship: many_to_many, complete: false}
  policy_agent:
    source: policy_party
    where: "role_code = 'AGT'"
    joins: [{to: party, keys: {party_id: party_id}}]
  party: {primary_key: party_id}
  claim: {primary_key: claim_id, joins: [{to: policy, keys: {policy_id: policy_id}}]}
  claim_payment:  # several payments per claim, no id, no date of its own
    joins: [{to: claim, keys: {claim_id: claim_id}}]
dimensions:
  product_line: {name: {zh: 险种, en: product line}, table: policy, column: product_line}
  agent: {name: {zh: 代理人, en: agent}, table: party, column: party_name, key: party_id}
  party_key: {name: {zh: 参与方编号, en: party id}, table: party, column: party_id, hidden: true}
metrics:
  premium: {name: {zh: 保费, en: premium}, type: simple, table: premium, agg: sum, expr: amount, default_window: all}
  commission: {name: {zh: 佣金, en: commission}, type: simple, table: commission, agg: sum, expr: amount,
               default_window: all}
  commission_rate: {name: {zh: 佣金率, en: commission rate}, type: ratio, numerator: commission,
                    denominator: premium, format: percent, default_window: all}
  claim_paid: {name: {zh: 赔款, en: claims paid}, type: simple, table: claim_payment, agg: sum, expr: paid,
               default_window: all}
  claim_payments: {name: {zh: 赔付笔数, en: claim payments}, type: simple, table: claim_payment, agg: count,
                   default_window: all}
roles:
  agent_self:
    name: {zh: 代理人本人, en: the agent}
    row_filters: [{dimension: agent, attribute: party_id}]
"""
PRODUCTS = ["车险", "家财险", "健康险"]


def _rows(seed: int, policies: int = 60, agents: int = 6):
    rng = random.Random(seed)
    policy = [(p, rng.choice(PRODUCTS)) for p in range(1, policies + 1)]
    party = [(a, f"代理人{a}") for a in range(1, agents + 1)] + [(100 + p, f"投保人{p}") for p in range(1, 5)]
    bridge = []
    for p, _ in policy:
        for a in rng.sample(range(1, agents + 1), min(agents, rng.choice([0, 1, 1, 2]))):
            bridge += [(p, a, "AGT")] * rng.choice([1, 1, 2])  # an upstream system repeats some rows
        bridge.append((p, 100 + rng.randint(1, 4), "PH"))  # holders share the bridge: never agents
    amount = []
    for p, _ in policy:
        for _ in range(rng.randint(1, 3)):
            day = dt.date(2025, 6, 1) + dt.timedelta(days=rng.randint(0, 520))
            amount.append((p, "PREM", round(rng.uniform(100, 5000), 2), day))
            amount.append((p, "COMM", round(rng.uniform(5, 300), 2), day))
    claim = [(c, rng.randint(1, policies)) for c in range(1, 25)]
    payment = [(c, round(rng.uniform(50, 900), 2)) for c, _ in claim for _ in range(rng.randint(1, 3))]
    return dict(policy=policy, party=party, policy_party=bridge, policy_amount=amount, claim=claim,
                claim_payment=payment)


def _build(path, rows) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE policy (policy_id INTEGER, product_line VARCHAR)")
    con.execute("CREATE TABLE party (party_id INTEGER, party_name VARCHAR)")
    con.execute("CREATE TABLE policy_party (policy_id INTEGER, party_id INTEGER, role_code VARCHAR)")
    con.execute("CREATE TABLE policy_amount (policy_id INTEGER, amount_type VARCHAR, amount DECIMAL(12,2), booked_date DATE)")
    con.execute("CREATE TABLE claim (claim_id INTEGER, policy_id INTEGER)")
    con.execute("CREATE TABLE claim_payment (claim_id INTEGER, paid DECIMAL(12,2))")
    for table, data in rows.items():
        if data:
            con.executemany(f"INSERT INTO {table} VALUES ({', '.join('?' * len(data[0]))})", data)
    con.close()


def _truth(rows, kind="PREM", start=None, end=None, agent=None):
    """Python's answer: amount per agent (each policy once per agent) and the company total."""
    agents = defaultdict(set)
    for p, a, role in rows["policy_party"]:
        if role == "AGT":
            agents[p].add(a)
    per_agent, total = defaultdict(float), 0.0
    for p, t, value, day in rows["policy_amount"]:
        if t != kind or (start and day < start) or (end and day > end):
            continue
        total += value
        for a in agents[p]:
            per_agent[f"代理人{a}"] += value
    if agent is not None:
        return per_agent.get(agent, 0.0)
    return dict(per_agent), total


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "ins.yaml"
    path.write_text(CATALOG_YAML, encoding="utf-8")
    return load_catalog(path)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    rows = _rows(7)
    path = tmp_path_factory.mktemp("wh") / "ins.duckdb"
    _build(path, rows)
    return path, rows


def _run(catalog, path, query, user=None, dialect="duckdb"):
    sql = compile_query(catalog, query, dialect=dialect, as_of=AS_OF, user=user).sql
    with duckdb.connect(str(path), read_only=True) as con:
        return [tuple(float(v) if hasattr(v, "as_integer_ratio") and not isinstance(v, int) else v for v in r)
                for r in con.execute(sql).fetchall()]


def _close(a: dict, b: dict) -> None:
    assert set(a) == set(b), set(a) ^ set(b)
    for k in a:
        assert a[k] == pytest.approx(b[k], abs=0.005), k


def test_total_counts_each_premium_once_and_agents_get_each_policy_once(catalog, warehouse):
    path, rows = warehouse
    per_agent, total = _truth(rows, start=YEAR.start, end=YEAR.end)
    [(got_total,)] = _run(catalog, path, SemanticQuery(metrics=["premium"], time_range=YEAR))
    assert got_total == pytest.approx(total, abs=0.005)
    by_agent = _run(catalog, path, SemanticQuery(metrics=["premium"], group_by=[GroupBy(dimension="agent")],
                                                 time_range=YEAR))
    _close({a: v for a, v in by_agent if a is not None}, per_agent)
    # policies with two agents are in both: the agents' sum exceeds the total, and is not shown as it
    assert sum(per_agent.values()) > total
    no_agent = [v for a, v in by_agent if a is None]
    covered = sum(v for p, t, v, d in rows["policy_amount"] if t == "PREM" and YEAR.start <= d <= YEAR.end
                  and not any(q == p and r == "AGT" for q, _, r in rows["policy_party"]))
    assert (no_agent[0] if no_agent else 0.0) == pytest.approx(covered, abs=0.005)


def test_filter_on_an_agent_is_a_semi_join(catalog, warehouse):
    path, rows = warehouse
    for agent in ("代理人1", "代理人4"):
        [(got,)] = _run(catalog, path, SemanticQuery(metrics=["premium"], filters=[Filter(
            dimension="agent", op="=", values=[agent])]))
        assert got == pytest.approx(_truth(rows, agent=agent), abs=0.005)


def test_subtypes_read_only_their_rows_and_combine_by_agent(catalog, warehouse):
    path, rows = warehouse
    prem, _ = _truth(rows, "PREM")
    comm, comm_total = _truth(rows, "COMM")
    got = _run(catalog, path, SemanticQuery(metrics=["premium", "commission", "commission_rate"],
                                            group_by=[GroupBy(dimension="agent")]))
    for agent, p, c, rate in got:
        if agent is None:
            continue
        assert p == pytest.approx(prem[agent], abs=0.005) and c == pytest.approx(comm[agent], abs=0.005)
        assert rate == pytest.approx(comm[agent] / prem[agent], rel=1e-9)
    [(total,)] = _run(catalog, path, SemanticQuery(metrics=["commission"]))
    assert total == pytest.approx(comm_total, abs=0.005)


def test_agent_by_month_and_product_line(catalog, warehouse):
    path, rows = warehouse
    got = _run(catalog, path, SemanticQuery(
        metrics=["premium"], group_by=[GroupBy(dimension="metric_time", grain="month"), GroupBy(dimension="agent"),
                                       GroupBy(dimension="product_line")], time_range=YEAR))
    product = dict(rows["policy"])
    agents = defaultdict(set)
    for p, a, r in rows["policy_party"]:
        if r == "AGT":
            agents[p].add(f"代理人{a}")
    truth = defaultdict(float)
    for p, t, v, d in rows["policy_amount"]:
        if t == "PREM" and YEAR.start <= d <= YEAR.end:
            for a in agents[p] or {None}:
                truth[(d.replace(day=1), a, product[p])] += v
    _close({(m, a, pl): v for m, a, pl, v in got if v}, {k: v for k, v in truth.items()})


def test_share_by_agent_is_refused_not_over_100_percent(catalog):
    with pytest.raises(NotAllowed) as err:
        compile_query(catalog, SemanticQuery(metrics=["premium"], group_by=[GroupBy(dimension="agent")],
                                             comparisons=["share"]), as_of=AS_OF)
    assert "100%" in err.value.en


def test_fact_without_date_or_key_answers_all_data_and_refuses_periods(catalog, warehouse):
    path, rows = warehouse
    product = dict(rows["policy"])
    claim_policy = dict(rows["claim"])
    truth = defaultdict(float)
    for c, paid in rows["claim_payment"]:
        truth[product[claim_policy[c]]] += paid
    got = _run(catalog, path, SemanticQuery(metrics=["claim_paid", "claim_payments"],
                                            group_by=[GroupBy(dimension="product_line")]))
    _close({pl: v for pl, v, _ in got}, dict(truth))
    assert sum(n for _, _, n in got) == len(rows["claim_payment"])  # rows counted as rows
    for query in (SemanticQuery(metrics=["claim_paid"], time_range=YEAR),
                  SemanticQuery(metrics=["claim_paid"], group_by=[GroupBy(dimension="metric_time", grain="month")])):
        with pytest.raises(NotAllowed) as err:
            compile_query(catalog, query, as_of=AS_OF)
        assert "all data" in err.value.en


def test_row_filter_through_the_bridge_sees_own_policies_once(catalog, warehouse):
    path, rows = warehouse
    user = User(name="a3", role="agent_self", attributes={"party_id": 3})
    [(got,)] = _run(catalog, path, SemanticQuery(metrics=["premium"]), user=user)
    assert got == pytest.approx(_truth(rows, agent="代理人3"), abs=0.005)


def test_postgres_gives_the_same_numbers(catalog, warehouse, pg_cluster):
    from chatbi.warehouse.connect import connect
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    path, _ = warehouse
    url = pg_cluster.create_database("bridge")
    load_demo_into_postgres(path, url)
    pg = connect(url)
    from metric_catalog.validate import validate_catalog

    for engine in (pg, connect(str(path))):
        report = validate_catalog(catalog, engine)
        assert report.ok, [f for f in report.findings if f.level == "error"]
    for query in (SemanticQuery(metrics=["premium", "commission"], group_by=[GroupBy(dimension="agent")]),
                  SemanticQuery(metrics=["premium"], filters=[Filter(dimension="agent", op="=", values=["代理人2"])]),
                  SemanticQuery(metrics=["claim_paid"], group_by=[GroupBy(dimension="product_line")])):
        expected = sorted(_run(catalog, path, query), key=str)
        sql = compile_query(catalog, query, dialect=pg.dialect, as_of=AS_OF).sql
        got = sorted([tuple(float(v) if not isinstance(v, (str, type(None), int)) else v for v in r)
                      for r in pg.execute(sql).rows], key=str)
        assert len(got) == len(expected)
        for a, b in zip(got, expected, strict=True):
            assert a[0] == b[0] and all(x == pytest.approx(y, abs=0.005) for x, y in zip(a[1:], b[1:], strict=True))


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 10_000), agents=st.integers(1, 5))
def test_property_bridge_never_double_counts(tmp_path_factory, catalog, seed, agents):
    rows = _rows(seed, policies=15, agents=agents)
    path = tmp_path_factory.mktemp("prop") / "w.duckdb"
    _build(path, rows)
    per_agent, total = _truth(rows)
    by_agent = _run(catalog, path, SemanticQuery(metrics=["premium"], group_by=[GroupBy(dimension="agent")]))
    _close({a: v for a, v in by_agent if a is not None}, per_agent)
    [(got_total,)] = _run(catalog, path, SemanticQuery(metrics=["premium"]))
    assert got_total == pytest.approx(total, abs=0.005)


def test_analyst_sql_on_a_subtyped_table_is_row_filtered_through_the_bridge(catalog, warehouse):
    """The SQL path reads physical tables: an agent's own SUM over policy_amount sees only the
    amounts of the policies the agent is on (each once), whatever the bridge repeats."""
    from chatbi.sqlguard import SqlGuard
    from chatbi.warehouse.connect import connect

    path, rows = warehouse
    wh = connect(str(path))
    guard = SqlGuard(catalog, wh.table_columns(), "duckdb", resolve=lambda sql: wh.execute(sql).rows)
    user = User(name="a3", role="agent_self", attributes={"party_id": 3})
    checked = guard.check("SELECT SUM(amount) FROM policy_amount WHERE amount_type = 'PREM'", user=user)
    assert "policy_amount" in checked.filtered_tables
    [(got,)] = wh.execute(checked.sql).rows
    assert float(got) == pytest.approx(_truth(rows, agent="代理人3"), abs=0.005)


def test_hidden_dimension_is_never_offered_or_read(catalog):
    from chatbi.pipeline.vocabulary import build_vocabulary
    from metric_catalog import graph

    assert "party_key" not in graph.allowed_dimensions(catalog, "premium")
    assert not any("party_key" in dims for dims in build_vocabulary(catalog).dimension_terms.values())
    for query in (SemanticQuery(metrics=["premium"], group_by=[GroupBy(dimension="party_key")]),
                  SemanticQuery(group_by=[GroupBy(dimension="party_key")])):
        with pytest.raises(NotAllowed):
            compile_query(catalog, query, as_of=AS_OF)
