"""The insurance catalog's questions answered on PostgreSQL give the rows DuckDB gives: listings
through the bridge and their counts, one total over values joined by 或, the first place (ties
kept), a share of the whole company, a threshold's count, a monthly average from the day the data
begins."""

from __future__ import annotations

import datetime as dt

import pytest

AS_OF = dt.date(2026, 11, 15)
QUESTIONS = [
    "列出所有代理人", "宁波分公司有哪些代理人", "有多少个代理人", "车险或健康险今年的保费",
    "今年保费最高的分公司是哪个", "上个月杭州的出单量占全公司的几成", "今年保费超过50万的分公司有几个",
    "去年各险种月均报案件数", "今年每个险种报案件数最多的两个出险原因", "2025年承保的保单有多少张",
]


@pytest.fixture(scope="module")
def on_postgres(small_insurance, pg_cluster):
    from chatbi.core import ChatBI
    from chatbi.warehouse import connect
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    bi, warehouse = small_insurance
    url = pg_cluster.create_database("insurance_small")
    load_demo_into_postgres(warehouse.path, url)
    return ChatBI(bi.catalog, connect(url), use_model=False)


def _rows(answer) -> list[tuple]:
    return sorted((tuple(round(float(v), 6) if isinstance(v, int | float) or type(v).__name__ == "Decimal" else
                         str(v) for v in r) for r in answer.rows), key=repr)


@pytest.mark.parametrize("question", QUESTIONS)
def test_postgres_answers_as_duckdb_does(small_insurance, on_postgres, question):
    bi, _ = small_insurance
    here, there = bi.ask(question, as_of=AS_OF), on_postgres.ask(question, as_of=AS_OF)
    assert here.status == there.status == "answered", (here.message, there.message)
    assert here.interpretation == there.interpretation
    assert _rows(here) == _rows(there) and here.rows
    assert here.message == there.message
