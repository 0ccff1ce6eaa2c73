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
    """Having-style: keep groups whose metric value satisfies the comparison."""
    metric: str
    op: Literal["=", "!=", ">", ">=", "<", "<="]
    value: float


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


Comparison = Literal["mom", "yoy", "share"]


class SemanticQuery(QueryModel):
    metrics: list[str] = Field(min_length=1)
    group_by: list[GroupBy] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    having: list[MetricFilter] = Field(default_factory=list)
    time_range: TimeRange | None = None
    comparisons: list[Comparison] = Field(default_factory=list)
    order_by: list[OrderBy] = Field(default_factory=list)
    limit: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _unique(self) -> SemanticQuery:
        if len(set(self.metrics)) != len(self.metrics):
            raise ValueError("a metric is listed twice")
        columns = [g.column for g in self.group_by]
        if len(set(columns)) != len(columns):
            raise ValueError("a group-by is listed twice")
        if sum(g.dimension == TIME for g in self.group_by) > 1:
            raise ValueError("group by at most one time grain")
        return self

    @property
    def time_group(self) -> GroupBy | None:
        return next((g for g in self.group_by if g.dimension == TIME), None)
