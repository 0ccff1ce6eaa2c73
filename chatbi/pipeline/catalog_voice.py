"""How the assistant introduces itself and what it offers as an example: from the catalog, never
from one domain's words in code (a retail or insurance catalog must not speak of arrears)."""

from __future__ import annotations

from metric_catalog.model import Catalog

GENERIC_OUT_OF_SCOPE = ["明天会下雨吗", "给我讲个笑话", "what is the capital of France", "删除所有数据"]


def assistant_name(catalog: Catalog, lang: str) -> str:
    name = catalog.catalog.name.pick(lang)
    return f"「{name}」数据助手" if lang == "zh" else f"the {name} data assistant"


def sample_question(catalog: Catalog, lang: str) -> str:
    """The catalog's first sample question in ``lang`` (else the first metric's name)."""
    metrics = list(catalog.visible_metrics().values())
    for metric in metrics:
        samples = metric.samples.zh if lang == "zh" else metric.samples.en
        if samples:
            return samples[0]
    return metrics[0].name.pick(lang) if metrics else ""


def few_shot(catalog: Catalog, out_of_scope: str, count: int = 6) -> list[tuple[str, str]]:
    """(question, metric id) pairs for the model's fixed prompt: the catalog's own sample questions,
    alternating Chinese and English, then questions no metric answers (the catalog's unavailable
    topics and a few that no catalog would)."""
    pairs: list[tuple[str, str]] = []
    for i, (mid, metric) in enumerate(catalog.visible_metrics().items()):
        first, second = (metric.samples.zh, metric.samples.en) if i % 2 == 0 else (metric.samples.en, metric.samples.zh)
        sample = (first or second or [None])[0]
        if sample:
            pairs.append((sample, mid))
        if len(pairs) == count:
            break
    unavailable = [topic.terms[0] for topic in catalog.catalog.unavailable if topic.terms][:2]
    return pairs + [(q, out_of_scope) for q in [*unavailable, *GENERIC_OUT_OF_SCOPE]]
