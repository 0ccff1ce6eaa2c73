"""Conversation history: each person's chat turns, so the app shows them again after signing in."""

from __future__ import annotations

import sqlalchemy as sa

from chatbi.appdb.errors import utcnow
from chatbi.appdb.schema import chat_turns

KEEP_TURNS = 50  # the latest turns of a conversation shown again; older ones stay in the audit log


class ChatHistory:
    def __init__(self, db):
        self.db = db

    def add(self, user_name: str, conversation: int, question: str, answer: dict,
            event_id: int | None = None) -> int:
        with self.db.write() as conn:
            return conn.execute(sa.insert(chat_turns).values(
                user_name=user_name, conversation=conversation, ts=utcnow(), question=question, answer=answer,
                event_id=event_id)).inserted_primary_key[0]

    def current(self, user_name: str) -> int:
        """The conversation the person is in: their latest, or 1 for someone who never asked."""
        with self.db.read() as conn:
            latest = conn.execute(sa.select(sa.func.max(chat_turns.c.conversation))
                                  .where(chat_turns.c.user_name == user_name)).scalar()
        return int(latest or 1)

    def turns(self, user_name: str, conversation: int, limit: int = KEEP_TURNS) -> list[dict]:
        """The conversation's latest ``limit`` turns, oldest first: question, answer (as stored)."""
        with self.db.read() as conn:
            rows = conn.execute(sa.select(chat_turns).where(chat_turns.c.user_name == user_name,
                                                            chat_turns.c.conversation == conversation)
                                .order_by(chat_turns.c.id.desc()).limit(limit)).fetchall()
        return [dict(r._mapping) for r in reversed(rows)]

    def start(self, user_name: str) -> int:
        """A new, empty conversation after the current one (the old one stays, as in any chat app)."""
        return self.current(user_name) + (1 if self.turns(user_name, self.current(user_name), limit=1) else 0)
