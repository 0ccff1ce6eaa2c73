"""上个月开房数: the model read it as 出租率 (a synonym 开房率 shares 开房), and answered a rate for a
count. A rate's words followed by 数 / 量 ask a count: no evidence for the rate."""

from chatbi.pipeline.metric_evidence import supported
from chatbi.pipeline.vocabulary import build_vocabulary
from metric_catalog.loader import load_catalog


def test_a_rates_words_said_as_a_count_do_not_support_the_rate():
    catalog = load_catalog("metric_catalog/hotel/hotel.yaml")
    vocab = build_vocabulary(catalog)
    assert not supported(catalog, vocab, "occupancy_rate", ["开房"], "上个月开房数")
    assert not supported(catalog, vocab, "occupancy_rate", ["开房"], "上个月开房量是多少")
    assert supported(catalog, vocab, "occupancy_rate", ["开房"], "上个月开房情况")
