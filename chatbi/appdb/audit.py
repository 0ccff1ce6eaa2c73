"""The audit trail: who asked or ran what, how it was answered, how long it took.

Recorded: question, path, interpretation, SQL, row count, status, latency, model id. Never
recorded: result rows, passwords, tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from chatbi.appdb.errors import utcnow
from chatbi.appdb.schema import events


@dataclass
class Event:
    user_name: str
    role: str
    kind: str  # ask | pick | run | sql | draft | dashboard
    status: str
    question: str = ""
    normalized: str = ""
    path: str = ""
    reason: str = ""
    interpretation: dict | None = None
    candidates: list | None = None
    sql: str = ""
    row_count: int | None = None
    latency_ms: float = 0.0
    model_id: str = ""
    client: str = ""
    parent_id: int | None = None
    as_of: dt.date | None = None


class AuditLog:
    def __init__(self, db):
        self.db = db

    def record(self, event: Event) -> int:
        values = {k: v for k, v in event.__dict__.items()}
        values["latency_ms"] = round(float(values["latency_ms"]), 1)
        with self.db.write() as conn:
            return conn.execute(sa.insert(events).values(ts=utcnow(), **values)).inserted_primary_key[0]

    def get(self, event_id: int) -> dict | None:
        with self.db.read() as conn:
            row = conn.execute(sa.select(events).where(events.c.id == event_id)).first()
        return dict(row._mapping) if row else None

    def list(self, since: dt.datetime | None = None, user: str | None = None, kinds: list[str] | None = None,
             limit: int = 1000) -> list[dict]:
        query = sa.select(events).order_by(events.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(events.c.ts >= since)
        if user:
            query = query.where(events.c.user_name == user)
        if kinds:
            query = query.where(events.c.kind.in_(kinds))
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar())
