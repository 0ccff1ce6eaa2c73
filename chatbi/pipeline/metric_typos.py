"""Typos in a metric's Chinese name: a window one character away from a metric term (离网绿 → 离网率),
or a hit that with its neighbour is one typo from another metric's term. Either carries every metric
it could be, so the question is clarified — a typo never silently becomes a different metric."""

from __future__ import annotations

import functools
import re

from chatbi.pipeline.question_words import FILLER, MEASURE_WORDS
from chatbi.pipeline.term_search import Hit

FILLER_PHRASES = sorted((w for w in FILLER if not w.isascii() and len(w) > 1), key=len, reverse=True)


def near_miss(text: str, terms: dict[str, set[str]], taken: list[bool],
              interchangeable: dict[str, frozenset[frozenset[str]]] | None = None) -> list[Hit]:
    """Typos: a Chinese metric term of ≥ 3 characters with exactly one character wrong.

    One window can be one typo away from terms of different metrics (离网绿: 离网数 and 离网率);
    it then carries every one of them and the question is clarified, never silently read as one.
    """
    found: dict[tuple[int, int], set[str]] = {}
    meant: dict[tuple[int, int], str] = {}
    filler = _filler_mask(text)
    # 退了多少件 is no typo of 卖了多少件: 退 is the catalog's own word for other metrics (退货件数)
    users: dict[str, set[str]] = {}
    for term, payload in terms.items():
        for ch in set(term) if not term.isascii() else ():
            users.setdefault(ch, set()).update(payload)
    for term, payload in terms.items():
        n = len(term)
        if n < 3 or term.isascii():
            continue
        for i in range(len(text) - n + 1):
            if any(taken[i:i + n]):
                continue
            window = text[i:i + n]
            differ = [i + k for k, (a, b) in enumerate(zip(window, term, strict=True)) if a != b]
            if len(differ) == 1 and not filler[differ[0]] and not window.isascii() \
                    and text[differ[0]] not in ASPECT \
                    and (sounds_alike(text[differ[0]], term[differ[0] - i]) or text[differ[0]] in PARTICLES
                         or {text[differ[0]], term[differ[0] - i]} <= COUNTERS  # 卖了多少部 of 卖了多少台
                         or any(frozenset((text[differ[0]], term[differ[0] - i])) in (interchangeable or {}).get(m, ())
                                for m in payload)) \
                    and not users.get(text[differ[0]], set()) - payload \
                    and not _particle_of_another(window, differ[0] - i, payload, terms):
                found.setdefault((i, i + n), set()).update(payload)
                meant.setdefault((i, i + n), term)
    return [Hit("metric", text[a:b], a, b, payload, corrected=meant[a, b]) for (a, b), payload in found.items()]


def interchangeable_characters(names_of: dict[str, list[str]]) -> dict[str, frozenset[frozenset[str]]]:
    """Characters the catalog itself uses for one another in one metric's names: two of them one
    character apart (用户数 / 开户数) make that pair a typo's of that metric, whatever their sound
    (新开户 → 新用户). Only of that metric: 报案 / 赔案 name one count, which says nothing of 报款."""
    return {metric: _pairs(names) for metric, names in names_of.items()}


def _pairs(group: list[str]) -> frozenset[frozenset[str]]:
    pairs = set()
    names = [t for t in group if t and not t.isascii()]
    for a in names:
        for b in names:
            if a < b and len(a) == len(b):
                differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
                if len(differ) == 1:
                    pairs.add(frozenset(differ[0]))
    return frozenset(pairs)


@functools.cache
def sounds_alike(said: str, meant: str) -> bool:
    """Chinese is typed by its sound: a typo is a character read like the one meant (欠废 → 欠费, 离网绿
    → 离网率). One that sounds otherwise is another word, often the opposite one (好评率 is not 差评率,
    空房率 not 开房率, 还款 not 放款, 无效 not 有效): never read as a typo of it."""
    from pypinyin import Style, pinyin

    def readings(ch: str) -> set[str]:
        return set(pinyin(ch, style=Style.NORMAL, heteronym=True)[0]) if "\u4e00" <= ch <= "\u9fff" else {ch}
    return bool(readings(said) & readings(meant))


# 取消了 / 准时了 is a verb that happened, never 取消率 mistyped: an aspect particle is said on purpose
ASPECT = set("了过着")
COUNTERS = {w for w in MEASURE_WORDS if len(w) == 1}
PARTICLES = set("的地得了着过和与及或跟同是在按各每个把被给对从到由向中里内且又")
PERIOD_CHARS = set("年季月周天日")  # 哪个月销售额: the period ranked, no typo of 净销售额


def _particle_of_another(window: str, at: int, payload: set[str], terms: dict[str, set[str]]) -> bool:
    """各渠道的单数 is no typo of 订单数: the 的 is said on purpose, and 单数 ends other metrics' names
    too (取消单数, 入住单数). A particle in place of a character is a typo only when what is left,
    where it stands, names the typo's metric alone (保单里 → 保单数: no other name begins 保单)."""
    if window[at] not in PARTICLES:
        return False
    head, tail = window[:at], window[at + 1:]
    return bool({m for term, ms in terms.items() if term.startswith(head) and term.endswith(tail)
                 and len(term) > len(head) + len(tail) for m in ms} - payload)


def _filler_mask(text: str) -> list[bool]:
    """Characters inside filler phrases: 欠费多少's 多 belongs to 多少, so 欠费多 is no typo of 欠费率."""
    mask = [False] * len(text)
    for phrase in FILLER_PHRASES:
        for m in re.finditer(re.escape(phrase), text):
            mask[m.start():m.end()] = [True] * (m.end() - m.start())
    return mask


def typo_neighbours(chosen: list[Hit], text: str, terms: dict[str, set[str]], taken: list[bool]) -> None:
    """离网绿: 离网 names one metric, but with the next character it is one typo from 离网率, another.
    Such a hit could mean either, so it carries both and the question is clarified — a typo must
    never silently become a different metric."""
    filler = _filler_mask(text)
    for hit in [h for h in chosen if h.kind == "metric"]:
        for term, payload in terms.items():
            n, size = len(term), hit.end - hit.start
            if n <= size or n < 3 or term.isascii() or payload <= set(hit.payload):
                continue
            for start in range(max(0, hit.end - n), min(hit.start, len(text) - n) + 1):
                window = text[start:start + n]
                outside = [i for i in range(start, start + n) if not hit.start <= i < hit.end]
                if any(taken[i] or filler[i] for i in outside) or window.isascii():
                    continue
                differ = [a for a, b in zip(window, term, strict=True) if a != b]
                # 上海的销售额 is no typo of 净销售额: a particle or conjunction is said, not mistyped
                if len(differ) == 1 and differ[0] not in PARTICLES | PERIOD_CHARS and differ[0].isalnum():  # 、销售额: no 净销售额
                    hit.payload = set(hit.payload) | payload
                    hit.start, hit.end, hit.text = min(start, hit.start), max(start + n, hit.end), window
                    for i in range(hit.start, hit.end):
                        taken[i] = True
                    break
