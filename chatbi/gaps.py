"""The metadata assistant: refused and clarified questions from the review queue, read again, and
grouped into additions an analyst can accept — a synonym for an existing metric or dimension, a
value or an alias for a dimension's dictionary, a dimension or metric the catalog lacks but the
warehouse holds. Every proposal carries its evidence; nothing is added until accepted, and an
accepted proposal is checked by asking its questions again (`chatbi catalog gaps`).

Evidence, strongest first: what the people who asked picked when they were asked back; the word
being a live value of a column; the word naming a column; the nearest metric by meaning (only a
suggestion: similarity cannot tell that a question is out of scope)."""

from __future__ import annotations

import ast
import datetime as dt
import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from chatbi.pipeline.matcher import match
from chatbi.pipeline.question_words import FILLER
from metric_catalog.catalog_file import CatalogFile, Item

KINDS = ("metric_synonym", "dimension_synonym", "value", "value_alias", "new_dimension", "new_metric", "missing")
NEAREST = 0.86  # e5 similarity above which the nearest metric is worth proposing


@dataclass
class Gap:
    kind: str  # one of KINDS
    word: str
    target: str = ""  # metric or dimension id; for values the dimension
    value: str = ""  # value_alias: the canonical value the word names
    spec: dict = field(default_factory=dict)  # new_dimension / new_metric: the drafted item
    evidence: str = ""
    questions: list[str] = field(default_factory=list)
    asks: int = 0  # times asked, over all its questions

    @property
    def key(self) -> tuple:
        return self.kind, self.word, self.target, self.value

    def summary(self) -> str:
        what = {
            "metric_synonym": f"synonym '{self.word}' for metric {self.target}",
            "dimension_synonym": f"synonym '{self.word}' for dimension {self.target}",
            "value": f"value '{self.word}' in the dictionary of {self.target}",
            "value_alias": f"alias '{self.word}' for {self.target} = {self.value}",
            "new_dimension": f"new dimension {self.target} ({self.spec.get('table')}.{self.spec.get('column')})",
            "new_metric": f"new metric {self.target} ({self.spec.get('agg')} of {self.spec.get('table')}."
                          f"{self.spec.get('expr')})",
            "missing": f"nothing in the catalog or warehouse says '{self.word}'",
        }[self.kind]
        return what


def _picked_metric(picks: dict[str, int]) -> str | None:
    """The single metric most people chose when asked back, if one was chosen most."""
    counted = []
    for text, n in picks.items():
        try:
            metrics = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            continue
        if isinstance(metrics, list) and len(metrics) == 1:
            counted.append((n, metrics[0]))
    counted.sort(reverse=True)
    if counted and (len(counted) == 1 or counted[0][0] > counted[1][0]):
        return counted[0][1]
    return None


class GapFinder:
    """Reads questions against one ChatBI's catalog, vocabulary and warehouse."""

    def __init__(self, bi, rank_metrics: Callable[[str], list] | None = None):
        self.bi = bi
        self.catalog = bi.catalog
        self.rank = rank_metrics
        self._columns: list[tuple[str, str, str]] | None = None  # (table id, column, type)

    def find(self, items, as_of: dt.date | None = None) -> list[Gap]:
        as_of = as_of or self.bi.reference_date()
        grouped: dict[tuple, Gap] = {}
        for item in items:
            if item.kind not in ("refused", "clarify"):
                continue
            for gap in self.read(item.question, item.picks, as_of):
                known = grouped.setdefault(gap.key, gap)
                if item.question not in known.questions:
                    known.questions.append(item.question)
                known.asks += item.count
        return sorted(grouped.values(), key=lambda g: (g.kind == "missing", -g.asks, g.word))

    def read(self, question: str, picks: dict[str, int], as_of: dt.date) -> list[Gap]:
        found = match(question, self.bi.vocabulary, as_of)
        words = [w for w in found.residual if w not in FILLER and len(w.strip()) > 1]
        gaps: list[Gap] = []
        rest = []
        for phrase, parts in _phrases(question, words):
            gap = self._value_gap(phrase) or self._column_gap(phrase)
            found_parts = [] if gap or len(parts) == 1 else \
                [g for p in parts if (g := self._value_gap(p) or self._column_gap(p))]
            if gap or found_parts:
                gaps += [gap] if gap else found_parts
            else:
                rest.append(phrase)
        if rest and not found.metric_hits:
            target = _picked_metric(picks)
            evidence = "chosen by the people asked back" if target else ""
            if target is None and self.rank is not None and len(rest) == 1:
                ranked = self.rank(question)
                if ranked and ranked[0].score >= NEAREST:
                    target, evidence = ranked[0].id, f"nearest metric by meaning ({ranked[0].score:.2f}); check it"
            if target in self.catalog.metrics and len(rest) == 1:
                gaps.append(Gap("metric_synonym", rest.pop(), target, evidence=evidence))
        gaps += [Gap("missing", w, evidence="no metric, dimension, value or column matches it") for w in rest]
        for g in gaps:
            g.questions = [question]
        return gaps

    # -- values ------------------------------------------------------------------------------
    def _value_gap(self, word: str) -> Gap | None:
        for did, dim in self.catalog.dimensions.items():
            if dim.hidden or not dim.values or dim.type != "category":
                continue
            for value, aliases in dim.values.items():
                if _close(word, [value, *aliases]):
                    return Gap("value_alias", word, did, value, evidence=f"close to {value} "
                               f"({', '.join(aliases[:3]) or 'no aliases yet'})")
            if self._is_live_value(did, word):
                return Gap("value", word, did, evidence=f"a value of {dim.table}.{dim.column} in the warehouse, "
                                                        "missing from its dictionary")
        return None

    def _is_live_value(self, did: str, word: str) -> bool:
        dim = self.catalog.dimensions[did]
        return self._holds(dim.table, f"lower(CAST({dim.column} AS VARCHAR))", word.lower())

    def _holds(self, table: str, column_sql: str, word: str) -> bool:
        """Does a row of ``table`` (a subtype: only its rows) have ``column_sql`` equal to ``word``?"""
        import sqlglot
        from sqlglot import exp

        from semantic_layer.sources import table_source

        try:
            sql = (exp.select("1").from_(table_source(self.catalog, table))
                   .where(exp.EQ(this=sqlglot.parse_one(column_sql), expression=exp.convert(word))).limit(1))
            return bool(self.bi.warehouse.execute(sql.sql(dialect=self.bi.warehouse.dialect), max_rows=1).rows)
        except Exception:  # noqa: BLE001 - a column the warehouse cannot compare as text: not a value
            return False

    # -- columns the catalog does not expose ------------------------------------------------------
    def columns(self) -> list[tuple[str, str, str]]:
        if self._columns is None:
            physical = {t.physical(tid).lower(): tid for tid, t in self.catalog.tables.items()}
            used = {(d.table, d.column) for d in self.catalog.dimensions.values()}
            used |= {(m.table, m.expr) for m in self.catalog.metrics.values() if m.table}
            self._columns = [(physical[name.lower()], col, kind)
                             for name, cols in self.bi.warehouse.table_columns().items() if name.lower() in physical
                             for col, kind in _typed(cols)
                             if (physical[name.lower()], col) not in used]
        return self._columns

    def _column_gap(self, word: str) -> Gap | None:
        """A column no dimension or metric exposes, named by the word (its words, less id/name/code)
        or holding it as a value."""
        tokens = set(re.findall(r"[a-z0-9]+", word.lower()))
        for table, column, kind in self.columns():
            parts = set(column.lower().split("_"))
            if parts & {"id", "key", "no"} or column in self.catalog.tables[table].primary_key:
                continue  # keys identify rows; nobody asks for them by name
            numeric = any(k in (kind or "").upper() for k in ("INT", "DEC", "DOUBLE", "FLOAT", "NUMERIC", "REAL"))
            ident = re.sub(r"[^a-z0-9_]", "_", column.lower())
            named = tokens and tokens == parts - {"name", "code", "en", "zh"}
            if named and numeric:
                rate = bool(parts & {"rate", "ratio", "pct", "percent", "share"})  # rates average, never add up
                return Gap("new_metric", word, f"{'average' if rate else 'total'}_{ident}", spec={
                    "name": {"en": f"{'average' if rate else 'total'} {column.replace('_', ' ')}"}, "synonyms": [word],
                    "type": "simple", "table": table, "agg": "avg" if rate else "sum", "expr": column, "draft": True},
                    evidence=f"the column {table}.{column} is named so")
            if named or (not numeric and self._column_has(table, column, word)):
                return Gap("new_dimension", word, ident, spec={
                    "name": {"en": column.replace("_", " ")}, **({"synonyms": [word]} if named else {}),
                    "table": table, "column": column, "nullable": True, **({} if named else {"values": {word: []}}),
                    "draft": True}, evidence=f"the column {table}.{column} is named so" if named else
                    f"'{word}' is a value of {table}.{column}, which no dimension exposes")
        return None

    def _column_has(self, table: str, column: str, word: str) -> bool:
        return self._holds(table, f"CAST({column} AS VARCHAR)", word)


def _typed(columns) -> list[tuple[str, str]]:
    if isinstance(columns, dict):
        return [(c, str(t)) for c, t in columns.items()]
    return [(c, "") if isinstance(c, str) else (c[0], str(c[1])) for c in columns]


def _close(word: str, names: list[str]) -> bool:
    """'hangzhou city' for Hangzhou, '杭州市' for 杭州, 'wechatpay' for 'wechat pay': the word is a
    known name plus one more word (or character), or (English) a near spelling of one."""
    low = word.lower()
    for name in (n.lower() for n in names if n):
        if name == low:
            continue
        if low.isascii() and name.isascii():
            extra = set(low.split()) - set(name.split())
            if len(name) >= 4 and set(name.split()) < set(low.split()) and len(extra) == 1:
                return True
            if len(name) >= 4 and difflib.SequenceMatcher(None, low, name).ratio() >= 0.85:
                return True
        elif not low.isascii() and len(name) >= 2 and len(low) - len(name) == 1 \
                and (low.startswith(name) or low.endswith(name)):
            return True
    return False


def _phrases(question: str, words: list[str]) -> list[tuple[str, list[str]]]:
    """Adjacent leftover words read as the phrase they were asked as: 'ship' 'mode' → 'ship mode',
    电子 渠道 → 电子渠道 (the segmenter splits words it does not know). Each with its parts."""
    text, out = question.lower(), []
    for word in sorted(words, key=lambda w: text.find(w.lower())):
        if out:
            phrase, parts = out[-1]
            joined = f"{phrase} {word}" if word.isascii() and phrase.isascii() else f"{phrase}{word}"
            if joined.lower() in text:
                out[-1] = (joined, [*parts, word])
                continue
        out.append((word, [word]))
    return out


def apply(path, gap: Gap) -> None:
    """Write an accepted gap into the catalog file (checked before writing)."""
    doc = CatalogFile(path)
    if gap.kind == "metric_synonym":
        doc.add_synonym(Item("metrics", gap.target), gap.word)
    elif gap.kind == "dimension_synonym":
        doc.add_synonym(Item("dimensions", gap.target), gap.word)
    elif gap.kind == "value":
        doc.add_value(gap.target, gap.word)
    elif gap.kind == "value_alias":
        doc.add_value(gap.target, gap.value, alias=gap.word)
    elif gap.kind in ("new_dimension", "new_metric"):
        doc.add(Item("dimensions" if gap.kind == "new_dimension" else "metrics", gap.target), gap.spec)
    else:
        from metric_catalog.catalog_file import EditError

        raise EditError(f"'{gap.word}' matches nothing in the warehouse: define the metric or dimension it names "
                        "(docs/catalog.md), or list it in catalog.unavailable with a reason so refusals say why")
    doc.save()
