"""The application database: migrations, users and tokens, audit, feedback, review queue, dashboards."""

import datetime as dt

import pytest
import sqlalchemy as sa

from chatbi.appdb import AppDB, AppDBError, schema
from chatbi.appdb.audit import Event
from semantic_layer import SemanticQuery


@pytest.fixture
def db(tmp_path):
    return AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}")


def test_a_new_database_is_migrated_to_the_newest_schema_and_reopening_is_idempotent(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    first = AppDB.open(url)
    assert first.revision() == first.head() == "0002"
    tables = set(sa.inspect(first.engine).get_table_names())
    assert {"users", "events", "feedback", "verified_answers", "dashboards", "chat_turns", "alembic_version"} <= tables
    with first.read() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    first.users.add("li", "analyst", "long-enough")
    again = AppDB.open(url)
    assert again.users.get("li").role == "analyst", "reopening keeps the data"


def test_a_database_of_the_first_schema_gains_the_chat_history_and_keeps_its_users(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    old = AppDB.open(url, migrate=False)
    with old.engine.begin() as conn:
        command.upgrade(old._alembic_config(conn), "0001")
    old.users.add("li", "analyst", "long-enough")
    assert "chat_turns" not in sa.inspect(old.engine).get_table_names()
    event = old.audit.record(_event(question="上月宽带装了多少"))
    with old.write() as conn:  # the double count of before: a 👎, then the same 👎 with its comment
        for comment in ("", "少了杭州的"):
            conn.execute(sa.insert(schema.feedback).values(event_id=event, user_name="li", rating=-1,
                                                           comment=comment, ts=dt.datetime.now(dt.UTC)))
    upgraded = AppDB.open(url)
    assert upgraded.revision() == "0002" and upgraded.users.get("li").role == "analyst"
    upgraded.history.add("li", 1, "上月新增", {"status": "answered", "question": "上月新增"})
    assert upgraded.history.turns("li", 1)[0]["question"] == "上月新增"
    assert [(f["rating"], f["comment"]) for f in upgraded.feedback.for_event(event)] == [(-1, "少了杭州的")]


def test_a_database_from_before_migrations_keeps_its_vanna_memory(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE vanna_training (id TEXT PRIMARY KEY, kind TEXT NOT NULL, question TEXT, "
                    "content TEXT NOT NULL, embedding BLOB NOT NULL)")
        con.execute("INSERT INTO vanna_training VALUES ('a', 'ddl', NULL, 'CREATE TABLE t (x INT)', x'00')")
    db = AppDB.open(f"sqlite:///{path}")
    with db.read() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM vanna_training").scalar() == 1


def test_bad_url_says_what_to_set():
    with pytest.raises(AppDBError, match="app_db.url"):
        AppDB.open("nosuchdriver://x/y")


def test_passwords_are_hashed_and_checked(db):
    db.users.add("li", "analyst", "correct horse")
    with db.read() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM users").scalar()
    assert stored.startswith("$argon2") and "correct horse" not in stored
    assert db.users.authenticate("li", "correct horse").role == "analyst"
    assert db.users.authenticate("li", "wrong horse") is None
    assert db.users.authenticate("nobody", "correct horse") is None
    db.users.update("li", disabled=True)
    assert db.users.authenticate("li", "correct horse") is None, "a disabled user cannot sign in"
    with pytest.raises(AppDBError, match="at least 8"):
        db.users.add("wang", "analyst", "short")
    with pytest.raises(AppDBError, match="already exists"):
        db.users.add("li", "analyst", "another one")
    with pytest.raises(AppDBError, match="not allowed"):
        db.users.add("li na; drop", "analyst", "long-enough")


def test_tokens_map_to_users_and_can_be_revoked(db):
    db.users.add("bot", "channel_staff", attrs={"channel_id": "CH1"})
    token = db.users.issue_token("bot", "office bot")
    with db.read() as conn:
        assert token not in str(conn.exec_driver_sql("SELECT * FROM api_tokens").fetchall())
    who = db.users.by_token(token)
    assert who.name == "bot" and who.as_user().attributes == {"channel_id": "CH1"}
    assert db.users.by_token(token + "x") is None
    assert db.users.revoke_tokens("bot") == 1
    assert db.users.by_token(token) is None


def _event(user="li", kind="ask", status="answered", question="本月新增用户", **kw) -> Event:
    from chatbi.pipeline.verified import normalize_question

    return Event(user_name=user, role="analyst", kind=kind, status=status, question=question,
                 normalized=normalize_question(question), **kw)


def test_audit_lists_by_time_user_and_kind_without_result_rows(db):
    first = db.audit.record(_event(sql="SELECT 1", row_count=3, latency_ms=12.345, model_id="m"))
    db.audit.record(_event(user="wang", kind="sql", sql="SELECT 2"))
    assert [e["id"] for e in db.audit.list(user="li")] == [first]
    assert [e["kind"] for e in db.audit.list(kinds=["sql"])] == ["sql"]
    assert db.audit.list(since=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)) == []
    row = db.audit.get(first)
    assert row["row_count"] == 3 and row["latency_ms"] == 12.3 and "rows" not in row


def test_feedback_only_on_ones_own_answers(db):
    event = db.audit.record(_event())
    db.feedback.rate(event, "li", -1, "口径不对")
    assert db.feedback.for_event(event)[0]["comment"] == "口径不对"
    with pytest.raises(AppDBError, match="only rate answers you were given"):
        db.feedback.rate(event, "wang", 1)
    with pytest.raises(AppDBError, match="1 .* or -1"):
        db.feedback.rate(event, "li", 5)
    with pytest.raises(AppDBError, match="no answer"):
        db.feedback.rate(999, "li", 1)


def test_a_thumbs_down_then_its_comment_is_one_rating(db):
    """The app records 👎 on the click and again with the comment: the queue counted it twice."""
    event = db.audit.record(_event(question="上月宽带装了多少"))
    db.feedback.rate(event, "li", -1)
    db.feedback.rate(event, "li", -1, "少了杭州的")
    assert [(f["rating"], f["comment"]) for f in db.feedback.for_event(event)] == [(-1, "少了杭州的")]
    item = next(i for i in db.review.items() if i.kind == "thumbs_down")
    assert (item.count, item.comments) == (1, ["少了杭州的"])
    db.feedback.rate(event, "li", 1)  # a change of mind replaces the rating and leaves the queue
    assert [(f["rating"], f["comment"]) for f in db.feedback.for_event(event)] == [(1, "")]
    assert not [i for i in db.review.items() if i.kind == "thumbs_down"]


def test_review_queue_groups_counts_and_resolves(db):
    for user in ("a", "b", "c"):
        db.audit.record(_event(user=user, status="refused", question="上月的终端库存", reason="out_of_scope"))
    db.audit.record(_event(status="refused", question="把数据删了", path="guard", reason="write_request"))
    down = db.audit.record(_event(question="上月宽带装了多少"))
    db.feedback.rate(down, "li", -1, "少了杭州的")
    clarify = db.audit.record(_event(status="clarify", question="欠费情况"))
    db.audit.record(_event(kind="pick", parent_id=clarify, interpretation={"metrics": ["arrears_amount"]}))
    items = {i.key: i for i in db.review.items()}
    assert set(items) == {"refused:上月的终端库存", "thumbs_down:上月宽带装了多少", "clarify:欠费情况"}, \
        "writes stopped by the guard are not catalog gaps"
    gap = items["refused:上月的终端库存"]
    assert (gap.count, gap.users, gap.reasons) == (3, 3, ["out_of_scope"])
    assert items["thumbs_down:上月宽带装了多少"].comments == ["少了杭州的"]
    assert items["clarify:欠费情况"].picks == {"['arrears_amount']": 1}
    assert next(iter(db.review.items())).key == "refused:上月的终端库存", "most asked first"
    db.review.resolve("refused:上月的终端库存", "catalog", "li", "asked the data owners")
    assert "refused:上月的终端库存" not in {i.key for i in db.review.items()}
    db.audit.record(_event(user="d", status="refused", question="上月的终端库存？"))
    assert "refused:上月的终端库存" in {i.key for i in db.review.items()}, "asked again after resolution"
    with pytest.raises(AppDBError, match="Resolution must be"):
        db.review.resolve("clarify:欠费情况", "ignored", "li")


def test_dashboards_pin_arrange_share(db):
    query = SemanticQuery(metrics=["new_subscribers"])
    board = db.dashboards.create("渠道考核看板", "boss", shared_roles=["manager"], filters={"city": ["杭州"]})
    first = db.dashboards.pin(board, "新增", query)
    second = db.dashboards.pin(board, "宽带", SemanticQuery(metrics=["broadband_installs"]), width=2)
    db.dashboards.arrange(board, [second, first])
    loaded = db.dashboards.get(board)
    assert [t.title for t in loaded.tiles] == ["宽带", "新增"] and loaded.tiles[0].width == 2
    assert loaded.tiles[1].query == query
    assert [d.name for d in db.dashboards.list_for("li", "manager")] == ["渠道考核看板"]
    assert db.dashboards.list_for("li", "channel_staff") == []
    db.dashboards.arrange(board, [first])
    assert [t.title for t in db.dashboards.get(board).tiles] == ["新增"]
    with pytest.raises(AppDBError, match="filters can be"):
        db.dashboards.update(board, filters={"staff": ["x"]})


def test_the_same_stores_work_on_postgres(pg_cluster):
    """Several app servers share one PostgreSQL app database: schema, users, verified, review."""
    url = pg_cluster.create_database("appdb_shared")
    db = AppDB.open(url)
    again = AppDB.open(url)  # a second server starting against the migrated database
    assert db.revision() == again.revision() == "0002"
    db.users.add("li", "analyst", "long-enough")
    assert again.users.authenticate("li", "long-enough").role == "analyst"
    query = SemanticQuery(metrics=["new_subscribers"])
    before = again.verified.revision()
    db.verified.save("本月新增用户", "li", dt.date(2026, 11, 15), interpretation=query, time_mode="question",
                     resolves=["refused:本月新增用户"])
    revision, answers = again.verified.active()
    assert revision == before + 1 and answers[0].interpretation == query and answers[0].embedding
    event = again.audit.record(_event(status="refused", question="上月的终端库存"))
    db.feedback.rate(event, "li", -1, "要补指标")
    assert {i.kind for i in again.review.items()} == {"refused", "thumbs_down"}
