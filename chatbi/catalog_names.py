"""The local model drafts names for a drafted catalog: Chinese and English names, synonyms and a
one-line description for each metric and dimension, from its id, its SQL and sample values.
Labels only, never data; every item stays ``draft: true`` for an analyst to review."""

from __future__ import annotations

from collections.abc import Callable

from chatbi.llm import LLMBackend, LLMError, Message

SCHEMA = {"type": "object", "additionalProperties": False, "required": ["zh", "en", "synonyms", "description"],
          "properties": {"zh": {"type": "string", "maxLength": 10}, "en": {"type": "string", "maxLength": 32},
                         "synonyms": {"type": "array", "items": {"type": "string", "maxLength": 12}, "maxItems": 2},
                         "description": {"type": "string", "maxLength": 24}}}
SYSTEM = ("你在为数据仓库起业务名称。给出简短的中文名(zh)、英文名(en)、业务人员常用的说法(synonyms，中英文都有)"
          "和一句中文说明(description)。名称要说出这一列或这个计算本身是什么，不要加“维度”“指标”“信息”。"
          "只根据给出的表名、列名、SQL 和样例值，不要编造业务含义。\n"
          "例：指标 id: total_amount；表: payments；计算: sum amount → "
          '{"zh": "金额合计", "en": "total amount", "synonyms": ["总金额", "amount"], "description": "金额之和"}\n'
          "例：维度 id: status；表: tickets；列: status；样例值: open, closed → "
          '{"zh": "状态", "en": "status", "synonyms": ["处理状态"], "description": "工单的状态"}')
SUFFIXES = ("维度", "指标", "信息")  # what a small model adds to every name (城市维度): not what people say


def _describe(kind: str, item_id: str, spec: dict, samples: dict[str, list[str]]) -> str:
    parts = [f"{'指标' if kind == 'metric' else '维度'} id: {item_id}", f"表: {spec.get('table', '')}"]
    if kind == "metric":
        what = spec.get("expr") or spec.get("agg", "")
        if spec.get("type") == "ratio":
            what = f"{spec['numerator']} / {spec['denominator']}"
        parts.append(f"计算: {spec.get('agg', spec.get('type'))} {what}")
    else:
        parts.append(f"列: {spec.get('column')}")
        values = samples.get(f"{spec.get('table')}.{spec.get('column')}", [])[:5]
        if values:
            parts.append(f"样例值: {', '.join(values)}")
    return "；".join(parts)


def name_items(catalog: dict, backend: LLMBackend, samples: dict[str, list[str]],
               step: Callable[[str], None] = lambda _: None, limit: int | None = None) -> int:
    """Fill names, synonyms and descriptions in place; returns how many items the model named."""
    named = 0
    items = [("metric", k, v) for k, v in catalog["metrics"].items()] + \
            [("dimension", k, v) for k, v in catalog["dimensions"].items()]
    for kind, item_id, spec in items[:limit]:
        prompt = _describe(kind, item_id, spec, samples)
        try:
            data = backend.complete_json([Message("system", SYSTEM), Message("user", prompt)], SCHEMA, max_tokens=100).data
        except LLMError:
            step(item_id)
            continue
        english = spec["name"].get("en", "")
        zh = data["zh"].strip()
        for suffix in SUFFIXES:
            zh = zh.removesuffix(suffix) if len(zh) > len(suffix) else zh
        spec["name"] = {"zh": zh or english, "en": data["en"].strip() or english}
        words = [w.strip() for w in data["synonyms"] if w.strip() and w.strip() not in spec["name"].values()]
        if words:
            spec["synonyms"] = list(dict.fromkeys(words))
        if data["description"].strip():
            spec["description"] = {"zh": data["description"].strip()}
        named += 1
        step(item_id)
    return named
