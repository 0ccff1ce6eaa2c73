"""Join paths between tables: many-to-one edges first; bridges (many-to-many) only where the compiler
guards them against fan-out."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from metric_catalog.model import Catalog, Join, RoleSpec


@dataclass(frozen=True)
class JoinStep:
    left: str   # table already in the query
    right: str  # table joined to it
    join: Join
    # an inner join drops nothing only when every hop before it also kept every row: a row of
    # the fact with no hotel reaches the hotel's city as NULLs, which an INNER JOIN would drop
    inner: bool = False


def join_path(catalog: Catalog, source: str, target: str, bridges: bool = True) -> list[JoinStep] | None:
    """Shortest join path from ``source`` to ``target`` (ties broken by declaration order).

    Many-to-one paths come first; one through a many-to-many bridge only when there is none
    (and ``bridges``): the compiler protects bridge hops from double counting (semantic_layer.sources).
    """
    if source == target:
        return []
    path = _shortest(catalog, source, target, False)
    return path if path is not None or not bridges else _shortest(catalog, source, target, True)


def _shortest(catalog: Catalog, source: str, target: str, bridges: bool) -> list[JoinStep] | None:
    queue: deque[tuple[str, list[JoinStep]]] = deque([(source, [])])
    seen = {source}
    while queue:
        table, path = queue.popleft()
        spec = catalog.tables.get(table)
        for join in spec.joins if spec else []:
            if join.to in seen or (join.relationship == "many_to_many" and not bridges):
                continue
            kept = join.complete and all(step.inner for step in path)
            step_path = [*path, JoinStep(table, join.to, join, kept)]
            if join.to == target:
                return step_path
            seen.add(join.to)
            queue.append((join.to, step_path))
    return None


def crosses_bridge(catalog: Catalog, source: str, target: str) -> bool:
    path = join_path(catalog, source, target)
    return bool(path) and any(step.join.relationship == "many_to_many" for step in path)


def joined_on_its_date(catalog: Catalog, fact: str, table: str) -> bool:
    """Whether ``table`` is joined from ``fact`` on the fact's own date alone (a calendar: 节假日,
    平日/周末): its attributes are attributes of the day."""
    spec = catalog.tables.get(fact)
    time = spec.time if spec is not None else None
    if time is None or time.via:
        return False
    return any(j.to == table and list(j.keys) == [time.column] for j in spec.joins)


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


def metric_inputs(catalog: Catalog, metric_id: str) -> list[str]:
    """Every metric a metric is computed from, at any depth (not itself)."""
    out: list[str] = []
    stack = [metric_id]
    while stack:
        spec = catalog.metrics[stack.pop()]
        if spec.type == "ratio":
            refs = [spec.numerator, spec.denominator]
        elif spec.type == "derived":
            refs = formula_refs(spec.formula or "")
        else:
            refs = []
        for ref in refs:
            if ref in catalog.metrics and ref not in out and ref != metric_id:
                out.append(ref)
                stack.append(ref)
    return out


def formula_refs(formula: str) -> list[str]:
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(formula)
    return list(dict.fromkeys(col.name for col in tree.find_all(exp.Column)))


def allowed_dimensions(catalog: Catalog, metric_id: str) -> list[str]:
    """Dimensions every underlying table can reach, narrowed by the metric's own list; never a hidden one."""
    spec = catalog.metrics[metric_id]
    tables = {catalog.metrics[leaf].table for leaf in leaf_metrics(catalog, metric_id)}
    reachable = [set(reachable_dimensions(catalog, t)) for t in tables]  # once per table, not per dimension
    common = [d for d, dim in catalog.dimensions.items() if not dim.hidden and all(d in r for r in reachable)]
    if spec.dimensions is not None:
        return [d for d in spec.dimensions if d in common]
    return common


def denied_metrics(catalog: Catalog, role: RoleSpec | None) -> dict[str, str]:
    """Every metric the role may not see → the denied metric that causes it (itself, or an input).

    A ratio or formula over a denied metric is denied too: with the ratio and its other input
    visible, the denied one is one division away (a rate and its numerator give the denominator).
    """
    if role is None or not role.deny_metrics:
        return {}
    out = {m: m for m in role.deny_metrics if m in catalog.metrics}
    for mid in catalog.metrics:
        for ref in metric_inputs(catalog, mid):
            if ref in out and mid not in out:
                out[mid] = out[ref]
                break
    return out


def entity_dimension(catalog: Catalog, table: str) -> str | None:
    """The dimension that names one row of ``table`` (its key is the table's primary key)."""
    keys = set(catalog.tables[table].primary_key) if table in catalog.tables else set()
    return next((d for d, spec in catalog.dimensions.items() if spec.table == table and spec.key in keys), None)
