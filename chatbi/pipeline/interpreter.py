"""The local model, constrained to the catalog: question → a reading in the catalog's own words.

The prompt (catalog + instructions + examples) is fixed, so its evaluation is cached once in the
long-lived model. The output grammar allows only catalog metric ids (or out_of_scope), dimension
ids, known filter values and a strict time code, so the model cannot invent a metric or a city.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from chatbi.llm import Completion, LLMBackend, LLMError, Message
from chatbi.pipeline.catalog_voice import assistant_name, few_shot
from chatbi.pipeline.full_reading import ASK_FULL, FullReading, reading_schema
from metric_catalog.model import Catalog

OUT_OF_SCOPE = "out_of_scope"
METRIC_LEAD = '{"m": "'  # the metric read's fixed start: part of its prompt, and where a full read resumes



@dataclass
class ModelReading:
    metric: str
    raw: dict = field(default_factory=dict)
    model_id: str = ""
    elapsed_ms: float = 0.0
    completion: Completion | None = None  # tokens in/out and timings, for benchmarks and the audit


class Interpreter:
    def __init__(self, catalog: Catalog, backend: LLMBackend, vocabulary=None,
                 full_examples: list[tuple[str, str, dict]] = ()):
        """``full_examples``: (question, metric, its breakdowns and filters) from the catalog's own
        samples as the rules read them, shown to the model in the fixed prefix."""
        self.catalog = catalog
        self.backend = backend
        self.metric_ids = sorted(catalog.visible_metrics())
        self.schema = self._schema()
        self.full_examples = list(full_examples)
        self.full_schema = reading_schema(catalog, vocabulary) if vocabulary is not None else None
        self.prefix = self._prefix_messages()

    def _schema(self) -> dict:
        # The model settles only what rules cannot: which metric a paraphrase means, or that none
        # does. Periods, filters and breakdowns come from the matcher, and anything it cannot
        # explain blocks a direct answer. One enum keeps generation to a handful of tokens.
        return {"type": "object", "properties": {"m": {"enum": [*self.metric_ids, OUT_OF_SCOPE]}},
                "required": ["m"], "additionalProperties": False}

    def _prefix_messages(self) -> list[Message]:
        cat = self.catalog
        metrics = "\n".join(f"- {mid}: {m.name.zh}/{m.name.en}，又称{'、'.join(m.synonyms[:4])}"
                            for mid, m in cat.visible_metrics().items())
        system = (
            f"你是{assistant_name(cat, 'zh')}。判断用户问题问的是下列哪个指标。\n"
            "如果问题与这些指标无关、要求修改/删除数据、闲聊、或问的是列表里没有的指标，填 out_of_scope。\n"
            f"指标:\n{metrics}\n"
            "只输出 {\"m\": 指标id}。"
        )
        if self.full_schema is not None:
            dims = "\n".join(f"- {did}: {catalog_names(d)}" for did, d in cat.dimensions.items() if not d.hidden)
            system += f"\n被要求时，再读出拆分维度和筛选值: {{\"d\": [维度id], \"f\": [{{\"d\": 维度id, \"v\": 值}}]}}。\n维度:\n{dims}"
        messages = [Message("system", system)]
        for question, metric in few_shot(cat, OUT_OF_SCOPE):
            messages += [Message("user", question), Message("assistant", json.dumps({"m": metric}))]
        for question, metric, reading in self.full_examples if self.full_schema is not None else []:
            messages += [Message("user", question), Message("assistant", json.dumps({"m": metric})),
                         Message("user", ASK_FULL), Message("assistant", json.dumps(reading, ensure_ascii=False))]
        return messages

    def read_full(self, question: str, metric: str) -> FullReading:
        """The breakdowns and filters of ``question`` once its metric is known (see full_reading.py)."""
        if self.full_schema is None:
            raise LLMError("no vocabulary for full readings")
        asked = [*self.prefix, Message("user", question.strip()[:300])]
        messages = [*asked, Message("assistant", json.dumps({"m": metric})), Message("user", ASK_FULL)]
        if hasattr(self.backend, "choose"):  # llama.cpp: continue from the metric read's evaluated prompt
            completion = self.backend.complete_json(messages, self.full_schema, max_tokens=80, after=(asked, METRIC_LEAD))
        else:
            completion = self.backend.complete_json(messages, self.full_schema, max_tokens=80)
        return FullReading.from_compact(metric, completion.data)

    def warm(self) -> None:
        self.backend.warm(self.prefix)

    def read(self, question: str, examples: list[tuple[str, str]] = ()) -> ModelReading:
        """``examples``: analyst-verified (question, metric) pairs close to this question; they go after
        the fixed prefix, so its cached evaluation is still reused."""
        started = time.perf_counter()
        shots = [m for q, metric in examples if metric in self.metric_ids
                 for m in (Message("user", q[:300]), Message("assistant", json.dumps({"m": metric})))]
        messages = [*self.prefix, *shots, Message("user", question.strip()[:300])]
        if hasattr(self.backend, "choose"):  # llama.cpp: the JSON's fixed parts are not sampled
            completion = self.backend.choose(messages, METRIC_LEAD, [*self.metric_ids, OUT_OF_SCOPE], '"}')
        else:
            completion = self.backend.complete_json(messages, self.schema, max_tokens=24)
        data = completion.data
        if data.get("m") not in (*self.metric_ids, OUT_OF_SCOPE):
            raise LLMError(f"model answered an unknown metric {data.get('m')!r}")
        return ModelReading(metric=data["m"], raw=data, model_id=completion.model_id,
                            elapsed_ms=(time.perf_counter() - started) * 1000, completion=completion)



def catalog_names(spec) -> str:
    words = [spec.name.zh, spec.name.en, *spec.synonyms[:3]]
    return "/".join(dict.fromkeys(w for w in words if w))
