"""English time expressions ("last quarter", "Q3 2026", "from March to May", "since September"):
rules tried after the Chinese ones, in this order (timeparse.find_time)."""

from __future__ import annotations

from chatbi.pipeline.rule_registry import rules_into
from chatbi.pipeline.time_rules import EN_MONTH, MONTHS_EN, WORD_NUMBERS, TimeWindow, month_before_last

EN_PATTERNS: list[tuple[str, callable]] = []
rule = rules_into(EN_PATTERNS)

@rule(r"(?<![a-z0-9])(?:q(?P<q1>[1-4])\s*(?:of\s*)?(?P<y1>20\d{2})|(?P<y2>20\d{2})\s*-?\s*q(?P<q2>[1-4]))(?![a-z0-9])")
def _en_quarter_year(m, as_of):
    return TimeWindow("quarter", m.group(0), year=int(m["y1"] or m["y2"]), quarter=int(m["q1"] or m["q2"]))


@rule(r"\b(?:last|past|previous|recent)\s+(?P<n>\d{1,2}|" + "|".join(WORD_NUMBERS) + r")\s+months?\b")
def _en_last_n_months(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_months", m.group(0), n=int(n) if n.isdigit() else WORD_NUMBERS[n])


@rule(r"\b(?:last|past|previous)\s+(?P<n>\d{1,2}|" + "|".join(WORD_NUMBERS) + r")\s+quarters?\b")
def _en_last_n_quarters(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_quarters", m.group(0), n=int(n) if n.isdigit() else WORD_NUMBERS[n])


@rule(r"\b(?:last|past|previous)\s+(?P<n>\d{1,3}|" + "|".join(WORD_NUMBERS) + r")\s+days?\b")
def _en_last_n_days(m, as_of):
    n = m["n"]
    return TimeWindow("last_n_days", m.group(0), n=int(n) if n.isdigit() else WORD_NUMBERS[n])


@rule(r"\b(?:last|past|previous)\s+(?:7\s+days|week|(?P<n>\d{1,2})\s+weeks)\b")
def _en_last_week_span(m, as_of):
    if m.group(0).endswith("week"):
        return TimeWindow("last_week", m.group(0))
    return TimeWindow("last_n_days", m.group(0), n=7 * int(m["n"]) if m["n"] else 7)


@rule(r"\b(?:last|past)\s+(?:12\s+months|year)\b(?=.*\b(?:rolling|trailing)\b)|\btrailing\s+(?:12\s+months|twelve months)\b|"
      r"\b(?:the\s+)?past\s+year\b")
def _en_trailing_year(m, as_of):  # "the past year" (never "last year", the calendar year before)
    return TimeWindow("past_year", m.group(0))


# from March to May, between Jan and Mar 2026, Jan-Mar: one span of months ("March and May" is two)
@rule(r"\b(?:(?P<between>between)\s+|from\s+)?" + EN_MONTH + r"\s*(?:-|–|~|\bto\b|\bthrough\b|\bthru\b|\buntil\b|"
      r"(?P<and>\band\b))\s*" + EN_MONTH.replace("(", "(?P<m2>", 1) + r"\b(?:,?\s+(?P<y>20\d{2})\b)?")
def _en_month_range(m, as_of):
    if m["and"] and not m["between"]:
        return None
    first, last = MONTHS_EN[m.group(2)[:3]], MONTHS_EN[m["m2"][:3]]
    return TimeWindow("month_range", m.group(0), year=int(m["y"]) if m["y"] else None, month=first,
                      end_month=last) if first <= last else None


# "premium through September", "up to the end of October": January to that month (a span said from
# another month first is the range above)
@rule(r"\b(?:through|thru|up\s+to|until|till)\s+(?:the\s+end\s+of\s+|end\s+of\s+)?" + EN_MONTH +
      r"\b(?:,?\s+(?P<y>20\d{2})\b)?")
def _en_to_a_month_end(m, as_of):
    return TimeWindow("month_range", m.group(0), year=int(m["y"]) if m["y"] else None, month=1,
                      end_month=MONTHS_EN[m.group(1)[:3]])


@rule(r"\bsince\s+" + EN_MONTH + r"(?:\s+(?P<y>20\d{2}))?\b")
def _en_since(m, as_of):
    month = MONTHS_EN[m.group(1)[:3]]
    return TimeWindow("since_month", m.group(0), month=month, year=int(m["y"]) if m["y"] else None)


@rule(r"\bsince\s+(?:the\s+start\s+of\s+)?(?P<y>20\d{2})\b")
def _en_since_year(m, as_of):
    return TimeWindow("since_month", m.group(0), month=1, year=int(m["y"]))


@rule(r"\b" + EN_MONTH + r"\s*(?P<y>20\d{2})\b")
def _en_month_year(m, as_of):
    return TimeWindow("month", m.group(0), year=int(m["y"]), month=MONTHS_EN[m.group(1)[:3]])


@rule(r"\b(?:the\s+)?(?P<o>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+(?:of\s+)?(?P<y>20\d{2}))?\b")
def _en_ordinal_quarter(m, as_of):
    quarter = {"first": 1, "second": 2, "third": 3, "fourth": 4}.get(m["o"], None) or int(m["o"][0])
    return TimeWindow("quarter", m.group(0), year=int(m["y"]) if m["y"] else None, quarter=quarter)


rule(r"\b(?:the\s+)?month\s+before\s+last\b")(month_before_last)  # as 上上个月


@rule(r"\b(?:this|current)\s+quarter\b|\bqtd\b|\bquarter[\s-]to[\s-]date\b")
def _en_this_quarter(m, as_of):
    return TimeWindow("this_quarter", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+quarter\b")
def _en_last_quarter(m, as_of):
    return TimeWindow("last_quarter", m.group(0))


@rule(r"\b(?:this|current)\s+month\b|\bmtd\b|\bmonth[\s-]to[\s-]date\b")
def _en_this_month(m, as_of):
    return TimeWindow("this_month", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+month\b")
def _en_last_month(m, as_of):
    return TimeWindow("last_month", m.group(0))


@rule(r"\b(?:same\s+period\s+last\s+year)\b")
def _en_same_period(m, as_of):
    return TimeWindow("same_period_last_year", m.group(0))


@rule(r"\b(?:this|current)\s+(?:year|yr)\b")
def _en_this_year(m, as_of):
    return TimeWindow("this_year", m.group(0))


@rule(r"\b(?:last|previous|prior)\s+(?:year|yr)\b")
def _en_last_year(m, as_of):
    return TimeWindow("year", m.group(0), year=as_of.year - 1)


@rule(r"\b(?:this|current)\s+week\b")
def _en_this_week(m, as_of):
    return TimeWindow("this_week", m.group(0))


@rule(r"\byesterday\b")
def _en_yesterday(m, as_of):
    return TimeWindow("yesterday", m.group(0))


@rule(r"\btoday\b")
def _en_today(m, as_of):
    return TimeWindow("today", m.group(0))


@rule(r"\b(?:in\s+)?" + EN_MONTH + r"\b(?!\s*\d)")
def _en_month(m, as_of):
    word = m.group(1)
    if word == "may" and not m.group(0).startswith("in"):
        return None  # "may" is usually the verb
    return TimeWindow("month", m.group(0), month=MONTHS_EN[word[:3]])


@rule(r"\b(?:in\s+)?(?P<y>20\d{2})\b")
def _en_year(m, as_of):
    return TimeWindow("year", m.group(0), year=int(m["y"]))


