"""Whether what is left of a question after the matcher agrees with a metric the model or retrieval
chose: its leftover words echo the metric's own names, and a counter said of it (多少件) is one
the metric counts in."""

from __future__ import annotations

from chatbi.pipeline.question_words import MEASURE_WORDS
from chatbi.pipeline.vocabulary import Vocabulary
from metric_catalog.model import Catalog

MONEY = ("元", "块")


def counts_with(vocab: Vocabulary, metric: str | None, word: str) -> bool:
    """件 counts 报案件数 and 台 the handsets sold; of 平均结案天数 (days) or an amount it says another
    metric, and 元 counts only money."""
    units = vocab.units.get(metric, set())
    if word in units:
        return True
    counted = metric in vocab.counts or any(u in MEASURE_WORDS and u not in MONEY for u in units)
    return counted and word not in MONEY


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
        if len(token) == 1 and not token.isascii() and (
                counts_with(vocab, metric, token) if token in MEASURE_WORDS else token in chars):
            continue  # measure words the metric counts in (部, 台); a 跌 or 含 says something the reading may not
        if token.isascii():
            stem = token.rstrip("s")
            if not any(w.startswith(stem[:4]) for w in words if len(stem) >= 3):
                return False
        elif sum(ch in chars for ch in token) * 2 < len(token):
            return False
    return True
