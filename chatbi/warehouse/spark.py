"""Spark SQL as a warehouse: the compiled spark-dialect SQL runs through pyspark.

URL: ``spark+parquet:///path/to/dir`` registers every ``*.parquet`` file (or folder) there as a
table named after it; add ``?master=spark://host:7077`` to run on a cluster instead of local mode.
Spark has no read-only mode to switch on: its safety comes from the SQL guard in front of it (a
single SELECT over catalog tables) and from giving ChatBI read-only storage credentials.
"""

from __future__ import annotations

import itertools
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from chatbi.warehouse.base import DEFAULT_MAX_RESULT_BYTES, QueryResult, WarehouseError, fetch_bounded

TYPE_NAMES = {"StringType": "VARCHAR", "DateType": "DATE", "TimestampType": "TIMESTAMP", "IntegerType": "INTEGER",
              "LongType": "BIGINT", "DoubleType": "DOUBLE", "FloatType": "FLOAT", "BooleanType": "BOOLEAN",
              "ShortType": "SMALLINT", "ByteType": "TINYINT"}


class SparkWarehouse:
    dialect = "spark"

    def __init__(self, url: str):
        parsed = urlparse(url)
        self.folder = Path(parsed.path)
        if not self.folder.is_dir():
            raise WarehouseError(f"Parquet folder {self.folder} does not exist; export one with "
                                 "`chatbi warehouse export-parquet`.")
        master = parse_qs(parsed.query).get("master", ["local[2]"])[0]
        self.location = f"spark ({master}) over {self.folder}"
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise WarehouseError("Spark needs pyspark: pip install 'chatbi[spark]' (and Java 17).") from exc
        self.spark = (SparkSession.builder.master(master).appName("chatbi")
                      .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4")
                      .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        for item in sorted(self.folder.iterdir()):
            if item.suffix == ".parquet":
                self.spark.read.parquet(str(item)).createOrReplaceTempView(item.stem)
        self._lock = threading.Lock()

    def execute(self, sql: str, max_rows: int = 10_000, timeout_s: float = 30.0) -> QueryResult:
        started = time.perf_counter()
        group = f"chatbi-{uuid.uuid4().hex}"
        context = self.spark.sparkContext
        with self._lock:
            context.setJobGroup(group, "chatbi query", interruptOnCancel=True)
            timer = threading.Timer(timeout_s, context.cancelJobGroup, args=(group,))
            timer.start()
            try:
                frame = self.spark.sql(sql)
                columns = frame.columns
                taken = iter(frame.take(max_rows + 1))
                rows = fetch_bounded(lambda n: list(itertools.islice(taken, n)), max_rows,
                                     DEFAULT_MAX_RESULT_BYTES)
            except WarehouseError:
                raise
            except Exception as exc:  # py4j/analysis errors: report the first line
                if not timer.is_alive():
                    raise WarehouseError(f"The query ran longer than {timeout_s:g} s and was stopped.") from exc
                raise WarehouseError(f"Spark rejected the query: {str(exc).strip().splitlines()[0][:300]}") from exc
            finally:
                timer.cancel()
        truncated = len(rows) > max_rows
        return QueryResult(columns, rows[:max_rows], (time.perf_counter() - started) * 1000, truncated)

    def table_columns(self) -> dict[str, dict[str, str]]:
        out = {}
        for table in self.spark.catalog.listTables():
            schema = self.spark.table(table.name).schema
            out[table.name] = {f.name: TYPE_NAMES.get(type(f.dataType).__name__, f.dataType.simpleString().upper())
                               for f in schema.fields}
        return out

    def close(self) -> None:
        return None  # the session is shared by the process; stopping it is the application's call


def export_parquet(source: Path, folder: Path) -> dict[str, int]:
    """Every table of a DuckDB file as one Parquet file each (the Spark demo warehouse)."""
    import duckdb

    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    with duckdb.connect(str(source), read_only=True) as con:
        for (table,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                                    ).fetchall():
            con.execute(f"COPY \"{table}\" TO '{folder / (table + '.parquet')}' (FORMAT PARQUET)")
            counts[table] = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    return counts
