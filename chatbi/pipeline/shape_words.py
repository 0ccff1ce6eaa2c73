"""Words that shape the computation rather than name catalog things: thresholds (超过 50万,
more than 10%), comparison with the average, running totals, averages per period, growth.

These are words of the language, not of any domain: what they apply to (which metric, which
dimension) always comes from the catalog's own words around them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from chatbi.pipeline.question_words import (
    MEASURE_WORDS,
    SHARE_OF_EN,
    SHARE_PART_EN,
    SHARE_WHOLE_EN,
    SHARE_WITHIN_EN,
    WHOLE_SCOPES,
)
from chatbi.pipeline.term_search import Hit

# a number as said: multiplier, then a measure word (1000人, 50万元) or a percentage
NUMBER = r"(?P<number>-?\d+(?:\.\d+)?)\s*(?:个(?=\s*亿))?(?P<multiplier>万亿|千亿|百亿|亿|千万|百万|万|千|百|million|thousand|billion|k|m)?\s*" \
         r"(?:个(?!百分点|点)|" + "|".join(w for w in MEASURE_WORDS if w != "个") + r"|(?:yuan|rmb|cny)\b)?" \
         r"(?P<unit>%|个百分点|百分点|个点|percentage points?|percent|成(?!交|本|员|都|功|长|立|绩|为|了|品))?"  # 3成: 30%
MULTIPLIER = {"": 1, "百": 100, "千": 1_000, "k": 1_000, "thousand": 1_000, "万": 10_000, "m": 1_000_000,
              "百万": 1_000_000, "千万": 10_000_000, "百亿": 10_000_000_000, "千亿": 100_000_000_000,
              "million": 1_000_000, "亿": 100_000_000, "billion": 1_000_000_000, "万亿": 1_000_000_000_000}
GREATER = ("超过", "超出", "大于", "高于", "多于", "突破", "破了", "破", "超", "过", "跑赢", "above", "over", "more than", "greater than",
           "higher than", "exceeding", "exceeds", "exceed", ">")
AT_LEAST = ("不少于", "不低于", "不小于", "至少", "起码", "以上", "at least", "no less than", "not less than", ">=", "≥")
LESS = ("低于", "小于", "少于", "不足", "不到", "跑输", "below", "under", "less than", "fewer than", "lower than", "<")
AT_MOST = ("以下", "不超过", "不高于", "不大于", "不多于", "至多", "最多不超过", "at most", "no more than", "not more than", "<=", "≤")
OPERATORS = [(w, ">=") for w in AT_LEAST] + [(w, "<=") for w in AT_MOST] + [(w, ">") for w in GREATER] + \
            [(w, "<") for w in LESS]
# 新增用户为0的营业厅, "stores with no sales": the things with none (every one of them, semantic_layer.members)
ZERO = re.compile(r"(?:为|等于|是|=)\s*0(?![\d.])(?!\s*(?:%|万|千|百|亿|个|点))|"
                  r"(?<=\bwith\s)(?:no|zero)\b|(?<=\bhad\s)(?:no|zero)\b|(?<=\bhave\s)(?:no|zero)\b", re.I)
NEGATIVE = ("为负", "是负的", "负数", "小于零", "小于0", "低于零", "negative", "below zero", "less than zero")
# the average of what may be named before it (the store average, 社区店平均水平): the reading checks
# that it names what the answer lists or the scope asked for, since the city average of stores is
# another computation
AVERAGE_WORDS = r"(?P<whole>" + "|".join(WHOLE_SCOPES) + r"|公司|整体|总体|所有|全部)?(?:the\s+)?(?P<whole_en>overall\s+|national\s+|company\s+)?" \
                r"(?:group\s+)?(?:(?P<of>[a-z]+(?:-[a-z]+)?|[\u4e00-\u9fff]{2,6}?)\s*)?(?:的)?" \
                r"(?P<tail>平均水平|平均值|平均数|平均|均值|整体水平|总体水平|average|mean|" \
                r"(?:" + "|".join(f"(?<={w})" for w in (*WHOLE_SCOPES, "公司")) + r")水平)"  # 低于全省水平
CUMULATIVE = ("累计", "累积", "累加", "逐月累计", "running total", "cumulative", "cumulatively", "accumulated",
              "year to date total")
PER_PERIOD = [("month", ("月均", "每月平均", "平均每月", "平均每个月", "每个月平均", "月平均",
                         "average month-end", "average month end", "average end-of-month", "average per month", "monthly average",
                         "avg per month", "average monthly")),
              ("day", ("日均", "每天平均", "平均每天", "每日平均", "平均每日", "average per day", "daily average",
                       "average daily")),
              ("week", ("周均", "每周平均", "平均每周", "average per week", "weekly average", "average weekly")),
              ("quarter", ("季均", "每季度平均", "平均每季度", "average per quarter", "quarterly average")),
              ("year", ("年均", "每年平均", "平均每年", "average per year", "yearly average", "annual average"))]
# Which way a change goes, where the words say it (增长率 / growth rate do not: they are the change itself).
DECREASE = ("下降", "下滑", "降幅", "跌幅", "回落", "减少", "降低", "下跌", "缩减", "跌", "fell", "fallen", "fall", "falls",
            "dropped", "declined", "decreased", "decrease", "decline", "drop", "shrank", "dipped", "slipped",
            "are down", "is down", "was down", "were down", "went down", "gone down")
# a direction said of the rate of change (增速下降: growth slowed) or denied (没有下降) is not a sign
RATE_OF_CHANGE = ("增速", "增长率", "增幅", "growth rate", "growth")
DENIED = ("不再", "没有", "没", "未", "不", "并未", "not", "never", "no longer", "didn't", "did not")
INCREASE = ("增长", "增加", "增幅", "涨幅", "上升", "上涨", "提升", "提高", "涨", "grew", "grown", "rose", "risen", "increased", "increase",
            "are up", "is up", "was up", "were up", "went up", "gone up")
# 比去年少, 比上月多: a change said by the comparison itself, its direction in the word after it
MORE_LESS_AFTER = re.compile(r"(?:比|较)\s*(?:去年同期|上年同期|去年|上年末|上年|上个月|上月|上期|上季度|上周|年初)\s*(?P<dir>多|少|高|低)")
MORE, LESS = ("多", "高"), ("少", "低")
# 超过去年的大区, 低于上月的门店: the same comparison said with a bound word first (never 超 + 过去年);
# rewritten to the 比…多/少 form before matching
_BOUND_LAST = re.compile(r"(?P<dir>超过|超出|高于|多于|大于|低于|少于|小于)\s*"  # 不如 (worse) depends on the metric
                         r"(?P<when>去年同期|上年同期|去年|上年|上个月|上月|上期|上季度|上周)(?![\d年月季周])")
_WHEN = {"上个月": "上月"}


# 上个月…低于上上个月, 去年…超过前年: the period before the one asked is 上月 / 去年 as seen from it,
# so the comparison is the same MoM / YoY, against the period the question names
_BEFORE_ASKED = {"上上个月": ("上月", ("上个月", "上月")), "上上月": ("上月", ("上个月", "上月")),
                 "前年": ("去年", ("去年",)), "上上个季度": ("上季度", ("上个季度", "上季度")),
                 "上上季度": ("上季度", ("上个季度", "上季度")), "上上周": ("上周", ("上周",))}
_COMPARED_BEFORE = re.compile(r"(?P<word>比|较|超过|超出|高于|多于|大于|低于|少于|小于|不及|不如)\s*"
                              r"(?P<when>上上个月|上上月|前年|上上个季度|上上季度|上上周)(?:同期)?")


_COMPARED_TO = re.compile(r"(?:比|较|超过|超出|高于|多于|大于|低于|少于|小于|不及|不如)\s*"
                          r"(?:去年|上年|上个月|上月|上个季度|上季度|上周)")


def _before_asked(m: re.Match, text: str) -> str:
    seen, asked = _BEFORE_ASKED[m["when"]]
    # the period asked, not another comparison (今年比去年高也比前年高: 前年 is not seen from 去年)
    rest = _COMPARED_TO.sub(" ", text[:m.start()] + " " + text[m.end():])
    return m["word"] + seen if any(a in rest for a in asked) else m.group(0)


# "fewer policies this year than last year": the same comparison said in English, rewritten to the
# words the matcher reads (rose / fell year over year)
_EN_THAN_LAST = re.compile(
    r"\b(?P<dir>fewer|less|lower|smaller|more|higher|greater|bigger)\b"
    r"(?P<mid>(?:(?!\b(?:fewer|less|lower|smaller|more|higher|greater|bigger|over|above|below|under)\b)[^.?!,;]){0,60}?)\bthan\s+"
    r"(?:in\s+|during\s+|for\s+)?(?:the\s+)?(?P<when>same\s+(?:period|time)\s+last\s+year|last\s+year|previous\s+year|"
    r"prior\s+year|last\s+month|previous\s+month|prior\s+month|month\s+before)\b(?!['’]s)", re.I)


def _said_in_english(m: re.Match) -> str:
    fell = m["dir"].lower() in ("fewer", "less", "lower", "smaller")
    unit = "month over month" if "month" in m["when"].lower() else "year over year"
    return f"{m['mid'].strip()} {'fell' if fell else 'rose'} {unit}"


def bound_said_as_comparison(text: str) -> str:
    text = _COMPARED_BEFORE.sub(lambda m: _before_asked(m, text), text)
    text = _EN_THAN_LAST.sub(_said_in_english, text)
    return _BOUND_LAST.sub(lambda m: "比" + _WHEN.get(m["when"], m["when"]) +
                           ("多" if m["dir"] in ("超过", "超出", "高于", "多于", "大于") else "少"), text)
GROWTH = ("增长率", "增速", "变化率", "变动率", "变化", "变动", "growth rate", "growth", "change rate", "% change", "percent change",
          *DECREASE, *INCREASE)
LISTING = ("列出", "列一下", "列举", "罗列", "清单", "名单", "列表", "明细清单", "都有哪些", "有哪些", "list all", "list the",
           "list", "show all", "show me all", "what are the", "which are the", "enumerate")
# 有多少家门店, 门店有几家, "how many stores": the count of the things named (a listing, or the groups
# a condition selects); a counter word other than these (多少件, 多少单) counts a metric instead
# 有多少门店 says no counter: what follows 有多少 decides (a dimension: its rows; a metric: that metric)
HOW_MANY = re.compile(r"(?:一共|总共|共)?有?(?:多少|几)(?:个|家|位|名|户|座|间|所|款|种|类)|(?:一共|总共|共)?有(?:多少|几)"
                      r"(?=[\u4e00-\u9fff])|\bhow\s+many\b", re.I)
WHICH = ("哪些", "哪几个", "哪几家", "哪个", "哪家", "哪一个", "which", "what")


@dataclass(frozen=True)
class Threshold:
    op: str
    value: float | None  # None: compared with the average
    unit: str = ""  # "" | "%" | "pp"
    of: str = ""  # the average of what, when said (store: the store average)
    whole: bool = False  # 全省平均, the company average: of everything, not only the rows asked about


def _number(text: str, multiplier: str, unit: str) -> tuple[float, str]:
    value = float(text) * MULTIPLIER[(multiplier or "").lower()]
    unit = unit or ""
    if unit == "成":  # tenths
        return value * 10, "%"
    return value, "%" if unit in ("%", "percent") else ("pp" if unit else "")


@functools.cache
def _threshold_patterns() -> list[tuple[re.Pattern, bool]]:
    """(pattern, against the average?). Each pattern is a lookahead over every operator word,
    longest first, so a match is tried at every position (overlaps kept, as with one pattern per
    word) while a process compiles 3 patterns on its first question instead of 90."""
    words = "|".join(re.escape(w) for w, _ in sorted(OPERATORS, key=lambda w: -len(w[0])) if w not in ("以上", "以下"))
    return [(re.compile(rf"(?=(?P<span>(?P<word>{words})\s*(?:了\s*)?{NUMBER}))"), False),
            # "5000 以上" / 1千以下: the word follows its number (both ends counted, as 以上 and 以下 are)
            (re.compile(rf"(?<![\d.])(?=(?P<span>{NUMBER}\s*(?P<word>以上|以下)))"), False),
            (re.compile(rf"(?=(?P<span>(?P<word>{words}|以上)\s*{AVERAGE_WORDS}))"), True),
            # 高于全集团的酒店, 高于集团整体: the whole said alone is its overall value, as 全省平均 is
            (re.compile(rf"(?=(?P<span>(?P<word>{words})\s*(?P<whole>{'|'.join(WHOLE_SCOPES)}|集团|公司)(?:整体|总体)?)"
                        r"(?=的|\s|$|，|,))"), True)]


# "a higher return rate than the company overall": the comparative and its "than …" around the metric
# "above the company-wide figure", "below the overall AOV": the value over everything (the metric named after stays one)
OVERALL_EN = re.compile(r"\b(?P<op>above|below|over|under)\s+(?:the\s+)?(?:company[\s-]wide|overall|national|company)"
                        r"(?:\s+(?:figure|level|average|mean|number|value|rate))?\b")
COMPARATIVE = re.compile(r"\b(?P<more>higher|greater|larger|bigger|more|lower|smaller|less|fewer)\b(?:\s+[a-z]+){0,4}?"
                         r"\s+(?P<than>than\s+(?:the\s+)?(?:(?P<whole>company|overall|national|whole|group|all)"
                         r"(?:\s+(?:overall|average|mean|total|level|as\s+a\s+whole))?|"
                         r"(?P<of>[a-z]+(?:-[a-z]+)?)\s+(?:average|mean)))\b")  # "than the Hangzhou average"


def threshold_spans(text: str) -> list[tuple[int, int, Threshold]]:
    """Every comparison with a number or with the average, as (start, end, threshold)."""
    spans = _comparatives(text) + _numbers_and_averages(text)
    # 超过50万 is one comparison, not also 过50万
    return [s for s in spans if not any(o[0] < s[0] and o[1] == s[1] for o in spans)]


def _comparatives(text: str) -> list[tuple[int, int, Threshold]]:
    out = [(m.start(), m.end(), Threshold(">" if m["op"] in ("above", "over") else "<", None, whole=True))
           for m in OVERALL_EN.finditer(text)]
    for m in COMPARATIVE.finditer(text):  # the "than …" part only: the metric between stays a metric
        op = ">" if m["more"] in ("higher", "greater", "larger", "bigger", "more") else "<"
        out.append((m.start("than"), m.end("than"), Threshold(op, None, whole=bool(m["whole"]), of=m["of"] or "")))
    return out


def comparative_words(text: str) -> list[tuple[int, int]]:
    """The comparative word of a "higher … than the company overall" the threshold stands for."""
    return [(m.start("more"), m.end("more")) for m in COMPARATIVE.finditer(text)]


def _numbers_and_averages(text: str) -> list[tuple[int, int, Threshold]]:
    ops = dict(OPERATORS)
    out = []
    for pattern, average in _threshold_patterns():
        for m in pattern.finditer(text):
            if average:
                # 公司整体水平 / 整体水平: the value over everything, as 全公司平均 is
                groups = m.groupdict()
                whole = bool(m["whole"] or groups.get("whole_en")) or (groups.get("of") or "") in ("company", "公司") \
                    or groups.get("tail") in ("整体水平", "总体水平")
                threshold = Threshold(ops[m["word"]], None, of=groups.get("of") or "", whole=whole)
            else:
                threshold = Threshold(ops[m["word"]], *_number(m["number"], m["multiplier"] or "", m["unit"] or ""))
            out.append((m.start("span"), m.end("span"), threshold))
    for word in NEGATIVE:
        for m in re.finditer(re.escape(word), text):
            out.append((m.start(), m.end(), Threshold("<", 0.0)))
    out += [(m.start(), m.end(), Threshold("=", 0.0)) for m in ZERO.finditer(text)]
    return out + _between(text)


def _second(pattern: str) -> str:
    return pattern.replace("?P<number>", "?P<number2>").replace("?P<multiplier>", "?P<multiplier2>") \
        .replace("?P<unit>", "?P<unit2>")


# 在100万到200万之间, 介于5%和10%之间, 100到200万区间, "between 100 and 200": both ends in (an
# analyst's 之间 counts its bounds); the first end takes the second's 万 or % when it has none
BETWEEN = [re.compile(rf"(?:在|介于|处于)\s*{NUMBER}\s*(?P<to>到|至|和|与|-|~|～|—)\s*{_second(NUMBER)}"
                      r"\s*(?:之间|区间|范围内?)?"),
           re.compile(rf"(?<![\d.]){NUMBER}\s*(?P<to>到|至|-|~|～|—)\s*{_second(NUMBER)}\s*(?:之间|区间)"),
           re.compile(rf"\bbetween\s+{NUMBER}\s*(?P<to>and|to|-)\s*{_second(NUMBER)}", re.I)]


def _between(text: str) -> list[tuple[int, int, Threshold]]:
    out = []
    for m in (m for pattern in BETWEEN for m in pattern.finditer(text)):
        if any(a <= m.start() and m.end() <= b for a, _, _ in out for _, b, _ in out):
            continue  # 在100到200之间 once, not again from its 100
        groups = {k: v for k, v in m.groupdict().items() if v is not None}
        first = _number(groups["number"], groups.get("multiplier") or groups.get("multiplier2", ""),
                        groups.get("unit") or groups.get("unit2", ""))
        second = _number(groups["number2"], groups.get("multiplier2", ""), groups.get("unit2", ""))
        if first[1] != second[1] or first[0] >= second[0]:
            continue  # 在5%到100万之间: two kinds of number; 200到100: no span
        cut = m.end("to")
        out += [(m.start(), cut, Threshold(">=", *first)), (cut, m.end(), Threshold("<=", *second))]
    return out


def word_spans(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    for word in words:
        for m in re.finditer(re.escape(word), text):
            if word.isascii() and not _bounded(text, m.start(), m.end()):
                continue
            out.append((m.start(), m.end()))
    return out


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())


# 占全省 / 占全部品类 / 占所有 / 占整体: the whole is everything, whatever else the question filters
WHOLE_OF_ALL = re.compile(r"全(?![年月季天周日])|所有|整体|总体|\b(?:the\s+)?(?:whole|overall|total|all)\b", re.I)


def share_of_everything(text: str, span: tuple[int, int] | None, hits: list) -> bool:
    """占…比例 with 全 / 所有 between, or a share word naming the whole (占全省)."""
    return bool(span and WHOLE_OF_ALL.search(text, span[0], span[1])) or any(
        h.kind == "comparison" and h.payload == "share" and WHOLE_OF_ALL.search(h.text) for h in hits)


# 杭州离网用户中携号转网的占比: the values said before 中 name the whole, those after it the part
_AMONG = re.compile(r"(?:当中|之中|里面|中|里)(?=[^占]*?(?:的)?(?:占比|比例|比重|百分比))")


def whole_before_among(text: str, hits: list, filters: dict[str, list[str]], group_by: list[str] = ()) -> list[str]:
    """The dimensions before 中 name the whole: a value's (杭州离网用户中…) or, grouped, each group's own
    whole (各地市离网用户中携号转网的占比: of each city's)."""
    among = _AMONG.search(text)
    if among is None:
        return []
    before = {d for h in hits if h.kind == "value" and h.end <= among.start() for d, v in h.payload if v in filters.get(d, [])}
    before |= {d for h in hits if h.kind == "dimension" and h.end <= among.start() for d in h.payload if d in group_by}
    # a value after 中 of two dimensions (携程: a channel or a review site) is the part whichever it is
    after = {d for h in hits if h.kind == "value" and h.start >= among.end() for d, v in h.payload
             if v in filters.get(d, []) or len({e for e, _ in h.payload}) > 1}
    if after and not before and group_by:  # 离网用户中携号转网占比最高的地市: each city's own churners
        return sorted(set(group_by) - {d for h in hits if h.kind == "value" and h.start >= among.end() for d, _ in h.payload})
    return sorted(before - after) if after else []


_WITHIN = re.compile(r"\s*(?:内部|之内|以内|内|之中|当中|中|里面|里)")


def whole_said_within(text: str, hits: list, group_by: list[str]) -> list[str]:
    """各门店类型销售额在各大区中的占比, 每个分行内各网点类型的占比: a grouped dimension said with 内 / 中
    after it is each group's own whole (the share was of everything, the whole never named)."""
    named = sorted({d for h in hits if h.kind == "dimension" and _WITHIN.match(text, h.end)
                    for d in h.payload if d in group_by})
    return named if named and len(named) < len(group_by) else []


def whole_of_each_group(share_span: tuple[int, int] | None, hits: list, filters: dict[str, list[str]],
                        group_by: list[str]) -> list[str]:
    """各地市自营厅新增用户占新增用户的比例: the whole is the metric alone (no value said in it), so each
    city's own; the values said before 占 (on dimensions not grouped) are the part. The grouped
    dimensions, or nothing."""
    if share_span is None or not group_by:
        return []
    start, end = share_span
    inside = [h for h in hits if start <= h.start and h.end <= end]
    # 每个大区销售额最高的门店占大区的比例: a grouped dimension named as the whole is each group's own
    # (the rows ranked or broken down are another dimension: 各支付方式占比 is of all)
    named = sorted({d for h in inside if h.kind == "dimension" for d in h.payload if d in group_by})
    if named and len(named) < len(group_by):
        return named
    if not any(h.kind == "metric" for h in inside) or any(h.kind in ("value", "dimension") for h in inside):
        return []
    parts = {d for h in hits if h.kind == "value" and h.end <= start for d, v in h.payload
             if v in filters.get(d, []) and d not in group_by}
    return sorted(group_by) if parts else []


def said_in_the_whole(text: str, hits: list, filters: dict[str, list[str]]) -> list[str]:
    """The filtered dimensions whose value is said after the 全 / 所有 of a share's whole (占全省自营厅)."""
    share = next((h.start for h in hits if h.kind in ("share_of", "comparison") and h.payload in ("share", None)
                  and "占" in h.text), None)
    if share is None:
        share = text.find("占")
    whole = WHOLE_OF_ALL.search(text, share) if share >= 0 else None
    if whole is None:
        return []
    return sorted({d for h in hits if h.kind == "value" and h.start >= whole.end()
                   for d, v in h.payload if v in filters.get(d, [])})


def share_spans(text: str) -> list[tuple[str, int, int]]:
    """(share_of | comparison, start, end): share_of opens the whole (values after it up to the share
    word name it), comparison is the share word itself."""
    out = []
    for m in SHARE_OF_EN.finditer(text):  # what % of sales in 华东 came from online: after "came from", the part
        part = SHARE_PART_EN.search(text, m.end())
        out += [("comparison", m.start(), m.end())] if part is None else [
            ("share_of", m.start(), m.end()), ("comparison", part.start(), part.end())]
    for m in [] if out else SHARE_WHOLE_EN.finditer(text):
        within = SHARE_WITHIN_EN.search(text, m.end())
        out.append(("share_of", *(within.span() if within else (m.end() - 2, m.end()))))
    for m in re.finditer(r"占(?![用线据领])[^，,。？?]{0,12}?(比例|百分比|比重|份额|几成|多少成|多少(?:的)?(?:比例|百分比|比重|份额)?)", text):  # 占…比例: the whole between
        if text.startswith("占比", m.start()):  # 占比多少: one share word, none when a metric's name holds it (会员间夜占比)
            out.append(("comparison", m.start(), m.end()))
            continue
        out += [("share_of", m.start(), m.start() + 1), ("comparison", m.start(1), m.end(1))]
    return out


def change_direction(h: Hit, text: str) -> str | None:
    """up / down for a word that says which way a change went; unclear when it is said of the rate of
    change (增速下降: growth slowed, not fell) or denied (没有下降); None for the change itself (增长率)."""
    word = h.text.strip()
    direction = "down" if word in DECREASE + LESS else \
        "up" if word in INCREASE + MORE else None
    if direction is None:
        return None
    before = text[max(0, h.start - 12):h.start].rstrip()
    if before.endswith(RATE_OF_CHANGE) or before.endswith(DENIED):
        return "unclear"
    return direction
