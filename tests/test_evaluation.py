"""Scoring against hand-written SQL: the same numbers count as correct whatever the layout; a
different number, a missing or an extra row is wrong."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chatbi.evaluation import Case, compare_rows, score
from chatbi.pipeline.answer import ANSWERED, Answer
from semantic_layer import User

COLUMNS = [{"name": "city", "kind": "dimension", "format": ""}, {"name": "sales", "kind": "metric", "format": "currency"},
           {"name": "sales__share", "kind": "comparison", "format": "percent"}]


def answer(rows):
    return Answer(ANSWERED, "q", columns=COLUMNS, rows=rows)


def test_the_same_numbers_in_another_layout_are_correct():
    got = answer([["上海", Decimal("120.50"), 0.6], ["北京", Decimal("80.3333333"), 0.4]])
    assert compare_rows(got, [("北京", 80.3333333), ("上海", 120.5)]) == ""
    assert compare_rows(got, [("上海", 60.0), ("北京", 40.0)]) == ""  # a share given in percent


def test_a_different_number_is_wrong():
    got = answer([["上海", 120.5, 0.6], ["北京", 80.0, 0.4]])
    assert compare_rows(got, [("上海", 120.5), ("北京", 81.0)]) != ""


def test_numbers_paired_with_the_wrong_keys_are_wrong():
    got = answer([["上海", 80.0, 0.4], ["北京", 120.5, 0.6]])
    assert "pair up" in compare_rows(got, [("上海", 120.5), ("北京", 80.0)])


def test_a_missing_or_extra_row_is_wrong():
    got = answer([["上海", 120.5, 0.6]])
    assert "rows" in compare_rows(got, [("上海", 120.5), ("北京", 80.0)])


def test_a_named_empty_member_may_be_shown_beside_the_gold_rows_but_an_unnamed_one_may_not():
    rows = [["上海", 120.5, 0.5], ["北京", 80.0, 0.3], [None, 40.0, 0.2]]
    named = [{**COLUMNS[0], "empty": "线上商城", "empty_en": "online mall"}, *COLUMNS[1:]]
    gold = [("上海", 120.5), ("北京", 80.0)]
    assert compare_rows(Answer(ANSWERED, "q", columns=named, rows=rows), gold) == ""
    assert "rows" in compare_rows(answer(rows), gold)
    wrong = [["上海", 120.5, 0.5], ["北京", 81.0, 0.3], [None, 40.0, 0.2]]
    assert compare_rows(Answer(ANSWERED, "q", columns=named, rows=wrong), gold) != ""


def test_dates_compare_with_the_first_day_of_the_period():
    columns = [{"name": "month", "kind": "time", "format": "month"}, {"name": "n", "kind": "metric", "format": ""}]
    got = Answer(ANSWERED, "q", columns=columns, rows=[[dt.date(2026, 1, 1), 5], [dt.date(2026, 2, 1), 7]])
    assert compare_rows(got, [(dt.datetime(2026, 1, 1), 5), (dt.date(2026, 2, 1), 7)]) == ""


def test_score_uses_the_gold_rows_when_the_case_has_sql():
    case = Case("q", "answered", {"sql": "SELECT 1", "shape": "breakdown"}, User("eval", "analyst"),
                dt.date(2026, 11, 15), "t.yaml")
    right = score(case, answer([["上海", 1.0, 0.5]]), gold=[("上海", 1.0)])
    wrong = score(case, answer([["上海", 2.0, 0.5]]), gold=[("上海", 1.0)])
    assert (right.verdict, wrong.verdict) == ("correct", "wrong")


def test_a_count_is_met_by_the_things_listed_with_their_count_said():
    """有几个代理人: the answer lists them and says 共 3 个; the hand-written SQL gives the number."""
    columns = [{"name": "agent", "kind": "dimension", "format": ""}]
    listed = Answer(ANSWERED, "q", columns=columns, rows=[["甲"], ["乙"], ["丙"]], count=3)
    assert compare_rows(listed, [(3,)], counted=True) == ""
    assert "counted 3" in compare_rows(listed, [(4,)], counted=True)
    assert compare_rows(listed, [(3,)]) != ""  # not a count case: the rows must match
    unsaid = Answer(ANSWERED, "q", columns=columns, rows=[["甲"], ["乙"], ["丙"]])  # no count said: rows differ
    assert compare_rows(unsaid, [(3,)], counted=True) != ""


def test_hand_written_period_labels_are_the_periods_first_days():
    columns = [{"name": "month", "kind": "time", "format": "month"}, {"name": "n", "kind": "metric", "format": ""}]
    got = Answer(ANSWERED, "q", columns=columns, rows=[[dt.date(2026, 1, 1), 5], [dt.date(2026, 4, 1), 7]])
    assert compare_rows(got, [("2026-01", 5), ("2026-04", 7)]) == ""
    assert compare_rows(got, [("2026-Q1", 5), ("2026-Q2", 7)]) == ""
    assert compare_rows(got, [("2026-02", 5), ("2026-04", 7)]) != ""  # another month is wrong
    weeks = Answer(ANSWERED, "q", columns=columns, rows=[[dt.date(2026, 11, 9), 3]])
    assert compare_rows(weeks, [("2026-W46", 3)]) == ""
    years = Answer(ANSWERED, "q", columns=columns, rows=[[dt.date(2025, 1, 1), 3], [dt.date(2026, 1, 1), 4]])
    assert compare_rows(years, [("2025", 3), ("2026", 4)]) == ""
    assert compare_rows(years, [("2025", 4), ("2026", 3)]) != ""


def test_the_empty_member_named_as_the_catalog_names_it():
    """非节假日 written by hand for the rows with no holiday: the answer's empty member, labelled so."""
    named = [{**COLUMNS[0], "empty": "非节假日", "empty_en": "no holiday"}, *COLUMNS[1:]]
    got = Answer(ANSWERED, "q", columns=named, rows=[["五一", 0.8, 0.5], [None, 0.7, 0.5]])
    assert compare_rows(got, [("五一", 0.8), ("非节假日", 0.7)]) == ""
    assert compare_rows(got, [("五一", 0.8), ("非节假日", 0.6)]) != ""
