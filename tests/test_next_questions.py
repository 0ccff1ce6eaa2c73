"""After an answer: the suggested follow-ups and the drill into one bar compute exactly what their
labels say (checked against hand-written SQL), stay within the asker's rows, and are recorded as
children of the answer. Also: unknown values offered by their close ones (杭洲, hz), large amounts
in 万/亿, periods by their grain, trends that end at the last complete period."""

import datetime as dt
from decimal import Decimal

import duckdb
import pytest

from chatbi.appdb import AppDB, AppDBError
from chatbi.core import ChatBI
from chatbi.pipeline.answer import Answer, format_value, key_text
from chatbi.service import ChatService
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User
from tests.conftest import TEST_AS_OF

MANAGER = User("zhou", "manager")
STAFF = User("li.na", "channel_staff", {"channel_id": "CH330100003"})


@pytest.fixture(scope="module")
def service(demo_warehouse, tmp_path_factory):
    bi = ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)
    return ChatService(bi, AppDB.open(f"sqlite:///{tmp_path_factory.mktemp('next') / 'app.sqlite'}"))


def rows(path, sql):
    with duckdb.connect(str(path), read_only=True) as con:
        return [[float(v) if isinstance(v, Decimal) else v for v in r] for r in con.execute(sql).fetchall()]


def test_a_single_number_is_offered_its_breakdown_trend_and_last_year(service, demo_warehouse):
    answer = service.ask("上个月新增用户数", MANAGER, as_of=TEST_AS_OF)
    offered = service.follow_ups(answer)
    labels = [f.label_zh for f in offered]
    assert 2 <= len(offered) <= 3 and labels[1:] == ["近6个月趋势", "和去年同期比"], labels
    split = service.refine(answer.event_id, offered[0], MANAGER)
    assert split.status == "answered" and split.path == "follow_up" and split.question == labels[0]
    assert service.db.audit.get(split.event_id)["parent_id"] == answer.event_id
    assert sum(r[-1] for r in split.rows) == answer.rows[0][0], "a breakdown adds up to the number it splits"
    trend = service.refine(answer.event_id, offered[1], MANAGER)
    months = [str(r[0])[:7] for r in trend.rows]
    assert months == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"], \
        "a trend nobody dated ends at the last complete month (as_of 11-15), not in a half-month cliff"
    yoy = service.refine(answer.event_id, offered[2], MANAGER)
    names = [c["name"] for c in yoy.columns]
    assert set(names) == {"new_subscribers", "new_subscribers__yoy", "new_subscribers__yoy_prev",
                          "new_subscribers__yoy_change"}
    last_year = rows(demo_warehouse, "SELECT count(*) FROM fact_activation WHERE activation_date "
                                     "BETWEEN '2025-10-01' AND '2025-10-31'")[0][0]
    assert yoy.rows[0][names.index("new_subscribers__yoy_prev")] == last_year


def test_a_bar_drills_into_the_level_below_it(service, demo_warehouse):
    answer = service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF)
    drill = service.drill(answer, "city", "杭州")
    assert drill.label_zh == "杭州：按区县拆开"
    inside = service.refine(answer.event_id, drill, MANAGER)
    truth = rows(demo_warehouse, """SELECT d.district_name, count(*) FROM fact_activation JOIN dim_channel c USING
        (channel_id) JOIN dim_district d ON d.district_id = c.district_id JOIN dim_city y ON y.city_id = c.city_id
        WHERE activation_date BETWEEN '2026-10-01' AND '2026-10-31' AND y.city_name = '杭州' GROUP BY 1""")
    assert sorted(map(tuple, inside.rows)) == sorted(map(tuple, truth))
    assert "杭州" in inside.message, "the drilled value is in the headline"
    offered = [f.label_zh for f in service.follow_ups(answer)]
    assert "杭州：按区县拆开" in offered or offered[-1].startswith(str(answer.rows[0][0])), offered
    assert service.drill(answer, "channel_type", "自营厅") is None, "only the answer's own bars drill"


def test_follow_ups_stay_within_the_askers_rows_and_answers(service):
    answer = service.ask("上个月新增用户数", STAFF, as_of=TEST_AS_OF)
    for follow_up in service.follow_ups(answer):
        refined = service.refine(answer.event_id, follow_up, STAFF)
        assert refined.status != "answered" or refined.scope, "row-level security applies to follow-ups too"
    with pytest.raises(AppDBError):
        service.refine(answer.event_id, service.follow_ups(answer)[0], MANAGER)


def test_an_unknown_value_is_offered_by_its_close_ones(service):
    typo = service.ask("杭洲的欠费金额", MANAGER, as_of=TEST_AS_OF)
    assert typo.status == "clarify" and typo.reason == "unknown_value" and "杭洲" in typo.message
    assert [[(f.dimension, f.values) for f in c.interpretation.filters] for c in typo.candidates] == \
        [[("city", ["杭州"])]], "the company total (the word dropped) is not offered"
    initials = service.ask("hz的新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert {c.interpretation.filters[0].values[0] for c in initials.candidates} == {"杭州", "湖州"}
    elsewhere = service.ask("北京的新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert elsewhere.status == "clarify" and "北京" in elsewhere.message
    assert all(not c.interpretation.filters for c in elsewhere.candidates), "北仑区 does not sound like 北京"


def test_large_amounts_read_in_wan_and_yi_tables_stay_exact():
    assert format_value(25654321.4, "currency", "元", 2, compact="zh") == "2,565.43万元"
    assert format_value(312_000_000, "integer", "户", 0, compact="zh") == "3.12亿户"
    assert format_value(9_063, "integer", "户", 0, compact="zh") == "9,063户"
    assert format_value(25654321.4, "currency", " yuan", 2, compact="en") == "25.65 million yuan"
    assert format_value(25654321.4, "currency", "元", 2) == "25,654,321.40元"
    assert format_value(0.0394, "percent", "", 2, compact="zh") == "3.94%"


def test_periods_are_shown_by_their_grain():
    month = {"kind": "time", "format": "month"}
    assert key_text(month, dt.date(2026, 1, 1)) == "2026-01" and key_text(month, "2026-01-01") == "2026-01"
    assert key_text({"kind": "time", "format": "quarter"}, "2026-10-01") == "2026-Q4"
    assert key_text({"kind": "time", "format": "year"}, dt.date(2025, 1, 1)) == "2025"
    assert key_text({"kind": "time", "format": "day"}, dt.date(2026, 1, 5)) == "2026-01-05"


def test_an_answer_comes_back_from_the_history_as_it_was(service):
    answer = service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF)
    conversation = service.db.history.current(MANAGER.name)
    service.db.history.add(MANAGER.name, conversation, answer.question, answer.to_dict(), answer.event_id)
    back = Answer.from_dict(service.db.history.turns(MANAGER.name, conversation)[-1]["answer"])
    assert (back.message, back.rows, back.interpretation, back.event_id) == \
        (answer.message, answer.rows, answer.interpretation, answer.event_id)
    fresh = service.db.history.start(MANAGER.name)
    assert fresh == conversation + 1 and service.db.history.turns(MANAGER.name, fresh) == []


def test_a_cancelled_question_is_neither_answered_nor_recorded(service):
    from chatbi.progress import Cancelled, Tracker

    before = len(service.db.audit.list(user=MANAGER.name))
    with Tracker().active() as tracker:
        tracker.cancel()
        with pytest.raises(Cancelled):
            service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert len(service.db.audit.list(user=MANAGER.name)) == before
    assert service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF).status == "answered", \
        "the next question, outside the cancelled one's context, is answered"


def test_a_cancel_is_too_late_once_the_answer_is_recorded_and_a_follow_up_obeys_it(service):
    """The app shows 已取消 only when nothing was recorded: a cancel that lands while the answer is
    being recorded is refused (the answer is shown), and a follow-up's answer is cancelled like any."""
    from chatbi.progress import Cancelled, Tracker

    with Tracker().active() as tracker:
        answer = service.ask("上个月各地市新增用户数", MANAGER, as_of=TEST_AS_OF)
        assert tracker.cancel() is False and not tracker.cancelled, "committed: the cancel comes too late"
    assert service.db.audit.get(answer.event_id)["status"] == "answered"
    before = len(service.db.audit.list(user=MANAGER.name))
    with Tracker().active() as tracker:
        assert tracker.cancel() is True
        with pytest.raises(Cancelled):
            service.ask("只看杭州", MANAGER, as_of=TEST_AS_OF, follow_up_of=answer.event_id)
    assert len(service.db.audit.list(user=MANAGER.name)) == before, "a cancelled follow-up is not recorded"


def test_a_share_is_not_split_or_drilled_into_a_share_of_something_else(service):
    """自营厅 28.0% of 杭州 is not the part of 杭州's 14.5% of the province it would claim to split."""
    share = service.ask("上个月杭州新增用户占全省的比例", MANAGER, as_of=TEST_AS_OF)
    assert share.status == "answered" and "share" in share.interpretation.comparisons
    assert [f.label_zh for f in service.follow_ups(share)] == ["和去年同期比"]
    by_city = service.ask("上个月各地市新增用户占比", MANAGER, as_of=TEST_AS_OF)
    assert service.drill(by_city, "city", "杭州") is None


def test_close_values_keep_negations_named_values_and_permissions(service):
    negated = service.ask("不含杭洲的上个月新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert not any(f.op == "=" and f.values == ["杭州"] for c in negated.candidates
                   for f in c.interpretation.filters), "不含杭洲 is never offered as 杭州 alone"
    both = service.ask("宁波和杭洲的上个月新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert [sorted(f.values) for c in both.candidates for f in c.interpretation.filters] == [["宁波", "杭州"]]
    staff = service.ask("sx的上个月新增用户数", STAFF, as_of=TEST_AS_OF)
    dims = {f.dimension for c in staff.candidates for f in c.interpretation.filters}
    # 绍兴, the one close value, is outside a Hangzhou outlet's rows: never offered, refused as such
    assert "staff" not in dims and staff.status == "refused" and staff.reason == "outside_scope", (staff.message, dims)
    brand = service.ask("华维的新增用户数", MANAGER, as_of=TEST_AS_OF)
    assert brand.status == "clarify" and brand.candidates, "a value the metric cannot use is not a dead end"


def test_compact_amounts_take_the_unit_of_their_rounded_value():
    assert format_value(99_999_999, "integer", "户", 0, compact="zh") == "1.00亿户"
    assert format_value(999_999_999, "currency", " yuan", 2, compact="en") == "1.00 billion yuan"
    assert format_value(9_999, "integer", "户", 0, compact="zh") == "9,999户"
