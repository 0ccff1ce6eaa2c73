"""指标目录 / Catalog: metrics with names, definitions (口径), owners, units, dimensions, samples."""

from __future__ import annotations

import streamlit as st

from metric_catalog import graph
from ui.common import lang, require_account, service, t

who = require_account()
svc = service()
catalog = svc.bi.catalog
st.title(t("指标目录", "Metric catalog"))
query = st.text_input(t("搜索指标", "Search metrics"), key="catalog-search",
                      placeholder=t("例如：欠费、宽带、5G", "e.g. arrears, broadband, 5G")).strip().lower()
visible = svc.bi.visible_metrics(who.as_user())
shown = 0
for mid in visible:
    m = catalog.metrics[mid]
    text = " ".join([mid, m.name.zh, m.name.en, m.description.zh, m.description.en, *m.synonyms]).lower()
    if query and query not in text:
        continue
    shown += 1
    title = f"{m.name.zh} · {m.name.en}" if lang() == "zh" else f"{m.name.en} · {m.name.zh}"
    with st.expander(title):
        st.markdown(f"**{t('口径', 'Definition')}**：{m.description.en if lang() == 'en' else m.description.zh}")
        cols = st.columns(3)
        cols[0].markdown(f"**{t('单位', 'Unit')}**：{m.unit.en if lang() == 'en' else m.unit.zh or '—'}")
        cols[1].markdown(f"**{t('负责人', 'Owner')}**：{m.owner or '—'}")
        cols[2].markdown(f"**{t('默认时间', 'Default period')}**：{m.default_window}")
        dims = [catalog.dimensions[d] for d in graph.allowed_dimensions(catalog, mid)]
        st.markdown(f"**{t('可拆分维度', 'Dimensions')}**：" + "、".join(d.name.en if lang() == "en" else d.name.zh
                                                                      for d in dims))
        if m.synonyms:
            st.caption(t("又称：", "Also called: ") + "、".join(m.synonyms))
        samples = m.samples.en if lang() == "en" else m.samples.zh
        for i, sample in enumerate(samples[:3]):
            if st.button(f"💬 {sample}", key=f"ask-{mid}-{i}"):
                st.session_state["pending_question"] = sample
                st.switch_page("views/chat.py")
if not shown:
    st.info(t("没有找到匹配的指标。", "No metric matches."))
