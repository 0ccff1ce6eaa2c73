"""`make bench` sections retail and insurance: domains beyond the demo's, each with a catalog written
from the docs and questions written blind (eval/retail, eval/insurance), with the bundled model and
with rules only; each set reported apart (the held-out ones too)."""

from __future__ import annotations

from pathlib import Path

from bench.pipeline import GOLDEN_AS_OF, MODELS, _table, evaluate_models
from bench.registry import section

RETAIL_WAREHOUSE = Path("data") / "retail.duckdb"
RETAIL_CATALOG = Path("metric_catalog") / "retail" / "retail.yaml"
RETAIL_SETS = ("questions", "holdout", "dev_2", "holdout_2", "dev_3")
INSURANCE_WAREHOUSE = Path("data") / "insurance.duckdb"
INSURANCE_CATALOG = Path("metric_catalog") / "insurance" / "insurance.yaml"
INSURANCE_SETS = ("questions", "dev_2", "dev_3")


def _warehouse(path: Path, build) -> Path:
    from chatbi.demo import read_metadata

    if not (path.is_file() and read_metadata(path).get("reference_date") == GOLDEN_AS_OF.isoformat()):
        build(path, scale=1.0, as_of=GOLDEN_AS_OF)
    return path


def retail_warehouse() -> Path:
    from chatbi.demo.retail import build_retail_warehouse

    return _warehouse(RETAIL_WAREHOUSE, build_retail_warehouse)


def insurance_warehouse() -> Path:
    from chatbi.demo.insurance import build_insurance_warehouse

    return _warehouse(INSURANCE_WAREHOUSE, build_insurance_warehouse)


def answerable(report: dict) -> tuple[int, int]:
    """(correct, cases) among the questions whose gold is an answer (not a refusal or a clarification)."""
    refused, must_refuse = map(int, report["must_refuse_refused"].split("/"))
    clarified, must_clarify = map(int, report["must_clarify_clarified"].split("/"))
    return report["correct"] - refused - clarified, report["cases"] - must_refuse - must_clarify


def domain_report(sets: list[Path], catalog: Path, warehouse: Path) -> tuple[dict, list[str]]:
    numbers, parts = {}, []
    for path in sets:
        reports = evaluate_models([MODELS[0], "none"], [path], catalog, warehouse)
        rows = ["| model | answerable correct | wrong | correct % of answerable |", "|---|---|---|---|"]
        for r in reports:
            right, total = answerable(r)
            rows.append(f"| {r['model_option']} | {right}/{total} | {r['wrong']} | {right / total * 100:.1f} |")
        shapes = ["| model | shape | correct | wrong | clarified | refused |", "|---|---|---|---|---|---|"]
        for r in reports:
            shapes += [f"| {r['model_option']} | {shape} | {v.get('correct', 0)} | {v.get('wrong', 0)} | "
                       f"{v.get('clarified', 0)} | {v.get('refused', 0)} |" for shape, v in r["by_shape"].items()]
        numbers[path.stem] = [{k: v for k, v in r.items() if k != "by_metric"} | {"answerable": answerable(r)}
                              for r in reports]
        parts.append(f"### {path} ({reports[0]['cases']} questions, gold SQL)\n\n"
                     + "\n".join(rows) + "\n\n" + _table(reports) + "\n\nPer shape:\n\n" + "\n".join(shapes))
    return numbers, parts


@section("retail")
def retail() -> tuple[dict, str]:
    sets = [Path("eval") / "retail" / f"{name}.yaml" for name in RETAIL_SETS]
    numbers, parts = domain_report(sets, RETAIL_CATALOG, retail_warehouse())
    md = ("Retail domain (`chatbi demo build --domain retail`, SCALE=1, as of 2026-11-15; catalog "
          "metric_catalog/retail/retail.yaml written from docs/catalog.md; questions written blind):\n\n"
          + "\n\n".join(parts))
    return numbers, md


@section("insurance")
def insurance() -> tuple[dict, str]:
    sets = [p for p in (Path("eval") / "insurance" / f"{name}.yaml" for name in INSURANCE_SETS) if p.is_file()]
    numbers, parts = domain_report(sets, INSURANCE_CATALOG, insurance_warehouse())
    md = ("Insurance domain (`chatbi demo build --domain insurance`, as of 2026-11-15; catalog "
          "metric_catalog/insurance/insurance.yaml written from docs/catalog.md; questions written blind):\n\n"
          + "\n\n".join(parts))
    return numbers, md
