"""What ChatBI returns for a question: an answer, a choice of interpretations, or a refusal."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from semantic_layer import SemanticQuery

ANSWERED, CLARIFY, REFUSED = "answered", "clarify", "refused"


@dataclass
class Candidate:
    interpretation: SemanticQuery
    description_zh: str
    description_en: str

    def to_dict(self) -> dict:
        return {"interpretation": self.interpretation.model_dump(mode="json", exclude_defaults=True),
                "description": self.description_zh, "description_en": self.description_en}


@dataclass
class Answer:
    status: str
    question: str
    message: str = ""
    message_en: str = ""
    interpretation: SemanticQuery | None = None
    explanation: dict[str, str] = field(default_factory=dict)
    sql: str = ""
    columns: list[dict] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    chart: str = "none"
    candidates: list[Candidate] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    suggestions_en: list[str] = field(default_factory=list)
    path: str = ""  # matcher | model | verified | clarification
    model_id: str = ""
    reason: str = ""  # why refused or clarified (stable code)
    truncated: bool = False
    count: int | None = None  # the number of things the headline says is the answer (有几个 …), if any
    # computed through the catalog's semantic layer (or an analyst-verified SQL); False for analysts'
    # free SQL and drafts, never shown to staff as an answer
    governed: bool = True
    timings_ms: dict[str, float] = field(default_factory=dict)
    verified_id: int | None = None  # the verified answer reused, when path == "verified"
    scope: str = ""  # whose rows the answer covers when row-level security narrowed it
    scope_en: str = ""
    event_id: int | None = None  # the audit record, for feedback and picks (set by the service)

    def with_scope(self, zh: str, en: str) -> Answer:
        """Say in the headline itself whose rows an answer covers."""
        if zh:
            self.scope, self.scope_en = zh, en
            self.message = f"{self.message}（{zh}）"
            self.message_en = f"{self.message_en} ({en}.)"
        return self

    def text(self, lang: str) -> str:
        """The message in ``lang`` (the other language only where none was written)."""
        return (self.message_en or self.message) if lang == "en" else (self.message or self.message_en)

    def suggestions_in(self, lang: str) -> list[str]:
        return (self.suggestions_en or self.suggestions) if lang == "en" else self.suggestions

    def to_dict(self) -> dict:
        out = asdict(self)
        out["interpretation"] = (self.interpretation.model_dump(mode="json", exclude_defaults=True)
                                 if self.interpretation else None)
        out["candidates"] = [c.to_dict() for c in self.candidates]
        out["rows"] = [[_json_value(v) for v in row] for row in self.rows]
        out["timings_ms"] = {k: round(v, 1) for k, v in self.timings_ms.items()}
        out["verified"] = self.verified
        return out

    @classmethod
    def from_dict(cls, data: dict) -> Answer:
        """An answer as ``to_dict`` wrote it (conversation history): dates come back as ISO text."""
        fields = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        query = data.get("interpretation")
        fields["interpretation"] = SemanticQuery.model_validate(query) if query else None
        fields["candidates"] = [Candidate(SemanticQuery.model_validate(c["interpretation"]), c["description"],
                                          c["description_en"]) for c in data.get("candidates", [])]
        return cls(**fields)

    @property
    def verified(self) -> bool:
        """An analyst-verified answer was reused (verified_id says which)."""
        return self.path == "verified" and self.verified_id is not None


def _json_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def suggest_chart(columns: list[dict], rows: list) -> str:
    """Charts by rule: one number → KPI tile; a time key → line; one category → bar; else a table."""
    kinds = [c["kind"] for c in columns]
    metrics = kinds.count("metric")
    if not rows:
        return "table"
    if "time" not in kinds and "dimension" not in kinds and len(rows) == 1 and metrics >= 1:
        return "kpi"
    if "time" in kinds and kinds.count("dimension") <= 1:
        return "line"
    if kinds.count("dimension") == 1 and "time" not in kinds:
        return "bar"
    return "table"


def key_text(column: dict, value: Any, lang: str = "zh") -> str:
    """A time or dimension value as shown; a dimension's empty value by its catalog name (线上商城);
    a period by its grain (2026-01, 2026-Q1, 2026), not the date its bucket starts on."""
    if value is None and column.get("empty"):
        return column["empty_en"] if lang == "en" else column["empty"]
    if value is None:
        return "—"
    if column.get("kind") == "time":
        return period_text(value, column.get("format", ""))
    return str(value)


def period_text(value: Any, grain: str) -> str:
    try:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    if grain == "month":
        return f"{day:%Y-%m}"
    if grain == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if grain == "year":
        return str(day.year)
    return day.isoformat()


# Large amounts as people say them: 1.23亿 / 45.60万 in Chinese, 1.23 million in English. Tables
# and downloads keep the exact number; headlines and KPI tiles read at a glance.
COMPACT = {"zh": ((100_000_000, "亿"), (10_000, "万")), "en": ((1_000_000_000, " billion"), (1_000_000, " million"))}


def format_value(value: Any, fmt: str, unit: str = "", decimals: int = 2, compact: str | None = None) -> str:
    """``compact``: "zh" or "en" to write large amounts in 万/亿 (million/billion), 2 decimals."""
    if value is None:
        return "—"
    number = float(value)
    if fmt == "percent":
        return f"{number * 100:.{max(decimals, 1)}f}%"
    units = COMPACT.get(compact or "", ())
    if units and fmt in ("integer", "currency", "number") and abs(number) >= units[-1][0]:
        for size, word in units:  # by the rounded amount: 99,999,999 is 1.00亿, not 10,000.00万
            if round(abs(number) / size, 2) >= 1:
                return f"{number / size:,.2f}{word}{unit}"
    if fmt == "integer":
        return f"{number:,.0f}{unit}"
    if fmt in ("currency", "number", "score"):
        return f"{number:,.{decimals}f}{unit}"
    return f"{value}{unit}"
