"""Where the catalog's terms and the language's words occur in a question: every occurrence, as hits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Hit:
    kind: str  # metric | dimension | value | time | grain | comparison | rank | negation
    text: str
    start: int
    end: int
    payload: object = None
    corrected: str = ""  # the catalog term a typo was read as (欠废金额 → 欠费金额)


_INDEXES: dict[int, tuple[dict, int, dict[str, int], list[int]]] = {}  # a few vocabularies' term tables


def find_terms(text: str, terms: dict[str, object], kind: str) -> list[Hit]:
    if len(terms) > 256:  # 20,000 live values: look up each substring, not each term (~10 ms a question)
        return _lookup_terms(text, terms, kind)
    hits = []
    for term, payload in terms.items():
        if not term:
            continue
        ascii_term = term.isascii()
        start = text.find(term)
        while start != -1:
            end = start + len(term)
            if (word_boundary(text, start, end) if ascii_term else not counter_bound(text, start, term)):
                hits.append(Hit(kind, term, start, end, payload))
            start = text.find(term, start + 1)
    return hits


def _lookup_terms(text: str, terms: dict[str, object], kind: str) -> list[Hit]:
    """The hits _find_terms would give, in its order (each term's occurrences, terms in dict order)."""
    cached = _INDEXES.get(id(terms))
    if cached is None or cached[0] is not terms or cached[1] != len(terms):
        order = {t: i for i, t in enumerate(terms) if t}
        cached = (terms, len(terms), order, sorted({len(t) for t in order}))
        while len(_INDEXES) >= 8:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[id(terms)] = cached
    _, _, order, lengths = cached
    found = []
    for start in range(len(text)):
        for n in lengths:
            if start + n > len(text):
                break
            term = text[start:start + n]
            if term in order and (word_boundary(text, start, start + n) if term.isascii()
                                  else not counter_bound(text, start, term)):
                found.append((order[term], start, term))
    found.sort()
    return [Hit(kind, term, start, start + len(term), terms[term]) for _, start, term in found]


# 每个险种, 两个人: a 个 after a numeral or 每/各/这 is the counter of what follows, never the start of
# a term (个险, a synonym of 个人, is not said in 每个险种)
COUNTED_BEFORE = set("每各这那哪几一二两三四五六七八九十百千万0123456789")


def counter_bound(text: str, start: int, term: str) -> bool:
    return term[0] == "个" and start > 0 and text[start - 1] in COUNTED_BEFORE


def word_boundary(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
