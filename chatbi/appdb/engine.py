"""Opening the application database and bringing its schema up to date with alembic."""

from __future__ import annotations

import contextlib
import fcntl
import re
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import sqlalchemy as sa

from chatbi.appdb import schema
from chatbi.appdb.errors import AppDBError
from chatbi.warehouse.base import redact_url

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_engine(url: sa.URL) -> sa.Engine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @sa.event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's begin below decides transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        cursor.execute("PRAGMA synchronous=FULL")  # a committed feedback survives kill -9 and power loss
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):
        # Take the write lock up front: a deferred transaction that reads, then writes, can fail
        # at once with "database is locked" under concurrent writers instead of waiting.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


class AppDB:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    @classmethod
    def open(cls, url: str, migrate: bool = True) -> AppDB:
        try:
            parsed = sa.make_url(url)
            engine = _sqlite_engine(parsed) if parsed.get_backend_name() == "sqlite" else sa.create_engine(
                parsed, pool_pre_ping=True, pool_size=10, max_overflow=40)
        except Exception as exc:  # a malformed URL or a missing driver
            raise AppDBError(f"Cannot use app_db.url {redact_url(url)}: {exc}. Set app_db.url to a SQLAlchemy URL, "
                             "e.g. sqlite:///data/chatbi-app.sqlite or postgresql+psycopg://user@host/chatbi.") from exc
        db = cls(engine)
        if migrate:
            db.migrate()
        return db

    @property
    def url(self) -> str:
        return redact_url(self.engine.url.render_as_string(hide_password=True))

    @contextlib.contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One transaction; committed on exit, rolled back on error."""
        with self.engine.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            yield conn

    # -- schema ---------------------------------------------------------------------------------
    def _alembic_config(self, conn: sa.Connection):
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        cfg.attributes["connection"] = conn
        return cfg

    def revision(self) -> str | None:
        """The schema's revision, read with plain SQL: importing alembic costs ~0.4 s of every start."""
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("SELECT version_num FROM alembic_version").fetchall()
        except sa.exc.DBAPIError:  # no version table yet: a new database
            return None
        return rows[0][0] if len(rows) == 1 else None

    def head(self) -> str:
        """The newest migration: each file of versions/ names its ``revision`` and ``down_revision``."""
        revisions, parents = {}, set()
        for path in (MIGRATIONS / "versions").glob("*.py"):
            text = path.read_text(encoding="utf-8")
            rev = re.search(r'^revision\s*=\s*["\']([^"\']+)', text, re.M)
            down = re.search(r'^down_revision\s*=\s*["\']([^"\']+)', text, re.M)
            if rev:
                revisions[rev.group(1)] = path
            if down:
                parents.add(down.group(1))
        heads = sorted(set(revisions) - parents)
        if len(heads) != 1:
            raise AppDBError(f"The app database migrations have {len(heads)} heads; expected one.")
        return heads[0]

    def migrate(self) -> None:
        """Upgrade to the newest schema; several processes starting at once migrate only once."""
        if self.revision() == self.head():
            return
        from alembic import command

        with self._migration_lock(), self.engine.begin() as conn:
            command.upgrade(self._alembic_config(conn), "head")

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            with open(f"{self.engine.url.database}.migrate.lock", "w") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                yield
        elif self.engine.dialect.name == "postgresql":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT pg_advisory_lock(727274)")  # arbitrary, ChatBI's own
                try:
                    yield
                finally:
                    conn.exec_driver_sql("SELECT pg_advisory_unlock(727274)")
                    conn.commit()
        else:
            yield

    # -- counters other servers poll --------------------------------------------------------------
    def bump(self, conn: sa.Connection, key: str) -> None:
        updated = conn.execute(sa.update(schema.app_state).where(schema.app_state.c.key == key)
                               .values(value=schema.app_state.c.value + 1)).rowcount
        if not updated:
            conn.execute(sa.insert(schema.app_state).values(key=key, value=1))

    def counter(self, key: str) -> int:
        with self.read() as conn:
            value = conn.execute(sa.select(schema.app_state.c.value).where(schema.app_state.c.key == key)).scalar()
        return int(value or 0)

    # -- the stores -------------------------------------------------------------------------------
    @cached_property
    def users(self):
        from chatbi.appdb.users import Users

        return Users(self)

    @cached_property
    def audit(self):
        from chatbi.appdb.audit import AuditLog

        return AuditLog(self)

    @cached_property
    def feedback(self):
        from chatbi.appdb.feedback import Feedback

        return Feedback(self)

    @cached_property
    def verified(self):
        from chatbi.appdb.verified import VerifiedStore

        return VerifiedStore(self)

    @cached_property
    def review(self):
        from chatbi.appdb.review import ReviewQueue

        return ReviewQueue(self)

    @cached_property
    def dashboards(self):
        from chatbi.appdb.dashboards import Dashboards

        return Dashboards(self)

    @cached_property
    def history(self):
        from chatbi.appdb.history import ChatHistory

        return ChatHistory(self)

    def close(self) -> None:
        self.engine.dispose()

