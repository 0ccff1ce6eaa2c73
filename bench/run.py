"""`make bench`: run the benchmark sections, write bench/results/<section>.json and SUMMARY.md.

Select sections with BENCH=foundation,semantic (default: all). Each section returns a dict of
numbers plus a markdown fragment; results are the measurements of this machine, this run.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.registry import SECTIONS

RESULTS = Path(__file__).parent / "results"


def machine() -> dict:
    return {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
            "when": datetime.now(UTC).isoformat(timespec="seconds")}


def write_summary() -> Path:
    lines = ["# Benchmark results", "", "Numbers from `make bench` on the machine named in each section.", ""]
    for path in sorted(RESULTS.glob("*.json")):
        data = json.loads(path.read_text())
        lines += [f"## {path.stem}", "", f"_{data['machine']['when']}, {data['machine']['cpus']} cores, "
                  f"Python {data['machine']['python']}_", "", data["markdown"], ""]
    out = RESULTS / "SUMMARY.md"
    out.write_text("\n".join(lines))
    return out


def main() -> int:
    import bench.foundation  # noqa: F401  (registers sections)

    for module in ("bench.semantic", "bench.pipeline", "bench.retail", "bench.blind", "bench.onboarding", "bench.model_path", "bench.vanna", "bench.verified",
                   "bench.api"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    wanted = [s for s in os.environ.get("BENCH", "").split(",") if s] or list(SECTIONS)
    unknown = set(wanted) - set(SECTIONS)
    if unknown:
        print(f"unknown BENCH section(s): {', '.join(sorted(unknown))}; known: {', '.join(SECTIONS)}")
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    for name in wanted:
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        numbers, markdown = SECTIONS[name]()
        numbers["section_seconds"] = round(time.perf_counter() - started, 1)
        (RESULTS / f"{name}.json").write_text(json.dumps(
            {"machine": machine(), "results": numbers, "markdown": markdown}, ensure_ascii=False, indent=2))
        print(markdown, flush=True)
    print(f"summary: {write_summary()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
