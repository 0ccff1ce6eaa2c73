"""Numbers as people say them, turned into digits before anything is matched: Chinese numerals
(近十二个月 → 近12个月, 百分之十 → 10%), English number words (last two weeks → last 2 weeks) and
a bare 百万 after a comparison (过百万 → 过1百万)."""

from __future__ import annotations

import re
import warnings

CHINESE_NUMERAL = re.compile("[零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")
PROTECTED = ("千兆", "万兆", "百兆", "一下", "一些", "一共", "一起", "一样", "一直", "统一", "万家", "千家")


# English number words (last two weeks, top five): "one" stays a word (which one, no one)
EN_UNITS = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve thirteen "
                                       "fourteen fifteen sixteen seventeen eighteen nineteen".split()) if i >= 2}
EN_TENS = {w: 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split(), start=2)}
EN_NUMBER = re.compile(rf"\b(?:(?P<tens>{'|'.join(EN_TENS)})(?:[- ](?P<unit>{'|'.join(list(EN_UNITS)[:8])}|one))?|"
                       rf"(?P<alone>{'|'.join(EN_UNITS)}))\b", re.IGNORECASE)


def _en_number(m: re.Match) -> str:
    if m["alone"]:
        return str(EN_UNITS[m["alone"].lower()])
    return str(EN_TENS[m["tens"].lower()] + ({"one": 1} | EN_UNITS).get((m["unit"] or "").lower(), 0))


# "five hundred", "three hundred thousand", "a thousand": the scale words multiply (after the digits above)
EN_HUNDREDS = re.compile(r"\b(?P<n>\d+(?:\.\d+)?|an?|one)\s+hundred(?:\s+(?:and\s+)?(?P<rest>\d{1,2})\b)?"
                         r"(?P<k>\s+thousand)?\b", re.IGNORECASE)
EN_THOUSANDS = re.compile(r"\b(?P<n>\d+(?:\.\d+)?|an?|one)\s+thousand\b", re.IGNORECASE)


def _scaled(n: str, scale: int, rest: str | None = None) -> str:
    value = (1 if n.lower() in ("a", "an", "one") else float(n)) * scale + int(rest or 0)
    return str(int(value)) if value == int(value) else str(value)


APPROXIMATE = re.compile(r"一两|两三|三四|四五|五六|六七|七八|八九|三五|十几|几十|几百|几千|几万")
APPROX_SCALED = re.compile(r"(?<![\d.])\d+\s*(?:来|多|余)\s*[万千百亿]")
EN_BILLIONS = re.compile(r"\b(\d+(?:\.\d+)?)\s*(?:bn|billion)\b", re.IGNORECASE)
EN_EXPONENT = re.compile(r"\b(\d+(?:\.\d+)?)e(\d{1,2})\b", re.IGNORECASE)
EN_HALF_MILLION = re.compile(r"\bhalf\s+a\s+million\b", re.IGNORECASE)
EN_A_MILLION = re.compile(r"\b(?:a|one)\s+million\b", re.IGNORECASE)


def _plain(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def _digits_in_chinese(said: str) -> str:
    """20多万 → 二十多万: an approximate amount keeps its words, and no bound reads its digits."""
    if not re.search(r"\d", said):
        return said
    import cn2an

    return re.sub(r"\d+", lambda m: cn2an.an2cn(m.group(0)), said)
DIGIT_GROUPS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,])")


def join_digit_groups(text: str) -> str:
    """5,000 is five thousand, never the 5 a comma would leave. Only an ASCII comma, before the text
    is normalised: 前10，200单以上 (a Chinese comma) is ten, then two hundred."""
    return DIGIT_GROUPS.sub(lambda m: m.group(0).replace(",", ""), text) if "," in text else text
PER_MILLE = re.compile(r"千分之\s*(\d+(?:\.\d+)?)")
WAN_SHORTHAND = re.compile(r"(?<![a-z\d.])(\d+(?:\.\d+)?)\s*w(?![a-z])")
CURRENCY_BEFORE = re.compile(r"(?:[¥￥]|(?<![a-z])(?:rmb|cny)\s*)(?=\d)", re.IGNORECASE)


# digits mixed with Chinese multipliers, one digit before each: 2十万, 1百5十万, 5千5, 1万5, 1亿5
MIXED_NUMBER = re.compile(r"(?<![\d.])(?:\d[十百千万亿]+)+\d?(?![\d.])")
TENTHS_AND_MORE = re.compile(r"(?<![\d.])(\d)成(\d)(?![\d.%])")
DIGITS_ZH = dict(zip("0123456789", "零一二三四五六七八九", strict=True))


def _all_chinese(m: re.Match) -> str:
    """The numeral said all in Chinese, for cn2an to read whole; 20万 or 3万 (no digit after a
    multiplier of its own, no 十百千) stay digits."""
    said = m.group(0)
    if not re.search(r"[十百千]|[万亿]\d", said):
        return said
    if re.search(r"[百千万亿]\d$", said):  # 1亿5 is 1亿5千万, 1万5 is 1万5千: the next unit down, unsaid
        said += {"百": "十", "千": "百", "万": "千", "亿": "千万"}[said[-2]]
    return "".join(DIGITS_ZH.get(ch, ch) for ch in said)


def normalise_numbers(text: str) -> str:
    """Chinese numerals → digits (近十二个月 → 近12个月), leaving words like 千兆 and 一下 alone; English
    number words from two up likewise (last two weeks → last 2 weeks)."""
    # ¥180 / RMB 5000: the bare amount (a dollar sign stays: the catalog's money is not known to be
    # in dollars)
    text = CURRENCY_BEFORE.sub("", text)
    text = EN_NUMBER.sub(_en_number, text)
    text = EN_HUNDREDS.sub(lambda m: _scaled(m["n"], 100_000 if m["k"] else 100,
                                             str(int(m["rest"]) * (1000 if m["k"] else 1)) if m["rest"] else None), text)
    text = EN_THOUSANDS.sub(lambda m: _scaled(m["n"], 1000), text)
    text = EN_BILLIONS.sub(lambda m: _plain(float(m[1]) * 1e9), text)  # 1bn, 2.5 billion
    text = EN_EXPONENT.sub(lambda m: _plain(float(m[1]) * 10 ** int(m[2])), text)  # 3e5
    text = EN_HALF_MILLION.sub("500000", text)
    text = EN_A_MILLION.sub("1 million", text)
    # 两三家, 三五个, 十几个, 20多万, 20来万: an approximate count is no number (两三 was read as 23, 20多万
    # as 20); left as said (its digits in Chinese, so no bound reads them), so asked
    approximate = APPROXIMATE.findall(text) + APPROX_SCALED.findall(text)
    for i, said in enumerate(approximate):
        text = text.replace(said, f"\x02{i}\x02", 1)
    text = re.sub(r"(近|最近|过去)半年", r"\g<1>6个月", text)
    text = re.sub(r"两(?=季度)", "两个", text)  # 两季度 counts quarters; 二季度 is the second
    text = re.sub(r"两", "二", text)
    # 过百万, 破千万: a bare 百万 after a comparison is one million (超过百分之十 is 10%, not 1百)
    text = re.sub(r"(超过|超|过|破|突破|高于|大于|低于|不足|不到|跑赢|跑输)(百万|千万|百亿|千亿|万|千|百|亿)(?![\d万亿分])",
                  r"\g<1>1\g<2>", text)
    kept = {}
    for i, word in enumerate(PROTECTED):
        if word in text:
            kept[f"\x00{i}\x00"] = word
            text = text.replace(word, f"\x00{i}\x00")
    text = MIXED_NUMBER.sub(_all_chinese, text)  # 2十万 is 二十万 (200000), never 2 then 十万 (2100000)
    try:
        if CHINESE_NUMERAL.search(text):  # cn2an takes ~0.7 s to import: only when there is a numeral
            import cn2an

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                text = cn2an.transform(text, "cn2an")
    except (ValueError, KeyError):  # cn2an rejects some strings; keep the original
        pass
    for placeholder, word in kept.items():
        text = text.replace(placeholder, word)
    text = TENTHS_AND_MORE.sub(lambda m: f"{m[1]}{m[2]}%", text)  # 五成五 (5成5): 55%
    # 千分之5 is 0.5%; 30w (chat shorthand for 万) is 30万
    text = PER_MILLE.sub(lambda m: f"{float(m[1]) / 10:g}%", text)
    text = WAN_SHORTHAND.sub(r"\1万", text)
    for i, said in enumerate(approximate):
        text = text.replace(f"\x02{i}\x02", _digits_in_chinese(said))
    # 25年, 26年10月, 25Q4: a year said short (never a span of years: 近25年, 超过25年, 25年以上)
    text = SHORT_YEAR.sub(r"20\g<yy>", text)
    return text


SHORT_YEAR = re.compile(r"(?<![\d.])(?<!近)(?<!过去)(?<!超过)(?<!满)(?<!第)(?<!前)(?<!后)(?<!于)(?<!达)(?<!共)"
                        r"(?P<yy>[23]\d)(?=\s*年(?!\s*(?:以上|以下|以内|多|来|之内|内|左右|期|间))|q[1-4](?![\d]))", re.I)
