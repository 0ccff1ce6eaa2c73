"""分析工作台 / Analyst workbench: the review queue, correcting answers into verified ones, the vanna
drafting path for questions the catalog does not cover, verified answers, catalog lint."""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st
from pydantic import ValidationError

from chatbi.appdb import AppDBError
from chatbi.pipeline.describe import COMPARED
from chatbi.pipeline.reasons import reason_text
from metric_catalog import graph
from metric_catalog.lint import lint_catalog
from semantic_layer import TIME, GroupBy, SemanticQuery, TimeRange
from ui import answer_card
from ui.common import can_write_sql, choose, dimension_values, lang, require_account, service, t

who = require_account()
svc = service()
if not can_write_sql(who):
    st.error(t("只有分析师可以使用工作台。", "Only analysts can use the workbench."))
    st.stop()
catalog = svc.bi.catalog
st.title(t("分析工作台", "Analyst workbench"))
# Sections, not tabs: 修正 in the queue (or "open in workbench" on an answer) must show the form it
# filled, and Streamlit cannot switch tabs from code.
SECTIONS = {"review": ("待审队列", "Review queue"), "correct": ("修正答案", "Correct an answer"),
            "draft": ("SQL 草稿", "SQL draft"), "verified": ("已验证答案", "Verified answers"),
            "lint": ("目录检查", "Catalog lint")}

GRAINS = {"": ("不按时间拆分", "no time breakdown"), "day": ("按日", "by day"), "week": ("按周", "by week"),
          "month": ("按月", "by month"), "quarter": ("按季度", "by quarter"), "year": ("按年", "by year")}
KIND = {"thumbs_down": ("👎 差评", "👎 thumbs down"), "refused": ("🚫 拒答（目录缺口）", "🚫 refused (catalog gap)"),
        "clarify": ("❓ 需澄清", "❓ clarified")}

def open_event(event_id: int) -> None:
    """Load an answer into the correction form and show it (a button callback: runs before the widgets)."""
    for key in [k for k in st.session_state if str(k).startswith("edit-")] + ["preview", "correct-sql", "draft_sql"]:
        st.session_state.pop(key, None)
    event = svc.db.audit.get(event_id)
    st.session_state["correct-id"] = event_id
    st.session_state["correct-q"] = event["question"] if event else ""
    st.session_state["wb-section"] = "correct"


opened = st.session_state.pop("open_in_workbench", None)  # from an answer card in the chat
if opened:
    open_event(opened)
st.session_state.setdefault("wb-section", "review")
section = st.segmented_control(t("栏目", "Section"), list(SECTIONS), key="wb-section",
                               format_func=lambda k: t(*SECTIONS[k]), label_visibility="collapsed") or "review"

if section == "review":
    items = svc.db.review.items()
    if not items:
        st.success(t("待审队列是空的。", "The review queue is empty."))
    for i, item in enumerate(items):
        with st.container(border=True):
            cols = st.columns([5, 1, 1, 2])
            cols[0].markdown(f"**{item.question}**  \n{t(*KIND[item.kind])} · "
                             f"{t('次数', 'times')} {item.count} · {t('人数', 'people')} {item.users}")
            detail = "; ".join([reason_text(r, lang()) for r in item.reasons] + item.comments)
            if detail:
                cols[0].caption(detail)
            cols[1].button(t("修正", "Correct"), key=f"open-{i}", on_click=open_event, args=(item.event_id,))
            if cols[2].button(t("忽略", "Dismiss"), key=f"dismiss-{i}"):
                svc.db.review.resolve(item.key, "dismissed", who.name)
                st.rerun()
            if item.kind == "refused" and cols[3].button(t("提交目录负责人", "Send to catalog owners"),
                                                         key=f"catalog-{i}"):
                svc.db.review.resolve(item.key, "catalog", who.name)
                st.rerun()


def editor(original: SemanticQuery | None, key: str) -> SemanticQuery | None:
    """Structured fields for what analysts change most; filters as JSON (every operator allowed)."""
    base = original or SemanticQuery(metrics=[next(iter(catalog.visible_metrics()))])
    metric_ids = list(catalog.visible_metrics())
    metrics = st.multiselect(t("指标", "Metrics"), metric_ids, default=list(base.metrics), key=f"{key}-m", placeholder=choose(),
                             format_func=lambda m: f"{catalog.metrics[m].name.zh} ({m})")
    allowed = sorted(set.intersection(*[set(graph.allowed_dimensions(catalog, m)) for m in metrics])) if metrics else []
    dims = st.multiselect(t("拆分维度", "Break down by"), allowed, key=f"{key}-g", placeholder=choose(),
                          default=[g.dimension for g in base.group_by if g.dimension != TIME and g.dimension in allowed],
                          format_func=lambda d: f"{catalog.dimensions[d].name.zh} ({d})")
    grains = ["", "day", "week", "month", "quarter", "year"]
    grain = st.selectbox(t("时间粒度", "Time grain"), grains, key=f"{key}-grain", format_func=lambda g: t(*GRAINS[g]),
                         index=grains.index(base.time_group.grain if base.time_group else ""))
    rng = base.time_range or TimeRange(start=svc.bi.reference_date().replace(day=1), end=svc.bi.reference_date())
    start, end = st.columns(2)
    start_date = start.date_input(t("开始", "From"), value=rng.start, key=f"{key}-start")
    end_date = end.date_input(t("结束", "To"), value=rng.end, key=f"{key}-end")
    comparisons = st.multiselect(t("对比", "Comparisons"), list(COMPARED), default=list(base.comparisons),
                                 format_func=lambda c: t(COMPARED[c][0], COMPARED[c][1]),
                                 key=f"{key}-c", placeholder=choose())
    # Dimensions with a short list of values get a picker; the rest (outlets, staff, exclusions) stay JSON.
    pickable = [d for d in allowed if 0 < len(dimension_values(d)) <= 200]
    chosen_filters, rest = [], []
    for f in base.filters:
        (chosen_filters if f.dimension in pickable and f.op in ("=", "in") else rest).append(f)
    picked = []
    for d in pickable:
        current = [str(v) for f in chosen_filters if f.dimension == d for v in f.values]
        values = st.multiselect(t(f"筛选：{catalog.dimensions[d].name.zh}", f"Filter: {catalog.dimensions[d].name.en}"),
                                dimension_values(d), default=[v for v in current if v in dimension_values(d)],
                                key=f"{key}-f-{d}", placeholder=choose())
        if values:
            picked.append({"dimension": d, "op": "in" if len(values) > 1 else "=", "values": values})
    other = st.text_area(t("其他筛选（JSON）", "Other filters (JSON)"), key=f"{key}-f", height=80,
                         value=json.dumps([f.model_dump(mode="json") for f in rest], ensure_ascii=False))
    try:
        return SemanticQuery.model_validate({
            **base.model_dump(mode="json"), "metrics": metrics, "comparisons": comparisons,
            "group_by": ([GroupBy(dimension=TIME, grain=grain).model_dump()] if grain else [])
            + [GroupBy(dimension=d).model_dump() for d in dims],
            "time_range": {"start": str(start_date), "end": str(end_date)},
            "filters": picked + json.loads(other or "[]"),
            "order_by": [o.model_dump() for o in base.order_by if o.field in metrics or o.field in dims]})
    except (ValidationError, ValueError) as exc:
        st.error(t("解释无效：", "Invalid interpretation: ") + str(exc).splitlines()[0])
        return None


if section == "correct":
    event_id = st.number_input(t("答案编号（来自待审队列或审计日志）", "Answer id (from the review queue or audit)"),
                               min_value=0, step=1, key="correct-id")
    event = svc.db.audit.get(int(event_id)) if event_id else None
    question = st.text_input(t("问题", "Question"), key="correct-q")
    original = SemanticQuery.model_validate(event["interpretation"]) if event and event["interpretation"] else None
    as_of = event["as_of"] if event and event["as_of"] else svc.bi.reference_date()
    mode = st.radio(t("修正方式", "Correct by"), ["interpretation", "sql"], horizontal=True, key="correct-mode",
                    format_func=lambda m: t("修改解释", "editing the interpretation") if m == "interpretation"
                    else t("替换 SQL", "replacing the SQL"))
    corrected, sql = None, ""
    if mode == "interpretation":
        corrected = editor(original, "edit")
    else:
        sql = st.text_area("SQL", value=st.session_state.get("draft_sql") or (event["sql"] if event else ""),
                           height=180, key="correct-sql")
    left, right = st.columns(2)
    if left.button(t("运行修正", "Run the correction"), key="run-correction", type="primary"):
        preview = svc.preview(who, question, corrected, sql, as_of if isinstance(as_of, dt.date) else None)
        st.session_state["preview"] = preview
    preview = st.session_state.get("preview")
    if event and original is not None:
        with left:
            st.caption(t("原答案", "Original answer"))
            answer_card.render(svc.bi.run(original, user=who.as_user(), as_of=as_of, question=question),
                               key="original", compact=True)
    if preview is not None:
        with right:
            st.caption(t("修正后", "Corrected"))
            answer_card.render(preview, key="preview", compact=True)
        if preview.status == "answered" and st.button(t("保存为已验证答案", "Save as verified answer"), key="verify"):
            try:
                new_id = svc.verify(question, who, interpretation=corrected, sql=sql,
                                    source_event_id=int(event_id) or None, as_of=as_of)
                st.success(t(f"已保存为已验证答案 #{new_id}。相同及近似问题将直接使用它。",
                             f"Saved as verified answer #{new_id}; the question and its paraphrases now use it."))
                st.session_state.pop("preview", None)
            except AppDBError as exc:
                st.error(str(exc))

if section == "draft":
    st.caption(t("目录没有覆盖的问题：由 vanna 调用本地模型起草 SQL，经过 SQL 守卫，结果未经验证。",
                 "Questions the catalog does not cover: vanna drafts SQL with the local model; the guard checks it; "
                 "the result is unverified."))
    free = st.text_input(t("问题", "Question"), key="draft-q")
    if st.button(t("起草 SQL", "Draft SQL"), key="draft") and free.strip():
        with st.spinner(t("模型正在起草 SQL（约 15–20 秒）…", "The model is drafting SQL (about 15–20 s)…")):
            st.session_state["draft_answer"] = svc.draft(free, who, client="app")
    draft = st.session_state.get("draft_answer")
    if draft is not None:
        st.code(draft.sql or "", language="sql")
        answer_card.render(draft, key="draft-answer", compact=True)
        if draft.sql and st.button(t("用作修正 SQL", "Use as correction SQL"), key="use-draft"):
            st.session_state["draft_sql"] = draft.sql

if section == "verified":
    rows = svc.db.verified.rows()
    if not rows:
        st.info(t("还没有已验证答案。", "No verified answers yet."))
    for r in rows:
        cols = st.columns([5, 2, 1])
        kind = "SQL" if r["sql"] else t("解释", "interpretation")
        cols[0].markdown(f"**#{r['id']} {r['question']}**  \n{kind} · {r['created_by']} · {str(r['created_at'])[:16]}")
        cols[1].caption(t("时间随问题", "period follows the question") if r["time_mode"] == "question"
                        else t("固定日期", "fixed dates"))
        if cols[2].button(t("停用", "Retire"), key=f"retire-{r['id']}"):
            svc.retire(r["id"], who)
            st.rerun()

if section == "lint":
    gaps = lint_catalog(catalog)
    st.caption(t(f"{len(gaps)} 处元数据缺口会让回答变差。", f"{len(gaps)} metadata gaps make answers worse."))
    st.dataframe([g.__dict__ for g in gaps], hide_index=True, width="stretch")
