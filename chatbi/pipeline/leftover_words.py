"""What is left of a question once its terms are found: the content words nothing explained, and
words a reading explains after all (the end of a period said of a balance)."""

from __future__ import annotations

import re

from chatbi.pipeline.metric_typos import FILLER_PHRASES
from chatbi.pipeline.question_words import FILLER, PUNCT
from chatbi.pipeline.vocabulary import Vocabulary


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


# 10月底 / 去年年末 / "loans outstanding": of a balance, the end of the period it is read at anyway;
# not of a period still running (今年年底 has not come)
END_WORDS = ("底", "末", "月底", "月末", "年底", "年末", "季末", "季度末", "期末", "outstanding")
RUNNING = ("this_year", "ytd", "this_month", "this_quarter", "this_week", "today")


def balance_end(word: str, metric_hits: list, time, vocab: Vocabulary) -> bool:
    return word in END_WORDS and bool(metric_hits) and all(set(h.payload) <= vocab.balances for h in metric_hits) \
        and (time is None or time.kind not in RUNNING)
