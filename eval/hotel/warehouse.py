"""Demo warehouse of 云栖酒店集团 (Yunqi Hotels), a Chinese mid-scale hotel chain.

40 hotels in 10 cities and 4 regions, three brands (云栖 / 云栖精选 / 栖居), company-run and
franchised, with their room inventory per room type and night, every reservation (booked, cancelled,
no-show, in house, checked out, still to come), the night-level stays posted by the night audit,
the folio postings (room, F&B, other; refunds as rows of their own), members, guest reviews and
complaints, from 2025-01-01 to the reference date. See docs/demo-hotel.md.

    .venv/bin/python eval/hotel/warehouse.py --output data/hotel.duckdb --as-of 2026-11-15

Only duckdb, numpy and the standard library. Every draw comes from numpy generators seeded by
``--seed`` over a fixed horizon (2025-01-01 .. 2027-12-31) that the as-of date only cuts: the same
seed and as-of give the same rows, and a later as-of only adds rows and moves statuses
(已预订 → 在住 / 已离店 / 已取消 / 未到, 在住 → 已离店, a complaint 处理中 → 已解决, a member's tier).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import duckdb
import numpy as np

DEFAULT_SEED = 20250101
START = dt.date(2025, 1, 1)  # the data begins
SIM_START = dt.date(2024, 12, 1)  # the simulation warms up a month earlier: guests are in house on 2025-01-01
W = (START - SIM_START).days
HORIZON_END = dt.date(2027, 12, 31)
MIN_AS_OF = dt.date(2025, 2, 1)
MAX_AS_OF = dt.date(2027, 10, 31)
N_DAYS = (HORIZON_END - SIM_START).days + 1
PAD = 40  # days past the horizon a stay may run into

# ----------------------------------------------------------------------------- reference data
REGIONS = [  # region_id, name, name_en
    ("R1", "华东", "East China"),
    ("R2", "华南", "South China"),
    ("R3", "华北", "North China"),
    ("R4", "西南", "Southwest China"),
]
# city_id, name, name_en, region_id, tier, leisure?, adr factor
CITIES = [
    ("310000", "上海", "Shanghai", "R1", "一线", False, 1.30),
    ("330100", "杭州", "Hangzhou", "R1", "新一线", True, 1.10),
    ("320100", "南京", "Nanjing", "R1", "新一线", False, 0.98),
    ("320500", "苏州", "Suzhou", "R1", "新一线", True, 1.00),
    ("440100", "广州", "Guangzhou", "R2", "一线", False, 1.08),
    ("440300", "深圳", "Shenzhen", "R2", "一线", False, 1.18),
    ("110000", "北京", "Beijing", "R3", "一线", False, 1.25),
    ("120000", "天津", "Tianjin", "R3", "新一线", False, 0.85),
    ("510100", "成都", "Chengdu", "R4", "新一线", True, 0.92),
    ("500000", "重庆", "Chongqing", "R4", "新一线", True, 0.88),
]
BRANDS = [  # brand_id, name, name_en, positioning, base ADR, base occupancy
    ("B1", "云栖", "Yunqi", "中端", 360.0, 0.78),
    ("B2", "云栖精选", "Yunqi Select", "中高端", 560.0, 0.72),
    ("B3", "栖居", "Qiju", "经济型", 240.0, 0.80),
]
BRAND_PREFIX = {"B1": "云栖", "B2": "云栖精选", "B3": "栖居"}
BRAND_PREFIX_EN = {"B1": "Yunqi", "B2": "Yunqi Select", "B3": "Qiju"}
# hotel_id, brand, city, location (zh), location (en), type, open date
HOTELS = [
    ("H001", "B1", "310000", "上海人民广场", "Shanghai People's Square", "直营", "2016-05-18"),
    ("H002", "B2", "310000", "上海外滩", "Shanghai The Bund", "直营", "2019-09-28"),
    ("H003", "B1", "310000", "上海虹桥枢纽", "Shanghai Hongqiao Hub", "直营", "2018-03-08"),
    ("H004", "B3", "310000", "上海徐家汇", "Shanghai Xujiahui", "加盟", "2020-11-11"),
    ("H005", "B3", "310000", "上海浦东机场", "Shanghai Pudong Airport", "加盟", "2021-06-01"),
    ("H006", "B2", "310000", "上海陆家嘴", "Shanghai Lujiazui", "直营", "2022-04-16"),
    ("H007", "B2", "330100", "杭州西湖", "Hangzhou West Lake", "直营", "2017-08-08"),
    ("H008", "B1", "330100", "杭州东站", "Hangzhou East Station", "直营", "2019-01-20"),
    ("H009", "B3", "330100", "杭州武林广场", "Hangzhou Wulin Square", "加盟", "2020-07-01"),
    ("H010", "B1", "330100", "杭州钱江新城", "Hangzhou Qianjiang New Town", "加盟", "2021-10-10"),
    ("H011", "B3", "330100", "杭州西溪", "Hangzhou Xixi", "加盟", "2023-03-18"),
    ("H012", "B1", "320100", "南京新街口", "Nanjing Xinjiekou", "直营", "2017-12-01"),
    ("H013", "B3", "320100", "南京夫子庙", "Nanjing Confucius Temple", "加盟", "2019-05-01"),
    ("H014", "B2", "320100", "南京河西", "Nanjing Hexi", "直营", "2022-09-09"),
    ("H015", "B3", "320100", "南京南站", "Nanjing South Station", "加盟", "2021-02-08"),
    ("H016", "B1", "320500", "苏州观前街", "Suzhou Guanqian Street", "加盟", "2018-06-16"),
    ("H017", "B2", "320500", "苏州金鸡湖", "Suzhou Jinji Lake", "直营", "2020-04-28"),
    ("H018", "B3", "320500", "苏州火车站", "Suzhou Railway Station", "加盟", "2022-01-06"),
    ("H019", "B1", "440100", "广州天河城", "Guangzhou Tianhe City", "直营", "2017-04-12"),
    ("H020", "B2", "440100", "广州珠江新城", "Guangzhou Zhujiang New Town", "直营", "2021-05-20"),
    ("H021", "B3", "440100", "广州北京路", "Guangzhou Beijing Road", "加盟", "2019-08-18"),
    ("H022", "B3", "440100", "广州白云机场", "Guangzhou Baiyun Airport", "加盟", "2023-07-07"),
    ("H023", "B1", "440300", "深圳福田会展中心", "Shenzhen Futian Convention Center", "直营", "2018-10-01"),
    ("H024", "B2", "440300", "深圳南山科技园", "Shenzhen Nanshan Science Park", "直营", "2020-12-12"),
    ("H025", "B3", "440300", "深圳罗湖口岸", "Shenzhen Luohu Port", "加盟", "2019-03-03"),
    ("H026", "B3", "440300", "深圳前海", "Shenzhen Qianhai", "加盟", "2026-04-18"),
    ("H027", "B1", "110000", "北京王府井", "Beijing Wangfujing", "直营", "2015-09-01"),
    ("H028", "B2", "110000", "北京国贸", "Beijing Guomao", "直营", "2019-06-18"),
    ("H029", "B3", "110000", "北京西站", "Beijing West Railway Station", "加盟", "2018-01-15"),
    ("H030", "B1", "110000", "北京望京", "Beijing Wangjing", "加盟", "2021-08-08"),
    ("H031", "B3", "110000", "北京首都机场", "Beijing Capital Airport", "加盟", "2022-11-01"),
    ("H032", "B1", "120000", "天津滨江道", "Tianjin Binjiang Road", "加盟", "2019-10-01"),
    ("H033", "B3", "120000", "天津站", "Tianjin Railway Station", "加盟", "2021-04-01"),
    ("H034", "B1", "510100", "成都春熙路", "Chengdu Chunxi Road", "直营", "2018-08-08"),
    ("H035", "B2", "510100", "成都太古里", "Chengdu Taikoo Li", "直营", "2025-09-01"),
    ("H036", "B3", "510100", "成都东站", "Chengdu East Station", "加盟", "2020-05-20"),
    ("H037", "B1", "510100", "成都高新", "Chengdu Hi-tech Zone", "加盟", "2022-06-06"),
    ("H038", "B1", "500000", "重庆解放碑", "Chongqing Jiefangbei", "直营", "2019-04-01"),
    ("H039", "B3", "500000", "重庆观音桥", "Chongqing Guanyinqiao", "加盟", "2020-09-09"),
    ("H040", "B2", "500000", "重庆洪崖洞", "Chongqing Hongyadong", "加盟", "2023-12-18"),
]
H027_INDEX = 26  # position of H027 in HOTELS
RENOVATION = {"H027": (dt.date(2026, 3, 1), dt.date(2026, 5, 31))}  # closed, both days included
ROOM_TYPES = [  # id, name, name_en, rate factor, occupancy factor
    ("RT1", "标准间", "Standard twin", 1.00, 1.00),
    ("RT2", "大床房", "King room", 1.04, 1.04),
    ("RT3", "豪华房", "Deluxe room", 1.35, 0.90),
    ("RT4", "套房", "Suite", 2.10, 0.70),
]
ROOMS_BY_BRAND = {  # (low, high) physical rooms per room type; None = the brand has no such rooms
    "B1": [(38, 50), (46, 60), (12, 20), (3, 6)],
    "B2": [(36, 52), (54, 74), (22, 32), (8, 12)],
    "B3": [(30, 40), (34, 48), None, None],
}
CHANNELS = [  # id, name, name_en, group, cancel prob, no-show prob, member prob, rate factor, lead mean
    ("CH01", "官网", "Website", "直销", 0.09, 0.030, 0.85, 0.98, 8.0),
    ("CH02", "App", "Mobile app", "直销", 0.08, 0.025, 1.00, 0.95, 5.0),
    ("CH03", "携程", "Ctrip", "OTA", 0.16, 0.030, 0.15, 1.00, 9.0),
    ("CH04", "美团", "Meituan", "OTA", 0.12, 0.040, 0.10, 0.96, 3.0),
    ("CH05", "飞猪", "Fliggy", "OTA", 0.19, 0.050, 0.12, 0.97, 10.0),
    ("CH06", "协议客户", "Corporate", "协议", 0.06, 0.015, 0.45, 0.85, 12.0),
    ("CH07", "前台散客", "Walk-in", "线下", 0.00, 0.000, 0.25, 1.08, 0.0),
]
CHANNEL_MIX = {  # 2025 shares per brand, in CHANNELS order; 2026 on moves 4 points to the App
    "B1": [0.06, 0.28, 0.26, 0.14, 0.05, 0.15, 0.06],
    "B2": [0.07, 0.25, 0.32, 0.08, 0.06, 0.18, 0.04],
    "B3": [0.05, 0.22, 0.22, 0.30, 0.06, 0.07, 0.08],
}
TIERS = [("T0", "非会员", "non-member", 0), ("T1", "银卡", "silver", 1), ("T2", "金卡", "gold", 2), ("T3", "白金", "platinum", 3)]
TIER_RATE = np.array([1.0, 0.97, 0.92, 0.88])
HOLIDAYS = {  # name: [(first day, last day)]
    "元旦": [("2025-01-01", "2025-01-01"), ("2026-01-01", "2026-01-03"), ("2027-01-01", "2027-01-03")],
    "春节": [("2025-01-28", "2025-02-04"), ("2026-02-15", "2026-02-23"), ("2027-02-06", "2027-02-12")],
    "清明": [("2025-04-04", "2025-04-06"), ("2026-04-04", "2026-04-06"), ("2027-04-03", "2027-04-05")],
    "五一": [("2025-05-01", "2025-05-05"), ("2026-05-01", "2026-05-05"), ("2027-05-01", "2027-05-05")],
    "端午": [("2025-05-31", "2025-06-02"), ("2026-06-19", "2026-06-21"), ("2027-06-09", "2027-06-11")],
    "中秋": [("2026-09-25", "2026-09-27"), ("2027-09-15", "2027-09-17")],
    "国庆": [("2025-10-01", "2025-10-08"), ("2026-10-01", "2026-10-07"), ("2027-10-01", "2027-10-07")],
}
CANTON_FAIR = [("2025-04-15", "2025-05-05"), ("2025-10-15", "2025-11-04"), ("2026-04-15", "2026-05-05"),
               ("2026-10-15", "2026-11-04"), ("2027-04-15", "2027-05-05"), ("2027-10-15", "2027-11-04")]
COMPLAINT_CATEGORIES = ["卫生清洁", "噪音", "设施设备", "服务态度", "前台效率", "网络WiFi", "早餐餐饮", "预订问题"]
COMPLAINT_WEIGHTS = np.array([0.22, 0.18, 0.20, 0.15, 0.08, 0.07, 0.06, 0.04])
COMPLAINT_SOURCES = ["前台", "客服电话", "OTA平台", "App"]
PLATFORMS = ["携程", "美团", "飞猪", "云栖App"]
FOLIO_ITEMS = [  # code: (category, item)
    ("客房", "房费"), ("餐饮", "早餐"), ("餐饮", "中餐厅"), ("餐饮", "大堂吧"), ("餐饮", "宴会"),
    ("其他", "会议室"), ("其他", "洗衣"), ("其他", "迷你吧"), ("其他", "停车"),
]
REFUND_REASONS = ["投诉补偿", "价格调整", "提前离店", "重复支付", "菜品问题"]
JOIN_CHANNELS = ["酒店前台", "App", "微信小程序", "官网"]


def _day(s: str | dt.date) -> int:
    d = dt.date.fromisoformat(s) if isinstance(s, str) else s
    return (d - SIM_START).days


def _calendar():
    """Per-day arrays over the horizon: day of week (0 = Monday), month, year, holiday index."""
    dates = [SIM_START + dt.timedelta(days=i) for i in range(N_DAYS + PAD)]
    dow = np.array([d.weekday() for d in dates])
    month = np.array([d.month for d in dates])
    year = np.array([d.year for d in dates])
    hol = np.full(N_DAYS + PAD, -1)
    hol_last = np.zeros(N_DAYS + PAD, dtype=bool)
    names = list(HOLIDAYS)
    for i, name in enumerate(names):
        for a, b in HOLIDAYS[name]:
            hol[_day(a): _day(b) + 1] = i
            hol_last[_day(b)] = True
    spring = np.zeros(N_DAYS + PAD, dtype=bool)  # 春运 window around the Spring Festival
    for a, _b in HOLIDAYS["春节"]:
        spring[max(0, _day(a) - 7): _day(a) + 12] = True
    fair = np.zeros(N_DAYS + PAD, dtype=bool)
    for a, b in CANTON_FAIR:
        fair[_day(a): _day(b) + 1] = True
    return dates, dow, month, year, hol, hol_last, spring, fair, names


def build(output: str | Path, as_of: dt.date, seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Build the warehouse into ``output`` (a DuckDB file, replaced) and return its row counts."""
    t0 = time.time()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    if not (MIN_AS_OF <= as_of <= MAX_AS_OF):
        raise ValueError(f"as_of must be between {MIN_AS_OF} and {MAX_AS_OF}")
    A = _day(as_of)
    root = np.random.SeedSequence(seed)
    (s_hotel, s_book, s_member, s_rate, s_fb, s_review, s_complaint, s_refund, s_inv, s_nonres) = root.spawn(10)

    dates, dow, month, year, hol, hol_last, spring, fair, hol_names = _calendar()
    T = N_DAYS + PAD

    # ------------------------------------------------------------------ hotels and room types
    rng_h = np.random.default_rng(s_hotel)
    city_idx = {c[0]: i for i, c in enumerate(CITIES)}
    brand_idx = {b[0]: i for i, b in enumerate(BRANDS)}
    n_hotels = len(HOTELS)
    h_city = np.array([city_idx[h[2]] for h in HOTELS])
    h_brand = np.array([brand_idx[h[1]] for h in HOTELS])
    h_leisure = np.array([CITIES[c][5] for c in h_city])
    h_transit = np.array([any(w in h[3] for w in ("机场", "站", "枢纽")) for h in HOTELS])
    h_open = np.array([_day(h[6]) for h in HOTELS])
    h_occ = 0.92 * np.array([BRANDS[b][5] for b in h_brand]) * rng_h.uniform(0.86, 1.08, n_hotels) + 0.04 * h_transit
    h_rate = np.array([BRANDS[b][4] * CITIES[c][6] for b, c in zip(h_brand, h_city, strict=True)]) * rng_h.uniform(0.9, 1.1, n_hotels)
    h_quality = rng_h.uniform(0.55, 0.85, n_hotels)  # review score scale (lower is better)
    h_quality[[i for i, h in enumerate(HOTELS) if h[0] == "H027"]] = 1.15  # old, before the renovation

    pairs = []  # (hotel index, room type index, physical rooms)
    for i, h in enumerate(HOTELS):
        for r, rng_pair in enumerate(ROOMS_BY_BRAND[h[1]]):
            if rng_pair is not None:
                pairs.append((i, r, int(rng_h.integers(rng_pair[0], rng_pair[1] + 1))))
    P = len(pairs)
    p_hotel = np.array([p[0] for p in pairs])
    p_rt = np.array([p[1] for p in pairs])
    p_rooms = np.array([p[2] for p in pairs])

    # open[p, day]
    is_open = np.zeros((P, T), dtype=bool)
    for k, (i, _r, _n) in enumerate(pairs):
        is_open[k, max(0, h_open[i]):] = True
        hid = HOTELS[i][0]
        if hid in RENOVATION:
            a, b = RENOVATION[hid]
            is_open[k, _day(a): _day(b) + 1] = False
    ahead = np.zeros((P, T + 1), dtype=np.int32)  # consecutive open nights from each day
    for d in range(T - 1, -1, -1):
        ahead[:, d] = is_open[:, d] * (1 + ahead[:, d + 1])

    # ------------------------------------------------------------------ demand
    days = np.arange(T)
    lei = h_leisure[p_hotel][:, None]
    wk = np.isin(dow, [4, 5])[None, :]  # Friday and Saturday nights
    dow_f = np.where(lei, np.where(wk, 1.13, 0.94), np.where(wk, 0.86, 1.05))
    m_bus = np.array([0, 0.92, 0.88, 0.98, 1.00, 1.02, 0.99, 1.00, 1.01, 1.02, 1.01, 1.00, 0.93])
    m_lei = np.array([0, 0.88, 0.92, 0.96, 1.00, 1.02, 0.98, 1.13, 1.16, 0.98, 1.03, 0.95, 0.90])
    mon_f = np.where(lei, m_lei[month][None, :], m_bus[month][None, :])
    hol_f = np.ones((P, T))
    on_hol = (hol >= 0)[None, :]
    hol_f = np.where(on_hol & lei, 1.30, hol_f)
    hol_f = np.where(on_hol & ~lei, 0.97, hol_f)
    hol_f = np.where(hol_last[None, :], 0.75, hol_f)
    hol_f = np.where(spring[None, :] & ~lei, 0.55, hol_f)
    hol_f = np.where(spring[None, :] & lei & ~on_hol, 0.75, hol_f)
    gz = (h_city[p_hotel] == city_idx["440100"])[:, None]
    hol_f = np.where(gz & fair[None, :], hol_f * 1.22, hol_f)
    year_f = np.where(year >= 2026, 1.02, 1.0)[None, :]
    # a new hotel ramps up over its first four months; the renovated one comes back stronger
    since_open = days[None, :] - h_open[p_hotel][:, None]
    ramp = np.clip(0.55 + 0.45 * since_open / 120.0, 0.55, 1.0)
    reno_f = np.ones((P, T))
    for k, (i, _r, _n) in enumerate(pairs):
        if HOTELS[i][0] in RENOVATION:
            a, b = RENOVATION[HOTELS[i][0]]
            reno_f[k, : _day(a)] = 0.9
            reno_f[k, _day(b) + 1:] = np.clip(0.6 + 0.5 * (days[_day(b) + 1:] - _day(b)) / 60.0, 0.6, 1.08)
    rng_b = np.random.default_rng(s_book)
    city_noise = np.exp(rng_b.normal(0, 0.05, (len(CITIES), T)))[h_city[p_hotel]]
    rt_occ = np.array([rt[4] for rt in ROOM_TYPES])[p_rt][:, None]
    target = np.clip(h_occ[p_hotel][:, None] * rt_occ * dow_f * mon_f * hol_f * year_f * ramp * reno_f * city_noise, 0.03, 0.99)

    # channel mix per pair and year
    mix25 = np.array([CHANNEL_MIX[HOTELS[i][1]] for i in p_hotel])
    mix26 = mix25.copy()
    mix26[:, 1] += 0.04
    mix26[:, 2] -= 0.02
    mix26[:, 3] -= 0.02
    cum25, cum26 = np.cumsum(mix25, 1), np.cumsum(mix26, 1)
    ch_cancel = np.array([c[4] for c in CHANNELS])
    ch_noshow = np.array([c[5] for c in CHANNELS])
    ch_member = np.array([c[6] for c in CHANNELS])
    ch_rate = np.array([c[7] for c in CHANNELS])
    ch_lead = np.array([c[8] for c in CHANNELS])
    q_los = np.where(h_transit[p_hotel], 0.74, np.where(h_leisure[p_hotel], 0.56, 0.62))
    mean_los = 1.0 / q_los
    cxl_mean = (mix25 * (ch_cancel + ch_noshow)).sum(1)

    # ------------------------------------------------------------------ simulation: arrivals per night
    running = np.zeros(P)
    ends = np.zeros((P, T + 20))
    out_day, out_pair, out_ch, out_los, out_rooms, out_kind = [], [], [], [], [], []
    room_choices = np.array([1, 2, 3, 4])
    for d in range(N_DAYS):
        running -= ends[:, d]
        open_d = is_open[:, d]
        lam = target[:, d] * p_rooms * open_d / (mean_los * 1.07) / (1.0 - cxl_mean) * 1.04
        n = rng_b.poisson(lam)
        N = int(n.sum())
        if N == 0:
            continue
        pi = np.repeat(np.arange(P), n)
        cum = cum26 if year[d] >= 2026 else cum25
        u = rng_b.random(N)
        ch = (u[:, None] > cum[pi]).sum(1)
        ch = np.minimum(ch, len(CHANNELS) - 1)
        u2 = rng_b.random(N)
        kind = np.where(u2 < ch_cancel[ch], 1, np.where(u2 < ch_cancel[ch] + ch_noshow[ch], 2, 0))  # 0 stay 1 cxl 2 ns
        q = q_los[pi] * np.where(ch == 5, 0.75, 1.0)
        los = np.minimum(rng_b.geometric(q), 14)
        los = np.minimum(los, ahead[pi, d])
        ur = rng_b.random(N)
        corp = ch == 5
        rooms = np.where(corp, np.searchsorted([0.85, 0.94, 0.98], ur, side="right"),
                         np.searchsorted([0.93, 0.98, 1.01], ur, side="right"))
        rooms = room_choices[np.minimum(rooms, 3)]
        stay = kind == 0
        r_stay = np.where(stay, rooms, 0)
        cs = np.cumsum(r_stay)
        first = np.concatenate(([0], np.cumsum(n)[:-1]))
        base = np.where(n > 0, cs[np.minimum(first, N - 1)] - r_stay[np.minimum(first, N - 1)], 0)
        within = cs - base[pi]
        cap = (p_rooms - running)[pi]
        accept = stay & (within <= cap)
        keep = accept | ~stay
        if not keep.any():
            continue
        pa, la, ra = pi[accept], los[accept], rooms[accept]
        running += np.bincount(pa, weights=ra, minlength=P)
        np.add.at(ends, (pa, d + la), ra)
        out_day.append(np.full(int(keep.sum()), d, dtype=np.int32))
        out_pair.append(pi[keep].astype(np.int32))
        out_ch.append(ch[keep].astype(np.int8))
        out_los.append(los[keep].astype(np.int16))
        out_rooms.append(rooms[keep].astype(np.int16))
        out_kind.append(kind[keep].astype(np.int8))
    r_day = np.concatenate(out_day)
    r_pair = np.concatenate(out_pair)
    r_ch = np.concatenate(out_ch).astype(np.int64)
    r_los = np.concatenate(out_los).astype(np.int64)
    r_rooms = np.concatenate(out_rooms).astype(np.int64)
    r_kind = np.concatenate(out_kind)
    R = len(r_day)
    r_hotel = p_hotel[r_pair]

    # lead time and cancellation day
    lead_mean = ch_lead[r_ch] * np.where(hol[r_day] >= 0, 2.5, 1.0)
    lead = np.where(lead_mean > 0, np.minimum(np.floor(rng_b.exponential(np.maximum(lead_mean, 1e-9))), 90), 0).astype(np.int64)
    r_book = r_day - lead
    r_cancel = r_book + np.floor(rng_b.random(R) * (r_day - r_book + 1)).astype(np.int64)

    # ------------------------------------------------------------------ members
    rng_m = np.random.default_rng(s_member)
    n_old = 180_000
    old_join = -np.floor(rng_m.power(1.8, n_old) * 3300).astype(np.int64) - 1  # 2016 .. 2024, more recent more often
    new_per_day = rng_m.poisson(185 * np.where(spring[:N_DAYS], 0.6, 1.0) * np.where(year[:N_DAYS] >= 2026, 1.12, 1.0))
    new_join = np.repeat(np.arange(N_DAYS), new_per_day)
    m_join = np.sort(np.concatenate([old_join, new_join]))
    M = len(m_join)
    m_w = rng_m.lognormal(0, 1.2, M)
    m_rank = np.argsort(np.argsort(m_w)) / M  # activity quantile
    gold_after = np.where(m_rank > 0.80, rng_m.integers(60, 400, M), 10**6)
    plat_after = np.where(m_rank > 0.97, gold_after + rng_m.integers(120, 360, M), 10**6)
    m_gold, m_plat = m_join + gold_after, m_join + plat_after
    m_channel = rng_m.choice(4, M, p=[0.54, 0.27, 0.12, 0.07])
    # front-desk joins belong to a hotel open at the time
    m_hotel = np.full(M, -1)
    fd = np.where(m_channel == 0)[0]
    cand = rng_m.integers(0, n_hotels, (len(fd), 8))
    jd = m_join[fd]
    ok = np.zeros(len(fd), dtype=bool)
    for j in range(8):
        hc = cand[:, j]
        good = ~ok & (h_open[hc] <= np.maximum(jd, -10**6)) & ~(
            (hc == H027_INDEX) & (jd >= _day(RENOVATION["H027"][0])) & (jd <= _day(RENOVATION["H027"][1])))
        m_hotel[fd[good]] = hc[good]
        ok |= good
    m_channel[fd[~ok]] = 1  # no open hotel drawn: an App join
    cw = np.cumsum(m_w)
    is_mem = rng_m.random(R) < ch_member[r_ch] * np.where(year[np.maximum(r_day, 0)] >= 2026, 1.06, 1.0)
    n_avail = np.searchsorted(m_join, r_book, side="right")
    mem_idx = np.full(R, -1)
    sel = is_mem & (n_avail > 0)
    uu = rng_m.random(sel.sum()) * cw[n_avail[sel] - 1]
    mem_idx[sel] = np.minimum(np.searchsorted(cw, uu, side="right"), n_avail[sel] - 1)
    has_mem = mem_idx >= 0
    tier = np.zeros(R, dtype=np.int64)
    mi = mem_idx[has_mem]
    tier[has_mem] = 1 + (r_book[has_mem] >= m_gold[mi]) + (r_book[has_mem] >= m_plat[mi])

    # ------------------------------------------------------------------ rates
    rng_r = np.random.default_rng(s_rate)
    comp = (r_kind == 0) & (tier >= 2) & (rng_r.random(R) < 0.03)
    r_noise = np.exp(rng_r.normal(0, 0.07, R))
    rt_rate = np.array([rt[3] for rt in ROOM_TYPES])
    leisure_c = np.array([c[5] for c in CITIES])
    wk_all = np.isin(dow, [4, 5])
    adr_day = np.ones((len(CITIES), T))
    for c in range(len(CITIES)):
        f = np.where(wk_all, 1.12 if leisure_c[c] else 0.93, 1.0)
        f = f * np.where(leisure_c[c] & np.isin(month, [7, 8]), 1.15, 1.0)
        f = f * np.where(hol >= 0, 1.5 if leisure_c[c] else 1.12, 1.0)
        f = f * np.where(spring & ~(hol >= 0), 0.85 if not leisure_c[c] else 1.0, 1.0)
        if CITIES[c][0] == "440100":
            f = f * np.where(fair, 1.6, 1.0)
        f = f * np.where(year >= 2026, 0.97, 1.0) * np.where(year >= 2027, 1.01, 1.0)
        adr_day[c] = f
    reno_rate = np.ones((n_hotels, T))
    for i, h in enumerate(HOTELS):
        if h[0] in RENOVATION:
            reno_rate[i, _day(RENOVATION[h[0]][1]) + 1:] = 1.12
    booking_rate = h_rate[r_hotel] * rt_rate[p_rt[r_pair]] * ch_rate[r_ch] * TIER_RATE[tier] * r_noise
    # every booked night (cancelled and future ones too: the quoted amount)
    n_idx = np.repeat(np.arange(R), r_los)
    n_k = np.arange(len(n_idx)) - np.repeat(np.cumsum(r_los) - r_los, r_los)
    n_day = r_day[n_idx] + n_k
    n_rate = np.round(booking_rate[n_idx] * adr_day[h_city[r_hotel[n_idx]], n_day] * reno_rate[r_hotel[n_idx], n_day])
    n_rate = np.where(comp[n_idx], 0.0, n_rate)
    quoted = np.bincount(n_idx, weights=n_rate * r_rooms[n_idx], minlength=R)

    # ------------------------------------------------------------------ status as of the reference date
    # 0 已离店 1 在住 2 已取消 3 未到 4 已预订
    status = np.full(R, 4)
    status[(r_kind == 1) & (r_cancel <= A)] = 2
    status[(r_kind == 2) & (r_day <= A)] = 3
    status[(r_kind == 0) & (r_day <= A) & (r_day + r_los > A)] = 1
    status[(r_kind == 0) & (r_day + r_los <= A)] = 0
    # reservations: booked by the reference date, and either due from 2025-01-01 or in house on it
    keep_r = (r_book <= A) & (((r_kind == 0) & (r_day + r_los >= W)) | (r_day >= W))

    # ------------------------------------------------------------------ complaints, refunds, reviews
    stay = r_kind == 0
    reno_a, reno_b = _day(RENOVATION["H027"][0]), _day(RENOVATION["H027"][1])
    h027 = [i for i, h in enumerate(HOTELS) if h[0] == "H027"][0]

    def closed(hotel_idx, day_arr):
        return (hotel_idx == h027) & (day_arr >= reno_a) & (day_arr <= reno_b)

    rng_c = np.random.default_rng(s_complaint)
    qual_at = np.where((r_hotel == h027) & (r_day > reno_b), 0.6, h_quality[r_hotel])
    has_c = stay & (rng_c.random(R) < 0.0045 * qual_at / 0.7)
    c_res = np.where(has_c)[0]
    c_day = r_day[c_res] + np.floor(rng_c.random(len(c_res)) * (r_los[c_res] + 1)).astype(np.int64)
    cw_ = np.tile(COMPLAINT_WEIGHTS, (len(c_res), 1))
    old = (r_hotel[c_res] == h027) & (r_day[c_res] < reno_a)
    cw_[old, 2] *= 3.0
    cw_[old, 1] *= 1.5
    cw_ = np.cumsum(cw_ / cw_.sum(1, keepdims=True), 1)
    c_cat = (rng_c.random(len(c_res))[:, None] > cw_).sum(1)
    c_src = rng_c.choice(4, len(c_res), p=[0.40, 0.15, 0.30, 0.15])
    c_resolve = c_day + np.minimum(rng_c.geometric(0.45, len(c_res)) - 1, 14)
    c_keep = (c_day <= A) & (c_day >= W) & keep_r[c_res] & ~closed(r_hotel[c_res], c_day)

    rng_f = np.random.default_rng(s_refund)
    first_charge = booking_rate * adr_day[h_city[r_hotel], r_day] * r_rooms
    ref_p = np.where(has_c, 0.40, 0.011)
    has_ref = stay & ~comp & (rng_f.random(R) < ref_p)
    f_res = np.where(has_ref)[0]
    f_day = np.where(has_c[f_res], r_day[f_res] + r_los[f_res] + rng_f.integers(0, 4, len(f_res)),
                     r_day[f_res] + r_los[f_res] + rng_f.integers(0, 11, len(f_res)))
    f_amt = np.round(first_charge[f_res] * rng_f.uniform(0.2, 1.0, len(f_res)))
    f_reason = np.where(has_c[f_res], 0, rng_f.choice([1, 2, 3], len(f_res), p=[0.4, 0.35, 0.25]))

    rng_v = np.random.default_rng(s_review)
    rev_p = np.where(np.isin(r_ch, [2, 3, 4]), 0.15, np.where(r_ch == 6, 0.05, 0.10))
    has_v = stay & (rng_v.random(R) < rev_p)
    v_res = np.where(has_v)[0]
    v_day = r_day[v_res] + r_los[v_res] + np.minimum(rng_v.geometric(0.5, len(v_res)) - 1, 10)
    scale = np.where(has_c[v_res], 2.5, qual_at[v_res])
    v_score = np.clip(5 - np.floor(rng_v.exponential(scale)), 1, 5).astype(np.int64)
    plat_other = rng_v.choice(4, len(v_res), p=[0.5, 0.3, 0.0, 0.2])
    v_ch = r_ch[v_res]
    v_plat = np.where(v_ch == 2, 0, np.where(v_ch == 3, 1, np.where(v_ch == 4, 2, np.where(v_ch <= 1, 3, plat_other))))
    v_keep = (v_day <= A) & (v_day >= W) & keep_r[v_res] & ~closed(r_hotel[v_res], v_day)

    # ------------------------------------------------------------------ F&B and other postings of in-house guests
    rng_fb = np.random.default_rng(s_fb)
    brand_of = h_brand[r_hotel]  # 0 云栖 1 精选 2 栖居
    fb_p = np.array([0.30, 0.45, 0.15])[brand_of]
    has_fb = stay & (rng_fb.random(R) < fb_p)
    b_res = np.where(has_fb)[0]
    b_day = r_day[b_res] + np.floor(rng_fb.random(len(b_res)) * r_los[b_res]).astype(np.int64)
    ub = rng_fb.random(len(b_res))
    bb = brand_of[b_res]
    b_item = np.where(bb == 2, 1, np.where(bb == 0, np.where(ub < 0.6, 1, 2), np.where(ub < 0.45, 1, np.where(ub < 0.85, 2, 3))))
    b_amt = np.where(b_item == 1, np.where(bb == 2, 28.0, np.where(bb == 0, 58.0, 88.0)) * rng_fb.integers(1, 3, len(b_res)),
                     np.round(rng_fb.lognormal(np.log(np.where(b_item == 2, 260.0, 120.0)), 0.45)))
    has_ot = stay & (rng_fb.random(R) < np.array([0.12, 0.16, 0.08])[brand_of])
    o_res = np.where(has_ot)[0]
    o_day = r_day[o_res] + np.floor(rng_fb.random(len(o_res)) * r_los[o_res]).astype(np.int64)
    o_item = rng_fb.choice([6, 7, 8], len(o_res), p=[0.30, 0.35, 0.35])
    o_amt = np.round(np.where(o_item == 6, rng_fb.uniform(30, 160, len(o_res)),
                              np.where(o_item == 7, rng_fb.uniform(15, 90, len(o_res)), 30.0 * r_los[o_res])))

    # non-resident sales: restaurant, banquets, meeting rooms (hotel × day)
    rng_n = np.random.default_rng(s_nonres)
    nr_h, nr_d, nr_item, nr_amt = [], [], [], []
    hotel_open_day = np.zeros((n_hotels, T), dtype=bool)
    for i in range(n_hotels):
        hotel_open_day[i, max(0, h_open[i]):] = True
    hotel_open_day[h027, reno_a: reno_b + 1] = False
    def add_sales(i, days_, item, amounts):
        nr_h.append(np.full(len(days_), i))
        nr_d.append(days_)
        nr_item.append(np.full(len(days_), item))
        nr_amt.append(amounts)

    for i in range(n_hotels):
        b = h_brand[i]
        if b == 2:  # 栖居 has no restaurant
            continue
        od = np.where(hotel_open_day[i, :N_DAYS])[0]
        season = np.where(wk_all[od], 1.2, 1.0) * np.where(month[od] == 12, 1.15, 1.0) * np.where(
            spring[od] & ~h_leisure[i], 0.5, 1.0)
        base = 2500.0 if b == 0 else 6500.0
        add_sales(i, od, 2, np.round(rng_n.lognormal(np.log(base * season), 0.25)))  # restaurant walk-ins
        if b == 1:  # banquets (weddings in May, October, December)
            lam = np.where(wk_all[od], 0.30, 0.08) * np.where(np.isin(month[od], [5, 10, 12]), 2.0, 1.0)
            dd = np.repeat(od, rng_n.poisson(lam))
            add_sales(i, dd, 4, np.round(rng_n.lognormal(np.log(42000.0), 0.5, len(dd)), -2))
        if not h_leisure[i] or b == 1:  # meeting rooms, on weekdays
            lam = np.where(wk_all[od] | (dow[od] == 6), 0.05, 0.35)
            dd = np.repeat(od, rng_n.poisson(lam))
            add_sales(i, dd, 5, np.round(rng_n.uniform(3000, 18000, len(dd)), -2))
    nr_h = np.concatenate(nr_h)
    nr_d = np.concatenate(nr_d)
    nr_item = np.concatenate(nr_item)
    nr_amt = np.concatenate(nr_amt)

    # F&B refunds (resident and non-resident)
    fb_all_amt = np.concatenate([b_amt, nr_amt[nr_item <= 4]])
    n_fb = len(fb_all_amt)
    fbr = np.where(rng_fb.random(n_fb) < 0.003)[0]
    fbr_amt = np.round(fb_all_amt[fbr] * rng_fb.uniform(0.3, 1.0, len(fbr)))
    fbr_delay = rng_fb.integers(0, 3, len(fbr))

    # ------------------------------------------------------------------ inventory (out-of-order from the slack)
    occ = np.zeros((P, T))
    np.add.at(occ, (r_pair[n_idx[stay[n_idx]]], n_day[stay[n_idx]]), r_rooms[n_idx[stay[n_idx]]])
    rng_i = np.random.default_rng(s_inv)
    ooo_draw = rng_i.binomial(p_rooms[:, None].repeat(T, 1), 0.012)
    slack = np.maximum(p_rooms[:, None] - occ, 0).astype(np.int64)
    ooo = np.minimum(ooo_draw, slack)

    # ================================================================== write
    out = Path(output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists():
        out.unlink()
    con = duckdb.connect(str(out))
    start_sql = f"DATE '{SIM_START.isoformat()}'"

    def put(name, cols):
        con.register("_tmp", cols)
        sel = ", ".join(f"CAST({k} AS VARCHAR) AS {k}" if np.asarray(v).dtype.kind == "U" else k for k, v in cols.items())
        con.execute(f"CREATE TEMP TABLE {name} AS SELECT {sel} FROM _tmp")
        con.unregister("_tmp")

    con.execute("CREATE TABLE dim_region (region_id VARCHAR PRIMARY KEY, region_name VARCHAR, region_name_en VARCHAR)")
    con.executemany("INSERT INTO dim_region VALUES (?, ?, ?)", REGIONS)
    con.execute("CREATE TABLE dim_city (city_id VARCHAR PRIMARY KEY, city_name VARCHAR, city_name_en VARCHAR, "
                "region_id VARCHAR, city_tier VARCHAR)")
    con.executemany("INSERT INTO dim_city VALUES (?, ?, ?, ?, ?)", [c[:5] for c in CITIES])
    con.execute("CREATE TABLE dim_brand (brand_id VARCHAR PRIMARY KEY, brand_name VARCHAR, brand_name_en VARCHAR, positioning VARCHAR)")
    con.executemany("INSERT INTO dim_brand VALUES (?, ?, ?, ?)", [b[:4] for b in BRANDS])
    total_rooms = np.bincount(p_hotel, weights=p_rooms, minlength=n_hotels).astype(int)
    con.execute("CREATE TABLE dim_hotel (hotel_id VARCHAR PRIMARY KEY, hotel_name VARCHAR, hotel_name_en VARCHAR, "
                "brand_id VARCHAR, city_id VARCHAR, hotel_type VARCHAR, open_date DATE, total_rooms INTEGER, "
                "has_restaurant BOOLEAN, hotel_status VARCHAR)")
    rows = []
    for i, h in enumerate(HOTELS):
        st = "营业中"
        if dt.date.fromisoformat(h[6]) > as_of:
            st = "筹建中"
        elif h[0] in RENOVATION and RENOVATION[h[0]][0] <= as_of <= RENOVATION[h[0]][1]:
            st = "装修停业"
        rows.append((h[0], f"{BRAND_PREFIX[h[1]]}{h[3]}店", f"{BRAND_PREFIX_EN[h[1]]} {h[4]}", h[1], h[2], h[5],
                     h[6], int(total_rooms[i]), h[1] != "B3", st))
    con.executemany("INSERT INTO dim_hotel VALUES (?, ?, ?, ?, ?, ?, CAST(? AS DATE), ?, ?, ?)", rows)
    con.execute("CREATE TABLE dim_room_type (room_type_id VARCHAR PRIMARY KEY, room_type_name VARCHAR, room_type_name_en VARCHAR)")
    con.executemany("INSERT INTO dim_room_type VALUES (?, ?, ?)", [rt[:3] for rt in ROOM_TYPES])
    con.execute("CREATE TABLE dim_hotel_room_type (hotel_id VARCHAR, room_type_id VARCHAR, physical_rooms INTEGER, "
                "PRIMARY KEY (hotel_id, room_type_id))")
    con.executemany("INSERT INTO dim_hotel_room_type VALUES (?, ?, ?)",
                    [(HOTELS[i][0], ROOM_TYPES[r][0], n) for i, r, n in pairs])
    con.execute("CREATE TABLE dim_channel (channel_id VARCHAR PRIMARY KEY, channel_name VARCHAR, channel_name_en VARCHAR, channel_group VARCHAR)")
    con.executemany("INSERT INTO dim_channel VALUES (?, ?, ?, ?)", [c[:4] for c in CHANNELS])
    con.execute("CREATE TABLE dim_member_tier (tier_id VARCHAR PRIMARY KEY, tier_name VARCHAR, tier_name_en VARCHAR, tier_rank INTEGER)")
    con.executemany("INSERT INTO dim_member_tier VALUES (?, ?, ?, ?)", TIERS)

    # lookup tables for codes
    con.execute("CREATE TEMP TABLE _hotel AS SELECT row_number() OVER (ORDER BY hotel_id) - 1 AS i, hotel_id FROM dim_hotel")
    put("_pair", {"p": np.arange(P), "hotel_id_i": p_hotel, "rt_i": p_rt})
    put("_names", {"k": np.arange(len(hol_names)), "holiday_name": np.array(hol_names)})

    # dim_date: 2024-12-01 (guests in house on 2025-01-01 checked in in December) to the reference date + 120
    # (the arrival dates of future bookings)
    last_cal = min(A + 120, N_DAYS - 1)
    put("_d", {"d": np.arange(0, last_cal + 1), "hol": hol[: last_cal + 1]})
    con.execute(f"""
        CREATE TABLE dim_date AS
        SELECT {start_sql} + CAST(d AS INTEGER) AS date_key,
               year({start_sql} + CAST(d AS INTEGER)) AS year,
               month({start_sql} + CAST(d AS INTEGER)) AS month,
               isodow({start_sql} + CAST(d AS INTEGER)) AS iso_weekday,
               CASE WHEN isodow({start_sql} + CAST(d AS INTEGER)) IN (5, 6) THEN '周末' ELSE '平日' END AS day_type,
               n.holiday_name
        FROM _d LEFT JOIN _names n ON n.k = _d.hol ORDER BY d""")

    # inventory
    inv_p, inv_d = np.nonzero(is_open[:, : A + 1])
    inv_p, inv_d = inv_p[inv_d >= W], inv_d[inv_d >= W]
    put("_inv", {"p": inv_p, "d": inv_d, "phys": p_rooms[inv_p], "ooo": ooo[inv_p, inv_d]})
    con.execute(f"""
        CREATE TABLE fact_inventory_daily AS
        SELECT {start_sql} + CAST(i.d AS INTEGER) AS inv_date, h.hotel_id, rt.room_type_id,
               CAST(i.phys AS INTEGER) AS physical_rooms, CAST(i.ooo AS INTEGER) AS out_of_order_rooms,
               CAST(i.phys - i.ooo AS INTEGER) AS available_rooms
        FROM _inv i JOIN _pair p ON p.p = i.p JOIN _hotel h ON h.i = p.hotel_id_i
        JOIN (SELECT row_number() OVER (ORDER BY room_type_id) - 1 AS i, room_type_id FROM dim_room_type) rt ON rt.i = p.rt_i
        ORDER BY 1, 2, 3""")

    # members (joined by the reference date)
    mk = m_join <= A
    m_tier_now = 1 + (A >= m_gold) + (A >= m_plat)
    put("_m", {"m": np.arange(M)[mk], "jday": m_join[mk], "h": m_hotel[mk], "ch": m_channel[mk], "t": m_tier_now[mk]})
    put("_jc", {"k": np.arange(4), "join_channel": np.array(JOIN_CHANNELS)})
    con.execute(f"""
        CREATE TABLE dim_member AS
        SELECT 'M' || lpad(CAST(m + 1 AS VARCHAR), 7, '0') AS member_id,
               {start_sql} + CAST(jday AS INTEGER) AS join_date,
               h.hotel_id AS join_hotel_id, jc.join_channel,
               t.tier_name AS member_tier
        FROM _m LEFT JOIN _hotel h ON h.i = _m.h JOIN _jc jc ON jc.k = _m.ch
        JOIN (SELECT tier_rank, tier_name FROM dim_member_tier) t ON t.tier_rank = _m.t
        ORDER BY m""")

    # reservations
    rk = np.where(keep_r)[0]
    put("_r", {"r": rk, "p": r_pair[rk], "ch": r_ch[rk], "mem": mem_idx[rk], "tier": tier[rk], "book": r_book[rk],
               "cin": r_day[rk], "los": r_los[rk], "rooms": r_rooms[rk], "quoted": quoted[rk],
               "comp": comp[rk], "status": status[rk], "cxl": r_cancel[rk]})
    put("_st", {"k": np.arange(5), "status_name": np.array(["已离店", "在住", "已取消", "未到", "已预订"])})
    con.execute(f"""
        CREATE TABLE fact_reservation AS
        SELECT 'R' || lpad(CAST(r + 1 AS VARCHAR), 8, '0') AS reservation_id,
               h.hotel_id, rt.room_type_id, c.channel_id,
               CASE WHEN mem >= 0 THEN 'M' || lpad(CAST(mem + 1 AS VARCHAR), 7, '0') END AS member_id,
               t.tier_id AS member_tier_id,
               {start_sql} + CAST(book AS INTEGER) AS booking_date,
               {start_sql} + CAST(cin AS INTEGER) AS checkin_date,
               {start_sql} + CAST(cin + los AS INTEGER) AS checkout_date,
               CAST(los AS INTEGER) AS nights, CAST(rooms AS INTEGER) AS rooms,
               CAST(los * rooms AS INTEGER) AS room_nights,
               CAST(round(quoted / (los * rooms), 2) AS DECIMAL(10, 2)) AS avg_rate,
               CAST(quoted AS DECIMAL(12, 2)) AS quoted_room_revenue,
               comp AS is_complimentary,
               s.status_name AS status,
               CASE WHEN status = 2 THEN {start_sql} + CAST(cxl AS INTEGER) END AS cancel_date
        FROM _r JOIN _pair p ON p.p = _r.p JOIN _hotel h ON h.i = p.hotel_id_i
        JOIN (SELECT row_number() OVER (ORDER BY room_type_id) - 1 AS i, room_type_id FROM dim_room_type) rt ON rt.i = p.rt_i
        JOIN (SELECT row_number() OVER (ORDER BY channel_id) - 1 AS i, channel_id FROM dim_channel) c ON c.i = _r.ch
        JOIN (SELECT tier_rank, tier_id FROM dim_member_tier) t ON t.tier_rank = _r.tier
        JOIN _st s ON s.k = _r.status
        ORDER BY r""")

    # night-level stays (posted by the night audit)
    nk = stay[n_idx] & (n_day <= A) & (n_day >= W)
    nsel = np.where(nk)[0]
    put("_n", {"r": n_idx[nsel], "d": n_day[nsel], "rate": n_rate[nsel]})
    con.execute(f"""
        CREATE TABLE fact_room_night AS
        SELECT {start_sql} + CAST(n.d AS INTEGER) AS stay_date, r.reservation_id, r.hotel_id, r.room_type_id,
               r.rooms, CAST(n.rate AS DECIMAL(10, 2)) AS room_rate, r.is_complimentary
        FROM _n n JOIN (SELECT reservation_id, hotel_id, room_type_id, rooms, is_complimentary,
                               CAST(substr(reservation_id, 2) AS BIGINT) - 1 AS r FROM fact_reservation) r ON r.r = n.r
        ORDER BY 1, 2""")

    # folio postings: room charges (one per reservation and night, non-complimentary), F&B, other, refunds
    room_post = np.where(stay[n_idx] & ~comp[n_idx])[0]  # every posted night of the horizon; cut below
    parts = []
    # kind: 0 消费 1 退款; item code per FOLIO_ITEMS; res -1 = non-resident
    parts.append(dict(src=np.zeros(len(room_post), np.int64), seq=room_post, d=n_day[room_post],
                      h=r_hotel[n_idx[room_post]], res=n_idx[room_post], item=np.zeros(len(room_post), np.int64),
                      kind=np.zeros(len(room_post), np.int64), amt=n_rate[room_post] * r_rooms[n_idx[room_post]],
                      reason=np.full(len(room_post), -1)))
    parts.append(dict(src=np.ones(len(b_res), np.int64), seq=np.arange(len(b_res)), d=b_day, h=r_hotel[b_res], res=b_res,
                      item=b_item, kind=np.zeros(len(b_res), np.int64), amt=b_amt, reason=np.full(len(b_res), -1)))
    parts.append(dict(src=np.full(len(o_res), 2), seq=np.arange(len(o_res)), d=o_day, h=r_hotel[o_res], res=o_res,
                      item=o_item, kind=np.zeros(len(o_res), np.int64), amt=o_amt, reason=np.full(len(o_res), -1)))
    parts.append(dict(src=np.full(len(nr_d), 3), seq=np.arange(len(nr_d)), d=nr_d, h=nr_h, res=np.full(len(nr_d), -1),
                      item=nr_item, kind=np.zeros(len(nr_d), np.int64), amt=nr_amt, reason=np.full(len(nr_d), -1)))
    nf = len(f_res)
    parts.append(dict(src=np.full(nf, 4), seq=np.arange(nf), d=f_day, h=r_hotel[f_res], res=f_res,
                      item=np.zeros(nf, np.int64), kind=np.ones(nf, np.int64), amt=f_amt, reason=f_reason))
    # F&B refunds point at the posting they refund
    fb_d = np.concatenate([b_day, nr_d[nr_item <= 4]])
    fb_h = np.concatenate([r_hotel[b_res], nr_h[nr_item <= 4]])
    fb_res = np.concatenate([b_res, np.full(int((nr_item <= 4).sum()), -1)])
    fb_item = np.concatenate([b_item, nr_item[nr_item <= 4]])
    parts.append(dict(src=np.full(len(fbr), 5), seq=fbr, d=fb_d[fbr] + fbr_delay, h=fb_h[fbr], res=fb_res[fbr],
                      item=fb_item[fbr], kind=np.ones(len(fbr), np.int64), amt=fbr_amt, reason=np.full(len(fbr), 4)))
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    # stable posting ids: ordered by (source, sequence), independent of the as-of date
    order = np.lexsort((cat["seq"], cat["src"]))
    pid = np.empty(len(order), np.int64)
    pid[order] = np.arange(len(order))
    open_ok = hotel_open_day[cat["h"], np.minimum(cat["d"], T - 1)]
    fk = (cat["d"] <= A) & (cat["d"] >= W) & open_ok & ((cat["res"] < 0) | keep_r[np.maximum(cat["res"], 0)])
    put("_f", {"pid": pid[fk], "d": cat["d"][fk], "h": cat["h"][fk], "res": cat["res"][fk], "item": cat["item"][fk],
               "kind": cat["kind"][fk], "amt": cat["amt"][fk], "reason": cat["reason"][fk]})
    put("_it", {"k": np.arange(len(FOLIO_ITEMS)), "cat": np.array([x[0] for x in FOLIO_ITEMS]),
                "item_name": np.array([x[1] for x in FOLIO_ITEMS])})
    put("_rr", {"k": np.arange(len(REFUND_REASONS)), "reason_name": np.array(REFUND_REASONS)})
    con.execute(f"""
        CREATE TABLE fact_folio AS
        SELECT 'P' || lpad(CAST(f.pid + 1 AS VARCHAR), 9, '0') AS posting_id,
               {start_sql} + CAST(f.d AS INTEGER) AS business_date,
               h.hotel_id,
               CASE WHEN f.res >= 0 THEN 'R' || lpad(CAST(f.res + 1 AS VARCHAR), 8, '0') END AS reservation_id,
               it.cat AS revenue_category, it.item_name AS revenue_item,
               CASE WHEN f.kind = 1 THEN '退款' ELSE '消费' END AS posting_type,
               CAST(f.amt AS DECIMAL(12, 2)) AS amount,
               rr.reason_name AS refund_reason
        FROM _f f JOIN _hotel h ON h.i = f.h JOIN _it it ON it.k = f.item LEFT JOIN _rr rr ON rr.k = f.reason
        ORDER BY 2, 1""")

    # reviews
    vk = v_keep
    put("_v", {"k": np.where(vk)[0], "res": v_res[vk], "d": v_day[vk], "plat": v_plat[vk], "score": v_score[vk]})
    put("_pl", {"k": np.arange(4), "platform": np.array(PLATFORMS)})
    con.execute(f"""
        CREATE TABLE fact_review AS
        SELECT 'V' || lpad(CAST(v.k + 1 AS VARCHAR), 7, '0') AS review_id,
               {start_sql} + CAST(v.d AS INTEGER) AS review_date,
               r.reservation_id, r.hotel_id, pl.platform, CAST(v.score AS INTEGER) AS score
        FROM _v v JOIN (SELECT reservation_id, hotel_id, CAST(substr(reservation_id, 2) AS BIGINT) - 1 AS r
                        FROM fact_reservation) r ON r.r = v.res
        JOIN _pl pl ON pl.k = v.plat ORDER BY 2, 1""")

    # complaints
    ck = c_keep
    put("_c", {"k": np.where(ck)[0], "res": c_res[ck], "d": c_day[ck], "cat": c_cat[ck], "src": c_src[ck],
               "rd": c_resolve[ck]})
    put("_cc", {"k": np.arange(len(COMPLAINT_CATEGORIES)), "category": np.array(COMPLAINT_CATEGORIES)})
    put("_cs", {"k": np.arange(4), "source": np.array(COMPLAINT_SOURCES)})
    con.execute(f"""
        CREATE TABLE fact_complaint AS
        SELECT 'C' || lpad(CAST(c.k + 1 AS VARCHAR), 6, '0') AS complaint_id,
               {start_sql} + CAST(c.d AS INTEGER) AS complaint_date,
               r.hotel_id, r.reservation_id, cc.category AS complaint_category, cs.source AS complaint_source,
               CASE WHEN c.rd <= {A} THEN '已解决' ELSE '处理中' END AS complaint_status,
               CASE WHEN c.rd <= {A} THEN {start_sql} + CAST(c.rd AS INTEGER) END AS resolved_date
        FROM _c c JOIN (SELECT reservation_id, hotel_id, CAST(substr(reservation_id, 2) AS BIGINT) - 1 AS r
                        FROM fact_reservation) r ON r.r = c.res
        JOIN _cc cc ON cc.k = c.cat JOIN _cs cs ON cs.k = c.src ORDER BY 2, 1""")

    build_seconds = round(time.time() - t0, 1)
    con.execute("CREATE TABLE meta_dataset (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.executemany("INSERT INTO meta_dataset VALUES (?, ?)", [
        ("generator", "eval/hotel/warehouse.py"), ("domain", "hotel"), ("group_name", "云栖酒店集团"),
        ("seed", str(seed)), ("data_start_date", START.isoformat()), ("reference_date", as_of.isoformat()),
        ("last_closed_month", (as_of.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")),
        ("build_seconds", str(build_seconds)),
    ])
    counts = {}
    for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
                            "AND table_type = 'BASE TABLE' ORDER BY 1").fetchall():
        counts[t] = con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]
    con.close()
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default="data/hotel.duckdb")
    ap.add_argument("--as-of", default=dt.date.today().isoformat(), help="reference date (YYYY-MM-DD)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    t0 = time.time()
    counts = build(args.output, dt.date.fromisoformat(args.as_of), args.seed)
    for k, v in counts.items():
        print(f"{k:24s} {v:>10,}")
    print(f"built {args.output} in {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
