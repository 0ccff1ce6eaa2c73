"""Copy the demo warehouse from its DuckDB file into another database (PostgreSQL) for testing."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import duckdb

# DuckDB type → PostgreSQL type
PG_TYPES = {"VARCHAR": "TEXT", "INTEGER": "INTEGER", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE PRECISION",
            "DATE": "DATE", "BOOLEAN": "BOOLEAN", "HUGEINT": "NUMERIC",
            "TIMESTAMP": "TIMESTAMP"}


def _pg_type(duck_type: str) -> str:
    if duck_type.startswith("DECIMAL"):
        return duck_type.replace("DECIMAL", "NUMERIC")
    return PG_TYPES.get(duck_type, "TEXT")


def load_demo_into_postgres(source: Path, url: str, on_table: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Recreate every table of ``source`` in the PostgreSQL database at ``url`` (psycopg URL)."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    counts: dict[str, int] = {}
    with duckdb.connect(str(source), read_only=True) as duck, psycopg.connect(dsn, autocommit=False) as pg:
        tables = [t for (t,) in duck.execute("SELECT table_name FROM information_schema.tables WHERE "
                                             "table_schema = 'main' ORDER BY 1").fetchall()]
        for table in tables:
            columns = duck.execute("SELECT column_name, data_type FROM information_schema.columns "
                                   "WHERE table_name = ? ORDER BY ordinal_position", [table]).fetchall()
            ddl = ", ".join(f'"{c}" {_pg_type(t)}' for c, t in columns)
            with pg.cursor() as cur:
                cur.execute(f'DROP TABLE IF EXISTS "{table}"')
                cur.execute(f'CREATE TABLE "{table}" ({ddl})')
                with tempfile.TemporaryDirectory() as tmp:
                    csv_path = Path(tmp) / f"{table}.csv"
                    duck.execute(f"COPY \"{table}\" TO '{csv_path}' (FORMAT CSV, HEADER false)")
                    with cur.copy(f'COPY "{table}" FROM STDIN (FORMAT CSV)') as copy, csv_path.open("rb") as fh:
                        while block := fh.read(1 << 20):
                            copy.write(block)
                count = duck.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
                counts[table] = count
            pg.commit()
            if on_table:
                on_table(table, count)
        with pg.cursor() as cur:
            cur.execute("ANALYZE")
        pg.commit()
    return counts
