"""Two staff called 梁平 were summed as one: 上个月新增用户最多的5个员工 ranked 梁平 second with 81 (77 + 4),
and 傅洋's number was four people's. A name several keys carry is not answered by name; a ranking
whose names are each one thing's is. Here the two staff who sold the most share one name."""

from __future__ import annotations

import datetime as dt
import shutil

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)
TOP = """SELECT a.staff_id, s.staff_name FROM fact_activation a JOIN dim_staff s USING (staff_id)
         WHERE activation_date >= DATE '2026-01-01' GROUP BY 1, 2 ORDER BY COUNT(*) DESC, 1 LIMIT 2"""


@pytest.fixture(scope="module")
def homonyms(demo_warehouse, tmp_path_factory):
    path = tmp_path_factory.mktemp("homonyms") / "demo.duckdb"
    shutil.copy(demo_warehouse, path)
    with duckdb.connect(str(path)) as con:
        (_, first), (second, _) = con.execute(TOP).fetchall()
        con.execute("UPDATE dim_staff SET staff_name = ? WHERE staff_id = ?", [first, second])
    return ChatBI(load_catalog("metric_catalog/demo/telecom.yaml"), connect(str(path)), use_model=False), first


@pytest.mark.parametrize("question", ["今年新增用户最多的3个员工", "今年{name}的新增用户数"])
def test_a_name_two_staff_carry_is_not_answered(homonyms, question):
    bi, name = homonyms
    answer = bi.ask(question.format(name=name), as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "shared_names" and name in answer.message, answer.message


def test_a_breakdown_with_a_shared_name_is_not_answered(homonyms):
    bi, name = homonyms
    answer = bi.ask("今年各员工新增用户数", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "shared_names", answer.message


@pytest.mark.parametrize("question", ["今年新增用户最多的5个渠道", "今年各地市新增用户"])
def test_names_each_one_things_are_answered(homonyms, question):
    bi, _ = homonyms
    assert bi.ask(question, as_of=AS_OF).status == "answered"


def test_an_average_per_thing_over_shared_names_is_not_answered(homonyms):
    """平均每个员工新增用户 averaged over names (1,165 names for 1,226 staff with data; hunt 3)."""
    bi, _ = homonyms
    answer = bi.ask("今年平均每个员工新增用户", as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "shared_names", answer.message
    assert bi.ask("今年平均每个渠道新增用户", as_of=AS_OF).status == "answered"
