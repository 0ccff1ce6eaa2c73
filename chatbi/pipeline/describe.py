"""A reading in words, one line per interpretation: what clarification buttons and answer cards
show, so that two candidates never read the same (占华东的比例 beside 占全部的比例)."""

from __future__ import annotations

from chatbi.pipeline.timeparse import ALL_DATA_START
from metric_catalog.model import Catalog
from semantic_layer import SemanticQuery
from semantic_layer.explain import plain_number
from semantic_layer.timegrain import GRAIN_ZH

OPS_ZH = {"not in": "不含", ">": ">", ">=": "≥", "<": "<", "<=": "≤", "between": "介于", "!=": "≠"}
OPS_EN = {"not in": "not ", ">": "> ", ">=": "≥ ", "<": "< ", "<=": "≤ ", "between": "between ", "!=": "not "}


def describe(catalog: Catalog, query: SemanticQuery) -> tuple[str, str]:
    """One line per interpretation, for clarification buttons."""
    names_zh = "、".join(catalog.metrics[m].name.zh for m in query.metrics)
    names_en = ", ".join(catalog.metrics[m].name.en for m in query.metrics)
    rng = query.time_range
    whole = rng is not None and rng.start <= ALL_DATA_START  # all the data: no invented first day
    when = (f"截至 {rng.end} 的全部数据" if whole else f"{rng.start} 至 {rng.end}") if rng else ""
    when_en = (f"all data up to {rng.end}" if whole else f"{rng.start} to {rng.end}") if rng else ""
    by_zh = [("按" + (GRAIN_ZH[g.grain]
                      if g.grain else catalog.dimensions[g.dimension].name.zh)) for g in query.group_by]
    by_en = [f"by {g.grain or catalog.dimensions[g.dimension].name.en}" for g in query.group_by]
    flt_zh = [f"{catalog.dimensions[f.dimension].name.zh}{OPS_ZH.get(f.op, '=')}{'/'.join(map(str, f.values))}"
              for f in query.filters]
    flt_en = [f"{catalog.dimensions[f.dimension].name.en} {OPS_EN.get(f.op, '')}{'/'.join(map(str, f.values))}"
              for f in query.filters]
    shape_zh, shape_en = _describe_shape(catalog, query)
    zh = "，".join(x for x in [names_zh, *flt_zh, *by_zh, *shape_zh, when] if x)
    en = ", ".join(x for x in [names_en, *flt_en, *by_en, *shape_en, when_en] if x)
    return zh, en


COMPARED = {"mom": ("环比", "vs previous period"), "yoy": ("同比", "vs last year"), "ystart": ("较年初", "vs start of year"), "share": ("占比", "share of total")}
OPS = {">": ("高于", "above"), ">=": ("不低于", "at least"), "<": ("低于", "below"), "<=": ("不高于", "at most"),
       "=": ("等于", "equal to"), "!=": ("不等于", "not")}


def _describe_shape(catalog: Catalog, query: SemanticQuery) -> tuple[list[str], list[str]]:
    whole = "、".join(v for f in query.filters if f.dimension in query.share_scope for v in f.values)
    # broken down by two or more, a share of everything says so (each row is no share of its group)
    said_whole = query.filters or len([g for g in query.group_by if g.dimension != "metric_time"]) > 1
    share = (f"占{whole}的比例", f"share of {whole}") if whole else ("占全部的比例", "share of all") if said_whole else None
    each = [catalog.dimensions[g.dimension].name for g in query.group_by if g.dimension in query.share_scope]
    if each:  # 各城市预订单中携程的占比: of each city's own
        share = (f"占每个{'、'.join(n.zh for n in each)}自身的比例", f"share of each {', '.join(n.en for n in each)}'s own")
    zh = [share[0] if c == "share" and share else COMPARED[c][0] for c in query.comparisons]
    en = [share[1] if c == "share" and share else COMPARED[c][1] for c in query.comparisons]
    conditions = having_words(catalog, query)
    zh, en = zh + conditions[0], en + conditions[1]
    if query.cumulative:
        zh.append("逐期累计")
        en.append("running total")
    if query.average_over:
        zh.append(f"按{GRAIN_ZH[query.average_over]}平均")
        en.append(f"average per {query.average_over}")
    if query.average_per:
        zh.append(f"平均每个{catalog.dimensions[query.average_per].name.zh}")
        en.append(f"average per {catalog.dimensions[query.average_per].name.en}")
    if query.top_within:
        t = query.top_within
        zh.append(f"每个{'、'.join(catalog.dimensions[d].name.zh for d in t.within)}{'前' if t.descending else '后'}{t.n}")
        en.append(f"{'top' if t.descending else 'bottom'} {t.n} per {', '.join(catalog.dimensions[d].name.en for d in t.within)}")
    if query.place:  # 排名第二: the place, from the top or the bottom
        high = query.order_by[0].descending
        zh.append(f"{'从高到低' if high else '从低到高'}第{query.place}名")
        en.append(f"{'highest' if high else 'lowest'} #{query.place}")
    elif query.order_by and not query.top_within:
        high = query.order_by[0].descending
        by_zh, by_en = _ranked_by(catalog, query.order_by[0].field)
        zh.append(by_zh + ("最高" if high else "最低") + (f"的{query.limit}个" if query.limit else "在前"))
        en.append(by_en + ("highest" if high else "lowest") + (f" {query.limit}" if query.limit else " first"))
    elif query.limit:
        zh.append(f"取{query.limit}名")
        en.append(f"first {query.limit}")
    return zh, en


def having_words(catalog: Catalog, query: SemanticQuery) -> tuple[list[str], list[str]]:
    """The conditions on computed values, in words (新增用户数环比>0%)."""
    zh: list[str] = []
    en: list[str] = []
    for h in query.having:
        name = catalog.metrics[h.metric].name
        of_zh, of_en = {"value": ("", ""), "mom": ("环比", " MoM"), "yoy": ("同比", " YoY"), "share": ("占比", " share"),
                        "mom_change": ("环比变化", " MoM change"), "yoy_change": ("同比变化", " YoY change"),
                        "cumulative": ("累计", " running total")}[h.of]
        if h.against == "average":
            target_zh, target_en = "平均", "the average"
        else:
            shown = f"{h.value * 100:g}%" if h.of in ("mom", "yoy", "share") or catalog.metrics[h.metric].format == \
                "percent" else plain_number(h.value)
            target_zh = target_en = shown
            if h.of.endswith("_change") and catalog.metrics[h.metric].format == "percent":
                target_zh, target_en = f"{h.value * 100:g}个百分点", f"{h.value * 100:g} percentage points"
        zh.append(f"{name.zh}{of_zh}{OPS[h.op][0]}{target_zh}")
        en.append(f"{name.en}{of_en} {OPS[h.op][1]} {target_en}")
    return zh, en


def _ranked_by(catalog: Catalog, field: str) -> tuple[str, str]:
    """按同比增长率 / 按同比变化量: what a ranking by the change orders (its rate or its amount); nothing
    for a metric's own value."""
    metric, _, column = field.partition("__")
    kind, _, part = column.partition("_")
    if kind not in ("mom", "yoy") or metric not in catalog.metrics:
        return "", ""
    name = catalog.metrics[metric].name
    if part == "change":
        return f"按{name.zh}{COMPARED[kind][0]}变化量", f"by {name.en} change {COMPARED[kind][1]}, "
    return f"按{name.zh}{COMPARED[kind][0]}增长率", f"by {name.en} growth rate {COMPARED[kind][1]}, "
