"""English verbs are evidence for the metric nouns of their family: "did we sell" for sales."""

from chatbi.pipeline.metric_evidence import supported
from chatbi.pipeline.vocabulary import build_vocabulary
from metric_catalog.loader import load_catalog


def test_a_verb_supports_its_noun_and_no_other():
    catalog = load_catalog("metric_catalog/bank/bank.yaml")
    vocab = build_vocabulary(catalog)
    assert supported(catalog, vocab, "wealth_sales", ["sell"])
    assert supported(catalog, vocab, "wealth_sales", ["sold"])
    assert not supported(catalog, vocab, "complaints", ["sold"])
    assert not supported(catalog, vocab, "wealth_sales", ["bought"])  # purchases are not in its names
