"""The local model, constrained to the catalog: question → a reading in the catalog's own words.

The prompt (catalog + instructions + examples) is fixed, so its evaluation is cached once in the
long-lived model. The output grammar allows only catalog metric ids (or out_of_scope), dimension
ids, known filter values and a strict time code, so the model cannot invent a metric or a city.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import time
from dataclasses import dataclass, field

from chatbi.llm import LLMBackend, LLMError, Message
from chatbi.pipeline import timeparse
from metric_catalog.model import Catalog

OUT_OF_SCOPE = "out_of_scope"
GRAINS = ["month", "quarter", "week", "day", "year"]
TIME_CODE = r"^(none|this_month|last_month|this_quarter|last_quarter|this_year|last_year|ytd|last_[1-9][0-9]?_months|last_[1-9][0-9]?_days|20[0-9]{2}|20[0-9]{2}-(0[1-9]|1[0-2])|20[0-9]{2}-Q[1-4])$"

EXAMPLES = [
    ("上个月各地市欠费金额", {"m": "arrears_amount", "g": ["city"], "t": "last_month"}),
    ("近三个月杭州自营厅新增用户趋势", {"m": "new_subscribers", "g": ["month"], "t": "last_3_months"}),
    ("broadband installs by channel type last quarter", {"m": "broadband_installs", "g": ["channel_type"],
                                                         "t": "last_quarter"}),
    ("今年离网率最高的5个地市", {"m": "churn_rate", "g": ["city"], "t": "this_year"}),
    ("卖出去多少部手机", {"m": "terminal_units", "g": [], "t": "none"}),
    ("把所有欠费用户改成停机", {"m": OUT_OF_SCOPE, "g": [], "t": "none"}),
    ("明天会下雨吗", {"m": OUT_OF_SCOPE, "g": [], "t": "none"}),
    ("员工的工资是多少", {"m": OUT_OF_SCOPE, "g": [], "t": "none"}),
]


@dataclass
class ModelReading:
    metric: str
    group_by: list[str] = field(default_factory=list)
    time_code: str = "none"
    raw: dict = field(default_factory=dict)
    model_id: str = ""
    elapsed_ms: float = 0.0

    @property
    def grain(self) -> str | None:
        return next((g for g in self.group_by if g in GRAINS), None)

    @property
    def dimensions(self) -> list[str]:
        return [g for g in self.group_by if g not in GRAINS]

    def time_window(self, as_of: dt.date) -> timeparse.TimeWindow | None:
        return code_to_window(self.time_code, as_of)


def code_to_window(code: str, as_of: dt.date) -> timeparse.TimeWindow | None:
    simple = {"this_month": "this_month", "last_month": "last_month", "this_quarter": "this_quarter",
              "last_quarter": "last_quarter", "this_year": "this_year", "ytd": "ytd"}
    if code == "none":
        return None
    if code in simple:
        return timeparse.TimeWindow(simple[code], code)
    if code == "last_year":
        return timeparse.TimeWindow("year", code, year=as_of.year - 1)
    if m := re.fullmatch(r"last_(\d+)_months", code):
        return timeparse.TimeWindow("last_n_months", code, n=int(m[1]))
    if m := re.fullmatch(r"last_(\d+)_days", code):
        return timeparse.TimeWindow("last_n_days", code, n=int(m[1]))
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", code):
        return timeparse.TimeWindow("quarter", code, year=int(m[1]), quarter=int(m[2]))
    if m := re.fullmatch(r"(\d{4})-(\d{2})", code):
        return timeparse.TimeWindow("month", code, year=int(m[1]), month=int(m[2]))
    if re.fullmatch(r"\d{4}", code):
        return timeparse.TimeWindow("year", code, year=int(code))
    return None


class Interpreter:
    def __init__(self, catalog: Catalog, backend: LLMBackend):
        self.catalog = catalog
        self.backend = backend
        self.metric_ids = sorted(catalog.visible_metrics())
        self.dimension_ids = list(catalog.dimensions)
        self.schema = self._schema()
        self.prefix = self._prefix_messages()

    def _schema(self) -> dict:
        # Only what the matcher cannot settle by rule: the metric, the breakdown, the period.
        # Every output token costs ~45 ms on two cores, so the reading stays this small.
        return {
            "type": "object",
            "properties": {
                "m": {"enum": [*self.metric_ids, OUT_OF_SCOPE]},
                "g": {"type": "array", "items": {"enum": [*self.dimension_ids, *GRAINS]}, "maxItems": 2},
                "t": {"type": "string", "pattern": TIME_CODE},
            },
            "required": ["m", "g", "t"],
            "additionalProperties": False,
        }

    def _prefix_messages(self) -> list[Message]:
        cat = self.catalog
        metrics = "\n".join(f"- {mid}: {m.name.zh}/{m.name.en}，又称{'、'.join(m.synonyms[:4])}"
                            for mid, m in cat.visible_metrics().items())
        dims = "\n".join(f"- {did}: {d.name.zh}/{d.name.en}" for did, d in cat.dimensions.items())
        system = (
            "你是电信渠道考核数据助手的查询解析器，把用户问题解析成JSON，只能使用下列指标和维度。\n"
            "如果问题与这些指标无关、要求修改/删除数据、闲聊、或问的是列表里没有的指标，m 填 out_of_scope。\n"
            f"指标:\n{metrics}\n维度:\n{dims}\n"
            "字段: m=指标id; g=按什么分组(维度id，或 month/quarter/week/day/year 表示按时间)，筛选条件不算分组; "
            "t=时间(none/this_month/last_month/last_N_months/this_quarter/last_quarter/this_year/last_year/ytd/"
            "YYYY/YYYY-MM/YYYY-QN/last_N_days)。"
        )
        messages = [Message("system", system)]
        for question, answer in EXAMPLES:
            messages += [Message("user", question), Message("assistant", json.dumps(answer, ensure_ascii=False))]
        return messages

    def warm(self) -> None:
        self.backend.warm(self.prefix)

    def read(self, question: str) -> ModelReading:
        started = time.perf_counter()
        completion = self.backend.complete_json([*self.prefix, Message("user", question.strip()[:300])], self.schema,
                                                max_tokens=80)
        data = completion.data
        if data.get("m") not in (*self.metric_ids, OUT_OF_SCOPE):
            raise LLMError(f"model answered an unknown metric {data.get('m')!r}")
        return ModelReading(metric=data["m"], group_by=list(dict.fromkeys(data.get("g", []))),
                            time_code=data.get("t", "none"), raw=data, model_id=completion.model_id,
                            elapsed_ms=(time.perf_counter() - started) * 1000)

