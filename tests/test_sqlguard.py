"""The SQL guard against hostile input: nothing but guarded SELECTs reaches the database, and no
row outside the user's scope comes back, whatever the query's shape."""

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbi.sqlguard import SqlGuard, SqlRejected
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User

STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
CITY = User("wang", "city_manager", {"city_id": 3302})

WRITES = [
    "DROP TABLE fact_bill", "DELETE FROM fact_bill", "UPDATE fact_bill SET arrears_amount = 0",
    "INSERT INTO dim_city VALUES (1, 'x', 'x', 'x', 1, 1)", "CREATE TABLE x AS SELECT 1",
    "ALTER TABLE fact_bill ADD COLUMN x INT", "TRUNCATE fact_bill", "COPY fact_bill TO '/tmp/x.csv'",
    "COPY fact_bill FROM '/tmp/x.csv'", "ATTACH '/tmp/x.db' AS x", "DETACH x", "PRAGMA database_list",
    "SET threads = 1", "SET memory_limit = '1GB'", "INSTALL httpfs", "LOAD httpfs", "CALL pragma_version()",
    "EXPORT DATABASE '/tmp/x'", "IMPORT DATABASE '/tmp/x'", "BEGIN TRANSACTION", "COMMIT", "ROLLBACK",
    "GRANT SELECT ON fact_bill TO public", "REVOKE ALL ON fact_bill FROM public", "VACUUM", "CHECKPOINT",
    "DESCRIBE fact_bill", "SHOW TABLES", "SUMMARIZE fact_bill", "USE main", "CREATE MACRO m(x) AS x",
    "CREATE SECRET (TYPE S3)", "SELECT * INTO newtable FROM fact_bill",
    "MERGE INTO fact_bill USING dim_city ON 1 = 1 WHEN MATCHED THEN DELETE", "CREATE VIEW v AS SELECT 1",
    "DROP VIEW v", "ANALYZE fact_bill", "EXPLAIN ANALYZE SELECT 1", "RESET ALL", "PREPARE p AS SELECT 1",
    "EXECUTE p", "LOCK TABLE fact_bill", "COMMENT ON TABLE fact_bill IS 'x'", "DO $$ BEGIN END $$",
    "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql", "CREATE INDEX i ON fact_bill (bill_id)",
    "DROP SCHEMA main CASCADE", "CREATE SEQUENCE s", "UPDATE dim_channel SET channel_name = 'x' WHERE 1 = 1",
    "DELETE FROM dim_city WHERE city_id = 3301", "INSERT INTO fact_bill SELECT * FROM fact_bill",
    "WITH x AS (DELETE FROM fact_bill RETURNING *) SELECT * FROM x",
]
DANGEROUS = ["DROP TABLE fact_bill", "DELETE FROM fact_bill", "ATTACH '/tmp/x.db' AS x",
             "COPY fact_bill TO '/tmp/x.csv'", "INSTALL httpfs", "PRAGMA database_list", "SET threads = 1",
             "UPDATE fact_bill SET arrears_amount = 0", "LOAD httpfs", "EXPORT DATABASE '/tmp/x'"]
HIDING = ["SELECT 1; {s}", "SELECT 1;{s}", "SELECT 1 /* hidden */; {s}", "SELECT 1 -- c\n; {s}", "/* x */ {s}",
          "SELECT count(*) FROM fact_bill;\n\n{s};", "{s}; SELECT 1"]
FILE_FUNCTIONS = ["read_csv('/etc/passwd')", "read_csv_auto('/etc/passwd')", "read_parquet('/tmp/x.parquet')",
                  "read_json('/tmp/x.json')", "read_json_auto('/tmp/x.json')", "read_text('/etc/passwd')",
                  "read_blob('/etc/passwd')", "glob('/etc/*')", "parquet_scan('/tmp/x.parquet')",
                  "csv_scan('/etc/passwd')", "sqlite_scan('/tmp/x.db', 't')", "postgres_scan('', 'public', 't')",
                  "iceberg_scan('/tmp/x')", "delta_scan('/tmp/x')", "query('SELECT 1')",
                  "query_table('fact_bill')", "pg_read_file('/etc/passwd')", "pg_ls_dir('/')",
                  "duckdb_tables()", "duckdb_settings()", "duckdb_extensions()", "pragma_table_info('fact_bill')",
                  "read_csv('https://example.com/x.csv')", "read_parquet('s3://bucket/x.parquet')",
                  "generate_series(1, 10)", "range(10)", "json_each('[1]')",
                  "dblink('host=x', 'select 1')", "lo_import('/etc/passwd')"]
SCALAR_FUNCTIONS = ["getenv('HOME')", "current_setting('data_directory')", "version()", "current_user",
                    "pg_sleep(10)", "sleep_ms(10000)", "read_text('/etc/passwd')", "pg_read_file('/etc/passwd')",
                    "load_extension('x')", "current_database()", "set_config('a', 'b', false)",
                    "txid_current()", "nextval('s')", "lo_export(1, '/tmp/x')", "http_get('http://x')",
                    "getvariable('x')", "which_secret('s3://x', 's3')",
                    "reflect('java.lang.Runtime', 'getRuntime')"]
SYSTEM_TABLES = ["information_schema.tables", "information_schema.columns", "pg_catalog.pg_tables", "pg_tables",
                 "pg_user", "pg_shadow", "sqlite_master", "main.sqlite_master", "system.main.fact_bill",
                 "other_db.fact_bill", "memory.main.fact_bill", "temp.main.x", "meta_dataset", "dim_date",
                 "dim_channel_type", "duckdb_tables", "pg_settings", "pg_stat_activity"]
UNICODE = ["SEL\u200bECT * FROM fact_bill", "SELECT * FROM fact_bill\u202e", "ＳＥＬＥＣＴ * FROM fact_bill",
           "SELECT * FROM fact_bill WHERE 1 = 1\x00; DROP TABLE fact_bill", "SELECT\u00ad * FROM fact_bill",
           "SELECT * FROM fact\u2060_bill", "\ufeffSELECT 1; DROP TABLE fact_bill", "ЅELECT * FROM fact_bill",
           "SELECT * FROM fаct_bill", "SELECT * FROM fact_bill\u2066 WHERE 1 = 1\u2069"]
PARSE = ["SELEC * FROM fact_bill", "SELECT * FROM fact_bill WHERE channel_id = 'x", "", "   ", ";;;",
         "SELECT (((1)", "SELECT * FROM", "-- only a comment"]
HUGE = ["SELECT " + " + ".join(["1"] * 6000), "SELECT " + "(" * 300 + "1" + ")" * 300,
        "SELECT * FROM fact_bill WHERE channel_id IN (" + ", ".join(f"'{i}'" for i in range(3000)) + ")"]


@pytest.fixture(scope="module")
def warehouse(demo_warehouse):
    wh = connect(str(demo_warehouse))
    yield wh
    wh.close()


@pytest.fixture(scope="module")
def guard(warehouse):
    return SqlGuard(load_catalog(), warehouse.table_columns(), "duckdb",
                    resolve=lambda sql: warehouse.execute(sql, max_rows=100_000).rows)


@pytest.fixture(scope="module")
def plain_guard(warehouse):
    """Without key resolution the row filters stay IN-subqueries; they must hold just the same."""
    return SqlGuard(load_catalog(), warehouse.table_columns(), "duckdb")


HOSTILE = (WRITES + [h.format(s=s) for s in DANGEROUS for h in HIDING]
           + [f"SELECT * FROM {f}" for f in FILE_FUNCTIONS] + [f"SELECT {f}" for f in SCALAR_FUNCTIONS]
           + [f"SELECT count(*) FROM fact_bill WHERE bill_id > (SELECT length({f}))" for f in SCALAR_FUNCTIONS[:8]]
           + [f"SELECT * FROM {t}" for t in SYSTEM_TABLES] + UNICODE + PARSE + HUGE
           + ["WITH fact_bill AS (SELECT * FROM fact_bill) SELECT * FROM fact_bill",
              "WITH FACT_BILL AS (SELECT 1 AS x) SELECT * FROM fact_bill",
              'WITH "dim_channel" AS (SELECT 1) SELECT * FROM "dim_channel"',
              "SELECT staff_name FROM dim_staff", "SELECT population_10k FROM dim_city",
              "SELECT arrears_factor FROM dim_city", "SELECT d.staff_name FROM fact_activation a JOIN dim_staff d "
              "ON a.staff_id = d.staff_id", "SELECT", "SELECT FROM fact_bill"])


@pytest.mark.parametrize("sql", HOSTILE, ids=[f"h{i}" for i in range(len(HOSTILE))])
def test_hostile_sql_is_rejected_with_a_reason(guard, sql):
    with pytest.raises(SqlRejected) as err:
        guard.check(sql, STAFF)
    assert err.value.zh and err.value.en


def test_suite_is_large():
    assert len(HOSTILE) + len(BYPASS) * 2 >= 300


# Shapes that try to reach other channels' rows: each must return only the user's own channel.
BYPASS = [
    "SELECT DISTINCT channel_id FROM fact_bill",
    'SELECT DISTINCT channel_id FROM "FACT_BILL"',
    "SELECT DISTINCT channel_id FROM main.fact_bill",
    "SELECT DISTINCT f.channel_id FROM fact_bill AS f",
    "SELECT DISTINCT channel_id FROM fact_bill AS dim_city",
    "SELECT DISTINCT channel_id FROM (SELECT * FROM fact_bill) t",
    "SELECT DISTINCT channel_id FROM (SELECT * FROM (SELECT * FROM fact_bill) a) b",
    "WITH x AS (SELECT * FROM fact_bill) SELECT DISTINCT channel_id FROM x",
    "WITH x AS (SELECT * FROM fact_bill), y AS (SELECT * FROM x) SELECT DISTINCT channel_id FROM y",
    "SELECT channel_id FROM fact_bill UNION SELECT channel_id FROM fact_activation",
    "SELECT channel_id FROM fact_bill UNION ALL SELECT channel_id FROM fact_churn",
    "SELECT channel_id FROM dim_channel INTERSECT SELECT channel_id FROM fact_bill",
    "SELECT channel_id FROM dim_channel EXCEPT SELECT 'nothing'",
    "SELECT DISTINCT a.channel_id FROM fact_bill a JOIN fact_bill b ON a.bill_id = b.bill_id",
    "SELECT DISTINCT a.channel_id FROM fact_bill a, fact_activation b WHERE a.channel_id = b.channel_id",
    "SELECT DISTINCT a.channel_id FROM fact_bill a CROSS JOIN dim_city",
    "SELECT DISTINCT c.channel_id FROM dim_channel c LEFT JOIN fact_bill b ON b.channel_id = c.channel_id",
    "SELECT DISTINCT c.channel_id FROM dim_city ci JOIN dim_channel c ON c.city_id = ci.city_id",
    "SELECT channel_id FROM dim_channel WHERE EXISTS (SELECT 1 FROM fact_bill)",
    "SELECT channel_id FROM dim_channel WHERE channel_id IN (SELECT channel_id FROM fact_bill)",
    "SELECT channel_id FROM dim_channel WHERE 1 = 1 OR channel_id IS NOT NULL",
    "SELECT channel_id FROM dim_channel WHERE channel_id <> 'CH330100003'",
    "SELECT (SELECT max(channel_id) FROM fact_bill) AS channel_id",
    "SELECT DISTINCT channel_id FROM fact_terminal_sale WHERE channel_id LIKE 'CH%'",
    "SELECT channel_id FROM (SELECT channel_id, row_number() OVER (ORDER BY channel_id) r FROM dim_channel) t",
    "SELECT channel_id, count(*) FROM fact_broadband_install GROUP BY channel_id",
    "SELECT channel_id FROM fact_5g_migration GROUP BY channel_id HAVING count(*) > 0",
    "SELECT DISTINCT channel_id FROM fact_arrears_snapshot",
    "SELECT DISTINCT channel_id FROM fact_channel_score ORDER BY 1 LIMIT 100000",
    "SELECT DISTINCT channel_id FROM fact_subscriber_month LIMIT 5 OFFSET 0",
    "SELECT channel_id FROM (SELECT channel_id FROM fact_bill UNION SELECT channel_id FROM dim_channel) u",
    "WITH x AS (SELECT channel_id FROM fact_bill UNION ALL SELECT channel_id FROM dim_channel) "
    "SELECT DISTINCT channel_id FROM x",
    "SELECT DISTINCT manager.channel_id FROM dim_channel manager",
    "SELECT max(channel_id) AS channel_id FROM fact_activation",
    "SELECT min(channel_id) AS channel_id FROM fact_churn",
    "SELECT DISTINCT coalesce(channel_id, 'x') AS channel_id FROM fact_arrears_recovery",
    "SELECT DISTINCT CAST(channel_id AS VARCHAR) AS channel_id FROM fact_bill",
    "SELECT DISTINCT lower(channel_id) AS channel_id FROM fact_bill",
    "SELECT DISTINCT x.channel_id FROM (VALUES (1)) v(a), fact_bill x",
    "SELECT DISTINCT t.channel_id FROM fact_bill t WHERE t.channel_id = 'CH330200293'",
]


def own_values(warehouse, user):
    if user is STAFF:
        return {"ch330100003"}
    return {c.lower() for (c,) in warehouse.execute("SELECT channel_id FROM dim_channel WHERE city_id = 3302").rows}


@pytest.mark.parametrize("user", [STAFF, CITY], ids=["channel_staff", "city_manager"])
@pytest.mark.parametrize("sql", BYPASS, ids=[f"b{i}" for i in range(len(BYPASS))])
def test_row_filter_holds_on_every_path(guard, plain_guard, warehouse, sql, user):
    guarded = guard.check(sql, user, max_rows=100_000)
    rows = warehouse.execute(guarded.sql, max_rows=100_000).rows
    assert plain_guard.check(sql, user).filtered_tables == guarded.filtered_tables
    seen = {str(r[0]).lower() for r in rows if r[0] is not None and str(r[0]).lower().startswith("ch")}
    assert seen <= own_values(warehouse, user), f"leaked {sorted(seen - own_values(warehouse, user))[:5]}"


def test_unrestricted_analyst_sees_everything_and_limit_applies(guard, warehouse):
    guarded = guard.check("SELECT channel_id FROM dim_channel", User("a", "analyst"), max_rows=50)
    assert len(warehouse.execute(guarded.sql).rows) == 50
    small = guard.check("SELECT channel_id FROM dim_channel LIMIT 3", User("a", "analyst"), max_rows=50)
    assert len(warehouse.execute(small.sql).rows) == 3


def test_guarded_sql_is_a_single_select(guard):
    import sqlglot

    out = guard.check("WITH x AS (SELECT * FROM fact_bill) SELECT count(*) FROM x", STAFF).sql
    statements = sqlglot.parse(out, read="duckdb")
    assert len(statements) == 1 and statements[0].key in ("select", "union")


def test_read_only_connection_refuses_writes_even_past_the_guard(demo_warehouse):
    from chatbi.warehouse import WarehouseError

    wh = connect(str(demo_warehouse))
    with pytest.raises(WarehouseError):
        wh.execute("CREATE TABLE evil AS SELECT 1")
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        assert not con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'evil'").fetchone()[0]


def test_timeout_interrupts_a_long_query(demo_warehouse):
    from chatbi.warehouse import WarehouseError

    wh = connect(str(demo_warehouse))
    with pytest.raises(WarehouseError, match="longer than"):
        wh.execute("SELECT count(*) FROM fact_bill a, fact_bill b", timeout_s=0.5)


TOKENS = ["SELECT", "*", "FROM", "fact_bill", "dim_channel", "fact_activation", "WHERE", "channel_id", "=",
          "'CH330200293'", "UNION", "ALL", "JOIN", "ON", "(", ")", ",", ";", "DROP", "TABLE", "--", "/*", "*/",
          "WITH", "x", "AS", "OR", "1", "read_csv('/etc/passwd')", "DISTINCT", "IN", "EXISTS", "ATTACH", "'a'",
          "information_schema.tables", "LIMIT", "10", "GROUP", "BY", "COUNT(*)", "t", "x.channel_id", "INSERT",
          "INTO", "VALUES", "PRAGMA", "COPY", "TO", "getenv('HOME')", "\n", "SET"]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=25))
def test_fuzz_only_guarded_selects_get_through(guard, warehouse, tokens):
    sql = " ".join(tokens)
    try:
        guarded = guard.check(sql, STAFF, max_rows=1000)
    except SqlRejected:
        return
    import sqlglot

    from chatbi.sqlguard.rules import FORBIDDEN_NODES

    tree = sqlglot.parse_one(guarded.sql, read="duckdb")
    assert not any(isinstance(n, FORBIDDEN_NODES) for n in tree.walk())
    try:
        rows = warehouse.execute(guarded.sql, max_rows=1000, timeout_s=5).rows
    except Exception:
        return  # a query the engine rejects returns nothing
    for row in rows:
        for value in row:
            if isinstance(value, str) and value.startswith("CH"):
                assert value == "CH330100003"


def test_an_output_column_named_like_a_table_orders_but_a_table_is_never_a_value(guard, warehouse):
    """ORDER BY "dim_city" names the select's output (a metric named like its table); the same
    name as a projection is the table's whole row, and stays refused."""
    analyst = User("a", "analyst")
    ordered = guard.check("SELECT city_name, count(*) AS dim_city FROM dim_city GROUP BY city_name ORDER BY dim_city DESC",
                          analyst)
    assert len(warehouse.execute(ordered.sql).rows) == 11
    for sql in ("SELECT dim_city AS dim_city FROM dim_city ORDER BY dim_city",
                "SELECT city_name FROM dim_city GROUP BY city_name, dim_city"):
        with pytest.raises(SqlRejected, match="row_value|整张表"):
            guard.check(sql, analyst)
