"""Decision: answer only when the reading is certain; otherwise offer interpretations or refuse.

Certain means: the matcher explained every word of the question and found one metric reading,
or the model and retrieval independently agree on a paraphrased metric and nothing that could
change the computation (平均, 累计, 目标, …) went unexplained. Anything else is a clarification
with 2–4 concrete interpretations, or a refusal that names what can be asked instead.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING

from chatbi.llm import LLMError
from chatbi.pipeline.answer import ANSWERED, CLARIFY, REFUSED, Answer, Candidate, format_value, suggest_chart
from chatbi.pipeline.interpret import Draft, build_query, describe
from chatbi.pipeline.interpreter import OUT_OF_SCOPE
from chatbi.pipeline.matcher import Match
from chatbi.sqlguard import SqlRejected
from chatbi.warehouse import WarehouseError
from semantic_layer import (
    AccessDenied,
    NoData,
    NotAllowed,
    SemanticError,
    SemanticQuery,
    TimeRange,
    User,
    compile_query,
)

if TYPE_CHECKING:
    from chatbi.core import ChatBI

# Unexplained words that would change *what* is computed: never answer past them.
RISKY = ("平均", "人均", "户均", "均值", "中位", "方差", "标准差", "累计", "增长率", "增速", "增幅", "完成率", "达成率",
         "目标", "预测", "预计", "预算", "明年", "下个月", "下月", "未来", "明天", "比例", "占", "率", "成本", "利润",
         "average", "mean", "median", "per", "growth", "target", "forecast", "predict", "next", "budget", "ratio",
         "rate", "cost", "profit")
MAX_CANDIDATES = 4
MAX_ROWS = 5000


class Decider:
    def __init__(self, bi: ChatBI):
        self.bi = bi

    @property
    def catalog(self):
        return self.bi.catalog

    # -- helpers --------------------------------------------------------------------------------
    def visible(self, user: User) -> list[str]:
        from semantic_layer.access import denied_metrics

        denied = denied_metrics(self.catalog, self.catalog.roles.get(user.role))
        return [m for m in self.catalog.visible_metrics() if m not in denied]

    def suggestions(self, user: User, ranked: list[str] | None = None) -> list[str]:
        ids = [m for m in (ranked or []) if m in self.visible(user)] or self.visible(user)
        out = []
        for mid in ids[:3]:
            samples = self.catalog.metrics[mid].samples.zh
            if samples:
                out.append(samples[0])
        return out

    def ranked_metrics(self, question: str, top: int = 4) -> list[str]:
        return [s.id for s in self.bi.index.rank(question, top)]

    def _model(self, question: str, timings: dict) -> str | None:
        started = time.perf_counter()
        try:
            reading = self.bi.read_model(question)
        except LLMError:
            return None
        finally:
            timings["model"] = (time.perf_counter() - started) * 1000
        return reading.metric

    def _refuse(self, question: str, reason: str, zh: str, en: str, user: User, ranked=None, path="") -> Answer:
        return Answer(REFUSED, question, zh, en, reason=reason, suggestions=self.suggestions(user, ranked),
                      path=path, model_id=self.bi.model_id)

    def _clarify(self, question: str, drafts: list[SemanticQuery], reason: str, zh: str, en: str, user: User,
                 as_of: dt.date) -> Answer:
        candidates, seen = [], set()
        for query in drafts:
            key = query.model_dump_json()
            if key in seen or not self._compiles(query, user, as_of):
                continue
            seen.add(key)
            d_zh, d_en = describe(self.catalog, query)
            candidates.append(Candidate(query, d_zh, d_en))
            if len(candidates) == MAX_CANDIDATES:
                break
        if not candidates:
            return self._refuse(question, reason, zh, en, user)
        return Answer(CLARIFY, question, zh, en, candidates=candidates, reason=reason, path="clarification",
                      model_id=self.bi.model_id)

    def _compiles(self, query: SemanticQuery, user: User, as_of: dt.date) -> bool:
        try:
            compile_query(self.catalog, query, dialect=self.bi.warehouse.dialect, user=user, as_of=as_of)
            return True
        except SemanticError:
            return False

    def _drafts(self, match: Match, metric_sets: list[list[str]], as_of: dt.date) -> list[SemanticQuery]:
        out = []
        for metrics in metric_sets:
            draft = build_query(self.catalog, match, metrics, as_of)
            if draft.query is not None:
                out.append(draft.query)
        return out

    # -- the decision ---------------------------------------------------------------------------
    def decide(self, question: str, match: Match, user: User, as_of: dt.date, timings: dict) -> Answer:
        visible = self.visible(user)
        if match.time_error:
            return self._refuse(question, "several_periods", f"问题里有多个时间（{match.time_error}），请只保留一个。",
                                f"The question names several periods ({match.time_error}); keep one.", user)
        if match.ambiguous_values:
            hit = match.ambiguous_values[0]
            dims = "、".join(self.catalog.dimensions[d].name.zh for d, _ in sorted(hit.payload))
            return self._refuse(question, "ambiguous_value", f"「{hit.text}」可能是{dims}，请说明是哪一个。",
                                f"'{hit.text}' could be several things ({dims}); please say which.", user)
        if match.unavailable:
            topic = self.catalog.catalog.unavailable[match.unavailable[0]]
            return self._refuse(question, "unavailable", topic.reason.zh + " 你可以问：", topic.reason.en + " You can ask:",
                                user, self.ranked_metrics(question))
        sets = match.metric_sets
        denied = [m for s in sets for m in s if len(s) == 1 and m not in visible]
        if denied:
            exc = self._denied(user, denied[0])
            return self._refuse(question, exc.code, exc.zh, exc.en, user)
        path = "matcher"
        if any(len(s) > 1 for s in sets):
            options = [m for m in self.ranked_metrics(question, 8) if m in next(s for s in sets if len(s) > 1)]
            options += sorted(m for s in sets if len(s) > 1 for m in s if m not in options)
            drafts = self._drafts(match, [[m] for m in options if m in visible], as_of)
            return self._clarify(question, drafts, "ambiguous_metric", "这个问题可能指以下几个指标，请选择：",
                                 "The question could mean any of these metrics; please pick one:", user, as_of)
        metrics = list(dict.fromkeys(m for s in sets for m in s))
        if metrics and not match.fully_matched:
            model_metric = self._model(question, timings)
            risky = [w for w in match.residual if any(r in w for r in RISKY)]
            if model_metric == OUT_OF_SCOPE and risky:
                return self._refuse(question, "out_of_scope", self._scope_zh(match.residual), self._scope_en(match.residual),
                                    user, metrics)
            if (len(metrics) == 1 and model_metric == metrics[0] and not risky
                    and self._supported(metrics[0], match.residual)):
                # Matcher and model agree, and the leftover words only echo the metric's own words.
                draft = build_query(self.catalog, match, metrics, as_of)
                if draft.query is not None:
                    return self.execute(question, draft.query, user, as_of, "matcher+model", timings)
            alternatives = [[m] for m in self.ranked_metrics(question) if m not in metrics and m in visible][:2]
            first = [metrics] + ([[model_metric]] if model_metric and model_metric not in (OUT_OF_SCOPE, *metrics)
                                 else [])
            drafts = self._drafts(match, first + alternatives, as_of)
            unknown = "、".join(match.residual)
            return self._clarify(question, drafts, "unrecognised_words",
                                 f"我没有完全理解「{unknown}」。以下是我能准确回答的查询，请选择：",
                                 f"I could not place '{unknown}'. These are the queries I can answer exactly; "
                                 "please pick one:", user, as_of)
        if not metrics:
            model_metric = self._model(question, timings)
            t0 = time.perf_counter()
            ranked = self.ranked_metrics(question)
            timings["retrieval"] = (time.perf_counter() - t0) * 1000
            if model_metric == OUT_OF_SCOPE:
                return self._refuse(question, "out_of_scope", self._scope_zh(match.residual),
                                    self._scope_en(match.residual), user, ranked)
            risky = [w for w in match.residual if any(r in w for r in RISKY)]
            agreed = model_metric and ranked and model_metric == ranked[0] and model_metric in visible
            if agreed and not risky and self._supported(model_metric, match.residual):
                metrics, path = [model_metric], "model"
            else:
                options = ([model_metric] if model_metric else []) + [m for m in ranked if m != model_metric]
                drafts = self._drafts(match, [[m] for m in options if m in visible][:3], as_of)
                return self._clarify(question, drafts, "uncertain_metric", "我不确定你问的是哪个指标，请选择：",
                                     "I am not sure which metric you mean; please pick one:", user, as_of)
        draft = build_query(self.catalog, match, metrics, as_of)
        if draft.query is None:
            return self._draft_problem(question, draft, match, metrics, user, as_of)
        return self.execute(question, draft.query, user, as_of, path, timings)

    def _denied(self, user: User, metric: str) -> AccessDenied:
        from semantic_layer.access import check_metric, role_of

        try:
            check_metric(self.catalog, role_of(self.catalog, user), metric)
        except AccessDenied as exc:
            return exc
        return AccessDenied("无权查看该指标。", "You may not see this metric.")

    def _supported(self, metric: str, residual: list[str]) -> bool:
        """A paraphrase is taken only if its words echo the metric's own vocabulary.

        The model and retrieval can agree on a near-sounding metric for a question about
        something else (终端库存 → 终端销量); requiring every leftover word to share most of its
        characters (or, in English, its stem) with the metric's names and synonyms keeps them honest.
        """
        spec = self.catalog.metrics[metric]
        vocabulary = " ".join([spec.name.zh, spec.name.en, *spec.synonyms]).lower()
        chars = set(vocabulary)
        words = set(vocabulary.replace("/", " ").split())
        for token in residual:
            if len(token) == 1 and not token.isascii():
                continue  # measure words and particles: 部, 台, 个
            if token.isascii():
                stem = token.rstrip("s")
                if not any(w.startswith(stem[:4]) for w in words if len(stem) >= 3):
                    return False
            elif sum(ch in chars for ch in token) * 2 < len(token):
                return False
        return True

    def _outside_scope(self, query: SemanticQuery, user: User) -> bool:
        from semantic_layer.access import role_of, row_restrictions
        from semantic_layer.scope import scope_probe

        restrictions = row_restrictions(self.catalog, role_of(self.catalog, user), user)
        for restriction in restrictions:
            for flt in query.filters:
                probe = scope_probe(self.catalog, restriction, flt)
                if probe is None:
                    continue
                sql = probe.sql(dialect=self.bi.warehouse.dialect, identify=True)
                if not self.bi.warehouse.execute(sql, max_rows=1).rows[0][0]:
                    return True
        return False

    def _scope_zh(self, residual: list[str]) -> str:
        what = f"「{'、'.join(residual)}」" if residual else "这个问题"
        return f"{what}不在考核指标目录范围内，我无法回答。你可以问："

    def _scope_en(self, residual: list[str]) -> str:
        what = f"'{' '.join(residual)}'" if residual else "This question"
        return f"{what} is outside the assessment metric catalog, so I cannot answer it. You can ask:"

    def _draft_problem(self, question: str, draft: Draft, match: Match, metrics: list[str], user: User,
                       as_of: dt.date) -> Answer:
        code, zh, en = draft.problem
        if code == "rank_without_dimension":
            options = [d for d in ("city", "channel_type", "channel") if d not in match.filters]
            drafts = [q for d in options
                      if (q := build_query(self.catalog, match, metrics, as_of, group_by=[d]).query) is not None]
            return self._clarify(question, drafts, code, zh, en, user, as_of)
        return self._refuse(question, code, zh, en, user, metrics)

    def execute(self, question: str, query: SemanticQuery, user: User, as_of: dt.date, path: str,
                timings: dict) -> Answer:
        t0 = time.perf_counter()
        try:
            if self._outside_scope(query, user):
                return self._refuse(question, "outside_scope", "你问的对象超出了你的数据权限范围，只能查询本人权限内的数据。",
                                    "What you asked about is outside the rows you may see.", user, query.metrics,
                                    path=path)
            compiled = compile_query(self.catalog, query, dialect=self.bi.warehouse.dialect, user=user, as_of=as_of)
        except NoData as exc:
            return self._latest_instead(question, query, exc, user, as_of)
        except (NotAllowed, AccessDenied) as exc:
            return self._refuse(question, exc.code, exc.zh, exc.en, user, query.metrics, path=path)
        except SemanticError as exc:
            return self._refuse(question, exc.code, exc.zh, exc.en, user, query.metrics, path=path)
        try:  # compiled SQL passes the same guard as anyone else's
            guarded = self.bi.guard.check(compiled.sql, user, max_rows=MAX_ROWS)
        except SqlRejected as exc:
            return self._refuse(question, f"guard_{exc.code}", exc.zh, exc.en, user, query.metrics, path=path)
        timings["compile"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        try:
            result = self.bi.warehouse.execute(guarded.sql, max_rows=MAX_ROWS, timeout_s=30)
        except WarehouseError as exc:
            return Answer(REFUSED, question, f"查询执行失败：{exc}", f"The query failed: {exc}", reason="execution_error",
                          interpretation=query, sql=compiled.sql, path=path)
        timings["execute"] = (time.perf_counter() - t0) * 1000
        columns = [{"name": c.name, "kind": c.kind, "label": c.label_zh, "label_en": c.label_en, "format": c.format,
                    "metric": c.metric} for c in compiled.columns]
        rows = [list(r) for r in result.rows]
        zh, en = self._headline(query, compiled, columns, rows)
        return Answer(ANSWERED, question, zh, en, interpretation=query, explanation=compiled.explanation,
                      sql=guarded.sql, columns=columns, rows=rows, chart=suggest_chart(columns, rows), path=path,
                      model_id=self.bi.model_id if path == "model" else "", truncated=result.truncated,
                      timings_ms=timings).with_scope(*self.bi.row_scope.note(user))

    def execute_verified(self, question: str, hit, user: User, as_of: dt.date, timings: dict) -> Answer:
        """An analyst-verified interpretation or SQL for this question: no model call."""
        if hit.query is not None:
            answer = self.execute(question, hit.query, user, as_of, "verified", timings)
        else:
            from chatbi.pipeline.sql_run import run_guarded_sql

            answer = run_guarded_sql(self.bi, hit.answer.sql, user, question, "verified", verified=True)
            answer.timings_ms = {**timings, **answer.timings_ms}
        answer.verified_id = hit.answer.id
        return answer

    def _latest_instead(self, question, query: SemanticQuery, exc: NoData, user, as_of) -> Answer:
        """本月的账单还没出: offer the latest closed period instead of a zero."""
        end = dt.date.fromisoformat(exc.details["available_through"])
        start = end.replace(day=1)
        latest = query.model_copy(update={"time_range": TimeRange(start=start, end=end)})
        three = query.model_copy(update={"time_range": TimeRange(
            start=(start.replace(day=1) - dt.timedelta(days=62)).replace(day=1), end=end)})
        return self._clarify(question, [latest, three], "no_data_yet", exc.zh + " 要看最近的数据吗？",
                             exc.en + " Would you like the latest data instead?", user, as_of)

    def _headline(self, query: SemanticQuery, compiled, columns, rows) -> tuple[str, str]:
        rng = f"{compiled.start} 至 {compiled.end}" if compiled.start else f"截至 {compiled.end}"
        rng_en = f"{compiled.start} to {compiled.end}" if compiled.start else f"up to {compiled.end}"
        metric_cols = [(i, c) for i, c in enumerate(columns) if c["kind"] == "metric"]
        if not rows:
            return f"{rng}没有符合条件的数据。", f"No data matches for {rng_en}."
        if len(rows) == 1 and all(c["kind"] in ("metric", "comparison") for c in columns):
            parts_zh, parts_en = [], []
            for i, c in metric_cols:
                spec = self.catalog.metrics[c["metric"]]
                value = format_value(rows[0][i], spec.format, "" if spec.format == "percent" else spec.unit.zh,
                                     spec.decimals)
                value_en = format_value(rows[0][i], spec.format, "" if spec.format == "percent" else f" {spec.unit.en}",
                                        spec.decimals)
                parts_zh.append(f"{spec.name.zh}为 {value}")
                parts_en.append(f"{spec.name.en} was {value_en}")
            for i, c in enumerate(columns):
                if c["kind"] == "comparison" and not c["name"].endswith("_prev") and rows[0][i] is not None:
                    parts_zh.append(f"{c['label']} {float(rows[0][i]) * 100:+.1f}%")
                    parts_en.append(f"{c['label_en']} {float(rows[0][i]) * 100:+.1f}%")
            return f"{rng}，" + "，".join(parts_zh) + "。", f"For {rng_en}: " + "; ".join(parts_en) + "."
        i, c = metric_cols[0]
        spec = self.catalog.metrics[c["metric"]]
        zh, en = f"{rng}，{spec.name.zh}，共 {len(rows)} 行", f"{spec.name.en} for {rng_en}: {len(rows)} rows"
        dims = [k for k, col in enumerate(columns) if col["kind"] == "dimension"]
        if query.order_by and len(dims) == 1 and rows[0][i] is not None:  # a ranking: name the first place
            top = format_value(rows[0][i], spec.format, "" if spec.format == "percent" else spec.unit.zh, spec.decimals)
            top_en = format_value(rows[0][i], spec.format, "" if spec.format == "percent" else f" {spec.unit.en}",
                                  spec.decimals)
            high = query.order_by[0].descending
            zh += f"；{'最高' if high else '最低'}的是{rows[0][dims[0]]}（{top}）"
            en += f"; {'highest' if high else 'lowest'}: {rows[0][dims[0]]} ({top_en})"
        return zh + "。", en + "."
