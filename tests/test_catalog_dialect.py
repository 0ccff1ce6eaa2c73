"""A catalog's expressions in its warehouse's own SQL: DuckDB's date_diff('minute', a, b) means a
string 'minute' minus a date in sqlglot's SQL. Undeclared, `catalog validate` says to declare the
dialect; declared, the expression answers what it says, on DuckDB and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
import sqlglot

from chatbi.warehouse.connect import connect
from metric_catalog.loader import CatalogError, load_catalog
from metric_catalog.validate import validate_catalog
from semantic_layer import SemanticQuery, TimeRange, compile_query

CATALOG = """catalog: {id: t, name: t, reference_date: {fixed: 2026-11-15}DIALECT}
tables:
  parcel: {time: {column: "CAST(ship_time AS DATE)"}}
dimensions:
  city: {name: 城市, table: parcel, column: city}
metrics:
  hours: {name: 时效, type: simple, table: parcel, agg: avg,
          expr: "date_diff('minute', ship_time, sign_time) / 60.0"}
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("d") / "d.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE parcel AS SELECT TIMESTAMP '2026-10-01 08:00' + i * INTERVAL 1 HOUR AS ship_time, "
                    "TIMESTAMP '2026-10-01 08:00' + i * INTERVAL 1 HOUR + (30 + i) * INTERVAL 1 MINUTE AS sign_time, "
                    "CASE WHEN i % 2 = 0 THEN '杭州' ELSE '宁波' END AS city FROM range(40) t(i)")
    return path


def write(tmp_path, dialect):
    path = tmp_path / "c.yaml"
    path.write_text(CATALOG.replace("DIALECT", f", dialect: {dialect}" if dialect else ""), encoding="utf-8")
    return path


def test_an_expression_read_otherwise_outside_its_dialect_is_reported_with_the_fix(tmp_path, database):
    report = validate_catalog(load_catalog(write(tmp_path, None)), connect(str(database)))
    assert not report.ok
    assert any(f.level == "error" and f.where == "metrics.hours.expr" and "catalog.dialect: duckdb" in f.message
               for f in report.findings), report.findings


def test_a_declared_dialect_is_read_as_written(tmp_path, database):
    catalog = load_catalog(write(tmp_path, "duckdb"))
    warehouse = connect(str(database))
    assert validate_catalog(catalog, warehouse).ok
    query = SemanticQuery(metrics=["hours"], time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    value = warehouse.execute(compile_query(catalog, query, dialect="duckdb").sql).rows[0][0]
    with duckdb.connect(str(database), read_only=True) as con:
        expected = con.execute("SELECT AVG(date_diff('minute', ship_time, sign_time) / 60.0) FROM parcel").fetchone()[0]
    assert value == pytest.approx(expected)
    # and for PostgreSQL it is a difference of timestamps, not of a string
    postgres = compile_query(catalog, query, dialect="postgres").sql
    assert "'minute'" not in postgres.lower() and "epoch" in postgres.lower()
    sqlglot.parse_one(postgres, read="postgres")


def test_an_unknown_dialect_is_refused_with_the_choices(tmp_path):
    with pytest.raises(CatalogError, match="unknown SQL dialect 'duckdbb'"):
        load_catalog(write(tmp_path, "duckdbb"))


def test_an_expression_that_cannot_be_carried_across_exactly_is_refused_at_load(tmp_path):
    """DuckDB's 7 // 2 is 3; carried through sqlglot's SQL it came back as CAST(7 / 2 AS BIGINT), 4."""
    path = write(tmp_path, "duckdb")
    path.write_text(path.read_text(encoding="utf-8").replace(
        "column: city}", "column: city}\n  decade: {name: 年代, table: parcel, column: \"year(ship_time) // 10 * 10\"}"),
        encoding="utf-8")
    with pytest.raises(CatalogError, match="cannot be carried to other SQL dialects exactly"):
        load_catalog(path)
