"""问数 / Ask: the chat for everyone — questions, answers, clarifications, follow-ups, feedback.

The conversation is kept in the app database per person (back after signing in again). A question
is answered in a worker thread so the page can show which stage it is in and offer a cancel button
while the model reads."""

from __future__ import annotations

import threading

import streamlit as st

from chatbi.appdb import AppDBError
from chatbi.pipeline.answer import ANSWERED, Answer
from chatbi.progress import Cancelled, Tracker
from ui import answer_card
from ui.common import lang, require_account, service, t

who = require_account()
svc = service()
if st.session_state.get("turns_of") != who.name or "turns" not in st.session_state:
    # signed in (again): the conversation as it was left
    conversation = svc.db.history.current(who.name)
    st.session_state.update(turns_of=who.name, conversation=conversation, turns=[
        {"question": r["question"], "answer": Answer.from_dict(r["answer"])}
        for r in svc.db.history.turns(who.name, conversation)])
turns: list[dict] = st.session_state["turns"]


def remember(question: str, answer: Answer) -> None:
    turns.append({"question": question, "answer": answer})
    try:
        svc.db.history.add(who.name, st.session_state["conversation"], question, answer.to_dict(), answer.event_id)
    except AppDBError as exc:  # the answer is still shown; only its place in the history is lost
        st.warning(t("对话记录未能保存：", "The conversation could not be saved: ") + str(exc))


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
    tracker, outcome = Tracker(), {}
    follow_up_of = last_answer_event()

    def work() -> None:
        with tracker.active():
            try:
                outcome["answer"] = svc.ask(question, who, client="app", follow_up_of=follow_up_of)
            except Cancelled:
                outcome["cancelled"] = True
            except AppDBError as exc:
                outcome["error"] = str(exc)

    def cancel() -> None:  # a button callback: runs at the start of the rerun the click causes
        tracker.cancel()  # a no-op once the answer is committed: then it is shown below
        st.session_state["cancelled"] = (question, worker, outcome, tracker)

    worker = threading.Thread(target=work, name="chatbi-ask", daemon=True)
    worker.start()
    with st.status(t("正在理解问题…", "Reading the question…"), expanded=True) as status:
        slot = st.empty()  # the button goes once the answer is in: no stale 取消 under a finished answer
        slot.button(t("取消", "Cancel"), key="cancel-ask", on_click=cancel)
        while worker.is_alive():
            worker.join(0.3)
            status.update(label=f"{tracker.label(lang())}… {tracker.elapsed_s():.0f} s")
        slot.empty()
        if "error" in outcome:
            status.update(label=outcome["error"], state="error")
            return
        status.update(label=t("完成", "Done"), state="complete", expanded=False)
    if "answer" in outcome:
        remember(question, outcome["answer"])


def pick(answer, index: int) -> None:
    try:
        picked = svc.pick(answer.event_id, index, who, client="app")
    except AppDBError as exc:
        st.error(str(exc))
        return
    remember(picked.question or answer.question, picked)
    st.rerun()


def refine(answer, follow_up) -> None:
    """A suggested follow-up or a drill: the typed refinement of ``answer``, run and kept as a turn."""
    try:
        refined = svc.refine(answer.event_id, follow_up, who, lang(), client="app")
    except AppDBError as exc:
        st.error(str(exc))
        return
    remember(follow_up.label(lang()), refined)
    st.rerun()


def drill(answer, dimension: str, value) -> None:
    follow_up = svc.drill(answer, dimension, value)
    if follow_up is not None:
        refine(answer, follow_up)


def ask_and_rerun(question: str) -> None:
    ask(question)
    st.rerun()


st.title(t("问数", "Ask"))
cancelled = st.session_state.pop("cancelled", None)
if cancelled:
    question, worker, outcome, tracker = cancelled
    # The model stops at its next token; a committed answer is only being recorded: wait for it.
    worker.join(None if tracker.committed else 30)
    if "answer" in outcome:  # it was answered before the click took effect: the answer counts
        remember(question, outcome["answer"])
    else:
        st.info(t(f"已取消：{question}", f"Cancelled: {question}"))
if not turns:
    catalog = svc.bi.catalog
    visible = svc.bi.visible_metrics(who.as_user())
    samples = [s for m in visible for s in (catalog.metrics[m].samples.en if lang() == "en"
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
        answer_card.render(turn["answer"], key=f"turn{n}", on_pick=pick, on_ask=ask_and_rerun, on_drill=drill)
        if n == len(turns) - 1:
            suggestions = svc.follow_ups(turn["answer"])
            if suggestions:
                st.caption(t("接着问：", "Ask next:"))
                cols = st.columns(len(suggestions))
                for i, follow_up in enumerate(suggestions):
                    if cols[i].button("➜ " + follow_up.label(lang()), key=f"next-{n}-{i}", width="stretch"):
                        refine(turn["answer"], follow_up)

if turns and st.button(t("新对话", "New conversation"), key="reset"):
    st.session_state.update(turns=[], conversation=svc.db.history.start(who.name))
    st.rerun()

question = st.chat_input(t("问一个考核指标，例如：近三个月杭州的欠费金额", "Ask about a metric, e.g. arrears amount by city last month"))
if question:
    ask_and_rerun(question)
