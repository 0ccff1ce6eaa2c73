"""The analysts' free-SQL path: vanna drafts with the bundled model, the guard checks, nothing is verified."""

import pytest

from chatbi.config import Settings
from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User

pytestmark = pytest.mark.model
ANALYST = User("zhang", "analyst")


@pytest.fixture(scope="module")
def bi(demo_warehouse, llm, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("app"))
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), settings, backend=llm)


def test_vanna_is_trained_on_ddl_definitions_and_verified_pairs_only(bi):
    kinds = {item["kind"] for item in bi.vanna.store.all()}
    assert kinds == {"ddl", "documentation", "sql"}
    pairs = [i for i in bi.vanna.store.all() if i["kind"] == "sql"]
    samples = {q for m in bi.catalog.metrics.values() for q in [*m.samples.zh, *m.samples.en]}
    assert pairs and all(p["question"] in samples for p in pairs), "only curated catalog samples are pre-verified"


def test_free_question_gets_a_guarded_unverified_draft(bi):
    answer = bi.draft_sql("每个渠道类型有多少个营业厅", ANALYST)
    assert answer.path == "vanna" and not answer.verified
    assert answer.status == "answered", answer.message
    assert "LIMIT" in answer.sql.upper()
    assert sorted(r[0] for r in answer.rows) == ["合作厅", "电子渠道", "社会渠道", "自营厅"]


def test_channel_staff_never_get_the_sql_path(bi):
    answer = bi.draft_sql("每个渠道类型有多少个营业厅", User("li", "channel_staff", {"channel_id": "CH330100003"}))
    assert answer.status == "refused" and answer.reason == "sql_not_allowed"
