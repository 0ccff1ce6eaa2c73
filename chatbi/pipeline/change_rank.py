"""A ranking by the change itself (同比下降最多的2个地市, 增长率最高的3个地市): by the growth column of
its comparison, among those that moved the way said, or a problem to ask when it is not clear
whether the value or the change is ranked, by the rate or by the amount."""

from __future__ import annotations

from chatbi.pipeline import shape_words
from chatbi.pipeline.matcher import Match
from semantic_layer import MetricFilter, OrderBy

RATE_OR_AMOUNT = ("rank_by_change", "是按增长率排，还是按变化的量排？请选择：",
                  "Is the ranking by the rate of change or by the amount it changed? Please pick:")


def rank_by_change(match: Match, metric: str, ranked_by: str | None = None):
    """同比下降最多的2个地市: ranked by the change itself (most negative first, among those that fell),
    by its rate or, ``ranked_by`` "amount", by how much it moved; 增长率最高: by the rate, highest
    first. (OrderBy, condition or None) or a problem to ask."""
    compared = [c for c in ("mom", "yoy") if c in match.comparisons]
    if not compared:
        return None
    field = f"{metric}__{compared[0]}"
    direction = match.growth_direction
    one_way = direction in ("up", "down") and match.rank in ("asc", "desc") and len(compared) == 1 \
        and not match.thresholds
    if one_way and ranked_by:  # among those that fell: 下降最多 the largest fall first, 下降最少 the smallest
        largest = match.rank == "desc"
        op, descending = ("<", not largest) if direction == "down" else (">", largest)
        by = field if ranked_by == "rate" else f"{field}_change"
        return OrderBy(field=by, descending=descending), MetricFilter(metric=metric, op=op, value=0.0, of=compared[0])
    said = change_ranked(match)  # the ranking word said of the change itself: 下降最快, 增长率最高
    if one_way and said == "amount":
        return RATE_OR_AMOUNT
    if said is None:
        return ("rank_by_change", "排名是按指标值还是按变化？请分开问（如 新增用户最多的3个地市；同比增长率最高的3个地市）。",
                "Is the ranking by the value or by the change? Ask one (e.g. top 3 cities by new subscribers; "
                "the 3 cities with the highest YoY growth rate).")
    if said == "amount" or len(compared) > 1 or direction == "unclear" or match.rank in ("best", "worst") or (
            direction in ("up", "down") and match.rank == "asc") or match.thresholds:
        return ("rank_by_change", "按变化排名需要说清楚：按增长率（如 同比增长率最高的3个地市、同比下降最快的3个地市），"
                                  "一个对比、一个方向；按增量排名暂不支持。",
                "A ranking by the change needs the rate (e.g. the 3 cities with the highest YoY growth rate, or whose "
                "YoY fell fastest), one comparison and one direction; ranking by the amount of change is not supported.")
    if direction == "down":
        return OrderBy(field=field, descending=False), MetricFilter(metric=metric, op="<", value=0.0, of=compared[0])
    if direction == "up":
        return OrderBy(field=field, descending=True), MetricFilter(metric=metric, op=">", value=0.0, of=compared[0])
    return OrderBy(field=field, descending=match.rank == "desc"), None


def change_ranked(match: Match) -> str | None:
    """rate when a ranking word is said of the change as a rate (增长率最高, 下降最快, highest growth rate);
    amount when it may mean the amount (增长最多: by rate or by how many?); None when it is said of the value."""
    def next_to(a: int, b: int) -> bool:  # only a comparison word or a particle between: 最高的同比增长率
        if a > b:
            return False
        gap = match.text[a:b]
        for word in ("year over year", "month over month", "yoy", "mom", "同比", "环比", "的", "rate", " "):
            gap = gap.replace(word, "")
        return len(gap) <= 1

    for c_start, c_end, change in match.change_words:
        for r_start, r_end, rank in match.rank_words:
            if next_to(c_end, r_start) or next_to(r_end, c_start):
                # 增幅 / 降幅 / 涨幅 say the change's size as a rate (幅度)
                if any(w in rank for w in ("最快", "最慢", "fastest", "slowest")) or change.endswith("幅") or change not in (
                        *shape_words.DECREASE, *shape_words.INCREASE):
                    return "rate"
                return "amount"
    return None
