"""A human-readable account of a compiled query, in Chinese and English: definitions, filters, period."""

from __future__ import annotations

from semantic_layer.plan import QueryPlan
from semantic_layer.timegrain import GRAIN_ZH

OPS_ZH = {"=": "为", "!=": "不为", "in": "属于", "not in": "不属于", ">": "大于", ">=": "不小于", "<": "小于",
          "<=": "不大于", "between": "介于"}
OPS_EN = {"=": "is", "!=": "is not", "in": "in", "not in": "not in", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
          "between": "between"}
COMPARISON = {"mom": ("环比", "vs previous period"), "yoy": ("同比", "vs same period last year"),
              "ystart": ("较年初", "vs the start of the year"),
              "share": ("占比", "share of total")}



def plain_number(value: float) -> str:
    """1,000,000, never 1e+06: a bound is read by people who did not write it."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.6g}"

def _values(values: list, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(str(v) for v in values)


HAVING_OF = {"value": ("", ""), "mom": ("环比", " MoM change"), "yoy": ("同比", " YoY change"),
             "mom_change": ("环比变化", " MoM change in points"), "yoy_change": ("同比变化", " YoY change in points"),
             "share": ("占比", " share"), "cumulative": ("累计", " running total")}


def explain(plan: QueryPlan) -> dict[str, str]:
    catalog, query = plan.catalog, plan.query
    zh: list[str] = []
    en: list[str] = []
    for mid in query.metrics:
        m = catalog.metrics[mid]
        zh.append(f"指标「{m.name.zh}」：{m.description.zh or '（未填写口径）'}")
        en.append(f"Metric '{m.name.en}': {m.description.en or '(no definition given)'}")
    if plan.start is not None:
        zh.append(f"时间：{plan.start} 至 {plan.end}")
        en.append(f"Period: {plan.start} to {plan.end}")
    else:
        zh.append(f"时间：截至 {plan.end} 的全部数据")
        en.append(f"Period: all data up to {plan.end}")
    for f in query.filters:
        d = catalog.dimensions[f.dimension]
        zh.append(f"筛选：{d.name.zh}{OPS_ZH[f.op]}{_values(f.values, 'zh')}")
        en.append(f"Filter: {d.name.en} {OPS_EN[f.op]} {_values(f.values, 'en')}")
    groups_zh = [GRAIN_ZH[g.grain] if g.grain else catalog.dimensions[g.dimension].name.zh for g in query.group_by]
    groups_en = [g.grain if g.grain else catalog.dimensions[g.dimension].name.en for g in query.group_by]
    if groups_zh:
        zh.append(f"按{'、'.join(groups_zh)}分组")
        en.append(f"By {', '.join(groups_en)}")
    each = [catalog.dimensions[g.dimension].name for g in query.group_by if g.dimension in query.share_scope]
    for c in query.comparisons:
        if c == "share" and each:  # 各大区内各门店类型的占比: each row of its own group's whole
            zh.append(f"对比：占本{'、'.join(n.zh for n in each)}的比例")
            en.append(f"Compared: share of its {', '.join(n.en for n in each)}")
            continue
        zh.append(f"对比：{COMPARISON[c][0]}")
        en.append(f"Compared: {COMPARISON[c][1]}")
    for h in query.having:
        m = catalog.metrics[h.metric]
        of_zh, of_en = HAVING_OF[h.of]
        if h.against == "average":
            target_zh, target_en = "平均值（可加指标为各组平均，比率为整体值）", "the average (mean of the groups for additive metrics, the overall value for ratios)"
        else:
            target_zh = target_en = f"{h.value * 100:g}%" if h.of in ("mom", "yoy", "share") else plain_number(h.value)
            if h.of.endswith("_change") and m.format == "percent":
                target_zh, target_en = f"{h.value * 100:g}个百分点", f"{h.value * 100:g} percentage points"
        zh.append(f"条件：{m.name.zh}{of_zh}{OPS_ZH[h.op]}{target_zh}")
        en.append(f"Condition: {m.name.en}{of_en} {OPS_EN[h.op]} {target_en}")
    if query.cumulative:
        zh.append("累计：从时间范围起点逐期累加")
        en.append("Running total from the start of the period")
    if query.average_over:
        zh.append(f"按{GRAIN_ZH[query.average_over]}平均：各期数值的平均（无数据的期按 0 计）")
        en.append(f"Average per {query.average_over}: the mean of the per-period values (empty periods count as 0)")
    if query.average_per:
        name = catalog.dimensions[query.average_per].name
        zh.append(f"平均每个{name.zh}：各{name.zh}数值的平均（只计该期间有数据的{name.zh}）")
        en.append(f"Average per {name.en}: the mean of the per-{name.en} values (only those with data in the period)")
    if query.top_within:
        t = query.top_within
        within_zh = "、".join(catalog.dimensions[d].name.zh for d in t.within)
        within_en = ", ".join(catalog.dimensions[d].name.en for d in t.within)
        zh.append(f"每个{within_zh}取{'前' if t.descending else '后'}{t.n}名（并列的都保留）")
        en.append(f"{'Top' if t.descending else 'Bottom'} {t.n} within each {within_en} (ties all kept)")
    if query.place:
        high = query.order_by[0].descending
        zh.append(f"取{'从高到低' if high else '从低到高'}第{query.place}名（并列时名次相同，同 RANK）")
        en.append(f"Place {query.place} {'from the top' if high else 'from the bottom'} (ties share a place, as RANK)")
    elif query.limit:
        order = query.order_by[0] if query.order_by else None
        word_zh = "前" if order is None or order.descending else "后"
        zh.append(f"取{word_zh}{query.limit}名")
        en.append(f"{'Top' if order is None or order.descending else 'Bottom'} {query.limit}")
    for r in plan.restrictions:
        d = catalog.dimensions[r.dimension]
        zh.append(f"数据权限：仅限{d.name.zh} {r.value}")
        en.append(f"Access: only {d.name.en} {r.value}")
    for note_zh, note_en in plan.notes:
        zh.append(note_zh)
        en.append(note_en)
    return {"zh": "；".join(z.rstrip("。；") for z in zh) + "。", "en": "; ".join(e.rstrip(". ") for e in en) + "."}
