"""Foundation numbers: demo warehouse build, model assembly, model load and a constrained answer."""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.registry import section

BENCH_AS_OF = date(2026, 11, 15)
BENCH_SCALE = float(__import__("os").environ.get("BENCH_SCALE", "19"))
BENCH_WAREHOUSE = Path("data") / f"bench-scale{BENCH_SCALE:g}.duckdb"


def bench_warehouse() -> tuple[Path, dict]:
    """The ≥100M-row warehouse, built once and reused while its parameters match."""
    from chatbi.demo import FACT_TABLES, build_demo_warehouse, read_metadata

    if BENCH_WAREHOUSE.is_file():
        meta = read_metadata(BENCH_WAREHOUSE)
        if meta.get("scale") == str(BENCH_SCALE) and meta.get("reference_date") == BENCH_AS_OF.isoformat():
            import duckdb

            with duckdb.connect(str(BENCH_WAREHOUSE), read_only=True) as con:
                rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in FACT_TABLES)
            return BENCH_WAREHOUSE, {"reused": True, "seconds": float(meta.get("build_seconds", "nan")),
                                     "fact_rows": rows}
    report = build_demo_warehouse(BENCH_WAREHOUSE, scale=BENCH_SCALE, as_of=BENCH_AS_OF)
    return BENCH_WAREHOUSE, {"reused": False, "seconds": round(report.seconds, 1), "fact_rows": report.fact_rows}


@section("foundation")
def foundation() -> tuple[dict, str]:
    from chatbi.demo import FACT_TABLES, build_demo_warehouse
    from chatbi.llm import bundled
    from chatbi.llm.backend import Message
    from chatbi.llm.llama import LlamaCppBackend

    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        report = build_demo_warehouse(Path(tmp) / "demo.duckdb", scale=1.0, as_of=BENCH_AS_OF)
        out["demo_scale1_seconds"] = round(report.seconds, 1)
        out["demo_scale1_fact_rows"] = report.fact_rows
        out["demo_scale1_rows"] = {t: report.row_counts[t] for t in FACT_TABLES}
        spec = bundled.BUNDLED_MODELS["qwen2.5-coder-1.5b"]
        started = time.perf_counter()
        path, _ = bundled.ensure(spec, Path(tmp) / "models")
        out["model_assembly_seconds"] = round(time.perf_counter() - started, 1)
        started = time.perf_counter()
        assert bundled.is_verified(spec, path, full=True)
        out["model_full_verify_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        backend = LlamaCppBackend(path, spec.id)
        out["model_load_seconds"] = round(time.perf_counter() - started, 2)
        system = Message("system", "Return the metric a telecom question asks for as JSON. Metrics: "
                                   "arrears_amount (欠费金额), new_subscribers (新增用户数), out_of_scope.")
        schema = {"type": "object", "properties": {"metric": {"enum": ["arrears_amount", "new_subscribers",
                                                                          "out_of_scope"]}},
                  "required": ["metric"], "additionalProperties": False}
        started = time.perf_counter()
        backend.warm([system])
        out["model_prefix_warm_seconds"] = round(time.perf_counter() - started, 2)
        latencies = []
        for q in ["近三个月的欠费金额", "本月杭州新增用户数", "how many new subscribers last month", "今天天气如何"]:
            started = time.perf_counter()
            backend.complete_json([system, Message("user", q)], schema)
            latencies.append(round((time.perf_counter() - started) * 1000))
        out["warm_json_answer_ms"] = latencies
        out["max_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        del backend
    warehouse, info = bench_warehouse()
    out["bench_warehouse"] = {"path": str(warehouse), "scale": BENCH_SCALE, **info}
    md = "\n".join([
        "| measure | value |", "|---|---|",
        f"| demo warehouse, SCALE=1: build | {out['demo_scale1_seconds']} s, {out['demo_scale1_fact_rows']:,} fact rows |",
        f"| bench warehouse, SCALE={BENCH_SCALE:g} | "
        + f"{info['seconds']} s, {info['fact_rows']:,} fact rows{' (built earlier, reused)' if info['reused'] else ''} |",
        f"| model assembly (1.5B, 1.1 GB, from chunks, with sha256) | {out['model_assembly_seconds']} s |",
        f"| full re-verification (sha256) | {out['model_full_verify_seconds']} s |",
        f"| model load | {out['model_load_seconds']} s |",
        f"| fixed prompt prefix evaluation | {out['model_prefix_warm_seconds']} s |",
        f"| warm constrained JSON answer (ms) | {', '.join(map(str, latencies))} |",
        f"| peak RSS | {out['max_rss_mb']} MB |",
    ])
    return out, md
