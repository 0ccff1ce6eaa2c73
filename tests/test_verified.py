"""Corrections make ChatBI better: 👎 → analyst correction → the question and its paraphrases are
answered from the verified store, without the model, and never reused where they would be wrong."""

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from chatbi.appdb import AppDB, AppDBError
from chatbi.cli import app
from chatbi.core import ChatBI
from chatbi.pipeline.verified import calibration_pairs, reuse_decision
from chatbi.service import ChatService, PermissionDenied
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import Filter, SemanticQuery, TimeRange, User
from tests.conftest import TEST_AS_OF

MANAGER = User("zhao", "manager")
ANALYST = User("li", "analyst")
STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
CALIBRATION = "eval/verified/paraphrases.yaml"


@pytest.fixture(scope="module")
def rules_bi(demo_warehouse):
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)


@pytest.fixture
def service(rules_bi, tmp_path):
    return ChatService(rules_bi, AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}"))


def test_calibration_pairs_never_reuse_where_the_meaning_differs(rules_bi):
    as_of, pairs = calibration_pairs(CALIBRATION)
    wrong, missed = [], []
    for pair in pairs:
        reused, _, _ = reuse_decision(rules_bi.catalog, rules_bi.vocabulary, pair["verified"], pair["asked"], as_of)
        if reused and not pair["reuse"]:
            wrong.append(pair)
        if pair["reuse"] and not reused:
            missed.append(pair)
    assert wrong == [], "a verified answer was reused for a different question"
    paraphrases = sum(p["reuse"] for p in pairs)
    assert len(missed) <= paraphrases // 10, missed


def test_thumbs_down_correction_then_question_and_paraphrase_answer_from_the_verified_store(service):
    first = service.ask("杭州宽带新装上个月的量", MANAGER, as_of=TEST_AS_OF)
    service.rate(first.event_id, MANAGER, -1, "应该直接给数")
    assert [i.kind for i in service.db.review.items()] == ["thumbs_down"] or first.status != "answered"
    fixed = SemanticQuery(metrics=["broadband_installs"], filters=[Filter(dimension="city", op="=", values=["杭州"])],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    before = service.preview(ANALYST, first.question, interpretation=fixed, as_of=TEST_AS_OF)
    assert before.status == "answered"
    service.verify(first.question, ANALYST, interpretation=fixed, source_event_id=first.event_id, as_of=TEST_AS_OF)
    assert service.db.review.items() == [], "the correction resolved the 👎"
    from chatbi.analyst.store import TrainingStore

    taught = [r for r in TrainingStore(service.db).all() if r["kind"] == "sql"]
    assert [r["question"] for r in taught] == [first.question], "the vanna path learns the verified pair"
    for question in ("杭州宽带新装上个月的量", "上个月杭州宽带新装的量？"):
        again = service.ask(question, MANAGER, as_of=TEST_AS_OF)
        assert again.status == "answered" and again.path == "verified", (question, again.message)
        assert "model" not in again.timings_ms
        assert again.interpretation == fixed and again.rows == before.rows
        assert again.to_dict()["verified"] is True and again.to_dict()["verified_id"] is not None
    assert service.db.audit.get(again.event_id)["path"] == "verified"
    fresh = service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF).to_dict()  # not reused: not verified
    assert fresh["verified"] is False and fresh["verified_id"] is None and fresh["governed"] is True


def test_the_period_moves_with_the_data_when_it_came_from_the_question(service):
    query = SemanticQuery(metrics=["new_subscribers"], filters=[Filter(dimension="city", op="=", values=["宁波"])],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    service.verify("宁波上个月放号多少", ANALYST, interpretation=query, as_of=TEST_AS_OF)
    assert service.db.verified.rows()[0]["time_mode"] == "question"
    later = service.ask("宁波上个月放号多少", MANAGER, as_of=dt.date(2026, 10, 20))
    assert later.path == "verified"
    assert later.interpretation.time_range == TimeRange(start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 30))


def test_fixed_dates_and_saved_sql_are_not_reused_once_they_mean_another_period(service):
    fixed = SemanticQuery(metrics=["new_subscribers"],
                          time_range=TimeRange(start=dt.date(2026, 9, 1), end=dt.date(2026, 10, 31)))
    service.verify("最近新增用户", ANALYST, interpretation=fixed, as_of=TEST_AS_OF)
    assert service.db.verified.rows()[0]["time_mode"] == "fixed"
    assert service.ask("最近新增用户", MANAGER, as_of=TEST_AS_OF).path == "verified"
    assert service.ask("最近新增用户", MANAGER, as_of=dt.date(2026, 10, 20)).path != "verified"
    sql = "SELECT count(*) AS n FROM fact_activation WHERE activation_date >= DATE '2026-10-01'"
    service.verify("本月到现在激活了多少", ANALYST, sql=sql, as_of=TEST_AS_OF)
    assert service.ask("本月到现在激活了多少", MANAGER, as_of=TEST_AS_OF).path == "verified"
    assert service.ask("本月到现在激活了多少", MANAGER, as_of=dt.date(2026, 10, 20)).path != "verified"


def test_verified_sql_still_applies_row_level_security(service):
    sql = "SELECT channel_id, count(*) AS n FROM fact_activation GROUP BY channel_id ORDER BY channel_id"
    service.verify("2026年各渠道激活明细", ANALYST, sql=sql, as_of=TEST_AS_OF)
    everyone = service.ask("2026年各渠道激活明细", MANAGER, as_of=TEST_AS_OF)
    own = service.ask("2026年各渠道激活明细", STAFF, as_of=TEST_AS_OF)
    assert own.path == "verified" and len(everyone.rows) > 1
    assert [r[0] for r in own.rows] == ["CH330100003"]


def test_only_analysts_verify_and_only_corrections_that_run(service):
    query = SemanticQuery(metrics=["new_subscribers"])
    with pytest.raises(PermissionDenied, match="Only analysts"):
        service.verify("本月新增用户", STAFF, interpretation=query)
    with pytest.raises(AppDBError, match="does not run"):
        service.verify("本月新增用户", ANALYST, sql="SELECT secret FROM nowhere")
    with pytest.raises(AppDBError, match="either"):
        service.verify("本月新增用户", ANALYST)
    assert service.db.verified.rows() == [], "nothing unapproved or broken entered the store"


def test_retired_answers_are_no_longer_reused(service):
    query = SemanticQuery(metrics=["terminal_units"],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    vid = service.verify("上月手机卖了几台呀", ANALYST, interpretation=query, as_of=TEST_AS_OF)
    assert service.ask("上月手机卖了几台呀", MANAGER, as_of=TEST_AS_OF).path == "verified"
    service.retire(vid, ANALYST)
    assert service.ask("上月手机卖了几台呀", MANAGER, as_of=TEST_AS_OF).path != "verified"


def test_a_second_server_sees_a_new_verified_answer(service, rules_bi, demo_warehouse):
    other = ChatService(ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False),
                        AppDB.open(str(service.db.engine.url)))
    assert other.ask("宁波上月5G迁转用户有多少户", MANAGER, as_of=TEST_AS_OF).path != "verified"
    query = SemanticQuery(metrics=["fiveg_migrations"], filters=[Filter(dimension="city", op="=", values=["宁波"])],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    service.verify("宁波上月5G迁转用户有多少户", ANALYST, interpretation=query, as_of=TEST_AS_OF)
    assert other.ask("宁波上月5G迁转用户有多少户", MANAGER, as_of=TEST_AS_OF).path == "verified"


def test_eval_replays_verified_answers_and_fails_when_one_regresses(service, demo_warehouse, isolated_app_db,
                                                                     tmp_path):
    shared = ChatService(service.bi, AppDB.open(isolated_app_db))
    query = SemanticQuery(metrics=["broadband_installs"],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    shared.verify("宽带上月一共做了多少单", ANALYST, interpretation=query, as_of=TEST_AS_OF)
    runner = CliRunner()
    report = tmp_path / "report.json"
    args = ["eval", "--only-verified", "--model", "none", "--database", str(demo_warehouse), "--output", str(report)]
    ok = runner.invoke(app, args)
    assert ok.exit_code == 0, ok.output
    assert json.loads(report.read_text())[0]["correct"] == 1
    # Another analyst's later correction of the same question silently replaces the first: the
    # replay of the first approved answer catches it.
    shared.verify("宽带上月一共做了多少单?", ANALYST, interpretation=query.model_copy(
        update={"metrics": ["new_subscribers"]}), as_of=TEST_AS_OF)
    bad = runner.invoke(app, args)
    assert bad.exit_code == 1
    assert json.loads(report.read_text())[0]["wrong"] == 1


@pytest.mark.model
def test_real_model_first_answer_then_correction_serves_without_the_model(demo_warehouse, llm, tmp_path):
    service = ChatService(ChatBI(load_catalog(), connect(str(demo_warehouse)), backend=llm),
                          AppDB.open(f"sqlite:///{tmp_path / 'app.sqlite'}"))
    question = "上个月杭州宽带拉了几户"
    first = service.ask(question, MANAGER, as_of=TEST_AS_OF)
    assert "model" in first.timings_ms, "the first answer needed the model"
    service.rate(first.event_id, MANAGER, -1, "")
    fixed = SemanticQuery(metrics=["broadband_installs"], filters=[Filter(dimension="city", op="=", values=["杭州"])],
                          time_range=TimeRange(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)))
    service.verify(question, ANALYST, interpretation=fixed, source_event_id=first.event_id, as_of=TEST_AS_OF)
    for asked in (question, "杭州上月宽带拉了几户？"):
        again = service.ask(asked, MANAGER, as_of=TEST_AS_OF)
        assert again.path == "verified" and "model" not in again.timings_ms, asked
        assert again.interpretation == fixed
    assert service.bi.verified.examples("杭州上个月宽带拉了多少户") == [(question, "broadband_installs")]
