"""The analysts' review queue: 👎 answers, refused questions many people asked (catalog gaps) and
clarifications, each grouped by normalised question and counted, newest evidence first.

An item disappears once resolved (saved as verified, dismissed, or sent to the catalog owners)
and comes back if people keep asking after that.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from chatbi.appdb.errors import AppDBError, utcnow
from chatbi.appdb.schema import events, feedback, review_resolutions

KINDS = ("thumbs_down", "refused", "clarify")
RESOLUTIONS = ("verified", "dismissed", "catalog")


@dataclass
class ReviewItem:
    key: str
    kind: str  # thumbs_down | refused | clarify
    question: str
    normalized: str
    count: int
    users: int
    last_ts: dt.datetime
    event_id: int  # the latest event, to open and correct
    reasons: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    picks: dict[str, int] = field(default_factory=dict)  # clarifications: what people chose


def _aware(ts: dt.datetime) -> dt.datetime:
    return ts if ts.tzinfo else ts.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC


class ReviewQueue:
    def __init__(self, db):
        self.db = db

    def items(self, days: int = 90, kinds: tuple[str, ...] = KINDS, min_count: int = 1) -> list[ReviewItem]:
        since = utcnow() - dt.timedelta(days=days)
        with self.db.read() as conn:
            asks = conn.execute(sa.select(events).where(events.c.ts >= since, events.c.kind == "ask")).fetchall()
            downs = conn.execute(sa.select(events, feedback.c.comment).join(feedback, feedback.c.event_id == events.c.id)
                                 .where(events.c.ts >= since, feedback.c.rating < 0)).fetchall()
            picks = conn.execute(sa.select(events.c.parent_id, events.c.interpretation)
                                 .where(events.c.ts >= since, events.c.kind == "pick")).fetchall()
            resolved = conn.execute(sa.select(review_resolutions.c.item_key, sa.func.max(review_resolutions.c.ts))
                                    .group_by(review_resolutions.c.item_key)).fetchall()
        done = {key: _aware(ts) for key, ts in resolved}
        picked: dict[int, list] = {}
        for parent, interpretation in picks:
            picked.setdefault(parent, []).append(interpretation)
        groups: dict[str, list] = {}
        if "thumbs_down" in kinds:
            for row in downs:
                groups.setdefault(f"thumbs_down:{row.normalized}", []).append(row)
        for row in asks:
            # Writes, SQL and chit-chat stopped by the guard are not catalog gaps.
            if row.status == "refused" and "refused" in kinds and row.path != "guard":
                groups.setdefault(f"refused:{row.normalized}", []).append(row)
            elif row.status == "clarify" and "clarify" in kinds:
                groups.setdefault(f"clarify:{row.normalized}", []).append(row)
        items = []
        for key, rows in groups.items():
            latest = max(rows, key=lambda r: r.id)
            if key in done and done[key] >= _aware(latest.ts):
                continue
            if len(rows) < min_count:
                continue
            kind = key.split(":", 1)[0]
            chosen = Counter(str((p or {}).get("metrics")) for r in rows for p in picked.get(r.id, []))
            items.append(ReviewItem(
                key, kind, latest.question, latest.normalized, len(rows), len({r.user_name for r in rows}),
                _aware(latest.ts), latest.id, sorted({r.reason for r in rows if r.reason}),
                [c for r in rows if (c := getattr(r, "comment", ""))][-5:], dict(chosen)))
        return sorted(items, key=lambda i: (-i.count, -i.last_ts.timestamp()))

    def resolve(self, key: str, resolution: str, by: str, note: str = "", verified_id: int | None = None) -> None:
        if resolution not in RESOLUTIONS:
            raise AppDBError(f"Resolution must be one of {', '.join(RESOLUTIONS)}.")
        if key.split(":", 1)[0] not in KINDS:
            raise AppDBError(f"{key!r} is not a review item key; `chatbi review` lists them.")
        with self.db.write() as conn:
            conn.execute(sa.insert(review_resolutions).values(item_key=key, resolution=resolution, resolved_by=by,
                                                              note=note, verified_id=verified_id, ts=utcnow()))
