"""A human-readable account of a compiled query, in Chinese and English: definitions, filters, period."""

from __future__ import annotations

from semantic_layer.plan import QueryPlan

OPS_ZH = {"=": "为", "!=": "不为", "in": "属于", "not in": "不属于", ">": "大于", ">=": "不小于", "<": "小于",
          "<=": "不大于", "between": "介于"}
OPS_EN = {"=": "is", "!=": "is not", "in": "in", "not in": "not in", ">": ">", ">=": "≥", "<": "<", "<=": "≤",
          "between": "between"}
GRAIN_ZH = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年"}
COMPARISON = {"mom": ("环比", "vs previous period"), "yoy": ("同比", "vs same period last year"),
              "share": ("占比", "share of total")}


def _values(values: list, lang: str) -> str:
    sep = "、" if lang == "zh" else ", "
    return sep.join(str(v) for v in values)


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
    for c in query.comparisons:
        zh.append(f"对比：{COMPARISON[c][0]}")
        en.append(f"Compared: {COMPARISON[c][1]}")
    for h in query.having:
        m = catalog.metrics[h.metric]
        zh.append(f"条件：{m.name.zh}{OPS_ZH[h.op]}{h.value:g}")
        en.append(f"Condition: {m.name.en} {OPS_EN[h.op]} {h.value:g}")
    if query.limit:
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
