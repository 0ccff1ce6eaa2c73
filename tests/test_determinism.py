"""The same question on the same catalog and data gets the same decision however busy the machine
is, whatever was asked before, and with any thread count (the model path included)."""

from __future__ import annotations

import multiprocessing
import time

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from tests.conftest import TEST_AS_OF

pytestmark = pytest.mark.model

# Paraphrases the rules cannot settle alone (the model reads them), and questions it must refuse.
SAMPLE = ["手机卖了几台", "上个月拉新多少", "how many phones did we sell last month", "流失客户的比例是多少",
          "本月有多少用户升级了5G套餐", "欠钱没交的金额有多少", "上个月宽带开通了几户", "员工的工资是多少",
          "各渠道的房租成本", "渠道积分怎么样"]


def _spin(stop_at: float) -> None:
    while time.time() < stop_at:
        pass


def decisions(bi: ChatBI, questions: list[str]) -> dict[str, tuple]:
    out = {}
    for q in questions:
        a = bi.ask(q, as_of=TEST_AS_OF)
        out[q] = (a.status, a.reason, a.interpretation.model_dump_json() if a.interpretation else None, a.sql,
                  [c.interpretation.model_dump_json() for c in a.candidates], "model" in a.timings_ms)
    return out


def test_model_read_decisions_repeat_exactly_under_cpu_load_in_another_order_and_thread_count(
        demo_warehouse, llm, bundled_model_path):
    from chatbi.llm.llama import LlamaCppBackend

    quiet = decisions(ChatBI(load_catalog(), connect(str(demo_warehouse)), backend=llm), SAMPLE)
    assert sum(d[-1] for d in quiet.values()) >= 5, "too few questions reached the model to test it"
    burners = [multiprocessing.Process(target=_spin, args=(time.time() + 600,), daemon=True) for _ in range(4)]
    for b in burners:
        b.start()
    try:
        other = LlamaCppBackend(bundled_model_path, llm.model_id, n_ctx=4096, n_threads=1)
        loaded = decisions(ChatBI(load_catalog(), connect(str(demo_warehouse)), backend=other),
                           list(reversed(SAMPLE)))
    finally:
        for b in burners:
            b.terminate()
    changed = {q: (quiet[q], loaded[q]) for q in SAMPLE if quiet[q] != loaded[q]}
    assert not changed, changed
