"""`catalog validate`'s checks of time columns: a time column windows every answer of its table, so
one that is NULL, unreadable or of the wrong type turns every answer into a wrong number (the
window keeps no rows and the metric reads 0)."""

from __future__ import annotations

from collections.abc import Callable

import sqlglot
from sqlglot import exp

from metric_catalog.model import Catalog, TimeSpec

NUMERIC = ("INT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL", "BIGINT", "SMALLINT", "HUGEINT", "TINYINT")
TEXT = ("CHAR", "TEXT", "STRING")
# stored types each format reads (checked when the time is a bare column; an expression is typed by running it)
# (a TIMESTAMP declared as a date would be compared with dates and lose every row after midnight of
# a period's last day; a time-zoned timestamp's day depends on the server's zone)
FORMAT_TYPES = {"date": ("DATE",), "timestamp": ("TIMESTAMP",), "epoch_seconds": NUMERIC}
ZONED = ("TIME ZONE", "TIMESTAMPTZ", "TIMESTAMP_TZ")
# share of rows without a readable day above which the table is refused (below: a warning with the count)
MOSTLY_MISSING = 0.2


def check_time_types(catalog: Catalog, has: Callable[[str, str, str], str | None], error: Callable[[str, str], None]) -> None:
    """``has(table, column, where)`` is the column's type (None when missing, reported by ``has``)."""
    for name, table in catalog.tables.items():
        time = table.time
        if time is None:
            continue
        where = f"tables.{name}.time"
        try:
            tree = sqlglot.parse_one(time.column)
        except sqlglot.errors.ParseError as exc:
            error(f"{where}.column", f"cannot parse {time.column!r}: {str(exc).splitlines()[0]}")
            continue
        kinds = [has(time.via or name, c.name, f"{where}.column") for c in tree.find_all(exp.Column)]
        if not isinstance(tree, exp.Column) or not kinds or kinds[0] is None:
            continue
        kind = kinds[0]
        wanted = FORMAT_TYPES.get(time.format, TEXT)
        if any(z in kind for z in ZONED):
            error(where, f"{time.column} is {kind}: its day depends on the server's time zone; give the business "
                         f"day as an expression, e.g. column: \"CAST({time.column} AT TIME ZONE 'Asia/Shanghai' AS DATE)\"")
        elif not kind.startswith(wanted) and not any(w in kind for w in wanted):
            error(where, f"{time.column} is {kind}, which format {time.format} cannot read; {_advice(kind)}")


def _advice(kind: str) -> str:
    if any(t in kind for t in TEXT):
        return "for text give its format (yyyymm, yyyy-mm-dd, yyyy/mm/dd, dd-mm-yyyy, dd/mm/yyyy, mm/dd/yyyy, yyyymmdd)"
    if kind.startswith(NUMERIC):
        return "numbers of seconds since 1970 are format: epoch_seconds"
    if kind.startswith("TIMESTAMP"):
        return "a TIMESTAMP is format: timestamp (its day is taken; as a date it would lose every row after midnight)"
    return "format: date reads DATE columns, timestamp TIMESTAMP ones"


def check_time_data(catalog: Catalog, warehouse, error: Callable[[str, str], None],
                    warn: Callable[[str, str], None]) -> dict[str, tuple]:
    """Profiles every time column; returns table → (first day, last day) of the rows it can place."""
    from semantic_layer.scan import time_profile

    spans: dict[str, tuple] = {}
    for name, table in catalog.tables.items():
        if table.time is None:
            continue
        where = f"tables.{name}.time"
        try:
            sql = time_profile(catalog, name).sql(dialect=warehouse.dialect)
            rows, stored, placed, first, last = warehouse.execute(sql).rows[0]
        except Exception as exc:
            error(where, f"cannot read the time of {name}: {str(exc).splitlines()[0]}; check column and format")
            continue
        if not rows:
            warn(where, f"{name} has no rows: every answer from it would be empty")
            continue
        spans[name] = (first, last)
        missing = rows - placed
        if not missing:
            continue
        unread = stored - placed
        detail = (f"{missing:,} of {rows:,} rows of {name} have no day ({rows - stored:,} empty"
                  f"{f', {unread:,} not readable as {_format_name(table.time)}' if unread else ''})")
        if missing / rows > MOSTLY_MISSING:
            error(where, f"{detail}: no time window could count them, so answers would read 0 or nothing; "
                         "fix the column, its format, or the via join")
        else:
            warn(where, f"{detail}: answers leave those rows out of every period")
    return spans


def _format_name(time: TimeSpec) -> str:
    return f"{time.format}{f' (via {time.via})' if time.via else ''}"
