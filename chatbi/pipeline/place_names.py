"""Names said without the place they start with: 杭州西湖支行 is asked as 西湖支行. A name read from the
warehouse that begins with another dimension's value (a city, a branch) is also known by the rest,
when the rest is three characters or more, names no other thing, and is no word of the catalog."""

from __future__ import annotations

MIN_REST = 3


def names_without_place(value_terms: dict[str, set], live: dict[str, set[str]], taken: set[str]) -> dict[str, set]:
    """{rest: {(dimension, name)}} for the live names (``live``: dimension → names) whose rest after a
    place is theirs alone; ``taken``: every term the vocabulary has already."""
    places = {t for t, owners in value_terms.items() if 2 <= len(t) <= 4 and not t.isascii()
              and any(d not in live for d, _ in owners)}
    owners: dict[str, set] = {}
    for did, names in live.items():
        for name in names:
            for cut in range(2, 5):
                if name[:cut] in places and len(name) - cut >= MIN_REST:
                    owners.setdefault(name[cut:], set()).add((did, name))
    return {rest: found for rest, found in owners.items() if len(found) == 1 and rest not in taken}
