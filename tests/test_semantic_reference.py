"""Compiled SQL gives exactly what hand-written SQL gives, for every demo metric."""

import datetime as dt

import duckdb
import pytest

from semantic_layer import TIME, Filter, GroupBy, OrderBy, SemanticQuery, TimeRange
from tests.reference_sql import reference_sql
from tests.semantic_helpers import CATALOG, as_map, assert_same, compiled_rows, run

QUARTER = TimeRange(start=dt.date(2026, 7, 1), end=dt.date(2026, 9, 30))
METRICS = sorted(CATALOG.visible_metrics())
KEYS = [None, "city", "channel_type", "month"]


@pytest.fixture(scope="module")
def con(demo_warehouse):
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        yield connection


def group_for(key):
    if key is None:
        return []
    return [GroupBy(dimension=TIME, grain="month")] if key == "month" else [GroupBy(dimension=key)]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("metric", METRICS)
def test_metric_equals_hand_written_sql(con, metric, key):
    query = SemanticQuery(metrics=[metric], group_by=group_for(key), time_range=QUARTER)
    compiled = as_map(compiled_rows(con, query))
    reference = as_map(run(con, reference_sql(metric, key, QUARTER.start, QUARTER.end)))
    assert_same(compiled, reference, f"{metric} by {key}")


def test_ratio_is_ratio_of_sums_not_average_of_ratios(con):
    query = SemanticQuery(metrics=["arrears_rate"], time_range=QUARTER)
    (rate,), = compiled_rows(con, query)
    by_month = compiled_rows(con, SemanticQuery(metrics=["arrears_rate"], time_range=QUARTER,
                                                group_by=[GroupBy(dimension=TIME, grain="month")]))
    average_of_ratios = sum(r[1] for r in by_month) / len(by_month)
    (arrears, billed), = run(con, "SELECT sum(arrears_amount), sum(billed_amount) FROM fact_bill "
                                  "WHERE billing_month BETWEEN '202607' AND '202609'")
    assert rate == pytest.approx(arrears / billed, rel=1e-12)
    assert rate != pytest.approx(average_of_ratios, rel=1e-9)


def test_balances_are_read_at_period_end_not_summed(con):
    (balance,), = compiled_rows(con, SemanticQuery(metrics=["arrears_balance"], time_range=QUARTER))
    (september,), = run(con, "SELECT sum(arrears_balance) FROM fact_arrears_snapshot WHERE snapshot_month = '202609'")
    assert balance == pytest.approx(september)
    by_quarter = compiled_rows(con, SemanticQuery(
        metrics=["active_subscribers"], group_by=[GroupBy(dimension=TIME, grain="quarter")],
        time_range=TimeRange(start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 30))))
    ends = dict(run(con, "SELECT billing_month, sum(active_subscribers) FROM fact_subscriber_month "
                         "WHERE billing_month IN ('202603', '202606') GROUP BY 1"))
    assert [r[1] for r in by_quarter] == [ends["202603"], ends["202606"]]


def test_no_fan_out_through_staff_and_channel_joins(con):
    total = compiled_rows(con, SemanticQuery(metrics=["broadband_installs"], time_range=QUARTER))[0][0]
    by_city = compiled_rows(con, SemanticQuery(metrics=["broadband_installs"], time_range=QUARTER,
                                               group_by=[GroupBy(dimension="city")]))
    by_staff = compiled_rows(con, SemanticQuery(metrics=["broadband_installs"], time_range=QUARTER,
                                                group_by=[GroupBy(dimension="staff"), GroupBy(dimension="city")]))
    (rows,), = run(con, "SELECT count(*) FROM fact_broadband_install WHERE install_date BETWEEN "
                        "DATE '2026-07-01' AND DATE '2026-09-30'")
    assert total == rows == sum(r[1] for r in by_city) == sum(r[2] for r in by_staff)


def test_metrics_from_different_facts_share_one_row_per_key(con):
    rows = compiled_rows(con, SemanticQuery(metrics=["new_subscribers", "arrears_amount", "arrears_balance"],
                                            group_by=[GroupBy(dimension="city")], time_range=QUARTER))
    assert len(rows) == 11
    for metric, index in (("new_subscribers", 1), ("arrears_amount", 2), ("arrears_balance", 3)):
        reference = as_map(run(con, reference_sql(metric, "city", QUARTER.start, QUARTER.end)))
        assert_same({(r[0],): r[index] for r in rows}, reference, metric)


@pytest.mark.parametrize("comparison,shift_months", [("mom", 3), ("yoy", 12)])
def test_period_comparisons_match_reference_for_the_shifted_period(con, comparison, shift_months):
    rows = compiled_rows(con, SemanticQuery(metrics=["new_subscribers", "arrears_rate"],
                                            group_by=[GroupBy(dimension="city")], time_range=QUARTER,
                                            comparisons=[comparison]))
    start = dt.date(2026, 7 - shift_months, 1) if shift_months < 7 else dt.date(2025, 7, 1)
    end = dt.date(2026, 6, 30) if shift_months == 3 else dt.date(2025, 9, 30)
    prev_subs = as_map(run(con, reference_sql("new_subscribers", "city", start, end)))
    prev_rate = as_map(run(con, reference_sql("arrears_rate", "city", start, end)))
    for city, subs, rate, subs_prev, subs_change, subs_growth, rate_prev, rate_change, rate_growth in rows:
        assert subs_prev == prev_subs[(city,)] and subs_change == subs - subs_prev
        assert rate_change == pytest.approx(rate - rate_prev)
        assert rate_prev == pytest.approx(prev_rate[(city,)])
        assert subs_growth == pytest.approx((subs - subs_prev) / abs(subs_prev))
        assert rate_growth == pytest.approx((rate - rate_prev) / abs(rate_prev))


def test_monthly_mom_compares_each_month_with_the_one_before(con):
    rows = compiled_rows(con, SemanticQuery(metrics=["fiveg_migrations"], comparisons=["mom"],
                                            group_by=[GroupBy(dimension=TIME, grain="month")], time_range=QUARTER))
    monthly = as_map(run(con, reference_sql("fiveg_migrations", "month", dt.date(2026, 6, 1), QUARTER.end)))
    for month, value, prev, _change, _growth in rows:
        previous_month = (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        assert value == monthly[(month,)] and prev == monthly[(previous_month,)]


def test_share_of_total_sums_to_one_per_period(con):
    rows = compiled_rows(con, SemanticQuery(metrics=["terminal_units"], comparisons=["share"],
                                            group_by=[GroupBy(dimension=TIME, grain="month"),
                                                      GroupBy(dimension="terminal_brand")], time_range=QUARTER))
    totals: dict = {}
    for month, _brand, _units, share in rows:
        totals[month] = totals.get(month, 0) + share
    assert all(v == pytest.approx(1.0) for v in totals.values()) and len(totals) == 3


def test_empty_periods_are_zero_for_counts_and_null_for_ratios(con):
    rows = compiled_rows(con, SemanticQuery(
        metrics=["new_subscribers", "arrears_rate"], group_by=[GroupBy(dimension=TIME, grain="month")],
        filters=[Filter(dimension="city", op="=", values=["上海"])], time_range=QUARTER))
    assert [r[1:] for r in rows] == [(0, None)] * 3
    total = compiled_rows(con, SemanticQuery(metrics=["new_subscribers", "arrears_amount"],
                                             filters=[Filter(dimension="city", op="=", values=["上海"])],
                                             time_range=QUARTER))
    assert total == [(0, 0)]


def test_top_n_with_deterministic_tie_break(con):
    query = SemanticQuery(metrics=["channel_score"], group_by=[GroupBy(dimension="channel")], time_range=QUARTER,
                          order_by=[OrderBy(field="channel_score", descending=True)], limit=10)
    first, second = compiled_rows(con, query), compiled_rows(con, query)
    assert first == second and len(first) == 10
    scores = [r[1] for r in first]
    assert scores == sorted(scores, reverse=True)
    everything = as_map(run(con, "SELECT ch.channel_name, avg(score_total) FROM fact_channel_score f "
                                 "JOIN dim_channel ch USING (channel_id) WHERE billing_month BETWEEN '202607' "
                                 "AND '202609' GROUP BY 1"))
    assert scores[0] == pytest.approx(max(everything.values()))


def test_filters_in_not_in_and_having(con):
    query = SemanticQuery(metrics=["arrears_amount"], group_by=[GroupBy(dimension="city")], time_range=QUARTER,
                          filters=[Filter(dimension="channel_type", op="not in", values=["电子渠道"]),
                                   Filter(dimension="plan_category", op="in", values=["5G套餐", "宽带融合"])],
                          having=[{"metric": "arrears_amount", "op": ">", "value": 20000}])
    rows = compiled_rows(con, query)
    expected = as_map(run(con, """
        SELECT ci.city_name, sum(f.arrears_amount) FROM fact_bill f JOIN dim_channel ch USING (channel_id)
        JOIN dim_city ci USING (city_id) JOIN dim_plan p USING (plan_id)
        WHERE f.billing_month BETWEEN '202607' AND '202609' AND ch.channel_type <> '电子渠道'
          AND p.plan_category IN ('5G套餐', '宽带融合') GROUP BY 1 HAVING sum(f.arrears_amount) > 20000"""))
    assert_same(as_map(rows), expected)
    assert 0 < len(rows) < 11


def test_nullable_keys_combine_scans_null_safely(con):
    """With a dimension declared nullable the scans are stacked and grouped; results are the same."""
    nullable = CATALOG.model_copy(update={"dimensions": {
        **CATALOG.dimensions, "city": CATALOG.dimensions["city"].model_copy(update={"nullable": True})}})
    from semantic_layer import compile_query
    from tests.semantic_helpers import AS_OF

    query = SemanticQuery(metrics=["churn_rate", "net_adds"], group_by=[GroupBy(dimension="city")],
                          time_range=QUARTER)
    stacked = compile_query(nullable, query, as_of=AS_OF).sql
    joined = compile_query(CATALOG, query, as_of=AS_OF).sql
    assert "UNION ALL" in stacked and "FULL" in joined.upper() and "UNION ALL" not in joined
    assert run(con, stacked) == run(con, joined)
