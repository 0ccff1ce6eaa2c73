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
        self._vanna = None
        self._lock = threading.RLock()
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

    def run_sql(self, sql: str, user: User | None = None, max_rows: int = 1000) -> Answer:
        """Analysts' own SQL: only roles allowed to write SQL; guarded like everything else; unverified."""
        from chatbi.pipeline.answer import ANSWERED, suggest_chart
        from chatbi.sqlguard import SqlRejected
        from semantic_layer.access import role_of

        started = time.perf_counter()
        user = user or User.unrestricted()
        role = role_of(self.catalog, user)
        if role is not None and not role.can_write_sql:
            return Answer(REFUSED, sql, f"你的角色（{role.name.zh}）不能直接运行 SQL，请用自然语言提问。",
                          f"Your role ({role.name.en}) cannot run SQL; ask in plain language.",
                          reason="sql_not_allowed", path="analyst_sql", verified=False)
        try:
            guarded = self.guard.check(sql, user, max_rows=max_rows)
            result = self.warehouse.execute(guarded.sql, max_rows=max_rows, timeout_s=30)
        except SqlRejected as exc:
            return Answer(REFUSED, sql, exc.zh, exc.en, reason=f"guard_{exc.code}", path="analyst_sql", verified=False)
        except WarehouseError as exc:
            return Answer(REFUSED, sql, f"查询执行失败：{exc}", f"The query failed: {exc}", reason="execution_error",
                          sql=guarded.sql, path="analyst_sql", verified=False)
        columns = [{"name": c, "kind": _column_kind(result.rows, i), "label": c, "label_en": c, "format": "",
                    "metric": None} for i, c in enumerate(result.columns)]
        rows = [list(r) for r in result.rows]
        return Answer(ANSWERED, sql, f"分析师 SQL（未经验证），{len(rows)} 行。", f"Analyst SQL (unverified), {len(rows)} rows.",
                      sql=guarded.sql, columns=columns, rows=rows, chart=suggest_chart(columns, rows),
                      path="analyst_sql", truncated=result.truncated, verified=False,
                      timings_ms={"total": (time.perf_counter() - started) * 1000})

    @property
    def vanna(self):
        """The analysts' drafting path, trained once on this catalog and warehouse."""
        from chatbi.analyst.store import TrainingStore
        from chatbi.analyst.vanna_path import ChatBIVanna, train_from_catalog

        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        with self._lock:
            if self._vanna is None:
                store = TrainingStore(Path(self.settings.data_dir) / "chatbi-app.sqlite")
                vn = ChatBIVanna(interpreter.backend, store, self.warehouse.dialect)
                if not store.all():
                    train_from_catalog(vn, self.catalog, self.warehouse.table_columns(), self.warehouse.dialect,
                                       self.reference_date())
                self._vanna = vn
        return self._vanna

    def draft_sql(self, question: str, user: User | None = None, execute: bool = True) -> Answer:
        """An analyst's free question → vanna's SQL draft → the guard → (optionally) run. Unverified."""
        from chatbi.pipeline.answer import ANSWERED
        from chatbi.sqlguard import SqlRejected
        from semantic_layer.access import role_of

        started = time.perf_counter()
        user = user or User.unrestricted()
        role = role_of(self.catalog, user)
        if role is not None and not role.can_write_sql:
            return Answer(REFUSED, question, f"你的角色（{role.name.zh}）不能使用 SQL 草稿功能。",
                          f"Your role ({role.name.en}) cannot use SQL drafting.", reason="sql_not_allowed",
                          path="vanna", verified=False)
        try:
            draft = self.vanna.generate_sql(question)
        except LLMError as exc:
            return Answer(REFUSED, question, f"模型不可用：{exc}", f"The model is unavailable: {exc}",
                          reason="model_unavailable", path="vanna", verified=False)
        timings = {"draft": (time.perf_counter() - started) * 1000}
        try:
            guarded = self.guard.check(draft, user)
        except SqlRejected as exc:
            return Answer(REFUSED, question, f"草稿 SQL 未通过校验：{exc.zh}", f"The drafted SQL was rejected: {exc.en}",
                          reason=f"guard_{exc.code}", sql=draft, path="vanna", verified=False, timings_ms=timings)
        if not execute:
            return Answer(ANSWERED, question, "SQL 草稿（未经验证，未运行）", "SQL draft (unverified, not run)",
                          sql=guarded.sql, path="vanna", verified=False, timings_ms=timings)
        answer = self.run_sql(guarded.sql, user)
        answer.question, answer.path = question, "vanna"
        answer.timings_ms = {**timings, "total": (time.perf_counter() - started) * 1000}
        return answer

    def read_model(self, question: str):
        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        return interpreter.read(question)


def _column_kind(rows: list, index: int) -> str:
    """Charts for free SQL follow the values: numbers are measures, dates are time, the rest categories."""
    values = [r[index] for r in rows[:50] if r[index] is not None]
    if values and all(isinstance(v, dt.date) for v in values):
        return "time"
    if values and all(isinstance(v, int | float) or type(v).__name__ == "Decimal" for v in values):
        return "metric"
    return "dimension"


__all__ = ["CLARIFY", "REFUSED", "ChatBI"]
