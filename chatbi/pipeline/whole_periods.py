"""Periods compared or averaged must be whole: half a month is neither the month with the fewest
sign-ups nor a month to average over."""

from __future__ import annotations

import dataclasses
import datetime as dt

from chatbi.pipeline import timeparse
from semantic_layer import SemanticQuery, TimeRange, timegrain
from semantic_layer.timegrain import GRAIN_ZH


def averaged(query: SemanticQuery) -> tuple[tuple[str, str, str] | None, list[SemanticQuery]]:
    """月均 over a period whose last month has not ended (今年 on 11-15) would divide half a month
    as if it were whole: (problem, the whole periods offered instead), or (None, []) when whole."""
    grain, rng = query.average_over, query.time_range
    start = timegrain.bucket_start(rng.start, grain)
    if start != rng.start:
        start = timegrain.next_bucket(start, grain)
    end = timegrain.next_bucket(timegrain.bucket_start(rng.end, grain), grain) - dt.timedelta(days=1)
    if start == rng.start and end == rng.end:
        return None, []
    if end > rng.end:
        end = timegrain.bucket_start(rng.end, grain) - dt.timedelta(days=1)
    problem = ("partial_period", f"{rng.start} 至 {rng.end} 不是完整的{GRAIN_ZH[grain]}，按{GRAIN_ZH[grain]}平均只能用完整的周期：",
               f"{rng.start} to {rng.end} is not whole {grain}s; an average per {grain} needs whole periods:")
    if end <= start:
        return problem, []
    return problem, [query.model_copy(update={"time_range": TimeRange(start=start, end=end)})]


def ranked(period: timeparse.Period, grain: str, data_end: dt.date) -> timeparse.Period:
    """The whole periods of ``period`` when periods are ranked or selected by a condition (今年哪个月
    最少 on 11-15 is January to October, 2026年 too: its data ends on the 15th); the period itself when
    it has none whole."""
    start, end = timegrain.whole_buckets(period.start, min(period.end, data_end), grain)
    if start > end:
        return period
    return dataclasses.replace(period, start=start, end=end)
