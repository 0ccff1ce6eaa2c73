"""Misspelt English words (provnice, brodband instals by chanel type last quater): a word the
catalog and the calendar do not know, one edit from exactly one word they do, is read as that word
before anything else is matched, so two-word terms (channel type) and periods (last quarter) are
found whole. A swap of neighbouring letters is answered (and said); any other correction is asked
("did you mean …"), since a letter more or less often spells another real word (basis → basics).

Only words of five letters or more are corrected, towards words of five letters or more: shorter
words are too often one edit from each other. A word two known words are equally close to stays as
written (and the question is clarified).
"""

from __future__ import annotations

import re

MIN_LETTERS = 5
WORD = re.compile(r"[a-z]+")
# the calendar words time expressions are made of
CALENDAR = ("quarter", "quarters", "month", "months", "monthly", "weekly", "years", "yearly", "today", "yesterday",
            "january", "february", "march", "april", "june", "july", "august", "september", "october", "november",
            "december", "previous", "current", "since", "until", "average", "total", "growth", "compared", "versus",
            "running", "cumulative", "highest", "lowest", "bottom", "share", "percent", "percentage")
# English words a question is made of that are never a misspelling of a catalog word
PLAIN = ("which", "where", "there", "their", "these", "those", "what", "about", "after", "before", "between",
         "during", "under", "above", "below", "other", "every", "each", "with", "without", "their", "whose",
         "having", "show", "shows", "showing", "list", "give", "tell", "please", "could", "would", "should",
         "much", "many", "most", "least", "more", "less", "than", "over", "last", "next", "this", "that", "from",
         "into", "across", "within", "among", "along", "compare", "break", "down", "broken", "split", "trend",
         "trends", "overall", "whole", "entire", "first", "second", "third", "number", "numbers", "amount",
         "value", "values", "rate", "rates", "ratio", "change", "changes", "changed", "higher", "lower", "larger",
         "smaller", "biggest", "largest", "fewest", "smallest", "best", "worst", "ranking", "ranked", "order",
         "orders", "sorted", "descending", "ascending", "including", "excluding", "except", "only", "also")


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1:]


def known_words(catalog_terms) -> tuple[frozenset[str], frozenset[str]]:
    """(every word a question may use as written, the words a misspelling may be read as)."""
    words = {w for term in catalog_terms if term.isascii() for w in WORD.findall(term)}
    targets = frozenset(w for w in words | set(CALENDAR) if len(w) >= MIN_LETTERS)
    return frozenset(words | set(CALENDAR) | set(PLAIN)), targets


def swapped(a: str, b: str) -> bool:
    """Two neighbouring letters swapped (provnice, prodcuts): a slip of the fingers that almost never
    spells another English word, unlike a letter more or less (basis → basics, table → tablet)."""
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    return len(a) == len(b) and len(diff) == 2 and diff[1] == diff[0] + 1


def doubled(a: str, b: str) -> bool:
    """One letter of a double written once or thrice (comission, commision, proffit): the commonest
    English misspelling, and one that almost never spells another word."""
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    if len(long_) != len(short) + 1:
        return False
    return any(long_[:i] + long_[i + 1:] == short and
               (i > 0 and long_[i - 1] == long_[i] or i + 1 < len(long_) and long_[i + 1] == long_[i])
               for i in range(len(long_)))


def slip(a: str, b: str) -> bool:
    """A misspelling sure enough to answer with (said in the answer): a swap or a doubled letter."""
    return swapped(a, b) or doubled(a, b)


def correct(text: str, known: frozenset[str], targets: frozenset[str]) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with each misspelt word replaced, and the (as written, as read) pairs. Only a swap of
    neighbouring letters is sure enough to answer with; any other correction is offered for the user
    to confirm (the decision turns such an answer into a one-choice question)."""
    corrections: list[tuple[str, str]] = []

    def fix(m: re.Match) -> str:
        word = m.group()
        if len(word) < MIN_LETTERS or word in known:
            return word
        near = sorted(t for t in targets if one_edit(word, t))
        if len({t.removesuffix("s") for t in near}) != 1:  # install / installs are one word
            return word
        read = next((t for t in near if t.endswith("s") == word.endswith("s")), near[-1])
        corrections.append((word, read))
        return read

    return WORD.sub(fix, text), corrections


def homophone_slip(term: str, word: str) -> bool:
    """One character off, and that character sounds the same (杭洲 for 杭州, 离网绿 for 离网率: the
    pinyin input method's slip); 北京 is not 北仑, 退了多少件 is not 卖了多少件."""
    differ = [(a, b) for a, b in zip(term, word, strict=True) if a != b]
    if len(differ) != 1:
        return False
    from pypinyin import lazy_pinyin  # ~0.6 s, only once a one-character slip is found

    return lazy_pinyin(differ[0][0]) == lazy_pinyin(differ[0][1])
