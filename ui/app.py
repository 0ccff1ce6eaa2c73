"""ChatBI Streamlit app (entry point: `streamlit run ui/app.py`)."""

from __future__ import annotations

import streamlit as st

from ui.status import warehouse_status

st.set_page_config(page_title="ChatBI 渠道考核助手", page_icon="📊", layout="wide")
st.title("ChatBI 渠道考核助手")
st.caption("用自然语言查询考核指标 · Ask your assessment metrics in plain language")

status = warehouse_status()
if status.error:
    st.error(status.error)
else:
    st.success(f"数据仓库 / warehouse: {status.location} · 数据截至 / data as of {status.reference_date}")
    st.dataframe(status.tables, hide_index=True, width="stretch")
