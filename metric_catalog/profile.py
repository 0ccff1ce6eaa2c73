"""Profile a warehouse for `chatbi catalog draft`: what each column holds, which are keys, which
text holds dates (and in which format), and which columns join which tables.

Every statistic is one SQL statement per table (or per join candidate), built with sqlglot and
written in the warehouse's dialect, so the same profile runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlglot import exp

NUMERIC = ("INT", "DECIMAL", "NUMERIC", "DOUBLE", "FLOAT", "REAL", "BIGINT", "SMALLINT", "HUGEINT", "TINYINT")
TEXT = ("CHAR", "TEXT", "STRING")
READABLE = 0.95  # share of stored values a format must read to be the column's format
SAMPLE = 20_000  # rows a text column's format is judged on
KEY_NAME = re.compile(r"(?:^id$|_id$|_key$|_code$|_no$|_num(?:ber)?$|^code$)")


@dataclass
class ColumnProfile:
    name: str
    type: str
    nulls: int = 0
    distinct: int = 0
    samples: list[str] = field(default_factory=list)
    date_format: str | None = None  # date, timestamp or a text format the column is read with
    numeric_text: bool = False  # text whose values are all numbers ('1234.50')

    @property
    def numeric(self) -> bool:
        return self.type.startswith(NUMERIC)

    @property
    def text(self) -> bool:
        return any(t in self.type for t in TEXT)

    @property
    def key_like(self) -> bool:
        return bool(KEY_NAME.search(self.name.lower()))


@dataclass
class TableProfile:
    name: str
    rows: int
    columns: list[ColumnProfile]

    def column(self, name: str) -> ColumnProfile:
        return next(c for c in self.columns if c.name == name)

    def unique(self) -> list[ColumnProfile]:
        return [c for c in self.columns if self.rows and c.distinct == self.rows and not c.nulls]


@dataclass
class JoinCandidate:
    table: str
    column: str
    to: str
    to_column: str
    coverage: float  # share of the table's non-empty key values found on the other side
    many: bool  # the other side repeats keys: a bridge (many-to-many)
    nulls: int = 0  # rows of the table with no key: they never match


def _run(warehouse, select: exp.Expression) -> list[tuple]:
    return warehouse.execute(select.sql(dialect=warehouse.dialect), max_rows=100_000).rows


def _stats(warehouse, table: str, columns: list[ColumnProfile]) -> int:
    source = exp.to_table(table)
    parts: list[exp.Expression] = [exp.Count(this=exp.Star())]
    for c in columns:
        col = exp.column(c.name, quoted=True)
        parts += [exp.Count(this=col), exp.Count(this=exp.Distinct(expressions=[col]))]
    row = _run(warehouse, exp.select(*parts).from_(source))[0]
    rows = row[0]
    for i, c in enumerate(columns):
        stored, distinct = row[1 + 2 * i], row[2 + 2 * i]
        c.nulls, c.distinct = rows - stored, distinct
    return rows


# the shape of each text date format, checked with a regular expression (portable, and it never
# fails on a bad value as PostgreSQL's TO_DATE does); day/month order is told apart by values > 12
SHAPES = {"yyyy-mm-dd": r"^\d{4}-\d{1,2}-\d{1,2}$", "yyyy/mm/dd": r"^\d{4}/\d{1,2}/\d{1,2}$",
          "dd/mm/yyyy": r"^\d{1,2}/\d{1,2}/\d{4}$", "dd-mm-yyyy": r"^\d{1,2}-\d{1,2}-\d{4}$",
          "yyyymmdd": r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$", "yyyymm": r"^(19|20)\d{2}(0[1-9]|1[0-2])$"}
MONTH_FIRST = r"^\d{1,2}/(1[3-9]|2\d|3[01])/"
DAY_FIRST = r"^(1[3-9]|2\d|3[01])/"
NUMBER = r"^\s*-?\d+(\.\d+)?\s*$"


def _matches(column: str, pattern: str) -> exp.Expression:
    test = exp.RegexpLike(this=exp.column(column, quoted=True), expression=exp.Literal.string(pattern))
    return exp.Count(this=exp.Case(ifs=[exp.If(this=test, true=exp.Literal.number(1))]))


def _text_facts(warehouse, table: str, column: ColumnProfile) -> None:
    """Samples; which date format fits ≥ 95% of the values; whether all values are numbers."""
    col = exp.column(column.name, quoted=True)
    sample = exp.select(col.copy()).from_(exp.to_table(table)).where(col.copy().is_(exp.null()).not_()).limit(SAMPLE)
    rows = _run(warehouse, exp.select(exp.column(column.name, quoted=True)).distinct().from_(sample.subquery("s"))
                .order_by(exp.column(column.name, quoted=True)).limit(21))
    column.samples = [str(r[0]) for r in rows]
    checks = [exp.Count(this=exp.Star()), *[_matches(column.name, p) for p in SHAPES.values()],
              _matches(column.name, MONTH_FIRST), _matches(column.name, DAY_FIRST), _matches(column.name, NUMBER)]
    total, *counts = _run(warehouse, exp.select(*checks).from_(sample.subquery("s")))[0]
    if not total:
        return
    shaped = dict(zip(SHAPES, counts[:len(SHAPES)], strict=True))
    month_first, day_first, numbers = counts[len(SHAPES):]
    best = max(SHAPES, key=lambda f: shaped[f])
    if shaped[best] >= READABLE * total:
        column.date_format = "mm/dd/yyyy" if best == "dd/mm/yyyy" and month_first and not day_first else best
    column.numeric_text = numbers >= READABLE * total and column.date_format is None


def profile_tables(warehouse, tables: list[str] | None = None,
                   step: Callable[[str], None] = lambda _: None) -> list[TableProfile]:
    schema = warehouse.table_columns()
    names = tables or sorted(schema)
    missing = [t for t in names if t not in schema]
    if missing:
        raise ValueError(f"no table {', '.join(missing)} in the database (it has: {', '.join(sorted(schema)) or 'none'})")
    if not names:
        raise ValueError("the database has no tables: load the data first")
    out = []
    for name in names:
        columns = [ColumnProfile(c, t.upper()) for c, t in schema[name].items()]
        rows = _stats(warehouse, name, columns)
        for c in columns:
            if c.type.startswith("DATE"):
                c.date_format = "date"
            elif c.type.startswith("TIMESTAMP") and "TIME ZONE" not in c.type:
                c.date_format = "timestamp"
            elif c.text and rows:
                _text_facts(warehouse, name, c)
        out.append(TableProfile(name, rows, columns))
        step(name)
    return out


def _join_names(column: str, table: str) -> bool:
    """store_id in a fact ~ dim_store.store_id / stores.id: the names say these could join."""
    singular = table.lower().removeprefix("dim_").removesuffix("s")
    return column.lower().startswith(singular)


def _target(column: str, right: TableProfile) -> ColumnProfile | None:
    same = next((c for c in right.columns if c.name == column), None)
    if same is None and column.lower().endswith("_id") and _join_names(column, right.name):
        same = next((c for c in right.columns if c.name.lower() == "id"), None)
    return same if same is not None and same.distinct else None


def _is_bridge(table: TableProfile, profiles: list[TableProfile]) -> bool:
    """Two or more key columns, each the unique key of another table: policy ↔ party."""
    keys = [c for c in table.columns if c.key_like and any(
        t is not table and (target := _target(c.name, t)) is not None and target in t.unique() for t in profiles)]
    others = [c for c in table.columns if not c.key_like]
    # a link table: keys and at most a role code; order lines (quantities) and orders (dates) are facts
    return len(keys) >= 2 and len(others) <= 2 and all(c.text and not c.date_format and not c.numeric_text
                                                        for c in others)


def find_joins(warehouse, profiles: list[TableProfile], step: Callable[[str], None] = lambda _: None
               ) -> list[JoinCandidate]:
    """Key-looking columns whose name matches a column (or the id) of another table, confirmed by
    value inclusion (most of the column's values occur there). The other side unique: many-to-one;
    a bridge table (keys of two others): many-to-many."""
    bridges = {t.name for t in profiles if _is_bridge(t, profiles)}
    out = []
    for left in profiles:
        for column in left.columns:
            if not column.key_like:
                continue
            for right in profiles:
                target = _target(column.name, right) if right is not left else None
                if target is None:
                    continue
                unique = target in right.unique()
                if not unique and (right.name not in bridges or left.name in bridges):
                    continue
                coverage = _coverage(warehouse, left.name, column.name, right.name, target.name)
                # a bridge is confirmed from its side: its keys occur here (not every sale has a promotion)
                confirmed = coverage if unique else _coverage(warehouse, right.name, target.name, left.name, column.name)
                if confirmed >= 0.5:
                    out.append(JoinCandidate(left.name, column.name, right.name, target.name, coverage, not unique,
                                             column.nulls))
        step(left.name)
    return out


def _coverage(warehouse, table: str, column: str, other: str, other_column: str) -> float:
    left = exp.column(column, "l", quoted=True)
    found = exp.Exists(this=exp.select(exp.Literal.number(1)).from_(exp.alias_(exp.to_table(other), "r", table=True))
                       .where(exp.EQ(this=exp.column(other_column, "r", quoted=True), expression=left.copy())))
    select = exp.select(exp.Count(this=left.copy()), exp.Count(this=exp.Case(ifs=[exp.If(this=found, true=exp.Literal.number(1))])))
    rows, hits = _run(warehouse, select.from_(exp.alias_(exp.to_table(table), "l", table=True)))[0]
    return hits / rows if rows else 0.0
