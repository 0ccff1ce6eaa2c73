"""Sign-in with local users (argon2-hashed passwords); first-run setup; the single-user mode banner."""

from __future__ import annotations

import streamlit as st

from chatbi.appdb import AppDBError
from chatbi.appdb.users import Account
from ui.common import service, t


def single_user_account() -> Account:
    settings = service().bi.settings
    return Account("local", settings.auth.none_role, t("本机用户", "local user"))


def sign_in_page() -> None:
    svc = service()
    st.title("ChatBI")
    if not svc.db.users.all():
        _first_admin(svc)
        return
    with st.form("sign-in"):
        st.subheader(t("登录", "Sign in"))
        name = st.text_input(t("用户名", "User name"), key="signin_name")
        password = st.text_input(t("密码", "Password"), type="password", key="signin_password")
        submitted = st.form_submit_button(t("登录", "Sign in"), type="primary")
    if submitted:
        found = svc.db.users.authenticate(name.strip(), password)
        if found is None:
            st.error(t("用户名或密码不正确，或账号已停用。", "Wrong user name or password, or the account is disabled."))
        else:
            st.session_state["account"] = found
            st.rerun()
    st.caption(t("没有账号？请管理员运行 `chatbi users add 用户名 --role 角色`。",
                 "No account? An administrator adds one with `chatbi users add NAME --role ROLE`."))


def _first_admin(svc) -> None:
    st.info(t("还没有任何用户。请创建第一个管理员账号。", "There are no users yet. Create the first administrator."))
    with st.form("first-admin"):
        name = st.text_input(t("管理员用户名", "Administrator user name"), value="admin", key="setup_name")
        password = st.text_input(t("密码（至少 8 位）", "Password (8+ characters)"), type="password", key="setup_pw")
        again = st.text_input(t("再输一次密码", "Password again"), type="password", key="setup_pw2")
        submitted = st.form_submit_button(t("创建并登录", "Create and sign in"), type="primary")
    if submitted:
        if password != again:
            st.error(t("两次输入的密码不一致。", "The passwords differ."))
            return
        try:
            svc.db.users.add(name.strip(), "admin", password, t("管理员", "Administrator"))
        except AppDBError as exc:
            st.error(str(exc))
            return
        st.session_state["account"] = svc.db.users.get(name.strip())
        st.rerun()
