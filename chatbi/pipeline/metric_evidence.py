"""Whether what is left of a question after the matcher agrees with a metric the model or retrieval
chose: its leftover words echo the metric's own names, and a counter said of it (多少件) is one
the metric counts in."""

from __future__ import annotations

import dataclasses
import re

from chatbi.pipeline.leftover_words import balance_end
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import MEASURE_WORDS
from chatbi.pipeline.term_search import Hit
from chatbi.pipeline.value_words import counts_with
from chatbi.pipeline.vocabulary import Vocabulary
from chatbi.pipeline.word_families import noun_start
from metric_catalog import graph
from metric_catalog.model import Catalog


def supported(catalog: Catalog, vocab: Vocabulary, metric: str, residual: list[str], text: str = "") -> bool:
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
        if vocab.metric_terms.get(token, {metric}) - {metric}:
            return False  # 有效客户的AUM: a word naming another metric is no echo of this one
        counter = token[0] if len(token) == 2 and token[1] in "数量" and token[0] in MEASURE_WORDS else token
        if counter in MEASURE_WORDS:  # a counter the metric counts in (部 of 台); 件 of attempts (次) is another
            if counts_with(vocab, metric, counter):  # 人数 too: 刷卡的人数 counts people, not 消费笔数
                continue
            return False
        if spec.format == "percent" and not token.isascii() and re.search(re.escape(token) + r"(?:数|量)", text):
            return False  # 开房数 asks a count: 开房率 (the rate) shares its words, not its question
        if len(token) == 1 and not token.isascii() and token in chars:
            continue  # one character of its names; a 跌 or 含 says something the reading may not
        if len(token) > 1 and token not in vocabulary and token in spec.description.zh + spec.description.en.lower():
            return False  # 拒赔的赔案数: the definition speaks of 拒赔 (含未决、拒赔…): a part of it, asked alone
        if token.isascii():
            stem, noun = token.rstrip("s"), noun_start(token)
            if not any(w.startswith(stem[:4]) for w in words if len(stem) >= 3) \
                    and not (noun and any(w.startswith(noun) for w in words)):  # "did we sell": sales
                return False
        elif sum(ch in chars for ch in token) * 2 < len(token) or _names_a_dimension(catalog, token, vocabulary):
            return False
    return True


def _names_a_dimension(catalog: Catalog, token: str, metric_vocabulary: str) -> bool:
    """产品类型 said of 财富产品销售额: 类型 is in a dimension's names and none of the metric's, so the
    word asks for a breakdown the metric alone does not give."""
    names = " ".join(t for d in catalog.dimensions.values() for t in (d.name.zh, *d.synonyms)).lower()
    return any(token[i:i + 2] in names and token[i:i + 2] not in metric_vocabulary for i in range(len(token) - 1))


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


def narrowest(catalog: Catalog, metrics: set[str]) -> set[str]:
    """The metrics a shared word may mean, less those that only qualify another of them: 宽带 said
    alone is 宽带新装量, not also 千兆宽带新装量 (whose name holds the other's whole). Names only,
    never synonyms: 客房营业收入 holding 营业收入 (a synonym of 总收入) does not make 收入 said alone the
    total (asked: room, F&B, other or total revenue)."""
    def names(m: str) -> list[str]:
        spec = catalog.metrics[m]
        return [n for n in (spec.name.zh,) if n and not n.isascii()]

    return {m for m in metrics if not any(
        o != m and any(len(n1) >= 2 and n1 in n2 and n1 != n2 for n2 in names(m) for n1 in names(o)) for o in metrics)}


def words_besides_end(vocab: Vocabulary, match: Match, metric: str, as_of) -> list[str]:
    """The words left but the period end said of a balance the model read (上月末…余额: 末)."""
    said = [Hit("metric", "", 0, 0, {metric})]
    return [w for w in match.residual if not balance_end(w, said, match.time, vocab, as_of, match.grain)]


def splits_as_asked(catalog: Catalog, metric: str, match: Match) -> bool:
    """Can the metric be broken down and filtered as the question says? 各贷款品种余额: of the
    metrics 余额 is in, only the loan balances have a loan type."""
    allowed = set(graph.allowed_dimensions(catalog, metric))
    return all(d in allowed for d in [*match.group_by, *match.filters])


def joined_words(words: list[str], text: str) -> list[str]:
    """Single characters the segmenter cut from one word, joined back where the question says them
    together (间 + 夜 of 各酒店的间夜): a word several metrics share is then seen as one."""
    out: list[str] = []
    for word in words:
        if out and len(word) == 1 and not word.isascii() and not out[-1].isascii() and len(out[-1]) < 4 \
                and all(len(c) == 1 for c in out[-1]) and out[-1] + word in text:
            out[-1] += word
        else:
            out.append(word)
    return out
