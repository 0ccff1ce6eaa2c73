"""The insurance demo: an operational warehouse with a bridge (policy ↔ party by role), subtype tables
(premium and commission rows of one amount table) and a fact without key or date (claim payments).

Questions in Chinese and English go through ChatBI and are checked against SQL written by hand over
the raw tables: a policy with two agents counts in full for each, a bridge row repeated upstream
never counts twice, and the company total counts each policy once. What the catalog cannot answer
must be refused or clarified, never answered with a wrong number. The same catalog is validated and
asked on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.demo.insurance import FACT_TABLES, build_insurance_warehouse
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from metric_catalog.validate import validate_catalog
from semantic_layer import GroupBy, SemanticQuery, compile_query
from semantic_layer.access import User

AS_OF = dt.date(2026, 11, 15)
SCALE = 0.1
CATALOG = "metric_catalog/insurance/insurance.yaml"
LAST_YEAR = "BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'"
THIS_YEAR = "BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'"
LAST_MONTH = "BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'"
AGENTS = "(SELECT DISTINCT policy_id, party_id FROM policy_party WHERE role_code = 'AGT')"
HOLDERS = "(SELECT DISTINCT policy_id, party_id FROM policy_party WHERE role_code = 'HLD')"


def _by_agent(kind: str, period: str) -> str:
    """Each agent gets the whole amount of each policy it is on, once; direct business under NULL."""
    return f"""SELECT p.party_name, sum(a.amount) FROM policy_amount a JOIN {AGENTS} g USING (policy_id)
               JOIN party p USING (party_id) WHERE a.amount_type = '{kind}' AND a.booked_date {period} GROUP BY 1
               UNION ALL
               SELECT NULL, sum(amount) FROM policy_amount WHERE amount_type = '{kind}' AND booked_date {period}
               AND policy_id NOT IN (SELECT policy_id FROM {AGENTS})"""


PAID_BY_PRODUCT = """SELECT p.product_line, sum(cp.paid) FROM claim_payment cp JOIN claim c USING (claim_id)
                     JOIN policy p USING (policy_id) GROUP BY 1"""
# question → the SQL that answers it; TIMELESS questions are about claim payments, which carry no date
QUESTIONS = {
    "去年各代理人的保费": _by_agent("PREM", LAST_YEAR),
    "premium by agent last year": _by_agent("PREM", LAST_YEAR),
    "去年各代理人的佣金": _by_agent("COMM", LAST_YEAR),
    "去年保费": f"SELECT sum(amount) FROM policy_amount WHERE amount_type = 'PREM' AND booked_date {LAST_YEAR}",
    "total premium last year": f"SELECT sum(amount) FROM policy_amount WHERE amount_type = 'PREM' "
                               f"AND booked_date {LAST_YEAR}",
    "佣金率": f"""SELECT sum(amount) FILTER (WHERE amount_type = 'COMM') / sum(amount) FILTER (WHERE amount_type = 'PREM')
                 FROM policy_amount WHERE booked_date {THIS_YEAR}""",
    "commission by product line this year": f"""SELECT p.product_line, sum(a.amount) FROM policy_amount a
                 JOIN policy p USING (policy_id) WHERE a.amount_type = 'COMM' AND a.booked_date {THIS_YEAR} GROUP BY 1""",
    "今年各分公司的保单件数": f"SELECT branch, count(*) FROM policy WHERE effective_date {THIS_YEAR} GROUP BY 1",
    "上个月各出险原因的报案件数": f"SELECT cause, count(*) FROM claim WHERE reported_date {LAST_MONTH} GROUP BY 1",
    "claims reported by cause this year": f"SELECT cause, count(*) FROM claim WHERE reported_date {THIS_YEAR} GROUP BY 1",
    "未决的赔案数": f"SELECT count(*) FROM claim WHERE settled_date IS NULL AND reported_date {THIS_YEAR}",
    "各险种平均结案天数": f"""SELECT p.product_line, avg(c.settled_date - c.reported_date) FROM claim c
                 JOIN policy p USING (policy_id) WHERE c.settled_date IS NOT NULL AND c.reported_date {THIS_YEAR}
                 GROUP BY 1""",
    "机构客户的保费": f"""SELECT sum(amount) FROM policy_amount WHERE amount_type = 'PREM' AND booked_date {THIS_YEAR}
                 AND policy_id IN (SELECT h.policy_id FROM {HOLDERS} h JOIN party USING (party_id)
                                   WHERE party_type = '机构')""",
    "有效保单数": "SELECT count(*) FROM policy WHERE status = '有效'",
    "各代理人的保单件数": f"""SELECT p.party_name, count(*) FROM policy JOIN {AGENTS} g USING (policy_id)
                 JOIN party p USING (party_id) WHERE effective_date {THIS_YEAR} GROUP BY 1
                 UNION ALL SELECT NULL, count(*) FROM policy WHERE effective_date {THIS_YEAR}
                 AND policy_id NOT IN (SELECT policy_id FROM {AGENTS})""",
    "今年每月保费": f"""SELECT date_trunc('month', booked_date)::DATE, sum(amount) FROM policy_amount
                 WHERE amount_type = 'PREM' AND booked_date {THIS_YEAR} GROUP BY 1""",
    "各险种的赔款": PAID_BY_PRODUCT,
    "claims paid by product line": PAID_BY_PRODUCT,
    "total claims paid": "SELECT sum(paid) FROM claim_payment",
    "赔付率": "SELECT (SELECT sum(paid) FROM claim_payment) / sum(amount) FROM policy_amount WHERE amount_type = 'PREM'",
}
TIMELESS = {"各险种的赔款", "claims paid by product line", "total claims paid", "赔付率"}
# the catalog cannot answer these (a period on undated payments, shares through a bridge, topics it lacks)
REFUSED = {"去年的赔款": "not_allowed", "去年赔付率": "not_allowed", "各代理人保费占比": "not_allowed",
           "准备金": "unavailable", "已赚保费": "unavailable", "续保率": "unavailable",
           "综合成本率": "unavailable", "理赔员的结案数": "unavailable", "未决赔款有多少": "unavailable"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_insurance_warehouse(tmp_path_factory.mktemp("ins") / "insurance.duckdb", scale=SCALE, as_of=AS_OF)


@pytest.fixture(scope="module")
def con(built):
    with duckdb.connect(str(built.path), read_only=True) as connection:
        yield connection


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(CATALOG)


@pytest.fixture(scope="module")
def bi(built, catalog):
    return ChatBI(catalog, connect(str(built.path)), use_model=False)


def _num(v):
    return float(v) if isinstance(v, Decimal) else v


def _rows(con, sql: str) -> dict:
    """key (the leading columns) → the last column, zero rows dropped (a breakdown may list or omit them)."""
    out = {}
    for row in con.execute(sql).fetchall():
        if row[-1] is not None and _num(row[-1]) != 0:
            out[tuple(row[:-1])] = _num(row[-1])
    return out


def _answer_rows(answer) -> dict:
    kinds = [c["kind"] for c in answer.columns]
    keys = [i for i, k in enumerate(kinds) if k in ("dimension", "time")]
    value = kinds.index("metric")
    out = {}
    for row in answer.rows:
        if row[value] is not None and _num(row[value]) != 0:
            out[tuple(row[i] for i in keys)] = _num(row[value])
    return out


def _same(got: dict, expected: dict) -> None:
    assert set(got) == set(expected), set(got) ^ set(expected)
    for k, v in expected.items():
        assert math.isclose(got[k], v, rel_tol=1e-9, abs_tol=0.005), (k, got[k], v)


def test_the_build_is_deterministic_and_has_the_awkward_rows(tmp_path, built, con):
    again = build_insurance_warehouse(tmp_path / "again.duckdb", scale=SCALE, as_of=AS_OF)
    assert again.row_counts == built.row_counts
    print_ = "SELECT count(*), sum(hash(COLUMNS(*))) FROM {}"
    with duckdb.connect(str(again.path), read_only=True) as other:
        for table in [*FACT_TABLES, "party"]:
            assert other.execute(print_.format(table)).fetchall() == con.execute(print_.format(table)).fetchall()
    assert 1_500 < built.row_counts["policy"] < 2_500 and built.fact_rows > 10_000
    agents = con.execute(f"SELECT n, count(*) FROM (SELECT p.policy_id, count(g.party_id) AS n FROM policy p "
                         f"LEFT JOIN {AGENTS} g USING (policy_id) GROUP BY 1) GROUP BY 1").fetchall()
    assert {n for n, _ in agents} == {0, 1, 2}
    assert con.execute("SELECT count(*) - count(DISTINCT (policy_id, party_id, role_code)) FROM policy_party").fetchone()[0] > 0
    assert con.execute("SELECT count(*) - count(DISTINCT (claim_id, paid)) FROM claim_payment").fetchone()[0] > 0
    assert con.execute("SELECT count(DISTINCT amount_type) FROM policy_amount").fetchone()[0] == 3  # PREM COMM TAX
    assert con.execute("SELECT count(*) FROM claim WHERE settled_date < reported_date OR reported_date > "
                       "DATE '2026-11-15'").fetchone()[0] == 0
    assert con.execute("SELECT count(*) FROM claim WHERE settled_date IS NULL").fetchone()[0] > 0
    assert con.execute("SELECT value FROM meta_dataset WHERE key = 'reference_date'").fetchone()[0] == "2026-11-15"


def test_a_later_reference_date_only_adds_rows(tmp_path, con):
    earlier = build_insurance_warehouse(tmp_path / "june.duckdb", scale=SCALE, as_of=dt.date(2026, 6, 30))
    same = {"policy": "SELECT policy_id, policy_number, product_line, branch, effective_date FROM {}.policy",
            "policy_amount": "SELECT * FROM {}.policy_amount WHERE booked_date <= DATE '2026-06-30'",
            "claim": "SELECT claim_id, policy_id, claim_number, reported_date, cause FROM {}.claim",
            "policy_party": "SELECT * FROM {0}.policy_party WHERE policy_id IN (SELECT policy_id FROM {0}.policy)"}
    con.execute(f"ATTACH '{earlier.path}' AS june (READ_ONLY)")
    try:
        for table, sql in same.items():
            rows = sql.format("june")
            assert con.execute(f"SELECT count(*) FROM ({rows} EXCEPT ALL {sql.format('main')})").fetchone()[0] == 0, table
    finally:
        con.execute("DETACH june")


def test_the_catalog_validates(built, catalog):
    report = validate_catalog(catalog, connect(str(built.path)))
    assert report.ok, [f for f in report.findings if f.level == "error"]


@pytest.mark.parametrize("question", list(QUESTIONS))
def test_questions_answer_what_the_raw_tables_say(bi, con, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", (question, answer.status, answer.reason, answer.message)
    _same(_answer_rows(answer), _rows(con, QUESTIONS[question]))


def test_the_bridge_counts_each_policy_once_per_agent_and_once_in_the_total(bi, con):
    by_agent = _answer_rows(bi.ask("去年各代理人的保费", as_of=AS_OF))
    [(total,)] = bi.ask("去年保费", as_of=AS_OF).rows
    # two-agent policies are in both agents' premium, so the rows add up to more than the total
    assert sum(by_agent.values()) > float(total)
    naive = con.execute(f"SELECT sum(a.amount) FROM policy_amount a JOIN policy_party b USING (policy_id) "
                        f"WHERE b.role_code = 'AGT' AND a.amount_type = 'PREM' AND a.booked_date {LAST_YEAR}").fetchone()[0]
    assert sum(v for k, v in by_agent.items() if k != (None,)) < float(naive)  # repeated rows are not counted


def test_the_top_agent_by_commission(bi, con):
    answer = bi.ask("去年佣金最高的代理人", as_of=AS_OF)
    assert answer.status == "answered", (answer.reason, answer.message)
    top = con.execute(f"""SELECT p.party_name FROM policy_amount a JOIN {AGENTS} g USING (policy_id) JOIN party p
                          USING (party_id) WHERE a.amount_type = 'COMM' AND a.booked_date {LAST_YEAR}
                          GROUP BY 1 ORDER BY sum(a.amount) DESC LIMIT 1""").fetchone()[0]
    assert answer.rows[0][0] == top


def test_a_metric_named_like_its_table_can_be_ranked(tmp_path, built):
    """The docs name the subtype ``premium`` like its metric: ORDER BY "premium" is the output column."""
    text = open(CATALOG, encoding="utf-8").read().replace("premium_amount", "premium")
    (tmp_path / "same_ids.yaml").write_text(text, encoding="utf-8")
    same_ids = ChatBI(load_catalog(tmp_path / "same_ids.yaml"), connect(str(built.path)), use_model=False)
    answer = same_ids.ask("去年保费最低的险种", as_of=AS_OF)
    assert answer.status == "answered", (answer.reason, answer.message)


def test_what_the_catalog_cannot_say_is_refused(bi):
    for question, reason in REFUSED.items():
        answer = bi.ask(question, as_of=AS_OF)
        assert (answer.status, answer.reason) == ("refused", reason), (question, answer.status, answer.reason)
        assert not answer.rows


def test_an_agent_named_in_the_question_is_answered_right_or_not_at_all(bi, con):
    name, party_id = con.execute(f"SELECT party_name, party_id FROM party WHERE party_id IN (SELECT party_id FROM "
                                 f"{AGENTS}) AND party_type = '个人' ORDER BY party_id LIMIT 1").fetchone()
    answer = bi.ask(f"代理人{name}今年的保费", as_of=AS_OF)
    assert answer.status == "answered", (answer.reason, answer.message)
    expected = con.execute(f"SELECT sum(amount) FROM policy_amount WHERE amount_type = 'PREM' AND booked_date "
                           f"{THIS_YEAR} AND policy_id IN (SELECT policy_id FROM {AGENTS} WHERE party_id = ?)",
                           [party_id]).fetchone()[0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected), abs=0.005)


def test_an_agent_sees_the_policies_they_are_on_once(bi, con):
    party_id = con.execute(f"SELECT party_id FROM {AGENTS} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1").fetchone()[0]
    answer = bi.ask("今年的保费", user=User(name="a", role="agent_self", attributes={"party_id": party_id}), as_of=AS_OF)
    expected = con.execute(f"SELECT sum(amount) FROM policy_amount WHERE amount_type = 'PREM' AND booked_date "
                           f"{THIS_YEAR} AND policy_id IN (SELECT policy_id FROM {AGENTS} WHERE party_id = ?)",
                           [party_id]).fetchone()[0]
    assert answer.status == "answered" and float(answer.rows[0][0]) == pytest.approx(float(expected), abs=0.005)


def test_undated_payments_through_the_semantic_layer(catalog, built, con):
    """The semantic layer alone answers undated payments too: claims paid by
    product line and by agent (claim → policy → bridge), and the loss ratio, for all data."""
    def run(query):
        with duckdb.connect(str(built.path), read_only=True) as c:
            rows = c.execute(compile_query(catalog, query, as_of=AS_OF).sql).fetchall()
        return {tuple(r[:-1]): _num(r[-1]) for r in rows if r[-1] is not None and _num(r[-1]) != 0}

    _same(run(SemanticQuery(metrics=["claims_paid"], group_by=[GroupBy(dimension="product_line")])),
          _rows(con, PAID_BY_PRODUCT))
    _same(run(SemanticQuery(metrics=["claims_paid"], group_by=[GroupBy(dimension="agent")])), _rows(con, f"""
        SELECT p.party_name, sum(cp.paid) FROM claim_payment cp JOIN claim c USING (claim_id)
        JOIN {AGENTS} g USING (policy_id) JOIN party p USING (party_id) GROUP BY 1
        UNION ALL SELECT NULL, sum(cp.paid) FROM claim_payment cp JOIN claim c USING (claim_id)
        WHERE c.policy_id NOT IN (SELECT policy_id FROM {AGENTS})"""))
    _same(run(SemanticQuery(metrics=["loss_ratio"], group_by=[GroupBy(dimension="product_line")])), _rows(con, """
        WITH paid AS (SELECT p.product_line, sum(cp.paid) AS paid FROM claim_payment cp JOIN claim USING (claim_id)
                      JOIN policy p USING (policy_id) GROUP BY 1),
             prem AS (SELECT p.product_line, sum(a.amount) AS prem FROM policy_amount a JOIN policy p USING (policy_id)
                      WHERE a.amount_type = 'PREM' GROUP BY 1)
        SELECT product_line, paid / prem FROM paid JOIN prem USING (product_line)"""))


def test_postgres_validates_and_answers_the_same(built, catalog, bi, pg_cluster):
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    url = pg_cluster.create_database("insurance")
    load_demo_into_postgres(built.path, url)
    pg = connect(url)
    report = validate_catalog(catalog, pg)
    assert report.ok, [f for f in report.findings if f.level == "error"]
    on_pg = ChatBI(catalog, pg, use_model=False)
    for question in ["去年各代理人的保费", "premium by agent last year", "佣金率", "各险种平均结案天数", "机构客户的保费",
                     "今年每月保费", "各代理人保费占比"]:
        a, b = bi.ask(question, as_of=AS_OF), on_pg.ask(question, as_of=AS_OF)
        assert (a.status, a.reason) == (b.status, b.reason), question
        if a.status == "answered":
            _same(_answer_rows(b), _answer_rows(a))


def test_the_cli_builds_the_insurance_domain(tmp_path):
    from typer.testing import CliRunner

    from chatbi.cli import app

    out = tmp_path / "cli.duckdb"
    result = CliRunner().invoke(app, ["demo", "build", "--domain", "insurance", "--scale", "0.05", "--as-of",
                                      "2026-11-15", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert out.exists() and "policy_party" in result.output


def test_the_top_agents_are_agents_not_the_business_without_one(bi, con):
    """Direct business (no agent) is a row of the breakdown, but no agent: it takes no place in a
    top 5 of agents, which are the five real agents the raw tables rank first."""
    answer = bi.ask("今年保费最高的5个代理人", as_of=AS_OF)
    assert answer.status == "answered", (answer.reason, answer.message)
    top = [r[0] for r in con.execute(f"""SELECT p.party_name FROM policy_amount a JOIN {AGENTS} g USING (policy_id)
                                          JOIN party p USING (party_id) WHERE a.amount_type = 'PREM'
                                          AND a.booked_date {THIS_YEAR} GROUP BY 1 ORDER BY sum(a.amount) DESC
                                          LIMIT 5""").fetchall()]
    assert [r[0] for r in answer.rows] == top and "无代理人" not in answer.message


@pytest.mark.model
@pytest.mark.parametrize("question", ["今年各分公司件数排名", "top 5 agents this year", "compare hz vs ningbo this year"])
def test_the_model_does_not_pick_a_metric_the_question_does_not_name(built, catalog, llm, question):
    """件数 is part of 保单件数, 有效保单件数 and 报案件数; "top 5 agents" names no metric at all: the
    model and retrieval may agree on one, but that is a guess, so the question is asked back."""
    answer = ChatBI(catalog, connect(str(built.path)), backend=llm).ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and len(answer.candidates) > 1, (answer.status, answer.message)
    if "件数" in question:
        assert {"policies", "claims"} <= {c.interpretation.metrics[0] for c in answer.candidates}


@pytest.mark.model
def test_the_start_of_a_metric_name_with_the_model_reads_that_metric(built, catalog, llm):
    """上个月报案最少的3个分公司: 报案 begins only 报案件数's names; the model picks it, retrieval ranks
    another first; the catalog's words settle it. 报案金额 begins no name: still asked."""
    bi = ChatBI(catalog, connect(str(built.path)), backend=llm)
    answer = bi.ask("上个月报案最少的3个分公司", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["claims"], answer.message
    assert answer.interpretation.limit == 3 and answer.interpretation.order_by[0].descending is False
    assert bi.ask("上个月报案金额最高的3个分公司", as_of=AS_OF).status != "answered"


@pytest.mark.model
def test_a_counter_after_how_many_agrees_only_with_a_metric_counted_in_it(built, catalog, llm):
    """报案多少件: 件 counts the claims, the model's 报案件数 stands; 结案多少件: 平均结案天数 is in days,
    so the model and retrieval agreeing on it was a wrong number (average days shown as a count)."""
    bi = ChatBI(catalog, connect(str(built.path)), backend=llm)
    answer = bi.ask("去年各分公司报案多少件", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["claims"], answer.message
    for question in ("今年车险结案多少件", "今年各险种结案多少件"):
        answer = bi.ask(question, as_of=AS_OF)
        assert not (answer.status == "answered" and answer.interpretation.metrics == ["avg_days_to_settle"]), \
            answer.message


@pytest.mark.parametrize("question", ["今年各分公司保单件数比去年同期少的有哪些", "今年各分公司保单件数比去年少的有哪些",
                                      "今年各分公司保单件数同比减少的有哪些", "今年保单件数同比下降的分公司"])
def test_the_branches_that_wrote_fewer_than_last_year_are_those_whose_change_is_below_zero(bi, question):
    """比去年少的 / 同比减少的有哪些 ask for the branches that fell, not every branch with its change."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    query = answer.interpretation
    assert query.comparisons == ["yoy"] and [(h.op, h.value, h.of) for h in query.having] == [("<", 0.0, "yoy")]
    growth = [i for i, c in enumerate(answer.columns) if c["name"].endswith("__yoy")]
    assert answer.rows and all(row[growth[0]] < 0 for row in answer.rows)
