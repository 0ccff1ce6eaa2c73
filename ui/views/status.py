"""系统状态 / Status: warehouse, data date, model, app database."""

from __future__ import annotations

import streamlit as st

from ui.common import require_account, service, t
from ui.status import warehouse_status

require_account()
st.title(t("系统状态", "Status"))
status = warehouse_status()
if status.error:
    st.error(status.error)
else:
    st.success(f"{t('数据仓库', 'Warehouse')}: {status.location} · {t('数据截至', 'data as of')} {status.reference_date}")
    if status.tables:
        st.dataframe(status.tables, hide_index=True, width="stretch")
svc = service()
st.markdown(f"**{t('模型', 'Model')}**：{svc.bi.model_id or (t('加载中…', 'loading…') if svc.bi._use_model else t('仅规则', 'rules only'))}")
st.markdown(f"**{t('应用数据库', 'App database')}**：{svc.db.url}")
