"""Values a word the catalog does not know may have meant: 杭洲 (杭州 with one character typed by
its sound), hz or hangzhou (the pinyin of 杭州 and 湖州). The question is asked back with those
values, never answered for the whole company as if the word were not there."""

from __future__ import annotations

from chatbi.pipeline import typos
from chatbi.pipeline.vocabulary import Vocabulary

MAX_OPTIONS = 3


def close_values(vocabulary: Vocabulary, word: str) -> list[tuple[str, str]]:
    """(dimension, value) pairs ``word`` may stand for, in a stable order; [] when none is close.
    Only dimensions with a curated value dictionary (地市, 渠道类型): live values such as staff
    names are too many for a sound-alike to mean one of them."""
    word = word.strip().lower()
    if len(word) < 2:
        return []
    found: set[tuple[str, str]] = set()
    if word.isascii():
        if word.isalpha():
            for term in _pinyin_index(vocabulary).get(word, ()):
                found.update(vocabulary.value_terms[term])
    else:
        for term, readings in vocabulary.value_terms.items():
            if (len(term) == len(word) and not term.isascii() and typos.homophone_slip(term, word)
                    and any(vocabulary.dimension_values.get(dim) for dim, _ in readings)):
                found.update(readings)
    curated = sorted((dim, value) for dim, value in found if vocabulary.dimension_values.get(dim))
    return curated[:MAX_OPTIONS]


def warm(vocabulary: Vocabulary) -> None:
    """Build the pinyin index now (~0.6 s with pypinyin's import) for a long-lived process."""
    _pinyin_index(vocabulary)


def _pinyin_index(vocabulary: Vocabulary) -> dict[str, set[str]]:
    """Full pinyin and initials of every Chinese word of a curated value, built once per vocabulary
    (pypinyin loads in ~0.6 s: only for a Latin word the catalog does not know). Live values (store,
    customer names: 20,000 of them took 4 s) are left out, as close_values never offers them."""
    cached = vocabulary.__dict__.get("_pinyin_index")
    if cached is not None:
        return cached
    from pypinyin import lazy_pinyin

    index: dict[str, set[str]] = {}
    for term, readings in vocabulary.value_terms.items():
        if term.isascii() or not any(vocabulary.dimension_values.get(dim) for dim, _ in readings):
            continue
        syllables = lazy_pinyin(term, errors="ignore")
        if not syllables:
            continue
        for key in ("".join(syllables), "".join(s[0] for s in syllables)):
            index.setdefault(key, set()).add(term)
    vocabulary.__dict__["_pinyin_index"] = index
    return index
