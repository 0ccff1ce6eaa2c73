"""A bound said in a question as the condition a group's value must meet: 超过1000 of the value,
增长超过10% of its change, 高于平均 of the average, 提升超过2个百分点 of a rate's change in points —
or (code, zh, en) when the words cannot be computed as said."""

from __future__ import annotations

import dataclasses
import re

from chatbi.pipeline import shape_words
from chatbi.pipeline.matcher import Match
from metric_catalog.model import Catalog
from semantic_layer import MetricFilter

RELATIVE_CLAUSE = re.compile(r"\b(?:that|which|who|where|with)\b|[,，]", re.I)
_NUMBER_THEN = re.compile(r"\s*[\d.,]+\s*(?:%|[万千百亿kmw]|thousand|million|billion)?\s*[个件单笔元家户人]?\s*", re.I)


def names_the_number(text: str, position: int, metric_at: int) -> bool:
    """Whether the metric said at ``metric_at`` comes right after the condition said at ``position``:
    only its bound's word and number between (over 1000 units)."""
    if metric_at <= position:
        return False
    gap = text[position:metric_at]
    word = next((w for w in sorted((w for w, _ in shape_words.OPERATORS), key=len, reverse=True)
                 if gap.startswith(w)), "")
    return bool(_NUMBER_THEN.fullmatch(gap[len(word):])) and any(ch.isdigit() for ch in gap)


def condition_of(catalog: Catalog, match: Match, metric: str, position: int, threshold) -> MetricFilter | tuple:
    spec = catalog.metrics[metric]
    if match.growth_direction == "unclear":
        return ("change_unclear", "问题里的变化方向不明确（如 增速下降、同时问环比和同比的升降），请分开问，或写成 增长率低于 -5%。",
                "Which way the change goes is not clear (growth slowing, or two changes at once); ask one, "
                "or say 'growth below -5%'.")
    if match.growth and (len(match.metric_hits) > 1 or len({p for p, _ in match.thresholds}) > 1):
        # 离网率环比上升且欠费率高于3%: which bound is on a change and which on a value is not read
        # apart yet (the 3% was taken as 欠费率's growth and the rise dropped): asked apart, never guessed
        return ("change_and_value", "问题里同时有变化（环比/同比升降）和其他条件，暂不支持一起筛选；请分开问（如 先问环比上升的地市，再看它们的欠费率）。",
                "The question bounds both a change and another value; these cannot be combined yet. Ask them "
                "apart (the cities whose rate rose, then their other values).")
    compared_both = {"mom", "yoy"} <= set(match.comparisons)
    if compared_both and match.growth and threshold.unit == "%":
        return ("change_unclear", "条件是对环比还是同比？请只保留一个。",
                "Is the condition on the month-over-month or the year-over-year change? Keep one.")
    if threshold.value is None:
        if threshold.whole and (match.filters or match.excluded):
            return ("average_scope", "「全部平均」要包括筛选范围之外的对象吗？我能比较的是所问范围内的平均，请去掉「全省/全公司」或去掉筛选。",
                    "Should the overall average include what the question filters out? I can compare with the "
                    "average within the scope asked; drop 'overall' or the filter.")
        if threshold.of and not _names_the_groups(catalog, match, threshold.of):
            return ("average_of_what", f"「{threshold.of}平均」是哪些对象的平均？我能比较的是所列对象的平均或全部的平均。",
                    f"Which average is '{threshold.of} average'? I can compare with the average of the things listed "
                    "or the overall one.")
        return MetricFilter(metric=metric, op=threshold.op, against="average")
    compared = [c for c in ("mom", "yoy") if c in match.comparisons]
    if threshold.unit == "pp" and spec.format == "percent" and not compared and not match.growth \
            and "share" not in match.comparisons:
        threshold = dataclasses.replace(threshold, unit="%")  # 退货率高于2个点: a rate's level, 2%
    if threshold.unit == "pp" and compared and spec.format == "percent":  # 离网率同比提升超过0.2个百分点
        down = match.growth_direction == "down"
        if down and (threshold.op not in (">", ">=") or threshold.value < 0):
            return ("decline_band", "「下降不到…个百分点」是否包括上升的情况？请写成 变化高于 -N 个百分点。",
                    "Does 'fell by less than N points' include rises? Please say 'change above -N points'.")
        op = {">": "<", ">=": "<="}[threshold.op] if down else threshold.op
        return MetricFilter(metric=metric, op=op, value=(-1 if down else 1) * threshold.value / 100 or 0.0,
                            of=f"{compared[0]}_change")
    if threshold.unit == "pp":
        return ("percentage_points", "暂不支持按百分点变化筛选，请用百分比（如 增长超过10%）。",
                "Conditions on percentage-point changes are not supported; use a percentage (growth above 10%).")
    if threshold.unit == "%":
        if compared and match.growth_direction == "down":
            # 下降超过10%: a change below -10%; 下降不到10% would also take in every rise, so it is asked
            if threshold.op not in (">", ">=") or threshold.value < 0:
                return ("decline_band", f"「下降不到 {threshold.value:g}%」是否包括增长的情况？请写成 增长率高于 -{threshold.value:g}%。",
                        f"Does 'fell by less than {threshold.value:g}%' include rises? Please say 'growth above "
                        f"-{threshold.value:g}%'.")
            return MetricFilter(metric=metric, op="<" if threshold.op == ">" else "<=", value=-threshold.value / 100 or 0.0,
                                of=compared[0])
        if compared:
            return MetricFilter(metric=metric, op=threshold.op, value=threshold.value / 100, of=compared[0])
        if "share" in match.comparisons:
            return MetricFilter(metric=metric, op=threshold.op, value=threshold.value / 100, of="share")
        if spec.format == "percent":
            return MetricFilter(metric=metric, op=threshold.op, value=threshold.value / 100)
        return ("percent_of_what", f"「{spec.name.zh}」不是百分比，{threshold.value:g}% 是和什么比？",
                f"'{spec.name.en}' is not a percentage; {threshold.value:g}% of what?")
    if threshold.value == 0 and (spec.format == "percent" or compared):  # 离网率为0: 0 is 0%, whatever the unit
        return MetricFilter(metric=metric, op=threshold.op, value=0.0, of=compared[0] if compared and match.growth else "value")
    if compared and match.growth and spec.format != "percent" and threshold.value >= 1000 and threshold.op in (">", ">="):
        # 环比增加超过10万元的门店: no rate goes up by 100000%; the amount it moved by (下降: below -10万)
        down = match.growth_direction == "down"
        return MetricFilter(metric=metric, op={">": "<", ">=": "<="}[threshold.op] if down else threshold.op,
                            value=-threshold.value if down else threshold.value, of=f"{compared[0]}_change")
    if spec.format == "percent" or (compared and match.growth):
        return ("ambiguous_number", f"{threshold.value:g} 是百分比吗？请写成 {threshold.value:g}%。",
                f"Is {threshold.value:g} a percentage? Please write {threshold.value:g}%.")
    return MetricFilter(metric=metric, op=threshold.op, value=threshold.value)


def _names_the_groups(catalog: Catalog, match: Match, words: str) -> bool:
    """'store' in "above the store average" of stores; 社区店 in 低于社区店平均水平的社区店 (filtered to them)."""
    said = re.sub(r"^(?:各个|各|每个|每|所有|全部)", "", words.lower()).removesuffix("s")  # 各城市的平均: of the cities
    names = {n for d in match.group_by if d in catalog.dimensions
             for n in (catalog.dimensions[d].name.zh, catalog.dimensions[d].name.en, *catalog.dimensions[d].synonyms)}
    for d, values in match.filters.items():
        spec = catalog.dimensions.get(d)
        names |= {n for v in values for n in [v, *(spec.values.get(v, []) if spec else [])]}
    return said in {n.lower().removesuffix("s") for n in names} or said in ("company", "公司", "整体水平")
