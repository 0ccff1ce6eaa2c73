"""`chatbi catalog lint`: the metadata gaps that make answers worse (lesson: the corpus decides quality)."""

from __future__ import annotations

from dataclasses import dataclass

from metric_catalog.graph import denied_metrics
from metric_catalog.model import Catalog

MIN_SYNONYMS = 3


@dataclass(frozen=True)
class Gap:
    kind: str  # metric | dimension | table | role
    id: str
    field: str
    message: str


def lint_catalog(catalog: Catalog) -> list[Gap]:
    gaps: list[Gap] = _drafts(catalog)
    for mid, m in catalog.metrics.items():
        def gap(field: str, message: str, mid=mid) -> None:
            gaps.append(Gap("metric", mid, field, message))
        if not m.name.zh:
            gap("name.zh", "no Chinese name")
        if not m.name.en:
            gap("name.en", "no English name")
        if not m.description.zh:
            gap("description.zh", "no Chinese definition (口径)")
        if not m.description.en:
            gap("description.en", "no English definition")
        if not m.owner:
            gap("owner", "no owner: who signs off this definition?")
        if not (m.unit.zh or m.unit.en):
            gap("unit", "no unit")
        if m.hidden:
            continue
        if len(m.synonyms) < MIN_SYNONYMS:
            gap("synonyms", f"only {len(m.synonyms)} synonym(s); staff use abbreviations and slang, add ≥ {MIN_SYNONYMS}")
        if not any(not s.isascii() for s in m.synonyms):
            gap("synonyms", "no Chinese synonyms")
        if not any(s.isascii() for s in m.synonyms):
            gap("synonyms", "no English synonyms")
        if not m.samples.zh:
            gap("samples.zh", "no Chinese sample questions")
        if not m.samples.en:
            gap("samples.en", "no English sample questions")
    for did, d in catalog.dimensions.items():
        if not d.synonyms:
            gaps.append(Gap("dimension", did, "synonyms", "no synonyms"))
        if not (d.description.zh or d.description.en):
            gaps.append(Gap("dimension", did, "description", "no description"))
        if d.type == "category" and not d.values and d.key is None:
            gaps.append(Gap("dimension", did, "values", "no value dictionary: values are matched only as written"))
        for value, synonyms in d.values.items():
            if not synonyms:
                gaps.append(Gap("dimension", did, f"values.{value}", "value has no synonyms"))
    for rid, role in catalog.roles.items():
        for mid, cause in denied_metrics(catalog, role).items():
            if mid != cause and mid not in role.deny_metrics and not catalog.metrics[mid].hidden:
                gaps.append(Gap("role", rid, "deny_metrics",
                                f"{mid} is computed from the denied {cause}, so {rid} cannot see it either; "
                                f"list it in deny_metrics to say so, or allow {cause}"))
    for tid, t in catalog.tables.items():
        if not (t.description.zh or t.description.en):
            gaps.append(Gap("table", tid, "description", "no description"))
    for did, d in catalog.dimensions.items():
        if not d.name.zh or not d.name.en:
            gaps.append(Gap("dimension", did, "name", f"no {'Chinese' if not d.name.zh else 'English'} name"))
    return gaps + _word_clashes(catalog)


def _word_clashes(catalog: Catalog) -> list[Gap]:
    """Words that read wrongly: one character (笔 is matched inside 单笔), or one word naming two things
    (a question using it can only be clarified)."""
    owners: dict[str, set[tuple[str, str, str]]] = {}  # word -> (kind, id, field)
    for mid, m in catalog.metrics.items():
        for word in [m.name.zh, m.name.en, *m.synonyms]:
            owners.setdefault(word.lower(), set()).add(("metric", mid, "synonyms"))
    for did, d in catalog.dimensions.items():
        for word in [d.name.zh, d.name.en, *d.synonyms]:
            owners.setdefault(word.lower(), set()).add(("dimension", did, "synonyms"))
        for value, aliases in d.values.items():
            for word in [value, *aliases]:
                owners.setdefault(word.lower(), set()).add(("dimension", did, f"values.{value}"))
    gaps = _contained_words(owners)
    for word, named in sorted(owners.items()):
        if not word:
            continue
        kind, oid, field = sorted(named)[0]
        if len(word) == 1 and not word.isascii():  # ASCII words are matched whole, CJK ones anywhere
            gaps.append(Gap(kind, oid, field, f"「{word}」 is one character: it is found inside other words of "
                                              "questions (笔 in 单笔); use a longer form"))
        metrics = {i for k, i, f in named if k == "metric"}
        things = {(k, i, f) for k, i, f in named if k == "dimension" and f.startswith("values.")}
        if len(metrics) > 1 or (metrics and things):
            listed = ", ".join(sorted(f"{i}" if k == "metric" else f"{i}.{f[7:]}" for k, i, f in named))
            gaps.append(Gap(kind, oid, field, f"「{word}」 names several things ({listed}): a question using it is "
                                              "always asked which one is meant (right for a generic word, else "
                                              "keep it on one)"))
    return gaps


def _contained_words(owners: dict[str, set[tuple[str, str, str]]]) -> list[Gap]:
    """A Chinese word inside another item's word (收入 in 出账收入): a question with the longer word
    also contains the shorter one, so which is meant rests on the matcher preferring the longer."""
    gaps = []
    words = sorted((w for w in owners if w and not w.isascii() and len(w) > 1), key=len)
    for i, short in enumerate(words):
        ids = {(k, oid) for k, oid, _ in owners[short]}
        inside = sorted(long for long in words[i + 1:] if short in long and not ids & {(k, oid) for k, oid, _
                                                                                      in owners[long]})
        if inside:
            kind, oid, field = sorted(owners[short])[0]
            gaps.append(Gap(kind, oid, field, f"「{short}」 is inside 「{'」「'.join(inside[:3])}」 of another item: "
                                              "a question with the longer word also holds this one; check both read "
                                              "as meant (ask them), or drop the short form"))
    return gaps


def _drafts(catalog: Catalog) -> list[Gap]:
    """Items `chatbi catalog draft` proposed that nobody has reviewed yet (`chatbi catalog review`)."""
    out = []
    for kind, section in (("table", catalog.tables), ("dimension", catalog.dimensions), ("metric", catalog.metrics)):
        for item_id, spec in section.items():
            if spec.draft:
                out.append(Gap(kind, item_id, "draft", "still a draft: review it (chatbi catalog review) before "
                                                       "anyone relies on its answers"))
    return out
