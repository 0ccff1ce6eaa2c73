"""Running a SQL statement that is not compiled from an interpretation (analyst SQL, verified SQL):
the guard first, then the warehouse; columns typed by their values so the chart rules apply."""

from __future__ import annotations

import datetime as dt
import time

from chatbi.pipeline.answer import ANSWERED, REFUSED, Answer, suggest_chart
from chatbi.pipeline.context import PipelineContext
from chatbi.sqlguard import SqlRejected
from chatbi.warehouse import WarehouseError
from semantic_layer import User


def run_guarded_sql(ctx: PipelineContext, sql: str, user: User, question: str, path: str, governed: bool,
                    max_rows: int = 1000) -> Answer:
    started = time.perf_counter()
    try:
        guarded = ctx.guard.check(sql, user, max_rows=max_rows)
        result = ctx.warehouse.execute(guarded.sql, max_rows=max_rows, timeout_s=30)
    except SqlRejected as exc:
        return Answer(REFUSED, question, exc.zh, exc.en, reason=f"guard_{exc.code}", path=path, governed=governed)
    except WarehouseError as exc:
        return Answer(REFUSED, question, f"查询执行失败：{exc}", f"The query failed: {exc}", reason="execution_error",
                      sql=guarded.sql, path=path, governed=governed)
    columns = [{"name": c, "kind": column_kind(result.rows, i), "label": c, "label_en": c, "format": "",
                "metric": None} for i, c in enumerate(result.columns)]
    rows = [list(r) for r in result.rows]
    if governed:
        zh, en = f"分析师已验证的答案，{len(rows)} 行。", f"Analyst-verified answer, {len(rows)} rows."
    else:
        zh, en = f"分析师 SQL（未经验证），{len(rows)} 行。", f"Analyst SQL (unverified), {len(rows)} rows."
    return Answer(ANSWERED, question, zh, en, sql=guarded.sql, columns=columns, rows=rows,
                  chart=suggest_chart(columns, rows), path=path, truncated=result.truncated, governed=governed,
                  timings_ms={"execute": (time.perf_counter() - started) * 1000}
                  ).with_scope(*ctx.row_scope.note(user))


def column_kind(rows: list, index: int) -> str:
    """Charts for free SQL follow the values: numbers are measures, dates are time, the rest categories."""
    values = [r[index] for r in rows[:50] if r[index] is not None]
    if values and all(isinstance(v, dt.date) for v in values):
        return "time"
    if values and all(isinstance(v, int | float) or type(v).__name__ == "Decimal" for v in values):
        return "metric"
    return "dimension"
