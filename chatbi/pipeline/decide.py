"""Decision: answer only when the reading is certain; otherwise offer interpretations or refuse.

Certain means: the matcher explained every word of the question and found one metric reading,
or the model and retrieval independently agree on a paraphrased metric and nothing that could
change the computation (平均, 累计, 目标, …) went unexplained. Anything else is a clarification
with 2–4 concrete interpretations, or a refusal that names what can be asked instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import time

from chatbi import progress
from chatbi.llm import LLMError
from chatbi.pipeline import full_reading, money_words, shape_words, timeparse, typos
from chatbi.pipeline.answer import Answer
from chatbi.pipeline.close_values import close_values
from chatbi.pipeline.context import PipelineContext
from chatbi.pipeline.event_years import OPEN_YEAR
from chatbi.pipeline.execute import Executor
from chatbi.pipeline.interpret import Draft, build_query, rank_dimensions
from chatbi.pipeline.interpreter import OUT_OF_SCOPE
from chatbi.pipeline.leftover_words import unknown_words
from chatbi.pipeline.listing_words import build_listing, read_listing
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.metric_evidence import (
    counts_with,
    joined_words,
    metric_words_not_values,
    narrowest,
    splits_as_asked,
    supported,
    words_besides_end,
)
from chatbi.pipeline.question_words import FILLER, FUTURE, MEASURE_WORDS, NEGATION_BEFORE
from chatbi.pipeline.replies import Replies
from chatbi.pipeline.shared_values import shared_value
from chatbi.pipeline.sibling_metrics import other_readings
from metric_catalog import graph
from semantic_layer import SemanticQuery, User

# Unexplained words of the language (not of any domain) that would change *what* is computed:
# never answer past them. When the reading expresses them (a running total, a share…) they are
# explained and no longer left over.
# a denial left over (没有卖过, "never sold"): the listing without it would be its complement
DENIED_WORDS = ("没有", "没", "未", "不", "无", "never", "not", "no", "non", "without", "didn", "haven", "hasn")
RISKY = ("平均", "人均", "户均", "均值", "中位", "方差", "标准差", "累计", "增长率", "增速", "增幅", "完成率", "达成率",
         "目标", "预测", "预计", "预算", "明年", "下个月", "下月", "未来", "明天", "比例", "占", "率",
         "average", "mean", "median", "per", "growth", "target", "forecast", "predict", "next", "budget", "ratio",
         "rate")


class Decider:
    def __init__(self, ctx: PipelineContext, replies: Replies, executor: Executor):
        self.ctx, self.replies, self.executor = ctx, replies, executor

    @property
    def catalog(self):
        return self.ctx.catalog

    def ranked_metrics(self, question: str, top: int = 4) -> list[str]:
        return self.ctx.rank_metrics(question, top)

    def _model(self, question: str, timings: dict) -> str | None:
        started = time.perf_counter()
        progress.report("model")
        try:
            reading = self.ctx.read_model(question)
        except LLMError:
            return None
        finally:
            timings["model"] = (time.perf_counter() - started) * 1000
        progress.report("decide")
        return reading.metric

    def _drafts(self, match: Match, metric_sets: list[list[str]], as_of: dt.date) -> list[SemanticQuery]:
        out = []
        for metrics in metric_sets:
            pending: list[tuple[Match, list[str] | None]] = [(match, None)]
            for _ in range(3):  # each fix may reveal the next problem: no breakdown, then no base
                tried, pending = pending, []
                for base, group in tried:
                    draft = build_query(self.catalog, base, metrics, as_of, group_by=group)
                    code = draft.problem[0] if draft.query is None else None
                    if draft.query is not None:
                        out.append(draft.query)
                    elif code in ("rank_without_dimension", "threshold_without_dimension") and group is None:
                        # 哪个最好: each candidate ranks what its metric is assessed by (ranked_by) first
                        pending += [(base, [d]) for d in rank_dimensions(self.catalog, metrics[0], set(base.filters))[:1]]
                    elif code == "growth_base":  # 增长最快的是哪个: against the previous period, and last year
                        pending += [(dataclasses.replace(base, comparisons=[*base.comparisons, c]), group)
                                    for c in ("mom", "yoy")]
        return out

    # -- the decision ---------------------------------------------------------------------------
    def decide(self, question: str, match: Match, user: User, as_of: dt.date, timings: dict) -> Answer:
        answer = self._decide(question, match, user, as_of, timings)
        answer = money_words.amounts_offered(self.catalog, match.text, self.executor.offered_in_scope(question, answer, user))
        if answer.status == "answered" and answer.interpretation is not None:
            read = answer.interpretation
            asked = money_words.mismatch(self.catalog, match.text, read.metrics, match.positions,
                                         match.counted or bool(read.having))
            if asked is not None:
                return money_words.other_measure(self.replies, question, answer.interpretation, asked, user, as_of)
        unsure = [(w, r) for w, r in match.corrections
                  if (w.isascii() and not typos.slip(w, r)) or (not w.isascii() and not self._slip(w, r))]
        if unsure and answer.status == "answered" and answer.interpretation is not None:
            # basis → basics, table → tablet: another real word, so the reading is offered, not answered
            said = "、".join(f"「{w}」→「{r}」" for w, r in unsure)
            said_en = ", ".join(f"'{w}' as '{r}'" for w, r in unsure)
            return self.replies.clarify(question, [answer.interpretation], "typo", f"我把 {said} 理解了，是这个意思吗？",
                                        f"I read {said_en}; is this what you meant?", user, as_of)
        if match.corrections and answer.status == "answered":  # say how a typo was read
            zh = "、".join(f"「{read}」" for _, read in match.corrections)
            answer.message = f"（按{zh}理解）{answer.message}"
            answer.message_en = f"(Read as {', '.join(repr(read) for _, read in match.corrections)}.) {answer.message_en}"
        return answer

    def _decide(self, question: str, match: Match, user: User, as_of: dt.date, timings: dict) -> Answer:
        visible = self.replies.visible(user)
        if match.time_error:
            return self.replies.refuse(question, "several_periods", f"问题里有多个时间（{match.time_error}），请只保留一个。",
                                f"The question names several periods ({match.time_error}); keep one.", user)
        if match.unavailable:  # 明天上海会下雨吗: the catalog's own reason first, before which 上海
            topic = self.catalog.catalog.unavailable[match.unavailable[0]]
            return self.replies.refuse(question, "unavailable", topic.reason.zh + " 你可以问：", topic.reason.en + " You can ask:",
                                user, self.ranked_metrics(question))
        if match.ambiguous_values:
            return shared_value(self, question, match, user, as_of)
        if match.either:  # the rows meeting both would be a wrong answer to "either"
            return self.replies.refuse(question, "conditions_or", "暂不支持用「或」连接的条件；可以把两个条件分开问，"
                                       "或问同时满足两个条件（且）的对象。", "Conditions joined by 'or' are not supported; "
                                       "ask each condition on its own, or for the things meeting both ('and').", user)
        if match.value_range:  # R3到R5: the middle values, or a lane from one to the other?
            return self.replies.refuse(question, "value_range", f"「{match.value_range}」说的是两个取值之间（或从一个到另一个），"
                                       "目录里这些取值没有先后，也没有起止；请逐个列出要的值（如 A、B、C），或分开问。",
                                       f"'{match.value_range}' spans two values (or goes from one to the other); the catalog "
                                       "gives them no order and no route: list each value wanted (A, B, C), or ask apart.", user)
        if any(op is None for _, op, _ in match.year_conditions):
            return self._open_year(question, match, user, as_of, timings)
        if FUTURE.search(match.text) and not match.unavailable:  # the catalog's own forecast topic says it better
            return self.replies.refuse(question, "future_period", "这段时间还没有到来，没有数据；ChatBI 只回答已发生的数据，不做预测。",
                                       "That period has not come yet, so there is no data; ChatBI answers about what "
                                       "has happened and does not forecast.", user)
        sets = match.metric_sets
        denied = [m for s in sets for m in s if len(s) == 1 and m not in visible]
        if denied:
            exc = self.replies.denied(user, denied[0])
            return self.replies.refuse(question, exc.code, exc.zh, exc.en, user)
        path = "matcher"
        if any(len(s) > 1 for s in sets):
            options = [m for m in self.ranked_metrics(question, 8) if m in next(s for s in sets if len(s) > 1)]
            options += sorted(m for s in sets if len(s) > 1 for m in s if m not in options)
            # the other metrics said stay in every choice (客单价1.5k以上、销售额至少50万: both conditions)
            fixed = [next(iter(s)) for s in sets if len(s) == 1]
            drafts = self._drafts(match, [sorted([m, *fixed], key=lambda x: match.positions.get(x, 0))
                                          for m in options if m in visible], as_of)
            return self.replies.clarify(question, drafts, "ambiguous_metric", "这个问题可能指以下几个指标，请选择：",
                                 "The question could mean any of these metrics; please pick one:", user, as_of)
        metrics = list(dict.fromkeys(m for s in sets for m in s))
        if metrics and not match.fully_matched:
            model_metric = self._model(question, timings)
            risky = [w for w in match.residual if any(r in w for r in RISKY)]
            # 广告投放花了多少钱: the model says no catalog metric is asked, and a word the catalog has no
            # term for (nor a value it is close to) says what is: refused, not offered as 销售额
            foreign = [w for w in unknown_words(self.ctx.vocabulary, match.residual) if not close_values(self.ctx.vocabulary, w)]
            if model_metric == OUT_OF_SCOPE and (risky or foreign):
                shown = risky or foreign
                return self.replies.refuse(question, "out_of_scope", self._scope_zh(shown), self._scope_en(shown),
                                           user, metrics)
            if (len(metrics) == 1 and model_metric == metrics[0] and not risky
                    and supported(self.catalog, self.ctx.vocabulary, metrics[0], match.residual)):
                # Matcher and model agree, and the leftover words only echo the metric's own words.
                draft = build_query(self.catalog, match, metrics, as_of)
                if draft.query is not None:
                    return self.executor.execute(question, draft.query, user, as_of, "matcher+model", timings)
            alternatives = [[m] for m in self.ranked_metrics(question) if m not in metrics and m in visible][:2]
            first = [metrics] + ([[model_metric]] if model_metric and model_metric not in (OUT_OF_SCOPE, *metrics)
                                 else [])
            if len(match.residual) == 1 and not any(w in match.text for w in NEGATION_BEFORE):
                offered = self._close_values(question, match, metrics, user, as_of)
                if offered is not None:
                    return offered
            reader = model_metric if model_metric in metrics else (metrics[0] if len(metrics) == 1 else None)
            answered, led = self._full(question, match, reader, risky, user, as_of, timings)
            if answered is not None:
                return answered
            drafts = led + self._drafts(match, first + alternatives, as_of)
            unknown = "、".join(match.residual)
            return self.replies.clarify(question, drafts, "unrecognised_words",
                                 f"我没有完全理解「{unknown}」。以下是我能准确回答的查询，请选择：",
                                 f"I could not place '{unknown}'. These are the queries I can answer exactly; "
                                 "please pick one:", user, as_of)
        # 排名前五的支行有哪些: a ranking of no metric, never a listing of every one of them
        # 环比增长超过5%的城市有哪些, 超过100万的门店有哪些: a change or bound of no metric, never every
        # city listed as if it had grown
        ranked = bool(match.rank_words or match.limit or match.growth or match.comparisons or match.thresholds)
        listing = read_listing(self.catalog, match, as_of) if not metrics and match.listing and not ranked else None
        if listing is not None:
            draft = build_listing(self.catalog, listing.match, {d: len(v) for d, v in self.ctx.vocabulary.values.items()},
                                  listing.filters, listing.columns)
            if draft.query is None:
                code, zh, en = draft.problem
                return self.replies.refuse(question, code, zh, en, user)
            listed = draft.query.group_by[0].dimension
            if match.counted and not self.executor.names_are_unique(listed):  # 1998 names of 2000 customers
                name = self.catalog.dimensions[listed].name
                return self.replies.refuse(question, "count_by_name", f"「{name.zh}」的名称有重名，按名称无法准确数出个数；"
                                           "请问对应的计数指标。", f"Several {name.en} share a name, so counting "
                                           "them by name would be wrong; ask for a count metric instead.", user)
            return self.executor.execute(question, draft.query, user, as_of, "matcher", timings)
        if not metrics and match.listing and match.residual and not ranked:  # "agents who have sold …": offered
            offered = build_listing(self.catalog, dataclasses.replace(match, residual=[]),
                                    {d: len(v) for d, v in self.ctx.vocabulary.values.items()}).query
            unknown = "、".join(match.residual)
            if offered is not None and not any(r in w for w in match.residual for r in (*RISKY, *DENIED_WORDS)):
                return self.replies.clarify(question, [offered], "unrecognised_words",
                                            f"我没有完全理解「{unknown}」。以下是我能准确回答的查询，请选择：",
                                            f"I could not place '{unknown}'. These are the queries I can answer "
                                            "exactly; please pick one:", user, as_of)
        begun = [m for m in self.ctx.vocabulary.metrics_begun(match.text) if m in visible] if not metrics else []
        if len(begun) > 1:  # 卖了多少: 卖了多少钱 or 卖了多少件; the model would only guess which
            return self.replies.clarify(question, self._drafts(match, [[m] for m in begun], as_of), "ambiguous_metric",
                                        "这个问题可能指以下几个指标，请选择：",
                                        "The question could mean any of these metrics; please pick one:", user, as_of)
        if not metrics:
            model_metric = self._model(question, timings)
            t0 = time.perf_counter()
            ranked = self.ranked_metrics(question)
            timings["retrieval"] = (time.perf_counter() - t0) * 1000
            # out of scope needs words the catalog does not know (工资): a question every word of which
            # it places (哪个最好, 上个月的情况, 同比增长超过10%的子类别) only lacks its metric, and is asked
            unknown = unknown_words(self.ctx.vocabulary, match.residual)
            if model_metric == OUT_OF_SCOPE and unknown:
                return self.replies.refuse(question, "out_of_scope", self._scope_zh(unknown),
                                    self._scope_en(unknown), user, ranked)
            risky = [w for w in match.residual if any(r in w for r in RISKY)]
            # and something the question says besides its period and filler is what they agree on
            content = [w for w in match.residual if w not in FILLER]
            # the model's metric is agreed when retrieval ranks it first, or when the question says the
            # start of its name alone (上个月报案最少的: 报案件数, no other metric begins so)
            # every word left begins that metric's names (出单天数: 天数 does not): evidence, not a guess
            # (报案多少件: 件 after 多少 counts them and begins no name; said of days, 结案多少件, it stays)
            counters = [w for w in content if w in MEASURE_WORDS and re.search(rf"(?:多少|几)\s*{w}", match.text)]
            said = [w for w in content if not (w in counters and counts_with(self.ctx.vocabulary, model_metric, w))]
            # 揽了多少票: 揽 begins 揽收件数 and 揽收重量; 票 counts only the first
            begins = said and all({m for m in self.ctx.vocabulary.metrics_prefixed(
                [w], verbs=bool(re.search(rf"{re.escape(w)}[了过]", match.text)))
                if all(counts_with(self.ctx.vocabulary, m, c) for c in counters)} == {model_metric} for w in said)
            # 件数 is part of 保单件数 and 报案件数: words that several metrics share do not say which
            shared = [s for s in (self.ctx.vocabulary.metrics_containing(w) for w in joined_words(content, match.text))
                      if s]  # 末 names none
            every = narrowest(self.catalog, set.intersection(*shared) & set(visible) if shared else set())
            common = {m for m in every if splits_as_asked(self.catalog, m, match)}
            # 各贷款品种余额: of the balances only the loans' has a loan type, and the model says it too
            # (the breakdown must be what narrows it: 理赔金额 alone is claimed or paid, whatever a synonym holds)
            agreed = model_metric and model_metric in visible and (
                ranked and model_metric == ranked[0] and (content or begun) or begins
                or len(every) > 1 and common == {model_metric})
            inside = self._inside_metric_words(model_metric, match) if agreed else []
            # 住了多少人, 收了多少钱: one verb's character is all the question says of its metric, and the
            # model's pick (members who stayed, cash collected) is a guess among those it fits; asked
            # (10月底存款: 底 says the balance's end, nothing of which metric)
            rest = words_besides_end(self.ctx.vocabulary, match, model_metric, as_of) if agreed else []
            weak = not begins and any(w in rest for w in said) and all(
                len(w) == 1 and not w.isascii() for w in said if w in rest)
            if agreed and len(common) > 1 and model_metric in common:
                options = [model_metric, *(m for m in ranked if m in common and m != model_metric),
                           *sorted(common - {model_metric, *ranked})]
                return self.replies.clarify(question, self._drafts(match, [[m] for m in options[:3]], as_of),
                                            "ambiguous_metric", "这个问题可能指以下几个指标，请选择：",
                                            "The question could mean any of these metrics; please pick one:",
                                            user, as_of)
            if agreed and not risky and not inside and not weak and supported(self.catalog, self.ctx.vocabulary, model_metric, words_besides_end(self.ctx.vocabulary, match, model_metric, as_of), match.text):
                metrics, path = [model_metric], "model"
                match = metric_words_not_values(self.catalog, match, model_metric)  # 签收了多少件
            elif inside:  # 新增客户…: 客户 may be the metric's own word, not a breakdown by customer
                kept = dataclasses.replace(match, group_by=[d for d in match.group_by if d not in inside])
                drafts = self._drafts(kept, [[model_metric]], as_of) + self._drafts(match, [[model_metric]], as_of)
                return self.replies.clarify(question, drafts, "uncertain_dimension", "我不确定是否要按这些对象拆分，请选择：",
                                            "I am not sure the question asks for this breakdown; please pick one:",
                                            user, as_of)
            else:
                answered, led = self._full(question, match, model_metric if agreed else None, risky, user, as_of,
                                           timings)
                if answered is not None:
                    return answered
                options = ([model_metric] if model_metric else []) + [m for m in ranked if m != model_metric]
                drafts = led + self._drafts(match, [[m] for m in options if m in visible][:3], as_of)
                return self.replies.clarify(question, drafts, "uncertain_metric", "我不确定你问的是哪个指标，请选择：",
                                     "I am not sure which metric you mean; please pick one:", user, as_of)
        other = other_readings(self.catalog, match, metrics, visible)
        if other:  # 账龄一年以上的欠费: 欠费余额 has 账龄; "average premium per agent": either average
            code, zh, en, variants = other
            drafts = [q for meant, ms in variants for q in self._drafts(meant, [ms], as_of)]
            return self.replies.clarify(question, drafts, code, zh, en, user, as_of)
        draft = build_query(self.catalog, match, metrics, as_of)
        if draft.query is None:
            return self._draft_problem(question, draft, match, metrics, user, as_of)
        return self.executor.execute(question, draft.query, user, as_of, path, timings)

    def _full(self, question: str, match: Match, metric: str | None, risky: list[str], user: User, as_of: dt.date,
              timings: dict) -> tuple[Answer | None, list[SemanticQuery]]:
        """The model's breakdowns and filters for the words the rules left: an answer when verified
        (full_reading.verify), else its reading as the clarification's first choice."""
        if metric is None or metric == OUT_OF_SCOPE or risky or self.ctx.read_full is None or not match.residual:
            return None, []
        if not full_reading.verifiable(self.catalog, self.ctx.vocabulary, match, metric):
            return None, []
        started = time.perf_counter()
        progress.report("model")
        try:
            reading = self.ctx.read_full(question, metric)
        except LLMError:
            return None, []
        finally:
            timings["model_full"] = (time.perf_counter() - started) * 1000
        progress.report("decide")
        verified = full_reading.verify(self.catalog, self.ctx.vocabulary, match, reading)
        if verified is not None:
            draft = build_query(self.catalog, verified, [metric], as_of)
            if draft.query is not None:
                return self.executor.execute(question, draft.query, user, as_of, "model", timings), []
        return None, self._drafts(full_reading.extended(self.catalog, match, reading), [[metric]], as_of)

    def _close_values(self, question: str, match: Match, metrics: list[str], user: User,
                      as_of: dt.date) -> Answer | None:
        """杭洲 / hz: the word is not a value, but close to some; each is offered with its filter
        (beside the values already named: 宁波和杭洲) — the company total is not among them. None
        when no close value fits the metrics and the user (the usual clarification then)."""
        word = match.residual[0]
        allowed = set.intersection(*[set(graph.allowed_dimensions(self.catalog, m)) for m in metrics])
        role = self.catalog.roles.get(user.role)
        denied = set(role.deny_dimensions) if role else set()
        options = [(d, v) for d, v in close_values(self.ctx.vocabulary, word) if d in allowed and d not in denied]
        drafts = []
        for dim, value in options:
            named = [v for v in match.filters.get(dim, []) if v != value]
            meant = dataclasses.replace(match, residual=[], filters={**match.filters, dim: [*named, value]})
            drafts += self._drafts(meant, [metrics], as_of)
        if not drafts:
            return None
        names = "、".join(dict.fromkeys(v for _, v in options))
        return self.replies.clarify(question, drafts, "unknown_value", f"不认识「{word}」，你是不是指{names}？请选择：",
                                    f"'{word}' is not a known value; did you mean {names}? Please pick one:",
                                    user, as_of)

    def _open_year(self, question: str, match: Match, user: User, as_of: dt.date, timings: dict) -> Answer:
        """2024年以后开业: whether 2024 itself is in is not said, so both readings are offered."""
        year = next(y for _, op, y in match.year_conditions if op is None)
        readings = []
        for bound in (">=", ">"):
            meant = dataclasses.replace(match, year_conditions=[(d, op or bound, y) for d, op, y in match.year_conditions])
            answer = self._decide(question, meant, user, as_of, timings)
            if answer.status != "answered" or answer.interpretation is None:  # never a choice that hides the bound
                return self.replies.refuse(question, OPEN_YEAR[0], OPEN_YEAR[1], OPEN_YEAR[2], user)
            readings.append(answer.interpretation)
        return self.replies.clarify(question, readings, "open_year", f"{year}年本身算不算在内？请选择：",
                                    f"Is {year} itself included? Please pick one:", user, as_of)

    def _inside_metric_words(self, metric: str, match: Match) -> list[str]:
        """Breakdowns read from a word that is part of the metric's own names (客户 in 新增客户数)."""
        spec = self.catalog.metrics[metric]
        names = [n.lower() for n in (spec.name.zh, spec.name.en, *spec.synonyms) if n]
        out = []
        for did in match.group_by:
            dim = self.catalog.dimensions[did]
            terms = [t.lower() for t in (dim.name.zh, dim.name.en, *dim.synonyms) if t and t.lower() in match.text]
            if terms and all(any(t in n and t != n for n in names) for t in terms):
                out.append(did)
        return out

    def _slip(self, typed: str, meant: str) -> bool:
        """Is 欠废金额 a slip for 欠费金额? Yes when the character sounds the same (the input method's
        slip) or is a word of no other metric (销售颌); 退了多少件 is not 卖了多少件: 退 is the word of
        the return metrics, so it may have been meant."""
        if len(typed) != len(meant) or typos.homophone_slip(meant, typed):
            return True
        char = next(a for a, b in zip(typed, meant, strict=True) if a != b)
        ours = self.ctx.vocabulary.metric_terms.get(meant, set())
        return not any(char in t for t, ms in self.ctx.vocabulary.metric_terms.items() if ms - ours)

    def _scope_zh(self, residual: list[str]) -> str:
        what = f"「{'、'.join(residual)}」" if residual else "这个问题"
        return f"{what}不在「{self.catalog.catalog.name.pick('zh')}」的指标目录范围内，我无法回答。你可以问："

    def _scope_en(self, residual: list[str]) -> str:
        what = f"'{' '.join(residual)}'" if residual else "This question"
        return f"{what} is outside the {self.catalog.catalog.name.pick('en')} metric catalog, so I cannot answer it. You can ask:"

    def _draft_problem(self, question: str, draft: Draft, match: Match, metrics: list[str], user: User,
                       as_of: dt.date) -> Answer:
        code, zh, en = draft.problem
        if draft.alternatives:
            return self.replies.clarify(question, draft.alternatives, code, zh, en, user, as_of)
        variants: list[Match] = []
        groups: list[list[str] | None] = [None]
        if code in ("rank_without_dimension", "threshold_without_dimension"):
            groups = [[d] for d in rank_dimensions(self.catalog, metrics[0], set(match.filters))]
            variants = [match]
        elif code == "growth_base":
            variants = [dataclasses.replace(match, comparisons=[*match.comparisons, c]) for c in ("mom", "yoy")]
        elif code == "decline_band":  # fell by less than 10%: only the falls, or every change above -10%
            (position, said), *_ = [(p, t) for p, t in match.thresholds if t.unit == "%"]
            floor = (position, shape_words.Threshold(">", -abs(said.value), "%"))
            variants = [dataclasses.replace(match, growth_direction=None, thresholds=kept)
                        for kept in ([floor, (position, shape_words.Threshold("<", 0.0, "%"))], [floor])]
            zh, en = (f"「下降不到 {said.value:g}%」是只看下降的，还是也包括增长的？请选择：",
                      f"Does 'fell by less than {said.value:g}%' mean only the falls, or every rise too? Please pick:")
        elif code == "cumulative_needs_period":
            last_year = match.time is not None  # 去年同期累计: the same year to date, a year earlier
            this_year = timeparse.TimeWindow("this_year", "", last_year=last_year)
            variants = [dataclasses.replace(match, time=this_year, cumulative=False),
                        dataclasses.replace(match, time=this_year, grain="month")]
        drafts = [q for m in variants for g in groups
                  if (q := build_query(self.catalog, m, metrics, as_of, group_by=g).query) is not None]
        if drafts:
            return self.replies.clarify(question, drafts, code, zh, en, user, as_of)
        return self.replies.refuse(question, code, zh, en, user, metrics)
