"""Compiled SQL vs hand-written SQL for every demo metric on the ≥100M-row warehouse (DuckDB)."""

from __future__ import annotations

import datetime as dt
import statistics
import time

import duckdb

from bench.foundation import BENCH_AS_OF, bench_warehouse
from bench.registry import section

REPEATS = 15
PERIOD = (dt.date(2025, 11, 1), dt.date(2026, 10, 31))  # the last 12 closed months


def _time(con: duckdb.DuckDBPyConnection, sql: str) -> float:
    started = time.perf_counter()
    con.execute(sql).fetchall()
    return time.perf_counter() - started


@section("semantic")
def semantic() -> tuple[dict, str]:
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog
    from metric_catalog.validate import validate_catalog
    from semantic_layer import GroupBy, SemanticQuery, TimeRange, compile_query
    from tests.reference_sql import reference_sql

    path, info = bench_warehouse()
    catalog = load_catalog()
    with duckdb.connect(str(path), read_only=True) as con:
        fact_rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'fact_%'").fetchall())
        results = {}
        for metric in sorted(catalog.visible_metrics()):
            query = SemanticQuery(metrics=[metric], group_by=[GroupBy(dimension="city")],
                                  time_range=TimeRange(start=PERIOD[0], end=PERIOD[1]))
            compiled = compile_query(catalog, query, as_of=BENCH_AS_OF).sql
            # Ordered like the compiled query, whose row order is part of its contract.
            reference = reference_sql(metric, "city", *PERIOD) + " ORDER BY 1"
            _time(con, compiled), _time(con, reference)  # warm both
            ours, theirs = [], []
            for _ in range(REPEATS):  # interleaved so drift hits both alike
                ours.append(_time(con, compiled))
                theirs.append(_time(con, reference))
            c, r = statistics.median(ours), statistics.median(theirs)
            results[metric] = {"compiled_ms": round(c * 1000, 1), "reference_ms": round(r * 1000, 1),
                               "ratio": round(c / r, 3)}
    warehouse = connect(str(path))
    report = validate_catalog(catalog, warehouse)
    warehouse.close()
    worst = max(v["ratio"] for v in results.values())
    out = {"warehouse": str(path), "fact_rows": fact_rows, "period": [str(p) for p in PERIOD],
           "repeats": REPEATS, "metrics": results, "worst_ratio": worst,
           "all_within_1_1x": all(v["ratio"] <= 1.1 for v in results.values()),
           "catalog_validation_seconds": round(report.seconds, 2), "catalog_validation_queries": report.checked_queries,
           "catalog_metrics": len(catalog.metrics), "catalog_dimensions": len(catalog.dimensions)}
    rows = "\n".join(f"| {m} | {v['compiled_ms']} | {v['reference_ms']} | {v['ratio']:.2f}× |"
                     for m, v in results.items())
    md = (f"DuckDB, {fact_rows:,} fact rows, by city over {PERIOD[0]}…{PERIOD[1]}, median of {REPEATS} interleaved "
          f"runs; both ordered by city.\n\n| metric | compiled ms | hand-written ms | ratio |\n|---|---|---|---|\n{rows}\n\n"
          f"Worst ratio {worst:.2f}× (target ≤ 1.10×). Catalog validation on this warehouse: "
          f"{report.seconds:.1f} s for {report.checked_queries} compiled queries "
          f"({len(catalog.metrics)} metrics, {len(catalog.dimensions)} dimensions).")
    return out, md
