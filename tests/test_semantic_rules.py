"""Access policies, refusals with reasons, and SQL for every dialect."""

import datetime as dt

import duckdb
import pytest
import sqlglot

from semantic_layer import (
    TIME,
    AccessDenied,
    Filter,
    GroupBy,
    NoData,
    NotAllowed,
    SemanticQuery,
    TimeRange,
    UnknownName,
    User,
    compile_query,
)
from tests.semantic_helpers import AS_OF, CATALOG, compiled_rows, run

QUARTER = TimeRange(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
CITY = User("wang.wei", "city_manager", {"city_id": 3302})


@pytest.fixture(scope="module")
def con(demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        yield connection


@pytest.mark.parametrize("metric", sorted(m for m in CATALOG.visible_metrics()))
def test_channel_staff_never_sees_another_channels_rows(con, metric):
    spec = CATALOG.metrics[metric]
    dims = [GroupBy(dimension="channel")]
    if metric in CATALOG.roles["channel_staff"].deny_metrics:
        with pytest.raises(AccessDenied):
            compiled_rows(con, SemanticQuery(metrics=[metric], group_by=dims, time_range=QUARTER), user=STAFF)
        return
    rows = compiled_rows(con, SemanticQuery(metrics=[metric], group_by=dims, time_range=QUARTER), user=STAFF)
    own = run(con, "SELECT channel_name FROM dim_channel WHERE channel_id = 'CH330100003'")[0][0]
    assert {r[0] for r in rows} <= {own}, f"{spec.name.en} leaked {[r[0] for r in rows]}"
    total_for_staff = compiled_rows(con, SemanticQuery(metrics=[metric], time_range=QUARTER), user=STAFF)
    own_only = compiled_rows(con, SemanticQuery(metrics=[metric], time_range=QUARTER, filters=[
        Filter(dimension="channel", op="=", values=[own])]))
    assert total_for_staff == own_only


def test_restriction_holds_even_when_the_user_asks_for_other_channels(con):
    other = run(con, "SELECT channel_name FROM dim_channel WHERE channel_id <> 'CH330100003' LIMIT 1")[0][0]
    rows = compiled_rows(con, SemanticQuery(metrics=["new_subscribers"], time_range=QUARTER,
                                            filters=[Filter(dimension="channel", op="=", values=[other])]), user=STAFF)
    assert rows == [(0,)]


def test_city_manager_sees_only_their_city(con):
    rows = compiled_rows(con, SemanticQuery(metrics=["arrears_amount"], group_by=[GroupBy(dimension="city")],
                                            time_range=QUARTER), user=CITY)
    assert [r[0] for r in rows] == ["宁波"]


def test_restriction_is_an_ast_predicate_on_every_scan():
    query = SemanticQuery(metrics=["churn_rate", "arrears_balance"], time_range=QUARTER)
    compiled = compile_query(CATALOG, query, user=STAFF, as_of=AS_OF)
    scans = [cte for cte in compiled.expression.find_all(sqlglot.exp.CTE) if cte.alias.startswith("g")]
    assert len(scans) == 3
    for cte in scans:
        where = cte.this.find(sqlglot.exp.Where)
        assert "'CH330100003'" in where.sql(), cte.alias


def test_missing_user_attribute_denies_instead_of_widening():
    with pytest.raises(AccessDenied, match="channel_id"):
        compile_query(CATALOG, SemanticQuery(metrics=["new_subscribers"], time_range=QUARTER),
                      user=User("x", "channel_staff", {}), as_of=AS_OF)


def test_denied_dimension_and_unknown_role():
    with pytest.raises(AccessDenied) as err:
        compile_query(CATALOG, SemanticQuery(metrics=["new_subscribers"], group_by=[GroupBy(dimension="staff")],
                                             time_range=QUARTER), user=STAFF, as_of=AS_OF)
    assert "员工" in err.value.zh
    with pytest.raises(AccessDenied):
        compile_query(CATALOG, SemanticQuery(metrics=["new_subscribers"], time_range=QUARTER),
                      user=User("x", "intern"), as_of=AS_OF)


@pytest.mark.parametrize("query,error,text", [
    (SemanticQuery(metrics=["profit"], time_range=QUARTER), UnknownName, "profit"),
    (SemanticQuery(metrics=["channel_score"], group_by=[GroupBy(dimension="plan")], time_range=QUARTER),
     NotAllowed, "套餐"),
    (SemanticQuery(metrics=["arrears_amount"], group_by=[GroupBy(dimension=TIME, grain="day")], time_range=QUARTER),
     NotAllowed, "账期"),
    (SemanticQuery(metrics=["arrears_amount"], time_range=TimeRange(start=dt.date(2026, 9, 5),
                                                                     end=dt.date(2026, 9, 20))), NotAllowed, "整月"),
    (SemanticQuery(metrics=["arrears_amount"], time_range=TimeRange(start=dt.date(2026, 11, 1),
                                                                     end=dt.date(2026, 11, 30))), NoData, "202"),
    (SemanticQuery(metrics=["arrears_rate"], comparisons=["share"], time_range=QUARTER), NotAllowed, "占比"),
    (SemanticQuery(metrics=["new_subscribers"], comparisons=["mom"]), NotAllowed, "时间范围"),
])
def test_meaningless_queries_are_refused_with_a_reason(query, error, text):
    with pytest.raises(error) as err:
        compile_query(CATALOG, query, as_of=AS_OF)
    assert text in err.value.zh or text in err.value.en


def test_period_beyond_the_data_is_cut_and_said(con):
    compiled = compile_query(CATALOG, SemanticQuery(metrics=["arrears_amount"], time_range=TimeRange(
        start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 30))), as_of=AS_OF)
    assert compiled.end == dt.date(2026, 10, 31)
    assert "2026-10-31" in compiled.explanation["zh"] and "2026-10-31" in compiled.explanation["en"]


def test_explanation_names_definitions_filters_and_period():
    compiled = compile_query(CATALOG, SemanticQuery(
        metrics=["arrears_rate"], group_by=[GroupBy(dimension="city")], time_range=QUARTER,
        filters=[Filter(dimension="channel_type", op="=", values=["社会渠道"])]), user=CITY, as_of=AS_OF)
    zh, en = compiled.explanation["zh"], compiled.explanation["en"]
    assert "欠费率" in zh and "欠费金额 ÷ 出账收入" in zh and "社会渠道" in zh and "2026-07-01 至 2026-09-30" in zh
    assert "arrears rate" in en and "Arrears amount ÷ billed revenue" in en and "2026-07-01 to 2026-09-30" in en
    assert "地市" in zh and "3302" in zh


DIALECTS = ["duckdb", "postgres", "trino", "spark", "clickhouse", "starrocks", "doris", "snowflake", "bigquery"]
SHAPES = [
    SemanticQuery(metrics=["arrears_amount", "arrears_balance"], group_by=[GroupBy(dimension="city")],
                  time_range=QUARTER, comparisons=["mom"]),
    SemanticQuery(metrics=["new_subscribers", "churn_rate"], time_range=QUARTER,
                  group_by=[GroupBy(dimension=TIME, grain="quarter"), GroupBy(dimension="channel_type")],
                  comparisons=["yoy"]),
    SemanticQuery(metrics=["terminal_units"], group_by=[GroupBy(dimension="terminal_brand")], time_range=QUARTER,
                  comparisons=["share"], order_by=[{"field": "terminal_units"}], limit=3),
    SemanticQuery(metrics=["net_adds", "arrears_accounts"], time_range=QUARTER,
                  filters=[Filter(dimension="city", op="in", values=["杭州", "宁波"])]),
]


@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_every_dialect_transpiles_and_parses_back(dialect, shape):
    compiled = compile_query(CATALOG, SHAPES[shape], dialect=dialect, user=STAFF, as_of=AS_OF)
    parsed = sqlglot.parse_one(compiled.sql, read=dialect)
    assert isinstance(parsed, sqlglot.exp.Select)
    assert "CH330100003" in compiled.sql
