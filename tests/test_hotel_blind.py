"""A sixth domain nobody here wrote (eval/hotel: a hotel chain, by a helper from docs/catalog.md
alone). What its blind set found: 2024年全年 not read (a year before the data was asked back), 4月平均
read as a monthly average, "the first 10 months of this year", 的单数 corrected to 订单数 as a typo,
间夜 cut into 间 + 夜 and answered as one of the room-night metrics, 收入 alone answered as the total
through a synonym, and a clarification that offered a city manager another city's hotels."""

from __future__ import annotations

from pathlib import Path

import pytest

from chatbi.core import ChatBI
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog
from semantic_layer import User
from tests.blind_domain import AS_OF, module_fixtures, rows

CATALOG = Path("metric_catalog") / "hotel" / "hotel.yaml"
NET = "SUM(CASE WHEN posting_type = '退款' THEN -amount ELSE amount END)"


built, bi = module_fixtures("hotel", CATALOG)


def test_a_whole_year_said_so(bi):
    before = bi.ask("2024年全年的出租率是多少", as_of=AS_OF)
    assert before.status == "refused" and before.reason == "before_data", before.message
    whole = bi.ask("2025年全年的出租率是多少", as_of=AS_OF)
    assert whole.status == "answered" and str(whole.interpretation.time_range.end) == "2025-12-31"
    assert bi.ask("2026年全年的出租率", as_of=AS_OF).status != "answered"  # the year has not ended


def test_a_month_then_an_average_per_hotel(bi, built):
    """4月平均每家酒店: April, averaged per hotel — never a monthly average of something."""
    answer = bi.ask("今年4月平均每家酒店的客房收入", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.average_per == "hotel", answer.message
    expected = rows(built, f"""SELECT AVG(rev) FROM (SELECT hotel_id, {NET} AS rev FROM fact_folio
        WHERE revenue_category = '客房' AND business_date BETWEEN DATE '2026-04-01' AND DATE '2026-04-30' GROUP BY 1)""")
    assert float(answer.rows[0][-1]) == pytest.approx(float(expected[0][0]))


def test_the_first_months_of_a_year_in_english(bi):
    answer = bi.ask("average monthly new members over the first 10 months of this year", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.average_over == "month", answer.message
    span = answer.interpretation.time_range
    assert (str(span.start), str(span.end)) == ("2026-01-01", "2026-10-31")


@pytest.mark.parametrize("question", ["上个月各渠道的单数", "上个月各酒店的间夜"])
def test_a_word_several_counts_end_with_is_asked(bi, question):
    """单数 ends 预订单数, 取消单数, 入住单数 (的 before it is no typo of 订); 间夜 is sold or available."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and len(answer.candidates) > 1, answer.message


def test_a_clarification_never_offers_another_citys_rows(built):
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), use_model=False)
    shenzhen = User(name="shenzhen-gm", role="city_gm", attributes={"city_id": "440300"})
    answer = bi.ask("RevPAR of the Beijing hotels last month", user=shenzhen, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "outside_scope", answer.message


@pytest.mark.parametrize("question", ["上个月深圳客房收入占华南的比例", "上个月各酒店客房收入占比"])
def test_a_share_whose_whole_reaches_beyond_the_users_rows_is_refused(built, question):
    """The hunt: 上海's manager got 上海 = 100% of 华东 (the whole cut to their own rows)."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), use_model=False)
    shenzhen = User(name="shenzhen-gm", role="city_gm", attributes={"city_id": "440300"})
    answer = bi.ask(question, user=shenzhen, as_of=AS_OF)
    assert answer.status == "refused" and answer.reason == "share_outside_scope", answer.message
    own = bi.ask("上个月深圳各酒店客房收入占深圳的比例", user=shenzhen, as_of=AS_OF)
    assert own.status == "answered", own.message
    share = next(k for k, c in enumerate(own.columns) if c["name"].endswith("__share"))
    assert sum(float(r[share]) for r in own.rows) == pytest.approx(1.0)


@pytest.mark.model
@pytest.mark.parametrize("question", ["上个月收入多少", "上个月各酒店的间夜"])
def test_a_word_several_metrics_share_is_asked_with_the_model_too(built, llm, question):
    """收入 is room, F&B, other or total revenue: that 客房营业收入 holds 营业收入 (a synonym of 总收入)
    does not make the total the one meant; 间 + 夜, cut apart, are still the one word 间夜."""
    bi = ChatBI(load_catalog(CATALOG), connect(str(built)), backend=llm)
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify", answer.message


@pytest.mark.parametrize("question", ["上个月出租率高于全集团的酒店", "上个月出租率高于集团整体的酒店"])
def test_above_the_whole_said_alone(bi, built, question):
    """高于全集团 / 集团整体 with no 平均: a ratio above the group's own occupancy, re-divided."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    sold = "SELECT hotel_id, SUM(rooms) s FROM fact_room_night WHERE NOT is_complimentary AND stay_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY 1"
    avail = "SELECT hotel_id, SUM(available_rooms) a FROM fact_inventory_daily WHERE inv_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31' GROUP BY 1"
    expected = rows(built, f"""WITH s AS ({sold}), a AS ({avail}), o AS (SELECT SUM(s) * 1.0 / (SELECT SUM(a) FROM a) r FROM s)
        SELECT COUNT(*) FROM s JOIN a USING (hotel_id), o WHERE s * 1.0 / a > o.r""")[0][0]
    assert len([r for r in answer.rows if r[0] is not None]) == expected


def test_a_ratio_split_by_the_dimension_its_numerator_keeps_offers_the_shares(bi, built):
    """各会员等级的会员间夜占比 was 100% for each member tier and 0% for 非会员 (the hunt): the numerator
    keeps only the member tiers. Each tier's share of the room nights sold is offered instead."""
    answer = bi.ask("上个月各会员等级的会员间夜占比", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "split_by_own_filter", answer.message
    [offered] = [c.interpretation for c in answer.candidates]
    assert offered.metrics == ["sold_room_nights"] and offered.comparisons == ["share"]
    assert [g.dimension for g in offered.group_by] == ["member_tier"]
    assert bi.ask("上个月各品牌会员间夜占比", as_of=AS_OF).status == "answered"


@pytest.mark.parametrize("question", ["上个月有多少订单取消了", "上个月有多少预订取消了"])
def test_a_verb_with_le_is_no_typo_of_a_rate(bi, question):
    """取消了 was read as 取消率 (了 → 率, a particle "typo"), answering 10.98% for a count."""
    answer = bi.ask(question, as_of=AS_OF)
    assert not (answer.status == "answered" and answer.interpretation.metrics == ["cancellation_rate"]), answer.message


def test_rows_with_no_hotel_keep_their_place_beyond_the_hotels_city(bi, built):
    """Members who joined online have no hotel, so no city. The city hangs off the hotel by a
    complete join, which had been an INNER JOIN after the LEFT one to the hotel: the online sign-ups
    vanished from 各城市新增会员数, and 上海's share was 15.2% of the hotels' sign-ups (truth 8.2%)."""
    whole = rows(built, "SELECT COUNT(*) FROM dim_member WHERE join_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'")[0][0]
    split = bi.ask("今年各城市新增会员数", as_of=AS_OF)
    assert split.status == "answered", split.message
    assert sum(r[-1] for r in split.rows) == whole and None in [r[0] for r in split.rows]  # shown as 线上入会
    share = bi.ask("今年上海新增会员数占比", as_of=AS_OF)
    shanghai = rows(built, """SELECT COUNT(*) FROM dim_member m JOIN dim_hotel h ON m.join_hotel_id = h.hotel_id
        JOIN dim_city c USING (city_id) WHERE c.city_name = '上海' AND join_date BETWEEN DATE '2026-01-01' AND DATE '2026-11-15'""")[0][0]
    assert share.rows[0][-1] == pytest.approx(shanghai / whole)


def test_a_holiday_without_a_year_is_each_years_holiday(bi, built):
    """国庆期间的出租率 with no year fell to this month's 国庆 days (none) and said 「出租率为 —」:
    the holiday is a day of every year, so each year's 国庆 in the data is answered."""
    answer = bi.ask("国庆期间的出租率", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert [g.grain for g in answer.interpretation.group_by] == ["year"]
    truth = dict(rows(built, """SELECT d.year, SUM(n.rooms) * 1.0 / (SELECT SUM(i.available_rooms)
        FROM fact_inventory_daily i JOIN dim_date e ON e.date_key = i.inv_date WHERE e.holiday_name = '国庆' AND e.year = d.year)
        FROM fact_room_night n JOIN dim_date d ON d.date_key = n.stay_date
        WHERE NOT n.is_complimentary AND d.holiday_name = '国庆' GROUP BY d.year"""))
    assert {int(str(r[0])[:4]): pytest.approx(float(r[1])) for r in answer.rows} == truth
    # by day: the days of 国庆, not every day of the window with nothing in it
    days = bi.ask("国庆期间每天的出租率", as_of=AS_OF)
    holiday = {str(d[0]) for d in rows(built, "SELECT date_key FROM dim_date WHERE holiday_name = '国庆' AND date_key <= DATE '2026-11-15'")}
    assert days.status == "answered" and {str(r[0]) for r in days.rows} == holiday and None not in [r[1] for r in days.rows]


@pytest.mark.parametrize("question", ["10月和9月的平均房价对比", "10月比9月的平均房价", "ADR in October vs September"])
def test_a_month_compared_with_the_month_before(bi, question):
    """Two months said to be compared were refused as two periods; the one before the other is what
    the later one is compared with (环比), and its own value is shown beside."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["mom"], answer.message
    october, september = (bi.ask(f"{m}月的平均房价", as_of=AS_OF).rows[0][-1] for m in (10, 9))
    assert answer.rows[0][:2] == [pytest.approx(october), pytest.approx(september)]
    assert bi.ask("10月和6月的平均房价对比", as_of=AS_OF).status != "answered"  # not the month before: asked


@pytest.mark.parametrize("question", ["上个月客房收入在100万到200万之间的酒店", "上个月客房收入介于100和200万之间的酒店",
                                      "hotels with room revenue between 1m and 2m last month"])
def test_a_value_between_two_bounds_keeps_both_bounds(bi, built, question):
    """在100万到200万之间 was asked back over 「100、万到、200、万、之间」; both ends are in."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = rows(built, f"""SELECT h.hotel_name FROM fact_folio f JOIN dim_hotel h USING (hotel_id)
        WHERE revenue_category = '客房' AND business_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'
        GROUP BY 1 HAVING {NET} BETWEEN 1000000 AND 2000000""")
    assert sorted(r[0] for r in answer.rows) == sorted(r[0] for r in expected) and expected


@pytest.mark.parametrize("question", ["国庆期间的客房收入", "五一期间已售间夜"])
def test_a_holiday_of_an_amount_from_one_table_is_answered(bi, question):
    """国庆期间的客房收入 crashed the compiler (a union of one scan), and the crash lost the rest of the batch."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and len(answer.rows) == 2, answer.message


def test_a_part_metric_as_a_share_of_its_whole(bi, built):
    """餐饮收入占总收入的比例 was refused (no ratio metric): 餐饮收入 is 总收入 where 收入类别 = 餐饮, so the
    answer is that category's share of all revenue."""
    answer = bi.ask("上个月餐饮收入占总收入的比例", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    expected = rows(built, f"""SELECT SUM(CASE WHEN revenue_category = '餐饮' THEN
        (CASE WHEN posting_type = '退款' THEN -amount ELSE amount END) ELSE 0 END) / {NET}
        FROM fact_folio WHERE business_date BETWEEN DATE '2026-10-01' AND DATE '2026-10-31'""")[0][0]
    assert answer.rows[0][-1] == pytest.approx(float(expected))


def test_rows_with_no_city_are_said_left_out_only_where_there_are_some(bi):
    """各城市出租率，不含上海 said 「不含上海及线上入会」: room nights always have a city (hunt 5)."""
    assert "线上入会" not in bi.ask("各城市出租率，不含上海", as_of=AS_OF).message
    assert "线上入会" in bi.ask("今年各城市新增会员数，不含上海", as_of=AS_OF).message


@pytest.mark.parametrize("question", ["room revenue per room night sold last month", "上个月客房收入除以已售间夜"])
def test_revenue_per_room_night_is_the_catalogs_adr(bi, built, question):
    """"room night sold" (a term's inner word said of one) and 除以 were asked back: it is ADR."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["adr"], answer.message
    assert answer.rows[0][-1] == pytest.approx(bi.ask("上个月平均房价", as_of=AS_OF).rows[0][-1])


def test_this_weekend_is_the_catalogs_weekend_of_this_week(bi, built):
    """这个周末的出租率 was the weekend of every year (hunt 6): this week's 周末 nights, as dim_date
    defines them (Friday and Saturday), not a Saturday and Sunday of our own."""
    answer = bi.ask("这个周末的出租率", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    nights = "SELECT date_key FROM dim_date WHERE day_type = '周末' AND date_key BETWEEN DATE '2026-11-09' AND DATE '2026-11-15'"
    sold = rows(built, f"SELECT SUM(rooms) FROM fact_room_night WHERE NOT is_complimentary AND stay_date IN ({nights})")[0][0]
    avail = rows(built, f"SELECT SUM(available_rooms) FROM fact_inventory_daily WHERE inv_date IN ({nights})")[0][0]
    assert float(answer.rows[0][-1]) == pytest.approx(float(sold) / float(avail))


@pytest.mark.parametrize("question", ["which brand has the best reviews this year", "which hotel has the worst reviews this year"])
def test_the_best_reviews_are_asked_by_number_or_by_score(bi, question):
    """'the best reviews' ranked the brands by how many reviews they had (hunt 6): the number or the
    score is asked, the score offered with the same ranking."""
    answer = bi.ask(question, as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "rank_count_or_score", answer.message
    assert [c.interpretation.metrics for c in answer.candidates] == [["reviews"], ["avg_review_score"]]
    worst = "worst" in question
    assert all(c.interpretation.order_by[0].descending != worst for c in answer.candidates)


def test_second_most_says_which_end_of_a_lower_is_better_metric(bi):
    """投诉第二多 asked 「排名最差还是数值最低」 (hunt 6): 多 says the values go high to low; 排名第二 still asks."""
    answer = bi.ask("上个月投诉第二多的酒店", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    assert answer.interpretation.place == 2 and answer.interpretation.order_by[0].descending
    each = sorted((r[-1] for r in bi.ask("上个月各酒店投诉件数", as_of=AS_OF).rows if r[0]), reverse=True)
    assert answer.rows[0][1] == sorted(set(each), reverse=True)[1]
    assert bi.ask("上个月投诉排名第二的酒店", as_of=AS_OF).reason == "rank_place"


def test_this_weekend_of_a_metric_without_the_calendar_is_saturday_and_sunday(bi):
    """这个周末的投诉件数 was refused: complaints have no 平日周末, so the weekend is its Saturday and Sunday."""
    answer = bi.ask("这个周末的投诉件数", as_of=AS_OF)
    assert answer.status == "answered" and not answer.interpretation.filters, answer.message
    span = answer.interpretation.time_range
    assert (str(span.start), str(span.end)) == ("2026-11-14", "2026-11-15")


def test_a_share_metric_asked_how_much_is_that_metric(bi):
    """上个月会员间夜占比多少 was refused as a share without its whole (hunt 8): 占比 is the metric's own
    name, and 多少 only asks its value."""
    answer = bi.ask("上个月会员间夜占比多少", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.metrics == ["member_night_share"], answer.message
    assert not answer.interpretation.comparisons
    assert answer.rows == bi.ask("上个月会员间夜占比", as_of=AS_OF).rows


def test_each_brands_part_of_revenue_is_of_its_own_total(bi, built):
    """各品牌的餐饮收入占总收入的比例 divided each brand's F&B by the group's revenue (云栖 21.2% for 11.8%,
    hunt 9): 总收入 said alone after 占 is each brand's own."""
    answer = bi.ask("上个月各品牌的餐饮收入占总收入的比例", as_of=AS_OF)
    assert answer.status == "answered", answer.message
    shares = [r[-1] for r in answer.rows]
    assert all(0 < s < 1 for s in shares) and sum(shares) != pytest.approx(1.0)


def test_a_part_after_among_of_each_city_is_offered_of_that_city(bi):
    """各城市预订单中携程的占比: whichever 携程 is read (a channel, or asked with the review site), the
    share is of each city's bookings, never of all (上海 16.9% for 25.6%, hunt 9)."""
    answer = bi.ask("上个月各城市预订单中携程的占比", as_of=AS_OF)
    readings = [answer.interpretation] if answer.status == "answered" else [c.interpretation for c in answer.candidates]
    assert readings and all(q.share_scope == ["city"] for q in readings), answer.message


def test_a_holiday_against_last_years_same_holiday_is_compared(bi):
    """国庆期间的出租率和去年国庆对比 answered last year's 国庆 alone (hunt 9): 去年 before the holiday
    said already is what this year's is compared with; both years are shown."""
    answer = bi.ask("今年国庆和去年国庆的出租率对比", as_of=AS_OF)
    assert answer.status == "answered" and answer.interpretation.comparisons == ["yoy"], answer.message
    both = bi.ask("国庆期间的出租率和去年国庆对比", as_of=AS_OF)
    assert both.status == "answered" and len(both.rows) == 2, both.message
    this_year, last_year = answer.rows[0][0], answer.rows[0][1]
    assert sorted(r[-1] for r in both.rows) == sorted([this_year, last_year])


def test_fewer_rows_than_the_top_asked_say_only_those_met_the_condition(bi):
    """增长最快的3家 when only one hotel's ADR grew gave one row and did not say why (hunt 10)."""
    answer = bi.ask("上个月平均房价同比增长最快的3家酒店", as_of=AS_OF)
    every = bi.ask("上个月各酒店平均房价同比", as_of=AS_OF)
    assert answer.status == every.status == "answered", (answer.message, every.message)
    grew = [r for r in every.rows if r[-1] is not None and r[-1] > 0]
    assert len(answer.rows) == min(3, len(grew))
    assert (f"只有 {len(grew)} 个酒店同比增长，少于所问的 3 个" in answer.message) == (len(grew) < 3)
