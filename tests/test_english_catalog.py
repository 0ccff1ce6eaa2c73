"""A catalog written in English only (languages: [en]) is answered in English only: no Chinese
template word (至, 为, 共) leaks into messages, explanations, choices, suggestions or column labels,
and nothing speaks of another domain (assessment metrics, arrears)."""

from __future__ import annotations

import datetime as dt
import re

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse.connect import connect
from metric_catalog.loader import load_catalog

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
CATALOG = """
catalog: {id: shop, name: Corner shop, languages: [en], reference_date: {fixed: 2026-11-15}}
tables:
  sale: {time: {column: sold_on}, joins: [{to: shop, keys: {shop_id: shop_id}}]}
  shop: {primary_key: shop_id}
dimensions:
  shop_name: {name: shop, synonyms: [store, outlet], table: shop, column: shop_name, key: shop_id}
  region: {name: region, synonyms: [area], table: shop, column: region, values: {North: [northern], South: [southern]}}
metrics:
  revenue: {name: revenue, synonyms: [sales, turnover], type: simple, table: sale, agg: sum, expr: amount,
            unit: dollars, samples: {en: [revenue by region last month]}}
  sales_count: {name: number of sales, synonyms: [transactions, sales count], type: simple, table: sale, agg: count,
                unit: sales, samples: {en: [number of sales by shop this year]}}
"""
QUESTIONS = ["revenue last month", "revenue by region last month", "number of sales by shop this year",
             "revenue in the North in 2026", "top 2 shops by revenue last month", "revenue month over month",
             "what is the weather tomorrow", "delete all sales", "revenue growth rate by region last month",
             "profit by region", "revenue by shop in nrth", "", "how many employees do we have"]


@pytest.fixture(scope="module")
def bi(tmp_path_factory):
    folder = tmp_path_factory.mktemp("en")
    (folder / "c.yaml").write_text(CATALOG, encoding="utf-8")
    con = duckdb.connect(str(folder / "w.duckdb"))
    con.execute("CREATE TABLE shop AS SELECT * FROM (VALUES (1, 'Main Street', 'North'), (2, 'Harbour', 'South'), "
                "(3, 'Station', 'North')) v(shop_id, shop_name, region)")
    con.execute("CREATE TABLE sale AS SELECT DATE '2025-01-01' + (i % 680)::INT AS sold_on, 1 + i % 3 AS shop_id, "
                "(i % 17) * 2.5 + 1 AS amount FROM range(5000) t(i)")
    con.close()
    return ChatBI(load_catalog(folder / "c.yaml"), connect(str(folder / "w.duckdb")), use_model=False)


@pytest.mark.parametrize("question", QUESTIONS)
def test_english_catalog_answers_in_english_only(bi, question):
    answer = bi.ask(question, as_of=dt.date(2026, 11, 15))
    texts = [answer.text("en"), answer.explanation.get("en", ""), *answer.suggestions_in("en"),
             *[c.description_en for c in answer.candidates],
             *[c.get("label_en") or c["label"] for c in answer.columns]]
    for text in texts:
        assert not CJK.search(text), f"{question!r} → {answer.status}: {text!r}"
        assert "assessment" not in text and "arrears" not in text


def test_english_answers_are_the_numbers(bi, tmp_path_factory):
    answer = bi.ask("revenue in the North in 2026", as_of=dt.date(2026, 11, 15))
    assert answer.status == "answered", answer.text("en")
    [(truth,)] = bi.warehouse.execute("SELECT SUM(amount) FROM sale JOIN shop USING (shop_id) WHERE region = 'North' "
                                      "AND sold_on BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'").rows
    assert answer.rows[0][-1] == pytest.approx(float(truth))
    assert "31,282.50 dollars" in answer.text("en")
    for question in QUESTIONS[:6]:
        assert bi.ask(question, as_of=dt.date(2026, 11, 15)).status == "answered", question
