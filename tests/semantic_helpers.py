"""Shared helpers for semantic-layer tests: run compiled and reference SQL, compare results."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import duckdb

from metric_catalog.loader import load_catalog
from semantic_layer import compile_query

CATALOG = load_catalog()
AS_OF = dt.date(2026, 11, 15)


def number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def run(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return [tuple(number(v) for v in row) for row in con.execute(sql).fetchall()]


def compiled_rows(con, query, **kw) -> list[tuple]:
    return run(con, compile_query(CATALOG, query, as_of=AS_OF, **kw).sql)


def close(a, b, rel=1e-9) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=rel, abs_tol=1e-9)
    return a == b


def as_map(rows: list[tuple]) -> dict:
    return {row[:-1] if len(row) > 1 else (): row[-1] for row in rows}


def assert_same(compiled: dict, reference: dict, context: str = "") -> None:
    assert set(compiled) == set(reference), f"{context}: keys differ {set(compiled) ^ set(reference)}"
    for key in reference:
        assert close(compiled[key], reference[key]), f"{context} {key}: {compiled[key]} != {reference[key]}"


def assert_same_golden_answers(reference_bi, other_bi) -> int:
    """Ask every golden question of both; statuses, interpretations and rows must agree. Returns how many
    answered questions were compared."""
    from chatbi.evaluation import GOLDEN_DIR, load_cases

    compared = 0
    for case in load_cases([GOLDEN_DIR]):
        a = reference_bi.ask(case.question, user=case.user, as_of=case.as_of)
        b = other_bi.ask(case.question, user=case.user, as_of=case.as_of)
        assert (a.status, a.reason) == (b.status, b.reason), (case.question, b.message)
        if a.status != "answered":
            continue
        assert a.interpretation == b.interpretation, case.question
        rows_a = [[number(v) for v in r] for r in a.rows]
        rows_b = [[number(v) for v in r] for r in b.rows]
        assert len(rows_a) == len(rows_b), case.question
        for ra, rb in zip(rows_a, rows_b, strict=True):
            assert all(close(x, y, rel=1e-9) for x, y in zip(ra, rb, strict=True)), (case.question, ra, rb)
        compared += 1
    return compared
