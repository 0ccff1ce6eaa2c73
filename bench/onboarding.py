"""`make bench` section onboarding: from an empty catalog to a validated one on the retail warehouse
with `chatbi catalog draft` (the bundled model naming items) and the recorded review of an analyst
(eval/retail/draft_review.yaml, applied as `chatbi catalog review` would); the share of drafted
items accepted unchanged; and the retail questions answered with the reviewed draft beside the
hand-written catalog (rules only, so the difference is the catalog's)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import yaml

from bench.pipeline import MODELS, evaluate_models
from bench.registry import section
from bench.retail import RETAIL_CATALOG, RETAIL_SETS, answerable, retail_warehouse

REVIEW = Path("eval") / "retail" / "draft_review.yaml"


def draft(database: Path, out: Path) -> dict:
    """The draft as `chatbi catalog draft` writes it, timed step by step."""
    from chatbi.catalog_names import name_items
    from chatbi.config import load_settings
    from chatbi.llm import create_backend
    from chatbi.warehouse import connect
    from metric_catalog.draft import propose, to_yaml
    from metric_catalog.profile import find_joins, profile_tables

    warehouse = connect(str(database))
    started = time.perf_counter()
    profiles = profile_tables(warehouse)
    joins = find_joins(warehouse, profiles)
    catalog = propose(profiles, joins)
    profiled = time.perf_counter() - started
    backend = create_backend(load_settings().model)
    samples = {f"{p.name}.{c.name}": c.samples for p in profiles for c in p.columns}
    named = name_items(catalog, backend, samples)
    catalog["catalog"]["languages"] = ["zh", "en"]
    out.write_text(to_yaml(catalog, "# drafted for the onboarding benchmark\n"))
    return {"profile_s": round(profiled, 1), "name_s": round(time.perf_counter() - started - profiled, 1),
            "named": named, "tables": len(catalog["tables"]), "dimensions": len(catalog["dimensions"]),
            "metrics": len(catalog["metrics"]), "joins": len(joins)}


def review(path: Path, script: Path = REVIEW) -> dict:
    """Apply an analyst's recorded review; count what was accepted unchanged, edited, rejected."""
    from metric_catalog.catalog_file import CatalogFile

    steps = yaml.safe_load(script.read_text(encoding="utf-8"))
    doc = CatalogFile(path)
    drafted = {i.ref for i in doc.drafts()}
    rejected = {r.ref for ref in steps.get("reject", []) for r in doc.reject(doc.find(ref), cascade=True)}
    edited = set()
    for target, value in (steps.get("set") or {}).items():
        ref, _, field = target.partition(".")
        item = doc.find(ref)
        doc.set(item, field, value if isinstance(value, str) else yaml.safe_dump(value, allow_unicode=True,
                                                                                  default_flow_style=True).strip())
        edited.add(item.ref)
    for ref, spec in (steps.get("add") or {}).items():
        kind, _, ident = ref.partition(":")
        from metric_catalog.catalog_file import Item

        doc.add(Item({"metric": "metrics", "dimension": "dimensions", "table": "tables"}[kind], ident), spec)
    for item in doc.drafts():
        doc.accept(item)
    doc.save()
    unchanged = drafted - rejected - edited
    return {"drafted_items": len(drafted), "rejected": len(rejected), "edited": len(edited & drafted),
            "added": len(steps.get("add") or {}), "accepted_unchanged": len(unchanged),
            "accepted_unchanged_share": round(len(unchanged) / len(drafted), 3)}


def validate(path: Path, database: Path) -> dict:
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog
    from metric_catalog.validate import validate_catalog

    started = time.perf_counter()
    report = validate_catalog(load_catalog(path), connect(str(database)))
    return {"validate_s": round(time.perf_counter() - started, 1), "queries": report.checked_queries,
            "errors": sum(f.level == "error" for f in report.findings),
            "warnings": sum(f.level == "warning" for f in report.findings)}


@section("onboarding")
def onboarding() -> tuple[dict, str]:
    database = retail_warehouse()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "retail.draft.yaml"
        numbers = {"draft": draft(database, path)}
        numbers["review"] = review(path)
        numbers["validate"] = validate(path, database)
        numbers["reviewed_catalog"] = path.read_text(encoding="utf-8")
        numbers["eval"] = {}
        for name in RETAIL_SETS:
            questions = Path("eval") / "retail" / f"{name}.yaml"
            for label, catalog in (("hand-written", RETAIL_CATALOG), ("reviewed draft", path)):
                report = evaluate_models(["none"], [questions], catalog, database)[0]
                right, total = answerable(report)
                numbers["eval"][f"{name}/{label}"] = {"correct": right, "answerable": total, "wrong": report["wrong"],
                                                      "refused": report["refused"], "clarified": report["clarified"]}
    d, r, v = numbers["draft"], numbers["review"], numbers["validate"]
    minutes = (d["profile_s"] + d["name_s"] + v["validate_s"]) / 60
    rows = ["| question set | catalog | answerable correct | wrong | refused | clarified |", "|---|---|---|---|---|---|"]
    rows += [f"| {k.split('/')[0]} | {k.split('/')[1]} | {e['correct']}/{e['answerable']} | {e['wrong']} | "
             f"{e['refused']} | {e['clarified']} |" for k, e in numbers["eval"].items()]
    md = (f"Retail warehouse (SCALE=1). `catalog draft` with {MODELS[0]}: profile + joins {d['profile_s']} s, naming "
          f"{d['named']} items {d['name_s']} s; {d['tables']} tables, {d['joins']} joins, {d['dimensions']} dimensions, "
          f"{d['metrics']} metrics. Recorded review ({REVIEW}): {r['drafted_items']} drafted items, "
          f"**{r['accepted_unchanged']} accepted unchanged ({r['accepted_unchanged_share'] * 100:.0f}%)**, "
          f"{r['edited']} edited, {r['rejected']} rejected, {r['added']} added. Validation {v['validate_s']} s, "
          f"{v['queries']} queries, {v['errors']} errors, {v['warnings']} warnings. Machine time from empty to a "
          f"validated catalog: **{minutes:.1f} min** (plus the analyst's review).\n\nRules only:\n\n" + "\n".join(rows))
    return numbers, md
