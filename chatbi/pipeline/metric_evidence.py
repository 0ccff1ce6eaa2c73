"""Whether what is left of a question after the matcher agrees with a metric the model or retrieval
chose: its leftover words echo the metric's own names, and a counter said of it (多少件) is one
the metric counts in."""

from __future__ import annotations

import dataclasses

from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import MEASURE_WORDS
from chatbi.pipeline.vocabulary import Vocabulary
from metric_catalog import graph
from metric_catalog.model import Catalog

MONEY = ("元", "块")
# counters said of the same things (一台 / 一部 手机; 一件 / 一票 / 一单 货): a question's counter agrees
# with a metric counted in its kin, never in another (派了多少件: parcels, not the 次 of attempts)
KIN = ({"台", "部"}, {"件", "票", "单", "份"}, {"个", "家"}, {"位", "名", "人"}, {"张", "份"}, {"笔", "单"})


def counts_with(vocab: Vocabulary, metric: str | None, word: str) -> bool:
    """件 counts 报案件数 and 部 the handsets sold (台); of 平均结案天数 (days), of 派送次数 (次) or of an
    amount it says another metric, and 元 counts only money."""
    units = vocab.units.get(metric, set())
    if word in units or any(word in kin and units & kin for kin in KIN):
        return True
    # a count whose unit is no counter ("parcels"): any counter of things
    return metric in vocab.counts and word not in MONEY and not any(u in MEASURE_WORDS for u in units)


def supported(catalog: Catalog, vocab: Vocabulary, metric: str, residual: list[str]) -> bool:
    """A paraphrase is taken only if its words echo the metric's own vocabulary.

    The model and retrieval can agree on a near-sounding metric for a question about
    something else (终端库存 → 终端销量); requiring every leftover word to share most of its
    characters (or, in English, its stem) with the metric's names and synonyms keeps them honest.
    """
    spec = catalog.metrics[metric]
    vocabulary = " ".join([spec.name.zh, spec.name.en, *spec.synonyms]).lower()
    chars = set(vocabulary)
    words = set(vocabulary.replace("/", " ").split())
    for token in residual:
        if token in MEASURE_WORDS:  # a counter the metric counts in (部 of 台); 件 of attempts (次) is another
            if counts_with(vocab, metric, token):
                continue
            return False
        if len(token) == 1 and not token.isascii() and token in chars:
            continue  # one character of its names; a 跌 or 含 says something the reading may not
        if token.isascii():
            stem = token.rstrip("s")
            if not any(w.startswith(stem[:4]) for w in words if len(stem) >= 3):
                return False
        elif sum(ch in chars for ch in token) * 2 < len(token):
            return False
    return True


def metric_words_not_values(catalog: Catalog, match: Match, metric: str) -> Match:
    """签收了多少件: 签收 is a value of the attempt result, and the start of 签收件数. Of a metric that
    cannot be filtered by that dimension, the word is the metric's own, not a filter on it."""
    spec = catalog.metrics[metric]
    names = [n.lower() for n in (spec.name.zh, spec.name.en, *spec.synonyms)]
    allowed = set(graph.allowed_dimensions(catalog, metric))
    dropped = [d for d, values in match.filters.items() if d not in allowed and all(
        any(n.startswith(word.lower()) for n in names for word in [v, *catalog.dimensions[d].values.get(v, [])])
        for v in values)]
    if not dropped:
        return match
    return dataclasses.replace(match, filters={d: v for d, v in match.filters.items() if d not in dropped})
