"""The demo warehouse is deterministic, realistic and internally consistent."""

from datetime import date

import duckdb
import pytest
from typer.testing import CliRunner

from chatbi.cli import app
from chatbi.demo import FACT_TABLES, build_demo_warehouse, read_metadata
from tests.conftest import TEST_AS_OF


@pytest.fixture(scope="module")
def con(demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        yield connection


def one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_same_seed_scale_and_date_give_identical_data(tmp_path, demo_warehouse):
    again = build_demo_warehouse(tmp_path / "again.duckdb", scale=0.25, as_of=TEST_AS_OF)
    checks = {}
    for path in (demo_warehouse, again.path):
        with duckdb.connect(str(path), read_only=True) as c:
            checks[path] = [c.execute(f"SELECT count(*), sum(hash(COLUMNS(*))) FROM {t}").fetchall()
                            for t in FACT_TABLES + ["dim_channel", "dim_staff"]]
    assert checks[demo_warehouse] == checks[again.path]


def test_dimensions_are_the_province(con):
    cities = [r[0] for r in con.execute("SELECT city_name FROM dim_city ORDER BY city_id").fetchall()]
    assert cities == ["杭州", "宁波", "温州", "嘉兴", "湖州", "绍兴", "金华", "衢州", "舟山", "台州", "丽水"]
    assert one(con, "SELECT count(*) FROM dim_district") >= 80
    types = {r[0] for r in con.execute("SELECT DISTINCT channel_type FROM dim_channel").fetchall()}
    assert types == {"自营厅", "合作厅", "社会渠道", "电子渠道"}
    assert one(con, "SELECT count(*) FROM dim_channel WHERE manager_staff_id IS NULL") == 0
    assert one(con, "SELECT count(DISTINCT channel_name) = count(*) FROM dim_channel")
    assert one(con, "SELECT count(*) FROM dim_plan WHERE is_5g") >= 5


def test_time_coverage_follows_the_reference_date(con):
    assert one(con, "SELECT min(activation_date) FROM fact_activation") >= date(2024, 1, 1)
    assert one(con, "SELECT max(activation_date) FROM fact_activation") <= TEST_AS_OF
    assert one(con, "SELECT max(billing_month) FROM fact_activation") == "202611"
    # Bills and scores exist only for closed billing periods (账期).
    assert one(con, "SELECT max(billing_month) FROM fact_bill") == "202610"
    assert one(con, "SELECT max(billing_month) FROM fact_channel_score") == "202610"
    assert one(con, "SELECT count(DISTINCT billing_month) FROM fact_bill") == 34


def test_bills_balance(con):
    assert one(con, "SELECT count(*) FROM fact_bill WHERE paid_amount + arrears_amount <> billed_amount") == 0
    assert one(con, "SELECT count(*) FROM fact_bill WHERE arrears_amount < 0 OR paid_amount < 0") == 0
    rate = one(con, "SELECT sum(arrears_amount) / sum(billed_amount) FROM fact_bill")
    assert 0.01 < rate < 0.08


def test_arrears_balance_equals_unrecovered_bills(con):
    snapshot = one(con, "SELECT sum(arrears_balance) FROM fact_arrears_snapshot WHERE snapshot_month = '202610'")
    derived = one(con, """
        SELECT sum(b.arrears_amount) - coalesce((SELECT sum(r.recovered_amount) FROM fact_arrears_recovery r
                                                 WHERE r.billing_month <= '202610' AND r.bill_month >= '202410'), 0)
        FROM fact_bill b WHERE b.arrears_amount > 0 AND b.billing_month >= '202410'""")
    assert float(snapshot) == pytest.approx(float(derived), rel=1e-9)


def test_recoveries_come_after_their_bill(con):
    assert one(con, "SELECT count(*) FROM fact_arrears_recovery WHERE billing_month <= bill_month") == 0
    assert one(con, """SELECT count(*) FROM fact_arrears_recovery r JOIN fact_bill b USING (bill_id)
                       WHERE r.recovered_amount <> b.arrears_amount""") == 0


def test_seasonality_and_city_differences_are_visible(con):
    by_month = dict(con.execute("""SELECT month(activation_date), count(*) FROM fact_activation
                                   WHERE year(activation_date) = 2025 GROUP BY 1""").fetchall())
    assert by_month[2] < by_month[9], "Spring Festival dip and back-to-school peak"
    rates = dict(con.execute("""SELECT c.city_name, sum(arrears_amount) / sum(billed_amount)
                               FROM fact_bill JOIN dim_channel USING (channel_id) JOIN dim_city c USING (city_id)
                               GROUP BY 1""").fetchall())
    assert rates["杭州"] < rates["温州"]
    installs = dict(con.execute("""SELECT channel_type, count(*) / count(DISTINCT channel_id)
                                  FROM fact_broadband_install JOIN dim_channel USING (channel_id) GROUP BY 1""").fetchall())
    assert installs["自营厅"] > installs["社会渠道"]
    migrations = dict(con.execute("""SELECT year(migration_date), count(*) FROM fact_5g_migration
                                    WHERE month(migration_date) <= 10 GROUP BY 1""").fetchall())
    assert migrations[2024] < migrations[2025] < migrations[2026], "5G migration grows"


def test_subscriber_base_is_consistent_with_flows(con):
    assert one(con, "SELECT min(active_subscribers) FROM fact_subscriber_month") >= 0
    scores = con.execute("SELECT min(score_total), max(score_total) FROM fact_channel_score").fetchone()
    assert 0 <= scores[0] and scores[1] <= 100


def test_metadata_records_how_it_was_built(demo_warehouse):
    meta = read_metadata(demo_warehouse)
    assert meta["reference_date"] == "2026-11-15" and meta["last_closed_billing_month"] == "202610"
    assert meta["scale"] == "0.25"


def test_failed_build_keeps_the_previous_file(tmp_path, demo_warehouse):
    target = tmp_path / "w.duckdb"
    target.write_bytes(demo_warehouse.read_bytes())
    with pytest.raises(ValueError):
        build_demo_warehouse(target, scale=0.1, as_of=date(2020, 1, 1))
    assert read_metadata(target)["reference_date"] == "2026-11-15"
    assert [p.name for p in tmp_path.iterdir()] == ["w.duckdb"]


def test_cli_rejects_a_bad_date_with_advice(tmp_path):
    result = CliRunner().invoke(app, ["demo", "build", "--as-of", "2026-13-01", "--output", str(tmp_path / "x.duckdb")])
    assert result.exit_code == 1
    assert "YYYY-MM-DD" in result.output


def test_cli_builds_a_small_warehouse(tmp_path):
    out = tmp_path / "small.duckdb"
    result = CliRunner().invoke(app, ["demo", "build", "--scale", "0.05", "--as-of", "2024-03-10", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert read_metadata(out)["last_closed_billing_month"] == "202402"
