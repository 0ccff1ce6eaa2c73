"""A listing's leftover words are used only when each names an attribute of the things listed:
shown beside them (什么类型), or, for a date attribute, the period becomes its condition
("stores opened in 2025"); a word that names none is still asked back."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.core import ChatBI
from chatbi.demo.retail import build_retail_warehouse
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return connect(str(build_retail_warehouse(tmp_path_factory.mktemp("r") / "r.duckdb", scale=0.05, as_of=AS_OF).path))


@pytest.fixture(scope="module")
def bi(warehouse):
    return ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), warehouse, use_model=False)


def names(answer):
    return [c["name"] for c in answer.columns]


def test_a_word_naming_an_attribute_shows_it_beside_each_listed_thing(bi, warehouse):
    answer = bi.ask("成都的门店都有哪些，什么类型", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert names(answer)[:2] == ["store", "store_type"] and "成都" in answer.message
    expected = warehouse.execute("SELECT store_name, store_type FROM dim_store WHERE city = '成都'").rows
    col = names(answer).index("store_type")
    assert sorted((r[0], r[col]) for r in answer.rows) == sorted(tuple(r) for r in expected)


@pytest.mark.parametrize("question", ["list all stores opened in 2025 with their open date", "列出2025年开业的门店"])
def test_a_period_said_of_a_date_attribute_is_a_condition_on_it(bi, warehouse, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = {r[0] for r in warehouse.execute(
        "SELECT store_name FROM dim_store WHERE open_date BETWEEN DATE '2025-01-01' AND DATE '2025-12-31'").rows}
    assert expected and {r[0] for r in answer.rows} == expected
    # the condition is said: as the open date's range, or as the opening year
    assert "2025-01-01 至 2025-12-31" in answer.message or "开业年份=2025" in answer.message


def test_a_listing_word_that_names_no_attribute_is_still_asked(bi):
    answer = bi.ask("list the stores in 成都 and their manager", as_of=AS_OF)
    assert answer.status != "answered"
    assert bi.ask("列出2025年的门店", as_of=AS_OF).status == "refused"  # a period with no date named: no listing
