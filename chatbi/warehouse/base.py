"""Executing SQL: a DuckDB file opened read-only, or a SQLAlchemy engine in a read-only transaction."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

# SQLAlchemy dialect names → sqlglot dialect names
SQLGLOT_DIALECT = {"postgresql": "postgres", "duckdb": "duckdb", "mysql": "mysql", "trino": "trino",
                   "clickhouse": "clickhouse", "snowflake": "snowflake", "bigquery": "bigquery",
                   "starrocks": "starrocks", "doris": "doris", "hive": "spark", "databricks": "databricks",
                   "sqlite": "sqlite", "oracle": "oracle", "mssql": "tsql"}


DEFAULT_MAX_RESULT_BYTES = 16 * 2**20
ATTACHED = "warehouse"  # the catalog name a DuckDB file is attached under
FETCH_BATCH = 256


class WarehouseError(Exception):
    """The warehouse refused or failed a statement; the message is safe to show."""


def value_bytes(value: Any) -> int:
    """A cheap upper-bound-ish size of one fetched value, nested lists and structs included."""
    if isinstance(value, str):
        return len(value) * (1 if value.isascii() else 3)
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value)
    if isinstance(value, list | tuple | set):
        return 8 + sum(value_bytes(v) for v in value)
    if isinstance(value, dict):
        return 8 + sum(value_bytes(k) + value_bytes(v) for k, v in value.items())
    return 8


def fetch_bounded(fetchmany, max_rows: int, max_bytes: int) -> list[tuple]:
    """Up to ``max_rows + 1`` rows (the extra one says "truncated"), refused past ``max_bytes``:
    a row cap alone lets one row carry a 60 MB list or string_agg."""
    rows: list[tuple] = []
    size = 0
    while len(rows) <= max_rows:
        batch = fetchmany(min(FETCH_BATCH, max_rows + 1 - len(rows)))
        if not batch:
            break
        for row in batch:
            size += sum(value_bytes(v) for v in row)
            if size > max_bytes:
                raise WarehouseError(f"The result is larger than {max_bytes / 2**20:g} MB; add filters, aggregate, "
                                     "or select fewer columns.")
        rows.extend(tuple(r) for r in batch)
    return rows


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple]
    elapsed_ms: float
    truncated: bool = False
    meta: dict[str, Any] = field(default_factory=dict)


class Warehouse(Protocol):
    dialect: str
    location: str

    def execute(self, sql: str, max_rows: int = 10_000, timeout_s: float = 30.0) -> QueryResult: ...

    def table_columns(self) -> dict[str, dict[str, str]]: ...

    def close(self) -> None: ...


class DuckDBWarehouse:
    dialect = "duckdb"

    def __init__(self, path: str | Path, memory_limit: str = "4GB", threads: int | None = None,
                 max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES):
        import duckdb

        self.path = Path(path)
        if not self.path.is_file():
            raise WarehouseError(f"DuckDB file {self.path} does not exist. Build the demo with `make demo-data` "
                                 "or point warehouse.url at your file.")
        self.location = str(self.path)
        self.max_result_bytes = max_result_bytes
        config = {
            "memory_limit": memory_limit,
            "threads": threads or os.cpu_count() or 2,
            "autoload_known_extensions": False,
            "autoinstall_known_extensions": False,
            # DuckDB 2.0's common-subplan optimiser turns a self-join of two identical filtered
            # subqueries (what row-level security makes of every self-join) with a LIMIT into a
            # plan that runs for minutes instead of milliseconds (measured: >30 s vs 0.03 s).
            "disabled_optimizers": "common_subplan",
        }
        try:
            # The file is attached read-only to a private in-memory instance rather than opened
            # directly: DuckDB shares one instance per file in a process and refuses a second
            # connection with other settings, so limits set here would break any other code of
            # the process that opens the same file.
            self._con = duckdb.connect(":memory:", config=config)
            self._con.execute(f"ATTACH {_sql_string(str(self.path))} AS {ATTACHED} (READ_ONLY)")
            self._con.execute(f"USE {ATTACHED}")
            # Defence in depth behind the SQL guard: no file, network or extension access at all,
            # and no statement may change any setting afterwards.
            self._con.execute("SET enable_external_access = false")
            self._con.execute("SET lock_configuration = true")
        except duckdb.Error as exc:
            raise WarehouseError(f"Cannot open DuckDB file {self.path}: {str(exc).splitlines()[0]}") from exc
        self._lock = threading.Lock()

    def execute(self, sql: str, max_rows: int = 10_000, timeout_s: float = 30.0) -> QueryResult:
        import duckdb

        started = time.perf_counter()
        with self._lock:  # the shared connection hands out cursors one at a time ...
            cursor = self._con.cursor()
        cursor.execute(f"USE {ATTACHED}")  # a cursor is a new connection: it starts in the memory catalog
        # ... and each cursor (its own connection to the same database) runs in parallel with others.
        # DuckDB has no statement timeout: interrupt it from a timer thread.
        timer = threading.Timer(timeout_s, cursor.interrupt)
        timer.start()
        try:
            cursor.execute(sql)
            columns = [d[0] for d in cursor.description or []]
            rows = fetch_bounded(cursor.fetchmany, max_rows, self.max_result_bytes)
        except duckdb.InterruptException as exc:
            raise WarehouseError(f"The query ran longer than {timeout_s:g} s and was stopped.") from exc
        except duckdb.Error as exc:
            raise WarehouseError(f"DuckDB rejected the query: {str(exc).splitlines()[0]}") from exc
        finally:
            timer.cancel()
            cursor.close()
        truncated = len(rows) > max_rows
        return QueryResult(columns, rows[:max_rows], (time.perf_counter() - started) * 1000, truncated)

    def table_columns(self) -> dict[str, dict[str, str]]:
        rows = self._con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                                 f"WHERE table_catalog = '{ATTACHED}' AND table_schema = 'main' "
                                 "ORDER BY table_name, ordinal_position").fetchall()
        out: dict[str, dict[str, str]] = {}
        for table, column, dtype in rows:
            out.setdefault(table, {})[column] = dtype
        return out

    def close(self) -> None:
        self._con.close()


class SQLAlchemyWarehouse:
    def __init__(self, url: str, max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES, **_engine_limits):
        import sqlalchemy

        self.max_result_bytes = max_result_bytes

        try:
            self.engine = sqlalchemy.create_engine(url, pool_pre_ping=True)
        except Exception as exc:  # bad URL or missing driver
            raise WarehouseError(f"Cannot use warehouse URL {redact_url(url)}: {exc}") from exc
        name = self.engine.dialect.name
        self.dialect = SQLGLOT_DIALECT.get(name, name)
        self.location = redact_url(url)

    def execute(self, sql: str, max_rows: int = 10_000, timeout_s: float = 30.0) -> QueryResult:
        import sqlalchemy

        started = time.perf_counter()
        try:
            with self.engine.connect() as conn:
                if self.dialect == "postgres":
                    # Read-only transaction plus a server-side timeout, on top of a read-only role.
                    conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                    conn.exec_driver_sql(f"SET LOCAL statement_timeout = {int(timeout_s * 1000)}")
                result = conn.exec_driver_sql(sql)
                columns = list(result.keys())
                rows = fetch_bounded(result.fetchmany, max_rows, self.max_result_bytes)
                conn.rollback()
        except sqlalchemy.exc.DBAPIError as exc:
            message = str(exc.orig).splitlines()[0] if exc.orig else str(exc)
            if "statement timeout" in message:
                raise WarehouseError(f"The query ran longer than {timeout_s:g} s and was stopped.") from exc
            raise WarehouseError(f"The warehouse rejected the query: {message}") from exc
        truncated = len(rows) > max_rows
        return QueryResult(columns, rows[:max_rows], (time.perf_counter() - started) * 1000, truncated)

    def table_columns(self) -> dict[str, dict[str, str]]:
        import sqlalchemy

        inspector = sqlalchemy.inspect(self.engine)
        return {t: {c["name"]: str(c["type"]) for c in inspector.get_columns(t)} for t in inspector.get_table_names()}

    def close(self) -> None:
        self.engine.dispose()


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def redact_url(url: str) -> str:
    """A URL safe to show and log: user and password replaced by ***."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        return f"{scheme}://***@{rest.rsplit('@', 1)[1]}"
    return url
