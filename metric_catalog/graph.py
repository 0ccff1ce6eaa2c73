"""Join paths between tables: many-to-one edges only, so following them never fans rows out."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from metric_catalog.model import Catalog, Join


@dataclass(frozen=True)
class JoinStep:
    left: str   # table already in the query
    right: str  # table joined to it
    join: Join


def join_path(catalog: Catalog, source: str, target: str) -> list[JoinStep] | None:
    """Shortest many-to-one path from ``source`` to ``target`` (ties broken by declaration order)."""
    if source == target:
        return []
    queue: deque[tuple[str, list[JoinStep]]] = deque([(source, [])])
    seen = {source}
    while queue:
        table, path = queue.popleft()
        spec = catalog.tables.get(table)
        for join in spec.joins if spec else []:
            if join.to in seen:
                continue
            step_path = [*path, JoinStep(table, join.to, join)]
            if join.to == target:
                return step_path
            seen.add(join.to)
            queue.append((join.to, step_path))
    return None


def reachable_dimensions(catalog: Catalog, table: str) -> list[str]:
    return [d for d, spec in catalog.dimensions.items() if join_path(catalog, table, spec.table) is not None]


def leaf_metrics(catalog: Catalog, metric_id: str, _stack: tuple[str, ...] = ()) -> list[str]:
    """The simple/period_end metrics a metric is computed from (itself if it is one)."""
    if metric_id in _stack:
        raise ValueError(f"metric {metric_id} refers to itself through {' -> '.join(_stack)}")
    spec = catalog.metrics[metric_id]
    if spec.type in ("simple", "period_end"):
        return [metric_id]
    refs = [spec.numerator, spec.denominator] if spec.type == "ratio" else formula_refs(spec.formula or "")
    out: list[str] = []
    for ref in refs:
        for leaf in leaf_metrics(catalog, ref, (*_stack, metric_id)):
            if leaf not in out:
                out.append(leaf)
    return out


def formula_refs(formula: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(formula)
    return list(dict.fromkeys(col.name for col in tree.find_all(exp.Column)))


def allowed_dimensions(catalog: Catalog, metric_id: str) -> list[str]:
    """Dimensions every underlying table can reach, narrowed by the metric's own list."""
    spec = catalog.metrics[metric_id]
    tables = {catalog.metrics[leaf].table for leaf in leaf_metrics(catalog, metric_id)}
    common = [d for d in catalog.dimensions if all(d in reachable_dimensions(catalog, t) for t in tables)]
    if spec.dimensions is not None:
        return [d for d in spec.dimensions if d in common]
    return common
