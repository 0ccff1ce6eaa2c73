"""The all-text retail export answers every retail question exactly as the typed warehouse does:
dates in four text formats, amounts as text and codes as strings change nothing a user sees."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.demo.retail import build_retail_warehouse
from chatbi.demo.retail_text import build_retail_text_warehouse
from chatbi.evaluation import load_cases
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from metric_catalog.validate import validate_catalog

AS_OF = dt.date(2026, 11, 15)
QUESTIONS = load_cases([Path("eval/retail/questions.yaml"), Path("eval/retail/holdout.yaml")])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    folder = tmp_path_factory.mktemp("text")
    typed = build_retail_warehouse(folder / "typed.duckdb", scale=0.05, as_of=AS_OF)
    text = build_retail_text_warehouse(folder / "text.duckdb", scale=0.05, as_of=AS_OF)
    return typed.path, text.path


def test_every_column_is_text_and_no_row_is_lost(pair):
    typed, text = pair
    with duckdb.connect(str(text), read_only=True) as con:
        kinds = {k for (k,) in con.execute("SELECT DISTINCT data_type FROM information_schema.columns").fetchall()}
        assert kinds == {"VARCHAR"}
        formats = con.execute("SELECT (SELECT order_date FROM fact_order LIMIT 1), (SELECT return_date FROM fact_return "
                              "LIMIT 1), (SELECT open_date FROM dim_store LIMIT 1)").fetchone()
        assert formats[0][2] == "/" and formats[1].isdigit() and formats[2][2] == "-"
        text_sum = con.execute("SELECT sum(CAST(sales_amount AS DOUBLE)) FROM fact_order_line").fetchone()[0]
    with duckdb.connect(str(typed), read_only=True) as con:
        assert float(con.execute("SELECT sum(sales_amount) FROM fact_order_line").fetchone()[0]) == pytest.approx(text_sum)


def test_text_catalog_validates(pair):
    report = validate_catalog(load_catalog("metric_catalog/retail_text/retail_text.yaml"), connect(str(pair[1])))
    assert report.ok, [f for f in report.findings if f.level == "error"]


def _same(a, b) -> bool:
    a = float(a) if isinstance(a, Decimal) else a
    b = float(b) if isinstance(b, Decimal) else b
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)
    return a == b or str(a) == str(b)


def test_every_retail_question_gets_the_same_answer_on_the_text_export(pair):
    typed = ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), connect(str(pair[0])), use_model=False)
    text = ChatBI(load_catalog("metric_catalog/retail_text/retail_text.yaml"), connect(str(pair[1])), use_model=False)
    answered = 0
    for case in QUESTIONS:
        a = typed.ask(case.question, user=case.user, as_of=AS_OF)
        b = text.ask(case.question, user=case.user, as_of=AS_OF)
        assert (a.status, a.reason) == (b.status, b.reason), case.question
        assert len(a.rows) == len(b.rows), case.question
        for ra, rb in zip(sorted(a.rows, key=str), sorted(b.rows, key=str), strict=True):
            assert all(_same(x, y) for x, y in zip(ra, rb, strict=True)), (case.question, ra, rb)
        answered += a.status == "answered"
    assert answered >= 100


def test_the_text_export_on_postgresql_validates_and_answers_the_same(pair, pg_cluster):
    """The same text catalog on PostgreSQL: its date formats and text measures transpile, and the
    answers equal the typed DuckDB ones."""
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    url = pg_cluster.create_database("retail_text")
    load_demo_into_postgres(pair[1], url)
    catalog = load_catalog("metric_catalog/retail_text/retail_text.yaml")
    pg = connect(url)
    report = validate_catalog(catalog, pg)
    assert report.ok, [f for f in report.findings if f.level == "error"]
    typed = ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), connect(str(pair[0])), use_model=False)
    text = ChatBI(catalog, pg, use_model=False)
    answered = 0
    for case in QUESTIONS[::4]:
        a = typed.ask(case.question, user=case.user, as_of=AS_OF)
        b = text.ask(case.question, user=case.user, as_of=AS_OF)
        assert (a.status, a.reason) == (b.status, b.reason), (case.question, b.message)
        for ra, rb in zip(sorted(a.rows, key=str), sorted(b.rows, key=str), strict=True):
            assert all(_same(x, y) for x, y in zip(ra, rb, strict=True)), (case.question, ra, rb)
        answered += a.status == "answered"
    assert answered >= 25
