"""A value several dimensions share (上海: the store's city or the customer's): read the one way the
metric can take it, or as what the metric itself is of (信用卡 of 信用卡消费额), or offered once per
reading — never one reading picked silently."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re

from chatbi.pipeline.answer import Answer
from chatbi.pipeline.interpret import build_query
from chatbi.pipeline.matcher import Match
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import User


def shared_value(decider, question: str, match: Match, user: User, as_of: dt.date) -> Answer:
    """上海 (the store's city or the customer's city): one candidate per reading when the metric
    is known, else the question goes back naming the dimensions. Several such values (杭州和宁波,
    杭州占浙江省) are read together: all the stores' or all the customers'."""
    hits = match.ambiguous_values
    readings = sorted({r for h in hits for r in h.payload})
    dims = "、".join(dict.fromkeys(decider.catalog.dimensions[d].name.zh for d, _ in readings))
    dims_en = ", ".join(dict.fromkeys(decider.catalog.dimensions[d].name.en for d, _ in readings))
    said = "」「".join(h.text for h in hits)
    said_en = "', '".join(h.text for h in hits)
    zh, en = f"「{said}」可能是{dims}，请选择：", f"'{said_en}' could be the {dims_en}; please pick one:"
    metrics = [next(iter(s)) for s in match.metric_sets if len(s) == 1]
    if not match.metric_sets:  # 上海的客户有多少: the closest metric, under each reading of 上海
        metrics = [m for m in decider.ranked_metrics(question) if m in decider.replies.visible(user)][:1]
    if metrics and (subject := _metric_subject(decider.catalog, hits, metrics[0])):  # 信用卡刷了多少: of 信用卡消费额
        return decider._decide(question, dataclasses.replace(
            match, ambiguous_values=[h for h in hits if h not in subject]), user, as_of, {})
    combos = list(itertools.product(*[sorted(h.payload) for h in hits]))
    tables = decider.ctx.vocabulary.dimension_tables
    together = [c for c in combos if len({tables.get(d) for d, _ in c}) == 1]  # of one and the same thing
    # 上海和杭州: values said as a list are values of one dimension (a province AND a city matches nothing)
    listed = all(re.fullmatch(r"\s*(?:和|与|及|以及|跟|、|,|，|/|or|and|&)\s*", match.text[a.end:b.start], re.I)
                 for a, b in itertools.pairwise(hits))
    together = [c for c in together if len({d for d, _ in c}) == 1] if listed else together
    drafts, readings = [], []
    for combo in (together or combos)[:4] if metrics else []:
        filters, scope = {d: list(v) for d, v in match.filters.items()}, list(match.share_scope)
        excluded, whole = {d: list(v) for d, v in match.excluded.items()}, set(match.whole_values)
        for hit, (did, value) in zip(hits, combo, strict=True):
            kept = excluded if hit.start in match.ambiguous_excluded else filters
            kept[did] = [*kept.get(did, []), value]
            if match.share_span and match.share_span[0] < hit.start < match.share_span[1]:
                whole.add((did, value))  # 占浙江省: the whole, under this reading
                scope += [did] if did not in scope else []
        meant = dataclasses.replace(match, filters=filters, excluded=excluded, share_scope=scope, whole_values=whole,
                                    ambiguous_values=[])
        draft = build_query(decider.catalog, meant, metrics, as_of)
        if draft.query is not None:
            drafts.append(draft.query)
            readings.append((meant, decider.replies.compiles(draft.query, user, as_of)))
    taken = [meant for meant, ok in readings if ok]
    if match.metric_sets and len(taken) == 1:  # 定期存款余额: a deposit type, the one reading the metric takes
        return decider._decide(question, taken[0], user, as_of, {})
    if drafts:
        return decider.replies.clarify(question, drafts, "ambiguous_value", zh, en, user, as_of)
    return decider.replies.refuse(question, "ambiguous_value", f"「{said}」可能是{dims}，请说明是哪一个。",
                               f"'{said_en}' could be several things ({dims_en}); please say which.", user)

def _metric_subject(catalog: Catalog, hits: list, metric: str) -> list:
    """The shared values no reading of which the metric can take, said in the metric's own name
    (信用卡 of 信用卡消费额): they name what the metric is of, not a filter on it."""
    allowed = set(graph.allowed_dimensions(catalog, metric))
    spec = catalog.metrics[metric]
    names = [spec.name.zh, spec.name.en, *spec.synonyms]
    return [h for h in hits if not {d for d, _ in h.payload} & allowed and any(h.text in n for n in names if n)]
