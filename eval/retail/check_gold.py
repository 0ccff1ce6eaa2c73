"""Run every gold SQL of the retail question sets on the retail warehouse and check the files' shape.

    .venv/bin/chatbi demo build --domain retail --as-of 2026-11-15 --output data/retail.duckdb
    .venv/bin/python eval/retail/check_gold.py [--database data/retail.duckdb] [-v]

Exits non-zero when a query fails or returns no row, or a file breaks the set's rules (case format,
shapes, at least 20% must-refuse and 10% must-clarify, exactly 50 cases in each holdout file, the warehouse's
reference date equal to the files' as_of).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

import duckdb
import yaml

HERE = Path(__file__).resolve().parent
SHAPES = ["total", "breakdown", "grain", "threshold", "topn", "topn_per_group", "cumulative", "share", "growth",
          "growth_threshold", "average", "vs_average", "listing", "multi_metric"]
EXPECTS = {"refused", "clarify"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(path: Path) -> tuple[date, list[dict]]:
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return doc["as_of"], doc["cases"]


def lint(name: str, cases: list[dict]) -> list[str]:
    problems = []
    for i, case in enumerate(cases, start=1):
        where = f"{name} case {i} ({case.get('q', '?')!r})"
        keys = set(case)
        if not isinstance(case.get("q"), str) or not case["q"].strip():
            problems.append(f"{where}: no question")
        if "expect" in case:
            if case["expect"] not in EXPECTS or keys - {"q", "expect"}:
                problems.append(f"{where}: expect must be refused|clarify, with no sql or shape")
        elif keys != {"q", "shape", "sql"}:
            problems.append(f"{where}: an answered case has exactly q, shape and sql (has {sorted(keys)})")
        elif case["shape"] not in SHAPES:
            problems.append(f"{where}: unknown shape {case['shape']!r}")
    questions = [c.get("q") for c in cases]
    for q, n in Counter(questions).items():
        if n > 1:
            problems.append(f"{name}: question {q!r} appears {n} times")
    n = len(cases)
    refused = sum(c.get("expect") == "refused" for c in cases)
    clarify = sum(c.get("expect") == "clarify" for c in cases)
    if refused < 0.2 * n:
        problems.append(f"{name}: {refused}/{n} must-refuse cases, fewer than 20%")
    if clarify < 0.1 * n:
        problems.append(f"{name}: {clarify}/{n} must-clarify cases, fewer than 10%")
    return problems


def summary(name: str, cases: list[dict]) -> str:
    shapes = Counter(c["shape"] for c in cases if "shape" in c)
    expects = Counter(c["expect"] for c in cases if "expect" in c)
    zh = sum(bool(CJK.search(c["q"])) for c in cases)
    lines = [f"{name}: {len(cases)} cases — {sum(shapes.values())} answered, {expects['refused']} refused, "
             f"{expects['clarify']} clarify; {zh} Chinese ({zh / len(cases):.0%}), {len(cases) - zh} English"]
    lines.append("  " + ", ".join(f"{s} {shapes[s]}" for s in SHAPES))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", default="data/retail.duckdb")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every query's row count and first row")
    args = parser.parse_args()
    # Every held-out set (holdout.yaml, holdout_2.yaml, …) follows the holdout rules.
    files = {"questions.yaml": HERE / "questions.yaml"} | {p.name: p for p in sorted(HERE.glob("holdout*.yaml"))}
    problems: list[str] = []
    loaded = {}
    for name, path in files.items():
        as_of, cases = load(path)
        loaded[name] = (as_of, cases)
        problems += lint(name, cases)
    if len(loaded["questions.yaml"][1]) < 100:
        problems.append("questions.yaml: fewer than 100 cases")
    for name, (_as_of, cases) in loaded.items():
        if name.startswith("holdout") and len(cases) != 50:
            problems.append(f"{name}: {len(cases)} cases, not exactly 50")
    every = [c for _, cases in loaded.values() for c in cases]
    for s in SHAPES:
        if sum(c.get("shape") == s for c in every) < 3:
            problems.append(f"shape {s}: fewer than 3 questions over all files")
    seen = Counter(c["q"] for c in every)
    problems += [f"question {q!r} is in more than one file" for q, n in seen.items() if n > 1
                 and sum(c["q"] == q for c in loaded["questions.yaml"][1]) < n]

    con = duckdb.connect(args.database, read_only=True)
    reference = con.execute("SELECT value FROM meta_dataset WHERE key = 'reference_date'").fetchone()[0]
    for name, (as_of, _cases) in loaded.items():
        if str(as_of) != reference:
            problems.append(f"{name}: as_of {as_of} but {args.database} was built for {reference}")
    started, ran, rows_total = time.perf_counter(), 0, 0
    for name, (_as_of, cases) in loaded.items():
        for i, case in enumerate(cases, start=1):
            if "sql" not in case:
                continue
            try:
                rows = con.execute(case["sql"]).fetchall()
            except duckdb.Error as exc:
                problems.append(f"{name} case {i} ({case['q']!r}): {type(exc).__name__}: {exc}")
                continue
            ran += 1
            rows_total += len(rows)
            if not rows:
                problems.append(f"{name} case {i} ({case['q']!r}): no rows")
            elif all(v is None for v in rows[0]):
                problems.append(f"{name} case {i} ({case['q']!r}): the first row is all NULL")
            if args.verbose:
                print(f"{name}:{i:<4} {case['shape']:<17} {len(rows):>4} rows  {case['q']}\n"
                      f"{'':>6}{rows[0] if rows else ''}")
    for name, (_as_of, cases) in loaded.items():
        print(summary(name, cases))
    print(f"{ran} gold queries ran, {rows_total} rows, {time.perf_counter() - started:.1f}s on {args.database}")
    for p in problems:
        print(f"✗ {p}")
    if problems:
        return 1
    print("✓ every gold query runs and returns rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
