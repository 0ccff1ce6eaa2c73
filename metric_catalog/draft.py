"""A warehouse profile → a proposed catalog (`chatbi catalog draft`). Every item is marked
``draft: true`` until an analyst reviews it (`chatbi catalog review`).

What is proposed, and why:
- tables: every profiled table; its primary key when one column is unique and never empty (a fact
  without one counts rows as rows); its time column: the date-like column whose name says so
  (date, day, time, _at, _on), in the format the profile read it with;
- joins: the profile's confirmed candidates; ``complete`` only when every value matched;
- dimensions: text columns with few values (a dictionary when ≤ 20), a dimension table's name
  column keyed by its key, other date columns as date dimensions;
- metrics: rows of every table with a time column (or that others join to many-to-one from),
  the sum of every numeric non-key column (text numbers through TRY_CAST) and its average per row
  (a ratio), the average of prices and rates (never their sum), distinct counts of the keys facts
  point to; years, ages, sort orders and line numbers are not measures.
Names come from the column names until the model (chatbi/catalog_names.py) drafts better ones.
"""

from __future__ import annotations

import re

import yaml

from metric_catalog.profile import JoinCandidate, TableProfile

FEW_VALUES = 50  # a text column with at most this many values is a dimension
DICTIONARY = 20  # … and gets a value dictionary
TIME_NAME = re.compile(r"(date|day|time|_at$|_on$|_dt$|period|month)", re.I)
LABEL_NAME = re.compile(r"(name|title|label|desc)", re.I)
# numbers that are not amounts: adding up birth years, sort orders or line numbers means nothing
NOT_A_MEASURE = re.compile(r"(year|month|quarter|week|day|age|sort|rank|level|seq|^line|_no$|number)", re.I)
AVERAGED = re.compile(r"(price|rate|ratio|pct|percent|score|discount)", re.I)  # averaged, never added up


def label(identifier: str) -> str:
    """order_amount → 'order amount'."""
    return re.sub(r"\s+", " ", identifier.replace("_", " ")).strip()


def _ident(text: str) -> str:
    out = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    return out if out and out[0].isalpha() else f"x_{out}"


def _time(profile: TableProfile) -> dict | None:
    dated = [c for c in profile.columns if c.date_format]
    dated.sort(key=lambda c: (not TIME_NAME.search(c.name), c.nulls))
    if not dated:
        return None
    best = dated[0]
    if best.nulls > 0.2 * profile.rows:
        return None  # mostly empty: a time window would drop most rows (validate would refuse it)
    spec = {"column": best.name, "format": best.date_format}
    if best.date_format == "yyyymm":
        spec["grain"] = "month"
    return spec


def propose(profiles: list[TableProfile], joins: list[JoinCandidate]) -> dict:
    """The catalog as a YAML-ready mapping (ids in lower_snake_case)."""
    tables: dict[str, dict] = {}
    dimensions: dict[str, dict] = {}
    metrics: dict[str, dict] = {}
    joined_to = {j.to for j in joins if not j.many}
    for p in profiles:
        spec: dict = {"description": {"en": f"{label(p.name)} ({p.rows:,} rows)"}, "draft": True}
        unique = p.unique()
        keyed = [c for c in unique if c.key_like] or unique
        if keyed:
            spec["primary_key"] = keyed[0].name
        time = _time(p)
        if time:
            spec["time"] = time
        own = [j for j in joins if j.table == p.name]
        if own:
            spec["joins"] = [{"to": j.to, "keys": {j.column: j.to_column}, "complete": j.coverage >= 1.0 and not j.nulls,
                              **({"relationship": "many_to_many"} if j.many else {})} for j in own]
        tables[p.name] = spec
    for p in profiles:  # order lines: no date of their own, dated by the order they join to
        spec = tables[p.name]
        measures = [c for c in p.columns if (c.numeric or c.numeric_text) and not c.key_like and not c.date_format]
        dated = next((j for j in joins if j.table == p.name and not j.many and "time" in tables[j.to]
                      and "via" not in tables[j.to]["time"]), None)
        if "time" not in spec and measures and dated:
            spec["time"] = {**tables[dated.to]["time"], "via": dated.to}
    for p in profiles:
        key = tables[p.name].get("primary_key")
        time_col = tables[p.name].get("time", {}).get("column")
        for c in p.columns:
            did = _ident(c.name if c.name not in dimensions else f"{p.name}_{c.name}")
            if c.date_format and c.name != time_col:
                dimensions[did] = {"name": {"en": label(c.name)}, "table": p.name, "column": c.name, "type": "date",
                                   **({"format": c.date_format} if c.date_format != "date" else {}),
                                   **({"nullable": True} if c.nulls else {}), "draft": True}
            elif c.text and not c.date_format and not c.numeric_text and not c.key_like and 0 < c.distinct <= FEW_VALUES:
                dim = {"name": {"en": label(c.name)}, "table": p.name, "column": c.name, "draft": True}
                if c.nulls:
                    dim["nullable"] = True
                if c.distinct <= DICTIONARY and len(c.samples) == c.distinct:
                    dim["values"] = {s: [] for s in c.samples}
                dimensions[did] = dim
            elif key and c.text and LABEL_NAME.search(c.name) and p.name in joined_to:
                dimensions[did] = {"name": {"en": label(p.name.removeprefix("dim_"))}, "table": p.name,
                                   "column": c.name, "key": key, "nullable": bool(c.nulls), "draft": True}
        fact = "time" in tables[p.name]
        if not fact:
            continue
        window = "all"
        mid = _ident(f"{p.name}_rows")
        metrics[mid] = {"name": {"en": f"number of {label(p.name)}"}, "type": "simple", "table": p.name, "agg": "count",
                        "default_window": window, "draft": True}
        for c in p.columns:
            if c.key_like or c.date_format or not (c.numeric or c.numeric_text) or NOT_A_MEASURE.search(c.name):
                continue
            expr = c.name if c.numeric else f"TRY_CAST({c.name} AS DOUBLE)"
            if AVERAGED.search(c.name):
                metrics[_ident(f"average_{c.name}")] = {
                    "name": {"en": f"average {label(c.name)}"}, "type": "simple", "table": p.name, "agg": "avg",
                    "expr": expr, "default_window": window, "draft": True}
                continue
            total = _ident(f"total_{c.name}")
            metrics[total] = {"name": {"en": f"total {label(c.name)}"}, "type": "simple", "table": p.name, "agg": "sum",
                              "expr": expr, "default_window": window, "draft": True}
            metrics[_ident(f"{c.name}_per_row")] = {
                "name": {"en": f"{label(c.name)} per {label(p.name)} row"}, "type": "ratio", "numerator": total,
                "denominator": mid, "default_window": window, "draft": True}
        for j in (j for j in joins if j.table == p.name and not j.many):
            mid = _ident(f"distinct_{j.column}")
            mid = mid if mid not in metrics else _ident(f"{p.name}_distinct_{j.column}")  # order lines and returns
            metrics[mid] = {
                "name": {"en": f"distinct {label(j.column)}"}, "type": "simple", "table": p.name, "agg": "count_distinct",
                "expr": j.column, "default_window": window, "draft": True}
    return {"catalog": {"id": "drafted_catalog", "name": {"en": "Drafted catalog"}, "languages": ["en"],
                        "reference_date": {"fixed": None}},
            "tables": tables, "dimensions": dimensions, "metrics": metrics,
            # who may ask: everyone sees every row until the reviewer adds row filters (docs/catalog.md, roles)
            "roles": {"analyst": {"name": {"zh": "数据分析师", "en": "analyst"}, "can_write_sql": True},
                      "staff": {"name": {"zh": "业务人员", "en": "staff"}}}}


def to_yaml(catalog: dict, header: str) -> str:
    """The draft as a reviewable file: a header saying what to do next, then the catalog."""
    body = yaml.safe_dump(catalog, allow_unicode=True, sort_keys=False, width=110)
    body = body.replace("reference_date:\n    fixed: null\n", "reference_date: {}  # fixed: YYYY-MM-DD, or sql: …\n")
    return header + body
