"""The catalog format: typed specs only. Compiling them to SQL is the semantic layer's job.

A catalog is one YAML document with five sections (see docs/catalog.md): ``catalog`` (name,
reference date), ``tables`` (keys, grain, time column, joins), ``dimensions``, ``metrics`` and
``roles``. Ids are the mapping keys, so they are unique by construction.
"""

from __future__ import annotations

import datetime
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Grain = Literal["day", "week", "month", "quarter", "year"]
GRAIN_ORDER: list[str] = ["day", "week", "month", "quarter", "year"]
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
WINDOW_PATTERN = re.compile(r"^(current_month|last_closed_month|current_quarter|last_closed_quarter|"
                            r"year_to_date|last_\d+_(days|months)|reference_date|all)$")


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Spec):
    """A label in Chinese and English. A plain string in YAML is taken as both."""
    zh: str = ""
    en: str = ""

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"zh": value, "en": value} if isinstance(value, str) else value

    def pick(self, lang: str) -> str:
        return (self.zh or self.en) if lang == "zh" else (self.en or self.zh)


class Join(Spec):
    """A join from this table to ``to``.

    many_to_one (default): the other side's key is unique, so joining never multiplies rows.
    many_to_many: a bridge (policy ↔ party): a key may match several rows there. Answers by the
    bridge's dimensions aggregate this table to the key first and count each row once per match
    (each agent gets the whole premium of each policy it is on); totals never go through it.
    """
    to: str
    # this table's column -> the other table's column. (Not "on": YAML 1.1 reads that as true.)
    keys: dict[str, str]
    # complete: every row finds its match (checked by `catalog validate`), so an inner join loses
    # nothing and runs faster; false keeps unmatched rows under an empty key (LEFT JOIN).
    complete: bool = True
    relationship: Literal["many_to_one", "many_to_many"] = "many_to_one"


# How a time column stores its day. date: a DATE; timestamp: a TIMESTAMP (its day is taken);
# yyyymm: a billing-period string such as '202410' (账期); the other string forms are read with
# the engine's date parser (rows it cannot read have no day and are reported by `catalog validate`);
# epoch_seconds: seconds since 1970-01-01 UTC, read as the UTC day.
TimeFormat = Literal["date", "timestamp", "yyyymm", "yyyy-mm-dd", "yyyy/mm/dd", "dd-mm-yyyy", "dd/mm/yyyy",
                     "mm/dd/yyyy", "yyyymmdd", "epoch_seconds"]


class TimeSpec(Spec):
    # a column or an SQL expression over the columns of this table (or of ``via``)
    column: str
    format: TimeFormat = "date"
    # a table this one joins to (many-to-one) whose column gives its rows their day: order lines
    # take the day of their order
    via: str | None = None
    grain: Literal["day", "month"] = "day"
    # reference_date: rows up to the reference date; closed_month: only finished billing periods
    available_through: Literal["reference_date", "closed_month"] = "reference_date"
    # the day the data begins, when its first rows come later (no claim was reported on 1 January):
    # before it the table says nothing; by default the first day that has rows
    data_from: datetime.date | None = None
    # the words that say the event the rows are dated by (入账, booked): 今年入账的佣金 is then this
    # year by this column, never a second date (a year dimension's event, 起保 of 起保年度, counts too)
    events: list[str] = Field(default_factory=list)


class TableSpec(Spec):
    description: Text = Text()
    # the physical table (schema.table) when the id names a subtype of it: premium rows of a
    # policy-amount table are ``source: policy_amount`` with ``where: "amount_type = 'PREM'"``
    source: str | None = None
    where: str | None = None  # SQL predicate over the source's columns, applied to every read
    # optional: a fact without a unique key counts its rows as rows
    primary_key: list[str] = Field(default_factory=list)
    grain: Text = Text()
    # optional: a fact without a time column is answered for all its data and never filtered by time
    time: TimeSpec | None = None
    joins: list[Join] = Field(default_factory=list)
    draft: bool = False  # proposed by `chatbi catalog draft`, not yet reviewed

    def physical(self, table_id: str) -> str:
        return self.source or table_id

    @field_validator("primary_key", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class DimensionSpec(Spec):
    name: Text
    synonyms: list[str] = Field(default_factory=list)
    description: Text = Text()
    table: str
    column: str  # column name or SQL expression over the table's columns
    key: str | None = None  # identifying column (for row-level security and exact filters)
    type: Literal["category", "number", "boolean", "date"] = "category"
    # how a date dimension stores its day (type: date only); read like a time column's format
    format: TimeFormat = "date"
    # usable by metric filters, row-level security and listings' keys, never offered to users
    hidden: bool = False
    draft: bool = False
    values: dict[str, list[str]] = Field(default_factory=dict)  # canonical value -> synonyms
    parent: str | None = None  # hierarchy, e.g. district -> city
    # Whether the column may be NULL (checked by `catalog validate`): NULL keys need null-safe
    # matching when metrics from several tables are combined, which is slower.
    nullable: bool = False
    # how answers name the rows with no value (the online mall has no region: 线上商城); default （无大区）
    empty_label: Text = Text()
    # the values are a state on the data's reference date (保单状态: 有效 / 退保 / 满期), not an event
    # dated in a period: 今年满期的保单 asks for a date the catalog does not have, so it is refused.
    # A value instead of true names the state rows begin in (未决, 有效): nothing happened to reach it,
    # so 今年未决的 is this period's rows still in it, answered
    state: bool | str = False

    def empty_name(self, lang: str) -> str:
        return self.empty_label.pick(lang) or (f"（无{self.name.zh}）" if lang == "zh" else f"(no {self.name.pick('en')})")


class DimensionFilterSpec(Spec):
    dimension: str
    op: Literal["=", "!=", "in", "not in", ">", ">=", "<", "<="] = "in"
    values: list[Any]


class Samples(Spec):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)


class MetricSpec(Spec):
    name: Text
    synonyms: list[str] = Field(default_factory=list)
    description: Text = Text()  # 口径: the definition a data team signs off
    owner: str = ""
    unit: Text = Text()
    format: Literal["integer", "number", "currency", "percent", "score"] = "number"
    decimals: int = 2
    direction: Literal["higher_is_better", "lower_is_better", "neutral"] = "neutral"
    type: Literal["simple", "ratio", "derived", "period_end"]
    # simple / period_end: an aggregation over one table
    table: str | None = None
    agg: Literal["sum", "count", "count_distinct", "avg", "min", "max"] | None = None
    expr: str | None = None
    where: str | None = None  # SQL predicate over the table's own columns
    filters: list[DimensionFilterSpec] = Field(default_factory=list)
    # ratio
    numerator: str | None = None
    denominator: str | None = None
    # derived: an arithmetic expression whose identifiers are metric ids
    formula: str | None = None
    dimensions: list[str] | None = None  # allowed dimensions; None = every reachable one
    ranked_by: str | None = None  # what "排名" ranks when the question does not say (the assessed entity)
    default_window: str = "last_closed_month"
    default_grain: Grain = "month"
    hidden: bool = False  # building block for other metrics, not offered to users
    samples: Samples = Samples()
    draft: bool = False  # proposed by `chatbi catalog draft`, not yet reviewed

    @field_validator("default_window")
    @classmethod
    def _window(cls, value: str) -> str:
        if not WINDOW_PATTERN.match(value):
            raise ValueError(f"unknown default_window {value!r}; use current_month, last_closed_month, "
                             "current_quarter, last_closed_quarter, year_to_date, last_N_days, last_N_months or all")
        return value

    @model_validator(mode="after")
    def _shape(self) -> MetricSpec:
        need = {"simple": ("table", "agg"), "period_end": ("table", "agg"), "ratio": ("numerator", "denominator"),
                "derived": ("formula",)}[self.type]
        missing = [f for f in need if getattr(self, f) is None]
        if missing:
            raise ValueError(f"a {self.type} metric needs {', '.join(missing)}")
        if self.agg and self.agg != "count" and self.expr is None:
            raise ValueError(f"agg {self.agg} needs expr (the column or expression to aggregate)")
        if self.type == "period_end" and self.agg not in ("sum", "max", "min"):
            raise ValueError("a period_end metric aggregates its last period with sum, min or max")
        return self


class RowFilterSpec(Spec):
    dimension: str
    attribute: str  # the user attribute whose value the dimension key must equal


class RoleSpec(Spec):
    name: Text
    description: Text = Text()
    row_filters: list[RowFilterSpec] = Field(default_factory=list)
    deny_metrics: list[str] = Field(default_factory=list)
    deny_dimensions: list[str] = Field(default_factory=list)
    can_write_sql: bool = False  # analysts' free SQL path


class ReferenceDate(Spec):
    """The data's "today": fixed, the machine's date, or read from the warehouse."""
    fixed: datetime.date | None = None
    sql: str | None = None


class UnavailableTopic(Spec):
    """Things people ask for that the catalog does not hold, with the reason given to them."""
    terms: list[str]
    reason: Text


class NamedPeriod(Spec):
    """A day (or run of days) people name instead of a date: 双11 → 11-11; 国庆黄金周 → 10-01, 7 days."""
    terms: list[str]
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    days: int = Field(default=1, ge=1, le=62)


class CatalogInfo(Spec):
    id: str
    name: Text
    description: Text = Text()
    reference_date: ReferenceDate = ReferenceDate()
    unavailable: list[UnavailableTopic] = Field(default_factory=list)
    languages: list[str] = Field(default_factory=lambda: ["zh", "en"])
    calendar: list[NamedPeriod] = Field(default_factory=list)
    # the places people say for everything the catalog covers (全省 of one province's operator): a
    # 全省 / 全国 not listed here names a whole the catalog cannot tell apart, and is asked back
    wholes: list[str] = Field(default_factory=list)
    # the SQL dialect the expressions are written in (duckdb, postgres, spark …): read in it, compiled
    # for whichever warehouse runs them (metric_catalog/dialect.py)
    dialect: str | None = None

    @field_validator("dialect")
    @classmethod
    def _known_dialect(cls, value: str | None) -> str | None:
        import sqlglot

        if value is not None and sqlglot.Dialect.get(value.lower()) is None:
            raise ValueError(f"unknown SQL dialect {value!r} (duckdb, postgres, spark, mysql, snowflake …)")
        return value.lower() if value else None


class Catalog(Spec):
    catalog: CatalogInfo
    tables: dict[str, TableSpec]
    dimensions: dict[str, DimensionSpec]
    metrics: dict[str, MetricSpec]
    roles: dict[str, RoleSpec] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ids(self) -> Catalog:
        for section in ("dimensions", "metrics", "roles"):
            for key in getattr(self, section):
                if not ID_PATTERN.match(key):
                    raise ValueError(f"{section} id {key!r} must be lower_snake_case (a-z, 0-9, _)")
        clash = set(self.metrics) & set(self.dimensions)
        if clash:
            raise ValueError(f"ids used for both a metric and a dimension: {', '.join(sorted(clash))}")
        return self

    def visible_metrics(self) -> dict[str, MetricSpec]:
        return {k: m for k, m in self.metrics.items() if not m.hidden}
