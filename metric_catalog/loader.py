"""Load a catalog YAML file; every error names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from metric_catalog import graph
from metric_catalog.dialect import read_in_dialect
from metric_catalog.model import Catalog

DEMO_CATALOG = Path(__file__).parent / "demo" / "telecom.yaml"


class CatalogError(Exception):
    """The catalog cannot be used. ``problems`` lists (location, message) pairs."""

    def __init__(self, path: Path | str, problems: list[tuple[str, str]]):
        self.path = str(path)
        self.problems = problems
        listing = "\n".join(f"  {where}: {msg}" for where, msg in problems)
        super().__init__(f"Catalog {path} has {len(problems)} problem(s):\n{listing}")


def line_index(node: yaml.Node, path: tuple = (), index: dict | None = None) -> dict[tuple, int]:
    index = {} if index is None else index
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            index[(*path, key.value)] = key.start_mark.line + 1
            line_index(value, (*path, key.value), index)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            line_index(item, (*path, i), index)
    return index


def _where(path: Path, lines: dict[tuple, int], loc: tuple) -> str:
    loc = tuple(str(p) if not isinstance(p, int) else p for p in loc)
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            return f"{path}:{lines[loc[:cut]]} ({'.'.join(str(p) for p in loc) or 'document'})"
    return f"{path} ({'.'.join(str(p) for p in loc)})"


def _reference_problems(cat: Catalog) -> list[tuple[tuple, str]]:
    problems: list[tuple[tuple, str]] = []
    for name, table in cat.tables.items():
        for i, join in enumerate(table.joins):
            if join.to not in cat.tables:
                problems.append((("tables", name, "joins", i, "to"), f"joins unknown table {join.to!r}"))
    for did, dim in cat.dimensions.items():
        if dim.table not in cat.tables:
            problems.append((("dimensions", did, "table"), f"unknown table {dim.table!r}"))
        if dim.parent and dim.parent not in cat.dimensions:
            problems.append((("dimensions", did, "parent"), f"unknown parent dimension {dim.parent!r}"))
    for name, table in cat.tables.items():
        via = table.time.via if table.time else None
        if via is not None and via not in cat.tables:
            problems.append((("tables", name, "time", "via"), f"unknown table {via!r}"))
        elif via is not None and graph.join_path(cat, name, via, bridges=False) is None:
            problems.append((("tables", name, "time", "via"), f"{name} has no many-to-one join path to {via}; "
                             f"declare the join under tables.{name}.joins"))
    for mid, metric in cat.metrics.items():
        refs = {"numerator": metric.numerator, "denominator": metric.denominator}
        for field, ref in refs.items():
            if ref is not None and ref not in cat.metrics:
                problems.append((("metrics", mid, field), f"unknown metric {ref!r}"))
        if metric.formula:
            try:
                unknown = [r for r in graph.formula_refs(metric.formula) if r not in cat.metrics]
            except Exception as exc:  # sqlglot parse errors
                problems.append((("metrics", mid, "formula"), f"cannot parse formula: {exc}"))
                continue
            if unknown:
                problems.append((("metrics", mid, "formula"), f"unknown metric(s) {', '.join(unknown)}"))
        if metric.table is not None:
            table = cat.tables.get(metric.table)
            if table is None:
                problems.append((("metrics", mid, "table"), f"unknown table {metric.table!r}"))
                continue
            if table.time is None and metric.default_window != "all":
                problems.append((("metrics", mid, "default_window"), f"table {metric.table} has no time column, "
                                 "so the metric can only be answered for all data: set default_window: all"))
            for i, flt in enumerate(metric.filters):
                if flt.dimension not in cat.dimensions:
                    problems.append((("metrics", mid, "filters", i, "dimension"),
                                     f"unknown dimension {flt.dimension!r}"))
                elif graph.join_path(cat, metric.table, cat.dimensions[flt.dimension].table, bridges=False) is None:
                    problems.append((("metrics", mid, "filters", i, "dimension"),
                                     f"dimension {flt.dimension} is not reachable from {metric.table} by many-to-one "
                                     "joins (a metric's own filter cannot go through a bridge: put it in where)"))
    if problems:
        return problems  # the checks below need sound references
    for mid, metric in cat.metrics.items():
        try:
            graph.leaf_metrics(cat, mid)
        except ValueError as exc:
            problems.append((("metrics", mid), str(exc)))
            continue
        if metric.ranked_by and metric.ranked_by not in graph.allowed_dimensions(cat, mid):
            problems.append((("metrics", mid, "ranked_by"), f"{metric.ranked_by} is not an allowed dimension of {mid}"))
        reachable = graph.allowed_dimensions(cat, mid) if metric.dimensions else []
        for i, did in enumerate(metric.dimensions or []):
            if did not in cat.dimensions:
                problems.append((("metrics", mid, "dimensions", i), f"unknown dimension {did!r}"))
            elif did not in reachable:
                problems.append((("metrics", mid, "dimensions", i),
                                 f"dimension {did} cannot be reached by joins from every table of {mid}"))
    for rid, role in cat.roles.items():
        for i, rf in enumerate(role.row_filters):
            dim = cat.dimensions.get(rf.dimension)
            if dim is None:
                problems.append((("roles", rid, "row_filters", i, "dimension"), f"unknown dimension {rf.dimension!r}"))
            elif dim.key is None:
                problems.append((("roles", rid, "row_filters", i, "dimension"),
                                 f"dimension {rf.dimension} needs a key column to filter rows by"))
        for i, m in enumerate(role.deny_metrics):
            if m not in cat.metrics:
                problems.append((("roles", rid, "deny_metrics", i), f"unknown metric {m!r}"))
        for i, d in enumerate(role.deny_dimensions):
            if d not in cat.dimensions:
                problems.append((("roles", rid, "deny_dimensions", i), f"unknown dimension {d!r}"))
    return problems


# libyaml's parser when PyYAML was built with it (10× faster on a large catalog); same results.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalog(path: str | Path | None = None) -> Catalog:
    path = Path(path) if path else DEMO_CATALOG
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(path, [(str(path), f"cannot read the file: {exc.strerror}")]) from exc
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise CatalogError(path, [(where, f"YAML syntax: {getattr(exc, 'problem', exc)}")]) from exc
    if not isinstance(data, dict):
        raise CatalogError(path, [(str(path), "the catalog must be a YAML mapping with catalog, tables, "
                                              "dimensions, metrics, roles")])
    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        lines = line_index(yaml.compose(text, Loader=_LOADER))  # line numbers only when something is wrong
        problems = [(_where(path, lines, err["loc"]), _message(err)) for err in exc.errors()]
        raise CatalogError(path, problems) from exc
    catalog, problems = read_in_dialect(catalog)
    problems = problems or _reference_problems(catalog)
    if problems:
        lines = line_index(yaml.compose(text, Loader=_LOADER))
        raise CatalogError(path, [(_where(path, lines, loc), msg) for loc, msg in problems])
    return catalog


def _message(err: dict[str, Any]) -> str:
    msg = err["msg"].removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        return "unknown field (check the spelling against docs/catalog.md)"
    if err["type"] == "invalid_key" and err.get("input") is True:
        return "a key reads as true: YAML 1.1 turns on/yes/y into booleans; for joins write keys: {a: b}"
    if err["type"] == "missing":
        return "required field is missing"
    return msg
