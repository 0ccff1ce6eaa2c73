"""The question pipeline on the golden set, with each bundled model and with rules only.

Latency is warm (the model loaded and its prompt prefix evaluated before timing), end to end
per question, split by whether the question needed the model.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bench.registry import section

GOLDEN_AS_OF = dt.date(2026, 11, 15)
GOLDEN_WAREHOUSE = Path("data") / "golden-scale1.duckdb"
MODELS = ["qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b", "none"]


def golden_warehouse() -> Path:
    from chatbi.demo import build_demo_warehouse, read_metadata

    if not (GOLDEN_WAREHOUSE.is_file() and read_metadata(GOLDEN_WAREHOUSE).get("reference_date")
            == GOLDEN_AS_OF.isoformat()):
        build_demo_warehouse(GOLDEN_WAREHOUSE, scale=1.0, as_of=GOLDEN_AS_OF)
    return GOLDEN_WAREHOUSE


def evaluate_models(models: list[str], golden: list[Path] | None = None, catalog_path: Path | None = None,
                    warehouse_path: Path | None = None) -> list[dict]:
    from chatbi.cli_eval import model_settings
    from chatbi.config import load_settings
    from chatbi.core import ChatBI
    from chatbi.evaluation import evaluate, load_cases
    from chatbi.llm import create_backend
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    settings = load_settings()
    warehouse = connect(str(warehouse_path or golden_warehouse()))
    catalog = load_catalog(catalog_path)
    cases = load_cases(golden)
    reports = []
    for name in models:
        chosen = model_settings(name, settings.model)
        backend = create_backend(chosen) if chosen is not None else None
        bi = ChatBI(catalog, warehouse, settings, backend=backend, use_model=chosen is not None)
        report = evaluate(bi, cases)
        report["model_option"] = name
        reports.append(report)
        del bi, backend
    return reports


def _table(reports: list[dict]) -> str:
    rows = ["| model | cases | correct | wrong | refused | clarified | correct % | must-refuse refused | "
            "must-clarify clarified | rules-only p50/p95 ms (n) | model-called p50/p95 ms (n) |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in reports:
        ro, mc = r["latency_by_model_use_ms"]["rules only"], r["latency_by_model_use_ms"]["model called"]
        rows.append(f"| {r['model_option']} | {r['cases']} | {r['correct']} | {r['wrong']} | {r['refused']} | "
                    f"{r['clarified']} | {r['correct_rate'] * 100:.1f} | {r['must_refuse_refused']} | "
                    f"{r['must_clarify_clarified']} | {ro['p50']}/{ro['p95']} ({ro['n']}) | "
                    f"{mc['p50']}/{mc['p95']} ({mc['n']}) |")
    return "\n".join(rows)


@section("pipeline")
def pipeline() -> tuple[dict, str]:
    from chatbi.evaluation import GOLDEN_DIR

    golden = evaluate_models(MODELS, [GOLDEN_DIR])
    holdout = evaluate_models(MODELS[:1], [GOLDEN_DIR.parent / "holdout"])
    paths = "\n".join(f"| {r['model_option']} | {p} | {v['n']} | {v['p50']} | {v['p95']} |"
                      for r in golden for p, v in r["latency_ms"].items())
    md = (f"Golden set ({golden[0]['cases']} questions), demo warehouse SCALE=1, as of {GOLDEN_AS_OF}, warm:\n\n"
          f"{_table(golden)}\n\nBy path:\n\n| model | path | n | p50 ms | p95 ms |\n|---|---|---|---|---|\n{paths}\n\n"
          f"Held-out set (written after tuning, never tuned on):\n\n{_table(holdout)}")
    strip = lambda r: {k: v for k, v in r.items() if k != "by_metric"}  # noqa: E731
    return {"golden": [strip(r) for r in golden], "holdout": [strip(r) for r in holdout]}, md


@section("shapes")
def shapes() -> tuple[dict, str]:
    """eval/shapes: one question set per query shape, scored against hand-written SQL."""
    from chatbi.evaluation import GOLDEN_DIR

    reports = evaluate_models([MODELS[0], "none"], [GOLDEN_DIR.parent / "shapes"])
    rows = ["| model | shape | correct | wrong | clarified | refused |", "|---|---|---|---|---|---|"]
    for r in reports:
        rows += [f"| {r['model_option']} | {shape} | {v.get('correct', 0)} | {v.get('wrong', 0)} | "
                 f"{v.get('clarified', 0)} | {v.get('refused', 0)} |" for shape, v in r["by_shape"].items()]
    md = (f"Query shapes on the demo catalog ({reports[0]['cases']} questions, gold SQL, SCALE=1):\n\n"
          f"{_table(reports)}\n\nPer shape:\n\n" + "\n".join(rows))
    return {"shapes": [{k: v for k, v in r.items() if k != "by_metric"} for r in reports]}, md
