"""The model's full reading (breakdowns and filters) is used only when verified against the question
and the rules' own evidence; otherwise it is the clarification's first choice, never an answer."""

from __future__ import annotations

import datetime as dt

import pytest

from chatbi.demo.retail import build_retail_warehouse
from chatbi.pipeline import matcher
from chatbi.pipeline.full_reading import FullReading, extended, reading_schema, verifiable, verify
from chatbi.pipeline.vocabulary import build_vocabulary
from chatbi.warehouse import connect
from metric_catalog.loader import load_catalog

AS_OF = dt.date(2026, 11, 15)
CATALOG = load_catalog("metric_catalog/retail/retail.yaml")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    built = build_retail_warehouse(tmp_path_factory.mktemp("r") / "r.duckdb", scale=0.05, as_of=AS_OF)
    return connect(str(built.path))


@pytest.fixture(scope="module")
def vocab(warehouse):
    return build_vocabulary(CATALOG, warehouse)


def _match(vocab, question):
    return matcher.match(question, vocab, AS_OF)


def test_a_breakdown_grounded_in_the_unplaced_word_is_verified(vocab):
    # "by format" alone the rules read now (format ends only 'store format'); a word that only
    # begins like a name is the model's to read
    assert _match(vocab, "orders last month split by format").group_by == ["store_type"]
    match = _match(vocab, "orders last month split by formatting")
    assert match.residual == ["formatting"] and not match.group_by
    read = verify(CATALOG, vocab, match, FullReading("orders", ["store_type"]))  # store format
    assert read is not None and read.group_by == ["store_type"] and not read.residual
    assert read.time == match.time  # the rules' period is kept
    echo = _match(vocab, "上个月订单数按业态类型拆分")  # 类型 echoes the breakdown the rules found
    assert echo.group_by == ["store_type"] and echo.residual == ["类型"]
    assert verify(CATALOG, vocab, echo, FullReading("orders", ["store_type"])).group_by == ["store_type"]


@pytest.mark.parametrize("reading", [
    FullReading("orders", ["region"]),  # a breakdown no unplaced word names
    FullReading("orders", []),  # explains nothing
    FullReading("orders", ["store_type"], {"region": ["华东"]}),  # a filter nobody said
])
def test_readings_that_do_not_account_for_the_question_are_not_verified(vocab, reading):
    assert verify(CATALOG, vocab, _match(vocab, "orders last month split by formatting"), reading) is None
    # the rules read 店铺 as the store: a model that reads the breakdown otherwise is asked, not trusted
    assert verify(CATALOG, vocab, _match(vocab, "上个月按店铺类别看订单数"), FullReading("orders", ["store_type"])) is None


def test_a_reading_that_contradicts_the_rules_is_not_verified_but_offered_first(vocab):
    match = _match(vocab, "上个月华东各店铺种类的订单数")
    assert match.filters.get("region") == ["华东"]
    wrong = FullReading("orders", ["store_type"], {"region": ["华北"]})
    assert verify(CATALOG, vocab, match, wrong) is None
    dropped = FullReading("orders", ["store_type"])  # 华东 left out
    assert verify(CATALOG, vocab, match, dropped) is None
    first = extended(CATALOG, match, FullReading("orders", ["store_type"]))
    assert first.group_by == ["store_type"] and first.filters["region"] == ["华东"]
    # a filter the metric cannot take is not offered (信用卡刷了多少 read an account product of card spending)
    untakeable = extended(CATALOG, match, FullReading("orders", ["store_type"], {"return_reason": ["质量问题"]}))
    assert "return_reason" not in untakeable.filters


@pytest.mark.parametrize(("question", "metric", "asked"), [
    ("orders last month split by formatting", "orders", True),  # formatting ~ store format
    ("上个月各店铺种类的订单数", "orders", True),  # 种类 shares 类 with 门店类型: its reading leads the choices
    ("orders last month by astrology", "orders", False),  # touches nothing in the catalog
    ("上个月广告投放的订单数", "orders", False),
])
def test_the_model_reads_the_breakdowns_only_when_its_reading_could_be_grounded(vocab, question, metric, asked):
    assert verifiable(CATALOG, vocab, _match(vocab, question), metric) is asked


def test_the_grammar_holds_only_catalog_ids_and_curated_values():
    schema = reading_schema(CATALOG, build_vocabulary(CATALOG))
    dims = schema["properties"]["d"]["items"]["enum"]
    assert set(dims) == {d for d, spec in CATALOG.dimensions.items() if not spec.hidden}
    values = set(schema["properties"]["f"]["items"]["properties"]["v"]["enum"])
    assert "华东" in values and values <= {v for spec in CATALOG.dimensions.values() for v in spec.values}


@pytest.mark.model
def test_the_model_reads_a_paraphrased_breakdown_and_leads_the_clarification(warehouse, llm):
    from chatbi.core import ChatBI

    bi = ChatBI(CATALOG, warehouse, backend=llm)
    answer = bi.ask("上个月各店铺种类的订单数", as_of=AS_OF)
    assert answer.status == "clarify"  # 店铺 was read as the store by the rules: asked, not guessed
    first = answer.candidates[0].interpretation
    assert [g.dimension for g in first.group_by] == ["store_type"] and first.metrics == ["orders"]
    guess = bi.ask("上个月广告投放的订单数", as_of=AS_OF)  # nothing the reading could be grounded in
    assert guess.status == "clarify" and "model_full" not in guess.timings_ms


def test_vague_questions_in_the_catalogs_own_words_are_asked_back_not_refused(warehouse, llm):
    """The model may call 客户情况 out of scope; 客户 and stores are the catalog's own words, so the
    question is asked back, and a refusal never says the catalog's words are outside it."""
    from chatbi.core import ChatBI

    bi = ChatBI(CATALOG, warehouse, backend=llm)
    for question in ("客户情况", "compare the stores", "which one did best last month?", "how are we doing"):
        answer = bi.ask(question, as_of=AS_OF)
        assert answer.status == "clarify" and answer.candidates, (question, answer.status, answer.message)
    refused = bi.ask("上个月的员工考勤率", as_of=AS_OF)
    assert refused.status == "refused"


def test_a_clarification_with_nothing_to_offer_does_not_ask_to_pick(warehouse):
    from chatbi.core import ChatBI

    answer = ChatBI(CATALOG, warehouse, use_model=False).ask("增长最快的是哪个", as_of=AS_OF)
    if answer.status == "refused":
        assert "请选择" not in answer.message and "pick" not in answer.message_en
    else:
        assert answer.candidates


@pytest.mark.model
def test_a_single_character_left_over_is_not_waved_through_when_the_model_agrees(warehouse, llm):
    """含税 after 下单量: the model picks 下单数 like the rules do, but 含 and 税 say something the
    reading does not (only measure words like 件 or 个 may be left over)."""
    from chatbi.core import ChatBI

    answer = ChatBI(CATALOG, warehouse, backend=llm).ask("上月按支付方式的下单量(含税)", as_of=AS_OF)
    assert answer.status == "clarify" and answer.reason == "unrecognised_words", answer.message


@pytest.mark.model
def test_a_vague_measure_is_asked_even_when_the_model_finds_no_metric(warehouse, llm):
    """规模 / perform name no metric: the model said out of scope and the question was refused."""
    from chatbi.core import ChatBI

    bi = ChatBI(CATALOG, warehouse, backend=llm)
    for question in ("今年规模最大的三家门店", "how did our stores perform last quarter?"):
        answer = bi.ask(question, as_of=AS_OF)
        assert answer.status == "clarify" and answer.candidates, answer.message


def test_a_thing_named_is_no_breakdown_unless_the_question_asks_one(vocab):
    """上个月有多少客户买了产品 was answered by the model as buyers per product (28 rows; hunt 3, bank):
    the word names what was bought, and nothing asks a row per product."""
    from chatbi.pipeline.full_reading import _breakdown_said

    assert not _breakdown_said("上个月有多少客户买了产品", "产品")
    assert all(_breakdown_said(q, w) for q, w in [("上个月各产品的销量", "产品"), ("按产品看销量", "产品"),
                                                  ("sales by product", "product"), ("上个月产品分布", "产品")])
    assert verify(CATALOG, vocab, _match(vocab, "orders last month with formatting"), FullReading("orders", ["store_type"])) is None
