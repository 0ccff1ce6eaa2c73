"""ChatBI: question → guard → matcher → (model) → decision → semantic layer → warehouse → answer.

    bi = ChatBI.from_config()
    answer = bi.ask("近三个月杭州的欠费金额", user=User("li", "analyst"))
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from pathlib import Path

from chatbi.config import Settings, load_settings
from chatbi.llm import LLMError
from chatbi.pipeline import guard, matcher
from chatbi.pipeline.answer import CLARIFY, REFUSED, Answer
from chatbi.pipeline.decide import Decider
from chatbi.pipeline.vocabulary import build_vocabulary
from chatbi.sqlguard import SqlGuard
from chatbi.warehouse import Warehouse, WarehouseError, connect
from metric_catalog.loader import load_catalog
from metric_catalog.model import Catalog
from metric_catalog.validate import reference_date
from semantic_layer import SemanticQuery, User

log = logging.getLogger(__name__)


class ChatBI:
    def __init__(self, catalog: Catalog, warehouse: Warehouse, settings: Settings | None = None,
                 backend=None, use_model: bool = True):
        self.catalog = catalog
        self.warehouse = warehouse
        self.settings = settings or load_settings()
        self.vocabulary = build_vocabulary(catalog, warehouse)
        self.guard = SqlGuard(catalog, warehouse.table_columns(), warehouse.dialect,
                              resolve=lambda sql: warehouse.execute(sql, max_rows=100_000).rows)
        self._backend = backend
        self._use_model = use_model
        self._interpreter = None
        self._index = None
        self._lock = threading.Lock()
        self._reference: dt.date | None = None
        self.decider = Decider(self)

    @classmethod
    def from_config(cls, config: str | Path | None = None, catalog: str | Path | None = None,
                    database: str | None = None, use_model: bool = True, backend=None) -> ChatBI:
        settings = load_settings(config)
        cat = load_catalog(catalog or settings.catalog)
        return cls(cat, connect(database or settings.warehouse.url), settings, backend=backend, use_model=use_model)

    # -- lazily built, long-lived parts ---------------------------------------------------------
    @property
    def interpreter(self):
        """The constrained model; loaded once, its fixed prompt evaluated once."""
        if not self._use_model:
            return None
        with self._lock:
            if self._interpreter is None:
                from chatbi.llm import create_backend
                from chatbi.pipeline.interpreter import Interpreter

                backend = self._backend or create_backend(self.settings.model)
                self._interpreter = Interpreter(self.catalog, backend)
                self._interpreter.warm()
        return self._interpreter

    @property
    def index(self):
        with self._lock:
            if self._index is None:
                from chatbi.pipeline.retrieval import MetricIndex

                self._index = MetricIndex(self.catalog)
        return self._index

    def warm(self) -> None:
        """Load the model and the embeddings now rather than on the first question."""
        _ = self.index
        _ = self.interpreter

    def reference_date(self) -> dt.date:
        if self._reference is None:
            try:
                self._reference = reference_date(self.catalog, self.warehouse)
            except (WarehouseError, IndexError) as exc:
                log.warning("reference date query failed (%s); using today", exc)
                self._reference = dt.date.today()
        return self._reference

    @property
    def model_id(self) -> str:
        return self._interpreter.backend.model_id if self._interpreter else ""

    # -- the two verbs ----------------------------------------------------------------------------
    def ask(self, question: str, user: User | None = None, as_of: dt.date | None = None) -> Answer:
        started = time.perf_counter()
        user = user or User.unrestricted()
        timings: dict[str, float] = {}
        verdict = guard.check(question)
        timings["guard"] = (time.perf_counter() - started) * 1000
        if not verdict.allowed:
            answer = Answer(REFUSED, question, verdict.zh, verdict.en, reason=verdict.reason, path="guard",
                            suggestions=self.decider.suggestions(user))
        else:
            as_of = as_of or self.reference_date()
            t0 = time.perf_counter()
            found = matcher.match(question, self.vocabulary, as_of)
            timings["match"] = (time.perf_counter() - t0) * 1000
            answer = self.decider.decide(question, found, user, as_of, timings)
        answer.timings_ms = {**timings, **answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return answer

    def run(self, query: SemanticQuery, user: User | None = None, as_of: dt.date | None = None,
            question: str = "") -> Answer:
        """Answer a typed interpretation directly (a picked clarification, a dashboard tile)."""
        started = time.perf_counter()
        answer = self.decider.execute(question, query, user or User.unrestricted(), as_of or self.reference_date(),
                                      path="interpretation", timings={})
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def read_model(self, question: str):
        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        return interpreter.read(question)


__all__ = ["CLARIFY", "REFUSED", "ChatBI"]
