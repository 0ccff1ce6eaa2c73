"""Things that share a name. A breakdown or filter by 员工 / 客户 compiles to their name column, so
two staff called 梁平 are summed as one (the hunt: 梁平 81 = 77 + 4, ranked second; 傅洋 was four
people). A name shown in the answer, or asked for, that several keys carry makes the number
wrong for each of them, so the answer is not given; names held by one thing each are exact, and
a top N whose names are all unique is the true top N (a merged name only ever adds)."""

from __future__ import annotations

from sqlglot import exp

from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import GroupBy, SemanticQuery, User
from semantic_layer.listing import listing_select
from semantic_layer.scan import dimension_expr

SHOWN = 5  # names quoted in the refusal


def named_entities(catalog: Catalog, query: SemanticQuery) -> list[str]:
    """The queried dimensions that name things by a column other than their key (员工 by staff_name),
    in a query of numbers (a listing has none: it names each name once)."""
    if not query.metrics:
        return []
    dims = [g.dimension for g in query.group_by if g.grain is None] + ([query.average_per] if query.average_per else [])
    dims += [f.dimension for f in query.filters if f.op in ("=", "in")]
    out = []
    for d in dict.fromkeys(dims):
        spec = catalog.dimensions.get(d)
        if spec is not None and spec.key and spec.key != spec.column and graph.entity_dimension(catalog, spec.table) == d:
            out.append(d)
    return out


def names_of(query: SemanticQuery, dimension: str, columns: list[dict], rows: list[list]) -> list[str]:
    said = [v for f in query.filters if f.dimension == dimension and f.op in ("=", "in") for v in f.values]
    index = next((i for i, c in enumerate(columns) if c["name"] == dimension and c["kind"] == "dimension"), None)
    shown = [r[index] for r in rows if r[index] is not None] if index is not None else []
    return list(dict.fromkeys(str(v) for v in [*said, *shown]))


def shared_names_sql(catalog: Catalog, dimension: str, names: list[str], dialect: str) -> str:
    """The names among ``names`` that more than one key of the dimension carries, over the rows a
    listing of the dimension reads (the agents a bridge names, not every party of the table)."""
    spec = catalog.dimensions[dimension]
    name = dimension_expr(catalog, dimension)
    select = listing_select(catalog, SemanticQuery(group_by=[GroupBy(dimension=dimension)]), User.unrestricted())
    for arg in ("distinct", "order", "limit"):
        select.set(arg, None)
    select.set("expressions", [name.copy()])
    select = (select.where(exp.In(this=name.copy(), expressions=[exp.convert(n) for n in names]))
              .group_by(name.copy())
              .having(exp.GT(this=exp.Count(this=exp.Distinct(expressions=[exp.column(spec.key, spec.table)])),
                             expression=exp.Literal.number(1))))
    return select.sql(dialect=dialect)


def ratios_per(catalog: Catalog, metric: str, dimension: str) -> list[str]:
    """The catalog's ratios of ``metric`` over a distinct count of the dimension's keys (人均消费: 销售额 ÷
    活跃客户数 for 平均每个客户的销售额), counted by key, never by name."""
    key = catalog.dimensions[dimension].key
    return [mid for mid, m in catalog.metrics.items() if m.type == "ratio" and m.numerator == metric and not m.hidden
            and (d := catalog.metrics.get(m.denominator)) is not None and d.agg == "count_distinct" and key and d.expr == key]


def refusal(catalog: Catalog, dimension: str, shared: list[str], instead: list[str] = ()) -> tuple[str, str, str]:
    spec = catalog.dimensions[dimension]
    if not shared:  # an average over all of them: no name to quote
        named = [catalog.metrics[m] for m in instead]
        zh = "".join(f"「{m.name.zh}」（{catalog.metrics[m.numerator].name.zh} ÷ {catalog.metrics[m.denominator].name.zh}）"
                     for m in named)
        en = ", ".join(f"'{m.name.en}'" for m in named)
        return ("shared_names", f"有些{spec.name.zh}同名，按名称分组求平均会把不同的{spec.name.zh}合在一起，数字不准确，因此不回答"
                + (f"；目录里按{spec.name.zh}计的{zh}可以直接问。" if named else "。"),
                f"Some {spec.name.en}s share a name; averaging by name would merge them, so the number would be wrong"
                + (f"; the catalog's {en}, counted per {spec.name.en}, can be asked directly." if named else "."))
    said_zh, said_en = "、".join(f"「{n}」" for n in shared[:SHOWN]), ", ".join(shared[:SHOWN])
    if len(shared) > SHOWN:
        said_zh, said_en = f"{said_zh}等 {len(shared)} 个名称", f"{said_en} and {len(shared) - SHOWN} more names"
    return ("shared_names",
            f"{said_zh}是不止一个{spec.name.zh}的名称（同名），按名称汇总会把不同的{spec.name.zh}合在一起，数字不准确，因此不回答；"
            f"可以换一个维度问，或加上别的条件缩小范围再问。",
            f"{said_en} is the name of more than one {spec.name.en}; summing by name would merge them, so the "
            f"number would be wrong. Ask by another dimension, or narrow the question with another condition.")
