"""Words that rank: top 3, 前5名, 排名第一, 倒数第二, "which 3 cities had the highest …", 最低, 排名.

Language only: what is ranked, and by which metric, comes from the catalog's words around them.
Each hit's payload is (direction, n): desc | asc | best | worst (the metric's own direction), or
None for a ranking word that does not say which way (排名最低的: 最低 says it).
"""

from __future__ import annotations

import re

from chatbi.pipeline.question_words import (
    ASCENDING,
    AT_AN_END,
    BEST,
    EN_COUNTED_RANK,
    NEUTRAL_RANK,
    RANK_WORDS,
    WORST,
    ZH_COUNTED_RANK,
)
from chatbi.pipeline.term_search import Hit, find_terms
from metric_catalog import graph
from metric_catalog.model import Catalog

# 前三季度, 前3个月, 后两周: a span of time, not the first three of a ranking
PERIOD_AFTER = r"\d|\s*(?:个)?\s*(?:季度|季|周|星期|礼拜|天|日|月|年|期|小时)"
ORDINAL_RANK = re.compile(r"(?P<last>倒数)?\s*第\s*(?P<n>\d{1,3})(?!" + PERIOD_AFTER + r"|\s*(?:次|批|笔|单|件|天))\s*(?:名|位)?|"
                          r"\b(?:rank(?:ed|s)?|came|placed|finished)\s+(?:in\s+)?(?:(?P<first>first|1st|top)|(?P<last_en>last))\b(?!\s+(?:month|week|year|quarter|day|night|time|\d))|"
                          r"\b(?:number\s+one|no\.\s*1|#\s*1)\b")
TOP_N = re.compile(rf"(?<!倒数)(?<!倒数\s)(?:前|top[\s-]*|\b(?:highest|biggest|largest)\s+|最高的?|最多的?|最大的?|最快的?|最长的?|排名前|(?:排名|排行)?靠前的?|头部的?)\s*(\d{{1,3}})"
                   rf"(?!{PERIOD_AFTER}|[A-Za-z])\s*(?:名|个|位|家)?")
BOTTOM_N = re.compile(rf"(?:倒数\s*前|后|倒数|bottom[\s-]*|\b(?:lowest|smallest)\s+|最低的?|最少的?|最小的?|最慢的?|最短的?|排名后|(?:排名|排行)?靠后的?|垫底的?|尾部的?)"
                      rf"\s*(\d{{1,3}})(?!{PERIOD_AFTER}|[A-Za-z])\s*(?:名|个|位|家)?")


# 第一位客户, 第一家门店: an ordinal before a counter and a noun is the first of a list (by what order?),
# not a ranking, unless a ranking word comes before it (排名第一位的门店)
COUNTED_ORDINAL = re.compile(r"第\s*\d{1,3}\s*(?:位|家|个|条|笔|款|种)(?!\s*(?:的|是|[,，。?？]|$))")
RANKED_BEFORE = re.compile(r"(?:排名|排行|排在|排|名列|位列|位居|倒数)\s*$")


# 最好的3个, 最差的5家: a count ranked by the metric's own direction
BEST_N = re.compile(rf"(?P<word>最好|最优|最强|最差|最弱)的?\s*(?P<n>\d{{1,3}})(?!{PERIOD_AFTER}|[A-Za-z])\s*(?:名|个|位|家)?")


PLACE_WAY = re.compile(r"[多高大少低小](?![a-z])")
# "the second highest", "3rd largest": one place of the ranking, from its top or bottom
EN_PLACE = re.compile(r"\b(?P<o>second|third|fourth|fifth|2nd|3rd|4th|5th)[\s-]+(?P<way>highest|largest|biggest|most|"
                      r"best|lowest|smallest|least|fewest|worst)\b")
EN_ORDINALS = {"second": 2, "third": 3, "fourth": 4, "fifth": 5}
EN_PLACED = re.compile(r"\b(?:(?:rank(?:ed|s)?|came|comes|placed|finished)\s+(?:in\s+)?(?:the\s+)?|in\s+)"
                       r"(?P<o>second|third|fourth|fifth|2nd|3rd|4th|5th)(?:\s+place)?\b(?!\s+(?:month|week|year|quarter|half))")


def rank_hits(text: str) -> list[Hit]:
    hits = []
    for m in EN_PLACED.finditer(text):  # "ranked second", "came third", "in second place"
        if m.group(0).startswith("in ") and not m.group(0).endswith("place"):
            continue  # "in second" alone is no place
        hits.append(Hit("rank", m.group(0), m.start(), m.end(), ("desc", EN_ORDINALS.get(m["o"]) or int(m["o"][0]), "place")))
    for m in EN_PLACE.finditer(text):
        way = m["way"]
        direction = "best" if way == "best" else "worst" if way == "worst" else \
            "asc" if way in ("lowest", "smallest", "least", "fewest") else "desc"
        hits.append(Hit("rank", m.group(0), m.start(), m.end(),
                        (direction, EN_ORDINALS.get(m["o"]) or int(m["o"][0]), "place")))
    for m in BEST_N.finditer(text):
        hits.append(Hit("rank", m.group(0), m.start(), m.end(), ("best" if m["word"] in BEST else "worst", int(m["n"]))))
    for m in ORDINAL_RANK.finditer(text):  # 排名第1, 倒数第一, ranked first: the one at the top (or bottom)
        if COUNTED_ORDINAL.match(text, m.start()) and not RANKED_BEFORE.search(text[max(0, m.start() - 4):m.start()]):
            continue
        direction = "asc" if m["last"] or m["last_en"] else "desc"
        if int(m["n"] or 1) == 1:
            hits.append(Hit("rank", m.group(0), m.start(), m.end(), (direction, 1)))
        else:  # 排第2 is one row of a ranking, not a top 2: the rows at place 2 of the top 2 (ties kept)
            way = PLACE_WAY.match(text, m.end())  # 第二少 / 第二低: from the bottom; 第二多 / 第二高: the top
            end = way.end() if way else m.end()
            if way and way.group(0) in "少低小":
                direction = "desc" if direction == "asc" else "asc"
            hits.append(Hit("rank", text[m.start():end], m.start(), end, (direction, int(m["n"]), "place")))
    for m in TOP_N.finditer(text):
        hits.append(Hit("rank", m.group(0), m.start(), m.end(), ("desc", int(m.group(1)))))
    for m in BOTTOM_N.finditer(text):
        hits.append(Hit("rank", m.group(0), m.start(), m.end(), ("asc", int(m.group(1)))))
    # "which 3 cities had the highest …", "the 5 stores with the fewest …": the count, then what is ranked
    for m in EN_COUNTED_RANK.finditer(text):
        word = m.group(2)
        direction = {"best": "best", "worst": "worst"}.get(word, "asc" if word in ASCENDING else "desc")
        hits.append(Hit("rank", m.group(1), m.start(1), m.end(1), (direction, int(m.group(1)))))
    for m in ZH_COUNTED_RANK.finditer(text):  # 哪5个牌子…最多: the count here, the direction said after
        hits.append(Hit("rank", m.group(1), m.start(1), m.end(1), ("asc" if m.group(2) in ASCENDING else
                                                                     "worst" if m.group(2) in WORST else "desc",
                                                                     int(m.group(1)))))
    for word in RANK_WORDS:
        direction = "best" if word in BEST else "worst" if word in WORST else "asc" if word in ASCENDING else \
            None if word in NEUTRAL_RANK else "desc"
        hits += find_terms(text, {word: (direction, None)}, "rank")
    hits += find_terms(text, AT_AN_END, "rank")
    return hits


# 最好的分公司是哪个, 哪家门店最多, "which branch had the highest": one is asked for, not the ranking
# (哪些 / 哪几个 / "which branches were" ask for several; 哪个最高，哪个最低 asks for both ends)
ONE_ASKED = re.compile(r"哪(?:一|1)?(?:个|家|位|款|种|天|日|周|月|年)(?!\s*\d)|\bwhich\s+(?:one\b|(?:[a-z]+\s+){0,3}?"
                       r"(?:has|had|is|was|did|does|made|makes|saw|sees|got|gets|ranked|ranks|came|comes|sold|[a-z]{3,}ed)\b)", re.I)
_HIGH_LOW = (re.compile(r"最高|最多|最大|最好|highest|most|largest|best", re.I),
             re.compile(r"最低|最少|最小|最差|lowest|least|fewest|smallest|worst", re.I))


# 增长率最高的分行: the one at the top (ties kept); 各…最高的, 排名, 哪些 or a number ask for more
ZH_THE_TOP = re.compile(r"(?:最高|最多|最大|最低|最少|最小|最好|最差|最快|最慢|最长|最短)"
                        r"的(?:(?!\s*\d)(?!是)|(?=\s*1\s*个?\s*(?:天|日|周|月|年|季度)))")  # 最多的一天: one
SEVERAL = re.compile(r"各|每|排名|排行|排序|哪些|哪几|分别|都有|那些|这些|列表|清单|一览|名单|前\s*\d|后\s*\d|"
                     r"\d+\s*(?:个|家|名|位)")


# 第二多, "the second most": a place said with the way the values go, so no end needs asking
VALUE_WAY = re.compile(r"[多少高低大小]\s*$|\b(?:highest|lowest|most|least|largest|smallest|biggest|fewest)\b", re.I)


def asks_for_one(text: str) -> bool:
    if ZH_THE_TOP.search(text) and not SEVERAL.search(text) and not all(w.search(text) for w in _HIGH_LOW):
        return True
    asked = [m.group(0) for m in ONE_ASKED.finditer(text)]
    # "which product lines had": a plural noun before a verb of either number asks for several
    plural = asked and any(w.endswith("s") and not w.endswith("ss") for w in asked[0].split()[1:-1])
    return len(asked) == 1 and not plural and not all(w.search(text) for w in _HIGH_LOW)


# between a metric and the ranking word said of it: 退货率最低, 销售额排名第一, 最高的销售额, "highest sales"
_SAID_OF_GAP = re.compile(r"^(?:\s|的|是|排名|排行|排|按|从|by)*$", re.I)


def ranked_metrics(text: str, ranks: list[Hit], metrics: list[Hit]) -> list[tuple[frozenset[str], str | None]]:
    """(metric ids, direction) of each ranking word said right next to a metric. Two metrics each
    with its own ranking word (各门店销售额排名，退货率最低的是哪家) rank by different things."""
    said = []
    for r in ranks:
        for m in metrics:
            gap = text[m.end:r.start] if m.end <= r.start else text[r.end:m.start] if r.end <= m.start else None
            if gap is not None and _SAID_OF_GAP.match(gap):
                said.append((frozenset(m.payload), r.payload[0]))
                break
    return said


# 最快 / 最慢 / 最长 / fastest: of a change it is how fast it grew; of a metric counting time (结案天数) the
# fastest is the fewest days; of anything else (最快的门店 by sales?) it says no direction
SPEED = re.compile(r"快|慢|长|短|fast|slow|quick|long|short", re.I)
# units that can only be a time (分 may be points, 时 a time of day)
TIME_UNITS = ("天", "日", "小时", "分钟", "秒", "秒钟", "day", "days", "hour", "hours", "hrs", "minute", "minutes",
              "mins", "second", "seconds")


def speed_direction(rank_words: list[tuple[int, int, str]], unit_zh: str, unit_en: str) -> str | None:
    """asc / desc for a speed word said of a metric counting time, "unclear" of any other, "both"
    when both ends are asked (最长的和最短的), None when no speed word is said."""
    words = [w for _, _, w in rank_words if SPEED.search(w)]
    if not words:
        return None
    if unit_zh.strip() not in TIME_UNITS and unit_en.strip().lower() not in TIME_UNITS:
        return "unclear"
    slow = {bool(re.search(r"慢|长|slow|long", w, re.I)) for w in words}
    return "both" if len(slow) > 1 else "desc" if slow == {True} else "asc"


def rank_dimensions(catalog: Catalog, metric: str, exclude: set[str], top: int = 3) -> list[str]:
    """What a ranking of ``metric`` could rank, for a question that does not say: the catalog's
    assessed entity first, then the metric's dimensions in the catalog's order."""
    allowed = graph.allowed_dimensions(catalog, metric)
    first = [d for d in [catalog.metrics[metric].ranked_by] if d in allowed]
    return [d for d in dict.fromkeys(first + allowed) if d not in exclude][:top]


def scored_instead(catalog: Catalog, metric_id: str) -> str | None:
    """"the best reviews": a count of rows that carry a score (the catalog's mean of them) is asked
    back between the most rows and the best score — best said of reviews is rarely their number."""
    spec = catalog.metrics[metric_id]
    if spec.type != "simple" or spec.agg != "count":
        return None
    scores = [m for m, s in catalog.metrics.items()
              if s.type == "simple" and s.agg == "avg" and s.table == spec.table and not s.hidden]
    return scores[0] if len(scores) == 1 else None
