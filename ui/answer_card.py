"""One answer as the user sees it: headline, KPI or chart, table with downloads, how it was
computed (口径, filters, period, SQL), feedback and pin-to-dashboard."""

from __future__ import annotations

import streamlit as st

from chatbi.appdb import AppDBError
from chatbi.pipeline.answer import ANSWERED, CLARIFY, Answer, format_value
from chatbi.pipeline.describe import describe
from ui.charts import SORTS, chart_kinds, clicked_key, column_labels, default_sort, excel_bytes, figure, frame
from ui.common import EDITORS, account, can_write_sql, lang, service, t

PATHS = {"matcher": ("规则精确匹配", "matched exactly by rule"), "model": ("模型理解", "read by the model"),
         "matcher+model": ("规则与模型一致", "rule and model agree"), "verified": ("分析师已验证", "analyst-verified"),
         "clarification": ("你选择的解释", "the interpretation you picked"), "follow_up": ("基于上一问", "refines the last answer"),
         "interpretation": ("指定解释", "given interpretation"), "dashboard": ("看板", "dashboard"),
         "analyst_sql": ("分析师 SQL（未验证）", "analyst SQL (unverified)"), "vanna": ("SQL 草稿（未验证）", "SQL draft (unverified)")}


# Answers whose reading was completed or corrected for the person: the card restates it (我理解为…)
RESTATED = ("follow_up", "clarification", "verified", "model", "matcher+model")
CHART_NAMES = {"bar": ("柱状图", "Bars"), "line": ("折线图", "Line"), "table": ("表格", "Table")}
SORT_NAMES = {"value_desc": ("从高到低", "High to low"), "value_asc": ("从低到高", "Low to high"),
              "name": ("按名称", "By name")}


def message(answer: Answer) -> str:
    return answer.message_en if lang() == "en" and answer.message_en else answer.message


def render(answer: Answer, key: str, on_pick=None, on_ask=None, compact: bool = False, on_drill=None) -> None:
    """``on_drill(answer, dimension, value)``: a bar was clicked (chat only; dashboards stay still)."""
    if answer.status == ANSWERED:
        _answered(answer, key, compact, on_drill)
    elif answer.status == CLARIFY:
        st.info(message(answer))
        for i, candidate in enumerate(answer.candidates):
            label = candidate.description_en if lang() == "en" else candidate.description_zh
            if st.button(label, key=f"{key}-pick-{i}", width="stretch") and on_pick:
                on_pick(answer, i)
    else:
        st.warning(message(answer))
        for i, suggestion in enumerate(answer.suggestions_in(lang())):
            if st.button(f"💡 {suggestion}", key=f"{key}-sugg-{i}") and on_ask:
                on_ask(suggestion)
    if not compact and answer.event_id and answer.status == ANSWERED:
        _feedback(answer, key)


def _changes(answer: Answer) -> dict[str, dict[str, float]]:
    """MoM / YoY for a single number: from the answer when it was asked for, else one extra
    (audited) run of the same interpretation with both comparisons — a number without its trend
    is hard to judge, and the comparison follows the same 口径 and the same rows."""
    out: dict[str, dict[str, float]] = {}
    cols = answer.columns
    for j, d in enumerate(cols):
        if d["kind"] == "comparison" and "__" in d["name"] and not d["name"].endswith("_prev"):
            metric, kind = d["name"].split("__", 1)
            if answer.rows[0][j] is not None:
                out.setdefault(metric, {})[kind] = float(answer.rows[0][j])
    query = answer.interpretation
    if out or query is None or query.group_by or query.time_range is None or not answer.event_id:
        return out
    cache = st.session_state.setdefault("kpi_changes", {})
    if answer.event_id not in cache:
        context = service().run(query.model_copy(update={"comparisons": ["mom", "yoy"]}), account(),
                                question=answer.question, client="app")
        cache[answer.event_id] = _changes(context) if context.status == ANSWERED and context.interpretation \
            and context.interpretation.comparisons else {}
    return cache[answer.event_id]


def _kpi(answer: Answer) -> None:
    catalog = service().bi.catalog
    metric_cols = [(i, c) for i, c in enumerate(answer.columns) if c["kind"] == "metric"]
    changes = _changes(answer)
    columns = st.columns(max(len(metric_cols), 1))
    for slot, (i, c) in zip(columns, metric_cols, strict=False):
        spec = catalog.metrics.get(c["metric"]) if c["metric"] else None
        value = answer.rows[0][i]
        if spec is not None:
            unit = "" if spec.format == "percent" else (spec.unit.en if lang() == "en" else spec.unit.zh)
            shown = format_value(value, spec.format, unit if lang() == "zh" else f" {unit}", spec.decimals,
                                 compact=lang())
        else:
            shown = str(value)
        change = changes.get(c["name"], {})
        label = (c["label_en"] if lang() == "en" else c["label"])
        # the delta starts with its sign: Streamlit colours and points the arrow by it (a "环比" first read as a rise)
        slot.metric(label, shown, delta=None if "mom" not in change else f"{change['mom'] * 100:+.1f}% {t('环比', 'MoM')}",
                    delta_color="inverse" if spec is not None and spec.direction == "lower_is_better" else "normal")
        if "yoy" in change:
            slot.caption(f"{t('同比', 'YoY')} {change['yoy'] * 100:+.1f}%")


def restatement(answer: Answer) -> str:
    """我理解为…: what was computed, said whenever the question was completed or corrected."""
    if answer.interpretation is None or not (answer.path in RESTATED or answer.message.startswith("（按")):
        return ""
    zh, en = describe(service().bi.catalog, answer.interpretation)
    return t(f"我理解为：{zh}", f"I read this as: {en}")


def _answered(answer: Answer, key: str, compact: bool, on_drill=None) -> None:
    if not answer.governed:
        st.caption("⚠️ " + t("未经验证的结果，仅供分析参考。", "Unverified result, for analysis only."))
    restated = restatement(answer)
    if restated:
        st.caption("🔎 " + restated)
    st.markdown(f"**{message(answer)}**")
    view, sort = answer.chart, default_sort(answer)
    kinds = chart_kinds(answer)
    if kinds and not compact:
        left, right, _ = st.columns([3, 4, 3])
        view = left.segmented_control(t("图表", "Chart"), kinds, default=kinds[0], key=f"{key}-view",
                                      format_func=lambda k: t(*CHART_NAMES[k]), label_visibility="collapsed") or view
        if answer.chart == "bar":
            sort = right.segmented_control(t("排序", "Sort"), SORTS, default=sort, key=f"{key}-sort",
                                           format_func=lambda k: t(*SORT_NAMES[k]),
                                           label_visibility="collapsed") or sort
    if answer.chart == "kpi":
        _kpi(answer)
    elif view != "table":
        fig = figure(answer, lang(), height=280 if compact else 360, kind=view, sort=sort)
        if fig is not None:
            drillable = on_drill is not None and view == "bar" and answer.chart == "bar"
            event = st.plotly_chart(fig, key=f"{key}-chart", width="stretch", config={"displaylogo": False},
                                    **({"on_select": "rerun", "selection_mode": "points"} if drillable else {}))
            if drillable:
                st.caption(t("点击柱子可下钻。", "Click a bar to drill into it."))
                picked = clicked_key(answer, event, lang())
                if picked is not None and st.session_state.get(f"{key}-drilled") != picked:
                    st.session_state[f"{key}-drilled"] = picked
                    on_drill(answer, *picked)
    df = frame(answer, lang())
    if answer.chart not in ("kpi",) and not compact or answer.chart == "table" or view == "table":
        st.dataframe(percent_points(answer, df), hide_index=True, width="stretch", key=f"{key}-table",
                     column_config=column_formats(answer))
    if answer.truncated:
        st.caption(t("结果行数较多，只显示前面的部分。", "Only the first rows are shown."))
    if compact:
        return
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("CSV", df.to_csv(index=False).encode("utf-8-sig"), file_name="chatbi.csv",
                         mime="text/csv", key=f"{key}-csv")
    right.download_button("Excel", excel_bytes(df), file_name="chatbi.xlsx", key=f"{key}-xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    with st.expander(t("口径与计算过程", "How this was computed")):
        if answer.interpretation is not None:
            zh, en = describe(service().bi.catalog, answer.interpretation)
            st.markdown(f"**{t('解释', 'Interpretation')}**：{en if lang() == 'en' else zh}")
        explanation = answer.explanation.get("en" if lang() == "en" else "zh", "")
        if explanation:
            st.markdown(explanation)
        path = PATHS.get(answer.path, (answer.path, answer.path))
        st.caption(f"{t('来源', 'Path')}: {t(*path)}" + (f" · {answer.model_id}" if answer.model_id else "")
                   + f" · {answer.timings_ms.get('total', 0):.0f} ms")
        st.code(pretty_sql(answer.sql), language="sql")
    if answer.event_id and who_can_correct():
        if st.button("🛠️ " + t("在工作台打开", "Open in workbench"), key=f"{key}-workbench"):
            st.session_state["open_in_workbench"] = answer.event_id
            st.switch_page("views/workbench.py")


def who_can_correct() -> bool:
    who = account()
    return who is not None and can_write_sql(who)


def pretty_sql(sql: str) -> str:
    """The executed SQL laid out for reading (sqlglot, the warehouse's dialect); as run if it will not parse."""
    import sqlglot

    try:
        return sqlglot.transpile(sql, read=service().bi.warehouse.dialect, pretty=True)[0]
    except sqlglot.errors.SqlglotError:
        return sql


def is_percent(column: dict) -> bool:
    """Rates, changes and shares (a place or a compared count is not: 名次 1 is not 100%)."""
    return column["format"] == "percent"


def percent_points(answer: Answer, df):
    """The table's copy with rates and changes in percent (×100) for its one-decimal format; the
    downloads keep the fractions."""
    shown = df.copy()
    for label, c in zip(df.columns, answer.columns, strict=True):
        if is_percent(c):
            shown[label] = df[label] * 100
    return shown


def column_formats(answer: Answer) -> dict:
    """Numbers as people read them: 3.94% not 0.0394, thousands separated."""
    out = {}
    for label, c in zip(column_labels(answer, lang()), answer.columns, strict=True):
        decimals = c.get("decimals", 1 if c["format"] == "score" else 2)
        if is_percent(c):  # one decimal everywhere (15.0%, -31.3%), not 15% beside -31.25%
            out[label] = st.column_config.NumberColumn(format="%.1f%%")
        elif c["format"] == "integer":
            out[label] = st.column_config.NumberColumn(format="localized")
        elif c["format"] in ("currency", "number", "score"):  # the catalog's decimals
            out[label] = st.column_config.NumberColumn(format=f"%.{decimals}f")
    return out


def _feedback(answer: Answer, key: str) -> None:
    who = account()
    done = st.session_state.setdefault("rated", {})
    cols = st.columns([2, 5, 2])
    with cols[0]:
        choice = st.feedback("thumbs", key=f"{key}-thumbs")
    if choice is not None and answer.event_id not in done:
        rating = 1 if choice == 1 else -1
        try:
            service().rate(answer.event_id, who, rating)
            done[answer.event_id] = rating
        except AppDBError as exc:
            st.error(str(exc))
    if done.get(answer.event_id) == -1:
        with cols[1]:
            comment = st.text_input(t("哪里不对？（可选）", "What was wrong? (optional)"), key=f"{key}-comment")
            if comment and st.button(t("提交意见", "Send"), key=f"{key}-send"):
                service().rate(answer.event_id, who, -1, comment)
                st.toast(t("已收到，分析师会处理。", "Thanks — an analyst will review it."))
    if answer.interpretation is not None and who.role in EDITORS:
        with cols[2]:
            _pin(answer, key)


def _pin(answer: Answer, key: str) -> None:
    svc, who = service(), account()
    with st.popover("📌 " + t("固定到看板", "Pin"), width="stretch"):
        boards = [d for d in svc.db.dashboards.list_for(who.name, who.role) if d.owner == who.name
                  or who.role == "admin"]
        names = [d.name for d in boards] + [t("＋ 新建看板", "+ New dashboard")]
        choice = st.selectbox(t("看板", "Dashboard"), names, key=f"{key}-board")
        new_name = st.text_input(t("新看板名称", "New dashboard name"), key=f"{key}-newboard") \
            if choice == names[-1] else ""
        title = st.text_input(t("标题", "Title"), value=answer.question[:60], key=f"{key}-title")
        if st.button(t("固定", "Pin"), key=f"{key}-pin", type="primary"):
            try:
                board = boards[names.index(choice)].id if choice != names[-1] else svc.db.dashboards.create(
                    new_name or t("我的看板", "My dashboard"), who.name, shared_roles=[who.role])
                svc.db.dashboards.pin(board, title, answer.interpretation, question=answer.question)
                st.success(t("已固定到看板。", "Pinned."))
            except AppDBError as exc:
                st.error(str(exc))
