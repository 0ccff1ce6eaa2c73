"""`catalog validate` catches, on purpose-made bad catalogs, what would otherwise become wrong numbers:
a join that matches few rows, fan-out on a join declared many-to-one, a metric that is 0 or NULL
everywhere, a text column summed, unreadable date dimensions; each finding names its file line."""

from __future__ import annotations

import duckdb
import pytest

from chatbi.warehouse.connect import connect
from metric_catalog.loader import load_catalog
from metric_catalog.validate import add_lines, validate_catalog

HEAD = """catalog: {id: t, name: t, reference_date: {fixed: 2026-11-15}}
tables:
  sale:
    time: {column: sold_on}
    joins:
      - {to: shop, keys: {shop_code: shop_code}, JOIN_OPTIONS}
  shop: {primary_key: shop_code}
dimensions:
  shop_name: {name: 门店, table: shop, column: shop_name}
  opened: {name: 开业日期, table: shop, column: opened_on, type: date, format: dd/mm/yyyy}
metrics:
  revenue: {name: 收入, type: simple, table: sale, agg: sum, expr: METRIC_EXPR}
  refunds: {name: 退款, type: simple, table: sale, agg: sum, expr: "TRY_CAST(amount_text AS DOUBLE)",
            where: "kind = 'refund'"}
"""


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    path = tmp_path_factory.mktemp("v") / "v.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE sale AS SELECT DATE '2026-10-01' + (i % 30)::INT AS sold_on, "
                "CASE WHEN i % 10 < 3 THEN 'S' || (i % 3) ELSE 'X' || i END AS shop_code, "
                "(i * 1.5)::VARCHAR AS amount_text, i * 1.5 AS amount, 'sale' AS kind FROM range(200) t(i)")
    con.execute("CREATE TABLE shop AS SELECT * FROM (VALUES ('S0', '一店', '01/02/2020'), ('S1', '二店', '2020-03-04'), "
                "('S2', '三店', '15/07/2021'), ('S2', '三店(旧)', '15/07/2019')) v(shop_code, shop_name, opened_on)")
    con.close()
    return connect(str(path))


def _validate(tmp_path, database, join_options="complete: false", expr="amount"):
    path = tmp_path / "c.yaml"
    path.write_text(HEAD.replace("JOIN_OPTIONS", join_options).replace("METRIC_EXPR", expr), encoding="utf-8")
    report = validate_catalog(load_catalog(path), database)
    add_lines(report, path)
    return report, {(f.level, f.where): f for f in report.findings}


def test_fan_out_low_coverage_zero_metric_and_bad_dates_are_reported_with_lines(tmp_path, database):
    report, found = _validate(tmp_path, database)
    fan_out = found[("error", "tables.sale.joins[0]")]
    assert "not unique" in fan_out.message and "many_to_many" in fan_out.message
    assert fan_out.line == 6  # the join's line in the file
    low = [f for f in report.findings if "find a match" in f.message]
    assert low and "30%" in low[0].message
    zero = found[("warning", "metrics.refunds")]
    assert "0" in zero.message and zero.line == 13
    dates = found[("error", "dimensions.opened.format")]  # '2020-03-04' is not dd/mm/yyyy: 1 of 4 > 20%
    assert "1 of 4" in dates.message
    assert not report.ok


def test_text_summed_is_an_error_with_advice_and_try_cast_is_typed_by_the_engine(tmp_path, database):
    report, found = _validate(tmp_path, database, expr="amount_text")
    error = found[("error", "metrics.revenue.expr")]
    assert "VARCHAR" in error.message and "TRY_CAST(amount_text AS DOUBLE)" in error.message
    report, found = _validate(tmp_path, database, expr='"TRY_CAST(amount_text AS DOUBLE)"')
    assert ("error", "metrics.revenue.expr") not in found
    assert not any(f.where.startswith("metrics.revenue") and f.level == "error" for f in report.findings)


def test_a_bridge_declared_as_such_is_not_fan_out_and_no_match_at_all_is_an_error(tmp_path, database):
    _, found = _validate(tmp_path, database, join_options="complete: false, relationship: many_to_many")
    assert ("error", "tables.sale.joins[0]") not in found or "not unique" not in found[("error", "tables.sale.joins[0]")].message
    con = duckdb.connect(str(tmp_path / "none.duckdb"))
    con.execute("CREATE TABLE sale AS SELECT DATE '2026-10-01' AS sold_on, 'Z' || i AS shop_code, '1' AS amount_text, "
                "1.0 AS amount, 'sale' AS kind FROM range(5) t(i)")
    con.execute("CREATE TABLE shop AS SELECT 'S0' AS shop_code, '一店' AS shop_name, '01/02/2020' AS opened_on")
    con.close()
    _, found = _validate(tmp_path, connect(str(tmp_path / "none.duckdb")))
    assert "no row of sale finds a match" in found[("error", "tables.sale.joins[0]")].message
