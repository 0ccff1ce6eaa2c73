"""目录完善 / Catalog upkeep, for analysts: the drafts still awaiting review (accept or reject) and
the gaps real questions found (a synonym, a value, an alias, a dimension), each accepted into the
catalog file with one click and shown re-asked. The service restarts on the edited catalog."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from chatbi.gaps import GapFinder, apply
from metric_catalog.catalog_file import CatalogFile, EditError
from metric_catalog.describe import describe
from metric_catalog.loader import DEMO_CATALOG
from ui.common import can_write_sql, require_account, service, t

who = require_account()
svc = service()
if not can_write_sql(who):
    st.error(t("只有分析师可以完善目录。", "Only analysts can edit the catalog."))
    st.stop()
path = Path(svc.bi.settings.catalog or DEMO_CATALOG)
st.title(t("目录完善", "Catalog upkeep"))
st.caption(t(f"目录文件：{path}", f"Catalog file: {path}"))


def reask(questions: list[str]) -> list[dict]:
    """Ask again on the edited catalog (rules only: what the catalog now says, not the model)."""
    from chatbi.core import ChatBI
    from metric_catalog.loader import load_catalog

    fresh = ChatBI(load_catalog(path), svc.bi.warehouse, svc.bi.settings, use_model=False)
    return [{t("问题", "question"): q, t("现在", "now"): (a := fresh.ask(q)).status,
             t("回答", "answer"): a.text("en" if st.session_state.get("lang") == "en" else "zh")[:120]}
            for q in questions]


try:
    doc = CatalogFile(path)
except EditError as exc:
    st.error(str(exc))
    st.stop()
drafts = doc.drafts()
st.subheader(t(f"待审草稿（{len(drafts)}）", f"Drafts awaiting review ({len(drafts)})"))
if not drafts:
    st.caption(t("没有草稿。", "No drafts."))
for n, item in enumerate(drafts[:50]):
    cols = st.columns([5, 1, 1])
    cols[0].markdown(f"`{item.ref}` {describe(doc.spec(item), item)}")
    try:
        if cols[1].button(t("采纳", "Accept"), key=f"draft-accept-{n}"):
            doc.accept(item)
            doc.save()
            st.rerun()
        if cols[2].button(t("删除", "Reject"), key=f"draft-reject-{n}"):
            doc.reject(item)
            doc.save()
            st.rerun()
    except EditError as exc:
        st.error(str(exc))

st.subheader(t("提问发现的缺口", "Gaps found by questions"))
days = st.slider(t("最近天数", "Last days"), 7, 365, 90, key="gaps-days")
items = svc.db.review.items(days=days, kinds=("refused", "clarify"))
gaps = GapFinder(svc.bi, lambda q: svc.bi.index.rank(q, top=1)).find(items)
if not gaps:
    st.caption(t("没有待补充的缺口。", "No gaps to close."))
for n, gap in enumerate(gaps):
    with st.container(border=True):
        st.markdown(f"**{gap.summary()}** · {t('被问', 'asked')} {gap.asks}×")
        st.caption(gap.evidence)
        st.markdown("\n".join(f"- {q}" for q in gap.questions[:5]))
        if gap.kind != "missing" and st.button(t("采纳并重问", "Accept and re-ask"), key=f"gap-accept-{n}"):
            try:
                apply(path, gap)
            except EditError as exc:
                st.error(str(exc))
            else:
                st.success(t("已写入目录。", "Written to the catalog."))
                st.dataframe(reask(gap.questions), hide_index=True)
