"""Progress and cancelling for one question: which stage it is in, and whether the person stopped
waiting. A context variable carries both, so no stage's signature changes and a question
asked elsewhere (another thread, the API) is never affected.

    tracker = Tracker()
    with tracker.active():          # in the thread that asks
        svc.ask(question, who)      # raises Cancelled soon after tracker.cancel()
    tracker.stage                   # "match" | "model" | "execute" — read from any thread
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar

STAGES = {"guard": ("检查问题", "Checking the question"), "match": ("匹配指标与维度", "Matching the catalog"),
          "model": ("模型正在理解问题", "The model is reading the question"),
          "decide": ("正在确定口径", "Settling the interpretation"),
          "execute": ("正在查询数据", "Querying the data")}


class Cancelled(Exception):
    """The person stopped waiting: nothing is answered and nothing is recorded."""


class Tracker:
    def __init__(self) -> None:
        self.stage = "guard"
        self.started = time.monotonic()
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self.committed = False

    def cancel(self) -> bool:
        """Stop the question; False when it was already committed (its answer is being recorded)."""
        with self._lock:
            if not self.committed:
                self._cancel.set()
            return not self.committed

    def commit(self) -> None:
        """The answer is final: raise Cancelled if the person stopped waiting, else make later cancels
        no-ops. One lock decides, so an answer is either recorded and shown, or neither."""
        with self._lock:
            if self._cancel.is_set():
                raise Cancelled("The question was cancelled.")
            self.committed = True

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def label(self, lang: str = "zh") -> str:
        zh, en = STAGES.get(self.stage, (self.stage, self.stage))
        return en if lang == "en" else zh

    @contextlib.contextmanager
    def active(self) -> Iterator[Tracker]:
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)


_CURRENT: ContextVar[Tracker | None] = ContextVar("chatbi_progress", default=None)


def report(stage: str) -> None:
    """Enter ``stage``; raises Cancelled if the person stopped waiting."""
    tracker = _CURRENT.get()
    if tracker is not None:
        tracker.stage = stage
        check()


def commit() -> None:
    """Before recording an answer: raise Cancelled if it was cancelled, else no cancel can follow."""
    tracker = _CURRENT.get()
    if tracker is not None:
        tracker.commit()


def check() -> None:
    """Raise Cancelled if the question being answered in this context was cancelled (cheap: per token)."""
    tracker = _CURRENT.get()
    if tracker is not None and tracker.cancelled:
        raise Cancelled("The question was cancelled.")
