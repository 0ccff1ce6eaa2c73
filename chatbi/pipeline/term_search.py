"""Where the catalog's terms and the language's words occur in a question: every occurrence, as hits."""

from __future__ import annotations

import re
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


# the language's own phrases, which no catalog term may cut into: 少件 (short contents, a claim
# reason) is not said in 揽了多少件, nor 共享 in 一共享了
PHRASES = ("多少", "一共", "总共", "是否", "有没有", "怎么", "什么", "哪些", "哪个")


def find_terms(text: str, terms: dict[str, object], kind: str) -> list[Hit]:
    hits = _find_terms(text, terms, kind)
    spans = [(m.start(), m.end()) for p in PHRASES if p in text for m in re.finditer(p, text)]
    if not spans:
        return hits
    return [h for h in hits if not any(h.start < b and a < h.end and not (h.start <= a and b <= h.end)
                                       for a, b in spans)]  # cuts into a phrase without holding it whole


def _find_terms(text: str, terms: dict[str, object], kind: str) -> list[Hit]:
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


# 手机销量和销售额: the second metric shares the first one's head (手机销售额), said once
JOINERS = ("和", "与", "及", "以及", "跟", "、", "还有", ",", "，")


def shared_heads(chosen: list[Hit], text: str, terms: dict[str, object]) -> list[Hit]:
    """Metrics said without the head the metric before them carries: 手机销量和销售额 names 手机销售额
    when that is a term of its own. Only a run nothing else explains is read, and only as a whole term."""
    taken = [False] * len(text)
    for h in chosen:
        taken[h.start:h.end] = [True] * (h.end - h.start)
    out = []
    for h in (h for h in chosen if h.kind == "metric" and not h.text.isascii()):
        after = h.end
        while after < len(text) and text[after] == " ":
            after += 1
        joiner = next((j for j in JOINERS if text.startswith(j, after)), None)
        if joiner is None:
            continue
        start = after + len(joiner)
        while start < len(text) and text[start] == " ":
            start += 1
        best = None
        for cut in range(1, len(h.text)):
            head = h.text[:cut]
            for term, payload in terms.items():
                tail = term[cut:]
                if term.startswith(head) and len(tail) >= 2 and text.startswith(tail, start) \
                        and not any(taken[start:start + len(tail)]) and (best is None or len(tail) > len(best[0])):
                    best = (tail, payload)
        if best:
            out.append(Hit("metric", best[0], start, start + len(best[0]), best[1]))
    return out


def select_hits(hits: list[Hit], length: int) -> list[Hit]:
    """Longest non-overlapping hits, left to right among equals.

    Overlapping hits that mean the same thing (在网用户 + 用户规模 → 在网用户规模) are merged.
    """
    owner: list[Hit | None] = [None] * length
    chosen: list[Hit] = []
    hits = terms_leaving_times(values_leaving_metrics(hits))
    # among equals a period beats a value: "Q3 2026" is a year, not a store opened in 2026
    for hit in sorted(hits, key=lambda h: (-(h.end - h.start), h.start, h.kind != "time")):
        overlapping = {id(o): o for o in owner[hit.start:hit.end] if o is not None}
        if overlapping:
            same = [o for o in overlapping.values() if o.kind == hit.kind and o.payload == hit.payload]
            if len(same) == len(overlapping) == 1:
                kept = same[0]
                kept.start, kept.end = min(kept.start, hit.start), max(kept.end, hit.end)
                for i in range(kept.start, kept.end):
                    owner[i] = kept
            continue
        chosen.append(hit)
        for i in range(hit.start, hit.end):
            owner[i] = hit
    return sorted(chosen, key=lambda h: h.start)


def terms_leaving_times(hits: list[Hit]) -> list[Hit]:
    """9月末存款余额: a term (月末存款) that starts inside a period said before it (9月) and runs on
    leaves the period whole; the rest of the question still holds its other names (存款余额)."""
    times = [h for h in hits if h.kind == "time"]
    return [h for h in hits if h.kind == "time" or not any(t.start < h.start < t.end < h.end for t in times)]


def values_leaving_metrics(hits: list[Hit]) -> list[Hit]:
    """苹果手机销量: the value said the short way (苹果) when its long name (苹果手机) would cut into
    the metric after it (手机销量); the same value either way (or another ending right at the metric),
    and the metric stays whole."""
    shorter = [h for h in hits if h.kind == "value"]
    # 理财销售额: 理财 (a product) and 销售额, not the complaint type 理财销售 cutting the metric, when the
    # shorter value ends where the metric starts
    cut = {id(v) for v in shorter for m in hits if m.kind == "metric" and v.start < m.start < v.end < m.end
           and any(s.start == v.start and s.end <= m.start and (s.payload == v.payload or s.end == m.start)
                   for s in shorter)}
    return [h for h in hits if id(h) not in cut] if cut else hits


def name_tails(chosen: list[Hit], text: str, terms: dict[str, set]) -> None:
    """"ageing bucket" where the catalog says "ageing" and "age bucket" of one dimension: an English
    word right after a name that another name of the same item holds is part of the name said."""
    taken = [False] * len(text)
    for h in chosen:
        taken[h.start:h.end] = [True] * (h.end - h.start)
    for h in (h for h in chosen if h.kind in ("metric", "dimension") and h.text.isascii() and h.payload):
        m = re.match(r" ([a-z]+)\b", text[h.end:])
        if not m or any(taken[h.end:h.end + m.end()]):
            continue
        # the last word of a longer name ("age bucket"), never its first ("sales agent": not "agent sales")
        words = {term.split()[-1] for term, ids in terms.items()
                 if term.isascii() and " " in term and set(ids) == set(h.payload)}
        if m.group(1) in words:
            h.end += m.end()
            h.text = text[h.start:h.end]


# words of time, never a dimension's head ("open date", "policy year" do not make "date" or "year" one)
_NOT_HEADS = {"date", "day", "week", "month", "year", "quarter", "time", "period", "name", "level", "total", "kind",
              "sort", "way", "part", "number", "amount", "value", "rate", "share", "code", "id", "list", "end", "bottom",
              "top"}


def _qualified_by(term: str, head: str, said: set[str]) -> bool:
    """Is ``term`` ("complaint type") ``head`` qualified only by words the question's metric said?"""
    words = term.split()
    return term.isascii() and len(words) > 1 and words[-1] == head and all(w.removesuffix("s") in said for w in words[:-1])


def head_nouns(chosen: list[Hit], text: str, dimension_terms: dict[str, set], metric_terms: dict[str, set],
               filler: set[str]) -> list[Hit]:
    """"which lines are down on premium": an English word said alone that is the last word of exactly
    one dimension's longer names (product line) is that dimension; never a word a metric's name holds,
    a word of the language, or one two dimensions end with (type: channel type or store type?)."""
    taken = [False] * len(text)
    for h in chosen:
        taken[h.start:h.end] = [True] * (h.end - h.start)
    heads: dict[str, set] = {}
    for term, ids in dimension_terms.items():
        if term.isascii() and " " in term:
            heads.setdefault(term.split()[-1], set()).update(ids)
    metric_words = {w for t in metric_terms if t.isascii() for w in t.split()}
    said = {w.removesuffix("s") for h in chosen if h.kind == "metric" and h.text.isascii() for w in h.text.split()}
    out = []
    for m in re.finditer(r"[a-z]+", text):
        if any(taken[m.start():m.end()]) or m.group(0) in filler:
            continue
        word = m.group(0)
        if word.endswith(("ed", "ing")) or word.removesuffix("s") in _NOT_HEADS:  # "opened", "years": no head noun
            continue
        if re.search(r"\b(?:bottom|top)\s+$", text[:m.start()]):  # "the bottom line", "top line": idioms
            continue
        for form in dict.fromkeys((word, word.removesuffix("s"))):
            ids = heads.get(form, set())
            if len(ids) > 1:  # "complaints by type": the one type whose other words the metric said
                ids = {i for i in ids if any(_qualified_by(t, form, said) for t, owners in dimension_terms.items()
                                             if i in owners)}
            if len(ids) == 1 and form not in metric_words and form not in _NOT_HEADS and form not in filler:
                out.append(Hit("dimension", m.group(0), m.start(), m.end(), set(ids)))
                break
    return out


def metric_heads(chosen: list[Hit], text: str, dimension_terms: dict[str, set]) -> list[tuple[set, int]]:
    """各产品销售额: a breakdown word right before a metric whose name begins with a dimension's (产品
    of 产品销售额): the metric by that dimension, as 各产品的销售额 is — never its total."""
    out = []
    for h in chosen:
        if h.kind != "metric" or h.text.isascii() or not text[:h.start].endswith(("各", "各个", "每个", "按", "分")):
            continue
        head = max((t for t in dimension_terms if not t.isascii() and len(t) >= 2 and t != h.text
                    and h.text.startswith(t)), key=len, default=None)
        if head:
            out.append((dimension_terms[head], h.start))
    return out


# 有效客户的AUM, 新入网用户中5G套餐用户数: the first metric names the rows the second is asked of
_OF_THE_ROWS = ("的", "中", "中的", "里", "里的", "当中", "之中", "当中的")


def population_metrics(chosen: list[Hit], text: str) -> set[int]:
    """ids of metric hits said as the population of the next metric (有效客户的AUM: the AUM of the
    effective customers), which no reading of two metrics side by side computes: never answered as
    both (the count of customers beside everyone's AUM), left for the question to be asked back."""
    metrics = sorted((h for h in chosen if h.kind == "metric"), key=lambda h: h.start)
    return {id(a) for a, b in zip(metrics, metrics[1:], strict=False)
            if not a.text.isascii() and text[a.end:b.start].strip() in (*_OF_THE_ROWS, "")  # 5G用户ARPU too
            and not set(a.payload) & set(b.payload)}  # 已完成订单的订单数: the same metric, said twice


def heads_said_again(chosen: list[Hit], text: str, terms: dict[str, set]) -> list[Hit]:
    """保价费收入: a metric (保价费) right before a word that ends one of its own names (增值收入) is
    said with its head, one metric; never the population of another (收入 of the company)."""
    out = sorted(chosen, key=lambda h: h.start)
    for a, b in zip(list(out), list(out)[1:], strict=False):
        if a.kind == b.kind == "metric" and a.end == b.start and not a.text.isascii() and not (
                set(a.payload) & set(b.payload)) and any(
                t.endswith(b.text) and set(ids) == set(a.payload) for t, ids in terms.items()):
            a.end, a.text = b.end, text[a.start:b.end]
            out.remove(b)
    return out


def values_only(chosen: list[Hit], text: str, start: int, end: int) -> bool:
    """Nothing but values (and spaces, 的) between ``start`` and ``end``."""
    gap = list(text[start:end])
    for h in chosen:
        if h.kind == "value" and start <= h.start and h.end <= end:
            gap[h.start - start:h.end - start] = [" "] * (h.end - h.start)
    return "".join(gap).replace("的", " ").strip() == "" and any(
        h.kind == "value" and start <= h.start and h.end <= end for h in chosen)
