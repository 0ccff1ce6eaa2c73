#!/usr/bin/env python
"""Retail-banking demo warehouse (城商行零售条线) for blind-testing ChatBI.

A fictional city commercial bank, 钱塘银行 (Qiantang Bank), with 8 分行 (one per city of Zhejiang it
serves) and 38 支行 (旗舰 / 综合 / 社区), their 客户经理, ~6,000 retail customers, deposit accounts,
personal loans (房贷 / 消费贷 / 经营贷), wealth-product sales (理财 and 代销基金 / 保险), credit cards
and complaints, from 2025-01-01 to the as-of date. Month-end snapshots (deposits per account, AUM per
customer, loans per loan) exist only for closed months.

    .venv/bin/python eval/bank/warehouse.py --output data/bank.duckdb --as-of 2026-11-15

Only duckdb, numpy and the standard library are used. Every draw comes from numpy generators seeded by
--seed over a fixed horizon (2025-01 .. 2027-12) that the as-of date only cuts, so the same seed and
as-of always give the same rows, and a later as-of only adds rows (and moves statuses: a complaint
being handled gets closed, a transaction gets reversed, the customer tier follows the latest AUM).
See docs/demo-bank.md for the tables and the traps they hold for naive SQL.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import time

import duckdb
import numpy as np

DATA_START = dt.date(2025, 1, 1)
HORIZON_MONTHS = 36                      # 2025-01 .. 2027-12
HORIZON_END = dt.date(2027, 12, 31)
EPOCH = dt.date(1970, 1, 1)
DEFAULT_SEED = 20250101
SPRING_FESTIVAL = {2025: dt.date(2025, 1, 29), 2026: dt.date(2026, 2, 17), 2027: dt.date(2027, 2, 6)}


def d2i(d: dt.date) -> int:
    return (d - EPOCH).days


def i2d(i: int) -> dt.date:
    return EPOCH + dt.timedelta(days=int(i))


def mstart(m: int) -> dt.date:
    y, mo = divmod(m, 12)
    return dt.date(2025 + y, mo + 1, 1)


def mend(m: int) -> dt.date:
    return mstart(m + 1) - dt.timedelta(days=1)


MS = np.array([d2i(mstart(m)) for m in range(HORIZON_MONTHS)])
ME = np.array([d2i(mend(m)) for m in range(HORIZON_MONTHS)])
CAL_MONTH = np.array([m % 12 + 1 for m in range(HORIZON_MONTHS)])
D0 = d2i(DATA_START)
D_END = d2i(HORIZON_END)


def month_of(day: np.ndarray) -> np.ndarray:
    """Horizon month index of day numbers (days before 2025 give negative indexes)."""
    day = np.asarray(day)
    out = np.searchsorted(MS, day, side="right") - 1
    # days before the horizon: count months back
    early = day < MS[0]
    if np.any(early):
        for i in np.nonzero(early)[0]:
            d = i2d(day[i])
            out[i] = (d.year - 2025) * 12 + d.month - 1
    return out


# ----------------------------------------------------------------------------- organisation
BANK_NAME = "钱塘银行"
BRANCHES = [  # id, name, city, city_en, size factor
    ("BR01", "杭州分行", "杭州", "Hangzhou", 1.5),
    ("BR02", "宁波分行", "宁波", "Ningbo", 1.25),
    ("BR03", "温州分行", "温州", "Wenzhou", 1.0),
    ("BR04", "绍兴分行", "绍兴", "Shaoxing", 0.85),
    ("BR05", "嘉兴分行", "嘉兴", "Jiaxing", 0.8),
    ("BR06", "湖州分行", "湖州", "Huzhou", 0.7),
    ("BR07", "金华分行", "金华", "Jinhua", 0.9),
    ("BR08", "台州分行", "台州", "Taizhou", 0.85),
]
SUBBRANCHES = [  # id, branch, name, district, type, open date
    ("SB0101", "BR01", "杭州营业部", "上城区", "旗舰", "2003-06-18"),
    ("SB0102", "BR01", "杭州西湖支行", "西湖区", "综合", "2005-03-01"),
    ("SB0103", "BR01", "杭州滨江支行", "滨江区", "旗舰", "2010-09-28"),
    ("SB0104", "BR01", "杭州拱墅支行", "拱墅区", "综合", "2007-05-16"),
    ("SB0105", "BR01", "杭州余杭支行", "余杭区", "综合", "2012-11-08"),
    ("SB0106", "BR01", "杭州萧山支行", "萧山区", "综合", "2009-04-20"),
    ("SB0107", "BR01", "杭州西溪社区支行", "西湖区", "社区", "2019-08-01"),
    ("SB0108", "BR01", "杭州钱塘支行", "钱塘区", "社区", "2025-07-01"),
    ("SB0201", "BR02", "宁波营业部", "鄞州区", "旗舰", "2006-10-10"),
    ("SB0202", "BR02", "宁波海曙支行", "海曙区", "综合", "2008-04-08"),
    ("SB0203", "BR02", "宁波江北社区支行", "江北区", "社区", "2018-06-01"),
    ("SB0204", "BR02", "宁波北仑支行", "北仑区", "综合", "2011-03-15"),
    ("SB0205", "BR02", "宁波慈溪支行", "慈溪市", "综合", "2013-09-09"),
    ("SB0206", "BR02", "宁波余姚支行", "余姚市", "社区", "2016-12-20"),
    ("SB0301", "BR03", "温州营业部", "鹿城区", "旗舰", "2007-08-18"),
    ("SB0302", "BR03", "温州瓯海支行", "瓯海区", "综合", "2010-05-05"),
    ("SB0303", "BR03", "温州瑞安支行", "瑞安市", "综合", "2012-07-16"),
    ("SB0304", "BR03", "温州乐清支行", "乐清市", "综合", "2014-01-10"),
    ("SB0305", "BR03", "温州龙湾社区支行", "龙湾区", "社区", "2020-10-26"),
    ("SB0401", "BR04", "绍兴营业部", "越城区", "旗舰", "2008-11-11"),
    ("SB0402", "BR04", "绍兴柯桥支行", "柯桥区", "综合", "2011-06-06"),
    ("SB0403", "BR04", "绍兴上虞社区支行", "上虞区", "社区", "2017-04-18"),
    ("SB0404", "BR04", "绍兴诸暨支行", "诸暨市", "综合", "2013-10-28"),
    ("SB0501", "BR05", "嘉兴营业部", "南湖区", "综合", "2009-09-09"),
    ("SB0502", "BR05", "嘉兴海宁支行", "海宁市", "综合", "2014-05-20"),
    ("SB0503", "BR05", "嘉兴桐乡社区支行", "桐乡市", "社区", "2016-08-08"),
    ("SB0504", "BR05", "嘉兴秀洲社区支行", "秀洲区", "社区", "2026-03-16"),
    ("SB0601", "BR06", "湖州营业部", "吴兴区", "综合", "2010-03-18"),
    ("SB0602", "BR06", "湖州长兴社区支行", "长兴县", "社区", "2015-11-02"),
    ("SB0603", "BR06", "湖州德清社区支行", "德清县", "社区", "2018-09-17"),
    ("SB0701", "BR07", "金华营业部", "婺城区", "综合", "2009-12-08"),
    ("SB0702", "BR07", "金华义乌支行", "义乌市", "旗舰", "2010-10-18"),
    ("SB0703", "BR07", "金华东阳支行", "东阳市", "综合", "2015-03-03"),
    ("SB0704", "BR07", "金华永康社区支行", "永康市", "社区", "2017-07-07"),
    ("SB0801", "BR08", "台州营业部", "椒江区", "综合", "2010-06-28"),
    ("SB0802", "BR08", "台州温岭支行", "温岭市", "综合", "2013-02-26"),
    ("SB0803", "BR08", "台州临海社区支行", "临海市", "社区", "2016-05-16"),
    ("SB0804", "BR08", "台州路桥社区支行", "路桥区", "社区", "2019-12-12"),
]
TYPE_WEIGHT = {"旗舰": 3.0, "综合": 2.0, "社区": 1.0}
TYPE_MANAGERS = {"旗舰": 6, "综合": 4, "社区": 2}
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢傅钟姜崔谭陆汪范金石廖贾夏韦方邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武戴莫孔向常")
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞",
         "平", "刚", "桂英", "晨", "婷", "浩", "宇", "欣怡", "子涵", "佳琪", "梓萱", "一鸣", "思远", "雨桐", "晓东", "海燕",
         "建华", "文杰", "志强", "丽华", "俊杰", "嘉怡", "天宇", "雅婷", "鑫", "琳", "倩", "瑶", "凯", "博文", "诗雨"]
MANAGER_LEVELS = ["初级客户经理", "中级客户经理", "高级客户经理", "资深客户经理"]

# ----------------------------------------------------------------------------- wealth products
WEALTH_PRODUCTS = [  # code, name, type, risk, issuer, fee rate
    ("WM001", "钱塘天天利现金管理", "理财", "R1", "钱塘理财", 0.0010),
    ("WM002", "钱塘稳盈30天持有期", "理财", "R2", "钱塘理财", 0.0020),
    ("WM003", "钱塘稳盈90天持有期", "理财", "R2", "钱塘理财", 0.0025),
    ("WM004", "钱塘安享180天持有期", "理财", "R2", "钱塘理财", 0.0030),
    ("WM005", "钱塘安享一年定开", "理财", "R2", "钱塘理财", 0.0035),
    ("WM006", "钱塘鑫享固收增强", "理财", "R3", "钱塘理财", 0.0040),
    ("WM007", "钱塘睿选混合一年持有", "理财", "R3", "钱塘理财", 0.0050),
    ("WM008", "钱塘悦享养老理财", "理财", "R2", "钱塘理财", 0.0030),
    ("WM009", "招银理财朝招金", "理财", "R2", "招银理财", 0.0020),
    ("WM010", "兴银理财稳添利", "理财", "R2", "兴银理财", 0.0025),
    ("WM011", "工银理财恒睿", "理财", "R3", "工银理财", 0.0040),
    ("WM012", "浙银理财同鑫", "理财", "R2", "浙银理财", 0.0025),
    ("FD001", "易方达稳健收益债券", "基金", "R2", "易方达基金", 0.0040),
    ("FD002", "华夏纯债债券", "基金", "R2", "华夏基金", 0.0040),
    ("FD003", "南方中证500ETF联接", "基金", "R4", "南方基金", 0.0080),
    ("FD004", "广发稳健增长混合", "基金", "R3", "广发基金", 0.0100),
    ("FD005", "富国天惠成长混合", "基金", "R4", "富国基金", 0.0120),
    ("FD006", "汇添富消费行业股票", "基金", "R4", "汇添富基金", 0.0120),
    ("FD007", "易方达沪深300ETF联接", "基金", "R4", "易方达基金", 0.0060),
    ("FD008", "嘉实货币A", "基金", "R1", "嘉实基金", 0.0),
    ("FD009", "中欧医疗健康混合", "基金", "R5", "中欧基金", 0.0120),
    ("FD010", "招商中证白酒指数", "基金", "R5", "招商基金", 0.0080),
    ("FD011", "博时信用债券", "基金", "R2", "博时基金", 0.0040),
    ("FD012", "景顺长城新兴成长混合", "基金", "R4", "景顺长城基金", 0.0120),
    ("IN001", "国寿鑫享年金保险", "保险", None, "中国人寿", 0.040),
    ("IN002", "泰康乐享增额终身寿险", "保险", None, "泰康人寿", 0.060),
    ("IN003", "平安安鑫两全保险", "保险", None, "平安人寿", 0.045),
    ("IN004", "太保金佑年金保险", "保险", None, "太平洋人寿", 0.050),
    ("IN005", "新华惠福增额终身寿险", "保险", None, "新华保险", 0.065),
    ("IN006", "大家附加重疾保险", "保险", None, "大家人寿", 0.080),
]

MERCHANT_CATS = ["餐饮", "超市百货", "线上消费", "加油出行", "旅游酒店", "教育医疗", "其他"]
MERCHANT_P = np.array([0.27, 0.20, 0.25, 0.10, 0.07, 0.05, 0.06])
MERCHANT_MEDIAN = np.array([110.0, 260.0, 190.0, 320.0, 850.0, 700.0, 350.0])

COMPLAINT_TYPES = ["服务态度", "排队等候", "理财销售", "信用卡", "收费争议", "贷款业务", "手机银行故障", "其他"]
COMPLAINT_P = np.array([0.18, 0.13, 0.12, 0.17, 0.11, 0.10, 0.12, 0.07])
COMPLAINT_SOURCES = ["客服热线", "网点现场", "线上渠道", "监管转办"]
COMPLAINT_SOURCE_P = np.array([0.55, 0.24, 0.13, 0.08])


def rng_for(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def day_weights(kind: str) -> np.ndarray:
    """A weight per horizon day for picking event days: counter (柜面) business is weekday-heavy and
    closes over the Spring Festival and National Day; quarter-end days carry the 冲时点 push."""
    days = np.arange(D0, D_END + 1)
    w = np.ones(len(days))
    wd = np.array([i2d(d).weekday() for d in days])
    if kind in ("counter", "wealth_counter"):
        w[wd == 5] = 0.45
        w[wd == 6] = 0.25
    elif kind in ("mobile", "wealth_mobile"):
        w[wd >= 5] = 0.8
    for y, sf in SPRING_FESTIVAL.items():
        s = d2i(sf) - 1
        w[(days >= s) & (days < s + 7)] *= 0.15 if kind.endswith("counter") or kind == "counter" else 0.5
    for y in (2025, 2026, 2027):
        w[days == d2i(dt.date(y, 1, 1))] *= 0.3 if "counter" in kind else 0.8
        s = d2i(dt.date(y, 10, 1))
        w[(days >= s) & (days < s + 7)] *= 0.3 if "counter" in kind else 0.7
    if kind.startswith("wealth"):
        for y in (2025, 2026, 2027):
            for mo in (3, 6, 9, 12):
                last = d2i(mstart((y - 2025) * 12 + mo)) - 1          # the quarter's last day
                w[(days > last - 3) & (days <= last)] *= 4.0 if "counter" in kind else 2.0
    return w


class DayPicker:
    def __init__(self):
        self.cache: dict[str, np.ndarray] = {}

    def pick(self, rng: np.random.Generator, months: np.ndarray, kind: str,
             low: np.ndarray | None = None, high: np.ndarray | None = None) -> np.ndarray:
        """A day number within each event's month (and within [low, high] when given)."""
        if kind not in self.cache:
            self.cache[kind] = day_weights(kind)
        w_all = self.cache[kind]
        out = np.empty(len(months), dtype=np.int64)
        for m in np.unique(months):
            idx = np.nonzero(months == m)[0]
            a, b = MS[m] - D0, ME[m] - D0 + 1
            w = w_all[a:b]
            if low is None and high is None:
                out[idx] = rng.choice(np.arange(MS[m], ME[m] + 1), size=len(idx), p=w / w.sum())
            else:
                for i in idx:
                    lo = MS[m] if low is None else max(MS[m], low[i])
                    hi = ME[m] if high is None else min(ME[m], high[i])
                    if hi < lo:
                        hi = lo
                    ww = w_all[lo - D0:hi - D0 + 1]
                    out[i] = lo + rng.choice(hi - lo + 1, p=ww / ww.sum())
        return out


def season(table: dict[int, float], default: float = 1.0) -> np.ndarray:
    return np.array([table.get(int(c), default) for c in CAL_MONTH])


# ----------------------------------------------------------------------------- build
def build(output: str, as_of: dt.date, seed: int = DEFAULT_SEED) -> dict:
    """Write the warehouse to `output` (a DuckDB file, replaced) and return row counts per table."""
    t_start = time.time()
    if not (dt.date(2025, 2, 1) <= as_of <= HORIZON_END):
        raise ValueError("as_of must be between 2025-02-01 and 2027-12-31")
    AS_OF = d2i(as_of)
    last_closed = (as_of.year - 2025) * 12 + as_of.month - 2         # month index of the last closed month
    picker = DayPicker()
    t = np.arange(HORIZON_MONTHS)

    # ---------------------------------------------------------------- organisation
    r = rng_for(seed, 1)
    br_factor = {b[0]: b[4] for b in BRANCHES}
    sb_ids = [s[0] for s in SUBBRANCHES]
    sb_open = np.array([d2i(dt.date.fromisoformat(s[5])) for s in SUBBRANCHES])
    sb_weight = np.array([TYPE_WEIGHT[s[4]] * br_factor[s[1]] for s in SUBBRANCHES]) * r.uniform(0.8, 1.25, len(SUBBRANCHES))
    names_used: set[str] = set()

    def new_name(rr: np.random.Generator) -> str:
        while True:
            n = SURNAMES[rr.integers(len(SURNAMES))] + GIVEN[rr.integers(len(GIVEN))]
            if n not in names_used:
                names_used.add(n)
                return n

    mgr_rows = []
    mgr_by_sb: dict[int, list[int]] = {}
    for si, s in enumerate(SUBBRANCHES):
        for k in range(TYPE_MANAGERS[s[4]]):
            mid = len(mgr_rows)
            lvl = MANAGER_LEVELS[min(3, int(r.choice(4, p=[0.3, 0.35, 0.25, 0.1])))]
            if sb_open[si] > D0:
                hire = int(sb_open[si] - r.integers(15, 60))
            else:
                hire = int(d2i(dt.date(2008, 1, 1)) + r.integers(0, d2i(dt.date(2024, 10, 1)) - d2i(dt.date(2008, 1, 1))))
                hire = max(hire, int(sb_open[si]) - 30)
            mgr_rows.append((f"M{mid + 1:04d}", new_name(r), s[0], lvl, hire))
            mgr_by_sb.setdefault(si, []).append(mid)
    mgr_weight = np.array([{"初级客户经理": 0.7, "中级客户经理": 1.0, "高级客户经理": 1.3, "资深客户经理": 1.6}[m[3]] for m in mgr_rows])
    mgr_weight = mgr_weight * r.uniform(0.6, 1.5, len(mgr_rows))

    # ---------------------------------------------------------------- customers
    r = rng_for(seed, 2)
    n_exist = 4400
    new_season = season({1: 1.9, 2: 1.4, 3: 1.7, 4: 1.0, 5: 0.9, 6: 1.1, 7: 0.9, 8: 0.9, 9: 1.1, 10: 0.85, 11: 1.0, 12: 1.3})
    n_new_m = r.poisson(36 * new_season * (1 + 0.004 * np.arange(HORIZON_MONTHS)))
    n_cust = n_exist + int(n_new_m.sum())
    onboard = np.empty(n_cust, dtype=np.int64)
    # existing customers: onboarded 2005..2024, more of them recently
    back = np.minimum(r.exponential(5.5 * 365, n_exist), 20 * 365 - 1).astype(np.int64)
    onboard[:n_exist] = D0 - 1 - back
    new_months = np.repeat(np.arange(HORIZON_MONTHS), n_new_m)
    onboard[n_exist:] = picker.pick(r, new_months, "counter")
    order = np.argsort(onboard, kind="stable")
    onboard = onboard[order]
    cust_sb = np.empty(n_cust, dtype=np.int64)
    for i in range(n_cust):
        ok = sb_open <= onboard[i]
        if not ok.any():
            ok = sb_open == sb_open.min()
        w = np.where(ok, sb_weight, 0.0)
        # a new subbranch draws its district's new customers for a while
        w = w * np.where((sb_open > D0) & ok & (onboard[i] - sb_open < 365), 2.5, 1.0)
        cust_sb[i] = r.choice(len(sb_ids), p=w / w.sum())
    gender = np.where(r.random(n_cust) < 0.49, "男", "女")
    age_at_2025 = np.clip(r.normal(43, 14, n_cust), 18, 88).astype(int)
    age_at_2025[onboard >= D0] = np.clip(r.normal(34, 11, int((onboard >= D0).sum())), 18, 80).astype(int)
    birth_year = 2025 - age_at_2025
    payroll = r.random(n_cust) < np.where((age_at_2025 >= 23) & (age_at_2025 < 58), 0.38, 0.05)
    # target assets (AUM) of the customer: log-normal with a few high-net-worth customers
    logw = r.normal(10.35, 1.75, n_cust) + 0.012 * (age_at_2025 - 43) + np.where(payroll, 0.25, 0.0)
    hnw = r.random(n_cust) < 0.005
    logw[hnw] = r.normal(np.log(8.5e6), 0.35, int(hnw.sum()))
    W = np.exp(logw)
    g_c = r.normal(0.04, 0.12, n_cust)                             # the customer's yearly growth
    # wealth share of the assets
    has_wealth = r.random(n_cust) < np.select([W < 5e4, W < 5e5, W < 6e6], [0.07, 0.32, 0.72], 0.95)
    wshare = np.where(has_wealth, np.clip(r.normal(np.select([W < 5e4, W < 5e5, W < 6e6], [0.25, 0.35, 0.45], 0.55), 0.1), 0.05, 0.85), 0.0)
    # the customer manager (管户客户经理): every 金卡+ customer, a third of the others
    managed = (W >= 5e4) | (r.random(n_cust) < 0.33)
    cust_mgr = np.full(n_cust, -1, dtype=np.int64)
    for i in np.nonzero(managed)[0]:
        cands = [k for k in mgr_by_sb[int(cust_sb[i])]]
        ww = mgr_weight[cands] * (1.0 + (W[i] >= 5e5) * np.array([mgr_rows[k][3] in ("高级客户经理", "资深客户经理") for k in cands]) * 2)
        cust_mgr[i] = cands[r.choice(len(cands), p=ww / ww.sum())]
    # churn (销户): a small monthly hazard, higher for small balances
    haz = np.where(W < 1e4, 0.006, np.where(W < 5e4, 0.0025, 0.001))
    churn_day = np.full(n_cust, 10 ** 7, dtype=np.int64)
    for i in range(n_cust):
        start_m = max(0, int(month_of(np.array([onboard[i]]))[0]) + 2)
        for m in range(start_m, HORIZON_MONTHS):
            if r.random() < haz[i]:
                churn_day[i] = int(MS[m] + r.integers(0, ME[m] - MS[m] + 1))
                break
    onboard_m = month_of(onboard)

    # ---------------------------------------------------------------- loans
    r = rng_for(seed, 5)
    loans = []   # dict per loan
    active_idx_cache: dict[int, np.ndarray] = {}

    def pick_customer(day: int, ltype: str) -> int:
        m = int(month_of(np.array([day]))[0])
        key = m
        if key not in active_idx_cache:
            active_idx_cache[key] = np.nonzero((onboard <= day) & (churn_day > day + 60))[0]
        pool = active_idx_cache[key]
        age = 2025 + m // 12 - birth_year[pool]
        if ltype == "房贷":
            w = np.where((age >= 25) & (age <= 50), 1.0, 0.15) * (1 + payroll[pool])
        elif ltype == "消费贷":
            w = np.where(age <= 55, 1.0, 0.2) * (1 + payroll[pool] * 1.5)
        else:
            w = np.where((age >= 28) & (age <= 60), 1.0, 0.1) * np.sqrt(np.maximum(W[pool], 1e4) / 1e5)
        return int(pool[r.choice(len(pool), p=w / w.sum())])

    def add_loan(ltype: str, day: int, cust: int):
        if ltype == "房贷":
            amt = float(np.clip(np.round(np.exp(r.normal(np.log(0.9e6), 0.45)) / 1e4) * 1e4, 3e5, 6e6))
            term = int(r.choice([240, 300, 360], p=[0.25, 0.3, 0.45]))
            yr = i2d(day).year
            base = 3.15 if yr >= 2025 and day < d2i(dt.date(2025, 5, 20)) else (3.05 if yr == 2025 else 3.0)
            if yr < 2025:
                base = 4.1 if yr < 2022 else 3.9
            rate = round(float(base + r.normal(0, 0.12)), 2)
        elif ltype == "消费贷":
            amt = float(np.clip(np.round(np.exp(r.normal(np.log(8e4), 0.7)) / 1e3) * 1e3, 1e4, 3e5))
            term = int(r.choice([12, 24, 36], p=[0.35, 0.35, 0.3]))
            rate = round(float(np.clip(r.normal(4.5 if day < d2i(dt.date(2026, 1, 1)) else 4.15, 0.9), 3.0, 7.8)), 2)
        else:
            amt = float(np.clip(np.round(np.exp(r.normal(np.log(6e5), 0.75)) / 1e4) * 1e4, 1e5, 5e6))
            term = int(r.choice([12, 24, 36], p=[0.6, 0.25, 0.15]))
            rate = round(float(np.clip(r.normal(3.75 if day < d2i(dt.date(2026, 1, 1)) else 3.5, 0.35), 2.9, 5.2)), 2)
        si = int(cust_sb[cust])
        mgr = int(cust_mgr[cust]) if (cust_mgr[cust] >= 0 and r.random() < 0.8) else int(r.choice(mgr_by_sb[si]))
        loans.append(dict(cust=cust, type=ltype, day=day, amt=amt, term=term, rate=rate, sb=si, mgr=mgr))

    # loans outstanding when the data begins
    for ltype, n, y0 in (("房贷", 430, 2012), ("消费贷", 230, 2022), ("经营贷", 330, 2022)):
        for _ in range(n):
            while True:
                day = int(d2i(dt.date(y0, 1, 1)) + r.integers(0, d2i(dt.date(2024, 12, 31)) - d2i(dt.date(y0, 1, 1))))
                pool = np.nonzero(onboard <= day)[0]
                if len(pool):
                    break
            cust = int(pool[r.integers(len(pool))])
            add_loan(ltype, day, cust)
            lo = loans[-1]
            if ltype != "房贷":
                # a short loan outstanding on 2025-01-01: contracted less than its term before
                lo["day"] = int(D0 - r.integers(20, int(lo["term"] * 30.4) - 45))
                if onboard[cust] > lo["day"]:
                    pool = np.nonzero(onboard <= lo["day"] - 30)[0]
                    lo["cust"] = c2 = int(pool[r.integers(len(pool))])
                    lo["sb"] = si = int(cust_sb[c2])
                    lo["mgr"] = int(cust_mgr[c2]) if cust_mgr[c2] >= 0 else int(r.choice(mgr_by_sb[si]))
    rate_m = {
        "房贷": (10, season({1: 0.8, 2: 0.55, 3: 1.3, 4: 1.4, 5: 1.3, 9: 1.2, 10: 1.15})),
        "消费贷": (22, season({1: 1.5, 2: 1.2, 3: 1.5, 11: 1.35, 12: 1.2})),
        "经营贷": (15, season({1: 2.0, 2: 1.3, 3: 1.8, 6: 1.1, 12: 1.35})),
    }
    for ltype, (base, s) in rate_m.items():
        cnt = r.poisson(base * s)
        months = np.repeat(t, cnt)
        days = picker.pick(r, months, "counter")
        for day in days:
            add_loan(ltype, int(day), pick_customer(int(day), ltype))
    n_loan = len(loans)
    # month-end balances and five-class status, month by month
    hazard = {"房贷": 0.0004, "消费贷": 0.0026, "经营贷": 0.0022}
    lrows = []   # (m, loan, balance cents, class, overdue days)
    loan_end = np.full(n_loan, 10 ** 7, dtype=np.int64)
    for li, lo in enumerate(loans):
        d_m = int(month_of(np.array([lo["day"]]))[0])
        mr = lo["rate"] / 100 / 12
        P, n = lo["amt"], lo["term"]
        pay = P * mr / (1 - (1 + mr) ** -n) if lo["type"] != "经营贷" else 0.0
        default_m = None
        if d_m < 0 and r.random() < {"房贷": 0.006, "消费贷": 0.03, "经营贷": 0.03}[lo["type"]]:
            default_m = -int(r.integers(1, 10))
        cure = r.random() < 0.3
        cure_after = int(r.integers(1, 3))
        frozen = None
        bal = P
        for m in range(min(d_m, 0), HORIZON_MONTHS):
            if m < d_m:
                continue
            k = m - d_m                                             # payments made by this month end
            if default_m is None and m >= 0 and m > d_m:
                hz = hazard[lo["type"]] * (1.3 if m >= 12 else 1.0)
                if r.random() < hz:
                    default_m = m
            in_default = default_m is not None and m >= default_m and not (cure and m >= default_m + cure_after)
            if default_m is not None and cure and m >= default_m + cure_after:
                default_m, frozen = None, None
                cure = r.random() < 0.3
            if in_default:
                if frozen is None:
                    frozen = bal
                od = 30 * (m - default_m) + int(r.integers(5, 29))
                b = frozen
            else:
                od = int(r.integers(1, 30)) if r.random() < 0.006 else 0
                if lo["type"] == "经营贷":
                    b = P if k < n else 0.0
                else:
                    b = P * ((1 + mr) ** n - (1 + mr) ** k) / ((1 + mr) ** n - 1) if k < n else 0.0
                bal = b
                # early repayment
                if m >= 0 and k >= 3 and r.random() < {"房贷": 0.005 if m < 12 else 0.0035, "消费贷": 0.015, "经营贷": 0.004}[lo["type"]]:
                    b = 0.0
            cls = "正常" if od == 0 else ("关注" if od <= 90 else ("次级" if od <= 180 else ("可疑" if od <= 360 else "损失")))
            # 核销: bad loans written off in December; recoveries of 次级 loans
            if m >= 0 and in_default and (m % 12) == 11 and cls in ("可疑", "损失") and r.random() < 0.65:
                b = 0.0
            if m >= 0 and in_default and cls == "次级" and r.random() < 0.06:
                b = 0.0
            if b <= 0.005:
                loan_end[li] = ME[m] if m >= 0 else 0
                break
            if m >= 0:
                lrows.append((m, li, int(round(b * 100)), cls, od))
    # a borrower keeps the relationship while the loan runs
    for lo in loans:
        churn_day[lo["cust"]] = 10 ** 7
    lrows_a = np.array([x[:3] for x in lrows], dtype=np.int64)
    l_cls = np.array([x[3] for x in lrows])
    l_od = np.array([x[4] for x in lrows], dtype=np.int64)

    # ---------------------------------------------------------------- deposit accounts
    r = rng_for(seed, 3)
    acc_cust, acc_type, acc_open, acc_base, acc_chan, acc_first = [], [], [], [], [], []
    dep = W * (1 - wshare)
    for i in range(n_cust):
        has_td = r.random() < np.select([dep[i] < 1e4, dep[i] < 5e4, dep[i] < 5e5], [0.12, 0.38, 0.62], 0.8)
        n_td = (1 + (r.random() < 0.3)) if has_td else 0
        cur_share = 1.0 if n_td == 0 else np.clip(r.normal(0.4, 0.12), 0.1, 0.8)
        new = onboard[i] >= D0
        young = age_at_2025[i] < 40
        ch = "手机银行" if (new and r.random() < (0.45 if young else 0.2)) else ("外拓" if (new and r.random() < 0.15) else "柜面")
        acc_cust.append(i); acc_type.append("活期"); acc_open.append(int(onboard[i])); acc_base.append(dep[i] * cur_share)
        acc_chan.append(ch); acc_first.append(True)
        for k in range(n_td):
            od = int(onboard[i]) if (k == 0 and r.random() < 0.7) else int(onboard[i] + r.integers(20, 900))
            acc_cust.append(i); acc_type.append("定期"); acc_open.append(od); acc_base.append(dep[i] * (1 - cur_share) / n_td)
            acc_chan.append("柜面" if r.random() < 0.7 else "手机银行"); acc_first.append(False)
        # 二类户 (an electronic second current account), mostly on the phone
        if r.random() < 0.06:
            od = int(max(onboard[i], D0 - 700) + r.integers(0, 900))
            acc_cust.append(i); acc_type.append("活期"); acc_open.append(od); acc_base.append(max(dep[i] * 0.03, 200.0))
            acc_chan.append("手机银行"); acc_first.append(False)
        # 开门红: a new time deposit in Jan–Mar of a year, for customers with savings
        for y in (2025, 2026, 2027):
            if dep[i] >= 2e4 and r.random() < (0.16 if W[i] < 5e5 else 0.3):
                od = int(d2i(dt.date(y, 1, 1)) + r.integers(0, 88))
                if od > onboard[i] + 30:
                    acc_cust.append(i); acc_type.append("定期"); acc_open.append(od)
                    acc_base.append(dep[i] * np.clip(r.normal(0.25, 0.08), 0.05, 0.6))
                    acc_chan.append("柜面" if r.random() < 0.65 else ("外拓" if r.random() < 0.3 else "手机银行")); acc_first.append(False)
    acc_cust = np.array(acc_cust); acc_type = np.array(acc_type); acc_open = np.array(acc_open)
    acc_base = np.array(acc_base); acc_chan = np.array(acc_chan); acc_first = np.array(acc_first)
    n_acc = len(acc_cust)
    acc_close = churn_day[acc_cust].copy()
    acc_open_m = month_of(acc_open)
    # monthly balances (cents), AR(1) noise in logs
    is_td = acc_type == "定期"
    qe_cur = season({3: 1.05, 6: 1.05, 9: 1.04, 12: 1.085})
    qe_td = season({3: 1.012, 6: 1.01, 9: 1.01, 12: 1.02})
    sf_month = np.array([(2025 + m // 12 == y and CAL_MONTH[m] == SPRING_FESTIVAL[y].month) for m in t for y in [2025 + m // 12]])
    noise = np.empty((n_acc, HORIZON_MONTHS))
    e = r.normal(0, 0.07, n_acc)
    for m in t:
        e = 0.75 * e + r.normal(0, 0.05, n_acc)
        noise[:, m] = e
    trend = (g_c[acc_cust][:, None] + np.where(is_td, 0.035, -0.02)[:, None]) * (t[None, :] / 12.0)
    k = t[None, :] - acc_open_m[:, None]
    ramp = np.select([k <= 0, k == 1, k == 2], [0.45, 0.75, 0.92], 1.0)
    seas = np.where(is_td[:, None], qe_td[None, :], qe_cur[None, :])
    bonus = np.where((~is_td & payroll[acc_cust])[:, None] & sf_month[None, :], 1.12, 1.0)
    bal = acc_base[:, None] * ramp * np.exp(trend + noise) * seas * bonus
    active = (acc_open[:, None] <= ME[None, :]) & (acc_close[:, None] > ME[None, :])
    bal_c = np.where(active, np.round(bal * 100), 0).astype(np.int64)
    # 日均: no quarter-end push, and the days of the opening month only
    first_frac = np.where(k == 0, (ME[None, :] - acc_open[:, None] + 1) / (ME - MS + 1)[None, :], 1.0)
    adb = bal / seas * bonus ** 0.5 * np.exp(r.normal(0, 0.025, bal.shape)) * np.clip(first_frac, 0, 1)
    adb_c = np.where(active, np.round(adb * 100), 0).astype(np.int64)

    # ---------------------------------------------------------------- wealth holdings and AUM
    r = rng_for(seed, 4)
    wseas = season({1: 1.03, 2: 1.05, 3: 1.09, 4: 1.08, 5: 1.07, 6: 1.08, 7: 1.06, 8: 1.06, 9: 1.07, 10: 1.06, 11: 1.05, 12: 1.07})
    market = np.ones(HORIZON_MONTHS)
    market[10:14] = [0.97, 0.95, 0.96, 0.98]                       # 2025-11 .. 2026-02: a drawdown
    wn = np.empty((n_cust, HORIZON_MONTHS))
    e = r.normal(0, 0.08, n_cust)
    for m in t:
        e = 0.8 * e + r.normal(0, 0.06, n_cust)
        wn[:, m] = e
    kc = t[None, :] - onboard_m[:, None]
    wramp = np.select([kc <= 0, kc == 1, kc == 2], [0.0, 0.4, 0.8], 1.0)
    hold = (W * wshare)[:, None] * wramp * np.exp(g_c[:, None] * t[None, :] / 12.0 + wn) * wseas[None, :] * market[None, :]
    c_active = (onboard[:, None] <= ME[None, :]) & (churn_day[:, None] > ME[None, :])
    hold_c = np.where(c_active, np.round(hold * 100), 0).astype(np.int64)
    dep_c = np.zeros((n_cust, HORIZON_MONTHS), dtype=np.int64)
    np.add.at(dep_c, acc_cust, bal_c)
    aum_c = dep_c + hold_c
    # tier on the reference date: by the AUM of the last closed month
    last_aum = aum_c[:, last_closed] / 100.0
    tier = np.select([last_aum >= 6e6, last_aum >= 5e5, last_aum >= 5e4], ["私行", "白金", "金卡"], "普通")

    # ---------------------------------------------------------------- wealth sales
    r = rng_for(seed, 6)
    lam = np.select([W < 5e4, W < 5e5, W < 6e6], [0.03, 0.2, 0.55], 1.3) * np.where(has_wealth, 1.0, 0.25)
    wsea = season({1: 1.7, 2: 1.2, 3: 1.8, 6: 1.2, 9: 1.15, 11: 0.9, 12: 1.3})
    wsea = wsea * np.where(np.arange(HORIZON_MONTHS) >= 10, 1.0, 1.0)
    wsea[10:13] *= [0.8, 0.75, 0.85]                              # fewer buyers in the drawdown
    cnt = r.poisson(lam[:, None] * wsea[None, :] * c_active * (kc >= 0))
    w_cust, w_m = np.nonzero(cnt)
    reps = cnt[w_cust, w_m]
    w_cust = np.repeat(w_cust, reps); w_m = np.repeat(w_m, reps)
    nw = len(w_cust)
    age_w = 2025 + w_m // 12 - birth_year[w_cust]
    p_mob = np.select([age_w < 40, age_w < 60], [0.75, 0.5], 0.18)
    u = r.random(nw)
    chan = np.where(u < p_mob, "手机银行", np.where(u < p_mob + 0.07, "网上银行", "柜面"))
    ptype_u = r.random(nw)
    p_fund = np.select([age_w < 40, age_w < 60], [0.45, 0.32], 0.12)
    p_ins = np.select([age_w < 40, age_w < 60], [0.08, 0.15], 0.22)
    ptype = np.where(ptype_u < p_fund, "基金", np.where(ptype_u < p_fund + p_ins, "保险", "理财"))
    chan = np.where((ptype == "保险") & (r.random(nw) < 0.8), "柜面", chan)
    prod_idx = np.empty(nw, dtype=np.int64)
    by_type = {ty: [i for i, p in enumerate(WEALTH_PRODUCTS) if p[2] == ty] for ty in ("理财", "基金", "保险")}
    pop = {ty: r.dirichlet(np.ones(len(ix)) * 1.2) for ty, ix in by_type.items()}
    for ty, ix in by_type.items():
        sel = np.nonzero(ptype == ty)[0]
        prod_idx[sel] = np.array(ix)[r.choice(len(ix), size=len(sel), p=pop[ty])]
    # 招银/兴银/工银 products are only on the shelf from 2026
    late = np.array([WEALTH_PRODUCTS[i][0] in ("WM009", "WM010", "WM011") for i in prod_idx]) & (w_m < 12)
    prod_idx[late] = np.array(by_type["理财"])[r.integers(0, 8, int(late.sum()))]
    Wk = W[w_cust]
    amt = np.where(ptype == "理财", np.exp(r.normal(np.log(np.maximum(Wk * 0.15, 2e4)), 0.5)),
                   np.where(ptype == "基金", np.exp(r.normal(np.log(np.maximum(Wk * 0.05, 5e3)), 0.6)),
                            np.exp(r.normal(np.log(np.maximum(Wk * 0.04, 1e4)), 0.5))))
    amt = np.where(ptype == "基金", np.maximum(np.round(amt / 100) * 100, 1000), np.maximum(np.round(amt / 1000) * 1000, 10000))
    tdays = np.empty(nw, dtype=np.int64)
    for ch, kind in (("柜面", "wealth_counter"), ("手机银行", "wealth_mobile"), ("网上银行", "wealth_mobile")):
        sel = np.nonzero(chan == ch)[0]
        lo = np.maximum(onboard[w_cust[sel]], MS[w_m[sel]])
        hi = np.minimum(churn_day[w_cust[sel]] - 1, ME[w_m[sel]])
        need = (lo > MS[w_m[sel]]) | (hi < ME[w_m[sel]])
        out = picker.pick(r, w_m[sel], kind)
        if need.any():
            j = np.nonzero(need)[0]
            out[j] = picker.pick(r, w_m[sel][j], kind, lo[j], hi[j])
        tdays[sel] = out
    ttype = np.where(ptype == "保险", "投保",
                     np.where((ptype == "理财") & (r.random(nw) < 0.55), "认购",
                              np.where((ptype == "基金") & (r.random(nw) < 0.12), "认购", "申购")))
    fee_rate = np.array([WEALTH_PRODUCTS[i][5] for i in prod_idx])
    # the selling manager: counter sales always have one, phone sales for half of the managed customers
    sell_mgr = np.full(nw, -1, dtype=np.int64)
    cm = cust_mgr[w_cust]
    counter = chan == "柜面"
    rand_mgr = np.array([mgr_by_sb[int(cust_sb[c])][r.integers(len(mgr_by_sb[int(cust_sb[c])]))] for c in w_cust])
    sell_mgr = np.where(counter, np.where(cm >= 0, cm, rand_mgr), np.where((chan == "手机银行") & (cm >= 0) & (r.random(nw) < 0.5), cm, -1))
    # 冲正: reversed purchases, many of them counter sales pushed in on the last days of a quarter
    qe_push = np.zeros(nw, dtype=bool)
    for y in (2025, 2026, 2027):
        for mo in (3, 6, 9, 12):
            last = d2i(dt.date(y, mo, 28) + dt.timedelta(days=4)) - (dt.date(y, mo, 28) + dt.timedelta(days=4)).day
            qe_push |= (tdays > last - 3) & (tdays <= last)
    p_rev = np.where(qe_push & counter, 0.3, np.where(qe_push, 0.06, 0.015))
    reversed_ = r.random(nw) < p_rev
    rev_day = np.where(reversed_, tdays + r.integers(1, 7, nw), 10 ** 7)
    # redemptions of 理财 and funds
    red = (~reversed_) & (ptype != "保险") & (r.random(nw) < 0.32)
    red_idx = np.nonzero(red)[0]
    red_day = tdays[red_idx] + r.integers(30, 330, len(red_idx))
    keep = (red_day <= D_END) & (red_day < churn_day[w_cust[red_idx]])
    red_idx, red_day = red_idx[keep], red_day[keep]
    red_amt = np.round(amt[red_idx] * r.uniform(0.92, 1.1, len(red_idx)), 2)

    # ---------------------------------------------------------------- credit cards
    r = rng_for(seed, 7)
    card_cust, card_issue, card_level, card_chan = [], [], [], []
    for i in range(n_exist):
        if onboard[i] < D0 - 60 and r.random() < (0.3 if age_at_2025[i] < 60 else 0.08):
            card_cust.append(i)
            card_issue.append(int(max(onboard[i] + 30, D0 - 1 - r.integers(30, 3650))))
            card_chan.append("柜面")
    csea = season({1: 1.5, 3: 1.3, 2: 0.8, 11: 1.45, 12: 1.2})
    cnew = r.poisson(38 * csea)
    cmonths = np.repeat(t, cnew)
    cdays = picker.pick(r, cmonths, "mobile")
    has_card = np.zeros(n_cust, dtype=bool)
    has_card[card_cust] = True
    for day in cdays:
        pool = np.nonzero((onboard <= day) & (churn_day > day + 30) & (~has_card) & (2025 + (day - D0) // 365 - birth_year < 62))[0]
        if not len(pool):
            continue
        c = int(pool[r.integers(len(pool))])
        has_card[c] = True
        card_cust.append(c); card_issue.append(int(day))
        card_chan.append("手机银行" if r.random() < 0.5 else ("外拓" if r.random() < 0.5 else "柜面"))
    card_cust = np.array(card_cust); card_issue = np.array(card_issue); card_chan = np.array(card_chan)
    n_card = len(card_cust)
    Wc = W[card_cust]
    card_level = np.where(Wc >= 5e5, np.where(r.random(n_card) < 0.7, "白金卡", "金卡"),
                          np.where(Wc >= 5e4, np.where(r.random(n_card) < 0.6, "金卡", "普卡"), "普卡"))
    card_active = r.random(n_card) < 0.78
    card_lam = r.gamma(2.0, 1.2, n_card) * card_active
    sfm = sf_month.astype(float)
    tsea = season({10: 1.12, 11: 1.22, 12: 1.1, 2: 0.95}) * (1 + 0.2 * sfm)
    iss_m = month_of(card_issue)
    card_end = churn_day[card_cust]
    c_ok = (card_issue[:, None] <= ME[None, :]) & (card_end[:, None] > MS[None, :])
    ccnt = r.poisson(card_lam[:, None] * tsea[None, :] * c_ok * np.where(t[None, :] == iss_m[:, None], 0.5, 1.0))
    ct_card, ct_m = np.nonzero(ccnt)
    reps = ccnt[ct_card, ct_m]
    ct_card = np.repeat(ct_card, reps); ct_m = np.repeat(ct_m, reps)
    nct = len(ct_card)
    lo = np.maximum(card_issue[ct_card], MS[ct_m])
    hi = np.minimum(card_end[ct_card] - 1, ME[ct_m])
    hi = np.maximum(hi, lo)
    ct_day = lo + np.floor(r.random(nct) * (hi - lo + 1)).astype(np.int64)
    age_ct = 2025 + ct_m // 12 - birth_year[card_cust[ct_card]]
    pcat = np.tile(MERCHANT_P, (nct, 1))
    pcat[:, 2] *= np.where(age_ct < 40, 1.6, np.where(age_ct < 55, 1.0, 0.4))
    nov = CAL_MONTH[ct_m] == 11
    pcat[nov, 2] *= 1.6
    octm = CAL_MONTH[ct_m] == 10
    pcat[octm, 4] *= 1.5
    pcat /= pcat.sum(axis=1, keepdims=True)
    cat = (r.random(nct)[:, None] > np.cumsum(pcat, axis=1)).sum(axis=1)
    cat = np.minimum(cat, len(MERCHANT_CATS) - 1)
    # 双11: part of November's online spending lands on the 11th
    d11 = nov & (cat == 2) & (r.random(nct) < 0.3)
    y11 = np.array([d2i(dt.date(2025 + m // 12, 11, 11)) for m in ct_m[d11]], dtype=np.int64)
    ok11 = (y11 >= lo[d11]) & (y11 <= hi[d11])
    tmp = ct_day[d11]
    tmp[ok11] = y11[ok11]
    ct_day[d11] = tmp
    ct_amt = np.round(np.exp(r.normal(np.log(MERCHANT_MEDIAN[cat]), 0.8)) * np.where(card_level[ct_card] == "白金卡", 1.8, 1.0), 2)
    cash = r.random(nct) < 0.025
    ct_type = np.where(cash, "取现", "消费")
    ct_amt = np.where(cash, np.round(np.exp(r.normal(np.log(2500), 0.6)) / 100) * 100, ct_amt)

    # ---------------------------------------------------------------- complaints
    r = rng_for(seed, 8)
    csea2 = season({1: 1.45, 2: 1.2, 3: 1.4, 12: 1.1})
    ccnt2 = r.poisson(0.0042 * csea2[None, :] * c_active * (kc >= 0))
    cp_cust, cp_m = np.nonzero(ccnt2)
    reps = ccnt2[cp_cust, cp_m]
    cp_cust = np.repeat(cp_cust, reps); cp_m = np.repeat(cp_m, reps)
    lo = np.maximum(onboard[cp_cust], MS[cp_m]); hi = np.minimum(churn_day[cp_cust] - 1, ME[cp_m]); hi = np.maximum(lo, hi)
    cp_day = lo + np.floor(r.random(len(cp_cust)) * (hi - lo + 1)).astype(np.int64)
    cp_type = np.array(COMPLAINT_TYPES)[r.choice(len(COMPLAINT_TYPES), size=len(cp_cust), p=COMPLAINT_P)]
    cp_type = np.where((CAL_MONTH[cp_m] <= 3) & (r.random(len(cp_cust)) < 0.2), "排队等候", cp_type)
    # the 2026-06-18 mobile-banking upgrade outage
    outage = r.integers(0, n_exist, 34)
    cp_cust = np.concatenate([cp_cust, outage])
    cp_day = np.concatenate([cp_day, d2i(dt.date(2026, 6, 18)) + r.choice(3, size=34, p=[0.6, 0.3, 0.1])])
    cp_type = np.concatenate([cp_type, np.array(["手机银行故障"] * 34)])
    ok = (churn_day[cp_cust] > cp_day) & (onboard[cp_cust] <= cp_day)
    cp_cust, cp_day, cp_type = cp_cust[ok], cp_day[ok], cp_type[ok]
    o = np.argsort(cp_day, kind="stable")
    cp_cust, cp_day, cp_type = cp_cust[o], cp_day[o], cp_type[o]
    ncp = len(cp_cust)
    cp_src = np.array(COMPLAINT_SOURCES)[r.choice(4, size=ncp, p=COMPLAINT_SOURCE_P)]
    cp_src = np.where(cp_type == "手机银行故障", np.where(r.random(ncp) < 0.7, "线上渠道", "客服热线"), cp_src)
    res_days = np.ceil(r.gamma(2.0, np.where(cp_src == "监管转办", 6.0, 2.8))).astype(np.int64) + 1
    cp_close = cp_day + res_days

    # ================================================================ cut at the as-of date and write
    tmp_path = output + ".tmp"
    for p in (tmp_path, tmp_path + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    con = duckdb.connect(tmp_path)

    def put(name: str, cols: dict, sql: str):
        con.register("_src", cols)
        con.execute(f"CREATE TABLE {name} AS {sql}")
        con.unregister("_src")
        # numpy string arrays arrive as ENUMs: store plain VARCHAR like the source systems do
        for col, typ in con.execute(f"SELECT column_name, data_type FROM information_schema.columns WHERE table_name = '{name}'").fetchall():
            if typ.startswith("ENUM"):
                con.execute(f'ALTER TABLE {name} ALTER "{col}" TYPE VARCHAR')

    def dates(a) -> np.ndarray:
        return (np.asarray(a, dtype=np.int64)).astype("datetime64[D]").astype("datetime64[s]")

    def cents(a) -> np.ndarray:
        return np.asarray(a, dtype=np.int64)

    def nullable_ids(idx: np.ndarray, prefix: str, width: int) -> np.ndarray:
        return np.array([None if i < 0 else f"{prefix}{i + 1:0{width}d}" for i in idx], dtype=object)

    # dim_branch
    put("dim_branch", {"branch_id": np.array([b[0] for b in BRANCHES]), "branch_name": np.array([b[1] for b in BRANCHES]),
                       "city": np.array([b[2] for b in BRANCHES]), "city_en": np.array([b[3] for b in BRANCHES])},
        "SELECT branch_id, branch_name, city, city_en, '浙江省' AS province FROM _src ORDER BY branch_id")
    sb_keep = sb_open <= AS_OF
    put("dim_subbranch", {
        "subbranch_id": np.array(sb_ids)[sb_keep], "subbranch_name": np.array([s[2] for s in SUBBRANCHES])[sb_keep],
        "branch_id": np.array([s[1] for s in SUBBRANCHES])[sb_keep], "district": np.array([s[3] for s in SUBBRANCHES])[sb_keep],
        "subbranch_type": np.array([s[4] for s in SUBBRANCHES])[sb_keep], "open_date": dates(sb_open[sb_keep])},
        "SELECT subbranch_id, subbranch_name, branch_id, district, subbranch_type, CAST(open_date AS DATE) AS open_date FROM _src ORDER BY subbranch_id")
    mg_keep = np.array([m[4] <= AS_OF for m in mgr_rows])
    put("dim_manager", {
        "manager_id": np.array([m[0] for m in mgr_rows])[mg_keep], "manager_name": np.array([m[1] for m in mgr_rows])[mg_keep],
        "subbranch_id": np.array([m[2] for m in mgr_rows])[mg_keep], "manager_level": np.array([m[3] for m in mgr_rows])[mg_keep],
        "hire_date": dates(np.array([m[4] for m in mgr_rows]))[mg_keep]},
        "SELECT manager_id, manager_name, subbranch_id, manager_level, CAST(hire_date AS DATE) AS hire_date FROM _src ORDER BY manager_id")
    # dim_customer (customers onboarded by the as-of date)
    ck = onboard <= AS_OF
    cid = np.array([f"C{i + 1:06d}" for i in range(n_cust)])
    age_now = as_of.year - birth_year
    age_band = np.select([age_now < 30, age_now < 40, age_now < 50, age_now < 60], ["30岁以下", "30-39岁", "40-49岁", "50-59岁"], "60岁及以上")
    closed_by = churn_day <= AS_OF
    put("dim_customer", {
        "customer_id": cid[ck], "gender": gender[ck], "birth_year": birth_year[ck], "age_band": age_band[ck],
        "customer_tier": np.where(closed_by, "普通", tier)[ck], "is_payroll": payroll[ck],
        "subbranch_id": np.array(sb_ids)[cust_sb][ck],
        "manager_id": nullable_ids(np.where(cust_mgr >= 0, cust_mgr, -1), "M", 4)[ck],
        "onboard_date": dates(onboard)[ck],
        "close_date": np.where(closed_by, dates(np.minimum(churn_day, D_END)), np.datetime64("NaT", "s"))[ck]},
        """SELECT customer_id, gender, CAST(birth_year AS INTEGER) AS birth_year, age_band, customer_tier, is_payroll,
                  subbranch_id, manager_id, CAST(onboard_date AS DATE) AS onboard_date, CAST(close_date AS DATE) AS close_date
           FROM _src ORDER BY customer_id""")
    # fact_account_open: accounts (deposit and credit card) opened from 2025-01-01 to the as-of date
    ak = (acc_open >= D0) & (acc_open <= AS_OF) & (acc_open < acc_close)
    acc_id = np.array([f"62{i + 1:08d}" for i in range(n_acc)])
    card_id = np.array([f"CC{i + 1:07d}" for i in range(n_card)])
    ck2 = (card_issue >= D0) & (card_issue <= AS_OF)
    o_acc = np.concatenate([acc_id[ak], card_id[ck2]])
    o_cust = np.concatenate([acc_cust[ak], card_cust[ck2]])
    o_day = np.concatenate([acc_open[ak], card_issue[ck2]])
    o_type = np.concatenate([acc_type[ak], np.array(["信用卡"] * int(ck2.sum()))])
    o_chan = np.concatenate([acc_chan[ak], card_chan[ck2]])
    o_first = np.concatenate([acc_first[ak] & (onboard[acc_cust[ak]] >= D0), np.zeros(int(ck2.sum()), dtype=bool)])
    # the opening manager: the customer's own, else one of the subbranch's (drawn over the whole horizon)
    rr = rng_for(seed, 9)
    acc_rmgr = np.array([mgr_by_sb[int(cust_sb[c])][rr.integers(len(mgr_by_sb[int(cust_sb[c])]))] for c in acc_cust])
    card_rmgr = np.array([mgr_by_sb[int(cust_sb[c])][rr.integers(len(mgr_by_sb[int(cust_sb[c])]))] for c in card_cust])
    o_rmgr = np.concatenate([acc_rmgr[ak], card_rmgr[ck2]])
    o_mgr = np.where(o_chan == "手机银行", -1, np.where(cust_mgr[o_cust] >= 0, cust_mgr[o_cust], o_rmgr))
    oo = np.lexsort((o_acc, o_day))
    put("fact_account_open", {
        "open_date": dates(o_day[oo]), "account_id": o_acc[oo], "customer_id": cid[o_cust[oo]],
        "subbranch_id": np.array(sb_ids)[cust_sb[o_cust[oo]]], "manager_id": nullable_ids(o_mgr[oo], "M", 4),
        "product_type": o_type[oo], "channel": o_chan[oo], "is_new_customer": o_first[oo]},
        """SELECT 'OP' || lpad(CAST(row_number() OVER () AS VARCHAR), 7, '0') AS open_id, CAST(open_date AS DATE) AS open_date,
                  account_id, customer_id, subbranch_id, manager_id, product_type, channel, is_new_customer FROM _src""")
    # fact_deposit_month: deposit accounts at each closed month end
    a_i, a_m = np.nonzero(active[:, :last_closed + 1])
    put("fact_deposit_month", {
        "month_end": dates(ME[a_m]), "account_id": acc_id[a_i], "customer_id": cid[acc_cust[a_i]],
        "subbranch_id": np.array(sb_ids)[cust_sb[acc_cust[a_i]]], "product_type": acc_type[a_i],
        "bal": cents(bal_c[a_i, a_m]), "adb": cents(adb_c[a_i, a_m])},
        """SELECT CAST(month_end AS DATE) AS month_end, account_id, customer_id, subbranch_id, product_type,
                  CAST(bal / 100.0 AS DECIMAL(18,2)) AS balance, CAST(adb / 100.0 AS DECIMAL(18,2)) AS avg_daily_balance
           FROM _src ORDER BY month_end, account_id""")
    # fact_customer_month: each customer with a relationship at each closed month end
    c_i, c_m = np.nonzero(c_active[:, :last_closed + 1])
    put("fact_customer_month", {
        "month_end": dates(ME[c_m]), "customer_id": cid[c_i], "subbranch_id": np.array(sb_ids)[cust_sb[c_i]],
        "dep": cents(dep_c[c_i, c_m]), "wealth": cents(hold_c[c_i, c_m]), "aum": cents(aum_c[c_i, c_m])},
        """SELECT CAST(month_end AS DATE) AS month_end, customer_id, subbranch_id,
                  CAST(dep / 100.0 AS DECIMAL(18,2)) AS deposit_balance, CAST(wealth / 100.0 AS DECIMAL(18,2)) AS wealth_balance,
                  CAST(aum / 100.0 AS DECIMAL(18,2)) AS aum
           FROM _src ORDER BY month_end, customer_id""")
    # dim_loan and fact_loan_disbursement and fact_loan_month
    l_day = np.array([lo["day"] for lo in loans]); lk = l_day <= AS_OF
    loan_id = np.array([f"LN{i + 1:07d}" for i in range(n_loan)])
    lt = np.array([lo["type"] for lo in loans])
    l_amt = np.array([int(round(lo["amt"] * 100)) for lo in loans])
    l_rate = np.array([lo["rate"] for lo in loans]); l_term = np.array([lo["term"] for lo in loans])
    l_cust = np.array([lo["cust"] for lo in loans]); l_sb = np.array([lo["sb"] for lo in loans]); l_mgr = np.array([lo["mgr"] for lo in loans])
    mat = np.array([d2i(_add_months(i2d(lo["day"]), lo["term"])) for lo in loans])
    put("dim_loan", {
        "loan_id": loan_id[lk], "customer_id": cid[l_cust[lk]], "loan_type": lt[lk], "subbranch_id": np.array(sb_ids)[l_sb[lk]],
        "manager_id": np.array([m[0] for m in mgr_rows])[l_mgr[lk]], "contract_date": dates(l_day[lk]),
        "amt": cents(l_amt[lk]), "term_months": l_term[lk], "rate": l_rate[lk], "maturity_date": dates(mat[lk])},
        """SELECT loan_id, customer_id, loan_type, subbranch_id, manager_id, CAST(contract_date AS DATE) AS contract_date,
                  CAST(amt / 100.0 AS DECIMAL(18,2)) AS contract_amount, CAST(term_months AS INTEGER) AS term_months,
                  CAST(rate AS DECIMAL(6,2)) AS interest_rate, CAST(maturity_date AS DATE) AS maturity_date
           FROM _src ORDER BY loan_id""")
    dk = lk & (l_day >= D0)
    put("fact_loan_disbursement", {
        "loan_id": loan_id[dk], "disburse_date": dates(l_day[dk]), "amt": cents(l_amt[dk]), "rate": l_rate[dk],
        "term_months": l_term[dk], "subbranch_id": np.array(sb_ids)[l_sb[dk]], "manager_id": np.array([m[0] for m in mgr_rows])[l_mgr[dk]]},
        """SELECT 'DB' || substr(loan_id, 3) AS disbursement_id, loan_id, CAST(disburse_date AS DATE) AS disburse_date,
                  CAST(amt / 100.0 AS DECIMAL(18,2)) AS amount, CAST(rate AS DECIMAL(6,2)) AS interest_rate,
                  CAST(term_months AS INTEGER) AS term_months, subbranch_id, manager_id
           FROM _src ORDER BY disburse_date, loan_id""")
    lm = (lrows_a[:, 0] <= last_closed) & (l_day[lrows_a[:, 1]] <= AS_OF)
    put("fact_loan_month", {
        "month_end": dates(ME[lrows_a[lm, 0]]), "loan_id": loan_id[lrows_a[lm, 1]], "bal": cents(lrows_a[lm, 2]),
        "five_class": l_cls[lm], "overdue_days": l_od[lm]},
        """SELECT CAST(month_end AS DATE) AS month_end, loan_id, CAST(bal / 100.0 AS DECIMAL(18,2)) AS balance,
                  five_class, CAST(overdue_days AS INTEGER) AS overdue_days
           FROM _src ORDER BY month_end, loan_id""")
    # dim_wealth_product and fact_wealth_txn (purchases and redemptions up to the as-of date)
    put("dim_wealth_product", {
        "product_code": np.array([p[0] for p in WEALTH_PRODUCTS]), "product_name": np.array([p[1] for p in WEALTH_PRODUCTS]),
        "product_type": np.array([p[2] for p in WEALTH_PRODUCTS]), "risk_level": np.array([p[3] for p in WEALTH_PRODUCTS], dtype=object),
        "issuer": np.array([p[4] for p in WEALTH_PRODUCTS]), "fee_rate": np.array([p[5] for p in WEALTH_PRODUCTS])},
        "SELECT product_code, product_name, product_type, risk_level, issuer, CAST(fee_rate AS DECIMAL(6,4)) AS fee_rate FROM _src ORDER BY product_code")
    codes = np.array([p[0] for p in WEALTH_PRODUCTS])
    all_day = np.concatenate([tdays, red_day])
    all_cust = np.concatenate([w_cust, w_cust[red_idx]])
    all_prod = np.concatenate([prod_idx, prod_idx[red_idx]])
    all_type = np.concatenate([ttype, np.array(["赎回"] * len(red_idx))])
    all_chan = np.concatenate([chan, np.where(rng_for(seed, 10).random(len(red_idx)) < 0.7, "手机银行", "柜面")])
    all_amt = np.concatenate([amt, red_amt])
    all_fee = np.concatenate([np.round(amt * fee_rate, 2), np.zeros(len(red_idx))])
    all_mgr = np.concatenate([sell_mgr, -np.ones(len(red_idx), dtype=np.int64)])
    all_rev = np.concatenate([rev_day, np.full(len(red_idx), 10 ** 7)])
    wk = all_day <= AS_OF
    st = np.where(all_rev <= AS_OF, "已冲正", "成功")
    ow = np.lexsort((np.arange(len(all_day))[wk], all_day[wk]))
    sel = np.nonzero(wk)[0][ow]
    put("fact_wealth_txn", {
        "txn_date": dates(all_day[sel]), "customer_id": cid[all_cust[sel]], "product_code": codes[all_prod[sel]],
        "subbranch_id": np.array(sb_ids)[cust_sb[all_cust[sel]]], "manager_id": nullable_ids(all_mgr[sel], "M", 4),
        "channel": all_chan[sel], "txn_type": all_type[sel], "amt": np.round(all_amt[sel] * 100).astype(np.int64),
        "fee": np.round(all_fee[sel] * 100).astype(np.int64), "status": st[sel],
        "rev": np.where(all_rev[sel] <= AS_OF, dates(np.minimum(all_rev[sel], D_END)), np.datetime64("NaT", "s"))},
        """SELECT 'WT' || strftime(CAST(txn_date AS DATE), '%y%m%d') || lpad(CAST(row_number() OVER () AS VARCHAR), 6, '0') AS txn_id,
                  CAST(txn_date AS DATE) AS txn_date, customer_id, product_code, subbranch_id, manager_id, channel, txn_type,
                  CAST(amt / 100.0 AS DECIMAL(18,2)) AS amount, CAST(fee / 100.0 AS DECIMAL(18,2)) AS fee_amount,
                  status, CAST(rev AS DATE) AS reversed_date
           FROM _src""")
    # dim_card and fact_card_txn
    kc2 = card_issue <= AS_OF
    put("dim_card", {
        "card_id": card_id[kc2], "customer_id": cid[card_cust[kc2]], "card_level": card_level[kc2],
        "issue_date": dates(card_issue[kc2]), "subbranch_id": np.array(sb_ids)[cust_sb[card_cust[kc2]]]},
        "SELECT card_id, customer_id, card_level, CAST(issue_date AS DATE) AS issue_date, subbranch_id FROM _src ORDER BY card_id")
    tk = ct_day <= AS_OF
    ot = np.lexsort((np.arange(nct)[tk], ct_day[tk]))
    s2 = np.nonzero(tk)[0][ot]
    put("fact_card_txn", {
        "txn_date": dates(ct_day[s2]), "card_id": card_id[ct_card[s2]], "customer_id": cid[card_cust[ct_card[s2]]],
        "txn_type": ct_type[s2], "merchant_category": np.where(ct_type[s2] == "取现", None, np.array(MERCHANT_CATS, dtype=object)[cat[s2]]),
        "amt": np.round(ct_amt[s2] * 100).astype(np.int64)},
        """SELECT 'CT' || lpad(CAST(row_number() OVER () AS VARCHAR), 8, '0') AS txn_id, CAST(txn_date AS DATE) AS txn_date,
                  card_id, customer_id, txn_type, merchant_category, CAST(amt / 100.0 AS DECIMAL(18,2)) AS amount
           FROM _src""")
    # fact_complaint
    pk = cp_day <= AS_OF
    closed = cp_close <= AS_OF
    put("fact_complaint", {
        "complaint_date": dates(cp_day[pk]), "customer_id": cid[cp_cust[pk]], "subbranch_id": np.array(sb_ids)[cust_sb[cp_cust[pk]]],
        "complaint_type": cp_type[pk], "source_channel": cp_src[pk],
        "status": np.where(closed, "已办结", "处理中")[pk],
        "closed_date": np.where(closed, dates(np.minimum(cp_close, D_END + 60)), np.datetime64("NaT", "s"))[pk]},
        """SELECT 'TS' || strftime(CAST(complaint_date AS DATE), '%Y%m') || lpad(CAST(row_number() OVER () AS VARCHAR), 5, '0') AS complaint_id,
                  CAST(complaint_date AS DATE) AS complaint_date, customer_id, subbranch_id, complaint_type, source_channel, status,
                  CAST(closed_date AS DATE) AS closed_date
           FROM _src""")
    counts = {}
    for tname in ("dim_branch", "dim_subbranch", "dim_manager", "dim_customer", "dim_loan", "dim_card", "dim_wealth_product",
                  "fact_account_open", "fact_deposit_month", "fact_customer_month", "fact_loan_disbursement", "fact_loan_month",
                  "fact_wealth_txn", "fact_card_txn", "fact_complaint"):
        counts[tname] = con.execute(f"SELECT COUNT(*) FROM {tname}").fetchone()[0]
    meta = [
        ("generator", "eval/bank/warehouse.py"), ("domain", "retail banking (城商行零售条线)"), ("bank_name", BANK_NAME),
        ("seed", str(seed)), ("data_start_date", DATA_START.isoformat()), ("reference_date", as_of.isoformat()),
        ("last_closed_month", mstart(last_closed).strftime("%Y-%m")),
        ("build_seconds", f"{time.time() - t_start:.1f}"),
    ]
    con.execute("CREATE TABLE meta_dataset (key VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO meta_dataset VALUES (?, ?)", meta)
    counts["meta_dataset"] = len(meta)
    con.execute("CHECKPOINT")
    con.close()
    for p in (output, output + ".wal"):
        if os.path.exists(p):
            os.remove(p)
    os.replace(tmp_path, output)
    return counts


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    y += d.year
    m += 1
    last = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(d.day, last))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--output", default="data/bank.duckdb")
    ap.add_argument("--as-of", default=dt.date.today().isoformat(), help="the data's reference date (YYYY-MM-DD)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    t0 = time.time()
    counts = build(args.output, dt.date.fromisoformat(args.as_of), args.seed)
    width = max(len(k) for k in counts)
    for k, v in counts.items():
        print(f"{k:<{width}}  {v:>9,}")
    print(f"wrote {args.output} (as of {args.as_of}, seed {args.seed}) in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
