"""Time columns as real warehouses store them: a day given by the table a row joins to (order lines
take their order's day), timestamps, day strings in several formats, epoch seconds, expressions.
Each gives, on DuckDB and PostgreSQL, the sums computed in Python from the generated rows; a
time column that places few rows on a day is refused by `catalog validate`, because every answer
from it would read 0."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import duckdb
import pytest
import yaml

from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from metric_catalog.validate import validate_catalog
from semantic_layer import TIME, GroupBy, SemanticQuery, TimeRange, compile_query

FORMATS = {  # format -> (DuckDB column type, how a datetime is stored)
    "date": ("DATE", lambda t: t.date()),
    "timestamp": ("TIMESTAMP", lambda t: t),
    "epoch_seconds": ("BIGINT", lambda t: int(t.replace(tzinfo=dt.UTC).timestamp())),
    "yyyy-mm-dd": ("VARCHAR", lambda t: t.strftime("%Y-%m-%d")),
    "yyyy/mm/dd": ("VARCHAR", lambda t: t.strftime("%Y/%m/%d")),
    "dd-mm-yyyy": ("VARCHAR", lambda t: t.strftime("%d-%m-%Y")),
    "dd/mm/yyyy": ("VARCHAR", lambda t: t.strftime("%d/%m/%Y")),
    "mm/dd/yyyy": ("VARCHAR", lambda t: t.strftime("%m/%d/%Y")),
    "yyyymmdd": ("VARCHAR", lambda t: t.strftime("%Y%m%d")),
}
WINDOW = TimeRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 2, 28))
AS_OF = dt.date(2026, 3, 31)


def _moments(rng: random.Random, n: int) -> list[dt.datetime]:
    """Moments from 2025-12-01 to 2026-03-31, with the last second of a day and month boundaries."""
    start = dt.datetime(2025, 12, 1)
    out = [start + dt.timedelta(seconds=rng.randrange(121 * 86400)) for _ in range(n)]
    return out + [dt.datetime(2025, 12, 31, 23, 59, 59), dt.datetime(2026, 1, 1, 0, 0, 0),
                  dt.datetime(2026, 2, 28, 23, 59, 59), dt.datetime(2026, 3, 1, 0, 0, 0)]


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    """A warehouse (DuckDB file) and the truths each test compares with."""
    rng = random.Random(7)
    path = tmp_path_factory.mktemp("time") / "shop.duckdb"
    con = duckdb.connect(str(path))
    truth: dict = {"format": {}, "lines": defaultdict(float)}
    moments = _moments(rng, 300)
    amounts = [round(rng.uniform(1, 500), 2) for _ in moments]
    for fmt, (kind, store) in FORMATS.items():
        table = "ev_" + fmt.replace("-", "_dash_").replace("/", "_slash_")
        con.execute(f"CREATE TABLE {table} (event_id INTEGER, t {kind}, amount DOUBLE)")
        con.executemany(f"INSERT INTO {table} VALUES (?, ?, ?)",
                        [(i, store(m), a) for i, (m, a) in enumerate(zip(moments, amounts, strict=True))])
        by_month = defaultdict(float)
        for m, a in zip(moments, amounts, strict=True):
            if WINDOW.start <= m.date() <= WINDOW.end:
                by_month[m.date().replace(day=1)] += a
        truth["format"][fmt] = (table, dict(by_month))
    # orders carry the day; their lines do not
    con.execute("CREATE TABLE orders (order_id INTEGER, order_day DATE, store VARCHAR)")
    con.execute("CREATE TABLE order_lines (order_id INTEGER, line_no INTEGER, amount DOUBLE)")
    for oid in range(400):
        day, store = dt.date(2025, 12, 1) + dt.timedelta(days=rng.randrange(121)), rng.choice(["north", "south"])
        con.execute("INSERT INTO orders VALUES (?, ?, ?)", [oid, day, store])
        for line in range(rng.randrange(1, 4)):
            amount = round(rng.uniform(1, 90), 2)
            con.execute("INSERT INTO order_lines VALUES (?, ?, ?)", [oid, line, amount])
            if WINDOW.start <= day <= WINDOW.end:
                truth["lines"][store] += amount
    # a claim table whose only date is NULL on every row, and one with some unreadable strings
    con.execute("CREATE TABLE claims (claim_id INTEGER, settled DATE, amount DOUBLE)")
    con.executemany("INSERT INTO claims VALUES (?, NULL, ?)", [(1, 1200.0), (2, 2300.0)])
    con.execute("CREATE TABLE messy (id INTEGER, d VARCHAR, amount DOUBLE)")
    con.executemany("INSERT INTO messy VALUES (?, ?, 1)",
                    [(i, "2026-01-05" if i % 10 else "05.01.2026") for i in range(100)])
    con.close()
    return path, truth


def _catalog(tmp_path, tables: dict, metrics: dict, dimensions: dict | None = None):
    doc = {"catalog": {"id": "shop", "name": "shop", "reference_date": {"fixed": AS_OF.isoformat()}},
           "tables": tables, "dimensions": dimensions or {}, "metrics": metrics}
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return load_catalog(path)


def _sum_metric(table: str) -> dict:
    return {"name": "amount", "type": "simple", "table": table, "agg": "sum", "expr": "amount"}


def _warehouses(shop, pg_cluster, request) -> list:
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    path, _ = shop
    url = getattr(request.config, "_time_pg_url", None)
    if url is None:
        url = pg_cluster.create_database("timecols")
        load_demo_into_postgres(path, url)
        request.config._time_pg_url = url
    return [connect(str(path)), connect(url)]


def test_every_time_format_windows_and_buckets_the_days_it_stores(shop, pg_cluster, request, tmp_path):
    _, truth = shop
    tables = {table: {"primary_key": "event_id", "time": {"column": "t", "format": fmt}}
              for fmt, (table, _) in truth["format"].items()}
    metrics = {f"amount_{table}": _sum_metric(table) for table, _ in truth["format"].values()}
    catalog = _catalog(tmp_path, tables, metrics)
    for warehouse in _warehouses(shop, pg_cluster, request):
        assert validate_catalog(catalog, warehouse).ok, warehouse.dialect
        for fmt, (table, expected) in truth["format"].items():
            query = SemanticQuery(metrics=[f"amount_{table}"], group_by=[GroupBy(dimension=TIME, grain="month")],
                                  time_range=WINDOW)
            rows = warehouse.execute(compile_query(catalog, query, dialect=warehouse.dialect, as_of=AS_OF).sql).rows
            got = {(r[0] if isinstance(r[0], dt.date) else dt.date.fromisoformat(str(r[0])[:10])): float(r[1])
                   for r in rows}
            assert got.keys() == expected.keys(), (warehouse.dialect, fmt)
            for month, value in expected.items():
                assert got[month] == pytest.approx(value), (warehouse.dialect, fmt, month)


def test_order_lines_take_the_day_of_their_order(shop, pg_cluster, request, tmp_path):
    _, truth = shop
    catalog = _catalog(tmp_path, {
        "orders": {"primary_key": "order_id", "time": {"column": "order_day"}},
        "order_lines": {"primary_key": ["order_id", "line_no"], "time": {"column": "order_day", "via": "orders"},
                        "joins": [{"to": "orders", "keys": {"order_id": "order_id"}}]},
    }, {"sales": _sum_metric("order_lines")},
        {"store": {"name": "store", "table": "orders", "column": "store"}})
    query = SemanticQuery(metrics=["sales"], group_by=[GroupBy(dimension="store")], time_range=WINDOW)
    for warehouse in _warehouses(shop, pg_cluster, request):
        assert validate_catalog(catalog, warehouse).ok
        rows = warehouse.execute(compile_query(catalog, query, dialect=warehouse.dialect, as_of=AS_OF).sql).rows
        assert {r[0]: pytest.approx(float(r[1])) for r in rows} == dict(truth["lines"]), warehouse.dialect


def test_a_time_column_with_no_days_is_refused_and_unreadable_rows_are_counted(shop, tmp_path):
    path, _ = shop
    catalog = _catalog(tmp_path, {
        "claims": {"primary_key": "claim_id", "time": {"column": "settled"}},
        "messy": {"primary_key": "id", "time": {"column": "d", "format": "yyyy-mm-dd"}},
    }, {"claim_amount": _sum_metric("claims"), "messy_amount": _sum_metric("messy")})
    report = validate_catalog(catalog, connect(str(path)))
    findings = {(f.level, f.where): f.message for f in report.findings}
    assert "2 of 2 rows of claims have no day" in findings[("error", "tables.claims.time")]
    assert "10 of 100 rows of messy have no day" in findings[("warning", "tables.messy.time")]
    assert "10 not readable as yyyy-mm-dd" in findings[("warning", "tables.messy.time")]


def test_a_text_column_declared_as_a_date_is_an_error_that_names_the_formats(shop, tmp_path):
    path, truth = shop
    table = truth["format"]["dd/mm/yyyy"][0]
    catalog = _catalog(tmp_path, {table: {"primary_key": "event_id", "time": {"column": "t"}}},
                       {"amount": _sum_metric(table)})
    report = validate_catalog(catalog, connect(str(path)))
    [error] = [f for f in report.findings if f.where == f"tables.{table}.time"]
    assert "format date cannot read" in error.message and "dd/mm/yyyy" in error.message


def test_an_expression_can_be_the_time_column(shop, tmp_path):
    path, truth = shop
    table, expected = truth["format"]["timestamp"]
    catalog = _catalog(tmp_path, {table: {"primary_key": "event_id", "time": {"column": "CAST(t AS DATE)"}}},
                       {"amount": _sum_metric(table)})
    warehouse = connect(str(path))
    assert validate_catalog(catalog, warehouse).ok
    query = SemanticQuery(metrics=["amount"], time_range=WINDOW)
    [(value,)] = warehouse.execute(compile_query(catalog, query, dialect="duckdb", as_of=AS_OF).sql).rows
    assert value == pytest.approx(sum(expected.values()))


def test_via_must_name_a_table_the_rows_join_to(tmp_path):
    from metric_catalog.loader import CatalogError

    with pytest.raises(CatalogError, match="no many-to-one join path to orders"):
        _catalog(tmp_path, {"orders": {"primary_key": "order_id", "time": {"column": "order_day"}},
                            "order_lines": {"primary_key": "order_id",
                                            "time": {"column": "order_day", "via": "orders"}}},
                 {"sales": _sum_metric("order_lines")})


def test_a_timestamp_must_be_declared_one_and_a_zoned_one_is_refused(tmp_path):
    path = tmp_path / "ts.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE ev (id INTEGER, t TIMESTAMP, tz TIMESTAMPTZ, amount DOUBLE)")
        con.execute("INSERT INTO ev VALUES (1, TIMESTAMP '2026-01-31 10:00', TIMESTAMPTZ '2026-01-31 20:00+00', 5)")
    for column, fmt, words in [("t", "date", "format: timestamp"), ("tz", "timestamp", "time zone")]:
        catalog = _catalog(tmp_path, {"ev": {"primary_key": "id", "time": {"column": column, "format": fmt}}},
                           {"amount": _sum_metric("ev")})
        [error] = [f for f in validate_catalog(catalog, connect(str(path))).findings if f.where == "tables.ev.time"]
        assert error.level == "error" and words in error.message, error.message
