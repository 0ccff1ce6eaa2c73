"""The same golden questions give the same answers on PostgreSQL as on DuckDB; analysts' SQL is guarded."""

import json

import pytest
from typer.testing import CliRunner

from chatbi.cli import app
from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.semantic_helpers import assert_same_golden_answers


@pytest.fixture(scope="module")
def pair(demo_warehouse, pg_demo):
    catalog = load_catalog()
    return ChatBI(catalog, connect(str(demo_warehouse)), use_model=False), ChatBI(catalog, connect(pg_demo),
                                                                                  use_model=False)


def test_golden_questions_identical_on_postgres(pair):
    duck, pg = pair
    assert assert_same_golden_answers(duck, pg) >= 120


def test_analyst_sql_is_guarded_on_both_engines(pair):
    for bi in pair:
        ok = bi.run_sql("SELECT channel_type, count(*) AS n FROM dim_channel GROUP BY 1 ORDER BY 1")
        assert ok.status == "answered" and not ok.governed and len(ok.rows) == 4
        bad = bi.run_sql("DELETE FROM dim_channel")
        assert bad.status == "refused" and bad.reason == "guard_forbidden_statement"


def test_postgres_session_is_read_only(pg_demo):
    from chatbi.warehouse import WarehouseError

    with pytest.raises(WarehouseError, match="read-only"):
        connect(pg_demo).execute("CREATE TABLE evil (x int)")


def test_cli_sql_and_load_demo(demo_warehouse, pg_cluster):
    runner = CliRunner()
    result = runner.invoke(app, ["sql", "SELECT count(*) AS n FROM dim_city", "--database", str(demo_warehouse),
                                 "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["rows"] == [[11]]
    staff = runner.invoke(app, ["sql", "SELECT 1 AS x", "--role", "channel_staff", "--attr", "channel_id=CH330100003",
                                "--database", str(demo_warehouse)])
    assert staff.exit_code == 1
    url = pg_cluster.create_database("loaded")
    loaded = runner.invoke(app, ["warehouse", "load-demo", url, "--source", str(demo_warehouse)])
    assert loaded.exit_code == 0, loaded.output
    assert connect(url).execute("SELECT count(*) FROM dim_city").rows == [(11,)]
