"""The verified store: interpretations and SQL an analyst approved for a question.

Nothing gets here without an analyst's explicit save; a query that merely returned rows is not
verified. Retiring keeps the row (the audit trail points at it) but stops its reuse.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from chatbi.appdb.errors import AppDBError, utcnow
from chatbi.appdb.schema import review_resolutions, verified_answers
from chatbi.pipeline.verified import VerifiedAnswer, embed_questions, normalize_question
from semantic_layer import SemanticQuery

COUNTER = "verified"


def _answer(row) -> VerifiedAnswer:
    query = SemanticQuery.model_validate(row.interpretation) if row.interpretation else None
    return VerifiedAnswer(row.id, row.question, query, row.sql or "", row.time_mode, row.as_of, row.created_by,
                          row.embedding)


class VerifiedStore:
    def __init__(self, db):
        self.db = db

    def save(self, question: str, created_by: str, as_of: dt.date, interpretation: SemanticQuery | None = None,
             sql: str = "", time_mode: str = "fixed", source_event_id: int | None = None, note: str = "",
             resolves: list[str] = ()) -> int:
        if (interpretation is None) == (not sql):
            raise AppDBError("A verified answer is either an interpretation or a SQL statement, not both or neither.")
        if not question.strip():
            raise AppDBError("A verified answer needs the question it answers.")
        vector = embed_questions([question.strip()])[0].tobytes()
        with self.db.write() as conn:
            new_id = conn.execute(sa.insert(verified_answers).values(embedding=vector,
                question=question.strip(), normalized=normalize_question(question),
                interpretation=interpretation.model_dump(mode="json") if interpretation else None, sql=sql,
                time_mode=time_mode if interpretation else "fixed", as_of=as_of, created_by=created_by,
                created_at=utcnow(), source_event_id=source_event_id, note=note)).inserted_primary_key[0]
            for key in resolves:
                conn.execute(sa.insert(review_resolutions).values(item_key=key, resolution="verified",
                                                                  verified_id=new_id, resolved_by=created_by,
                                                                  ts=utcnow()))
            self.db.bump(conn, COUNTER)
        return new_id

    def retire(self, verified_id: int, by: str) -> None:
        with self.db.write() as conn:
            if not conn.execute(sa.update(verified_answers).where(verified_answers.c.id == verified_id)
                                .values(active=False, note=sa.func.coalesce(verified_answers.c.note, "")
                                        + f" [retired by {by}]")).rowcount:
                raise AppDBError(f"There is no verified answer {verified_id}. `chatbi verified list` shows them.")
            self.db.bump(conn, COUNTER)

    def get(self, verified_id: int) -> VerifiedAnswer:
        with self.db.read() as conn:
            row = conn.execute(sa.select(verified_answers).where(verified_answers.c.id == verified_id)).first()
        if row is None:
            raise AppDBError(f"There is no verified answer {verified_id}.")
        return _answer(row)

    def active(self) -> tuple[int, list[VerifiedAnswer]]:
        """(revision, answers), oldest first so that a newer answer to the same question wins."""
        with self.db.read() as conn:
            revision = conn.execute(sa.text("SELECT value FROM app_state WHERE key = :k"), {"k": COUNTER}).scalar()
            rows = conn.execute(sa.select(verified_answers).where(verified_answers.c.active)
                                .order_by(verified_answers.c.id)).fetchall()
        return int(revision or 0), [_answer(r) for r in rows]

    def revision(self) -> int:
        return self.db.counter(COUNTER)

    def rows(self, include_retired: bool = False) -> list[dict]:
        query = sa.select(verified_answers).order_by(verified_answers.c.id.desc())
        if not include_retired:
            query = query.where(verified_answers.c.active)
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]
