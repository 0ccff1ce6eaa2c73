"""Building a demo warehouse file: into a temporary file beside the target, then an atomic rename, so a
half-built file never replaces a good one; the dataset's metadata and row counts at the end."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb


@dataclass
class BuildReport:
    path: Path
    seconds: float
    row_counts: dict[str, int]

    @property
    def fact_rows(self) -> int:
        return sum(n for t, n in self.row_counts.items() if t.startswith("fact_"))


def checked_span(scale: float, as_of: date | None, data_start: date) -> date:
    """The reference date of a build (today when not given), after checking the arguments make sense."""
    if scale <= 0:
        raise ValueError(f"SCALE must be positive, got {scale}.")
    as_of = as_of or date.today()
    if as_of < data_start:
        raise ValueError(f"as_of {as_of} is before the data starts ({data_start}).")
    return as_of


def build_atomically(path: Path, fill: Callable[[duckdb.DuckDBPyConnection], list[tuple[str, str]]]) -> BuildReport:
    """``fill(con)`` creates the tables and returns the (key, value) rows of ``meta_dataset``."""
    started = time.perf_counter()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.building")
    tmp.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute("SET enable_progress_bar = false")
            con.execute("SET preserve_insertion_order = false")  # lets large CREATE TABLE AS stream
            meta = fill(con)
            con.execute("CREATE TABLE meta_dataset (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.executemany("INSERT INTO meta_dataset VALUES (?, ?)", meta)
            counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                      for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_catalog = "
                                              "current_database() AND table_schema = 'main' ORDER BY 1").fetchall()}
            con.execute("INSERT INTO meta_dataset VALUES ('build_seconds', ?)", [f"{time.perf_counter() - started:.1f}"])
            con.execute("CHECKPOINT")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return BuildReport(path, time.perf_counter() - started, counts)
