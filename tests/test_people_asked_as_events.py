"""The hunt's model-path wrong numbers: 上个月刷卡的人数 answered as 信用卡消费笔数 (3,835 transactions,
truth 1,225 people), 有多少人出险 as 报案件数. A count of people said (人数, 多少人, 几位) is no
evidence for a metric that counts events or things (笔, 件)."""

import pytest

from chatbi.pipeline.metric_evidence import supported
from chatbi.pipeline.vocabulary import build_vocabulary
from metric_catalog.loader import load_catalog


@pytest.fixture(scope="module")
def bank():
    catalog = load_catalog("metric_catalog/bank/bank.yaml")
    return catalog, build_vocabulary(catalog)


@pytest.fixture(scope="module")
def insurance():
    catalog = load_catalog("metric_catalog/insurance/insurance.yaml")
    return catalog, build_vocabulary(catalog)


def test_a_count_of_people_is_no_count_of_transactions(bank):
    catalog, vocab = bank
    assert not supported(catalog, vocab, "card_txn_count", ["人数"], "上个月刷卡的人数")
    assert supported(catalog, vocab, "card_txn_count", ["笔数"], "上个月刷卡的笔数")


def test_people_are_not_things_a_generic_counter_counts(insurance):
    catalog, vocab = insurance
    assert not supported(catalog, vocab, "claims", ["人", "出险"], "上个月有多少人出险")
    assert supported(catalog, vocab, "claims", ["件", "出险"], "上个月有多少件出险")
