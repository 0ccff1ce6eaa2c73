"""The words of questions themselves, in Chinese and English: breakdowns, rankings, grains,
comparisons, negations and filler. Language only — what they apply to comes from the catalog."""

from __future__ import annotations

import re

GROUP_BEFORE = ("各个", "各", "按照", "按", "分", "每个", "每一个", "每", "不同", "不同的", "每种", "每一种", "各种", "每类", "各类", "by ", "per ", "each ", "across ",
                "by each ")
GROUP_AFTER = ("排名", "各自", "排行", "分布", "拆分", "拆开", "对比", "明细", "维度", "分组", "breakdown", " ranking", "-wise", " wise")
# words of a request that carry no slot, said as phrases ("broken down by" groups by what follows "by")
FILLER_PHRASES_EN = re.compile(r"\b(?:broken|break|split)\s+(?:it\s+|them\s+)?down\b|-wise\b|\bfor\s+the\s+month\s+of\b|"
                               r"\b(?:could|can|would)\s+you\b|\bkindly\b|\balong\s+with\b|\bso\s+far\b|"
                               r"\bquick\s+(?:one|question)\b|\bup\s+or\s+down\b|\bpa(?:y|id)\s+out\b|"
                               r"\bshare\s+(?=(?:the|me|us|with|our|your|some)\b)|"  # "kindly share the …": a verb
                               r"除以|÷")  # 客房收入除以已售间夜: the ratio, read by the metrics either side
# best / worst follow the metric's direction (a low return rate is the best)
BEST = ("最好", "最强", "最优", "best", "strongest", "best performing", "top performing", "did best", "performed best")
WORST = ("最差", "最弱", "worst", "weakest", "worst performing", "did worst", "performed worst")
# a ranking whose direction is said elsewhere (排名最低的, rank … lowest first), else highest first
NEUTRAL_RANK = ("排名", "排行", "排序", "排个序", "排个名", "排一下序", "名次", "rank", "ranking")
RANK_WORDS = ("排名", "排行", "排序", "排个序", "排个名", "排一下序", "名次", "top", "rank", "ranking", "最高", "最多", "最大", "最低",
              "最少", "最小", "倒数", "bottom", "highest", "lowest", "most", "least", "fewest",
              "largest", "biggest", "smallest", "最快", "最慢", "fastest", "slowest", "最长", "最短", "longest", "shortest", "靠前", "靠后", "头部", "尾部", "末位",
              "从高到低", "由高到低", "降序", "最高的在前", "highest first", "descending",
              "从低到高", "由低到高", "升序", "最低的在前", "lowest first", "ascending", *BEST, *WORST)
ASCENDING = ("最低", "最少", "最小", "倒数", "后", "靠后", "尾部", "末位", "bottom", "lowest", "least", "fewest", "smallest", "最慢", "slowest", "最短", "shortest",
             "从低到高", "由低到高", "升序", "最低的在前", "lowest first", "ascending")
# the single one at an end of the ranking (垫底的省: the lowest one; 垫底的3个 says how many)
AT_AN_END = {"垫底": ("asc", 1), "榜首": ("desc", 1), "居首": ("desc", 1), "倒数第一": ("asc", 1)}
# places counted from the end of a ranking (倒数前三, 后5名, bottom 3), not values (最低的3个): on a
# metric where lower is better, the end of the ranking is the highest values
FROM_THE_END = re.compile(r"^(?:倒数|垫底|后|排名后|(?:排名|排行)?靠后|尾部|末位|bottom)", re.I)
EN_COUNTED_RANK = re.compile(r"\b(?:which|what|the|show|list|find|name)\s+(\d{1,3})\s+(?:[a-z][a-z-]*\s+){0,4}?"
                             r"(?:with|had|has|have|having|that\s+had|that\s+have|by)?\s*(?:the\s+)?"
                             r"(highest|most|largest|biggest|best|top|lowest|fewest|least|smallest|worst|"
                             r"slowest|fastest|longest|shortest)\b")
# 哪5个牌子卖得最多: the count, then (within a few words) which way it is ranked
ZH_COUNTED_RANK = re.compile(r"哪\s*(\d{1,3})\s*(?:个|家|位|名|款|种|类|条|只)[^，,。？?]{0,20}?"
                             r"(最多|最高|最大|最好|最强|最少|最低|最小|最差|最弱)")
# English shorthand analysts write, spelt out before anything is matched ("last qtr", "4 wks")
ABBREVIATIONS = {"thru": "through", "qtr": "quarter", "qtrs": "quarters", "wk": "week", "wks": "weeks",
                 "yr": "year", "yrs": "years", "mth": "month", "mths": "months", "avg": "average",
                 "above-average": "above average", "below-average": "below average"}
# 分别 / each said of the values listed: a row each, whatever joins them
EACH_SAID = re.compile(r"分别|各自|\b(?:each|respectively|separately)\b", re.I)
# a period still to come (下个月, next quarter, 明年): no data says anything of it yet
FUTURE = re.compile(r"下个?月|下个?季度|下一?季|下个?周|下个?星期|明年|明天|后天|下半个月|未来\s*\d*\s*(?:天|周|个月|月|年)|"
                    r"\b(?:next|coming|upcoming)\s+(?:\d+\s+)?(?:months?|quarters?|years?|weeks?|days?)\b|\btomorrow\b|"
                    r"\bwill\s+(?:we|it|they|there)\b|\bwhat\s+will\b|\bwill\s+(?:the|our|its)\b.{0,40}?\bbe\b", re.I)
# a period said vaguely (最近, lately): no window to compute, so never an answer, but never "outside the catalog"
VAGUE_TIME = ("最近", "近期", "近来", "这阵子", "这段时间", "lately", "recently", "recent")
GRAIN_WORDS = [
    ("day", ("每天", "每日", "按天", "按日", "逐日", "日趋势", "daily", "by day", "per day", "each day", "day by day")),
    ("week", ("每周", "按周", "逐周", "周趋势", "weekly", "by week", "per week", "each week", "week by week")),
    ("quarter", ("每季度", "按季度", "各季度", "分季度", "逐季", "季度趋势", "每个季度", "每一季度", "各个季度", "每季",
                 "按季", "quarterly", "by quarter", "per quarter", "each quarter", "quarter by quarter")),
    ("year", ("每年", "按年", "各年", "分年", "逐年", "年度趋势", "每一年", "每个年度", "各年度", "按年度", "按年份", "各年份",
              "分年份", "yearly", "annually", "by year", "per year", "each year", "year by year")),
    ("month", ("每月末", "每个月末", "各月末", "每月月末", "逐月末", "月末趋势", "each month end", "every month end",
               "month-end trend", "每月", "每个月", "按月", "各月", "按月份", "各月份", "分月份", "每个月份", "分月", "逐月", "月度趋势", "月趋势", "趋势", "走势", "变化趋势",
               "monthly", "by month", "per month", "each month", "trend", "over time", "month by month")),
]
# (kind, the period unit the words name or None, words): 环比 is the previous period of the same
# length, whatever it is, and so is MoM (analysts write it for 环比: "MoM last quarter" is against
# the quarter before); QoQ, WoW and 比上月 name the unit, which the period asked must then be
# the whole said by its scope (占全网的比例, 低于全省平均水平): everything, not a value of a dimension
WHOLE_SCOPES = ("全省", "全国", "全市", "全网", "全行", "全集团", "全区", "全公司", "全司")
COMPARISON_WORDS = [("mom", None, ("环比", "比上期", "较上期", "vs previous", "period over period", "pop",
                                   "month over month", "month-on-month", "month on month", "mom")),
                    ("mom", "month", ("月环比", "月度环比", "比上月", "较上月", "比上月末", "较上月末", "比上月底", "较上月底", "vs last month", "compared with last month")),
                    ("mom", "quarter", ("季度环比", "季环比", "比上季度", "较上季度", "比上季末", "较上季末", "比上季度末", "较上季度末", "quarter over quarter", "quarter-on-quarter", "quarter on quarter", "qoq",
                                        "vs last quarter", "compared with last quarter")),
                    ("mom", "week", ("周环比", "比上周", "较上周", "比前1周", "比再前1周", "较前1周", "week over week", "week-on-week", "week on week", "wow", "vs last week",
                                     "compared with last week")),
                    ("yoy", None, ("同比", "比去年", "较去年", "year over year", "year-on-year", "year on year", "yoy",
                                   "vs last year",
                                   "compared with last year")),
                    # a balance against the year's opening (its 年初数: last 31 December's)
                    ("ystart", None, ("较年初", "比年初", "相比年初", "对比年初", "与年初相比", "和年初比", "跟年初比", "较上年末",
                                      "比上年末", "较去年末", "比去年末", "较去年底", "比去年底", "较上年底", "比上年底",
                                      "相比去年末", "对比去年末", "和去年末比", "与去年末相比", "vs the start of the year", "vs start of year",
                                      "compared with the start of the year")),
                    ("share", None, ("占比", "份额", "比重", *(f"占{w}" for w in WHOLE_SCOPES), "share", "proportion",
                                      "percentage of total"))]


def _spelled_out(words: tuple[str, ...]) -> tuple[str, ...]:
    """year over year → year-over-year, and "year over year change": the change is the comparison's."""
    out = list(words)
    for w in words:
        if w.isascii() and " " in w and "over" in w or w.endswith(" on year") or " on " in w:
            out.append(w.replace(" ", "-"))
    out += [f"{w} change" for w in list(out) if w.isascii() and w not in ("pop",) and not w.startswith(("vs ", "compared"))]
    return tuple(dict.fromkeys(out))


COMPARISON_WORDS = [(kind, unit, _spelled_out(words)) if kind != "share" else (kind, unit, words)
                    for kind, unit, words in COMPARISON_WORDS]
# "what % of X [in Y] came from Z": the share opener, and the words after which the part is named
SHARE_OF_EN = re.compile(r"\bwhat\s+(?:%|percent|percentage|share|proportion|fraction)\s+of\b")
# "Beijing's share of North China sales": what follows "share of" is the whole, unless an "in …"
# follows it ("share of online orders in East China": online is the part, East China the whole)
SHARE_WHOLE_EN = re.compile(r"\b(?:share|proportion|percentage|percent)\s+of\b")
SHARE_WITHIN_EN = re.compile(r"\b(?:in|within|among)\b")
SHARE_PART_EN = re.compile(r"\b(?:came|come|comes)\s+from\b|\b(?:is|are|was|were)\s+(?:from\s+)?")
RELATIVE = ("with ", "whose ", "that ", "who ", "where ", "which ", "having ")
# 企业客户的单子不算, 线上除外: said after what it takes out
NEGATION_AFTER = re.compile(r"(?:的)?(?:单子|订单|数据|部分|那部分|这部分)?\s*(?:不算|不计入|不计|除外|不包括在内|不包括|不含|排除在外|去掉|以外|之外)")
# 含取消的, "including the online mall": the value is kept in, not the only rows counted
INCLUSION_BEFORE = ("包含", "包括", "含", "including", "incl.", "incl", "inclusive of")
# counted things after a number (1000人, 50万元): they say what is counted, not a slot of their own
MEASURE_WORDS = ("个", "人", "户", "家", "单", "件", "元", "块", "笔", "台", "次", "位", "名", "款", "张", "条", "部", "套", "份", "票", "箱")
NEGATION_BEFORE = ("除了", "除去", "除开", "不看", "除", "非", "不含", "不包括", "不属于", "排除", "剔除", "扣掉", "扣除", "刨去", "刨除", "去掉", "excluding", "except", "other than", "without",
                   "not counting", "not including", "leaving out", "apart from")
OTHERS = ("其他", "其它", "其余", "其他的", "其余的", "other", "others", "the rest")  # after an exclusion only
# the values listed, summed together (车险和健康险的保费合计, "motor and health combined")
COMBINED = re.compile(r"合计|总计|共计|一共|总共|加起来|合起来|加总|总和|\b(?:in\s+total|combined|altogether|together)\b", re.I)
# Words that carry no slot: question forms, politeness, filler.
FILLER = set("""的 了 吗 呢 吧 啊 呀 是 有 和 与 及 且 并且 而且 跟 同 以及 还有 分别 各自 都 也 就 在 从 到 至 里 中 内 下 上 给 把 被 对
多少 是多少 有多少 几 几个 及其 其 它们的 他们的 多大 多高 怎样 怎么样 如何 什么 哪些 哪个 哪 谁 为 为何 请 请问 帮 帮我 帮忙 给我 我 我们
我的 我要 我想 想 要 看 看看 看下 看一下 查 查查 查询 查一下 查下 统计 统计下 一下 下 列出 显示 展示 告诉 告诉我 知道 数据
情况 指标 数 数量 值 多 少 总 总共 一共 合计 汇总 全部 所有 整体 全 全省 全市 全公司 全司 全网 全国 全行 全集团 全区 本 这 那 个 名 位 元 户 期间 时候 时 期
期间 如何 呢 么 啥 做 做的 量 对比 分布 排名 排行 拆分 拆开 明细 分组 维度 拉 拉了 卖 卖了 卖出 办 办了 办理 接 接了 发展 发展了 完成 完成了 搞 搞了 有没有 各 各个 按 按照 每 每个 分 以外 之外 外 以来 来 怎么 怎么回事 结果 报表 本渠道 我厅 本厅 我们厅 本店 情况如何 表现 水平 业绩 考核 多少钱
the a an of in on for to by is are was were what how much many show me give list please tell about and with their its whose where having than
value values number numbers total overall all our my data figure figures report at as do does did which who whats
end there we us have has had get got compare compared versus vs breakdown split top bottom outlet-level level
each every within during under came come comes one ones doing going per over s combined altogether together
能 不能 能否 可否 可以 可不可以 再 然后 麻烦 当天 当日 那天 那一天 这一天 下面 下属 旗下 下辖 又 同时 拆 拆一下 拆开看 咋样 咋 那些 不同 不同的 卖出去 每种 每一种 各种 每类 各类
让 哈 嘛 这边 那边 下来 了解 了解下 这个 那个 现 现在 现已 目前 当前 目前为止 到目前为止 截至目前 带上 附上 连同 排 只 只看 只算 仅 仅看 已经 老板
kindly could would you can only took brought saw made generated got through via thru shift shifted wrote written issued among place
they them it that still re ve ll up tracking trending 问 问下 问一下 百分之多少 百分之几 规模 perform performed performing performance
""".split())
PUNCT = re.compile(r"[\s,，。.?？!！:：;；、/\\()（）\[\]【】\"'“”‘’~～\-—_+*=<>《》|]+")
