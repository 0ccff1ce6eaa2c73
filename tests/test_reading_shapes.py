"""Questions in the shapes analysts ask are read into the computation they mean, by rules that
take every noun from the catalog; what cannot be computed as said is clarified, never guessed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import MetricFilter, TopWithin, User
from tests.conftest import TEST_AS_OF

LAST_MONTH = (dt.date(2026, 10, 1), dt.date(2026, 10, 31))


@pytest.fixture(scope="module")
def bi(demo_warehouse):
    return ChatBI(load_catalog(), connect(str(demo_warehouse)), use_model=False)


def read(bi, question):
    answer = bi.ask(question, as_of=TEST_AS_OF)
    return answer, answer.interpretation


def test_a_threshold_on_groups_becomes_a_condition_on_the_named_groups(bi):
    answer, query = read(bi, "上个月新增用户超过200的地市")
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in query.group_by] == ["city"]
    assert query.having == [MetricFilter(metric="new_subscribers", op=">", value=200)]
    assert (query.time_range.start, query.time_range.end) == LAST_MONTH
    assert answer.rows and all(row[1] > 200 for row in answer.rows)


def test_a_number_with_a_chinese_multiplier_is_read_exactly(bi):
    _, query = read(bi, "上个月欠费金额超过1.5万的地市")
    assert query.having[0].value == 15_000


def test_top_n_within_each_group(bi):
    answer, query = read(bi, "上个月每个地市新增用户最多的3个渠道")
    assert answer.status == "answered", answer.message
    assert query.top_within == TopWithin(within=["city"], n=3, metric="new_subscribers")
    assert query.limit is None
    cities = {row[0] for row in answer.rows}
    assert len(cities) > 1 and all(row[-1] <= 3 for row in answer.rows)


def test_a_running_total_by_month(bi):
    answer, query = read(bi, "今年每月累计宽带新装")
    assert answer.status == "answered" and query.cumulative and query.time_group.grain == "month"
    running = [row[-1] for row in answer.rows]
    assert running == sorted(running) and running[-1] == sum(row[1] for row in answer.rows)


def test_a_running_total_with_no_start_asks_from_when(bi):
    answer, _ = read(bi, "5G迁转的累计值")
    assert answer.status == "clarify" and answer.reason == "cumulative_needs_period"


def test_a_share_of_the_whole_is_never_the_part_over_itself(bi):
    answer, query = read(bi, "上个月杭州新增用户占全省的比例")
    assert answer.status == "answered" and query.comparisons == ["share"]
    share = answer.rows[0][-1]
    assert 0 < share < 0.5, "杭州's share of the province, not 100%"
    assert "占全部" in answer.message and "+" not in answer.message  # of all: the whole is said


def test_growth_threshold(bi):
    answer, query = read(bi, "上个月欠费金额环比增长超过5%的地市")
    assert answer.status == "answered", answer.message
    assert query.having == [MetricFilter(metric="arrears_amount", op=">", value=0.05, of="mom")]
    assert all(row[-1] > 0.05 for row in answer.rows)


@pytest.mark.parametrize("question,op,value", [
    ("上个月欠费金额环比下降超过5%的地市", "<", -0.05),  # a fall of more than 5%, not a rise
    ("上个月欠费金额环比下降的地市", "<", 0.0),
    ("上个月欠费金额环比增长的地市", ">", 0.0),
    ("cities where arrears fell month over month last month", "<", 0.0),
])
def test_a_change_said_with_its_direction_is_a_condition_on_that_side_of_zero(bi, question, op, value):
    answer, query = read(bi, question)
    assert answer.status == "answered", answer.message
    assert [g.dimension for g in query.group_by] == ["city"]
    assert query.having == [MetricFilter(metric="arrears_amount", op=op, value=value, of="mom")]
    change = [i for i, c in enumerate(answer.columns) if c["name"] == "arrears_amount__mom"][0]
    assert all((row[change] < value) if op == "<" else (row[change] > value) for row in answer.rows)


def test_a_fall_of_less_than_a_percentage_is_asked_not_guessed(bi):
    answer, _ = read(bi, "上个月欠费金额环比下降不到5%的地市")
    assert answer.status != "answered" and answer.reason == "decline_band"


def test_growth_with_no_base_offers_both(bi):
    answer, _ = read(bi, "欠费金额的增长率")
    assert answer.status == "clarify" and answer.reason == "growth_base"
    assert {"环比", "同比"} <= {w for c in answer.candidates for w in ("环比", "同比") if w in c.description_zh}


def test_above_the_average(bi):
    answer, query = read(bi, "上个月离网率高于全省平均的地市")
    assert answer.status == "answered", answer.message
    assert query.having == [MetricFilter(metric="churn_rate", op=">", against="average")]
    assert answer.rows and all(row[1] > row[2] for row in answer.rows)


def test_a_monthly_average_over_a_part_month_offers_whole_months(bi):
    answer, _ = read(bi, "今年月均新增用户")
    assert answer.status == "clarify" and answer.reason == "partial_period"
    (candidate,) = answer.candidates
    assert candidate.interpretation.time_range.end == dt.date(2026, 10, 31)


def test_a_monthly_average_over_whole_months(bi):
    answer, query = read(bi, "上个季度各地市月均新增用户")
    assert answer.status == "answered" and query.average_over == "month"


def test_this_year_and_a_month_said_apart_are_one_period(bi):
    _, query = read(bi, "今年10月新增用户")
    assert (query.time_range.start, query.time_range.end) == LAST_MONTH


def test_quarterly_breakdown(bi):
    answer, query = read(bi, "今年每个季度新增用户")
    assert answer.status == "answered" and query.time_group.grain == "quarter"


def test_a_condition_with_nothing_to_apply_to_is_clarified(bi):
    answer, _ = read(bi, "上个月新增用户超过200")
    assert answer.status == "clarify" and answer.reason == "threshold_without_dimension"


def test_a_percentage_condition_on_a_count_is_not_guessed(bi):
    answer, _ = read(bi, "上个月新增用户超过10%的地市")
    assert answer.status != "answered"


def test_a_listing_names_the_things_the_values_describe(bi, demo_warehouse):
    answer, query = read(bi, "列出杭州所有自营厅")
    assert answer.status == "answered" and not query.metrics
    assert query.group_by[0].dimension == "channel"
    with duckdb.connect(str(demo_warehouse), read_only=True) as con:
        (n,), = con.execute("""SELECT count(*) FROM dim_channel ch JOIN dim_city ci ON ci.city_id = ch.city_id
                                WHERE ci.city_name = '杭州' AND ch.channel_type = '自营厅'""").fetchall()
    assert len(answer.rows) == n > 0 and answer.message.startswith(f"共 {n} 个")


def test_a_listing_shows_only_the_rows_the_user_may_see(bi):
    staff = User("li.na", "channel_staff", {"channel_id": "CH330100003"})
    answer = bi.ask("列出杭州的所有营业厅", user=staff, as_of=TEST_AS_OF)
    assert answer.status == "answered" and len(answer.rows) <= 1 and answer.scope


def test_a_listing_for_a_period_is_refused_with_what_to_ask(bi):
    answer, _ = read(bi, "上个月列出杭州的营业厅")
    assert answer.status == "refused" and answer.reason == "listing_with_period"


def test_the_shape_question_set_has_no_wrong_answer(bi):
    """eval/shapes: every shape with hand-written gold SQL, scored by its numbers."""
    from chatbi.evaluation import evaluate, load_cases

    cases = load_cases([Path(__file__).resolve().parents[1] / "eval" / "shapes"])
    report = evaluate(bi, cases, warm=False)
    assert report["wrong"] == 0, report["misses"]
    assert report["correct"] == len(cases), report["misses"]


def test_a_typo_is_the_metric_it_sounds_like_never_the_one_it_only_looks_like(bi):
    """离网绿 is one character from 离网率 (a rate) and from 离网数 (a count); 绿 is read lǜ, as 率 is (a
    slip of pinyin input), 数 is not: the rate, and the answer says how it was read."""
    answer, query = read(bi, "上个月离网绿")
    assert answer.status == "answered" and query.metrics == ["churn_rate"], answer.message
    assert answer.message.startswith("（按「离网率」理解）")


def test_a_corrected_typo_is_said_in_the_answer(bi):
    answer, query = read(bi, "上个月欠废金额")
    assert answer.status == "answered" and query.metrics == ["arrears_amount"]
    assert answer.message.startswith("（按「欠费金额」理解）")


def test_misspelt_english_words_are_offered_as_the_one_catalog_word_they_are_near(bi):
    """brodband instals by chanel type last quater: the one reading offered is the metric, the two-word
    dimension and the period, not 'the right metric for one day'; a letter more or less can spell
    another real word, so it is confirmed, not answered."""
    answer, _ = read(bi, "brodband instals by chanel type last quater")
    assert answer.status == "clarify" and answer.reason == "typo", answer.message
    [only] = answer.candidates
    query = only.interpretation
    assert query.metrics == ["broadband_installs"] and [g.dimension for g in query.group_by] == ["channel_type"]
    assert (query.time_range.start, query.time_range.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert "「quater」→「quarter」" in answer.message and "'brodband' as 'broadband'" in answer.message_en
    # chanel is channel with its double n written once: sure enough, so not among the words asked
    assert "chanel" not in answer.message_en


def test_two_swapped_letters_are_answered_and_said(bi):
    answer, query = read(bi, "arrears amount by chanenl type last month")
    assert answer.status == "answered" and [g.dimension for g in query.group_by] == ["channel_type"]
    assert answer.message.startswith("（按「channel」理解）")


def test_a_word_not_near_exactly_one_catalog_word_is_not_corrected():
    from chatbi.pipeline import typos

    known, targets = typos.known_words(["channel", "channels", "monthly fees"])
    assert typos.correct("by chanel", known, targets) == ("by channel", [("chanel", "channel")])
    assert typos.correct("by chanels", known, targets)[1] == [("chanels", "channels")]
    # 'chanel' is one edit from 'channel' and 'chapel': it stays as written
    assert typos.correct("by chanel", *typos.known_words(["channel", "chapel"]))[1] == []
    assert typos.correct("which where", known, targets)[1] == []


def test_a_singular_english_name_is_the_metric(bi):
    answer, query = read(bi, "new subscriber in hangzhou last month")
    assert answer.status == "answered" and query.metrics == ["new_subscribers"]
    assert answer.message.startswith("2026-10-01 至 2026-10-31，杭州：")  # the scope said with the number


@pytest.mark.parametrize("text,value,unit", [
    ("超过1000人的大区", 1000, ""), ("超过50万元的门店", 500_000, ""), ("增长超过10个百分点", 10, "pp"),
    ("超过10个渠道", 10, ""), ("超过10%", 10, "%"), ("more than 2k", 2000, ""), ("超过1个亿", 100_000_000, ""),
    ("在1千以下", 1000, ""),
])
def test_threshold_numbers_are_read_with_their_multiplier_measure_word_and_unit(text, value, unit):
    from chatbi.pipeline.shape_words import threshold_spans

    [(_, _, threshold)] = threshold_spans(text)
    assert (threshold.value, threshold.unit) == (value, unit)


@pytest.mark.parametrize("question,reason", [
    ("上个月终端销量环比下降、同比增长的地市", "change_unclear"),  # two changes, two directions
    ("上个月终端销量同比增长，环比下降超过20%的地市", "change_unclear"),
    ("上个月新增用户数同比增速下降超过5%的地市", "change_unclear"),  # growth slowed, not fell
    ("上个月终端销量同比下降最少的地市", "rank_by_change"),  # least fallen: among what? asked
    ("上个月终端销量同比下降最多的2个地市", "rank_by_change"),  # by rate or by how many units? asked
    ("上个月新增用户数最多的3个地市的同比增长率", "rank_by_change"),  # ranked by the value: never by the change
    ("上个月每个地市新增用户数同比增长最快的2个渠道类型", "rank_by_change"),
    ("上个月杭州新增用户数高于全公司平均水平的营业厅", "average_scope"),  # not the Hangzhou average
])
def test_changes_and_averages_that_cannot_be_read_exactly_are_not_answered(bi, question, reason):
    answer, _ = read(bi, question)
    assert answer.status != "answered" and answer.reason == reason, answer.message


def test_a_change_named_as_a_topic_is_not_a_condition(bi):
    answer, query = read(bi, "上个月各地市终端销量同比增长的情况")
    assert answer.status == "answered" and not query.having and len(answer.rows) == 11


def test_reduce_words_are_falls(bi):
    _, query = read(bi, "上个月新增用户数同比减少超过3%的地市")
    assert query.having == [MetricFilter(metric="new_subscribers", op="<", value=-0.03, of="yoy")]


def test_a_ranking_by_the_change_ranks_by_the_change_not_the_value(bi):
    """同比下降最快的2个地市: the two cities whose YoY change is most negative (it once gave the two
    largest cities by volume)."""
    answer, query = read(bi, "上个月终端销量同比下降最快的2个地市")
    assert answer.status == "answered", answer.message
    everyone, _ = read(bi, "上个月各地市终端销量同比")
    yoy = [i for i, c in enumerate(everyone.columns) if c["name"] == "terminal_units__yoy"][0]
    fell = sorted((row[yoy], row[0]) for row in everyone.rows if row[yoy] is not None and row[yoy] < 0)[:2]
    shown = [i for i, c in enumerate(answer.columns) if c["name"] == "terminal_units__yoy"][0]
    assert [(row[shown], row[0]) for row in answer.rows] == fell
    assert f"（{fell[0][0] * 100:+.1f}%）" in answer.message
