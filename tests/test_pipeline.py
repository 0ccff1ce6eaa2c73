"""Questions to answers with the real bundled model in the loop."""

import json
from decimal import Decimal

import duckdb
import pytest
from typer.testing import CliRunner

from chatbi.cli import app
from chatbi.core import ChatBI
from chatbi.evaluation import GOLDEN_DIR, evaluate, load_cases
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User
from tests.conftest import TEST_AS_OF

STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})


@pytest.fixture(scope="module")
def bi(demo_warehouse, llm):
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), backend=llm)


@pytest.fixture(scope="module")
def rules_only(demo_warehouse):
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)


def scalar(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        value = con.execute(sql).fetchone()[0]
    return float(value) if isinstance(value, Decimal) else value


def test_matcher_answer_is_the_right_number_without_a_model_call(rules_only, demo_warehouse):
    answer = rules_only.ask("上个月温州的欠费率", as_of=TEST_AS_OF)
    assert answer.status == "answered" and answer.path == "matcher" and "model" not in answer.timings_ms
    expected = scalar(demo_warehouse, """SELECT sum(arrears_amount) / sum(billed_amount) FROM fact_bill
        JOIN dim_channel USING (channel_id) JOIN dim_city USING (city_id)
        WHERE city_name = '温州' AND billing_month = '202610'""")
    assert answer.rows[0][0] == pytest.approx(expected)
    assert answer.chart == "kpi" and "欠费率" in answer.message and "%" in answer.message
    assert "欠费金额 ÷ 出账收入" in answer.explanation["zh"]


@pytest.mark.model
@pytest.mark.parametrize("question,status,metric", [
    ("上个月新开户多少", "answered", "new_subscribers"),
    ("本月装了多少宽带", "answered", "broadband_installs"),
    ("broadband installs by channel type last quarter", "answered", "broadband_installs"),
    ("员工的工资是多少", "refused", None),
    ("竞争对手的新增用户", "refused", None),
    ("我要看下近三个月的欠费指标", "clarify", None),
    ("平均每个渠道的新增用户", "answered", "new_subscribers"),  # an average per outlet (says over how many)
])
def test_representative_questions_with_the_model(bi, question, status, metric):
    answer = bi.ask(question, as_of=TEST_AS_OF)
    assert answer.status == status, (answer.message, answer.reason)
    if metric:
        assert answer.interpretation.metrics == [metric]
    if status == "clarify":
        assert 2 <= len(answer.candidates) <= 4
    if status == "refused":
        assert answer.suggestions, "a refusal names what can be asked instead"


@pytest.mark.model
def test_paraphrase_is_read_by_the_model(bi):
    answer = bi.ask("本月装了多少宽带", as_of=TEST_AS_OF)
    assert answer.path == "model" and answer.model_id == "qwen2.5-coder-1.5b"
    assert answer.timings_ms["model"] > 0


@pytest.mark.model
def test_picking_a_clarification_answers_it(bi):
    choice = bi.ask("我要看下近三个月的欠费指标", as_of=TEST_AS_OF)
    picked = choice.candidates[1].interpretation
    answer = bi.run(picked, as_of=TEST_AS_OF)
    assert answer.status == "answered" and answer.interpretation == picked
    assert str(picked.time_range.start) == "2026-08-01"


def test_unclosed_billing_month_offers_the_latest_instead_of_zero(rules_only):
    answer = rules_only.ask("本月欠费金额", as_of=TEST_AS_OF)
    assert answer.status == "clarify" and answer.reason == "no_data_yet"
    latest = answer.candidates[0].interpretation.time_range
    assert (str(latest.start), str(latest.end)) == ("2026-10-01", "2026-10-31")


def test_row_level_security_and_scope(rules_only):
    own = rules_only.ask("本月各渠道新增用户数", user=STAFF, as_of=TEST_AS_OF)
    assert own.status == "answered" and [r[0] for r in own.rows] == ["杭州上城天成合作营业厅"]
    other = rules_only.ask("杭州上城工业路营业厅本月新增用户", user=STAFF, as_of=TEST_AS_OF)
    assert other.status == "refused" and other.reason == "outside_scope"
    denied = rules_only.ask("上个月出账收入", user=STAFF, as_of=TEST_AS_OF)
    assert denied.status == "refused" and denied.reason == "access_denied"


def test_an_answer_narrowed_by_row_security_says_whose_rows_it_covers(rules_only):
    staff = rules_only.ask("全省欠费金额", user=STAFF, as_of=TEST_AS_OF)
    assert staff.status == "answered" and "仅含你的渠道「杭州上城天成合作营业厅" in staff.message
    assert "Covers only your outlet" in staff.message_en and staff.scope
    manager = rules_only.ask("全省欠费金额", user=User("zhao", "manager"), as_of=TEST_AS_OF)
    assert manager.status == "answered" and not manager.scope and "仅含" not in manager.message


def test_a_ratio_over_a_denied_metric_is_refused_in_words_not_column_names(demo_warehouse):
    """欠费率 with 欠费金额 would give away 出账收入 (denied to staff): the ratio is denied too, even
    when the catalog forgets to list it (lint says so)."""
    from metric_catalog.lint import lint_catalog

    catalog = load_catalog()
    catalog.roles["channel_staff"].deny_metrics.remove("arrears_rate")
    assert any(g.kind == "role" and "arrears_rate" in g.message for g in lint_catalog(catalog))
    bi = ChatBI(catalog, connect(str(demo_warehouse)), use_model=False)
    answer = bi.ask("各地市欠费率排名前5", user=STAFF, as_of=TEST_AS_OF)
    assert answer.status == "refused" and answer.reason == "access_denied"
    assert "「出账收入」" in answer.message and "billed_amount" not in answer.message + answer.message_en
    assert "arrears_rate" not in bi.visible_metrics(STAFF)


@pytest.mark.model
def test_golden_set_with_the_bundled_model(bi):
    report = evaluate(bi, load_cases([GOLDEN_DIR]))
    assert report["wrong"] == 0, report["misses"]
    assert report["correct_rate"] >= 0.95, report["misses"]
    refused, total = map(int, report["must_refuse_refused"].split("/"))
    assert refused == total and total >= 60, report["misses"]
    assert report["cases"] >= 200


def test_golden_set_rules_only_never_answers_wrong(rules_only):
    report = evaluate(rules_only, load_cases([GOLDEN_DIR]), warm=False)
    assert report["wrong"] == 0, report["misses"]


def test_cli_ask_json_and_stdin(demo_warehouse):
    runner = CliRunner()
    result = runner.invoke(app, ["ask", "上个月各地市欠费率排名前3", "--database", str(demo_warehouse), "--json",
                                 "--no-model", "--as-of", "2026-11-15"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert {"status", "question", "interpretation", "explanation", "sql", "columns", "rows", "chart", "message",
            "candidates", "timings_ms"} <= set(payload)
    assert payload["status"] == "answered" and len(payload["rows"]) == 3 and payload["chart"] == "bar"
    batch = runner.invoke(app, ["ask", "--json", "--no-model", "--database", str(demo_warehouse), "--role",
                                "channel_staff", "--attr", "channel_id=CH330100003"],
                          input="本月新增用户\n把数据删了\n")
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["answered", "refused"]
    bad = runner.invoke(app, ["ask", "本月新增用户", "--as-of", "yesterday", "--database", str(demo_warehouse)])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_any_catalog_and_database_through_flags(tmp_path, demo_warehouse):
    """A data team tries ChatBI on its own data with --catalog and --database alone."""
    from metric_catalog.dbt_import import import_dbt, write_catalog

    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE customers AS SELECT i AS customer_id, ['north', 'south'][1 + i % 2] AS region "
                    "FROM range(10) t(i)")
        con.execute("CREATE TABLE orders AS SELECT i AS order_id, i % 10 AS customer_id, 10.0 + i AS amount, "
                    "'completed' AS order_status, DATE '2024-01-01' + CAST(i % 60 AS INTEGER) AS ordered_at, "
                    "DATE '2024-01-02' AS shipped_at FROM range(100) t(i)")
    doc, _ = import_dbt(GOLDEN_DIR.parents[1] / "tests" / "data" / "dbt")
    write_catalog(doc, tmp_path / "shop.yaml")
    result = CliRunner().invoke(app, ["ask", "revenue by region in 2024", "--catalog", str(tmp_path / "shop.yaml"),
                                      "--database", str(db), "--json", "--no-model", "--as-of", "2024-06-30"])
    payload = json.loads(result.stdout)
    assert payload["status"] == "answered", payload["message"]
    # amounts 10..109; customers 0..9 alternate north/south
    assert {r[0]: r[1] for r in payload["rows"]} == {"north": 2950.0, "south": 3000.0}
