"""Dashboards: tiles (typed interpretations) pinned from answers, dashboard-wide filters, sharing."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from chatbi.appdb.errors import AppDBError, utcnow
from chatbi.appdb.schema import dashboard_tiles, dashboards
from semantic_layer import SemanticQuery

FILTER_KEYS = ("city", "channel_type", "period")


@dataclass
class Tile:
    id: int
    title: str
    query: SemanticQuery
    question: str = ""
    position: int = 0
    width: int = 1
    period: str = ""  # a period code that moves with the data; "" keeps the pinned dates


@dataclass
class Dashboard:
    id: int
    name: str
    owner: str
    shared_roles: list[str]
    filters: dict
    tiles: list[Tile] = field(default_factory=list)

    def visible_to(self, user_name: str, role: str) -> bool:
        return self.owner == user_name or role in self.shared_roles or role == "admin"


def _check_filters(filters: dict) -> dict:
    unknown = set(filters) - set(FILTER_KEYS)
    if unknown:
        raise AppDBError(f"Dashboard filters can be {', '.join(FILTER_KEYS)}; not {', '.join(sorted(unknown))}.")
    return {k: v for k, v in filters.items() if v not in (None, "", [])}


class Dashboards:
    def __init__(self, db):
        self.db = db

    def create(self, name: str, owner: str, shared_roles: list[str] = (), filters: dict | None = None) -> int:
        if not name.strip():
            raise AppDBError("A dashboard needs a name.")
        now = utcnow()
        with self.db.write() as conn:
            return conn.execute(sa.insert(dashboards).values(
                name=name.strip(), owner=owner, shared_roles=list(shared_roles), filters=_check_filters(filters or {}),
                created_at=now, updated_at=now)).inserted_primary_key[0]

    def pin(self, dashboard_id: int, title: str, query: SemanticQuery, question: str = "", width: int = 1,
            period: str = "") -> int:
        with self.db.write() as conn:
            position = conn.execute(sa.select(sa.func.coalesce(sa.func.max(dashboard_tiles.c.position), -1))
                                    .where(dashboard_tiles.c.dashboard_id == dashboard_id)).scalar()
            if conn.execute(sa.select(dashboards.c.id).where(dashboards.c.id == dashboard_id)).first() is None:
                raise AppDBError(f"There is no dashboard {dashboard_id}.")
            tile_id = conn.execute(sa.insert(dashboard_tiles).values(
                dashboard_id=dashboard_id, title=title or question or ", ".join(query.metrics),
                interpretation=query.model_dump(mode="json"), question=question, position=position + 1,
                width=width if width in (1, 2) else 1, period=period)).inserted_primary_key[0]
            conn.execute(sa.update(dashboards).where(dashboards.c.id == dashboard_id).values(updated_at=utcnow()))
        return tile_id

    def get(self, dashboard_id: int) -> Dashboard:
        with self.db.read() as conn:
            row = conn.execute(sa.select(dashboards).where(dashboards.c.id == dashboard_id)).first()
            if row is None:
                raise AppDBError(f"There is no dashboard {dashboard_id}.")
            tiles = conn.execute(sa.select(dashboard_tiles).where(dashboard_tiles.c.dashboard_id == dashboard_id)
                                 .order_by(dashboard_tiles.c.position, dashboard_tiles.c.id)).fetchall()
        return Dashboard(row.id, row.name, row.owner, list(row.shared_roles), dict(row.filters),
                         [Tile(t.id, t.title, SemanticQuery.model_validate(t.interpretation), t.question, t.position,
                               t.width, t.period) for t in tiles])

    def list_for(self, user_name: str, role: str) -> list[Dashboard]:
        with self.db.read() as conn:
            ids = [r.id for r in conn.execute(sa.select(dashboards.c.id).order_by(dashboards.c.id))]
        return [d for d in (self.get(i) for i in ids) if d.visible_to(user_name, role)]

    def find(self, name: str) -> Dashboard | None:
        with self.db.read() as conn:
            found = conn.execute(sa.select(dashboards.c.id).where(dashboards.c.name == name)).scalar()
        return self.get(found) if found is not None else None

    def update(self, dashboard_id: int, name: str | None = None, shared_roles: list[str] | None = None,
               filters: dict | None = None) -> None:
        values: dict = {"updated_at": utcnow()}
        if name is not None:
            values["name"] = name
        if shared_roles is not None:
            values["shared_roles"] = list(shared_roles)
        if filters is not None:
            values["filters"] = _check_filters(filters)
        with self.db.write() as conn:
            if not conn.execute(sa.update(dashboards).where(dashboards.c.id == dashboard_id).values(**values)).rowcount:
                raise AppDBError(f"There is no dashboard {dashboard_id}.")

    def arrange(self, dashboard_id: int, tile_ids: list[int], widths: dict[int, int] | None = None) -> None:
        """New order of the tiles (and optionally widths); tiles not listed are removed."""
        with self.db.write() as conn:
            current = {r.id for r in conn.execute(sa.select(dashboard_tiles.c.id)
                                                  .where(dashboard_tiles.c.dashboard_id == dashboard_id))}
            stray = set(tile_ids) - current
            if stray:
                raise AppDBError(f"Tiles {sorted(stray)} are not on dashboard {dashboard_id}.")
            for gone in current - set(tile_ids):
                conn.execute(sa.delete(dashboard_tiles).where(dashboard_tiles.c.id == gone))
            for position, tile_id in enumerate(tile_ids):
                values = {"position": position}
                if widths and tile_id in widths:
                    values["width"] = widths[tile_id] if widths[tile_id] in (1, 2) else 1
                conn.execute(sa.update(dashboard_tiles).where(dashboard_tiles.c.id == tile_id).values(**values))
            conn.execute(sa.update(dashboards).where(dashboards.c.id == dashboard_id).values(updated_at=utcnow()))

    def delete(self, dashboard_id: int) -> None:
        with self.db.write() as conn:
            conn.execute(sa.delete(dashboard_tiles).where(dashboard_tiles.c.dashboard_id == dashboard_id))
            conn.execute(sa.delete(dashboards).where(dashboards.c.id == dashboard_id))
