"""看板 / Dashboards: tiles pinned from answers, dashboard-wide filters, arranging, sharing."""

from __future__ import annotations

import streamlit as st

from chatbi.appdb import AppDBError
from chatbi.dashboards import PERIODS, tile_title
from chatbi.service import PermissionDenied
from ui import answer_card
from ui.common import (
    EDITORS,
    ROLE_NAMES,
    choose,
    dimension_values,
    lang,
    require_account,
    role_label,
    service,
    t,
)

who = require_account()
svc = service()
st.title(t("看板", "Dashboards"))

boards = svc.db.dashboards.list_for(who.name, who.role)
if who.role in EDITORS:
    with st.expander(t("新建看板", "New dashboard")):
        name = st.text_input(t("名称", "Name"), key="new-board-name")
        if st.button(t("创建", "Create"), key="new-board") and name.strip():
            svc.db.dashboards.create(name, who.name, shared_roles=[who.role])
            st.rerun()
if not boards:
    st.info(t("还没有可以查看的看板。在问数页面把答案固定到看板即可创建。",
              "No dashboards yet. Pin an answer from the Ask page to start one."))
    st.stop()

names = [b.name for b in boards]
chosen = st.selectbox(t("选择看板", "Dashboard"), names, key="board-choice")
board = boards[names.index(chosen)]
owner = board.owner == who.name or who.role == "admin"

filters = st.columns([2, 2, 2, 1])
city = filters[0].multiselect(t("地市", "City"), dimension_values("city"), default=board.filters.get("city", []),
                              key="f-city", placeholder=choose())
channel_type = filters[1].multiselect(t("渠道类型", "Channel type"), dimension_values("channel_type"),
                                      default=board.filters.get("channel_type", []), key="f-ctype", placeholder=choose())
period_codes = [""] + list(PERIODS)
period = filters[2].selectbox(t("时间", "Period"), period_codes, key="f-period",
                              index=period_codes.index(board.filters.get("period", "")),
                              format_func=lambda c: t("各图表自己的时间", "each tile's own period") if not c
                              else t(*PERIODS[c]))
if filters[3].button("🔄 " + t("刷新", "Refresh"), key="refresh", width="stretch"):
    svc.bi._reference = None  # pick up data loaded since the last run
chosen_filters = {"city": city, "channel_type": channel_type, "period": period}
if owner and st.button(t("保存为看板默认筛选", "Save as this dashboard's filters"), key="save-filters"):
    svc.db.dashboards.update(board.id, filters=chosen_filters)
    st.toast(t("已保存。", "Saved."))

try:
    _, results = svc.run_dashboard(board.id, who, chosen_filters, client="app", replace=True)
except (PermissionDenied, ValueError) as exc:
    st.error(str(exc))
    st.stop()

row: list = []
for result in results:
    if result.tile.width == 2:
        row = []
        with st.container(border=True):
            st.markdown(f"#### {tile_title(svc.bi.catalog, result.tile, lang())}")
            answer_card.render(result.answer, key=f"tile{result.tile.id}", compact=True)
        continue
    if not row:
        row = list(st.columns(2))
    with row.pop(0).container(border=True):
        st.markdown(f"#### {tile_title(svc.bi.catalog, result.tile, lang())}")
        answer_card.render(result.answer, key=f"tile{result.tile.id}", compact=True)

if owner:
    with st.expander(t("编辑看板", "Edit dashboard")):
        order = [r.tile for r in results]
        for i, tile in enumerate(order):
            cols = st.columns([6, 1, 1, 1, 1])
            cols[0].write(f"{i + 1}. {tile.title}")
            ids = [x.id for x in order]
            if cols[1].button("↑", key=f"up{tile.id}", disabled=i == 0):
                ids[i - 1], ids[i] = ids[i], ids[i - 1]
                svc.db.dashboards.arrange(board.id, ids)
                st.rerun()
            if cols[2].button("↓", key=f"down{tile.id}", disabled=i == len(order) - 1):
                ids[i + 1], ids[i] = ids[i], ids[i + 1]
                svc.db.dashboards.arrange(board.id, ids)
                st.rerun()
            if cols[3].button("↔", key=f"wide{tile.id}", help=t("半宽/整行", "half / full width")):
                svc.db.dashboards.arrange(board.id, ids, widths={tile.id: 1 if tile.width == 2 else 2})
                st.rerun()
            if cols[4].button("🗑", key=f"del{tile.id}"):
                svc.db.dashboards.arrange(board.id, [x for x in ids if x != tile.id])
                st.rerun()
        roles = list(ROLE_NAMES)
        shared = st.multiselect(t("共享给角色", "Share with roles"), roles, default=[r for r in board.shared_roles
                                                                                  if r in roles],
                                format_func=role_label, key="share", placeholder=choose())
        if st.button(t("保存共享设置", "Save sharing"), key="save-share"):
            try:
                svc.db.dashboards.update(board.id, shared_roles=shared)
                st.toast(t("已保存。", "Saved."))
            except AppDBError as exc:
                st.error(str(exc))
