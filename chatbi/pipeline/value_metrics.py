"""A value said with a metric that together name another metric: "which depot delivered the most
parcels" is the catalog's "parcels delivered" (by the delivering depot and the sign-for day), not
the parcels picked up whose status is now delivered. The words come from the catalog's own terms."""

from __future__ import annotations

import dataclasses
import re

from chatbi.pipeline.term_search import Hit

# what may stand between the value and the metric it names with it: "delivered the most parcels",
# "parcels were delivered", 签收的件数
_BETWEEN = re.compile(r"^(?:\s|的|了|\b(?:the|most|least|fewest|many|much|were|was|are|is|been|have|has|had)\b)*$", re.I)


# "what % of orders were cancelled": the value is the part of a share, never another metric's name
_SHARE = re.compile(r"%|占比|比例|比重|百分之|\b(?:percent|percentage|share|proportion|rate|ratio)\b", re.I)


def metrics_named_with_values(chosen: list[Hit], text: str, metric_terms: dict[str, set[str]]) -> list[Hit]:
    if _SHARE.search(text):
        return chosen
    out = list(chosen)
    for value in [h for h in chosen if h.kind == "value"]:
        for metric in [h for h in out if h.kind == "metric"]:
            first, second = sorted((value, metric), key=lambda h: h.start)
            # other values between stay filters (在保的车险保单数: 在保保单数 of 车险)
            gap = "".join(" " if any(o.kind == "value" and o.start <= i < o.end for o in chosen) else text[i]
                          for i in range(first.end, second.start))
            # 5G套餐新增用户: a value right before its metric filters it (never 5G套餐用户数, another metric)
            if not _BETWEEN.match(gap) or first is value and not gap.strip():
                continue
            # "cancelled parcels": the value with any name of the metric said (parcels → cancelled shipments)
            # but never a shorter name inside what was said: 5G套餐的新增用户数 is no 5G套餐 + 用户数 (新增 left out)
            names = {metric.text, *(t for t, ids in metric_terms.items() if ids & metric.payload
                                    and (metric.text.isascii() or t not in metric.text))}
            words = [pair for name in names for pair in ((value.text, name), (name, value.text))]
            named = set().union(*(metric_terms.get(f"{a} {b}".strip(), set()) | metric_terms.get(f"{a}{b}", set())
                                  for a, b in words))
            if named and named != metric.payload:
                said = Hit("filler", value.text, value.start, value.end)  # a word of the metric's name now
                out = [dataclasses.replace(h, payload=named) if h is metric else said if h is value else h for h in out]
                break
    return out
