"""MoM, QoQ, WoW name the period they compare with. The comparison itself is always "the previous
period of the same length" (semantic_layer.timegrain), so a unit-naming word is taken at its word
only when the period asked is one such unit (or is broken down by it): QoQ for Q3 is Q3 against
Q2; QoQ for this year would be this year against the 319 days before, which nobody meant."""

from __future__ import annotations

import datetime as dt

from semantic_layer.timegrain import MONTHS_PER, Shift, comparison_shift

# (the one before, one of it, by it, English)
UNIT_NAMES = {"month": ("上个月", "一个月", "按月", "month"), "quarter": ("上季度", "一个季度", "按季度", "quarter"),
              "week": ("上周", "一周", "按周", "week")}
WORD = {"month": "「比上月」", "quarter": "QoQ", "week": "WoW"}


def unit_problem(unit: str | None, grain: str | None, start: dt.date, end: dt.date) -> tuple[str, str, str] | None:
    """(code, zh, en) when the period asked is not one ``unit`` (nor broken down by it); else None."""
    if unit is None:
        return None
    # one whole unit, or the unit so far: its comparison then lies one unit back (October alone, asked
    # QoQ, would be September — the answer said 环比 against 2026-09: AOV QoQ, hunt 8)
    one_back = Shift(days=7) if unit == "week" else Shift(months=MONTHS_PER[unit])
    if grain == unit or grain is None and comparison_shift("mom", None, start, end) == one_back:
        return None
    before, one, by, en = UNIT_NAMES[unit]
    return ("comparison_unit",
            f"{WORD[unit]} 是和{before}比，但所问的时间 {start} 至 {end} 不是{one}；"
            f"请问{one}（或{by}拆分），或改用「环比」（与之前同样长的一段时间比）。",
            f"{WORD[unit]} compares one {en} with the {en} before, but the period asked ({start} to {end}) is not "
            f"one {en}; ask for one {en} (or break it down by {en}), or say 'vs previous period'.")
