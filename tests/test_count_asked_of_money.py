"""上个月有多少户欠费 was answered 欠费金额 73.85万元 (hunt 3; truth: 5,200 subscribers in arrears). A
counter of things (户, 人, 笔) said of an amount asks a count: the amount and the counts of the same
rows are offered, never the amount answered."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(demo_warehouse)), use_model=False)


@pytest.mark.parametrize("question", ["上个月有多少户欠费", "上个月欠费的有多少户", "上个月多少户欠费了", "各地市有多少户欠费"])
def test_how_many_households_of_an_amount_offers_the_count(bi, question):
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "amount_or_count", answer.message
    assert "arrears_accounts" in [m for c in answer.candidates for m in c.interpretation.metrics]


def test_the_amount_is_answered_when_money_is_asked(bi):
    answer = bi.ask("上个月欠费多少钱", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["arrears_amount"]
