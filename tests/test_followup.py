"""Follow-ups refine the last answer; anything that is a question of its own is asked afresh."""

import datetime as dt

import pytest

from chatbi.appdb import AppDB, AppDBError
from chatbi.core import ChatBI
from chatbi.service import ChatService
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User
from tests.conftest import TEST_AS_OF

MANAGER = User("zhou", "manager")


@pytest.fixture(scope="module")
def service(demo_warehouse, tmp_path_factory):
    bi = ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)
    return ChatService(bi, AppDB.open(f"sqlite:///{tmp_path_factory.mktemp('fu') / 'app.sqlite'}"))


@pytest.fixture(scope="module")
def first(service):
    answer = service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 11
    return answer


def refine(service, first, text):
    answer = service.ask(text, MANAGER, as_of=TEST_AS_OF, follow_up_of=first.event_id)
    assert answer.status == "answered", (text, answer.message)
    return answer


def test_breakdown_filter_and_period_refinements(service, first):
    split = refine(service, first, "按渠道类型拆开")
    assert split.path == "follow_up" and [g.dimension for g in split.interpretation.group_by] == ["city", "channel_type"]
    assert len(split.rows) == 44
    hz = refine(service, first, "只看杭州")
    assert len(hz.rows) == 1 and hz.interpretation.group_by == []
    assert hz.rows[0][0] == next(r[1] for r in first.rows if r[0] == "杭州")
    rest = refine(service, first, "去掉杭州")
    assert len(rest.rows) == 10 and "杭州" not in [r[0] for r in rest.rows]
    last_year = refine(service, first, "换成去年同期")
    assert last_year.interpretation.time_range.start == dt.date(2025, 10, 1)
    assert last_year.interpretation.time_range.end == dt.date(2025, 10, 31)
    assert last_year.rows != first.rows


def test_metric_swap_top_n_and_trend(service, first):
    rate = refine(service, first, "那欠费率呢")
    assert rate.interpretation.metrics == ["arrears_rate"] and len(rate.rows) == 11
    top = refine(service, first, "前3名")
    values = [r[1] for r in top.rows]
    assert len(values) == 3 and values == sorted(values, reverse=True)
    assert values[0] == max(r[1] for r in first.rows)
    trend = refine(service, first, "按月看")
    assert trend.interpretation.time_group.grain == "month" and trend.chart == "line"
    assert trend.interpretation.time_range.start < first.interpretation.time_range.start


def test_a_question_of_its_own_is_not_a_follow_up(service, first):
    fresh = service.ask("本月宁波的新增用户数", MANAGER, as_of=TEST_AS_OF, follow_up_of=first.event_id)
    assert fresh.path == "matcher" and fresh.interpretation.group_by == []
    nonsense = service.ask("只看火星", MANAGER, as_of=TEST_AS_OF, follow_up_of=first.event_id)
    assert nonsense.path != "follow_up"
    write = service.ask("把杭州的删掉", MANAGER, as_of=TEST_AS_OF, follow_up_of=first.event_id)
    assert write.status == "refused"


def test_follow_ups_respect_the_users_rows(service, demo_warehouse):
    staff = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
    mine = service.ask("上个月新增用户数", staff, as_of=TEST_AS_OF)
    other_city = service.ask("只看宁波", staff, as_of=TEST_AS_OF, follow_up_of=mine.event_id)
    assert other_city.status == "refused", "a follow-up cannot step outside the user's rows"
    with pytest.raises(AppDBError, match="no answer"):
        service.ask("只看杭州", MANAGER, follow_up_of=mine.event_id)
