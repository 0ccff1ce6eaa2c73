"""`chatbi catalog draft` on warehouses nobody described: it finds text dates and their format, keys,
joins (a bridge as many-to-many), measures stored as text, and writes a catalog that loads,
validates and answers with the same numbers as SQL; every item is marked draft."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from typer.testing import CliRunner

from chatbi.cli import app
from chatbi.warehouse import connect
from metric_catalog.draft import propose
from metric_catalog.lint import lint_catalog
from metric_catalog.loader import load_catalog
from metric_catalog.profile import find_joins, profile_tables
from metric_catalog.validate import validate_catalog


@pytest.fixture(scope="module")
def shop(tmp_path_factory):
    path = tmp_path_factory.mktemp("shop") / "shop.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE stores AS SELECT * FROM (VALUES ('S01', 'Harbour', 'North'), ('S02', 'Station', 'South'), "
                "('S03', 'Market', 'North')) v(store_code, store_name, region)")
    con.execute("CREATE TABLE sales AS SELECT i AS sale_id, 'S0' || (1 + i % 3) AS store_code, "
                "strftime(DATE '2026-01-01' + (i % 300)::INT, '%d/%m/%Y') AS sold_on, "
                "printf('%.2f', (i % 40) * 2.5 + 1) AS amount, i % 5 + 1 AS quantity FROM range(900) t(i)")
    con.execute("CREATE TABLE promotions AS SELECT * FROM (VALUES ('P1', 'Spring'), ('P2', 'Summer')) v(promo_id, promo_name)")
    con.execute("CREATE TABLE sale_promotions AS SELECT i AS sale_id, CASE WHEN i % 2 = 0 THEN 'P1' ELSE 'P2' END AS "
                "promo_id FROM range(0, 900, 3) t(i) UNION ALL SELECT i, 'P2' FROM range(0, 900, 6) t(i)")
    con.close()
    return connect(str(path))


def test_profile_reads_text_dates_numbers_keys_and_the_bridge(shop):
    profiles = {p.name: p for p in profile_tables(shop)}
    sales = profiles["sales"]
    assert sales.column("sold_on").date_format == "dd/mm/yyyy"
    assert sales.column("amount").numeric_text and not sales.column("store_code").numeric_text
    assert [c.name for c in sales.unique()] == ["sale_id"]
    joins = {(j.table, j.to): j for j in find_joins(shop, list(profiles.values()))}
    assert joins[("sales", "stores")].coverage == 1.0 and not joins[("sales", "stores")].many
    assert joins[("sales", "sale_promotions")].many  # a sale may have two promotions
    assert ("stores", "sales") not in joins  # the key side never joins to its facts


def test_drafted_catalog_loads_validates_and_answers_the_sql_numbers(shop, tmp_path):
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app, ["catalog", "draft", "--database", str(shop.path), "-o", str(out), "-m", "none"])
    assert result.exit_code == 0, result.output
    catalog = load_catalog(out)
    assert catalog.tables["sales"].time.format == "dd/mm/yyyy"
    assert all(s.draft for s in [*catalog.tables.values(), *catalog.metrics.values(), *catalog.dimensions.values()])
    assert {g.id for g in lint_catalog(catalog) if g.field == "draft"} >= set(catalog.metrics)
    report = validate_catalog(catalog, shop)
    assert report.ok, [f for f in report.findings if f.level == "error"]
    from semantic_layer import GroupBy, SemanticQuery, compile_query

    total = next(m for m, s in catalog.metrics.items() if s.agg == "sum" and "amount" in (s.expr or ""))
    sql = compile_query(catalog, SemanticQuery(metrics=[total], group_by=[GroupBy(dimension="region")]),
                        as_of=__import__("datetime").date(2026, 11, 15)).sql
    got = dict(shop.execute(sql).rows)
    truth = dict(shop.execute("SELECT region, SUM(CAST(amount AS DOUBLE)) FROM sales JOIN stores USING (store_code) "
                              "GROUP BY region").rows)
    assert got.keys() == truth.keys() and all(got[k] == pytest.approx(truth[k]) for k in truth)
    again = CliRunner().invoke(app, ["catalog", "draft", "--database", str(shop.path), "-o", str(out), "-m", "none"])
    assert again.exit_code == 1 and "--force" in again.output  # an existing file is never overwritten silently


def test_bad_inputs_say_what_to_do(shop, tmp_path):
    unknown = CliRunner().invoke(app, ["catalog", "draft", "--database", str(shop.path), "--tables", "nope",
                                       "-o", str(tmp_path / "x.yaml"), "-m", "none"])
    assert unknown.exit_code == 1 and "no table nope" in unknown.output and "stores" in unknown.output
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    nothing = CliRunner().invoke(app, ["catalog", "draft", "--database", str(empty), "-o", str(tmp_path / "y.yaml"),
                                       "-m", "none"])
    assert nothing.exit_code == 1 and "no tables" in nothing.output
    assert not (tmp_path / "x.yaml").exists() and not (tmp_path / "y.yaml").exists()


def test_retail_warehouse_drafts_a_catalog_that_validates(tmp_path):
    from chatbi.demo.retail import build_retail_warehouse

    built = build_retail_warehouse(tmp_path / "r.duckdb", scale=0.05, as_of=__import__("datetime").date(2026, 11, 15))
    warehouse = connect(str(built.path))
    profiles = profile_tables(warehouse)
    draft = propose(profiles, find_joins(warehouse, profiles))
    path = tmp_path / "retail.yaml"
    path.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.tables["fact_order_line"].time.via == "fact_order"  # lines dated by their order
    assert validate_catalog(catalog, warehouse).ok


def test_postgres_warehouse_is_profiled_the_same(shop, pg_cluster):
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    url = pg_cluster.create_database("draftshop")
    load_demo_into_postgres(shop.path, url)
    pg = connect(url)
    duck = {p.name: p for p in profile_tables(shop)}
    for p in profile_tables(pg):
        assert [(c.name, c.date_format, c.numeric_text, c.distinct) for c in p.columns] == \
               [(c.name, c.date_format, c.numeric_text, c.distinct) for c in duck[p.name].columns]
    assert {(j.table, j.to, j.many) for j in find_joins(pg, profile_tables(pg))} == \
           {(j.table, j.to, j.many) for j in find_joins(shop, list(duck.values()))}
