"""An average per thing the catalog names (平均每个网点揽收多少件, "average parcels per depot"): the
metric per value of that dimension, averaged. The words around a dimension say it; the dimension is
then the average's, not a breakdown."""

from __future__ import annotations

import re

from chatbi.pipeline.term_search import Hit

# 平均每个网点 / 平均每家门店, and 每个网点平均 (the average after the thing)
ZH_BEFORE = re.compile(r"(?:平均每一?(?:个|家|位|名|条|座|只|辆|间)?|人均每?)\s*$")
ZH_AFTER = re.compile(r"^\s*(?:的)?\s*平均(?!每|水平|值|数|线)")  # 每个城市平均每个网点: the city is a breakdown
ZH_EACH = re.compile(r"每一?(?:个|家|位|名|条|座|只|辆|间)?\s*$")
# "average parcels per depot", "on average per store", "the per-store average"
EN_PER = re.compile(r"\bper\s+$")
EN_AVERAGE_BEFORE = re.compile(r"\b(?:average|avg|mean)\b(?:\s+[a-z]+){0,4}?\s+per\s+$")
EN_AVERAGE_AFTER = re.compile(r"^(?:-|\s)?(?:level\s+)?(?:average|avg|mean)\b")


def per_entity_hits(chosen: list[Hit], text: str) -> list[Hit]:
    """``chosen`` with each dimension said as what an average is per replaced by one "per_entity"
    hit over the words that say it (its payload the dimension's ids), and the English word
    "average" said apart from "per …" taken as part of it."""
    if any(h.kind == "per_period" for h in chosen):  # "average monthly refunds per region": a breakdown
        return chosen
    out, extra = [], []

    def free(start: int, end: int) -> bool:  # 平均 / average said apart, not inside a metric's name (平均全程时效)
        return not any(o.start < end and start < o.end for o in chosen if o.kind != "dimension")

    for h in chosen:
        if h.kind != "dimension":
            out.append(h)
            continue
        before, after = text[:h.start], text[h.end:]
        zh = ZH_BEFORE.search(before)
        zh = zh if zh and free(zh.start(), zh.end()) else None
        each_after = ZH_EACH.search(before) and ZH_AFTER.match(after) and free(h.end, h.end + ZH_AFTER.match(after).end())
        en = EN_PER.search(before) and EN_AVERAGE_BEFORE.search(before)
        if en:
            word = re.search(r"\b(?:average|avg|mean)\b", before[en.start():])
            en = en if free(en.start() + word.start(), en.start() + word.end()) else None
        en_after = re.search(r"\bper[- ]$", before) and EN_AVERAGE_AFTER.match(after) and free(
            h.end, h.end + EN_AVERAGE_AFTER.match(after).end())
        if zh:
            out.append(Hit("per_entity", text[zh.start():h.end], zh.start(), h.end, h.payload))
        elif each_after:
            start, end = ZH_EACH.search(before).start(), h.end + ZH_AFTER.match(after).end()
            out.append(Hit("per_entity", text[start:end], start, end, h.payload))
        elif en:
            word = re.search(r"\b(?:average|avg|mean)\b", before[en.start():])
            a, b = en.start() + word.start(), en.start() + word.end()
            extra.append(Hit("filler", text[a:b], a, b))
            per = EN_PER.search(before)
            out.append(Hit("per_entity", text[per.start():h.end], per.start(), h.end, h.payload))
        elif en_after:
            start = re.search(r"\bper[- ]$", before).start()
            end = h.end + EN_AVERAGE_AFTER.match(after).end()
            out.append(Hit("per_entity", text[start:end], start, end, h.payload))
        else:
            out.append(h)
    taken = [(h.start, h.end) for h in out]
    extra = [e for e in extra if not any(a < e.end and e.start < b for a, b in taken)]
    return sorted(out + extra, key=lambda x: x.start)

