"""The model's reading of what the rules could not place, and the check that it accounts for them.

When the matcher leaves words it cannot place (什么类型, "by store format"), the model reads the
question's breakdowns and filters too, under a grammar of the catalog's own dimension ids and
values, so it cannot invent one. Its reading is used only when it is *verified*: it keeps every
breakdown, filter, period and ranking the matcher found (never contradicts them), each thing it
adds is grounded in one of the unplaced words (the word shares characters with that dimension's
or value's catalog names), and every unplaced word is accounted for. Otherwise the reading is
only offered first among the clarification's choices.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field

from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import FILLER
from chatbi.pipeline.vocabulary import Vocabulary, normalise
from metric_catalog import graph
from metric_catalog.model import Catalog

ASK_FULL = "再把这个问题按哪些维度拆分(d)、筛选了哪些维度值(f)读出来，只输出 JSON。"
MAX_VALUES = 300  # in the grammar: curated values only (more slows every sampled token)


@dataclass
class FullReading:
    metric: str
    dimensions: list[str] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)

    def compact(self) -> dict:
        return {"d": self.dimensions, "f": [{"d": d, "v": v} for d, vs in self.filters.items() for v in vs]}

    @classmethod
    def from_compact(cls, metric: str, data: dict) -> FullReading:
        filters: dict[str, list[str]] = {}
        for item in data.get("f") or []:
            filters.setdefault(item["d"], []).append(item["v"])
        return cls(metric, list(dict.fromkeys(data.get("d") or [])), filters)


def offered_dimensions(catalog: Catalog) -> list[str]:
    return [d for d, spec in catalog.dimensions.items() if not spec.hidden]


def reading_schema(catalog: Catalog, vocabulary: Vocabulary) -> dict:
    """{"d": [dimension ids], "f": [{"d": dimension id, "v": one of its values}]}; compact keys,
    enums only, so every token the model writes is a catalog id or value."""
    dims = offered_dimensions(catalog)
    # curated values only: a live value (a store's name) is the matcher's to find as written
    values = sorted({v for d in dims for v in catalog.dimensions[d].values})[:MAX_VALUES]
    value_schema = {"enum": values} if values else {"type": "string", "maxLength": 0}
    return {"type": "object", "additionalProperties": False, "required": ["d", "f"], "properties": {
        "d": {"type": "array", "items": {"enum": dims}, "maxItems": 3},
        "f": {"type": "array", "maxItems": 3, "items": {
            "type": "object", "additionalProperties": False, "required": ["d", "v"],
            "properties": {"d": {"enum": dims}, "v": value_schema}}}}}


def example_reading(match: Match) -> dict:
    return FullReading("", list(match.group_by), {d: list(v) for d, v in match.filters.items()}).compact()


def _overlaps(word: str, term: str) -> bool:
    """Does an unplaced word share enough with a catalog term to be about it? Two Chinese
    characters in a row (类型 ~ 门店类型), or an English word of ≥ 4 letters that starts one of the term's."""
    word, term = normalise(word), normalise(term)
    if not word or not term:
        return False
    if word.isascii():
        stem = word.rstrip("s")
        return len(stem) >= 4 and any(w.startswith(stem) or stem.startswith(w) and len(w) >= 4 for w in term.split())
    return any(word[i:i + 2] in term for i in range(len(word) - 1)) or (len(word) == 1 and word == term)


def _dimension_terms(catalog: Catalog, did: str) -> list[str]:
    spec = catalog.dimensions[did]
    return [spec.name.zh, spec.name.en, *spec.synonyms]


def names_dimension(catalog: Catalog, did: str, word: str) -> bool:
    """Is ``word`` about dimension ``did`` (类型 ~ 门店类型, opened ~ open date)?"""
    return any(_overlaps(word, t) for t in _dimension_terms(catalog, did))


def _value_terms(catalog: Catalog, did: str, value: str) -> list[str]:
    return [value, *catalog.dimensions[did].values.get(value, [])]


def _metric_terms(catalog: Catalog, metric: str) -> list[str]:
    spec = catalog.metrics[metric]
    return [spec.name.zh, spec.name.en, *spec.synonyms]


def verifiable(catalog: Catalog, vocabulary: Vocabulary, match: Match, metric: str) -> bool:
    """Is the model's reading worth its ~3 s? Only when each unplaced word touches a term of the
    metric, of a dimension it may be broken down by or of one of their values, and one at least a
    dimension's or a value's; a Chinese word may also share one character with a dimension's own
    names (种类 ~ 门店类型: unverifiable, but the model's reading then leads the clarification).
    Else the model is not asked, since its reading could only be a guess (广告投放, 整体水平)."""
    offered = set(offered_dimensions(catalog))
    allowed = [d for d in graph.allowed_dimensions(catalog, metric) if d in offered]
    terms = [t for d in allowed for t in _dimension_terms(catalog, d)]
    terms += [t for d in allowed for v in catalog.dimensions[d].values if v in vocabulary.values.get(d, ())
              for t in _value_terms(catalog, d, v)]
    names = "".join(normalise(t) for d in allowed for t in _dimension_terms(catalog, d) if t and not t.isascii())

    def touches(word: str) -> bool:
        return any(_overlaps(word, t) for t in terms) or (not word.isascii() and any(c in names for c in word))

    unplaced = [w for w in match.residual if w not in FILLER]
    placed = [touches(w) for w in unplaced]
    metric_terms = _metric_terms(catalog, metric)
    return any(placed) and all(p or any(_overlaps(w, t) for t in metric_terms) for w, p in zip(unplaced, placed, strict=True))


def verify(catalog: Catalog, vocabulary: Vocabulary, match: Match, reading: FullReading) -> Match | None:
    """The matcher's reading with the model's additions, when they account for every unplaced word
    and contradict nothing; else None."""
    allowed = set(graph.allowed_dimensions(catalog, reading.metric))
    if set(match.group_by) - set(reading.dimensions) - set(reading.filters):
        return None  # the model reads the breakdown another way: asked, with its reading first
    unplaced = [w for w in match.residual if w not in FILLER]
    explained: set[str] = set()
    group_by = list(match.group_by)
    filters = {d: list(v) for d, v in match.filters.items()}
    for did in reading.dimensions:
        words = [w for w in unplaced if any(_overlaps(w, t) for t in _dimension_terms(catalog, did))]
        if did in match.group_by or did in filters:
            explained.update(words)  # 按业态类型: 类型 only echoes the breakdown the rules found
            continue
        if did not in allowed or not words:
            return None  # a breakdown nobody asked for
        if any(names_dimension(catalog, other, w) for w in words for other in allowed
               if other != did and other not in match.group_by and other not in filters):
            return None  # 产品: 产品类型 or 产品名称? the word does not say which the model chose
        if not (match.rank_words or match.thresholds or any(_breakdown_said(match.text, w) for w in words)):
            return None  # 多少客户买了产品: the thing bought, not a row per product
        group_by.append(did)
        explained.update(words)
    for did, values in reading.filters.items():
        said = match.filters.get(did, [])
        for value in values:
            if value in said:
                continue
            if said or did in match.excluded or did in match.included or value not in vocabulary.values.get(did, ()):
                return None  # the matcher read another value there: the model contradicts it
            words = [w for w in unplaced if any(_overlaps(w, t) for t in _value_terms(catalog, did, value))]
            if did not in allowed or not words:
                return None
            filters.setdefault(did, []).append(value)
            explained.update(words)
    if set(match.filters) - set(reading.filters) - set(group_by):
        return None  # the model dropped a filter the question names
    rest = [w for w in unplaced if w not in explained]
    if any(not any(_overlaps(w, t) for t in _metric_terms(catalog, reading.metric)) for w in rest):
        return None
    if not explained:
        return None  # nothing added: the reading explains nothing the rules did not
    return dataclasses.replace(match, group_by=group_by, filters=filters, residual=[])


def extended(catalog: Catalog, match: Match, reading: FullReading) -> Match:
    """The matcher's reading with whatever the model added, unverified: a clarification's first choice.
    A filter the metric cannot take (信用卡刷了多少: the account opened as a credit card) is left out."""
    allowed = set(graph.allowed_dimensions(catalog, reading.metric))
    group_by = [d for d in reading.dimensions if d not in match.filters] or list(match.group_by)
    filters = {d: list(v) for d, v in match.filters.items()}
    for did, values in reading.filters.items():
        if did not in filters and did not in match.excluded and did not in match.included and did in allowed:
            filters[did] = list(values)
    return dataclasses.replace(match, group_by=[d for d in dict.fromkeys(group_by) if d not in filters], filters=filters,
                               residual=[])


# 各产品, 按产品, 分产品, 每个产品, "by product", "each product", 哪些产品; 产品分布 / 产品排名 after it
_BEFORE = re.compile(r"(?:各|各个|每个?|按|分|by|per|each|every|which|across|哪些?|哪个|哪家)\s*(?:的)?\s*$", re.I)
_AFTER = re.compile(r"^\s*(?:的)?\s*(?:分布|排名|排行|构成|占比|明细|breakdown|split|mix)", re.I)


def _breakdown_said(text: str, word: str) -> bool:
    """Whether the question asks a row per ``word``'s values, not only names the thing."""
    for m in re.finditer(re.escape(word), text, re.I):
        if _BEFORE.search(text[max(0, m.start() - 8):m.start()]) or _AFTER.match(text[m.end():]):
            return True
    return False
