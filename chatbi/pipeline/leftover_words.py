"""What is left of a question once its terms are found: the content words nothing explained, and
words a reading explains after all (the end of a period said of a balance)."""

from __future__ import annotations

import datetime as dt
import re

from chatbi.pipeline.metric_typos import FILLER_PHRASES
from chatbi.pipeline.question_words import FILLER, PUNCT, VAGUE_TIME
from chatbi.pipeline.timeparse import AmbiguousTime, resolve
from chatbi.pipeline.vocabulary import Vocabulary, term_forms


def residual_words(leftover: str, vocab: Vocabulary) -> list[str]:
    """Content words nothing explained. Filler phrases go first, so 帮我查一下 is not split wrongly."""
    for phrase in FILLER_PHRASES:
        leftover = leftover.replace(phrase, " ")
    leftover = PUNCT.sub(" ", leftover)
    if not leftover.strip():
        return []
    words = []
    for token in _tokens(leftover, vocab):
        token = token.strip()
        if token and token not in FILLER:  # a number nothing used (which 2 …) is unexplained too
            words.append(token)
    return words


def _tokens(leftover: str, vocab: Vocabulary) -> list[str]:
    """Single characters and plain ASCII words are their own tokens (jieba returns them unchanged);
    only longer non-ASCII runs need jieba, so a question the catalog nearly explains never loads it."""
    out = []
    for fragment in leftover.split():
        if len(fragment) == 1 or re.fullmatch(r"[A-Za-z]+|[0-9]+", fragment):
            out.append(fragment)
        else:
            out += vocab.segment(fragment)
    return out


# 10月底 / 去年年末 / "loans outstanding": of a balance, the end of the period it is read at anyway,
# when that period is one the word can end: a year end of a whole year gone (去年年末, never 年末 alone
# or 2026年底 while 2026 runs), a quarter end of a quarter gone, a month end of a month said
YEAR_ENDS, QUARTER_ENDS = ("年底", "年末"), ("季末", "季度末")
END_WORDS = ("底", "末", "月底", "月末", "期末", *YEAR_ENDS, *QUARTER_ENDS, "outstanding")
RUNNING = ("this_year", "ytd", "this_month", "this_quarter", "this_week", "today")


def balance_end(word: str, metric_hits: list, time, vocab: Vocabulary, as_of=None, grain: str | None = None) -> bool:
    if word not in END_WORDS or not metric_hits or not all(set(h.payload) <= vocab.balances for h in metric_hits):
        return False
    if grain in ("month", "quarter", "year") and word in {"month": ("末", "底", "月末", "月底"),
                                                          "quarter": ("末", *QUARTER_ENDS),
                                                          "year": ("末", "底", *YEAR_ENDS)}[grain]:
        return True  # 每月末, 各季末: the end of each bucket the breakdown shows
    if word in YEAR_ENDS:
        return time is not None and time.kind == "year" and as_of is not None and (time.year or 0) < as_of.year
    if word in QUARTER_ENDS:
        return time is not None and time.kind in ("quarter", "last_quarter") and time.kind not in RUNNING and (
            time.kind == "last_quarter" or as_of is not None and (time.year or as_of.year, time.quarter or 0) <
            (as_of.year, (as_of.month - 1) // 3 + 1))
    if word == "outstanding":
        return time is None or time.kind not in RUNNING
    return time is not None and time.kind not in RUNNING and not (
        time.kind == "year" and as_of is not None and time.year == as_of.year) and _ended(time, as_of)


def _ended(time, as_of) -> bool:
    """第四季度末 on 15 November: that end has not come, so 末 is not the last month end of the data."""
    if as_of is None:
        return True
    try:
        return resolve(time, as_of, dt.date.max).end <= as_of
    except (ValueError, AmbiguousTime):
        return True


def unknown_words(vocab: Vocabulary, residual: list[str]) -> list[str]:
    """Leftover words the catalog has no term for: 客户 or stores, named but not placed, and 笔数
    that several metrics' names hold, are the catalog's own words; a refusal must never say they
    are outside it."""
    known = (vocab.metric_terms, vocab.dimension_terms, vocab.value_terms)
    return [w for w in residual if w not in FILLER and w not in VAGUE_TIME
            and not any(form in terms for form in term_forms(w) for terms in known)
            and not (len(w) >= 2 and not w.isascii() and vocab.metrics_containing(w))]
