"""`chatbi catalog import-dbt`: dbt semantic models (semantic_models + metrics) → a ChatBI catalog.

Mapped: semantic models → tables (primary entity → key, foreign entities → joins,
agg_time_dimension → time column), categorical dimensions → dimensions, simple/ratio/derived
metrics → metrics. Not mapped (reported, never silently dropped): cumulative and conversion
metrics, metric filters in Jinja, offsets in derived metrics, non-primary time dimensions.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

AGG = {"sum": "sum", "count": "count", "count_distinct": "count_distinct", "average": "avg", "avg": "avg",
       "min": "min", "max": "max", "sum_boolean": "sum"}
REF = re.compile(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)")


class DbtImportError(Exception):
    pass


def _read_all(path: Path) -> tuple[list[dict], list[dict]]:
    files = sorted(path.rglob("*.yml")) + sorted(path.rglob("*.yaml")) if path.is_dir() else [path]
    models, metrics = [], []
    for file in files:
        try:
            data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise DbtImportError(f"{file}: not valid YAML ({exc})") from exc
        models += data.get("semantic_models", []) or []
        metrics += data.get("metrics", []) or []
    if not models:
        raise DbtImportError(f"No semantic_models found under {path}; point at a dbt project's models folder.")
    return models, metrics


def _ident(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.lower()).strip("_") or "x"


def import_dbt(path: str | Path, catalog_id: str = "dbt_import") -> tuple[dict[str, Any], list[str]]:
    """Return (catalog document, list of things not imported and why)."""
    models, metric_defs = _read_all(Path(path))
    skipped: list[str] = []
    tables: dict[str, Any] = {}
    dimensions: dict[str, Any] = {}
    measures: dict[str, tuple[str, dict]] = {}
    primary_of: dict[str, tuple[str, str]] = {}  # entity name -> (table, key expr)
    table_of_model: dict[str, str] = {}
    for model in models:
        match = REF.search(str(model.get("model", "")))
        table = match.group(1) if match else model["name"]
        table_of_model[model["name"]] = table
        for entity in model.get("entities", []) or []:
            if entity.get("type") in ("primary", "unique", "natural"):
                primary_of[entity["name"]] = (table, entity.get("expr") or entity["name"])
    for model in models:
        table = table_of_model[model["name"]]
        spec: dict[str, Any] = {"description": model.get("description", "") or ""}
        pk = [primary_of[e["name"]][1] for e in model.get("entities", []) or []
              if e.get("type") in ("primary", "unique", "natural")]
        if pk:
            spec["primary_key"] = pk
        joins = []
        for entity in model.get("entities", []) or []:
            if entity.get("type") == "foreign" and entity["name"] in primary_of:
                target, key = primary_of[entity["name"]]
                joins.append({"to": target, "keys": {entity.get("expr") or entity["name"]: key}})
        if joins:
            spec["joins"] = joins
        time_dim = (model.get("defaults") or {}).get("agg_time_dimension")
        for dim in model.get("dimensions", []) or []:
            column = dim.get("expr") or dim["name"]
            if dim.get("type") == "time":
                if dim["name"] == time_dim:
                    grain = (dim.get("type_params") or {}).get("time_granularity", "day")
                    spec["time"] = {"column": column, "format": "date", "grain": "month" if grain == "month" else "day"}
                else:
                    skipped.append(f"time dimension {model['name']}.{dim['name']}: only the agg_time_dimension is used")
                continue
            did = _ident(dim["name"]) if _ident(dim["name"]) not in dimensions else _ident(f"{model['name']}_{dim['name']}")
            dimensions[did] = {"name": dim.get("label") or dim["name"], "description": dim.get("description", "") or "",
                               "table": table, "column": column}
        tables[table] = spec
        for measure in model.get("measures", []) or []:
            measures[measure["name"]] = (table, measure)
    metrics: dict[str, Any] = {}
    for m in metric_defs:
        mid, kind, params = _ident(m["name"]), m.get("type"), m.get("type_params") or {}
        base = {"name": m.get("label") or m["name"], "description": m.get("description", "") or ""}
        if m.get("filter"):
            skipped.append(f"metric {m['name']}: Jinja filter {m['filter']!r} not imported; add it as where/filters")
        if kind == "simple":
            measure_name = params.get("measure")
            measure_name = measure_name.get("name") if isinstance(measure_name, dict) else measure_name
            if measure_name not in measures:
                skipped.append(f"metric {m['name']}: unknown measure {measure_name}")
                continue
            table, measure = measures[measure_name]
            agg = AGG.get(measure.get("agg", "sum"))
            expr = str(measure.get("expr") or measure_name)
            entry = {**base, "type": "simple", "table": table, "agg": agg}
            if not (agg == "count" and expr in ("1", "*")):
                entry["expr"] = expr
            metrics[mid] = entry
        elif kind == "ratio":
            num, den = params.get("numerator"), params.get("denominator")
            num = num.get("name") if isinstance(num, dict) else num
            den = den.get("name") if isinstance(den, dict) else den
            metrics[mid] = {**base, "type": "ratio", "numerator": _ident(num), "denominator": _ident(den),
                            "format": "percent"}
        elif kind == "derived":
            if any(isinstance(x, dict) and (x.get("offset_window") or x.get("offset_to_grain"))
                   for x in params.get("metrics", [])):
                skipped.append(f"metric {m['name']}: derived metrics with offsets are not supported")
                continue
            formula = params.get("expr", "")
            for ref in params.get("metrics", []):
                if isinstance(ref, dict) and ref.get("alias"):
                    formula = re.sub(rf"\b{re.escape(ref['alias'])}\b", _ident(ref["name"]), formula)
            metrics[mid] = {**base, "type": "derived", "formula": formula}
        else:
            skipped.append(f"metric {m['name']}: type {kind} is not supported (simple, ratio, derived are)")
    document = {
        "catalog": {"id": catalog_id, "name": catalog_id},
        "tables": tables, "dimensions": dimensions, "metrics": metrics,
        "roles": {"analyst": {"name": "analyst", "can_write_sql": True}},
    }
    return document, skipped


def write_catalog(document: dict[str, Any], output: Path) -> None:
    output.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
