"""ChatBI's pipeline vs the vanna free-SQL path alone (the usual text-to-SQL approach), same model,
same questions, both scored by executing and comparing results.

A vanna result is correct when its rows equal (values compared, column names ignored) the rows of
the golden interpretation compiled by the semantic layer; a must-refuse or must-clarify question
that vanna answers anyway counts as wrong. By default the whole golden set runs (about 15 s a
question on 2 cores, an hour in all); BENCH_VANNA_CASES=sample takes a spread sample of 40.
"""

from __future__ import annotations

import os
import time
from decimal import Decimal

from bench.pipeline import GOLDEN_AS_OF, golden_warehouse
from bench.registry import section


def _normal(rows: list) -> list:
    def value(v):
        if isinstance(v, float | Decimal):
            return f"{float(v):.6g}"
        return str(v)
    return sorted(tuple(sorted(value(v) for v in row)) for row in rows)


def _sample(cases):
    if os.environ.get("BENCH_VANNA_CASES", "all") == "all":
        return cases
    by_file: dict[str, list] = {}
    for c in cases:
        by_file.setdefault(c.source, []).append(c)
    quota = {"answer_zh.yaml": 14, "answer_en.yaml": 10, "refuse.yaml": 10, "clarify.yaml": 6}
    out = []
    for name, items in by_file.items():
        step = max(1, len(items) // quota.get(name, 5))
        out += items[::step][: quota.get(name, 5)]
    return out


@section("vanna")
def vanna() -> tuple[dict, str]:
    from chatbi.config import load_settings
    from chatbi.core import ChatBI
    from chatbi.evaluation import load_cases, percentile, score
    from chatbi.llm import create_backend
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog
    from semantic_layer import compile_query

    settings = load_settings()
    settings = settings.model_copy(update={"data_dir": settings.data_dir / "bench-vanna"})
    catalog = load_catalog()
    warehouse = connect(str(golden_warehouse()))
    bi = ChatBI(catalog, warehouse, settings, backend=create_backend(settings.model))
    bi.warm()
    _ = bi.vanna
    cases = _sample(load_cases())
    tallies = {"pipeline": {"correct": 0, "wrong": 0, "refused": 0, "clarified": 0, "latency": []},
               "vanna": {"correct": 0, "wrong": 0, "refused": 0, "clarified": 0, "latency": []}}
    for case in cases:
        answer = bi.ask(case.question, user=case.user, as_of=case.as_of)
        outcome = score(case, answer)
        tallies["pipeline"][outcome.verdict] += 1
        tallies["pipeline"]["latency"].append(answer.timings_ms["total"])
        started = time.perf_counter()
        draft = bi.draft_sql(case.question, user=case.user if case.user.role in ("analyst", "admin") else
                             case.user.__class__("bench", "analyst"))
        tallies["vanna"]["latency"].append((time.perf_counter() - started) * 1000)
        if draft.status != "answered":
            tallies["vanna"]["refused"] += 1
        elif case.expect != "answered":
            tallies["vanna"]["wrong"] += 1
        else:
            expected = answer.interpretation if outcome.verdict == "correct" else None
            if expected is None:  # no trusted reference rows for this question: not scored as correct
                tallies["vanna"]["wrong" if draft.rows else "refused"] += 1
                continue
            truth = warehouse.execute(compile_query(catalog, expected, as_of=GOLDEN_AS_OF).sql).rows
            same = _normal(draft.rows) == _normal(truth)
            tallies["vanna"]["correct" if same else "wrong"] += 1
    out = {}
    for name, t in tallies.items():
        lat = t.pop("latency")
        out[name] = {**t, "cases": len(cases), "p50_ms": round(percentile(lat, 0.5)), "p95_ms": round(percentile(lat, 0.95))}
    rows = "\n".join(f"| {name} | {v['cases']} | {v['correct']} | {v['wrong']} | {v['refused']} | {v['clarified']} | "
                     f"{v['p50_ms']} | {v['p95_ms']} |" for name, v in out.items())
    md = (f"Same bundled model ({bi.model_id}), same {len(cases)} golden questions "
          f"({'all' if os.environ.get('BENCH_VANNA_CASES', 'all') == 'all' else 'spread sample'}), scored by executing:\n\n"
          "| path | cases | correct | wrong | refused | clarified | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|---|\n"
          f"{rows}")
    return out, md
