"""The catalog format: loading errors that point at the line, live validation, lint, dbt import."""

import datetime as dt
import json
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from chatbi.cli import app
from chatbi.warehouse import connect
from metric_catalog.dbt_import import import_dbt, write_catalog
from metric_catalog.lint import lint_catalog
from metric_catalog.loader import DEMO_CATALOG, CatalogError, load_catalog
from metric_catalog.validate import validate_catalog
from semantic_layer import GroupBy, SemanticQuery, TimeRange, compile_query

runner = CliRunner()


def test_demo_catalog_covers_the_warehouse():
    cat = load_catalog()
    visible = cat.visible_metrics()
    assert len(visible) >= 15 and len(cat.dimensions) >= 8
    assert {"arrears_amount", "arrears_rate", "recovered_arrears", "new_subscribers", "churned_subscribers",
            "churn_rate", "broadband_installs", "fiveg_migrations", "arpu", "terminal_units",
            "channel_score"} <= set(visible)
    assert {m.type for m in cat.metrics.values()} == {"simple", "ratio", "derived", "period_end"}
    for metric in visible.values():
        assert metric.samples.zh and metric.samples.en and metric.description.zh and metric.owner


def write(tmp_path, text):
    path = tmp_path / "catalog.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def demo_text():
    return DEMO_CATALOG.read_text()


def test_unknown_field_points_at_its_line(tmp_path):
    text = demo_text().replace("    owner: 财务部 欠费管理组\n", "    owenr: 财务部 欠费管理组\n", 1)
    path = write(tmp_path, text)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "owenr" in row)
    assert f"catalog.yaml:{line}" in str(err.value) and "owenr" in str(err.value)


def test_reference_to_unknown_metric_is_named(tmp_path):
    path = write(tmp_path, demo_text().replace("denominator: billed_revenue", "denominator: billed_revenu"))
    with pytest.raises(CatalogError, match="unknown metric 'billed_revenu'"):
        load_catalog(path)


def test_yaml_on_key_trap_is_explained(tmp_path):
    path = write(tmp_path, demo_text().replace("{to: dim_plan, keys: {plan_id: plan_id}}",
                                               "{to: dim_plan, on: {plan_id: plan_id}}", 1))
    with pytest.raises(CatalogError, match="keys:"):
        load_catalog(path)


def test_cycle_in_derived_metrics_is_rejected(tmp_path):
    path = write(tmp_path, demo_text().replace("formula: new_subscribers - churned_subscribers",
                                               "formula: net_adds - churned_subscribers"))
    with pytest.raises(CatalogError, match="refers to itself"):
        load_catalog(path)


def test_broken_yaml_gives_line(tmp_path):
    path = write(tmp_path, "catalog:\n  id: x\n  name: [unclosed\n")
    with pytest.raises(CatalogError, match=r"catalog.yaml:\d+"):
        load_catalog(path)


def test_demo_catalog_validates_against_the_live_warehouse(demo_warehouse):
    report = validate_catalog(load_catalog(), connect(str(demo_warehouse)))
    assert report.ok, report.findings
    assert report.checked_queries >= 100


def test_validation_catches_schema_and_join_problems(tmp_path, demo_warehouse):
    copy = tmp_path / "broken.duckdb"
    copy.write_bytes(demo_warehouse.read_bytes())
    with duckdb.connect(str(copy)) as con:
        con.execute("ALTER TABLE fact_bill RENAME COLUMN arrears_amount TO owed")
    report = validate_catalog(load_catalog(), connect(str(copy)))
    assert not report.ok
    assert any("fact_bill.arrears_amount does not exist" in f.message for f in report.findings)
    with duckdb.connect(str(copy)) as con:
        con.execute("ALTER TABLE fact_bill RENAME COLUMN owed TO arrears_amount")
        # A repeated city key would double-count every city total through the join.
        con.execute("CREATE OR REPLACE TABLE dim_city AS SELECT * FROM dim_city UNION ALL "
                    "(SELECT * REPLACE (city_name || '2' AS city_name) FROM dim_city LIMIT 1)")
    report = validate_catalog(load_catalog(), connect(str(copy)))
    assert any("not unique" in f.message and "dim_city" in f.message for f in report.findings)
    assert not report.ok


# the demo's deliberate clashes: generic words asked back on purpose, and 区/县/市 (各区 → district)
DEMO_CLASHES = {"users", "欠费情况", "欠费指标", "用户数", "区", "县", "市"}


def test_lint_reports_gaps(tmp_path):
    every = lint_catalog(load_catalog())
    gaps = [g for g in every if "is inside" not in g.message]
    assert {g.message.split("」")[0].removeprefix("「") for g in gaps} == DEMO_CLASHES
    assert all("names several" in g.message or "one character" in g.message for g in gaps)
    # a short word inside another item's word is named, with the longer word
    inside = {g.message.split("」")[0].removeprefix("「"): g.message for g in every if "is inside" in g.message}
    assert "收入" in inside and "「收入」 is inside" in inside["收入"]
    text = demo_text().replace("      zh: [我要看下近三个月的欠费指标, 上个月各地市欠费金额, 温州各区县欠费金额]\n", "")
    gaps = [g for g in lint_catalog(load_catalog(write(tmp_path, text))) if "」" not in g.message]
    assert [(g.id, g.field) for g in gaps] == [("arrears_amount", "samples.zh")]


def test_lint_names_one_character_synonyms_and_words_naming_two_things(tmp_path):
    """笔 as a synonym is found inside 单笔; 充值 on a metric and on a value makes every such question a choice."""
    text = demo_text().replace("synonyms: [欠费, 欠费额", "synonyms: [笔, 欠费, 欠费额", 1)
    assert "synonyms: [笔, 欠费" in text
    cat = load_catalog(write(tmp_path, text))
    clashes = {g.message.split("」")[0].removeprefix("「"): g for g in lint_catalog(cat)}
    assert clashes["笔"].id == "arrears_amount" and "one character" in clashes["笔"].message
    assert "arrears_amount" in clashes["欠费指标"].message and "arrears_rate" in clashes["欠费指标"].message


@pytest.fixture
def jaffle(tmp_path):
    db = tmp_path / "shop.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE customers AS SELECT i AS customer_id, ['north', 'south', 'east'][1 + i % 3] AS region,"
                    " DATE '2024-01-01' + CAST(i AS INTEGER) AS signed_up_at FROM range(30) t(i)")
        con.execute("CREATE TABLE orders AS SELECT i AS order_id, i % 30 AS customer_id, (i * 7 % 50) + 5.5 AS amount,"
                    " ['completed', 'returned', 'placed'][1 + i % 3] AS order_status,"
                    " DATE '2024-01-01' + CAST(i % 90 AS INTEGER) AS ordered_at, DATE '2024-01-03' + CAST(i % 90 AS INTEGER) AS shipped_at"
                    " FROM range(500) t(i)")
    return db


def test_dbt_semantic_models_import_validate_and_compile(tmp_path, jaffle):
    document, skipped = import_dbt(Path(__file__).parent / "data" / "dbt")
    out = tmp_path / "imported.yaml"
    write_catalog(document, out)
    cat = load_catalog(out)
    assert set(cat.metrics) == {"revenue", "orders", "buyers", "aov", "revenue_per_buyer", "large_orders"}
    assert any("cumulative" in s for s in skipped) and any("offset" in s for s in skipped)
    assert any("Jinja filter" in s for s in skipped)
    report = validate_catalog(cat, connect(str(jaffle)))
    assert report.ok, report.findings
    q = SemanticQuery(metrics=["revenue", "aov", "revenue_per_buyer"], group_by=[GroupBy(dimension="region")],
                      time_range=TimeRange(start=dt.date(2024, 1, 1), end=dt.date(2024, 3, 31)))
    compiled = compile_query(cat, q, as_of=dt.date(2024, 4, 1))
    rows = connect(str(jaffle)).execute(compiled.sql).rows
    with duckdb.connect(str(jaffle)) as con:
        expected = con.execute("""SELECT c.region, sum(amount), sum(amount) / count(*), sum(amount) / count(DISTINCT o.customer_id)
                                  FROM orders o JOIN customers c USING (customer_id) GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(r[0], float(r[1])) for r in rows] == [(e[0], float(e[1])) for e in expected]
    assert [r[2] for r in rows] == pytest.approx([e[2] for e in expected])
    assert [r[3] for r in rows] == pytest.approx([e[3] for e in expected])


def test_cli_validate_lint_and_query(demo_warehouse):
    result = runner.invoke(app, ["catalog", "validate", "--database", str(demo_warehouse), "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] and report["metrics"] == 21
    assert runner.invoke(app, ["catalog", "lint"]).exit_code == 0
    query = json.dumps({"metrics": ["arrears_amount"], "group_by": [{"dimension": "city"}],
                        "time_range": {"start": "2026-08-01", "end": "2026-10-31"}})
    result = runner.invoke(app, ["query", query, "--database", str(demo_warehouse), "--role", "city_manager",
                                 "--attr", "city_id=3301"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [r[0] for r in payload["rows"]] == ["杭州"]
    bad = runner.invoke(app, ["query", '{"metrics": ["profit"]}', "--database", str(demo_warehouse)])
    assert bad.exit_code == 1 and "profit" in bad.output
