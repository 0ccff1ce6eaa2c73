"""The two answers that are not numbers: a refusal naming what can be asked instead, and a
clarification offering 2–4 interpretations that are known to compile."""

from __future__ import annotations

import datetime as dt
import re

from chatbi.pipeline.answer import CLARIFY, REFUSED, Answer, Candidate
from chatbi.pipeline.context import PipelineContext
from chatbi.pipeline.describe import describe
from semantic_layer import AccessDenied, SemanticError, SemanticQuery, User, compile_query
from semantic_layer.access import check_metric, denied_metrics, role_of

MAX_CANDIDATES = 4


class Replies:
    def __init__(self, ctx: PipelineContext):
        self.ctx = ctx

    @property
    def catalog(self):
        return self.ctx.catalog

    def visible(self, user: User) -> list[str]:
        """Metric ids this user may see, derived metrics over denied inputs excluded."""
        denied = denied_metrics(self.catalog, self.catalog.roles.get(user.role))
        return [m for m in self.catalog.visible_metrics() if m not in denied]

    def suggestions(self, user: User, ranked: list[str] | None = None, lang: str = "zh") -> list[str]:
        visible = self.visible(user)
        ids = [m for m in (ranked or []) if m in visible] or visible
        metrics = [self.catalog.metrics[mid] for mid in ids[:3]]
        return [samples[0] for m in metrics if (samples := m.samples.en if lang == "en" else m.samples.zh)]

    def refuse(self, question: str, reason: str, zh: str, en: str, user: User, ranked=None, path="") -> Answer:
        return Answer(REFUSED, question, zh, en, reason=reason, suggestions=self.suggestions(user, ranked),
                      suggestions_en=self.suggestions(user, ranked, "en"), path=path, model_id=self.ctx.model_id())

    def clarify(self, question: str, drafts: list[SemanticQuery], reason: str, zh: str, en: str, user: User,
                as_of: dt.date) -> Answer:
        candidates, seen, why = [], set(), None
        for query in drafts:
            key = query.model_dump_json()
            if key in seen:
                continue
            if (error := self.compile_error(query, user, as_of)) is not None:
                why = why or error
                continue
            seen.add(key)
            d_zh, d_en = describe(self.catalog, query)
            candidates.append(Candidate(query, d_zh, d_en))
            if len(candidates) == MAX_CANDIDATES:
                break
        if not candidates and why is not None and len({q.model_dump_json() for q in drafts}) == 1:
            # 今年月均活跃客户数: the one thing offered (the whole months) cannot be, and why is said
            return self.refuse(question, why.code, why.zh, why.en, user)
        if not candidates:  # nothing to pick from: never end with "please pick one"
            zh = re.sub(r"[，,；;。]*\s*(以下是我能准确回答的查询，)?请选择[:：]?\s*$", "", zh).rstrip("。") + "。请说明要看的指标、对象和时间再问。"
            en = re.sub(r"[;,.]?\s*(These are the queries I can answer exactly; )?please pick one:?\s*$", "", en,
                        flags=re.I).rstrip(".") + ". Please say which metric, for what and when."
            return self.refuse(question, reason, zh, en, user)
        return Answer(CLARIFY, question, zh, en, candidates=candidates, reason=reason, path="clarification",
                      model_id=self.ctx.model_id())

    def compiles(self, query: SemanticQuery, user: User, as_of: dt.date) -> bool:
        return self.compile_error(query, user, as_of) is None

    def compile_error(self, query: SemanticQuery, user: User, as_of: dt.date) -> SemanticError | None:
        try:
            compile_query(self.catalog, query, dialect=self.ctx.dialect, user=user, as_of=as_of)
            return None
        except SemanticError as exc:
            return exc

    def denied(self, user: User, metric: str) -> AccessDenied:
        """Why this user may not see ``metric`` (a derived metric names the input that is denied)."""
        try:
            check_metric(self.catalog, role_of(self.catalog, user), metric)
        except AccessDenied as exc:
            return exc
        return AccessDenied("无权查看该指标。", "You may not see this metric.")
