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
