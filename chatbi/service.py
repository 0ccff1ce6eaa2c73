"""The ChatBI service: the pipeline plus the app database — every ask audited, feedback and picks
recorded, analyst corrections saved as verified answers that the pipeline then uses first.

    svc = ChatService.from_config()
    reply = svc.ask("近三个月杭州的欠费金额", account)          # reply.event_id for 👍/👎 and picks
    svc.rate(reply.event_id, account, -1, "口径不对")
    svc.verify(question, analyst, interpretation=fixed_query, source_event_id=reply.event_id)

The CLI, the HTTP API and the Streamlit app all go through this one class.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from chatbi import progress
from chatbi.appdb import AppDB, AppDBError
from chatbi.appdb.audit import Event
from chatbi.appdb.users import Account
from chatbi.core import ChatBI
from chatbi.pipeline.answer import ANSWERED, CLARIFY, Answer
from chatbi.pipeline.suggest import FollowUp, drill, follow_ups
from chatbi.pipeline.verified import normalize_question, time_mode
from semantic_layer import SemanticQuery, User
from semantic_layer.access import role_of

log = logging.getLogger(__name__)


# Reference dates outside this range are refused: period arithmetic (a year back, a quarter on)
# must stay within what dates can hold, and no warehouse has data there anyway.
AS_OF_RANGE = (dt.date(1900, 1, 1), dt.date(2199, 12, 31))


def check_as_of(as_of: dt.date | None) -> None:
    if as_of is not None and not AS_OF_RANGE[0] <= as_of <= AS_OF_RANGE[1]:
        raise AppDBError(f"The reference date {as_of} is out of range; give a date from {AS_OF_RANGE[0]} "
                         f"to {AS_OF_RANGE[1]}, or none for the data's latest date.")


class PermissionDenied(AppDBError):
    """The user's role may not do this; the message says who may."""


def as_user(who: Account | User) -> User:
    return who.as_user() if isinstance(who, Account) else who


class ChatService:
    def __init__(self, bi: ChatBI, db: AppDB):
        self.bi, self.db = bi, db
        bi.app_db = db
        bi.attach_verified(db.verified.active, db.verified.revision)

    @classmethod
    def from_config(cls, config=None, use_model: bool = True, database: str | None = None, backend=None,
                    catalog=None) -> ChatService:
        bi = ChatBI.from_config(config, catalog=catalog, database=database, use_model=use_model, backend=backend)
        return cls(bi, AppDB.open(bi.settings.app_db_url()))

    # -- asking -----------------------------------------------------------------------------------
    def ask(self, question: str, who: Account | User, client: str = "", as_of: dt.date | None = None,
            follow_up_of: int | None = None) -> Answer:
        """``follow_up_of``: the event id of the answer this question may refine (按渠道拆开, 只看杭州)."""
        user = as_user(who)
        check_as_of(as_of)
        if follow_up_of is not None:
            previous = self._own_event(follow_up_of, user)
            if previous["status"] == ANSWERED and previous["interpretation"]:
                refined = self.bi.follow_up(question, SemanticQuery.model_validate(previous["interpretation"]),
                                            user, previous["as_of"])
                if refined is not None:
                    progress.commit()
                    return self._audited(refined, user, "ask", client, previous["as_of"], parent_id=follow_up_of)
        answer = self.bi.ask(question, user=user, as_of=as_of)
        progress.commit()  # cancelled after the model was done (while ranking, querying): not answered
        return self._audited(answer, user, "ask", client, as_of)

    def pick(self, event_id: int, index: int, who: Account | User, client: str = "") -> Answer:
        """Answer the clarification ``event_id`` with its candidate ``index``; the pick is recorded."""
        user = as_user(who)
        event = self._own_event(event_id, user)
        candidates = event.get("candidates") or []
        if event["status"] != CLARIFY or not candidates:
            raise AppDBError(f"Answer {event_id} was not a clarification; there is nothing to pick.")
        if not 0 <= index < len(candidates):
            raise AppDBError(f"Pick a number from 0 to {len(candidates) - 1}.")
        query = SemanticQuery.model_validate(candidates[index])
        answer = self.bi.run(query, user=user, as_of=event["as_of"], question=event["question"])
        answer.path = "clarification"
        return self._audited(answer, user, "pick", client, event["as_of"], parent_id=event_id)

    def run(self, query: SemanticQuery, who: Account | User, question: str = "", client: str = "",
            as_of: dt.date | None = None, kind: str = "run") -> Answer:
        user = as_user(who)
        answer = self.bi.run(query, user=user, as_of=as_of, question=question)
        return self._audited(answer, user, kind, client, as_of)

    def follow_ups(self, answer: Answer, limit: int = 3) -> list[FollowUp]:
        """What to ask next after ``answer``: typed refinements of its interpretation (suggest.py)."""
        if answer.status != ANSWERED or answer.interpretation is None or not answer.governed:
            return []
        first = {c["name"]: answer.rows[0][i] for i, c in enumerate(answer.columns)
                 if c["kind"] == "dimension"} if answer.rows else None
        return follow_ups(self.bi.catalog, answer.interpretation, self._as_of(answer), first, limit)

    def drill(self, answer: Answer, dimension: str, value) -> FollowUp | None:
        """The refinement a click on one bar (``dimension`` = ``value``) of ``answer``'s chart opens."""
        if answer.status != ANSWERED or answer.interpretation is None or not answer.governed:
            return None
        return drill(self.bi.catalog, answer.interpretation, dimension, value, self._as_of(answer))

    def refine(self, event_id: int, follow_up: FollowUp, who: Account | User, lang: str = "zh",
               client: str = "") -> Answer:
        """Run a suggested follow-up or a drill of one's own answer ``event_id``, audited as its child."""
        user = as_user(who)
        previous = self._own_event(event_id, user)
        answer = self.bi.run(follow_up.query, user=user, as_of=previous["as_of"], question=follow_up.label(lang))
        answer.path = "follow_up" if answer.status == ANSWERED else answer.path
        return self._audited(answer, user, "ask", client, previous["as_of"], parent_id=event_id)

    def _as_of(self, answer: Answer) -> dt.date:
        event = self.db.audit.get(answer.event_id) if answer.event_id else None
        return event["as_of"] if event and event["as_of"] else self.bi.reference_date()

    def sql(self, sql: str, who: Account | User, client: str = "", max_rows: int = 1000) -> Answer:
        user = as_user(who)
        return self._audited(self.bi.run_sql(sql, user, max_rows=max_rows), user, "sql", client)

    def draft(self, question: str, who: Account | User, client: str = "", execute: bool = True) -> Answer:
        user = as_user(who)
        return self._audited(self.bi.draft_sql(question, user, execute=execute), user, "draft", client)

    def _audited(self, answer: Answer, user: User, kind: str, client: str, as_of: dt.date | None = None,
                 parent_id: int | None = None) -> Answer:
        try:
            answer.event_id = self.db.audit.record(Event(
                user_name=user.name, role=user.role, kind=kind, status=answer.status, client=client,
                question=answer.question if kind != "sql" else "", normalized=normalize_question(answer.question)
                if kind in ("ask", "pick", "draft") else "", path=answer.path, reason=answer.reason,
                interpretation=answer.interpretation.model_dump(mode="json") if answer.interpretation else None,
                candidates=[c.interpretation.model_dump(mode="json") for c in answer.candidates] or None,
                sql=answer.sql, row_count=len(answer.rows) if answer.status == ANSWERED else None,
                latency_ms=answer.timings_ms.get("total", 0.0), model_id=answer.model_id, parent_id=parent_id,
                as_of=as_of or self.bi.reference_date()))
        except Exception:  # the answer still reaches the user; the failure is logged loudly
            log.exception("audit record failed for %s %s", kind, user.name)
        return answer

    def _own_event(self, event_id: int, user: User) -> dict:
        event = self.db.audit.get(event_id)
        if event is None or event["user_name"] != user.name:
            raise AppDBError(f"There is no answer {event_id} of yours.")
        return event

    # -- feedback -----------------------------------------------------------------------------------
    def rate(self, event_id: int, who: Account | User, rating: int, comment: str = "") -> int:
        return self.db.feedback.rate(event_id, as_user(who).name, rating, comment)

    # -- analysts: corrections become verified answers ------------------------------------------------
    def require_analyst(self, who: Account | User, action: str = "correct and verify answers") -> User:
        user = as_user(who)
        role = role_of(self.bi.catalog, user)
        if role is not None and not role.can_write_sql:
            raise PermissionDenied(f"Only analysts can {action}; {user.name} is {user.role}. "
                                   "Ask in plain language instead, or ask an administrator for an analyst role.")
        return user

    def preview(self, who: Account | User, question: str = "", interpretation: SemanticQuery | None = None,
                sql: str = "", as_of: dt.date | None = None) -> Answer:
        """Run a correction without saving it: the analyst compares it with the original first."""
        user = self.require_analyst(who)
        if interpretation is not None:
            return self.bi.run(interpretation, user=user, as_of=as_of, question=question)
        answer = self.bi.run_sql(sql, user)
        answer.question = question or sql
        return answer

    def verify(self, question: str, who: Account | User, interpretation: SemanticQuery | None = None,
               sql: str = "", source_event_id: int | None = None, note: str = "",
               as_of: dt.date | None = None) -> int:
        """Save an analyst's correction as the verified answer to ``question`` (and its paraphrases).

        The correction must run cleanly first: an interpretation must compile and execute, SQL must
        pass the guard. Whatever review items this question had are resolved by it.
        """
        user = self.require_analyst(who)
        as_of = as_of or self.bi.reference_date()
        if (interpretation is None) == (not sql.strip()):
            raise AppDBError("Give either a corrected interpretation or corrected SQL.")
        check = self.preview(user, question, interpretation, sql, as_of)
        if check.status != ANSWERED:
            raise AppDBError(f"The correction does not run: {check.message_en} Fix it before saving.")
        mode = time_mode(self.bi.catalog, self.bi.vocabulary, question, interpretation, as_of) if interpretation \
            else "fixed"
        normalized = normalize_question(question)
        verified_id = self.db.verified.save(
            question, user.name, as_of, interpretation=interpretation, sql=sql.strip(), time_mode=mode,
            source_event_id=source_event_id, note=note,
            resolves=[f"{kind}:{normalized}" for kind in ("thumbs_down", "refused", "clarify")])
        self._teach_vanna(question, check.sql)
        return verified_id

    def _teach_vanna(self, question: str, sql: str) -> None:
        """Verified pairs are the only question→SQL examples the analysts' drafting path learns from."""
        try:
            from chatbi.analyst.store import TrainingStore

            TrainingStore(self.db).add("sql", sql, question=question)
        except Exception:
            log.exception("could not add the verified pair to the drafting path's examples")

    def retire(self, verified_id: int, who: Account | User) -> None:
        self.db.verified.retire(verified_id, self.require_analyst(who).name)

    # -- dashboards ----------------------------------------------------------------------------------
    def run_dashboard(self, dashboard_id: int, who: Account | User, filters: dict | None = None,
                      client: str = "", replace: bool = False):
        from chatbi.dashboards import run_dashboard

        user = as_user(who)
        board = self.db.dashboards.get(dashboard_id)
        if not board.visible_to(user.name, user.role):
            raise PermissionDenied(f"Dashboard {board.name} is not shared with your role ({user.role}).")
        started = time.perf_counter()
        def run_tile(query, question, as_of):
            return self.run(query, user, question=question, client=client, as_of=as_of, kind="dashboard")

        results = run_dashboard(self.bi.catalog, run_tile, board, self.bi.reference_date(), filters, replace)
        log.debug("dashboard %s ran in %.0f ms", board.name, (time.perf_counter() - started) * 1000)
        return board, results
