"""A year said of an event a dimension dates: 2025年开业的门店, 2024年起承保的保单, "stores opened in
2024 or later". The events come from the catalog: a number dimension named 开业年份 / 承保年度 /
"year opened" dates the event 开业 / 承保 / "opened". Without this, 2025年 was read as the period
of the metric and the condition on the stores was lost.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from chatbi.pipeline.term_search import Hit
from chatbi.pipeline.time_rules import TimeWindow
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import Filter

# the operator a word around the year says; None: it does not say whether the year itself is in
ZH_RELATION = {"": "=", "起": ">=", "以来": ">=", "至今": ">=", "及以后": ">=", "及之后": ">=", "及以前": "<=",
               "及之前": "<=", "以前": "<", "之前": "<", "以后": None, "之后": None}
EN_BEFORE = {"in": "=", "during": "=", "since": ">=", "from": ">=", "after": ">", "before": "<"}
# 2024年以后 before the question said whether 2024 is in (decide asks it)
OPEN_YEAR = ("open_year", "请说明这一年本身算不算在内（如 2024年及以后 / 2024年之后不含2024年）。",
             "Please say whether that year itself is included (e.g. '2024 or later', 'after 2024').")
EN_AFTER = {"or later": ">=", "or after": ">=", "or earlier": "<=", "or before": "<="}


def event_words(names: dict[str, list[str]]) -> dict[str, str]:
    """event word → dimension, from each year dimension's names (开业年份 → 开业, 哪年开业 → 开业,
    "year opened" → opened)."""
    events = {}
    for did, terms in names.items():
        for term in terms:
            zh = re.fullmatch(r"(?:哪年|哪一年)?(?P<stem>[\u4e00-\u9fff]{2,4}?)(?:年份|年度)?", term)
            if zh and zh["stem"] != term or term.startswith(("哪年", "哪一年")):
                events.setdefault(zh["stem"], did)
            en = re.fullmatch(r"year\s+(?P<stem>[a-z]+)", term.lower())
            if en:
                events.setdefault(en["stem"], did)
    return events


def event_year_hits(text: str, events: dict[str, str]) -> list[Hit]:
    """Hits of kind "year_condition", payload (dimension, operator or None, year)."""
    if not events:
        return []
    hits = []
    zh_stems = "|".join(re.escape(e) for e in sorted(events, key=len, reverse=True) if not e.isascii())
    en_stems = "|".join(re.escape(e) for e in sorted(events, key=len, reverse=True) if e.isascii())
    if zh_stems:
        relations = "|".join(sorted(ZH_RELATION, key=len, reverse=True)[:-1])
        # 2020到2022年开业: both ends in (never 2020 and 2022 alone)
        for m in re.finditer(rf"(?:(?P<y0>(?:19|20)\d{{2}})\s*年?\s*(?:到|至|-|~|—)\s*)?(?P<y>(?:19|20)\d{{2}})\s*年\s*"
                             rf"(?P<rel>{relations})?\s*(?:新)?(?P<stem>{zh_stems})", text):
            dim = events[m["stem"]]
            if m["y0"]:
                if m["rel"]:
                    continue  # 2020到2022年以后: no one reading
                hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (dim, "range", (int(m["y0"]), int(m["y"])))))
                continue
            hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (dim, ZH_RELATION[m["rel"] or ""], int(m["y"]))))
    if en_stems:
        # "stores that opened in 2024": the relative word belongs to the condition
        pattern = (rf"(?:\b(?:that|which|who)\s+(?:were\s+|was\s+|have\s+|has\s+|had\s+)?)?\b(?P<stem>{en_stems})\s+(?P<pre>{'|'.join(EN_BEFORE)})\s+(?P<y>(?:19|20)\d{{2}})"
                   rf"(?:\s+(?P<post>{'|'.join(EN_AFTER)}))?\b")
        for m in re.finditer(pattern, text, re.IGNORECASE):
            op = EN_AFTER[m["post"].lower()] if m["post"] and m["pre"].lower() == "in" else \
                None if m["post"] else EN_BEFORE[m["pre"].lower()]
            hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (events[m["stem"].lower()], op, int(m["y"]))))
    return hits


def period_of_year_filters(catalog: Catalog, metrics: list[str], filters: list[Filter]) -> TimeWindow | None:
    """2025年起保的保单数: when the year filtered is the year of the metric's own time column, that
    year is the period too — under the default window (this year so far) the answer would be 0, which
    is not the truth. A range (2024年起) reaches over all the data; the filter bounds it."""
    # with other metrics beside (保单数和保费) the year is still the period, and the answer says so
    tables = {catalog.metrics[leaf].table for m in metrics for leaf in graph.leaf_metrics(catalog, m)}
    for f in filters:
        dim = catalog.dimensions.get(f.dimension)
        table = catalog.tables.get(dim.table) if dim is not None and dim.table in tables else None
        if table is None or table.time is None or table.time.via or not _year_of(dim.column, table.time.column):
            continue
        if f.op == "=" and len(f.values) == 1 and str(f.values[0]).isdigit():
            return TimeWindow("year", f"{f.values[0]}", year=int(f.values[0]))
        return TimeWindow("all_data", "")
    return None


def _year_of(column: str, time_column: str) -> bool:
    try:
        parsed = sqlglot.parse_one(column)
    except sqlglot.errors.ParseError:
        return False
    return isinstance(parsed, exp.Year) and isinstance(parsed.this, exp.Column) and parsed.this.name == time_column
