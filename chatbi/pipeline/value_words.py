"""Words beside a value that change what it says: a noun of the value's own dimension ("motor
business"), 数 after it (未决案件数: a count of those rows), and period nouns a condition selects."""

from __future__ import annotations

import re

from chatbi.pipeline.question_words import MEASURE_WORDS
from chatbi.pipeline.term_search import Hit
from chatbi.pipeline.vocabulary import Vocabulary


def nouns_of_values(chosen: list[Hit], text: str, vocab: Vocabulary) -> list[Hit]:
    """"motor business": business is a value of the holder type, but here the noun of the line of
    business that motor is a value of (a word of that dimension's own names), not a second filter."""
    values = sorted((h for h in chosen if h.kind == "value"), key=lambda h: h.start)
    out = list(chosen)
    for v in values:  # "by member tier": member is a word of member level's own name, no segment said
        after = next((h for h in chosen if h.kind == "dimension" and h.start > v.end and not text[v.end:h.start].strip()), None)
        word = v.text.strip().lower()
        if after is not None and word.isascii() and not {d for d, _ in v.payload} & set(after.payload) and any(
                re.search(rf"\b{re.escape(word)}\b", t) for t, dims in vocab.dimension_terms.items() if dims & set(after.payload)):
            out[out.index(v)] = Hit("filler", v.text, v.start, v.end)
    for a, b in zip(values, values[1:], strict=False):
        word = b.text.strip().lower()
        if not word.isascii() or text[a.end:b.start].strip() or {d for d, _ in a.payload} & {d for d, _ in b.payload}:
            continue
        names = [t for t, dims in vocab.dimension_terms.items() if dims & {d for d, _ in a.payload}]
        if any(re.search(rf"\b{re.escape(word)}\b", t) for t in names):
            out[out.index(b)] = Hit("filler", b.text, b.start, b.end)
    return out


PERIOD_NOUNS = {"月份": "month", "年份": "year", "季度": "quarter", "months": "month", "quarters": "quarter",
                "years": "year", "weeks": "week", "days": "day", "日子": "day",
                "月": "month", "周": "week", "天": "day"}  # 哪个月 / 哪一天 最多: the periods ranked


def counted_things(chosen: list[Hit], text: str, vocab: Vocabulary) -> list[Hit]:
    """未决案件数: a value of a table's rows and 数 after it is the count of those rows, when the
    catalog has one metric that counts that table's rows as they are (报案件数 for claims)."""
    out = []
    for h in chosen:
        if h.kind != "value" or len({d for d, _ in h.payload}) != 1:
            continue
        said = re.match(r"(?:的)?(?:个数|数量|数)(?!据|字|值|额)", text[h.end:])
        metric = vocab.counting.get(vocab.dimension_tables.get(next(iter(h.payload))[0], ""))
        if said and metric:
            out.append(Hit("metric", said.group(0), h.end, h.end + said.end(), {metric}))
    return out


MONEY = ("元", "块")
# counters said of the same things (一台 / 一部 手机; 一件 / 一票 / 一单 货): a question's counter agrees
# with a metric counted in its kin, never in another (派了多少件: parcels, not the 次 of attempts)
GENERIC = {"件", "个"}
PEOPLE = {"位", "名", "人"}
KIN = ({"台", "部"}, {"件", "票", "单", "份"}, {"个", "家"}, {"位", "名", "人"}, {"张", "份"}, {"笔", "单"})


def counts_with(vocab: Vocabulary, metric: str | None, word: str) -> bool:
    """件 counts 报案件数 and 部 the handsets sold (台); of 平均结案天数 (days), of 派送次数 (次) or of an
    amount it says another metric, and 元 counts only money."""
    units = vocab.units.get(metric, set())
    if word in units or any(word in kin and units & kin for kin in KIN):
        return True
    if units & GENERIC:  # 件 / 个 count any things (保单件数: 多少张), never events said in 次 or money
        return word not in MONEY and word not in ("次",) and word not in PEOPLE  # 多少人出险: people, not claims
    # a count whose unit is no counter ("parcels"): any counter of things
    return metric in vocab.counts and word not in MONEY and not any(u in MEASURE_WORDS for u in units)


# 保单有多少张, 报了几件: a counter after 多少 / 几, said of a metric that counts a table's rows
_COUNTER = re.compile(r"(?:多少|几)\s*(?P<w>[件张个笔单次户位名条份起宗票箱])")


def counter_of_count(word: str, text: str) -> bool:
    """The word is a counter said right after 多少 / 几."""
    return any(m["w"] == word for m in _COUNTER.finditer(text))


def counters_of_counts(chosen: list[Hit], text: str, vocab: Vocabulary) -> list[Hit]:
    """The counter of a count the question asks (2025年承保的保单有多少张): filler when the question's
    metrics all count things; after a sum (保费有多少件) it stays unexplained."""
    counts = vocab.counts
    metrics = [h for h in chosen if h.kind == "metric"]
    if not metrics or not all(set(h.payload) <= counts for h in metrics):
        return []
    # 信用卡消费笔数有多少张: 张 counts cards, not the 笔 of transactions; it stays unexplained
    return [Hit("filler", m["w"], m.start("w"), m.end("w")) for m in _COUNTER.finditer(text)
            if not any(h.start <= m.start("w") < h.end for h in chosen)
            and all(counts_with(vocab, mid, m["w"]) for h in metrics for mid in h.payload)]


_EACH = ("各个", "各", "每个", "每家", "每一个", "每一家")


def each_of_a_value(chosen: list[Hit], text: str) -> tuple[list[str], list[Hit]]:
    """各旗舰店销售额: 'each' said of a value (a kind of store), not of a dimension: a row per store of
    that kind, which the value's filter alone would answer as one total. Left unexplained (asked
    back, never answered as the total) — unless the thing it is a kind of is named right after it
    (各社区支行: each 支行 of the 社区 kind), which is then the breakdown: (words, dimension hits)."""
    words, things = [], []
    for h in chosen:
        if h.kind == "value" and text[:h.start].endswith(_EACH):
            each = next(w for w in _EACH if text[:h.start].endswith(w))
            after = [d for d in chosen if d.kind == "dimension" and d.start == h.end]
            if after:
                things += after
            else:
                words.append(text[h.start - len(each):h.end])
    return words, things


# 寄往上海, "shipped to Shanghai": the place said is where things go, which only a dimension named
# for the destination (目的城市, 收件省份) holds; another (the pickup city) would answer another question
TOWARDS = re.compile(r"(?:寄往|寄到|寄去|发往|发到|运往|运到|送往|送到|销往|飞往|开往|去往|前往|"
                     r"\b(?:shipped|sent|delivered|going|headed|heading|bound|mailed|posted)\s+(?:out\s+)?(?:to|for))\s*$", re.I)
_DESTINATION_WORDS = ("目的", "到达", "收件", "收货", "寄达", "派送", "destination", "dest", "arrival", "receiv", "to ")


def values_said_as_destinations(chosen: list[Hit], text: str, vocab: Vocabulary) -> list[str]:
    """寄往上海的件量: 上海 after 寄往, where the dimension it is a value of does not name a destination
    (the pickup city): left unexplained, so it is asked back — never answered as the pickups there."""
    out = []
    for h in chosen:
        if h.kind != "value" or not TOWARDS.search(text[:h.start]):
            continue
        dims = {d for d, _ in h.payload}
        names = " ".join(t for t, ds in vocab.dimension_terms.items() if ds & dims)
        if not any(w in names for w in _DESTINATION_WORDS):
            out.append(h.text)
    return out
