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
               "及之前": "<=", "以前": "<", "之前": "<", "前": "<", "以后": None, "之后": None, "后": None}
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


def event_year_hits(text: str, events: dict[str, str], names: dict[str, tuple[str, ...]] | None = None,
                    things: dict[str, tuple[tuple[str, ...], str | None]] | None = None) -> list[Hit]:
    """Hits of kind "year_condition", payload (dimension, operator or None, year). ``names``: the
    metric and value names an event word begins (承保件数), where the word is that name's; ``things``
    (things_dated): an English hit starts at the noun before it ("policies written in 2024"), so no
    name spanning noun and event ("policies written") outgrows it (things_of_events splits it off)."""
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
            if text.startswith((names or {}).get(m["stem"], ()), m.start("stem")):
                continue  # 2025年承保件数: the policies of 2025, said by the metric's name
            if m["y0"]:
                if m["rel"]:
                    continue  # 2020到2022年以后: no one reading
                hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (dim, "range", (int(m["y0"]), int(m["y"])))))
                continue
            hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (dim, ZH_RELATION[m["rel"] or ""], int(m["y"]))))
    if en_stems:
        # "stores that opened in 2024": the relative word belongs to the condition
        nouns = "|".join(re.escape(n) for nouns, _ in (things or {}).values() for n in nouns if n.isascii())
        pattern = (rf"(?:\b(?:{nouns or '(?!)'})\s+)?(?:\b(?:that|which|who)\s+(?:were\s+|was\s+|have\s+|has\s+|had\s+)?)?\b(?P<stem>{en_stems})\s+(?P<pre>{'|'.join(EN_BEFORE)})\s+(?P<y>(?:19|20)\d{{2}})"
                   rf"(?:\s+(?P<post>{'|'.join(EN_AFTER)}))?\b")
        for m in re.finditer(pattern, text, re.IGNORECASE):
            op = EN_AFTER[m["post"].lower()] if m["post"] and m["pre"].lower() == "in" else \
                None if m["post"] else EN_BEFORE[m["pre"].lower()]
            hits.append(Hit("year_condition", m.group(0), m.start(), m.end(), (events[m["stem"].lower()], op, int(m["y"]))))
    return hits


# the thing a count metric counts, by its names: 保单件数 → 保单, "number of policies" → policies
_ZH_COUNTED = re.compile(r"(?P<noun>[\u4e00-\u9fff]{2,4}?)(?:件数|个数|数量|笔数|次数|数|量)")
_EN_COUNTED = re.compile(r"(?:number|count|no\.?)\s+of\s+(?P<noun>[a-z]+)|(?P<noun2>[a-z]+)\s+count")


def table_nouns(catalog: Catalog, table_id: str, metric: str | None) -> tuple[str, ...]:
    """The nouns of the things a table holds, longest first: its own short description (保单 /
    policies) and the nouns of the names of ``metric``, its one plain count metric."""
    table = catalog.tables[table_id]
    nouns = {t for t in (table.description.zh, table.description.en) if t and re.fullmatch(r"[\u4e00-\u9fff]{1,6}|[a-z]{2,12}", t)}
    spec = catalog.metrics.get(metric) if metric else None
    for term in [spec.name.zh, spec.name.en, *spec.synonyms] if spec else []:
        said = _ZH_COUNTED.fullmatch(term) or _EN_COUNTED.fullmatch(term.lower())
        if said:
            nouns.add(said["noun"] or said.groupdict().get("noun2"))
    return tuple(sorted(nouns - {None}, key=len, reverse=True))


def things_dated(catalog: Catalog, dimensions: set[str], counting: dict[str, str]) -> dict[str, tuple[tuple[str, ...], str | None]]:
    """year dimension → (the nouns of the things its table holds, the metric that counts them — only
    when the year is that of the table's own date: 1990年出生的客户 are not the customers new in 1990)."""
    out = {}
    for did in dimensions:
        dim = catalog.dimensions[did]
        time, metric = catalog.tables[dim.table].time, counting.get(dim.table)
        own = time is not None and not time.via and year_of(dim.column, time.column)
        out[did] = (table_nouns(catalog, dim.table, metric), metric if own else None)
    return out


def things_of_events(chosen: list[Hit], text: str, things: dict[str, tuple[tuple[str, ...], str | None]]) -> list[Hit]:
    """2024年以前承保的保单的保费, "premium on policies written before 2025": 保单 / policies say what the
    year condition is on, not a count beside the metric asked; asked alone (…的保单有多少) they are
    that count."""
    out = list(chosen)
    for h in chosen:
        nouns, metric = things.get(h.payload[0], ((), None)) if h.kind == "year_condition" else ((), None)
        if not nouns:
            continue
        alt = "|".join(re.escape(n) for n in nouns)
        after = re.match(rf"\s*的\s*({alt})", text[h.end:], re.I)
        before = re.match(rf"({alt})\s+", text[h.start:h.end], re.I)
        start, end = (h.end + after.start(1), h.end + after.end(1)) if after else \
            (h.start, h.start + before.end(1)) if before else (0, 0)
        if before:  # the noun was taken into the condition's hit: split it off again
            out[out.index(h)] = Hit(h.kind, text[h.start + before.end():h.end], h.start + before.end(), h.end, h.payload)
        if start == end or any(o.start < end < o.end or o.start < start < o.end for o in out if o.kind != "year_condition"):
            continue  # 承保的保单数: the noun begins a metric's name there
        inside = [o for o in out if start <= o.start and o.end <= end]
        others = [o for o in out if o.kind == "metric" and o not in inside]
        if not others and metric is None:
            continue
        out = [o for o in out if o not in inside]
        out.append(Hit("filler", text[start:end], start, end) if others else
                   Hit("metric", text[start:end], start, end, {metric}))
    return sorted(out, key=lambda o: o.start)


def period_of_year_filters(catalog: Catalog, metrics: list[str], filters: list[Filter]) -> TimeWindow | None:
    """2025年起保的保单数: when the year filtered is the year of the metric's own time column, that
    year is the period too — under the default window (this year so far) the answer would be 0, which
    is not the truth. A range (2024年起) reaches over all the data; the filter bounds it."""
    # with other metrics beside (保单数和保费) the year is still the period, and the answer says so
    tables = {catalog.metrics[leaf].table for m in metrics for leaf in graph.leaf_metrics(catalog, m)}
    for f in filters:
        dim = catalog.dimensions.get(f.dimension)
        table = catalog.tables.get(dim.table) if dim is not None and dim.table in tables else None
        if table is None or table.time is None or table.time.via or not year_of(dim.column, table.time.column):
            continue
        if f.op == "=" and len(f.values) == 1 and str(f.values[0]).isdigit():
            return TimeWindow("year", f"{f.values[0]}", year=int(f.values[0]))
        return TimeWindow("all_data", "")
    return None


def filters_on_the_date(catalog: Catalog, metrics: list[str], filters: list[Filter]) -> list[str]:
    """The filtered dimensions that are attributes of the day itself (节假日 of a calendar table joined
    on the fact's own date): 国庆期间的出租率 names days of every year, none of them in the default
    window (this month), so the period must come from elsewhere."""
    leaves = [catalog.metrics[leaf] for m in metrics for leaf in graph.leaf_metrics(catalog, m)]
    dated = []
    for f in filters:
        dim = catalog.dimensions.get(f.dimension)
        on_date = dim is not None and leaves and all(graph.joined_on_its_date(catalog, leaf.table, dim.table) for leaf in leaves)
        if on_date and f.op in ("=", "in"):
            dated.append(f.dimension)
    return dated


def own_time_events(catalog: Catalog, events: dict[str, str]) -> dict[str, str]:
    """event word → table, when the year dimension the word comes from is the year of that table's own
    time column (起保 of 起保年度 = year(effective_date), the policy table's date): 今年起保的保单 then
    says the metric's own period, not a second date."""
    out = {}
    for word, did in events.items():
        dim = catalog.dimensions[did]
        time = catalog.tables[dim.table].time
        if not word.isascii() and time is not None and not time.via and year_of(dim.column, time.column):
            out[word] = dim.table
    return out


# a period, then the event its metric's table is dated by (今年起保的, 上个月入账的)
AFTER_PERIOD = re.compile(r"^\s*(?:以来|至今|内|里|中)?\s*(?:新)?")


def time_event_hits(text: str, events: dict[str, set[str]], periods: list[Hit]) -> list[Hit]:
    """Hits of kind "time_event" (payload: the tables dated by it) for an event word said right after
    a period (今年入账的) or, in English, right before it ("booked this year"): the period is that event's."""
    out = []
    for p in periods:
        gap = AFTER_PERIOD.match(text[p.end:])
        for word, table in events.items():
            if text.startswith(word, p.end + gap.end()) and (not word.isascii() or word_ends(text, p.end + gap.end() + len(word))):
                start = p.end + gap.end()
                out.append(Hit("time_event", word, start, start + len(word), frozenset(table)))
            before = re.search(rf"\b{re.escape(word)}\s+(?:in\s+|during\s+)?$", text[:p.start]) if word.isascii() else None
            if before:  # "commission booked this year"
                out.append(Hit("time_event", word, before.start(), before.start() + len(word), frozenset(table)))
    return out


def state_event_hits(hits: list[Hit], text: str, states: dict[str, str | None]) -> list[Hit]:
    """今年满期的, 去年退保的, "policies surrendered last year": a value of a state dimension said as the
    event a period dates. The state has no date in the catalog (the period dates the table's own event),
    so the hit dates no table and the decision asks instead of counting this year's policies now 满期."""
    periods = [h for h in hits if h.kind == "time"]
    out = []
    for h in hits:
        if h.kind != "value" or not h.payload or not all(did in states for did, _ in h.payload) \
                or all(states[did] == value for did, value in h.payload):  # 今年未决的: no change to date
            continue
        after = any(AFTER_PERIOD.match(text[p.end:]).end() + p.end == h.start for p in periods)
        before = h.text.isascii() and any(
            re.fullmatch(r"\s+(?:in\s+|during\s+)?", text[h.end:p.start]) for p in periods if p.start > h.end)
        if after or before:
            out.append(Hit("time_event", h.text, h.start, h.end, frozenset()))
    return out


def word_ends(text: str, end: int) -> bool:
    return end >= len(text) or not text[end].isalnum()


def year_of(column: str, time_column: str) -> bool:
    try:
        parsed = sqlglot.parse_one(column)
    except sqlglot.errors.ParseError:
        return False
    return isinstance(parsed, exp.Year) and isinstance(parsed.this, exp.Column) and parsed.this.name == time_column
