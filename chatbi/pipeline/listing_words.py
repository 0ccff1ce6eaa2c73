"""A listing's leftover words, when each names an attribute of the things listed: 成都的门店都有哪些，
什么类型 (类型: the store type, shown beside each store) or "stores opened in 2025" (opened: the
opening date, and the period becomes a condition on it). Anything else left over is still asked."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from chatbi.pipeline import timeparse
from chatbi.pipeline.full_reading import names_dimension
from chatbi.pipeline.matcher import Match
from chatbi.pipeline.question_words import FILLER
from metric_catalog.model import Catalog
from semantic_layer import Filter

# "flagship stores and which city they're in", 门店分别在哪个城市: the city of each thing listed, not a
# listing of cities
WHERE_EACH_IS = re.compile(r"\b(?:which|what)\s+(?P<en>[a-z][a-z ]{1,30}?)\s+(?:it|they|each)(?:\s+|\s*['’]\s*)(?:is|are|re|s|was|were)\s+"
                           r"(?:in|at|from|located\s+in)\b|(?:分别|各自)?(?:在|位于|属于)哪(?:个|些|一个)?(?P<zh>[^、，,。？?\s]{1,6})")


@dataclass
class ListingReading:
    match: Match  # with the period moved onto the date attribute, nothing left over
    filters: list[Filter] = field(default_factory=list)  # opened in 2025: open_date between …
    columns: list[str] = field(default_factory=list)  # the attributes the words asked to see


def read_listing(catalog: Catalog, match: Match, as_of: dt.date) -> ListingReading | None:
    """None when a leftover word names no attribute of the listed tables, or names several."""
    tables = {catalog.dimensions[d].table for d in [*match.group_by, *match.filters, *match.named]}
    attributes = [d for d, spec in catalog.dimensions.items() if spec.table in tables and not spec.hidden]
    columns: list[str] = []
    said_of_each = [m["en"] or m["zh"] for m in WHERE_EACH_IS.finditer(match.text)]
    if match.filters and said_of_each:
        each = [d for d in match.group_by if any(names_dimension(catalog, d, w) for w in said_of_each)
                and catalog.dimensions[d].table in {catalog.dimensions[f].table for f in match.filters}]
        columns += each
        match = dataclasses.replace(match, group_by=[d for d in match.group_by if d not in each])
    for word in [w for w in match.residual if w not in FILLER]:
        named = [d for d in attributes if names_dimension(catalog, d, word)]
        if len(named) > 1:  # opened ~ open date and open year: the one asked to be shown, or the date a period fits
            named = ([d for d in named if d in match.group_by or d in match.named]
                     or [d for d in named if match.time is not None and catalog.dimensions[d].type == "date"])
        if len(named) != 1:
            return None
        columns += [named[0]] if named[0] not in columns else []
    reading = ListingReading(dataclasses.replace(match, residual=[]), columns=columns)
    dated = [d for d in dict.fromkeys([*columns, *match.group_by, *match.named])
             if d in attributes and catalog.dimensions[d].type == "date"]
    if match.time is not None and len(dated) == 1:
        period = timeparse.resolve(match.time, as_of, as_of)
        reading.filters = [Filter(dimension=dated[0], op="between",
                                  values=[period.start.isoformat(), period.end.isoformat()])]
        reading.match = dataclasses.replace(reading.match, time=None)
    return reading
