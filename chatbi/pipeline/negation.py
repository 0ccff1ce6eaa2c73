"""Which values an exclusion (除了, 不含, excluding, …不算) or an inclusion word is said of: the value
right after it (or right before a word said after), and every value listed with that one
(不含上海、南京和苏州; "excluding Shanghai, Nanjing or Suzhou"; 杭州和宁波不算). Reading only the first
of a list once answered 南京 and 苏州 alone for "all but these three" — a wrong number.
"""

from __future__ import annotations

import re

from chatbi.pipeline.term_search import Hit

ARTICLES = re.compile(r"\b(?:the|a|an|all|any)\b|[的所有全部\s]", re.I)
# what joins the values of one list; a bare comma only inside a list that a conjunction closes
# ("A, B and C"), since 除了杭州，宁波的… names 宁波 itself
JOINER = re.compile(r"\s*(?P<word>、|/|&|以及|或者|和|与|及|跟|或|\band\b|\bor\b|,|，)\s*(?:(?:the|a|an)\s+)?", re.I)
COMMAS = (",", "，")
EITHER = ("or", "或", "或者")
# said after what they take out (散客不算) or, with nothing before, before it (不算散客)
BOTH_SIDES = ("不算", "不计", "不计入", "去掉", "不包括")


def negated_values(text: str, chosen: list[Hit]) -> tuple[dict[int, list[Hit]], list[Hit]]:
    """value hit id → the negation hits said of it; and filler hits for the 'or' / 或 that join a
    negated list (a list of things left out, not a choice between conditions)."""
    values = sorted((h for h in chosen if h.kind == "value"), key=lambda h: h.start)
    said_of: dict[int, list[Hit]] = {}
    joiners: list[Hit] = []
    for n in (h for h in chosen if h.kind == "negation"):
        first = [v for v in values if 0 <= n.start - v.end <= 1] if n.payload == "after" else []
        after = [v for v in values if v.start >= n.end and not ARTICLES.sub("", text[n.end:v.start])]
        if n.payload == "after" and n.text in BOTH_SIDES and first and after:
            continue  # 杭州不算散客: 杭州 without walk-ins, or walk-ins outside 杭州? asked
        if n.payload == "after" and (first or n.text not in BOTH_SIDES):
            chain = _chain(text, list(reversed([v for v in values if v.end <= n.start])), first, backwards=True)
        else:  # 除了…, 不算散客: the value after it
            first = [v for v in values if v.start >= n.end and not ARTICLES.sub("", text[n.end:v.start])]
            chain = _chain(text, [v for v in values if v.start >= n.end], first, backwards=False)
        for v, joined in chain:
            said_of.setdefault(id(v), []).append(n)
            if joined is not None and joined.text.strip().lower() in EITHER:
                joiners.append(joined)
    return said_of, joiners


def either_values(text: str, chosen: list[Hit]) -> list[Hit]:
    """Filler hits for the 或 / or between two values of one dimension (车险或健康险的保费): one list
    of values, summed as one total (either of them), their payload the dimensions they share.
    Between values of two dimensions it stays unexplained: filters only AND."""
    values = sorted((h for h in chosen if h.kind == "value"), key=lambda h: h.start)
    out = []
    for a, b in zip(values, values[1:], strict=False):
        m = re.fullmatch(r"\s*(或者|或是|或|\bor\b)\s*", text[a.end:b.start], re.I)
        if m and {d for d, _ in a.payload} & {d for d, _ in b.payload}:
            shared = frozenset({d for d, _ in a.payload} & {d for d, _ in b.payload})
            out.append(Hit("filler", m.group(1), a.end + m.start(1), a.end + m.end(1), shared))
    return out


def range_of_values(text: str, chosen: list[Hit]) -> str:
    """R3到R5, 银卡至白金, 杭州到宁波: two values of one dimension joined as a range. The catalog knows
    no order of the values (R4 between, or a lane from 杭州 to 宁波?), so reading the two ends alone
    would drop the middle: the span as said, for the decision to ask; "" when there is none."""
    values = sorted((h for h in chosen if h.kind == "value"), key=lambda h: h.start)
    for a, b in zip(values, values[1:], strict=False):
        if re.fullmatch(r"\s*(?:到|至|~|～|-|—|－|–|\bto\b|\bthrough\b|\bthru\b)\s*", text[a.end:b.start], re.I) \
                and {d for d, _ in a.payload} & {d for d, _ in b.payload}:
            return text[a.start:b.end]
    return ""


def _chain(text: str, ordered: list[Hit], first: list[Hit], backwards: bool) -> list[tuple[Hit, Hit | None]]:
    """The first value and those listed with it, each with the joiner that joined it."""
    if not first:
        return []
    out: list[tuple[Hit, Hit | None]] = [(first[0], None)]
    start = ordered.index(first[0])
    for prev, nxt in zip(ordered[start:], ordered[start + 1:], strict=False):
        gap = (text[nxt.end:prev.start], nxt.end) if backwards else (text[prev.end:nxt.start], prev.end)
        if not gap[0] and {d for d, _ in prev.payload} & {d for d, _ in nxt.payload}:
            out.append((nxt, None))  # 不含杭州宁波: two values of one dimension said together, both out
            continue
        m = JOINER.fullmatch(gap[0])
        if not m:
            break
        a, b = gap[1] + m.start("word"), gap[1] + m.end("word")
        out.append((nxt, Hit("filler", text[a:b], a, b)))
    # a trailing run joined by commas alone is not shown to be part of the list
    while len(out) > 1 and out[-1][1] is not None and out[-1][1].text in COMMAS:
        out.pop()
    return out
