"""What every page shares: the one ChatService per server process, the signed-in account, zh/en."""

from __future__ import annotations

import threading

import streamlit as st

from chatbi.appdb.users import Account

ROLE_NAMES = {"channel_staff": ("渠道员工", "Channel staff"), "city_manager": ("地市经理", "City manager"),
              "manager": ("省公司管理者", "Manager"), "analyst": ("数据分析师", "Analyst"), "admin": ("管理员", "Admin")}
EDITORS = ("manager", "city_manager", "analyst", "admin")  # may create dashboards and pin answers


def service():
    """One service per server process and configuration: the catalog, the warehouse, the app
    database and the model (keyed by the settings, so a changed configuration is a new service)."""
    from chatbi.config import load_settings
    from metric_catalog.loader import DEMO_CATALOG

    settings = load_settings()
    catalog = settings.catalog or DEMO_CATALOG
    try:  # an accepted draft or gap edits the catalog file: the next page starts on the new catalog
        stamp = catalog.stat().st_mtime_ns
    except OSError:
        stamp = 0
    return _service(settings.model_dump_json(), stamp)


@st.cache_resource(show_spinner="正在启动 ChatBI… / Starting ChatBI…", max_entries=1)
def _service(settings_json: str, catalog_stamp: int):
    from chatbi.demo.dashboard import ensure_default_dashboard
    from chatbi.service import ChatService

    svc = ChatService.from_config()
    ensure_default_dashboard(svc)
    if svc.bi._use_model:
        # Load the model and evaluate its fixed prompt now, not on the first question (≈15 s).
        threading.Thread(target=svc.bi.warm, name="chatbi-warm", daemon=True).start()
    return svc


def lang() -> str:
    return st.session_state.setdefault("lang", "zh")


def t(zh: str, en: str) -> str:
    return en if lang() == "en" else zh


def account() -> Account | None:
    return st.session_state.get("account")


def require_account() -> Account:
    who = account()
    if who is None:
        st.warning(t("请先登录。", "Please sign in first."))
        st.stop()
    return who


def can_write_sql(who: Account) -> bool:
    role = service().bi.catalog.roles.get(who.role)
    return bool(role and role.can_write_sql)


def role_label(role: str) -> str:
    zh, en = ROLE_NAMES.get(role, (role, role))
    return t(zh, en)


def dimension_values(dimension: str) -> list[str]:
    return sorted(service().bi.vocabulary.values.get(dimension, ()))


def show_error(message_zh: str, message_en: str = "") -> None:
    st.error(t(message_zh, message_en or message_zh))


def choose() -> str:
    """A widget placeholder in the page's language (Streamlit's own is English: "Choose options")."""
    return t("请选择…", "Choose…")
