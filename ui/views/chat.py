"""问数 / Ask: the chat for everyone — questions, answers, clarifications, follow-ups, feedback."""

from __future__ import annotations

import streamlit as st

from chatbi.appdb import AppDBError
from chatbi.pipeline.answer import ANSWERED
from ui import answer_card
from ui.common import require_account, service, t

who = require_account()
svc = service()
turns: list[dict] = st.session_state.setdefault("turns", [])


def last_answer_event() -> int | None:
    for turn in reversed(turns):
        answer = turn["answer"]
        if answer.status == ANSWERED and answer.interpretation is not None and answer.event_id:
            return answer.event_id
    return None


def ask(question: str) -> None:
    question = question.strip()
    if not question:
        return
    with st.status(t("正在理解问题…", "Reading the question…"), expanded=False) as status:
        try:
            answer = svc.ask(question, who, client="app", follow_up_of=last_answer_event())
        except AppDBError as exc:
            status.update(label=str(exc), state="error")
            return
        status.update(label=t("完成", "Done"), state="complete")
    turns.append({"question": question, "answer": answer})


def pick(answer, index: int) -> None:
    try:
        picked = svc.pick(answer.event_id, index, who, client="app")
    except AppDBError as exc:
        st.error(str(exc))
        return
    turns.append({"question": picked.question or answer.question, "answer": picked})
    st.rerun()


def ask_and_rerun(question: str) -> None:
    ask(question)
    st.rerun()


st.title(t("问数", "Ask"))
if not turns:
    catalog = svc.bi.catalog
    visible = svc.bi.visible_metrics(who.as_user())
    samples = [s for m in visible for s in (catalog.metrics[m].samples.en if st.session_state.get("lang") == "en"
                                            else catalog.metrics[m].samples.zh)[:1]][:6]
    st.caption(t("试试这些问题：", "Try one of these:"))
    cols = st.columns(3)
    for i, sample in enumerate(samples):
        if cols[i % 3].button(sample, key=f"sample-{i}", width="stretch"):
            ask_and_rerun(sample)
pending = st.session_state.pop("pending_question", None)
if pending:
    ask(pending)

for n, turn in enumerate(turns):
    with st.chat_message("user"):
        st.write(turn["question"])
    with st.chat_message("assistant"):
        answer_card.render(turn["answer"], key=f"turn{n}", on_pick=pick, on_ask=ask_and_rerun)

if turns and st.button(t("新对话", "New conversation"), key="reset"):
    st.session_state["turns"] = []
    st.rerun()

question = st.chat_input(t("问一个考核指标，例如：近三个月杭州的欠费金额", "Ask about a metric, e.g. arrears amount by city last month"))
if question:
    ask_and_rerun(question)
