"""The words ChatBI understands, built once from the catalog and the warehouse's live values."""

from __future__ import annotations

import functools
import json
import logging
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot

from chatbi.cachefile import write_atomic
from chatbi.pipeline.event_years import event_words, own_time_events, things_dated
from chatbi.pipeline.metric_typos import interchangeable_characters
from chatbi.pipeline.name_forms import short_dimension_forms
from chatbi.pipeline.place_names import names_without_place
from chatbi.pipeline.question_words import ABBREVIATIONS
from chatbi.pipeline.spoken_numbers import CHINESE_NUMERAL, join_digit_groups, normalise_numbers
from metric_catalog import graph
from metric_catalog.model import Catalog

log = logging.getLogger(__name__)
LIVE_VALUE_LIMIT = 20_000
_SHORTHAND = re.compile(r"\b(?:" + "|".join(ABBREVIATIONS) + r")\b")


@functools.cache
def _language_words() -> tuple[str, ...]:
    """The English words the question-reading rules know (slowest, fewest, rose): never a misspelling
    of a catalog word (slowest is not lowest)."""
    from chatbi.pipeline import question_words as q
    from chatbi.pipeline import shape_words as s

    lists = [q.RANK_WORDS, q.ASCENDING, q.BEST, q.WORST, q.NEGATION_BEFORE, q.INCLUSION_BEFORE, q.OTHERS, s.GREATER,
             s.AT_LEAST, s.LESS, s.AT_MOST, s.CUMULATIVE, s.DECREASE, s.INCREASE, s.RATE_OF_CHANGE, s.DENIED,
             *(words for _, words in s.PER_PERIOD), tuple(q.FILLER)]
    return tuple(w for words in lists for w in words if w.isascii())


def normalise(text: str) -> str:
    """Full-width → half-width, lower case, collapse spaces: the form every term is matched in."""
    text = unicodedata.normalize("NFKC", join_digit_groups(text)).lower()
    if _SHORTHAND.search(text):
        text = _SHORTHAND.sub(lambda m: ABBREVIATIONS[m.group(0)], text)
    return re.sub(r"\s+", " ", text).strip()


def term_forms(term: str) -> list[str]:
    """A catalog term as questions spell it: numerals as digits, English plurals, hyphenated."""
    base = _TERM_NUMBERS.get(normalise(term))
    forms = [base]
    if base.isascii() and base[-1:].isalpha():
        head, _, last = base.rpartition(" ")
        plural = (last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou"
                  else last + "es" if last.endswith(("s", "x", "ch", "sh")) else last + "s")
        forms.append(f"{head} {plural}".strip())
        if len(last) > 3 and last.endswith("s") and not last.endswith(("ss", "us", "is")):  # new subscriber(s)
            single = (last[:-3] + "y" if last.endswith("ies") else
                      last[:-2] if last.endswith(("ches", "shes", "xes", "sses")) else last[:-1])
            forms.append(f"{head} {single}".strip())
    words = base.split(" ") if base.isascii() else []
    for i, word in enumerate(words[:-1]):  # room nights sold, said of one: room night sold
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            forms.append(" ".join([*words[:i], word[:-3] + "y" if word.endswith("ies") else word[:-1], *words[i + 1:]]))
    if base.isascii() and " " in base:  # cash on delivery, as written: cash-on-delivery
        forms += [f.replace(" ", "-") for f in list(forms)]
    return forms


@dataclass
class Vocabulary:
    metric_terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    dimension_terms: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    value_terms: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # dimension -> canonical values
    unavailable_terms: dict[str, int] = field(default_factory=dict)  # term -> index of catalog.unavailable
    dimension_tables: dict[str, str] = field(default_factory=dict)  # dimension -> its table
    dimension_values: dict[str, bool] = field(default_factory=dict)  # dimension -> has a value dictionary
    reachable: set[tuple[str, str]] = field(default_factory=set)  # (table, table it joins to, at any depth)
    # readings of one word that select exactly the same rows (city 上海 = province 上海市), from the data
    same_rows: set[frozenset[tuple[str, str]]] = field(default_factory=set)
    wholes: set[str] = field(default_factory=set)  # 全省 where the catalog covers one province: catalog.wholes
    named_days: dict[str, tuple[int, int, int]] = field(default_factory=dict)  # 双11 → (11, 11, 1): catalog.calendar
    year_events: dict[str, str] = field(default_factory=dict)  # 开业 → store_open_year (event_years)
    event_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 承保 → (承保件数,): not the event
    event_things: dict[str, tuple[tuple[str, ...], str | None]] = field(default_factory=dict)  # year dim → (保单, …)
    time_events: dict[str, set[str]] = field(default_factory=dict)  # 起保 → {policy}: the event tables are dated by
    state_dimensions: dict[str, str | None] = field(default_factory=dict)  # 保单状态 → 有效 (the state rows begin in)
    interchangeable: dict = field(default_factory=dict)  # metric → {开, 用}: characters its names swap (typos)
    units: dict[str, set[str]] = field(default_factory=dict)  # metric → its units (天, 件, 元)
    counting: dict[str, str] = field(default_factory=dict)  # table → the one metric counting its rows as they are
    counts: set[str] = field(default_factory=set)  # metrics that count things (件, 张, 个 count them)
    balances: set[str] = field(default_factory=set)  # period_end metrics: 10月底 / 年末 / outstanding say their end

    def segment(self, text: str) -> list[str]:
        """jieba's words of ``text``, the catalog's own words kept whole (longest first). jieba (its
        350k-word dictionary takes ~1 s to load) is loaded on the first text that needs it, not at
        start-up: a question the catalog's words explain entirely never needs it. jieba's own
        dictionary is never added to, so one catalog's words never change how another's questions
        are cut (产品类型 of a logistics catalog made a bank's 产品 + 类型 one word)."""
        terms, longest = self._native_index
        out, rest, i = [], "", 0
        while i < len(text):
            n = next((n for n in range(min(longest, len(text) - i), 1, -1) if text[i:i + n] in terms), 0)
            if n:
                out += _segmenter()(rest) if rest else []
                out.append(text[i:i + n])
                rest, i = "", i + n
            else:
                rest, i = rest + text[i], i + 1
        return out + (_segmenter()(rest) if rest else [])

    @functools.cached_property
    def _native_index(self) -> tuple[frozenset[str], int]:
        terms = frozenset(self.native_terms)
        return terms, max((len(t) for t in terms), default=0)

    def warm(self) -> None:
        """Load jieba now (~1 s) rather than on the first question that needs it: for long-lived
        processes (app, API, eval); the one-shot CLI stays lazy."""
        self.segment("预热")

    @functools.cached_property
    def native_terms(self) -> tuple[str, ...]:
        """Catalog words jieba must keep whole (ASCII words it keeps anyway)."""
        return tuple(t for t in self.all_terms() if not t.isascii())

    @functools.cached_property
    def english_words(self) -> tuple[frozenset[str], frozenset[str]]:
        """The English words of the catalog's terms, for reading misspellings of them (typos.py)."""
        from chatbi.pipeline.typos import known_words

        return known_words([*self.all_terms(), *_language_words()])

    def metrics_begun(self, text: str) -> list[str]:
        """Metrics a term of which the text says all but its last character or two of (卖了多少 of
        卖了多少钱 and 卖了多少件): the question stops short of naming which, longest start first."""
        said: dict[str, int] = {}
        for term, metrics in self.metric_terms.items():
            if term.isascii() or len(term) < 4:
                continue
            for k in range(len(term) - 1, max(2, len(term) - 3), -1):
                if term[:k] in text:
                    for mid in metrics:
                        said[mid] = max(said.get(mid, 0), k)
                    break
        return sorted(said, key=lambda m: -said[m])

    def metrics_prefixed(self, words: list[str], verbs: bool = False) -> set[str]:
        """Metrics a Chinese term of which begins with one of ``words`` (报案 of 报案件数 / 报案量, 出单
        of 出单量): evidence for a reading, never a reading on its own (报案金额 is no such term).
        ``verbs``: the words were said as verbs (揽了, 寄过), so one character is enough."""
        return {mid for w in words if len(w) >= (1 if verbs else 2) and not w.isascii()
                for term, metrics in self.metric_terms.items() if term.startswith(w) and term != w for mid in metrics}

    def metrics_containing(self, word: str) -> set[str]:
        """Metrics a term of which contains ``word`` (件数: 保单件数, 报案件数 …); English whole words."""
        if word.isascii():
            return {m for t, ms in self.metric_terms.items() if word in t.split() for m in ms}
        return {m for t, ms in self.metric_terms.items() if len(word) >= 2 and word in t for m in ms}

    def all_terms(self) -> list[str]:
        return list({*self.metric_terms, *self.dimension_terms, *self.value_terms, *self.unavailable_terms})


def _short_forms(value: str) -> list[str]:
    """西湖区 → 西湖, 义乌市 → 义乌: how people name districts."""
    if len(value) >= 3 and value[-1] in "区县市" and not value.endswith("自治县"):
        return [value[:-1]]
    if value.endswith("自治县") and len(value) > 5:
        return [value[:-5]]
    return []


class _NumeralForms:
    """normalise_numbers of catalog terms, kept on disk: cn2an costs ~0.7 s to import and compile,
    and only the few terms with Chinese numerals need it. Keyed by cn2an's version."""

    def __init__(self):
        self._memo: dict[str, str] | None = None
        self._dirty = False

    def _path(self) -> Path:
        import importlib.metadata

        import platformdirs

        version = importlib.metadata.version("cn2an")
        return Path(platformdirs.user_cache_dir("chatbi")) / f"catalog-numerals-cn2an{version}.json"

    def get(self, text: str) -> str:
        from chatbi.pipeline.spoken_numbers import CHINESE_NUMERAL, normalise_numbers

        if not CHINESE_NUMERAL.search(text):
            return normalise_numbers(text)  # no numeral: cn2an is not involved
        if self._memo is None:
            try:
                self._memo = json.loads(self._path().read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._memo = {}
        if text not in self._memo:
            self._memo[text] = normalise_numbers(text)
            self._dirty = True
        return self._memo[text]

    def save(self) -> None:
        if not self._dirty:
            return
        if write_atomic(self._path(), json.dumps(self._memo, ensure_ascii=False).encode("utf-8")):
            self._dirty = False


_TERM_NUMBERS = _NumeralForms()


_EACH_AVERAGE = re.compile(r"每(.)平均|平均每(.)")


def _average_swapped(term: str) -> str:
    """每单平均销售额 as 平均每单销售额 and back: the same average, either word first."""
    return _EACH_AVERAGE.sub(lambda m: f"平均每{m[1]}" if m[1] else f"每{m[2]}平均", term, count=1)


def build_vocabulary(catalog: Catalog, warehouse=None) -> Vocabulary:
    vocab = Vocabulary()
    for mid, metric in catalog.metrics.items():
        if metric.hidden:
            continue
        terms = [metric.name.zh, metric.name.en, mid.replace("_", " "), *metric.synonyms]
        if metric.type == "simple" and metric.agg == "avg":  # 平均考核得分: the mean it already is
            terms += [f"平均{t}" for t in terms if t and not t.isascii() and not t.startswith("平均")]
        terms += [_average_swapped(t) for t in terms if t and _EACH_AVERAGE.search(t)]  # 每单平均 / 平均每单
        for term in terms:
            for form in term_forms(term) if term else []:
                vocab.metric_terms[form].add(mid)
    live: dict[str, set[str]] = {}  # dimension → the names read from the warehouse
    for did, dim in catalog.dimensions.items():
        if dim.hidden:  # a key for row security or metric filters: never read from a question
            continue
        for term in [dim.name.zh, dim.name.en, *dim.synonyms]:
            for form in term_forms(term) if term else []:
                vocab.dimension_terms[form].add(did)
        for value, synonyms in dim.values.items():
            vocab.values[did].add(value)
            for term in [value, *synonyms]:
                for form in term_forms(term):
                    vocab.value_terms[form].add((did, value))
        if warehouse is not None and not dim.values:
            _add_live_values(vocab, catalog, did, dim, warehouse)
            live[did] = set(vocab.values[did])
    taken = {*vocab.value_terms, *vocab.metric_terms, *vocab.dimension_terms}
    for rest, found in names_without_place(vocab.value_terms, live, taken).items():  # 西湖支行
        vocab.value_terms[rest] |= found
    vocab.wholes = set(catalog.catalog.wholes)
    vocab.named_days = {normalise_numbers(normalise(term)): (p.month, p.day, p.days)
                        for p in catalog.catalog.calendar for term in p.terms}
    vocab.interchangeable = interchangeable_characters({m: [s.name.zh, *s.synonyms] for m, s in catalog.metrics.items()})
    vocab.state_dimensions = {did: dim.state if isinstance(dim.state, str) else None
                              for did, dim in catalog.dimensions.items() if dim.state}
    vocab.dimension_tables = {did: dim.table for did, dim in catalog.dimensions.items()}
    events = event_words({did: [dim.name.zh, dim.name.en, *dim.synonyms] for did, dim in catalog.dimensions.items()
                          if dim.type == "number" and not dim.hidden})
    vocab.year_events = events
    # 保单 of 保单年度 is also the start of 保单数, 承保 of 承保件数: there the word names the metric
    vocab.event_names = {e: tuple(t for t in (*vocab.metric_terms, *vocab.value_terms) if t != e and t.startswith(e))
                         for e in events}
    plain_counts: dict[str, list[str]] = {}
    for mid, spec in catalog.metrics.items():
        if spec.type == "simple" and spec.agg == "count" and not spec.expr and not spec.filters and not spec.where:
            plain_counts.setdefault(spec.table, []).append(mid)
    vocab.counting = {table: mids[0] for table, mids in plain_counts.items() if len(mids) == 1}
    vocab.event_things = things_dated(catalog, set(events.values()), vocab.counting)
    # 保单 of 保单年度 begins 保单数 too: there it is the metric's word, never the date's event
    vocab.time_events = {e: {t} for e, t in own_time_events(catalog, events).items() if not vocab.event_names.get(e)}
    for tid, table in catalog.tables.items():
        for word in table.time.events if table.time else ():
            vocab.time_events.setdefault(normalise(word), set()).add(tid)
    vocab.counts = {mid for mid, spec in catalog.metrics.items()
                    if spec.type == "simple" and spec.agg in ("count", "count_distinct")}
    # a balance, or a ratio of balances (不良率 = 不良贷款余额 ÷ 贷款余额): read at a period's end
    vocab.balances = {mid for mid in catalog.metrics if all(
        catalog.metrics[leaf].type == "period_end" for leaf in graph.leaf_metrics(catalog, mid))}
    vocab.units = {mid: {u for u in (spec.unit.zh, spec.unit.en) if u} for mid, spec in catalog.metrics.items()}
    vocab.dimension_values = {did: bool(dim.values) for did, dim in catalog.dimensions.items()}
    vocab.reachable = {(a, b) for a in catalog.tables for b in catalog.tables
                       if a != b and graph.join_path(catalog, a, b) is not None}
    if warehouse is not None:
        vocab.same_rows = _same_row_readings(vocab, catalog, warehouse)
    _add_counted_forms(vocab)
    taken = {*vocab.dimension_terms, *vocab.value_terms, *vocab.metric_terms}
    for form, dims in short_dimension_forms(vocab.dimension_terms, taken, {*vocab.value_terms, *vocab.metric_terms}).items():
        vocab.dimension_terms[form] |= dims
    for index, topic in enumerate(catalog.catalog.unavailable):
        for term in topic.terms:
            for form in term_forms(term):
                vocab.unavailable_terms[form] = index
    _TERM_NUMBERS.save()
    return vocab


_JIEBA_LOCK = threading.Lock()


def _load_jieba_dictionary(jieba) -> None:
    """jieba's prefix dictionary from ChatBI's own copy of it: jieba reads its cache with
    ``marshal.load`` on a file, ~1.0 s for its 500k words; ``marshal.loads`` of the same bytes takes
    0.3 s. Keyed by jieba's version; rebuilt (by jieba itself) when missing or unreadable."""
    import importlib.metadata
    import marshal

    import platformdirs

    path = Path(platformdirs.user_cache_dir("chatbi")) / f"jieba-{importlib.metadata.version('jieba')}.dict"
    try:
        jieba.dt.FREQ, jieba.dt.total = marshal.loads(path.read_bytes())
        jieba.dt.initialized = True
        return
    except (OSError, ValueError, EOFError, TypeError):
        pass
    jieba.initialize()
    write_atomic(path, marshal.dumps((jieba.dt.FREQ, jieba.dt.total)))


def _segmenter():
    with _JIEBA_LOCK:
        import jieba

        if not jieba.dt.initialized:
            jieba.setLogLevel(logging.WARNING)
            _load_jieba_dictionary(jieba)
    return jieba.lcut


def _add_counted_forms(vocab: Vocabulary) -> None:
    """新增客户数 is also asked as 新增客户 (上个月新增客户最多的城市): a metric name ending in 数/量 is
    matched without it, when what is left is three characters or more and names nothing else —
    else 客户 inside it would be read as the customer dimension."""
    taken = set(vocab.dimension_terms) | set(vocab.value_terms) | set(vocab.metric_terms)
    for term, metrics in list(vocab.metric_terms.items()):
        short = term[:-1]
        # not 退货数量 → 退货数: what is left must not itself read as a count or an amount
        if term.endswith(("数", "量")) and len(short) >= 3 and not short.isascii() and short not in taken \
                and not short.endswith(("数", "量", "额", "率", "件", "笔", "单")):
            vocab.metric_terms[short] |= metrics


SAME_ROW_CHECKS = 200


def _same_row_readings(vocab: Vocabulary, catalog: Catalog, warehouse) -> set[frozenset[tuple[str, str]]]:
    """Words that are values of several dimensions of one table (上海: city 上海 and province 上海市 of
    the stores), kept when the data says each reading selects the same rows: then either reading is
    the answer, and the question need not be sent back."""
    from sqlglot import exp

    from semantic_layer.sources import table_source

    out: set[frozenset[tuple[str, str]]] = set()
    shared = {frozenset(t) for t in vocab.value_terms.values() if len({d for d, _ in t}) > 1}
    for readings in sorted(shared, key=sorted)[:SAME_ROW_CHECKS]:
        by_table: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for did, value in readings:
            by_table[catalog.dimensions[did].table].append((did, value))
        for table, pairs in by_table.items():
            if len({d for d, _ in pairs}) < 2:
                continue
            tests = [exp.EQ(this=sqlglot.parse_one(catalog.dimensions[d].column), expression=exp.convert(v))
                     for d, v in pairs]
            counts = [exp.Sum(this=exp.Case(ifs=[exp.If(this=t, true=exp.Literal.number(1))],
                                            default=exp.Literal.number(0))) for t in [*tests, exp.and_(*tests)]]
            try:
                source = table_source(catalog, table)
                row = warehouse.execute(exp.select(*counts).from_(source).sql(dialect=warehouse.dialect)).rows[0]
            except Exception as exc:  # a broken dimension must not stop the assistant; validate reports it
                log.warning("cannot compare readings %s: %s", pairs, exc)
                continue
            if row[0] and len(set(row)) == 1:
                out.add(frozenset(pairs))
    return out


def _add_live_values(vocab: Vocabulary, catalog: Catalog, did: str, dim, warehouse) -> None:
    from semantic_layer.sources import table_source

    try:  # a subtype's values are its rows' (agents of the party table), read from its source
        sql = sqlglot.select(sqlglot.parse_one(dim.column)).distinct().from_(table_source(catalog, dim.table)) \
            .sql(dialect=warehouse.dialect)
        result = warehouse.execute(sql, max_rows=LIVE_VALUE_LIMIT)
    except Exception as exc:  # a broken dimension must not stop the assistant; validate reports it
        log.warning("cannot read values of %s: %s", did, exc)
        return
    if result.truncated:
        log.warning("dimension %s has over %d values; only exact names are matched", did, LIVE_VALUE_LIMIT)
    for (value,) in result.rows:
        if value is None:
            continue
        value = str(value)
        vocab.values[did].add(value)
        for term in [value, *_short_forms(value)]:
            if len(term) >= 2:  # 三里屯店 as the question reads it too (3里屯店: numerals become digits)
                form = normalise(term)
                vocab.value_terms[form].add((did, value))
                if CHINESE_NUMERAL.search(form):
                    vocab.value_terms[_TERM_NUMBERS.get(form)].add((did, value))
