"""👍/👎 with an optional comment, on an answer the user was shown (an audit event)."""

from __future__ import annotations

import sqlalchemy as sa

from chatbi.appdb.errors import AppDBError, utcnow
from chatbi.appdb.schema import events, feedback

MAX_COMMENT = 2000


class Feedback:
    def __init__(self, db):
        self.db = db

    def rate(self, event_id: int, user_name: str, rating: int, comment: str = "") -> int:
        if rating not in (1, -1):
            raise AppDBError("A rating is 1 (👍) or -1 (👎).")
        if len(comment) > MAX_COMMENT:
            raise AppDBError(f"The comment is {len(comment)} characters; keep it under {MAX_COMMENT}.")
        with self.db.write() as conn:
            owner = conn.execute(sa.select(events.c.user_name).where(events.c.id == event_id)).scalar()
            if owner is None:
                raise AppDBError(f"There is no answer {event_id} to rate.")
            if owner != user_name:
                raise AppDBError("You can only rate answers you were given.")
            # One rating per person and answer: a comment after the 👎, or a change of mind, updates it
            # (the review queue counts people, and one 👎 with a comment had counted as two).
            mine = sa.and_(feedback.c.event_id == event_id, feedback.c.user_name == user_name)
            existing = conn.execute(sa.select(feedback.c.id, feedback.c.comment).where(mine)
                                    .order_by(feedback.c.id)).first()
            if existing is None:
                return conn.execute(sa.insert(feedback).values(event_id=event_id, user_name=user_name, rating=rating,
                                                               comment=comment.strip(), ts=utcnow())).inserted_primary_key[0]
            kept = comment.strip() or (existing.comment if rating == -1 else "")
            conn.execute(sa.update(feedback).where(feedback.c.id == existing.id)
                         .values(rating=rating, comment=kept, ts=utcnow()))
            return existing.id

    def for_event(self, event_id: int) -> list[dict]:
        with self.db.read() as conn:
            return [dict(r._mapping) for r in conn.execute(
                sa.select(feedback).where(feedback.c.event_id == event_id).order_by(feedback.c.id))]

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(feedback)).scalar())
