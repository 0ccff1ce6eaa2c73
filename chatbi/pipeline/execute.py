"""Execution of a typed interpretation: scope check → compile → the SQL guard → the warehouse →
an answer with its headline. Every path that answers with numbers ends here."""

from __future__ import annotations

import datetime as dt
import time

from dateutil.relativedelta import relativedelta

from chatbi import progress
from chatbi.pipeline.answer import ANSWERED, REFUSED, Answer, format_value, suggest_chart
from chatbi.pipeline.context import PipelineContext
from chatbi.pipeline.data_span import BeforeData, DataSpans
from chatbi.pipeline.headline import balances, headline, period_notes, stated_count
from chatbi.pipeline.question_words import COMBINED
from chatbi.pipeline.replies import Replies
from chatbi.pipeline.shared_names import named_entities, names_of, ratios_per, refusal, shared_names_sql
from chatbi.pipeline.sql_run import run_guarded_sql
from chatbi.sqlguard import SqlRejected
from chatbi.warehouse import WarehouseError
from metric_catalog import graph
from semantic_layer import (
    AccessDenied,
    GroupBy,
    NoData,
    NotAllowed,
    SemanticError,
    SemanticQuery,
    TimeRange,
    User,
    compile_query,
)
from semantic_layer.access import role_of, row_restrictions
from semantic_layer.scope import scope_probe

MAX_ROWS = 5000


OUTSIDE = ("你问的对象超出了你的数据权限范围，只能查询本人权限内的数据。", "What you asked about is outside the rows you may see.")

SHARE_CUT = ("这个占比的整体（分母）超出了你的数据权限：只算你能看到的数据会得出不真实的占比（如 100%）。"
             "可以问你权限范围之内的占比（如 占本城市的比例）。",
             "The whole of this share reaches beyond the rows you may see; computed on your rows alone it would "
             "be untrue (such as 100%). Ask for a share within your own scope (of your city, for example).")


class Executor:
    def __init__(self, ctx: PipelineContext, replies: Replies):
        self.ctx, self.replies = ctx, replies
        self.spans = DataSpans(ctx.catalog, ctx.warehouse)

    def execute(self, question: str, query: SemanticQuery, user: User, as_of: dt.date, path: str,
                timings: dict) -> Answer:
        ctx, refuse = self.ctx, self.replies.refuse
        progress.report("execute")
        t0 = time.perf_counter()
        try:
            if self.outside_scope(query, user):
                return refuse(question, "outside_scope", *OUTSIDE, user, query.metrics, path=path)
            if self.share_cut_by_scope(query, user):
                return refuse(question, "share_outside_scope", *SHARE_CUT, user, query.metrics, path=path)
            compiled = compile_query(ctx.catalog, query, dialect=ctx.dialect, user=user, as_of=as_of)
        except NoData as exc:
            return self._latest_instead(question, query, exc, user, as_of)
        except (NotAllowed, AccessDenied, SemanticError) as exc:
            return refuse(question, exc.code, exc.zh, exc.en, user, query.metrics, path=path)
        before = self.spans.before_data(query, compiled.start, compiled.end)
        if before is not None:
            return self._within_data(question, query, compiled, before, user, as_of, path, timings)
        years = self.spans.years_before_data(query, compiled.start)
        if years is not None and years[2]:
            name = ctx.catalog.dimensions[years[0]].name
            return refuse(question, "before_data", f"数据中最早的{name.zh}为 {years[1]}，没有更早的，无法回答。",
                          f"The earliest {name.en} in the data is {years[1]}; there is no data for earlier ones.",
                          user, query.metrics, path=path)
        try:  # compiled SQL passes the same guard as anyone else's
            guarded = ctx.guard.check(compiled.sql, user, max_rows=MAX_ROWS)
        except SqlRejected as exc:
            return refuse(question, f"guard_{exc.code}", exc.zh, exc.en, user, query.metrics, path=path)
        timings["compile"] = (time.perf_counter() - t0) * 1000
        t0 = time.perf_counter()
        try:
            result = ctx.warehouse.execute(guarded.sql, max_rows=MAX_ROWS, timeout_s=30)
        except WarehouseError as exc:
            return Answer(REFUSED, question, f"查询执行失败：{exc}", f"The query failed: {exc}", reason="execution_error",
                          interpretation=query, sql=compiled.sql, path=path)
        timings["execute"] = (time.perf_counter() - t0) * 1000
        columns = [{"name": c.name, "kind": c.kind, "label": c.label_zh, "label_en": c.label_en, "format": c.format,
                    "metric": c.metric, **self._empty_names(c), **self._unit(c)} for c in compiled.columns]
        rows = [list(r) for r in result.rows]
        if self._never_any(query, compiled, columns, rows, user, as_of, compiled.end or as_of):  # 南京博远…的保费: 0?
            names = "、".join(v for f in query.filters if f.op in ("=", "in") for v in f.values)
            if not self._never_any(query, compiled, columns, rows, user, as_of, as_of):  # 上个月待发货的订单
                return refuse(question, "never_in_data", f"「{names}」在所问时间及以前的数据里没有记录，只在之后才出现，"
                              "0 不能说明什么；请问它出现之后的时间（如本月）。",
                              f"'{names}' has no row in this metric's data up to the period asked, only after it, "
                              "so 0 would say nothing; ask about a period after it appears (e.g. this month).",
                              user, query.metrics, path=path)
            return refuse(question, "never_in_data", f"「{names}」在所问指标的数据里从来没有记录，0 不能说明什么"
                          "（它可能不是这个指标统计的对象）；请换个说法或确认名称。",
                          f"'{names}' has never had a row in this metric's data, so 0 would say nothing (it may "
                          "not be what the metric counts); rephrase or check the name.", user, query.metrics, path=path)
        shared = self._shared_names(query, columns, rows)  # 梁平 of two staff: their sum is neither's
        if shared is not None:  # the ratios it names first among the suggestions
            offered = [r for m in query.metrics for r in ratios_per(ctx.catalog, m, query.average_per)] if query.average_per else []
            return refuse(question, *shared, user, offered + query.metrics, path=path)
        # the guard's LIMIT stops the rows at the cap, so a full cap is a cut result, never a total
        cut = result.truncated or len(rows) >= MAX_ROWS
        zh, en = headline(ctx.catalog, query, compiled, columns, rows, cut)
        if query.place:  # 排名第二: the rows at that place are the answer (all of them when two tie above)
            place = next(k for k, c in enumerate(columns) if c["name"].endswith("__place"))
            rows = [r for r in rows if r[place] == query.place] or rows
        if rows:
            note_zh, note_en = period_notes(query, compiled, balances(ctx.catalog, query))
            zh, en = zh + note_zh, en + note_en
        if query.limit and query.order_by and rows and COMBINED.search(question):  # 前三的品类的销售额合计
            note_zh, note_en = self._top_total(query, columns, rows)
            zh, en = zh + note_zh, en + note_en
        if query.average_per and rows:  # 平均每个网点: over the depots with data, and how many have none
            note_zh, note_en = self._things_without_data(query, user, as_of, rows, columns)
            zh, en = zh + note_zh, en + note_en
        if years is not None:  # 2024年以来承保的: the years before the data are not in the number
            name = ctx.catalog.dimensions[years[0]].name
            zh += f"（数据中最早的{name.zh}为 {years[1]}，更早的不在其中）"
            en += f" (The earliest {name.en} in the data is {years[1]}; earlier ones are not included.)"
        return Answer(ANSWERED, question, zh, en, interpretation=query, explanation=compiled.explanation,
                      sql=guarded.sql, columns=columns, rows=rows, chart=suggest_chart(columns, rows), path=path,
                      model_id=ctx.model_id() if path == "model" else "", truncated=cut,
                      count=stated_count(query, columns, rows, cut),
                      timings_ms=timings).with_scope(*ctx.row_scope.note(user))

    def _things_without_data(self, query: SemanticQuery, user: User, as_of: dt.date, rows: list,
                             columns: list[dict]) -> tuple[str, str]:
        """(zh, en) note of an average per thing: how many things it is over, and how many of those in
        scope (by the filters on the things themselves, within the user's rows) have no data then; for
        one number of events (a count or sum, where no row is zero) also the mean over all of them."""
        from sqlglot import exp

        from metric_catalog import graph
        from semantic_layer import GroupBy

        catalog, entity = self.ctx.catalog, query.average_per
        table = catalog.dimensions[entity].table
        own = [f for f in query.filters if catalog.dimensions[f.dimension].table == table
               or graph.join_path(catalog, table, catalog.dimensions[f.dimension].table) is not None]
        per = query.model_copy(update={"average_per": None, "order_by": [], "limit": None, "having": [],
                                       "group_by": [*query.group_by, GroupBy(dimension=entity)]})
        counts = []
        for q in (per, SemanticQuery(group_by=[GroupBy(dimension=entity)], filters=own)):
            inner = compile_query(catalog, q, dialect=self.ctx.dialect, user=user, as_of=as_of).sql
            count = exp.select(exp.Count(this=exp.Distinct(expressions=[exp.column(entity)]))).from_(
                exp.maybe_parse(inner, dialect=self.ctx.dialect).subquery("t"))
            counts.append(self.ctx.warehouse.execute(count.sql(dialect=self.ctx.dialect)).rows[0][0])
        with_data, in_scope = counts
        name = catalog.dimensions[entity].name
        if with_data >= in_scope:
            return f"（{with_data} 个{name.zh}的平均）", f" (The mean over {with_data} {name.en}s.)"
        zh = f"（平均的是该期间有数据的 {with_data} 个{name.zh}；另有 {in_scope - with_data} 个{name.zh}没有数据，不在其中"
        en = f" (The mean over the {with_data} {name.en}s with data in the period; {in_scope - with_data} more had none"
        metric_cols = [(i, c) for i, c in enumerate(columns) if c["kind"] == "metric"]
        if len(rows) == 1 and len(metric_cols) == 1 and rows[0][metric_cols[0][0]] is not None and \
                catalog.metrics[metric_cols[0][1]["metric"]].type == "simple":
            i, c = metric_cols[0]
            spread = float(rows[0][i]) * with_data / in_scope  # the same total over every one of them
            fmt = "number" if c["format"] == "integer" else c["format"]  # a mean keeps a decimal
            shown = format_value(spread, fmt, c.get("unit", ""), 1, compact="zh")  # as the headline says it
            zh += f"；按全部 {in_scope} 个{name.zh}计（无数据的按 0）为 {shown}"
            en += f"; over all {in_scope}, those with none as 0, it is {format_value(spread, fmt, ' ' + c.get('unit_en', ''), 1, compact='en')}"
        return zh + "）", en + ".)"

    def _top_total(self, query: SemanticQuery, columns: list[dict], rows: list) -> tuple[str, str]:
        """The total of the rows a top N shows, of a metric that adds up; nothing of one that does not."""
        i, column = next(((i, c) for i, c in enumerate(columns) if c["name"] == query.order_by[0].field), (None, None))
        spec = self.ctx.catalog.metrics.get(column["metric"] or "") if column else None
        if spec is None or spec.type != "simple" or spec.agg not in ("sum", "count"):
            return "", ""
        total = sum(float(r[i]) for r in rows if r[i] is not None)
        unit, unit_en = column.get("unit", ""), column.get("unit_en", "")
        return (f"（这 {len(rows)} 个合计 {format_value(total, column['format'], unit, column.get('decimals', 2), compact='zh')}）",
                f" (These {len(rows)} together: {format_value(total, column['format'], ' ' + unit_en, column.get('decimals', 2), compact='en')}.)")

    def _shared_names(self, query: SemanticQuery, columns: list[dict], rows: list) -> tuple[str, str, str] | None:
        catalog = self.ctx.catalog
        for dimension in named_entities(catalog, query):
            if dimension == query.average_per and not self.names_are_unique(dimension):
                # 平均每个员工: over names, two 梁平 would be one; a ratio per key the catalog has is offered
                instead = [r for m in query.metrics for r in ratios_per(catalog, m, dimension)]
                return refusal(catalog, dimension, [], instead)
            names = names_of(query, dimension, columns, rows)
            if not names:
                continue
            found = self.ctx.warehouse.execute(shared_names_sql(catalog, dimension, names, self.ctx.dialect)).rows
            if found:  # quoted as the answer would have shown them: the top of a ranking first
                clashing = {str(r[0]) for r in found}
                return refusal(catalog, dimension, [n for n in names if n in clashing])
        return None

    def names_are_unique(self, dimension: str) -> bool:
        """Whether every row of the dimension's table has its own value (a listing counted by its
        names is then the count of the things); False when it cannot be read."""
        from sqlglot import exp

        from metric_catalog import graph
        from semantic_layer import GroupBy, SemanticQuery
        from semantic_layer.listing import listing_select
        from semantic_layer.scan import dimension_expr

        spec = self.ctx.catalog.dimensions[dimension]
        if graph.entity_dimension(self.ctx.catalog, spec.table) != dimension:
            return True  # an attribute (province): its distinct values are what is counted
        # over the rows a listing of them reads (the agents the bridge names, not every party)
        select = listing_select(self.ctx.catalog, SemanticQuery(group_by=[GroupBy(dimension=dimension)]),
                                User.unrestricted())
        for arg in ("distinct", "order", "limit"):
            select.set(arg, None)
        select.set("expressions", [exp.Count(this=exp.Distinct(expressions=[exp.column(spec.key, spec.table)])),
                                   exp.Count(this=exp.Distinct(expressions=[dimension_expr(self.ctx.catalog, dimension)]))])
        try:
            rows, distinct = self.ctx.warehouse.execute(select.sql(dialect=self.ctx.dialect), max_rows=1).rows[0]
        except Exception:  # noqa: BLE001 - unknown means not shown as a count
            return False
        return rows == distinct

    def _empty_names(self, column) -> dict[str, str]:
        """What a dimension's empty value is called in the answer (rows stay NULL, as the data has them)."""
        dim = self.ctx.catalog.dimensions.get(column.name) if column.kind == "dimension" else None
        return {"empty": dim.empty_name("zh"), "empty_en": dim.empty_name("en")} if dim else {}

    def _unit(self, column) -> dict:
        """A metric column's unit and decimals, for the card's headers (欠费金额（元）) and numbers."""
        spec = self.ctx.catalog.metrics.get(column.metric) if column.kind == "metric" and column.metric else None
        if spec is None:
            return {}
        unit = {} if spec.format == "percent" else {"unit": spec.unit.zh, "unit_en": spec.unit.en}
        return {**unit, "decimals": spec.decimals}

    def execute_verified(self, question: str, hit, user: User, as_of: dt.date, timings: dict) -> Answer:
        """An analyst-verified interpretation or SQL for this question: no model call."""
        if hit.query is not None:
            answer = self.execute(question, hit.query, user, as_of, "verified", timings)
        else:
            answer = run_guarded_sql(self.ctx, hit.answer.sql, user, question, "verified", governed=True)
            answer.timings_ms = {**timings, **answer.timings_ms}
        answer.verified_id = hit.answer.id
        return answer

    def _within_data(self, question: str, query: SemanticQuery, compiled, before: BeforeData, user: User,
                     as_of: dt.date, path: str, timings: dict) -> Answer:
        """A period before the data begins has no number, not a zero: cut to the data's first day (and
        say so), leave out a comparison whose period lies before it, or refuse when nothing is left."""
        first = before.first_day
        if before.compared is None:
            if compiled.end < first:
                return self.replies.refuse(
                    question, "before_data", f"数据从 {first} 开始，{compiled.start or ''} 至 {compiled.end} 没有数据。",
                    f"The data begins on {first}; there is none for {compiled.start or ''} to {compiled.end}.",
                    user, query.metrics, path=path)
            query = query.model_copy(update={"time_range": TimeRange(start=first, end=compiled.end)})
            note = (f"（数据从 {first} 开始，时间从该日算起）", f"(The data begins on {first}; the period starts there.) ")
        else:
            name_zh, name_en = {"yoy": ("同比", "year-over-year"), "mom": ("环比", "period-over-period"),
                               "ystart": ("较年初", "start-of-year")}[before.compared]
            why_zh = f"{name_zh}需要 {before.needed} 起的数据，而数据从 {first} 开始"
            why_en = f"the {name_en} comparison needs data from {before.needed}; the data begins on {first}"
            if any(h.of.removesuffix("_change") == before.compared for h in query.having) or any(
                    o.field.endswith(f"__{before.compared}") for o in query.order_by):
                return self.replies.refuse(question, "compared_before_data", f"{why_zh}，无法按{name_zh}筛选或排名。",
                                           f"Cannot filter or rank on it: {why_en}.", user, query.metrics, path=path)
            query = query.model_copy(update={"comparisons": [c for c in query.comparisons if c != before.compared]})
            note = (f"（{why_zh}，未计算{name_zh}）", f"({why_en[0].upper()}{why_en[1:]}, so it is not shown.) ")
        answer = self.execute(question, query, user, as_of, path, timings)
        if answer.status == ANSWERED:
            answer.message, answer.message_en = note[0] + answer.message, note[1] + answer.message_en
        return answer

    def _never_any(self, query: SemanticQuery, compiled, columns: list[dict], rows: list, user: User,
                   as_of: dt.date, until: dt.date) -> bool:
        """A single 0 (or nothing) for a filtered value: has the value any row in the metric's data at
        all, up to ``until``? When not, 0 is no truth about it (a holder company filtered as an
        agent), and it is said so. A balance is read at each month end of the five years before (a
        sub-branch's deposits before it opened: no row at any month end, not a balance of 0)."""
        catalog = self.ctx.catalog
        metric_at = [k for k, c in enumerate(columns) if c["kind"] == "metric"]
        if len(rows) > 1 or query.group_by or not metric_at or not any(f.op in ("=", "in") for f in query.filters) \
                or (rows and any(rows[0][k] not in (0, None) for k in metric_at)):
            return False
        balance = any(catalog.metrics[leaf].type == "period_end" for m in query.metrics for leaf in graph.leaf_metrics(catalog, m))
        ever = query.model_copy(update={
            "time_range": TimeRange(start=(until - relativedelta(years=5)).replace(day=1) if balance else dt.date(1900, 1, 1),
                                 end=until),
            "group_by": [GroupBy(dimension="metric_time", grain="month")] if balance else [],
            "comparisons": [], "having": [], "order_by": [], "limit": None})
        try:
            probe = compile_query(catalog, ever, dialect=self.ctx.dialect, user=user, as_of=as_of)
            found = self.ctx.warehouse.execute(self.ctx.guard.check(probe.sql, user, max_rows=100).sql, max_rows=100).rows
        except Exception:  # the probe only adds a caveat: any failure leaves the answer as it was
            return False
        return all(v in (0, None) for r in found for v in r[1 if balance else 0:])

    def offered_in_scope(self, question: str, answer: Answer, user: User) -> Answer:
        """A clarification never offers what the asker may not see (a city manager asking about
        another city's hotels): those choices are dropped, and with none left it is refused."""
        if answer.status != "clarify" or not answer.candidates:
            return answer
        kept = [c for c in answer.candidates if not self.outside_scope(c.interpretation, user)]
        if not kept:
            return self.replies.refuse(question, "outside_scope", *OUTSIDE, user)
        answer.candidates = kept
        return answer

    def outside_scope(self, query: SemanticQuery, user: User) -> bool:
        """Does the query filter to a value outside the rows the user may see (another city's)?"""
        catalog = self.ctx.catalog
        for restriction in row_restrictions(catalog, role_of(catalog, user), user):
            for flt in query.filters:
                probe = scope_probe(catalog, restriction, flt)
                if probe is None:
                    continue
                sql = probe.sql(dialect=self.ctx.dialect, identify=True)
                if not self.ctx.warehouse.execute(sql, max_rows=1).rows[0][0]:
                    return True
        return False

    def share_cut_by_scope(self, query: SemanticQuery, user: User) -> bool:
        """上海客房收入占华东的比例 asked by 上海's manager: 华东's whole is cut to 上海's rows (100%). A
        share is computed only when its whole is named by the restricted dimension itself (占上海的)."""
        if "share" not in query.comparisons:
            return False
        restrictions = row_restrictions(self.ctx.catalog, role_of(self.ctx.catalog, user), user)
        wholes = {f.dimension for f in query.filters if f.dimension in query.share_scope}
        return bool(restrictions) and not any(r.dimension in wholes for r in restrictions)

    def _latest_instead(self, question, query: SemanticQuery, exc: NoData, user, as_of) -> Answer:
        """本月的账单还没出: offer the latest closed period instead of a zero. A period that starts
        after the reference date has not happened at all (2026年12月 asked on 11-15): refused, as
        下个月 is, since nothing recent answers it."""
        end = dt.date.fromisoformat(exc.details["available_through"])
        if query.time_range is not None and query.time_range.start > as_of:
            return self.replies.refuse(question, "future_period", "这段时间还没有到来，没有数据；ChatBI 只回答已发生的数据，不做预测。",
                                       "That period has not come yet, so there is no data; ChatBI answers about what "
                                       "has happened and does not forecast.", user, query.metrics)
        start = end.replace(day=1)
        latest = query.model_copy(update={"time_range": TimeRange(start=start, end=end)})
        three = query.model_copy(update={"time_range": TimeRange(
            start=(start.replace(day=1) - dt.timedelta(days=62)).replace(day=1), end=end)})
        return self.replies.clarify(question, [latest, three], "no_data_yet", exc.zh + " 要看最近的数据吗？",
                                    exc.en + " Would you like the latest data instead?", user, as_of)
