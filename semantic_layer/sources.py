"""Where a catalog table's rows come from, and how bridge tables join without double counting.

A subtype table (``source`` + ``where``) reads its physical table through its predicate, under
its own id, so every query over it sees only its rows. A many-to-many join (a bridge: policy ↔
party) is never joined into a fact's scan directly: the bridge side becomes one
``SELECT DISTINCT <key>, <its dimensions>`` subquery, so each fact row meets each distinct
dimension value once, whatever the number of bridge rows behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlglot
from sqlglot import exp

from metric_catalog import graph
from metric_catalog.graph import JoinStep
from metric_catalog.model import Catalog
from semantic_layer.errors import NotAllowed
from semantic_layer.joins import join


def table_source(catalog: Catalog, table_id: str, alias: str | None = None) -> exp.Expression:
    """``physical AS alias`` or, for a subtype, ``(SELECT * FROM physical WHERE …) AS alias``."""
    spec = catalog.tables[table_id]
    alias = alias or table_id
    physical = exp.to_table(spec.physical(table_id))
    if spec.where is None:
        return exp.alias_(physical, alias, table=True)
    return exp.select("*").from_(physical).where(sqlglot.parse_one(spec.where)).subquery(alias)


def join_on(step: JoinStep, right_alias: str | None = None) -> exp.Expression:
    return exp.and_(*[exp.EQ(this=exp.column(left, step.left), expression=exp.column(right, right_alias or step.right))
                      for left, right in step.join.keys.items()])


def is_bridge(step: JoinStep) -> bool:
    return step.join.relationship == "many_to_many"


@dataclass
class Bridge:
    """One many-to-many hop of a scan, with the tables reached beyond it."""
    step: JoinStep
    alias: str
    beyond: list[str] = field(default_factory=list)  # tables behind the bridge (the bridge included)

    @property
    def key_aliases(self) -> list[str]:
        return [f"__k{i}" for i in range(len(self.step.join.keys))]


def split_paths(catalog: Catalog, source: str, needed: list[str]) -> tuple[list[str], list[Bridge]]:
    """Tables the scan joins many-to-one, and the bridges the other tables lie behind."""
    direct: list[str] = []
    bridges: dict[tuple, Bridge] = {}
    for target in needed:
        path = graph.join_path(catalog, source, target) or []
        cut = next((i for i, step in enumerate(path) if is_bridge(step)), None)
        if cut is None:
            direct.append(target)
            continue
        if any(is_bridge(step) for step in path[cut + 1:]):
            raise NotAllowed("这些维度之间隔着两层多对多关系，无法不重复计数地计算。",
                             "These dimensions lie behind two many-to-many joins; they cannot be counted "
                             "without double counting.")
        step = path[cut]
        direct.append(step.left)
        key = (step.left, step.right)
        bridge = bridges.setdefault(key, Bridge(step, f"__bridge{len(bridges)}"))
        bridge.beyond += [t for t in [step.right, *(s.right for s in path[cut + 1:])] if t not in bridge.beyond]
    return list(dict.fromkeys(direct)), list(bridges.values())


def owning_bridge(catalog: Catalog, bridges: list[Bridge], table: str) -> Bridge | None:
    return next((b for b in bridges if table in b.beyond), None)


def bridge_select(catalog: Catalog, bridge: Bridge, columns: list[tuple[str, exp.Expression]],
                  where: list[exp.Expression]) -> exp.Select:
    """SELECT DISTINCT the bridge's keys and the dimension values asked for, behind the bridge."""
    step = bridge.step
    keys = [exp.alias_(exp.column(right, step.right), alias)
            for right, alias in zip(step.join.keys.values(), bridge.key_aliases, strict=True)]
    select = exp.select(*keys, *[exp.alias_(e, name) for name, e in columns]).distinct()
    select = select.from_(table_source(catalog, step.right))
    joined = {step.right}
    for target in bridge.beyond:
        for hop in graph.join_path(catalog, step.right, target, bridges=False) or []:
            if hop.right in joined:
                continue
            select = join(select, table_source(catalog, hop.right), on=join_on(hop),
                          how="inner" if hop.inner else "left")
            joined.add(hop.right)
    return select.where(exp.and_(*where)) if where else select


def bridge_on(bridge: Bridge) -> exp.Expression:
    step = bridge.step
    return exp.and_(*[exp.EQ(this=exp.column(left, step.left), expression=exp.column(alias, bridge.alias))
                      for left, alias in zip(step.join.keys, bridge.key_aliases, strict=True)])


def semi_join(catalog: Catalog, table: str, target: str, predicate: exp.Expression) -> exp.Expression:
    """``table``'s rows that reach a ``target`` row satisfying ``predicate``, as nested IN-subqueries:
    a filter that never multiplies rows, whatever joins lie between."""
    path = graph.join_path(catalog, table, target) or []
    if not path:
        return predicate
    inner = predicate
    for step in reversed(path):
        if len(step.join.keys) != 1:
            raise NotAllowed("行级权限只能沿单列关联限定。", f"Row filters need single-column joins ({step.left} → {step.right}).")
        (fk, pk), = step.join.keys.items()
        sub = exp.select(exp.column(pk, step.right)).from_(table_source(catalog, step.right)).where(inner)
        inner = exp.column(fk, step.left).isin(query=sub)
    return inner
