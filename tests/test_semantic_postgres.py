"""The same compiled queries give the same results on PostgreSQL as on DuckDB (executed for real)."""

import datetime as dt

import pytest

from chatbi.warehouse import connect
from semantic_layer import TIME, Filter, GroupBy, SemanticQuery, TimeRange, User, compile_query
from tests.semantic_helpers import AS_OF, CATALOG, close, number

QUARTER = TimeRange(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
QUERIES = [
    SemanticQuery(metrics=[m], group_by=[GroupBy(dimension="city")], time_range=QUARTER)
    for m in sorted(CATALOG.visible_metrics())
] + [
    SemanticQuery(metrics=["new_subscribers", "churn_rate", "arpu"], time_range=QUARTER,
                  group_by=[GroupBy(dimension=TIME, grain="month"), GroupBy(dimension="channel_type")],
                  comparisons=["mom", "yoy"]),
    SemanticQuery(metrics=["arrears_balance"], group_by=[GroupBy(dimension=TIME, grain="quarter"),
                                                         GroupBy(dimension="aging_bucket")],
                  time_range=TimeRange(start=dt.date(2025, 10, 1), end=dt.date(2026, 9, 30))),
    SemanticQuery(metrics=["terminal_units"], group_by=[GroupBy(dimension="terminal_brand")], time_range=QUARTER,
                  comparisons=["share"], order_by=[{"field": "terminal_units"}], limit=3),
    SemanticQuery(metrics=["broadband_installs"], group_by=[GroupBy(dimension=TIME, grain="week")],
                  time_range=TimeRange(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30)),
                  filters=[Filter(dimension="city", op="in", values=["杭州", "温州"])]),
]


@pytest.fixture(scope="module")
def engines(demo_warehouse, pg_demo):
    duck, pg = connect(str(demo_warehouse)), connect(pg_demo)
    yield duck, pg
    duck.close()
    pg.close()


@pytest.mark.parametrize("index", range(len(QUERIES)))
@pytest.mark.parametrize("user", [None, User("c", "city_manager", {"city_id": 3302})])
def test_postgres_matches_duckdb(engines, index, user):
    duck, pg = engines
    query = QUERIES[index]
    results = []
    for wh in (duck, pg):
        compiled = compile_query(CATALOG, query, dialect=wh.dialect, user=user, as_of=AS_OF)
        results.append([tuple(number(v) for v in row) for row in wh.execute(compiled.sql).rows])
    duck_rows, pg_rows = results
    assert len(duck_rows) == len(pg_rows) and duck_rows
    for a, b in zip(duck_rows, pg_rows, strict=True):
        assert all(close(x, y, rel=1e-9) for x, y in zip(a, b, strict=True)), (a, b)
