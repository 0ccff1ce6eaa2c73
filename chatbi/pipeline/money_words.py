"""Money asked of a count: 去年理赔了多少钱 / "how much did we pay out in claims" is the amount paid,
never the number of claims. A reading whose metrics are no amount of money cannot answer a question
that asks one; the amounts of the same rows are offered instead (or it is refused). "How much" said
of a count, where the same rows also have an amount, and "how many" of an amount, are asked too."""

from __future__ import annotations

import datetime as dt
import re

from chatbi.pipeline.answer import Answer
from chatbi.pipeline.replies import Replies
from metric_catalog import graph
from metric_catalog.model import Catalog
from semantic_layer import SemanticQuery, User

_NOT_MONEY = r"(?!\s*(?:的)?(?:时间|天|小时|分钟|秒|个?月|年|周|精力|人力))"  # 花了多少天: time, not money
MONEY_ASKED = re.compile(rf"多少钱|几块钱|多少块钱|多少元|多少金额|金额(?:是|有)?多少|花了多少{_NOT_MONEY}|花费多少{_NOT_MONEY}|"
                         r"\bhow\s+much\s+money\b|"
                         r"\bhow\s+much\b(?!\s+(?:time|longer|effort))(?:(?!\btime\b).)*\b(?:cost|costs|pay|paid|spend|spent|charged?|earn|earned)\b",
                         re.I)
HOW_MUCH = re.compile(r"\bhow\s+much\b", re.I)
HOW_MANY = re.compile(r"\bhow\s+many\b", re.I)
# 有多少户欠费, 欠费的有几户: a counter of things, never of money (元 / 块 are money's own)
ZH_HOW_MANY = re.compile(r"(?:多少|几)\s*(?:户|人|位|名|个|家|笔|单|件|张|次|条|台|部)")
_CURRENCIES = {"cny", "rmb", "yuan", "usd", "eur", "hkd", "gbp", "jpy", "dollars", "dollar", "$", "¥"}


def is_money(catalog: Catalog, metric: str) -> bool:
    """An amount of money (元, 万元, CNY, 元/单 per order): by the metric's unit."""
    unit = catalog.metrics[metric].unit
    zh, en = (unit.zh or "").split("/")[0].strip(), (unit.en or "").split(" per ")[0].split("/")[0].strip().lower()
    return zh.endswith("元") or zh == "块" or en in _CURRENCIES


def _is_count(catalog: Catalog, metric: str) -> bool:
    spec = catalog.metrics[metric]
    return spec.type == "simple" and spec.agg in ("count", "count_distinct")


def _tables(catalog: Catalog, metric: str) -> set[str]:
    return {catalog.metrics[leaf].table for leaf in graph.leaf_metrics(catalog, metric)}


SAID_NEAR = 24  # "how many new fibre subscribers": the metric's name begins within a few words


def mismatch(catalog: Catalog, text: str, metrics: list[str], positions: dict[str, int],
             groups: bool = False) -> tuple[str, list[str]] | None:
    """(why, the metrics to offer instead) when the question asks money and no metric read is one, or
    'how much' of a count / 'how many' of an amount, said of the metric itself ("how many outlets had
    ARPU above 180" counts outlets), where the same rows have the other; else None."""
    if not metrics:
        return None
    tables = set().union(*(_tables(catalog, m) for m in metrics))
    kin = [m for m in catalog.metrics if not catalog.metrics[m].hidden and _tables(catalog, m) <= tables]
    if MONEY_ASKED.search(text) and not any(is_money(catalog, m) for m in metrics):
        return "money", [m for m in kin if is_money(catalog, m)]
    if len(metrics) != 1 or HOW_MANY.search(text) and HOW_MUCH.search(text):
        return None
    metric = metrics[0]

    def said_of_it(asked: re.Match | None) -> bool:
        at = positions.get(metric, -1)
        return asked is not None and asked.end() <= at <= asked.end() + SAID_NEAR \
            and not any(asked.end() <= p < at for k, p in positions.items() if k != metric)  # how many outlets

    if said_of_it(HOW_MUCH.search(text)) and _is_count(catalog, metric):
        amounts = [m for m in kin if is_money(catalog, m)]
        return ("how_much", [metric, *amounts]) if amounts else None
    counted = None if groups else ZH_HOW_MANY.search(text)  # 销售额超过X的月份有几个: the groups are counted
    said_zh = counted is not None and (said_of_it(counted) or _just_before(positions, metric, counted, text))
    if (said_of_it(HOW_MANY.search(text)) or said_zh) and is_money(catalog, metric):
        return "how_many", [metric, *[m for m in kin if _is_count(catalog, m)]]  # none: refused
    return None


def _just_before(positions: dict[str, int], metric: str, asked: re.Match, text: str) -> bool:
    """欠费的有多少户: the metric said just before the count, nothing else named between."""
    at = positions.get(metric, -1)
    return 0 <= at < asked.start() <= at + SAID_NEAR and not any(at < p < asked.start() for k, p in positions.items()
                                                                  if k != metric)


def with_metric(query: SemanticQuery, old: str, new: str) -> SemanticQuery | None:
    """The same reading with ``new`` in place of ``old`` wherever it is used; None if that is invalid."""
    def field(name: str) -> str:  # an order by a metric's column (销售额, 销售额__growth)
        return new if name == old else new + name[len(old):] if name.startswith(f"{old}__") else name

    data = query.model_dump()
    data["metrics"] = [new if m == old else m for m in data["metrics"]]
    for having in data["having"]:
        having["metric"] = new if having["metric"] == old else having["metric"]
    for order in data["order_by"]:
        order["field"] = field(order["field"])
    if data.get("top_within") and data["top_within"]["metric"] == old:
        data["top_within"]["metric"] = new
    try:
        return SemanticQuery.model_validate(data)
    except ValueError:
        return None


def other_measure(replies: Replies, question: str, read: SemanticQuery, asked: tuple[str, list[str]], user: User,
                  as_of: dt.date) -> Answer:
    """多少钱 of a count: the amounts of the same rows offered, or refused when there is none."""
    catalog = replies.catalog
    why, offers = asked
    old = next((m for m in read.metrics if not is_money(catalog, m)), read.metrics[0])
    drafts = [q for q in (read if m == old else with_metric(read, old, m) for m in offers) if q]
    if why == "money" and not drafts:
        name = catalog.metrics[old].name
        return replies.refuse(question, "no_amount", f"问的是金额，但「{name.zh}」是个数，目录里没有这些记录的金额指标。",
                              f"The question asks an amount of money, but {name.en} is a count and the catalog has "
                              "no amount for those rows.", user)
    if why == "how_many" and len(drafts) < 2:
        name = catalog.metrics[read.metrics[0]].name
        return replies.refuse(question, "no_count", f"问的是个数，但「{name.zh}」是金额，目录里没有这些记录的计数指标。",
                              f"The question asks how many, but {name.en} is an amount and the catalog has no count "
                              "of those rows.", user)
    if why == "money":
        return replies.clarify(question, drafts, "amount_asked", "问的是金额，可能指以下几个金额指标，请选择：",
                               "The question asks an amount of money; it could be any of these:", user, as_of)
    return replies.clarify(question, drafts, "amount_or_count", "问的是金额还是个数？请选择：",
                           "Do you mean an amount or a count? Please pick one:", user, as_of)


def amounts_offered(catalog: Catalog, text: str, answer: Answer) -> Answer:
    """去年理赔了多少钱, asked back: only the amounts of money are offered, when there are some."""
    if answer.status != "clarify" or not answer.candidates or not MONEY_ASKED.search(text):
        return answer
    amounts = [c for c in answer.candidates if all(is_money(catalog, m) for m in c.interpretation.metrics)
               and c.interpretation.metrics]
    if amounts:
        answer.candidates = amounts
    return answer
