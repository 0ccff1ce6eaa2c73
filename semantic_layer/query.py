"""The typed query: what to compute, not how. Relative time words are resolved before this layer."""

from __future__ import annotations

import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Grain = Literal["day", "week", "month", "quarter", "year"]
TIME = "metric_time"  # the pseudo-dimension every metric has: its table's time column


class QueryModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GroupBy(QueryModel):
    dimension: str  # a dimension id, or "metric_time"
    grain: Grain | None = None  # required for metric_time

    @model_validator(mode="after")
    def _grain(self) -> GroupBy:
        if self.dimension == TIME and self.grain is None:
            raise ValueError("grouping by metric_time needs a grain (day, week, month, quarter, year)")
        if self.dimension != TIME and self.grain is not None:
            raise ValueError(f"grain only applies to metric_time, not to {self.dimension}")
        return self

    @property
    def column(self) -> str:
        return self.grain if self.dimension == TIME else self.dimension


class Filter(QueryModel):
    dimension: str
    op: Literal["=", "!=", "in", "not in", ">", ">=", "<", "<=", "between"]
    values: list[Any] = Field(min_length=1)

    @model_validator(mode="after")
    def _arity(self) -> Filter:
        n = len(self.values)
        if self.op == "between" and n != 2:
            raise ValueError("between takes exactly two values")
        if self.op not in ("in", "not in", "between") and n != 1:
            raise ValueError(f"operator {self.op} takes one value")
        return self


class MetricFilter(QueryModel):
    """Having-style: keep groups whose metric value satisfies the comparison.

    ``of`` picks what is compared: the value itself, its growth (mom/yoy, as a fraction: 0.1 is
    +10%), its share of total, or its running total. ``against="average"`` compares with the
    metric over the whole scope instead of a number (高于全省平均): for additive metrics the mean
    of the groups shown, for ratios and distinct counts the overall value.
    """
    metric: str
    op: Literal["=", "!=", ">", ">=", "<", "<="]
    value: float | None = None
    # mom_change / yoy_change: the change itself (a rate's percentage points: 0.002 is 0.2个百分点)
    of: Literal["value", "mom", "yoy", "mom_change", "yoy_change", "share", "cumulative"] = "value"
    against: Literal["number", "average"] = "number"

    @model_validator(mode="after")
    def _target(self) -> MetricFilter:
        if (self.against == "number") != (self.value is not None):
            raise ValueError("a condition compares with a number (value) or with the average, not both or neither")
        if self.against == "average" and self.of != "value":
            raise ValueError("only a metric's value can be compared with its average")
        return self

    @property
    def column(self) -> str:
        return self.metric if self.of == "value" else f"{self.metric}__{self.of}"


class TopWithin(QueryModel):
    """The first ``n`` rows by ``metric`` inside each group of ``within`` (每个地市最多的3个渠道).
    Ties share a place and are all kept, so a group can show more than ``n`` rows."""
    within: list[str] = Field(min_length=1)
    n: int = Field(ge=1, le=1000)
    metric: str
    descending: bool = True


class TimeRange(QueryModel):
    start: datetime.date
    end: datetime.date  # inclusive

    @model_validator(mode="after")
    def _order(self) -> TimeRange:
        if self.end < self.start:
            raise ValueError(f"time range ends ({self.end}) before it starts ({self.start})")
        return self


class OrderBy(QueryModel):
    field: str  # a metric id or a group-by column
    descending: bool = True


# ystart: against the end of the year before (a balance's 年初数: 较年初 is against last 31 December)
Comparison = Literal["mom", "yoy", "ystart", "share"]


class SemanticQuery(QueryModel):
    metrics: list[str] = Field(default_factory=list)  # none: a listing of the group_by dimensions
    group_by: list[GroupBy] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    having: list[MetricFilter] = Field(default_factory=list)
    time_range: TimeRange | None = None
    comparisons: list[Comparison] = Field(default_factory=list)
    order_by: list[OrderBy] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)
    # 排名第二: the answer names the rows at this place of the top-``limit`` (ties kept, so none when
    # two tie above it); the rows above it are shown with it
    place: int | None = Field(default=None, ge=2)
    cumulative: bool = False  # add each metric's running total along the time grain
    top_within: TopWithin | None = None
    average_over: Grain | None = None  # 月均: the mean of the per-period values over the range
    # 平均每个网点: the metric per value of this dimension, averaged over the values that have data
    average_per: str | None = None
    share_scope: list[str] = Field(default_factory=list)  # filters on these name the whole of a share (占华东)
    parts_summed: bool = False  # 杭州或宁波占全省, 不含杭州的占比: the part's values are one total, one share

    @model_validator(mode="after")
    def _unique(self) -> SemanticQuery:
        if not self.metrics:
            if not self.group_by or self.time_group is not None:
                raise ValueError("a query without metrics lists dimensions: name at least one (not a time grain)")
            if self.comparisons or self.having or self.order_by or self.cumulative or self.top_within or \
                    self.average_over or self.average_per:
                raise ValueError("a listing has no metric to compare, rank, filter or average")
        if self.place is not None and (self.limit != self.place or not self.order_by or self.top_within):
            raise ValueError("a place in a ranking needs the ranking, cut at that place")
        if len(set(self.metrics)) != len(self.metrics):
            raise ValueError("a metric is listed twice")
        columns = [g.column for g in self.group_by]
        if len(set(columns)) != len(columns):
            raise ValueError("a group-by is listed twice")
        if sum(g.dimension == TIME for g in self.group_by) > 1:
            raise ValueError("group by at most one time grain")
        if self.cumulative and self.time_group is None:
            raise ValueError("a running total needs a time grain to run along")
        if self.average_over and self.time_group is not None:
            raise ValueError("an average per period cannot also be broken down by period")
        if self.average_per and (self.average_over or self.average_per in columns):
            raise ValueError("an average per thing is neither also an average per period nor broken down by that thing")
        if self.top_within:
            grouped = {g.dimension for g in self.group_by}
            if not set(self.top_within.within) < grouped:
                raise ValueError("top-N within groups needs its groups and one more breakdown in group_by")
            if self.top_within.metric not in self.metrics:
                raise ValueError("top-N within groups ranks one of the queried metrics")
        return self

    @property
    def time_group(self) -> GroupBy | None:
        return next((g for g in self.group_by if g.dimension == TIME), None)
