"""Shorter forms of a dimension's Chinese names, as people say them.

A catalog names a dimension in full (财富产品类型, 产品名称) while its users drop the qualifier or the
word "name" (各产品类型的销售额, 最高的3个产品). Such a short form is read as the dimension only when
it is unmistakable: no other dimension has it, it is no term of anything already, and it holds no
value or metric word (保险产品名称 → 保险产品 would turn 保险产品的销售额, a filter, into a breakdown)
nor another dimension's (客户所在省份 → 所在省份 would take 门店所在省份 from the store's 省份).
"""

from __future__ import annotations

NAME_WORDS = ("名称", "名字")  # 产品名称 is the product itself
MIN_TAIL = 4  # 产品类型 of 财富产品类型: two words at least, never 类型 alone


def _forms(term: str) -> list[str]:
    if term.isascii():
        return []
    forms = [term[:-len(w)] for w in NAME_WORDS if term.endswith(w) and len(term) - len(w) >= 2]
    forms += [term[cut:] for cut in range(2, len(term) - MIN_TAIL + 1)]
    return forms


def short_dimension_forms(dimension_terms: dict[str, set[str]], taken: set[str],
                          inner_words: set[str]) -> dict[str, set[str]]:
    """{short form: {dimension}} for the forms exactly one dimension has. ``taken``: every term of
    the vocabulary; ``inner_words``: value and metric terms a form must not hold."""
    owners: dict[str, set[str]] = {}
    for term, dims in dimension_terms.items():
        for form in _forms(term):
            owners.setdefault(form, set()).update(dims)
    inner = [w for w in inner_words if not w.isascii() and len(w) >= 2]
    others = [(t, ds) for t, ds in dimension_terms.items() if not t.isascii() and len(t) >= 2]
    return {form: dims for form, dims in owners.items()
            if len(dims) == 1 and form not in taken and not any(w in form for w in inner)
            and not any(t in form and ds != dims for t, ds in others)}
