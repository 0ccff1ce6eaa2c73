"""The language's own words in a question (no catalog word): each found as a hit for the matcher."""

from __future__ import annotations

import dataclasses
import re

from chatbi.pipeline import shape_words
from chatbi.pipeline.question_words import (
    COMPARISON_WORDS,
    FILLER_PHRASES_EN,
    GRAIN_WORDS,
    INCLUSION_BEFORE,
    NEGATION_AFTER,
    NEGATION_BEFORE,
)
from chatbi.pipeline.rank_words import rank_hits
from chatbi.pipeline.term_search import Hit, find_terms


def language_hits(text: str) -> list[Hit]:
    """Hits of the words of the language a question is shaped by: grains, comparisons, rankings,
    negations, thresholds, growth, shares, listings; what they apply to comes from the catalog's words."""
    hits = []
    for grain, words in GRAIN_WORDS:
        hits += find_terms(text, {w: grain for w in words}, "grain")
    for kind, unit, words in COMPARISON_WORDS:
        hits += [h if unit is None else dataclasses.replace(h, payload=(kind, unit))
                 for h in find_terms(text, {w: kind for w in words}, "comparison")]
    hits += rank_hits(text)
    hits += find_terms(text, {w: None for w in NEGATION_BEFORE}, "negation")
    hits += find_terms(text, {w: "inclusion" for w in INCLUSION_BEFORE}, "negation")
    hits += [Hit("negation", m.group(0), m.start(), m.end(), "after") for m in NEGATION_AFTER.finditer(text)]
    hits += [Hit("filler", m.group(0), m.start(), m.end()) for m in FILLER_PHRASES_EN.finditer(text)]
    hits += [Hit("threshold", text[a:b], a, b, t) for a, b, t in shape_words.threshold_spans(text)]
    hits += [Hit("comparative", text[a:b], a, b) for a, b in shape_words.comparative_words(text)]
    hits += [Hit("cumulative", text[a:b], a, b) for a, b in shape_words.word_spans(text, shape_words.CUMULATIVE)]
    hits += [Hit("growth", text[a:b], a, b) for a, b in shape_words.word_spans(text, shape_words.GROWTH)]
    hits += [Hit("growth", m["dir"], m.start("dir"), m.end("dir")) for m in shape_words.MORE_LESS_AFTER.finditer(text)]
    hits += [Hit("which", text[a:b], a, b) for a, b in shape_words.word_spans(text, shape_words.WHICH)]
    hits += [Hit("how_many", m.group(0), m.start(), m.end()) for m in shape_words.HOW_MANY.finditer(text)]
    hits += [Hit("listing", text[a:b], a, b) for a, b in shape_words.word_spans(text, shape_words.LISTING)]
    for grain, words in shape_words.PER_PERIOD:
        # 4月平均每家 / 上月平均: the 月 ends a period said before it, not a 月平均
        hits += [Hit("per_period", text[a:b], a, b, grain) for a, b in shape_words.word_spans(text, words)
                 if not (text[a] in "年月日周季" and a and text[a - 1] in _PERIOD_BEFORE)]
    hits += [Hit(kind, text[a:b], a, b, "share") for kind, a, b in shape_words.share_spans(text)]
    return hits


_PERIOD_BEFORE = set("0123456789一二三四五六七八九十两上本这去今前该当次")


# 近三个月末, 每月末 (also where 月末存款 is a metric's name): each of those month ends
LAST_MONTH_ENDS = re.compile(r"(?:近|最近|过去)\s*\d{1,2}\s*个?月末|(?:每|各|逐)一?个?月(?=\s*末)|"
                             r"\b(?:last|past)\s+\d{1,2}\s+month[- ]ends\b")
EACH_QUARTER_END = re.compile(r"(?:每|各|逐)一?个?季度?(?=\s*末)")


def period_end_grain(text: str) -> str | None:
    """近三个月末: each of those month ends (month); 去年各季末: each quarter end (quarter)."""
    return "month" if LAST_MONTH_ENDS.search(text) else "quarter" if EACH_QUARTER_END.search(text) else None
