"""ChatBI Streamlit app (entry point: `streamlit run ui/app.py`). Chinese first, English one click away."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `ui.*` importable however Streamlit is started

from ui.common import can_write_sql, role_label, t  # noqa: E402
from ui.status import warehouse_status  # noqa: E402

st.set_page_config(page_title="ChatBI", page_icon="📊", layout="wide")

problem = warehouse_status().error
if problem:  # nothing works without the warehouse: say how to get it
    st.title("ChatBI")
    st.error(problem)
    st.stop()

from chatbi.appdb import AppDBError  # noqa: E402
from chatbi.config import ConfigError  # noqa: E402
from metric_catalog.loader import CatalogError  # noqa: E402
from ui.common import service  # noqa: E402
from ui.sign_in import sign_in_page, single_user_account  # noqa: E402

try:
    settings = service().bi.settings
except (ConfigError, AppDBError, CatalogError) as exc:  # say what to fix instead of a stack trace
    st.title("ChatBI")
    st.error(str(exc))
    st.stop()
if settings.auth.mode == "none" and "account" not in st.session_state:
    st.session_state["account"] = single_user_account()
who = st.session_state.get("account")

with st.sidebar:
    languages = [code for code in service().bi.catalog.catalog.languages if code in ("zh", "en")] or ["zh", "en"]
    if len(languages) == 1:  # a catalog written in one language is shown only in it
        st.session_state["lang"] = languages[0]
    else:
        st.radio("语言 / Language", languages, key="lang", horizontal=True,
                 format_func=lambda code: "中文" if code == "zh" else "English")
    if settings.auth.mode == "none":
        st.warning(t("单用户模式：未启用登录，仅供本机试用。", "Single-user mode: no sign-in, for local trials only."))
    if who is not None:
        st.markdown(f"**{who.display_name or who.name}**  \n{role_label(who.role)}")
        if settings.auth.mode != "none" and st.button(t("退出登录", "Sign out"), key="sign-out"):
            for key in ("account", "turns", "turns_of", "conversation", "rated", "preview", "draft_answer", "draft_sql"):
                st.session_state.pop(key, None)
            st.rerun()

if who is None:
    sign_in_page()
    st.stop()

pages = [st.Page("views/chat.py", title=t("问数", "Ask"), icon="💬", default=True),
         st.Page("views/dashboards.py", title=t("看板", "Dashboards"), icon="📊"),
         st.Page("views/catalog.py", title=t("指标目录", "Catalog"), icon="📚")]
if can_write_sql(who):
    pages.append(st.Page("views/workbench.py", title=t("分析工作台", "Workbench"), icon="🛠️"))
    pages.append(st.Page("views/catalog_gaps.py", title=t("目录完善", "Catalog upkeep"), icon="🧩"))
pages.append(st.Page("views/status.py", title=t("系统状态", "Status"), icon="⚙️"))
st.navigation(pages).run()
