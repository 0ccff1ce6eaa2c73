"""ChatBI: question → guard → matcher → (model) → decision → semantic layer → warehouse → answer.

    bi = ChatBI.from_config()
    answer = bi.ask("近三个月杭州的欠费金额", user=User("li", "analyst"))
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from chatbi import progress
from chatbi.config import Settings, load_settings
from chatbi.llm import LLMError
from chatbi.pipeline import close_values, guard, matcher
from chatbi.pipeline.answer import CLARIFY, REFUSED, Answer
from chatbi.pipeline.context import PipelineContext
from chatbi.pipeline.decide import Decider
from chatbi.pipeline.execute import Executor
from chatbi.pipeline.replies import Replies
from chatbi.pipeline.row_scope import RowScope
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
        self._model_lock = threading.Lock()
        self._preload: threading.Thread | None = None
        self._reference: dt.date | None = None
        self.verified = None  # a VerifiedIndex once an app database is attached
        self.app_db = None  # set by ChatService
        self.row_scope = RowScope(catalog, warehouse)
        context = PipelineContext(catalog, warehouse, self.guard, self.row_scope, read_model=self.read_model,
                                  read_full=self.read_full,
                                  rank_metrics=self._rank_metrics, model_id=lambda: self.model_id,
                                  vocabulary=self.vocabulary)
        self.replies = Replies(context)
        self.executor = Executor(context, self.replies)
        self.decider = Decider(context, self.replies, self.executor)

    @classmethod
    def from_config(cls, config: str | Path | None = None, catalog: str | Path | None = None,
                    database: str | None = None, use_model: bool = True, backend=None) -> ChatBI:
        settings = load_settings(config)
        cat = load_catalog(catalog or settings.catalog)
        return cls(cat, connect(database or settings.warehouse.url, **settings.warehouse.limits()), settings, backend=backend,
                   use_model=use_model and settings.model.kind != "none")

    # -- lazily built, long-lived parts ---------------------------------------------------------
    @property
    def interpreter(self):
        """The constrained model; loaded once, its fixed prompt evaluated once."""
        if not self._use_model:
            return None
        with self._model_lock:  # its own lock: retrieval must not wait for a model that is loading
            if self._interpreter is None:
                from chatbi.llm import create_backend
                from chatbi.pipeline.interpreter import Interpreter

                backend = self._backend
                if isinstance(backend, Future):  # being loaded since the process started
                    backend = backend.result()
                backend = backend or create_backend(self.settings.model)
                self._interpreter = Interpreter(self.catalog, backend, self.vocabulary, self._full_examples())
                self._interpreter.warm()
        return self._interpreter

    @property
    def index(self):
        with self._lock:
            if self._index is None:
                from chatbi.pipeline.retrieval import MetricIndex

                cache = self.settings.model.cache_dir.parent / "embeddings"
                self._index = MetricIndex(self.catalog, cache_dir=cache)
        return self._index

    def _rank_metrics(self, question: str, top: int) -> list[str]:
        return [s.id for s in self.index.rank(question, top)]

    def visible_metrics(self, user: User) -> list[str]:
        """Metric ids ``user`` may ask about."""
        return self.replies.visible(user)

    def preload(self) -> None:
        """Start loading the model (and restoring its prompt state) in the background now, while the
        process does its other start-up work: llama.cpp releases the GIL while it loads."""
        if self._use_model and self._interpreter is None and self._preload is None:
            self._preload = threading.Thread(target=lambda: self.interpreter, name="chatbi-model-load", daemon=True)
            self._preload.start()

    def close(self) -> None:
        """Wait for a background model load: a process must not exit while llama.cpp is loading."""
        if self._preload is not None:
            self._preload.join()

    def attach_verified(self, load, revision) -> None:
        """Use analyst-verified answers first; ``load``/``revision`` read the app database's store."""
        from chatbi.pipeline.verified import VerifiedIndex

        self.verified = VerifiedIndex(self.catalog, self.vocabulary, load, revision)

    def warm(self) -> None:
        """Load the model and the embeddings now rather than on the first question."""
        self.index.warm()
        self.vocabulary.warm()
        close_values.warm(self.vocabulary)
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
        question = guard.clean(question)
        timings: dict[str, float] = {}
        verdict = guard.check(question, self.catalog)
        timings["guard"] = (time.perf_counter() - started) * 1000
        if not verdict.allowed:
            answer = Answer(REFUSED, question, verdict.zh, verdict.en, reason=verdict.reason, path="guard",
                            suggestions=self.replies.suggestions(user),
                            suggestions_en=self.replies.suggestions(user, lang="en"))
        else:
            try:
                answer = self._answer(question, user, as_of or self.reference_date(), timings)
            except Exception:  # noqa: BLE001 - one question's fault never loses the others in a batch
                log.exception("question failed: %s", question)
                answer = Answer(REFUSED, question, "这个问题在处理时出错，没有给出答案（已记录，请换个说法或联系数据团队）。",
                                "Something went wrong answering this question, so no answer is given (logged; "
                                "rephrase it or tell the data team).", reason="internal_error", path="error")
        answer.timings_ms = {**timings, **answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
        return answer

    def _answer(self, question: str, user: User, as_of: dt.date, timings: dict) -> Answer:
        t0 = time.perf_counter()
        progress.report("match")
        found = matcher.match(question, self.vocabulary, as_of)
        timings["match"] = (time.perf_counter() - t0) * 1000
        hit = self._verified_hit(question, found, as_of, timings)
        if hit is not None:
            return self.executor.execute_verified(question, hit, user, as_of, timings)
        return self.decider.decide(question, found, user, as_of, timings)

    def _verified_hit(self, question: str, found, as_of: dt.date, timings: dict):
        if self.verified is None or found.time_error or found.ambiguous_values:
            return None
        t0 = time.perf_counter()
        try:
            return self.verified.lookup(question, found, as_of)
        finally:
            timings["verified"] = (time.perf_counter() - t0) * 1000

    def follow_up(self, text: str, previous: SemanticQuery, user: User | None = None,
                  as_of: dt.date | None = None) -> Answer | None:
        """A refinement of the previous answer (按渠道类型拆开, 只看杭州, 换成去年同期), or None when
        ``text`` is a question of its own."""
        from chatbi.pipeline.followup import refine

        text = guard.clean(text)
        if not guard.check(text).allowed:
            return None
        as_of = as_of or self.reference_date()
        refined = refine(previous, matcher.match(text, self.vocabulary, as_of), self.catalog, as_of)
        if refined is None:
            return None
        started = time.perf_counter()
        answer = self.executor.execute(text, refined, user or User.unrestricted(), as_of, path="follow_up", timings={})
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def run(self, query: SemanticQuery, user: User | None = None, as_of: dt.date | None = None,
            question: str = "") -> Answer:
        """Answer a typed interpretation directly (a picked clarification, a dashboard tile)."""
        started = time.perf_counter()
        answer = self.executor.execute(question, query, user or User.unrestricted(), as_of or self.reference_date(),
                                      path="interpretation", timings={})
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    def run_sql(self, sql: str, user: User | None = None, max_rows: int = 1000) -> Answer:
        """Analysts' own SQL: only roles allowed to write SQL; guarded like everything else; unverified."""
        from chatbi.pipeline.sql_run import run_guarded_sql
        from semantic_layer.access import role_of

        started = time.perf_counter()
        user = user or User.unrestricted()
        role = role_of(self.catalog, user)
        if role is not None and not role.can_write_sql:
            return Answer(REFUSED, sql, f"你的角色（{role.name.zh}）不能直接运行 SQL，请用自然语言提问。",
                          f"Your role ({role.name.en}) cannot run SQL; ask in plain language.",
                          reason="sql_not_allowed", path="analyst_sql", governed=False)
        answer = run_guarded_sql(self.executor.ctx, sql, user, sql, "analyst_sql", governed=False, max_rows=max_rows)
        answer.timings_ms["total"] = (time.perf_counter() - started) * 1000
        return answer

    @property
    def vanna(self):
        """The analysts' drafting path, trained once on this catalog and warehouse."""
        from chatbi.analyst.store import TrainingStore
        from chatbi.analyst.vanna_path import ChatBIVanna, train_from_catalog
        from chatbi.appdb import AppDB

        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        with self._lock:
            if self._vanna is None:
                store = TrainingStore(self.app_db or AppDB.open(self.settings.app_db_url()))
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
                          path="vanna", governed=False)
        try:
            draft = self.vanna.generate_sql(question)
        except LLMError as exc:
            return Answer(REFUSED, question, f"模型不可用：{exc}", f"The model is unavailable: {exc}",
                          reason="model_unavailable", path="vanna", governed=False)
        timings = {"draft": (time.perf_counter() - started) * 1000}
        try:
            guarded = self.guard.check(draft, user)
        except SqlRejected as exc:
            return Answer(REFUSED, question, f"草稿 SQL 未通过校验：{exc.zh}", f"The drafted SQL was rejected: {exc.en}",
                          reason=f"guard_{exc.code}", sql=draft, path="vanna", governed=False, timings_ms=timings)
        if not execute:
            return Answer(ANSWERED, question, "SQL 草稿（未经验证，未运行）", "SQL draft (unverified, not run)",
                          sql=guarded.sql, path="vanna", governed=False, timings_ms=timings)
        answer = self.run_sql(guarded.sql, user)
        answer.question, answer.path = question, "vanna"
        answer.timings_ms = {**timings, "total": (time.perf_counter() - started) * 1000}
        return answer

    def _full_examples(self, count: int = 2) -> list[tuple[str, str, dict]]:
        """The catalog's own sample questions that the rules read completely, with a breakdown or a
        filter: how a full reading looks, in this catalog's words."""
        from chatbi.pipeline.full_reading import example_reading

        out = []
        for mid, metric in self.catalog.visible_metrics().items():
            for sample in [*metric.samples.zh[:2], *metric.samples.en[:1]]:
                found = matcher.match(sample, self.vocabulary, dt.date.today())
                if found.fully_matched and found.metric_sets == [{mid}] and (found.group_by or found.filters):
                    out.append((sample, mid, example_reading(found)))
                    break
            if len(out) == count:
                break
        return out

    def read_full(self, question: str, metric: str):
        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        return interpreter.read_full(question, metric)

    def read_model(self, question: str):
        interpreter = self.interpreter
        if interpreter is None:
            raise LLMError("the model is switched off")
        examples = self.verified.examples(question) if self.verified is not None else []
        return interpreter.read(question, examples)


__all__ = ["CLARIFY", "REFUSED", "ChatBI"]
