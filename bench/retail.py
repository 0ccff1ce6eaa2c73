"""`make bench` section retail: the second domain, a catalog written from the docs and questions
written blind (eval/retail), with the bundled model and with rules only; the held-out 50 apart."""

from __future__ import annotations

from pathlib import Path

from bench.pipeline import GOLDEN_AS_OF, MODELS, _table, evaluate_models
from bench.registry import section

RETAIL_WAREHOUSE = Path("data") / "retail.duckdb"
RETAIL_CATALOG = Path("metric_catalog") / "retail" / "retail.yaml"
SETS = {name: Path("eval") / "retail" / f"{name}.yaml" for name in ("questions", "holdout", "dev_2", "holdout_2")}


def retail_warehouse() -> Path:
    from chatbi.demo import read_metadata
    from chatbi.demo.retail import build_retail_warehouse

    if not (RETAIL_WAREHOUSE.is_file() and read_metadata(RETAIL_WAREHOUSE).get("reference_date")
            == GOLDEN_AS_OF.isoformat()):
        build_retail_warehouse(RETAIL_WAREHOUSE, scale=1.0, as_of=GOLDEN_AS_OF)
    return RETAIL_WAREHOUSE


def answerable(report: dict) -> tuple[int, int]:
    """(correct, cases) among the questions whose gold is an answer (not a refusal or a clarification)."""
    refused, must_refuse = map(int, report["must_refuse_refused"].split("/"))
    clarified, must_clarify = map(int, report["must_clarify_clarified"].split("/"))
    return report["correct"] - refused - clarified, report["cases"] - must_refuse - must_clarify


@section("retail")
def retail() -> tuple[dict, str]:
    numbers, parts = {}, []
    for name, path in SETS.items():
        reports = evaluate_models([MODELS[0], "none"], [path], RETAIL_CATALOG, retail_warehouse())
        rows = ["| model | answerable correct | wrong | correct % of answerable |", "|---|---|---|---|"]
        for r in reports:
            right, total = answerable(r)
            rows.append(f"| {r['model_option']} | {right}/{total} | {r['wrong']} | {right / total * 100:.1f} |")
        shapes = ["| model | shape | correct | wrong | clarified | refused |", "|---|---|---|---|---|---|"]
        for r in reports:
            shapes += [f"| {r['model_option']} | {shape} | {v.get('correct', 0)} | {v.get('wrong', 0)} | "
                       f"{v.get('clarified', 0)} | {v.get('refused', 0)} |" for shape, v in r["by_shape"].items()]
        numbers[name] = [{k: v for k, v in r.items() if k != "by_metric"} | {"answerable": answerable(r)}
                         for r in reports]
        parts.append(f"### eval/retail/{path.name} ({reports[0]['cases']} questions, gold SQL)\n\n"
                     + "\n".join(rows) + "\n\n" + _table(reports) + "\n\nPer shape:\n\n" + "\n".join(shapes))
    md = ("Retail domain (`chatbi demo build --domain retail`, SCALE=1, as of 2026-11-15; catalog "
          "metric_catalog/retail/retail.yaml written from docs/catalog.md; questions written blind):\n\n"
          + "\n\n".join(parts))
    return numbers, md
