"""The intent guard: requests that must never reach a model or a database are refused by rule.

Write requests, SQL or prompt injection, chit-chat and unrelated tasks are recognised here,
before any model runs (a small model still maps "把所有欠费用户改成停机" to a metric).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from chatbi.pipeline.vocabulary import normalise

MAX_QUESTION_CHARS = 300

WRITE = re.compile(
    r"删除|删掉|删了|删去|清空|清除|清零|插入|改成|改为|改一下|修改|篡改|作废|重置|覆盖|录入|导入数据|写入|回滚|"
    r"(?:新增|添加|增加|插入|录入|加|新建|创建)一(?:条|笔|个|行|家|位|名|张|间)|"
    r"(?:把|将).{0,20}(?:更新|改|设为|设置为|调整为|置为|标记为)|更新为|更新成|批量(?:停机|销户|处理)|"
    r"\b(?:delete|truncate|insert|alter|grant|revoke|merge|upsert|overwrite)\b|\bupdate\b.{0,60}\b(?:set|to)\b|"
    # "drop" is also the analysts' word for a fall (sales drop by 10%): a write only when it drops a thing
    r"\bdrop\s+(?:(?:the|all|this|that|these|those|every|my|our)\s+)?(?:[\w.]+\s+)?(?:tables?|views?|index|indexes|"
    r"schemas?|databases?|columns?|constraints?)\b|"  # "drop the bills table"
    r"\bdrop\s+(?:(?:the|all|this|that|these|those|every|my|our)\s+)?(?:data|records?|rows?|everything|all|users?|"
    r"customers?|orders?|stores?|subscribers?|accounts?|products?|policies|claims?)\b|\bdrop\s+\w+\s*(?:;|$)|"
    r"\bcreate\s+(?:table|view|index|database|schema)\b|"
    # set … on all … to 20%, change every … to closed, mark the orders as refunded (not "change the period to Q3")
    r"\b(?:set|change)\s+(?!the\s+(?:period|year|month|date|limit|chart|metric|range|time|grain|view)\b)"
    r"(?=.{0,80}?\b(?:all|every|each)\b)(?:the|all|every|each|its|their|our)\b.{0,80}?\bto\s+\w|"
    r"\b(?:set|change)\s+(?!the\s+(?:period|year|month|date|limit|chart|metric|range|time|grain|view)\b)"
    r"(?:the|all|every|each|its|their|our)\b.{0,80}?\bto\s+-?\d|"
    # "set Ningbo's commission for October to 500k": a stored value set to a number
    r"\bset\s+(?!(?:the\s+)?(?:period|year|month|date|limit|chart|metric|range|time|grain|view|top|n)\b)"
    r"[\w'’]+(?:'s|’s)\s.{0,60}?\bto\s+-?\d|"
    # "set customer C000789's tier to private banking", "change the tier of customer C000789 to 私行": a
    # stored attribute set to a value, said as a command (not "what was the change in Ningbo's sales")
    r"(?:^|[,;，。]\s*|\b(?:please|pls|kindly|now)\s+)(?:set|change|update)\s+(?!(?:the\s+)?(?:period|year|month|"
    r"date|limit|chart|metric|range|time|grain|view|top|n)\b)(?:\S+\s+){0,3}?(?:[\w-]*(?:'s|’s)\s|\w+\s+of\s).{0,60}?"
    r"\bto\s+\w|"
    r"(?:^|[,;，。]\s*|\b(?:please|pls|kindly)\s+)mark\s+.{0,40}?\bas\s+\w|"
    r"设成|设置成|调成|调为|调到|调整到|升级为|降级为|升为|降为|改到|"
    r"\bmark\s+(?:the|all|every|these|those|this|that)\b.{0,60}?\bas\s+\w|"
    r"\b(?:remove|erase|wipe|modify|change)\b.{0,30}"
    r"\b(?:data|record|records|rows?|table|users?|subscribers?|accounts?)\b")
SQL = re.compile(
    r"\bselect\b[\s\S]{0,200}\bfrom\b|\bunion\b\s+(?:all\s+)?select\b|;\s*\S|--|/\*|\*/|\bexec(?:ute)?\b|"
    r"\bxp_\w+|information_schema|pg_catalog|sqlite_master|duckdb_\w+|\bpragma\b|\battach\b|\bcopy\b.{0,40}\bto\b|"
    r"read_(?:csv|parquet|json)|\bwhere\b\s+\w+\s*=|\bor\s+1\s*=\s*1\b|'\s*or\s*'", re.IGNORECASE)
INJECTION = re.compile(
    r"(?:忽略|无视|忘记|忘掉|不要管|跳过)(?:之前|以上|上面|前面|所有|全部|你的)?(?:的)?(?:所有)?(?:指令|指示|规则|提示|设定|要求|限制)|"
    r"\bignore\b.{0,20}\b(?:instructions?|rules|prompts?|above|previous|prior)\b|system\s*prompt|系统提示|提示词|"
    r"你现在是|你扮演|扮演一个|假装你|\bpretend\b|\bjailbreak\b|developer\s+mode|\bDAN\b|\bact\s+as\b|"
    r"(?:输出|告诉我|显示|泄露)(?:你的)?(?:提示|指令|设定|prompt)|reveal\s+your|you\s+are\s+now|new\s+instructions",
    re.IGNORECASE)
# Identifiers of a person: an assessment catalog aggregates, it never hands a person's contact or
# identity out (a catalog that names such a column for a business, a store's phone, keeps it)
PERSONAL = re.compile(
    r"手机号|电话号码|联系电话|联系方式|身份证|证件号|家庭住址|住址|收货地址|详细地址|邮箱地址|电子邮箱|银行卡号|银行账号|车牌号|"
    r"\b(?:phone|mobile|cell|telephone|contact)\s+(?:numbers?|nos?\.?|details)\b|\bid\s+(?:card\s+)?numbers?\b|"
    r"\bid\s+cards?\b|\b(?:home|email|e-mail|street|delivery|postal)\s+address(?:es)?\b|\bsocial\s+security\b|"
    r"\b(?:bank|card)\s+(?:account\s+)?numbers?\b|\blicen[cs]e\s+plates?\b|\bpassport\b", re.IGNORECASE)
CHITCHAT = re.compile(
    r"^(?:你好|您好|嗨|哈喽|在吗|在不在|早上好|早安|中午好|下午好|晚上好|晚安|谢谢|多谢|谢啦|辛苦了|再见|拜拜|好的|收到|"
    r"ok|okay|hi|hello|hey|thanks|thank you|bye|good morning|good night)[\s!！。.?？~～]*$|"
    r"讲个?笑话|说个?笑话|\bjokes?\b|天气|下雨|下雪|气温|\bweather\b|\brain\b|你是谁|你叫什么|你几岁|你是男|"
    r"who are you|what(?:'s| is) your name|how are you|写一?首.{0,12}?(?:诗|歌|词)|作诗|写诗|\bpoem\b|翻译|\btranslate\b|写代码|"
    r"写.{0,12}(?:程序|代码|脚本|函数)|\bpython\b|\bjava\b|\bwrite (?:a |some )?(?:code|program|script|function)\b|股票|股价|基金|比特币|彩票|\bstocks?\b|"
    r"新闻|八卦|电影|音乐|唱歌|菜谱|做饭|减肥|星座|算命|\brecipe\b|\bmovie\b|\bsong\b|lottery|bitcoin|"
    r"世界杯|足球|篮球|旅游|机票|酒店|recommend a|推荐一?[部本首个家].{0,6}(?:电影|书|歌|餐厅|酒店)",
    re.IGNORECASE)


# Control, zero-width and bidirectional-override characters: they change how a text looks (or
# hide parts of it) without changing what it asks, so they never reach matching or an echo.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u2069\ufeff\u00ad]")


def clean(question: str) -> str:
    """The question as it will be read, audited and echoed: NFC, no invisible characters,
    tabs and newlines as spaces."""
    text = unicodedata.normalize("NFC", question or "")
    text = re.sub(r"[\t\r\n]+", " ", text)
    return _INVISIBLE.sub("", text).strip()


@dataclass(frozen=True)
class GuardVerdict:
    allowed: bool
    reason: str = ""  # write_request | sql | injection | personal_data | chitchat | empty | too_long
    zh: str = ""
    en: str = ""


MESSAGES = {
    "write_request": ("ChatBI 只能查询数据，不能修改、删除或写入任何数据。需要变更数据请走业务系统流程。",
                      "ChatBI only reads data; it cannot change, delete or write anything. Use the business "
                      "system for changes."),
    "sql": ("请用自然语言提问，不要输入 SQL。分析师可以在分析工作台中运行经过校验的 SQL。",
            "Please ask in plain language rather than SQL. Analysts can run checked SQL in the workbench."),
    "injection": ("这个请求试图改变助手的规则，无法执行。请直接询问指标目录中的指标{example_zh}。",
                  "This request tries to change the assistant's rules and cannot be carried out. Ask about a "
                  "metric of the catalog instead{example_en}."),
    "personal_data": ("个人的联系方式、证件和住址等信息不对外提供，这里只回答指标目录中的统计指标{example_zh}。",
                      "Personal contact details, identity numbers and addresses are never handed out; ask about "
                      "the catalog's metrics instead{example_en}."),
    "chitchat": ("我是{assistant_zh}，只回答指标目录中的指标相关的问题{example_zh}。",
                 "I am {assistant_en} and answer questions about the metrics of its catalog{example_en}."),
    "empty": ("请输入一个问题{example_zh}。", "Please type a question{example_en}."),
    "too_long": (f"问题太长了（超过 {MAX_QUESTION_CHARS} 字），请精简后再问。",
                 f"The question is too long (over {MAX_QUESTION_CHARS} characters); please shorten it."),
}


def check(question: str, catalog=None) -> GuardVerdict:
    """``catalog`` gives the messages their assistant's name and an example question of its own."""
    text = normalise(question or "")
    if not text:
        reason = "empty"
    elif len(text) > MAX_QUESTION_CHARS:
        reason = "too_long"
    elif INJECTION.search(text):
        reason = "injection"
    elif SQL.search(text):
        reason = "sql"
    elif WRITE.search(text):
        reason = "write_request"
    elif (personal := PERSONAL.search(text)) and not _catalog_says(catalog, personal.group(0)):
        reason = "personal_data"
    elif (chat := CHITCHAT.search(text)) and not _catalog_says(catalog, chat.group(0).strip(), everything=True):
        reason = "chitchat"  # 基金 is chitchat to a telecom catalog, a product to a bank's
    else:
        return GuardVerdict(True)
    zh, en = MESSAGES[reason]
    words = {"assistant_zh": "数据助手", "assistant_en": "a data assistant", "example_zh": "", "example_en": ""}
    if catalog is not None:
        from chatbi.pipeline.catalog_voice import assistant_name, sample_question

        zh_sample, en_sample = sample_question(catalog, "zh"), sample_question(catalog, "en")
        words.update(assistant_zh=assistant_name(catalog, "zh"), assistant_en=assistant_name(catalog, "en"),
                     example_zh=f"，例如「{zh_sample}」" if zh_sample else "",
                     example_en=f", e.g. '{en_sample}'" if en_sample else "")
    return GuardVerdict(False, reason, zh.format(**words), en.format(**words))


def _catalog_says(catalog, word: str, everything: bool = False) -> bool:
    """Whether the catalog itself speaks of ``word``: a dimension of its data (门店联系电话), or a topic
    it marks unavailable, whose own reason then refuses the question; ``everything``: its metrics and
    values too (a bank's 基金 is no small talk)."""
    if catalog is None:
        return False
    word = word.lower()
    terms = [t for d in catalog.dimensions.values() for t in (d.name.zh, d.name.en, *d.synonyms)]
    terms += [t for topic in catalog.catalog.unavailable for t in topic.terms]
    if everything:  # the word itself one of the catalog's (基金 of 基金代销), not a word about one (关于5G的诗)
        terms += [t for m in catalog.metrics.values() for t in (m.name.zh, m.name.en, *m.synonyms)]
        terms += [t for d in catalog.dimensions.values() for v, syn in d.values.items() for t in (v, *syn)]
        if word.isascii():  # "hi" is no word of "relationship manager"
            return any(re.search(rf"\b{re.escape(word)}\b", t.lower()) for t in terms if t)
        return len(word) > 1 and any(word in t.lower() for t in terms if t)
    return any(word in t.lower() or t.lower() in word for t in terms if t and len(t) > 1)
