#!/usr/bin/env python3
"""Logistics demo warehouse: a regional express carrier in East China (华东快递物流).

Writes one DuckDB file with the carrier's depots, couriers, contract customers and service
products, and its waybills, delivery attempts, complaints, claims and month-end receivables from
2025-01-01 to the as-of date (see docs/demo-logistics.md).

    .venv/bin/python eval/logistics/warehouse.py --output data/logistics.duckdb --as-of 2026-11-15

Only duckdb, numpy and the standard library are used. Every draw comes from one numpy generator
seeded by --seed, in a fixed order, over a horizon that does not depend on --as-of (through
2027-12-31); the as-of date only cuts what has happened by then. So the same seed and as-of always
give the same rows, and a later as-of only adds rows and moves statuses (in transit → signed for,
pending claim → paid).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import shutil
import tempfile
import time

import duckdb
import numpy as np

DEFAULT_SEED = 20250101
DATA_START = dt.date(2025, 1, 1)
HORIZON = dt.date(2027, 12, 31)       # everything is drawn through this day, whatever the as-of
LAST_AS_OF = dt.date(2027, 11, 30)    # a later as-of would see parcels still to be delivered after HORIZON
DAY = 86400

# ----------------------------------------------------------------------------- geography
# city_id, name, English name, province, province (en), hub, weight, districts
CITIES = [
    (3100, "上海", "Shanghai", "上海市", "Shanghai", "H01", 1.6,
     ["浦东", "闵行", "徐汇", "静安", "长宁", "普陀", "杨浦", "宝山", "嘉定", "松江", "青浦", "奉贤", "虹口", "黄浦"]),
    (3301, "杭州", "Hangzhou", "浙江省", "Zhejiang", "H02", 1.4,
     ["西湖", "拱墅", "上城", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安", "桐庐", "建德"]),
    (3302, "宁波", "Ningbo", "浙江省", "Zhejiang", "H03", 1.0,
     ["海曙", "江北", "鄞州", "北仑", "镇海", "奉化", "余姚", "慈溪"]),
    (3303, "温州", "Wenzhou", "浙江省", "Zhejiang", "H04", 0.8, ["鹿城", "龙湾", "瓯海", "瑞安", "乐清", "苍南"]),
    (3304, "嘉兴", "Jiaxing", "浙江省", "Zhejiang", "H02", 0.6, ["南湖", "秀洲", "桐乡", "海宁", "平湖"]),
    (3306, "绍兴", "Shaoxing", "浙江省", "Zhejiang", "H02", 0.6, ["越城", "柯桥", "上虞", "诸暨", "嵊州"]),
    (3307, "金华", "Jinhua", "浙江省", "Zhejiang", "H04", 0.9, ["婺城", "金东", "义乌", "东阳", "永康"]),
    (3310, "台州", "Taizhou", "浙江省", "Zhejiang", "H03", 0.6, ["椒江", "黄岩", "路桥", "温岭", "临海"]),
    (3201, "南京", "Nanjing", "江苏省", "Jiangsu", "H05", 1.0,
     ["玄武", "秦淮", "建邺", "鼓楼", "栖霞", "雨花台", "江宁", "浦口", "六合"]),
    (3202, "无锡", "Wuxi", "江苏省", "Jiangsu", "H06", 0.8, ["梁溪", "滨湖", "新吴", "锡山", "惠山", "江阴"]),
    (3203, "徐州", "Xuzhou", "江苏省", "Jiangsu", "H05", 0.5, ["鼓楼", "云龙", "泉山", "铜山"]),
    (3204, "常州", "Changzhou", "江苏省", "Jiangsu", "H06", 0.6, ["天宁", "钟楼", "新北", "武进", "溧阳"]),
    (3205, "苏州", "Suzhou", "江苏省", "Jiangsu", "H06", 1.2,
     ["姑苏", "吴中", "相城", "吴江", "工业园区", "虎丘", "昆山", "常熟", "张家港", "太仓"]),
    (3206, "南通", "Nantong", "江苏省", "Jiangsu", "H06", 0.6, ["崇川", "通州", "海门", "如皋", "启东"]),
    (3401, "合肥", "Hefei", "安徽省", "Anhui", "H07", 0.8, ["蜀山", "包河", "庐阳", "瑶海", "高新", "肥西"]),
    (3402, "芜湖", "Wuhu", "安徽省", "Anhui", "H07", 0.4, ["镜湖", "鸠江", "弋江"]),
]
HUBS = [
    ("H01", "上海转运中心", "Shanghai hub", 3100),
    ("H02", "杭州转运中心", "Hangzhou hub", 3301),
    ("H03", "宁波转运中心", "Ningbo hub", 3302),
    ("H04", "金华转运中心", "Jinhua hub", 3307),
    ("H05", "南京转运中心", "Nanjing hub", 3201),
    ("H06", "苏州转运中心", "Suzhou hub", 3205),
    ("H07", "合肥转运中心", "Hefei hub", 3401),
]
# depots that open during the data period (no shipments before their opening day)
NEW_DEPOTS = {
    "上海奉贤网点": dt.date(2025, 6, 1),
    "杭州钱塘网点": dt.date(2025, 9, 15),
    "合肥肥西网点": dt.date(2026, 3, 1),
    "苏州相城网点": dt.date(2026, 5, 18),
    "南通启东网点": dt.date(2026, 8, 8),
}
DEPOT_BOOST = {"金华义乌网点": 2.6, "上海浦东网点": 1.5, "杭州余杭网点": 1.6, "苏州工业园区网点": 1.3}

# ----------------------------------------------------------------------------- products
# id, name, English name, promised hours, share of walk-in parcels
PRODUCTS = [
    ("P01", "标快", "Standard Express", 48),
    ("P02", "特快", "Priority Express", 24),
    ("P03", "经济件", "Economy Express", 72),
    ("P04", "冷链", "Cold Chain", 36),
]
LANES = ["同城", "省内", "跨省"]
# price: (first kg, each further kg) by product and lane
PRICE = {
    0: [(8, 2.0), (10, 3.0), (12, 5.0)],
    1: [(15, 4.0), (18, 6.0), (22, 9.0)],
    2: [(6, 1.5), (7, 2.0), (8, 3.0)],
    3: [(20, 5.0), (25, 7.0), (30, 10.0)],
}
# hours from pickup to arrival at the delivering depot, by product and lane
TRANSIT = {
    0: [9.0, 18.0, 27.0],
    1: [4.5, 9.5, 13.0],
    2: [14.0, 28.0, 42.0],
    3: [6.0, 12.0, 18.0],
}

# ----------------------------------------------------------------------------- customers
INDUSTRIES = ["电商", "服装", "生鲜", "数码", "医药", "制造", "办公文件"]
INDUSTRY_SHARE = [0.35, 0.15, 0.10, 0.10, 0.08, 0.12, 0.10]
INDUSTRY_SUFFIX = {
    "电商": ["电子商务有限公司", "网络科技有限公司", "供应链管理有限公司"],
    "服装": ["服饰有限公司", "制衣有限公司", "鞋业有限公司"],
    "生鲜": ["生鲜食品有限公司", "农业发展有限公司", "水产有限公司"],
    "数码": ["电子科技有限公司", "数码科技有限公司", "智能科技有限公司"],
    "医药": ["医药有限公司", "生物科技有限公司", "医疗器械有限公司"],
    "制造": ["机械制造有限公司", "精密部件有限公司", "五金制品有限公司"],
    "办公文件": ["律师事务所", "会计师事务所", "商务咨询有限公司"],
}
BRANDS = ("优品 云仓 星选 乐购 鲸选 好物 尚品 易购 聚美 悦享 淘优 百川 恒通 华信 顺达 新航 启明 东方 金源 天诚 "
          "锦程 宏远 万家 嘉禾 瑞丰 永盛 汇通 博雅 润泽 蓝海 海川 青禾 禾田 鲜达 农鲜 佳品 精工 正泰 凯达 "
          "明德 众诚 德胜 宝丰 信达 安康 康宁 仁和 同济 致远 远航 星河 银河 晨光 朝阳 鼎盛 华美 美邦 "
          "衣联 织梦 锦绣 云裳 步云 飞跃 数智 芯动 极客 智联 云图 方正 博信 立信 中和 天衡").split()
# weight of a parcel by industry: lognormal median (kg) and sigma
WEIGHT = {"电商": (1.0, 0.7), "服装": (0.8, 0.5), "生鲜": (3.0, 0.5), "数码": (1.5, 0.8),
          "医药": (1.2, 0.6), "制造": (6.0, 0.8), "办公文件": (0.25, 0.4), None: (1.5, 0.9)}
# product mix by industry (标快, 特快, 经济件, 冷链); None = walk-in
PRODUCT_MIX = {"电商": [0.55, 0.05, 0.40, 0.0], "服装": [0.60, 0.05, 0.35, 0.0],
               "生鲜": [0.25, 0.10, 0.0, 0.65], "数码": [0.60, 0.30, 0.10, 0.0],
               "医药": [0.40, 0.25, 0.0, 0.35], "制造": [0.55, 0.05, 0.40, 0.0],
               "办公文件": [0.30, 0.70, 0.0, 0.0], None: [0.62, 0.25, 0.10, 0.03]}
INSURED_P = {"电商": 0.03, "服装": 0.02, "生鲜": 0.02, "数码": 0.25, "医药": 0.15, "制造": 0.08,
             "办公文件": 0.05, None: 0.07}
PROMO_SENSITIVE = {"电商": 2.0, "服装": 1.6, "生鲜": 0.8, "数码": 1.4, "医药": 0.4, "制造": 0.1,
                   "办公文件": 0.0, None: 0.5}

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建文辉玲鹏飞斌宇浩凯健俊帆帅旭宁龙林波彬鑫博晨琳倩雪婷欣悦宏亮峰昊然轩睿")

# Spring Festival (除夕 is the day before)
CNY = [dt.date(2025, 1, 29), dt.date(2026, 2, 17), dt.date(2027, 2, 6), dt.date(2028, 1, 26)]


def season(d: dt.date, promo_sens: float) -> float:
    """Volume multiplier of a day: weekday, Spring Festival, 618, 双11, 双12, 国庆."""
    m = [1.08, 1.03, 1.0, 1.0, 1.02, 0.86, 0.72][d.weekday()]
    promo = 1.0
    for c in CNY:
        off = (d - c).days
        if -21 <= off <= -8:
            m *= 1.08
        elif -7 <= off <= -3:
            m *= 0.75
        elif -2 <= off <= 6:
            m *= 0.22
        elif 7 <= off <= 10:
            m *= 0.55
        elif 11 <= off <= 16:
            m *= 0.85
    if d.month == 6 and d.day <= 17:
        promo = 1.15
    elif d.month == 6 and d.day <= 20:
        promo = 1.45
    elif d.month == 10 and d.day >= 21:
        promo = 1.15
    elif d.month == 11 and d.day <= 10:
        promo = 1.5
    elif d.month == 11 and d.day <= 13:
        promo = 3.0
    elif d.month == 11 and d.day <= 18:
        promo = 1.7
    elif d.month == 11:
        promo = 1.12
    elif d.month == 12 and 10 <= d.day <= 14:
        promo = 1.2
    if d.month == 10 and d.day <= 7:
        m *= 0.75
    return m * (1.0 + (promo - 1.0) * promo_sens)


def delay_factor(d: dt.date) -> float:
    """How much slower the network is on a day (双11 backlog, Spring Festival)."""
    f = 1.0
    if d.month == 11 and 10 <= d.day <= 18:
        f = 1.45
    for c in CNY:
        if -6 <= (d - c).days <= 8:
            f = 1.8
    return f


def days_between(a: dt.date, b: dt.date) -> list[dt.date]:
    return [a + dt.timedelta(days=i) for i in range((b - a).days + 1)]


def month_end(y: int, m: int) -> dt.date:
    return (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))


def to_epoch(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days * DAY


def ts_str(sec: np.ndarray) -> np.ndarray:
    """epoch seconds (int64, -1 = NULL) → 'YYYY-MM-DD HH:MM:SS' strings ('' = NULL)."""
    out = np.datetime_as_string(sec.astype("datetime64[s]"), unit="s")
    out = np.char.replace(out, "T", " ")
    return np.where(sec < 0, "", out)


def date_str(sec: np.ndarray) -> np.ndarray:
    out = np.datetime_as_string(sec.astype("datetime64[s]").astype("datetime64[D]"), unit="D")
    return np.where(sec < 0, "", out)


def write_csv(path: str, header: list[str], cols: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(zip(*[list(c) for c in cols]))


def build(output: str, as_of: dt.date, seed: int = DEFAULT_SEED) -> dict:
    t0 = time.time()
    if not dt.date(2025, 2, 1) <= as_of <= LAST_AS_OF:
        raise SystemExit(f"--as-of must be between 2025-02-01 and {LAST_AS_OF}")
    rng = np.random.default_rng(seed)
    horizon = HORIZON
    as_of_end = to_epoch(as_of) + DAY - 1          # the last second of the as-of day
    days = days_between(DATA_START, horizon)
    n_days = len(days)
    day_epoch = np.array([to_epoch(d) for d in days], dtype=np.int64)

    # ------------------------------------------------------------------ dimensions
    city_rows, depot_rows = [], []
    depot_city, depot_weight, depot_open, depot_direct, depot_hub = [], [], [], [], []
    for cid, cname, cen, prov, prov_en, hub, cw, districts in CITIES:
        city_rows.append((cid, cname, cen, prov, prov_en))
        for i, dist in enumerate(districts):
            name = f"{cname}{dist}网点"
            did = f"D{cid}{i + 1:02d}"
            w = cw * float(rng.lognormal(0.0, 0.45)) * DEPOT_BOOST.get(name, 1.0)
            if name in NEW_DEPOTS:
                opened = NEW_DEPOTS[name]
            else:
                opened = dt.date(2012, 1, 1) + dt.timedelta(days=int(rng.integers(0, 12 * 365)))
            direct = bool(rng.random() < (0.6 if i < 2 else 0.35))
            depot_rows.append((did, name, "直营" if direct else "加盟", cid, hub, opened.isoformat()))
            depot_city.append(cid)
            depot_weight.append(w)
            depot_open.append(opened)
            depot_direct.append(direct)
            depot_hub.append(hub)
    n_dep = len(depot_rows)
    depot_ids = np.array([r[0] for r in depot_rows])
    depot_names = [r[1] for r in depot_rows]
    depot_city = np.array(depot_city)
    depot_weight = np.array(depot_weight)
    depot_direct = np.array(depot_direct)
    depot_open_ep = np.array([to_epoch(d) for d in depot_open], dtype=np.int64)
    city_ids = [c[0] for c in CITIES]
    city_prov = {c[0]: c[3] for c in CITIES}
    depot_prov = np.array([city_prov[c] for c in depot_city])
    # a depot's own performance: slower and more failed attempts at some (franchises more often)
    depot_perf = rng.lognormal(0.0, 0.06, n_dep) * np.where(depot_direct, 0.97, 1.04)
    depot_fail = np.clip(rng.normal(0.0, 0.025, n_dep) + np.where(depot_direct, 0.0, 0.03), -0.03, 0.12)

    # couriers
    used_names: set[str] = set()

    def person_name() -> str:
        while True:
            n = SURNAMES[int(rng.integers(len(SURNAMES)))] + "".join(
                GIVEN[int(rng.integers(len(GIVEN)))] for _ in range(int(rng.integers(1, 3))))
            if n not in used_names:
                used_names.add(n)
                return n

    courier_rows = []
    dep_courier_start = np.zeros(n_dep, dtype=np.int64)
    dep_courier_count = np.zeros(n_dep, dtype=np.int64)
    for j in range(n_dep):
        k = int(np.clip(round(2 + depot_weight[j] * 2.2), 3, 9))
        dep_courier_start[j] = len(courier_rows)
        dep_courier_count[j] = k
        for _ in range(k):
            cid = f"C{len(courier_rows) + 10001}"
            hired = max(depot_open[j], dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3500))))
            if hired > horizon:
                hired = depot_open[j]
            emp = "全职" if rng.random() < (0.8 if depot_direct[j] else 0.55) else "外包"
            courier_rows.append((cid, person_name(), depot_ids[j], emp, hired.isoformat()))
    courier_ids = np.array([r[0] for r in courier_rows])

    # contract customers (月结客户)
    n_cust = 300
    cust_rows = []
    cust_ind, cust_depot, cust_w, cust_start, cust_stop, cust_disc, cust_credit, cust_delay = \
        [], [], [], [], [], [], [], []
    cust_names: set[str] = set()
    dep_p = depot_weight / depot_weight.sum()
    for i in range(n_cust):
        ind = INDUSTRIES[int(rng.choice(len(INDUSTRIES), p=INDUSTRY_SHARE))]
        j = int(rng.choice(n_dep, p=dep_p))
        cname_city = CITIES[city_ids.index(int(depot_city[j]))][1]
        while True:
            nm = cname_city + BRANDS[int(rng.integers(len(BRANDS)))] + \
                INDUSTRY_SUFFIX[ind][int(rng.integers(len(INDUSTRY_SUFFIX[ind])))]
            if nm not in cust_names:
                cust_names.add(nm)
                break
        if rng.random() < 0.8:
            signed = dt.date(2016, 1, 1) + dt.timedelta(days=int(rng.integers(0, 3280)))
        else:
            signed = DATA_START + dt.timedelta(days=int(rng.integers(0, 660)))
        signed = max(signed, depot_open[j])
        stop = None
        if rng.random() < 0.06:
            stop = DATA_START + dt.timedelta(days=int(rng.integers(120, 640)))
            if stop <= signed:
                stop = None
        credit = 60 if rng.random() < 0.3 else 30
        cust_rows.append((f"K{i + 1:05d}", nm, ind, depot_ids[j], signed.isoformat(), credit))
        cust_ind.append(ind)
        cust_depot.append(j)
        cust_w.append(float(rng.pareto(1.6) + 0.3))
        cust_start.append(signed)
        cust_stop.append(stop)
        cust_disc.append(float(rng.uniform(0.55, 0.85)))
        cust_credit.append(credit)
        # payment behaviour: days paid after the due date (most on time, some late, few very late)
        r = rng.random()
        cust_delay.append((-8, 6) if r < 0.65 else ((0, 35) if r < 0.92 else (30, 120)))
    cust_ids = np.array([r[0] for r in cust_rows])
    cust_w = np.array(cust_w)
    cust_depot = np.array(cust_depot)
    cust_disc = np.array(cust_disc)
    cust_growth = rng.normal(0.12, 0.15, n_cust)

    # ------------------------------------------------------------------ shipments: how many, when
    t_years = (day_epoch - day_epoch[0]) / (365.0 * DAY)
    # contract: customers × days
    target_contract_per_day = 175.0
    scale_c = target_contract_per_day / cust_w.sum()
    lam_c = np.zeros((n_days, n_cust))
    seas_by_ind = {ind: np.array([season(d, PROMO_SENSITIVE[ind]) for d in days]) for ind in INDUSTRIES}
    seas_walk = np.array([season(d, PROMO_SENSITIVE[None]) for d in days])
    start_ep = np.array([to_epoch(d) for d in cust_start])
    stop_ep = np.array([to_epoch(d) if d else 1 << 40 for d in cust_stop])
    for i in range(n_cust):
        active = (day_epoch >= start_ep[i]) & (day_epoch < stop_ep[i])
        # a new customer ramps up over its first two months
        ramp = np.clip((day_epoch - start_ep[i]) / (60.0 * DAY), 0.15, 1.0)
        lam_c[:, i] = (cust_w[i] * scale_c * seas_by_ind[cust_ind[i]] * (1 + cust_growth[i]) ** t_years
                       * active * ramp)
    n_c = rng.poisson(lam_c)
    # walk-in: depots × days
    target_walk_per_day = 125.0
    scale_w = target_walk_per_day / depot_weight.sum()
    lam_w = np.outer(seas_walk * (1.03 ** t_years), depot_weight * scale_w)
    open_mask = day_epoch[:, None] >= depot_open_ep[None, :]
    ramp_w = np.clip((day_epoch[:, None] - depot_open_ep[None, :]) / (90.0 * DAY), 0.2, 1.0)
    lam_w = lam_w * open_mask * ramp_w
    n_w = rng.poisson(lam_w)

    d_idx_c, c_idx = np.nonzero(n_c)
    rep_c = n_c[d_idx_c, c_idx]
    d_idx_w, w_dep = np.nonzero(n_w)
    rep_w = n_w[d_idx_w, w_dep]
    ship_day = np.concatenate([np.repeat(d_idx_c, rep_c), np.repeat(d_idx_w, rep_w)])
    ship_cust = np.concatenate([np.repeat(c_idx, rep_c), np.full(rep_w.sum(), -1)])
    origin = np.concatenate([cust_depot[np.repeat(c_idx, rep_c)], np.repeat(w_dep, rep_w)])
    n = len(ship_day)
    is_contract = ship_cust >= 0
    ind_of = np.array([cust_ind[c] if c >= 0 else "" for c in ship_cust])

    # time of day: contract parcels are collected in the afternoon batch, walk-ins all day
    sec_c = np.clip(rng.normal(16.5 * 3600, 1.6 * 3600, n), 8 * 3600, 21 * 3600 + 3599)
    sec_w = rng.uniform(8 * 3600, 21 * 3600, n)
    ship_sec = day_epoch[ship_day] + np.where(is_contract, sec_c, sec_w).astype(np.int64)
    order = np.lexsort((origin, ship_sec))
    ship_day, ship_cust, origin, is_contract, ind_of, ship_sec = (
        a[order] for a in (ship_day, ship_cust, origin, is_contract, ind_of, ship_sec))

    # product, lane, destination
    u = rng.random(n)
    product = np.zeros(n, dtype=np.int64)
    for ind in INDUSTRIES + [None]:
        sel = (ind_of == ind) if ind else ~is_contract
        cum = np.cumsum(PRODUCT_MIX[ind])
        product[sel] = np.searchsorted(cum, u[sel] * cum[-1], side="right")
    product = np.minimum(product, 3)
    o_city = depot_city[origin]
    o_prov = depot_prov[origin]
    lane_u = rng.random(n)
    lane = np.where(lane_u < 0.25, 0, np.where(lane_u < 0.58, 1, 2))
    lane = np.where((o_city == 3100) & (lane == 1), np.where(rng.random(n) < 0.4, 0, 2), lane)
    dest = np.zeros(n, dtype=np.int64)
    grp_u = rng.random(n)
    for ci in city_ids:
        prov = city_prov[ci]
        for ln in range(3):
            sel = np.nonzero((o_city == ci) & (lane == ln))[0]
            if len(sel) == 0:
                continue
            if ln == 0:
                cand = np.nonzero(depot_city == ci)[0]
            elif ln == 1:
                cand = np.nonzero((depot_prov == prov) & (depot_city != ci))[0]
            else:
                cand = np.nonzero(depot_prov != prov)[0]
            w = depot_weight[cand].copy()
            # choose among the depots open on the shipment's day
            for k in sel_chunks(sel, ship_day):
                day_ep = day_epoch[ship_day[k[0]]]
                ok = depot_open_ep[cand] <= day_ep
                ww = np.where(ok, w, 0.0)
                cum = np.cumsum(ww)
                dest[k] = cand[np.minimum(np.searchsorted(cum, grp_u[k] * cum[-1], side="right"), len(cand) - 1)]
    # weight, fee
    wt = np.zeros(n)
    for ind in INDUSTRIES + [None]:
        sel = (ind_of == ind) if ind else ~is_contract
        med, sig = WEIGHT[ind]
        wt[sel] = rng.lognormal(np.log(med), sig, sel.sum())
    wt = np.round(np.clip(wt, 0.05, 60.0), 2)
    first = np.array([[PRICE[p][ln][0] for ln in range(3)] for p in range(4)])[product, lane]
    extra = np.array([[PRICE[p][ln][1] for ln in range(3)] for p in range(4)])[product, lane]
    charge_kg = np.maximum(np.ceil(wt), 1.0)
    list_fee = first + extra * (charge_kg - 1)
    disc = np.where(is_contract, cust_disc[np.maximum(ship_cust, 0)], 1.0)
    freight = np.where(is_contract, np.round(list_fee * disc, 2), np.round(list_fee))
    ins_p = np.full(n, INSURED_P[None])
    for ind in INDUSTRIES:
        ins_p[ind_of == ind] = INSURED_P[ind]
    insured = rng.random(n) < ins_p
    ins_val = np.where(insured, np.round(rng.lognormal(np.log(1500), 0.9, n), -1), 0.0)
    ins_val = np.clip(ins_val, 0, 30000)
    va_fee = np.where(insured, np.maximum(1.0, np.round(ins_val * 0.005, 2)), 0.0) + np.where(product == 3, 5.0, 0.0)
    va_fee = np.round(va_fee, 2)
    # pickup courier (of the origin depot), delivery courier (of the destination depot)
    pick_c = dep_courier_start[origin] + (rng.random(n) * dep_courier_count[origin]).astype(np.int64)
    deliv_c = dep_courier_start[dest] + (rng.random(n) * dep_courier_count[dest]).astype(np.int64)

    # cancellation and loss
    promo_day = np.array([season(d, 1.0) / season(d, 0.0) for d in days])[ship_day]
    p_cancel = np.where(is_contract, 0.018, 0.034) + np.where(promo_day > 1.3, 0.012, 0.0)
    cancelled = rng.random(n) < p_cancel
    lost = (~cancelled) & (rng.random(n) < 0.0008)

    # transit and delivery attempts
    promised_h = np.array([p[3] for p in PRODUCTS])[product]
    promised = ship_sec + promised_h * 3600
    delay_d = np.array([delay_factor(d) for d in days])[ship_day]
    base_h = np.array([[TRANSIT[p][ln] for ln in range(3)] for p in range(4)])[product, lane]
    arrival = ship_sec + (base_h * rng.lognormal(0.0, 0.22, n) * delay_d * depot_perf[dest] * 3600).astype(np.int64)

    def office_hours(t: np.ndarray, r: np.ndarray) -> np.ndarray:
        tod = t % DAY
        day0 = t - tod
        nxt = np.where(tod >= 20 * 3600, day0 + DAY + 8 * 3600 + (r * 3 * 3600).astype(np.int64), t)
        return np.where(tod < 8 * 3600, day0 + 8 * 3600 + (r * 3 * 3600).astype(np.int64), nxt)

    att1 = office_hours(arrival + (rng.uniform(1.0, 4.0, n) * 3600).astype(np.int64), rng.random(n))
    stress = (delay_d > 1.0).astype(float)
    p1 = 0.90 - depot_fail[dest] - 0.04 * stress
    reasons = np.array(["客户不在", "电话无人接听", "地址错误", "拒收"])
    reason_p = np.cumsum([0.50, 0.28, 0.13, 0.09])
    att_time = np.full((n, 3), -1, dtype=np.int64)
    att_ok = np.zeros((n, 3), dtype=bool)
    att_reason = np.full((n, 3), "", dtype=object)
    alive = ~cancelled & ~lost
    t_prev = att1
    for k in range(3):
        pk = [p1, np.full(n, 0.80) - depot_fail[dest], np.full(n, 0.70)][k]
        att_time[alive, k] = t_prev[alive]
        ok = rng.random(n) < pk
        rs = reasons[np.minimum(np.searchsorted(reason_p, rng.random(n) * reason_p[-1], side="right"), 3)]
        att_ok[alive, k] = ok[alive]
        fail = alive & ~ok
        att_reason[fail, k] = rs[fail]
        alive = fail & (rs != "拒收")
        day_start = t_prev - t_prev % DAY
        t_prev = day_start + DAY + 9 * 3600 + (rng.random(n) * 9 * 3600).astype(np.int64)

    # what has happened by the as-of date
    seen = (att_time >= 0) & (att_time <= as_of_end)
    n_seen = seen.sum(axis=1)
    status = np.full(n, "运输中", dtype=object)
    sign_sec = np.full(n, -1, dtype=np.int64)
    last_k = np.maximum(n_seen - 1, 0)
    rows_n = np.arange(n)
    last_ok = att_ok[rows_n, last_k] & (n_seen > 0)
    last_reason = att_reason[rows_n, last_k]
    status[(n_seen > 0) & last_ok] = "已签收"
    sign_sec[(n_seen > 0) & last_ok] = att_time[rows_n, last_k][(n_seen > 0) & last_ok]
    returned = (n_seen > 0) & ~last_ok & ((last_reason == "拒收") | (n_seen == 3))
    status[returned] = "已退回"
    status[(n_seen > 0) & ~last_ok & ~returned] = "派送中"
    status[lost & (promised + 3 * DAY <= as_of_end)] = "遗失"
    status[cancelled] = "已取消"
    exists = ship_sec <= as_of_end
    signed_flag = status == "已签收"

    # ------------------------------------------------------------------ complaints and claims
    comp = []   # (date_sec, ship index, type, depot index, courier index)
    sign_day = np.where(sign_sec >= 0, sign_sec - sign_sec % DAY, -1)
    # complaints about lateness and loss do not wait for the parcel's fate: they are logged when the
    # promise is broken, whether or not the parcel has been signed for by the as-of date
    any_ok = att_ok.any(axis=1)
    final_sign = np.where(any_ok, att_time[rows_n, np.argmax(att_ok, axis=1)], -1)
    final_sign_day = np.where(final_sign >= 0, final_sign - final_sign % DAY, -1)
    late = any_ok & (final_sign > promised)
    r = rng.random((n, 8))
    rand_d = rng.integers(0, 4, (n, 4))

    def add(mask, date_sec, ctype, depot_arr, courier_arr):
        for i in np.nonzero(mask & exists & (date_sec <= as_of_end))[0]:
            comp.append((int(date_sec[i]), int(i), ctype, int(depot_arr[i]), int(courier_arr[i])))

    prom_day = promised - promised % DAY
    p_late = np.where(product == 1, 0.10, 0.05)
    add(late & (r[:, 0] < p_late), np.minimum(prom_day + (rand_d[:, 0] % 2) * DAY, final_sign_day), "延误",
        dest, deliv_c)
    damaged = signed_flag & (r[:, 1] < np.where(product == 3, 0.005, 0.003) * np.where(ind_of == "数码", 1.5, 1.0))
    add(damaged & (r[:, 2] < 0.75), sign_day + rand_d[:, 1] * DAY, "破损", dest, deliv_c)
    add(lost & (r[:, 3] < 0.9), prom_day + (1 + rand_d[:, 2]) * DAY, "丢失", dest, deliv_c)
    add(signed_flag & (r[:, 4] < np.where(depot_direct[dest], 0.0004, 0.0010)), sign_day + (rand_d[:, 3] % 3) * DAY,
        "虚假签收", dest, deliv_c)
    add(signed_flag & (r[:, 5] < 0.0010 + 0.004 * (att_time[:, 1] >= 0)), sign_day + (rand_d[:, 0] % 3) * DAY,
        "服务态度", dest, deliv_c)
    ship_daysec = ship_sec - ship_sec % DAY
    add(~cancelled & ~is_contract & (r[:, 6] < 0.0012), ship_daysec + (1 + rand_d[:, 1]) * DAY, "乱收费",
        origin, pick_c)
    comp.sort()
    # claims: from damage, loss and late priority complaints, plus short contents. Every claim draws
    # from a stream of its own (waybill, reason), so a later as-of only adds claims and settles them.
    reason_code = {"破损": 1, "丢失": 2, "延误": 3, "内件短少": 4}
    claims = []  # (date_sec, ship idx, reason, depot idx)
    for (dsec, i, ctype, dep, _cour) in comp:
        g = np.random.default_rng([seed, 1, i, reason_code.get(ctype, 9)])
        u1 = g.random()
        if ctype == "破损" and u1 < 0.65:
            claims.append((dsec + int(g.integers(0, 4)) * DAY, i, "破损", dep))
        elif ctype == "丢失" and u1 < 0.95:
            claims.append((dsec + int(g.integers(0, 3)) * DAY, i, "丢失", dep))
        elif ctype == "延误" and product[i] == 1 and u1 < 0.35:
            claims.append((dsec + int(g.integers(0, 3)) * DAY, i, "延误", dep))
    short = signed_flag & exists & (r[:, 7] < 0.00025)
    for i in np.nonzero(short)[0]:
        claims.append((int(sign_day[i] + (1 + rand_d[i, 2]) * DAY), int(i), "内件短少", int(dest[i])))
    claims = sorted(c for c in claims if c[0] <= as_of_end)
    claim_cols = {k: [] for k in ("id", "date", "wb", "reason", "amount", "paid", "status", "paid_date", "depot")}
    for k, (dsec, i, reason, dep) in enumerate(claims):
        g = np.random.default_rng([seed, 3, i, reason_code[reason]])
        u_amount, u_paid, u_decline = g.random(3)
        settle_days = int(g.integers(3, 26))
        if reason == "延误":            # priority parcels late: the freight is refunded
            amount = float(freight[i])
        elif ins_val[i] > 0:
            amount = float(np.round(ins_val[i] * (0.3 + 0.7 * u_amount), 2))
        else:
            amount = float(np.round(60 + 1440 * u_amount, 2))
        settled = dsec + settle_days * DAY
        if settled > as_of_end:
            st, paid, pdate = "处理中", 0.0, ""
        elif u_decline < 0.14:
            st, paid, pdate = "拒赔", 0.0, ""
        else:
            st = "已赔付"
            if reason == "延误":
                paid = amount
            elif ins_val[i] > 0:
                paid = float(np.round(amount * (0.7 + 0.3 * u_paid), 2))
            else:       # not insured: at most three times the freight fee
                paid = float(min(amount, np.round(freight[i] * 3, 2)))
            pdate = str(dt.date(1970, 1, 1) + dt.timedelta(days=settled // DAY))
        claim_cols["id"].append(f"LP{k + 1:06d}")
        claim_cols["date"].append(str(dt.date(1970, 1, 1) + dt.timedelta(days=dsec // DAY)))
        claim_cols["wb"].append(i)
        claim_cols["reason"].append(reason)
        claim_cols["amount"].append(f"{amount:.2f}")
        claim_cols["paid"].append(f"{paid:.2f}")
        claim_cols["status"].append(st)
        claim_cols["paid_date"].append(pdate)
        claim_cols["depot"].append(depot_ids[dep])

    # ------------------------------------------------------------------ keep what exists by the as-of date
    keep = np.nonzero(exists)[0]
    remap = -np.ones(n, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    # waybill numbers: ES + yymmdd + sequence of the day
    kd = ship_day[keep]
    seq = np.zeros(len(keep), dtype=np.int64)
    _, first_idx, counts = np.unique(kd, return_index=True, return_counts=True)
    for f, c in zip(first_idx, counts):
        seq[f:f + c] = np.arange(1, c + 1)
    wb = np.array([f"ES{days[d]:%y%m%d}{s:05d}" for d, s in zip(kd, seq)])
    wb_full = np.full(n, "", dtype=object)
    wb_full[keep] = wb

    tmp = tempfile.mkdtemp(prefix="logistics_")
    try:
        cust_col = np.where(ship_cust[keep] >= 0, cust_ids[np.maximum(ship_cust[keep], 0)], "")
        deliv_known = (n_seen[keep] > 0)
        write_csv(os.path.join(tmp, "shipment.csv"),
                  ["waybill_no", "ship_time", "customer_id", "product_id", "origin_depot_id", "pickup_courier_id",
                   "dest_depot_id", "delivery_courier_id", "lane_type", "weight_kg", "freight_fee", "insured_value",
                   "value_added_fee", "promised_time", "sign_time", "status"],
                  [wb, ts_str(ship_sec[keep]), cust_col, np.array([p[0] for p in PRODUCTS])[product[keep]],
                   depot_ids[origin[keep]], courier_ids[pick_c[keep]], depot_ids[dest[keep]],
                   np.where(deliv_known, courier_ids[deliv_c[keep]], ""), np.array(LANES)[lane[keep]],
                   [f"{x:.2f}" for x in wt[keep]], [f"{x:.2f}" for x in freight[keep]],
                   [f"{x:.2f}" for x in ins_val[keep]], [f"{x:.2f}" for x in va_fee[keep]],
                   ts_str(promised[keep]), ts_str(sign_sec[keep]), status[keep]])
        # attempts
        ai, ak = np.nonzero(seen[keep])
        gi = keep[ai]
        att_t = att_time[gi, ak]
        o2 = np.lexsort((ak, att_t))
        ai, ak, gi, att_t = ai[o2], ak[o2], gi[o2], att_t[o2]
        result = np.where(att_ok[gi, ak], "签收", att_reason[gi, ak])
        write_csv(os.path.join(tmp, "attempt.csv"),
                  ["attempt_id", "waybill_no", "attempt_seq", "attempt_time", "depot_id", "courier_id", "result"],
                  [np.arange(1, len(gi) + 1), wb[ai], ak + 1, ts_str(att_t), depot_ids[dest[gi]],
                   courier_ids[deliv_c[gi]], result])
        write_csv(os.path.join(tmp, "complaint.csv"),
                  ["complaint_id", "complaint_date", "waybill_no", "complaint_type", "depot_id", "courier_id"],
                  [[f"TS{k + 1:06d}" for k in range(len(comp))],
                   date_str(np.array([c[0] for c in comp], dtype=np.int64)),
                   [wb_full[c[1]] for c in comp], [c[2] for c in comp],
                   [depot_ids[c[3]] for c in comp], [courier_ids[c[4]] for c in comp]])
        write_csv(os.path.join(tmp, "claim.csv"),
                  ["claim_id", "claim_date", "waybill_no", "claim_reason", "claim_amount", "paid_amount",
                   "claim_status", "paid_date", "depot_id"],
                  [claim_cols["id"], claim_cols["date"], [wb_full[i] for i in claim_cols["wb"]],
                   claim_cols["reason"], claim_cols["amount"], claim_cols["paid"], claim_cols["status"],
                   claim_cols["paid_date"], claim_cols["depot"]])

        # -------------------------------------------------------------- receivables (月结应收) by closed month
        last_closed = dt.date(as_of.year, as_of.month, 1) - dt.timedelta(days=1)
        months = []
        y, m = 2025, 1
        while (y, m) <= (last_closed.year, last_closed.month):
            months.append((y, m))
            y, m = (y + (m == 12), m % 12 + 1)
        # bills: a customer's month of non-cancelled parcels (by ship month), issued at the month end
        cm = is_contract & ~cancelled
        ship_month = np.array([d.year * 100 + d.month for d in days])[ship_day]
        amount = freight + va_fee
        bills = {}
        for c, mo, a in zip(ship_cust[cm], ship_month[cm], amount[cm]):
            bills[(int(c), int(mo))] = bills.get((int(c), int(mo)), 0.0) + float(a)
        bill_list = []  # (customer, month, amount, issue, due, paid)
        for (c, mo) in sorted(bills):
            yy, mm = divmod(mo, 100)
            issue = month_end(yy, mm)
            # 月结: due at the end of the next month (30 days' credit) or the one after (60 days)
            k = cust_credit[c] // 30
            due = month_end(yy + (mm + k - 1) // 12, (mm + k - 1) % 12 + 1)
            lo, hi = cust_delay[c]
            # each bill's payment day is drawn from its own stream (customer, month): a later as-of,
            # which adds bills, leaves the earlier ones as they were
            late = int(np.random.default_rng([seed, 2, c, mo]).integers(lo, hi + 1))
            paid = due + dt.timedelta(days=late)
            bill_list.append((c, mo, round(bills[(c, mo)], 2), issue, due, paid))
        ar = {k: [] for k in ("month", "cust", "billed", "collected", "balance", "overdue")}
        by_c: dict[int, list] = {}
        for b in bill_list:
            by_c.setdefault(b[0], []).append(b)
        for c in range(n_cust):
            bl = by_c.get(c, [])
            for (yy, mm) in months:
                me = month_end(yy, mm)
                ms = dt.date(yy, mm, 1)
                if cust_start[c] > me:
                    continue
                billed = sum(b[2] for b in bl if b[3] == me)
                collected = sum(b[2] for b in bl if ms <= b[5] <= me)
                bal = sum(b[2] for b in bl if b[3] <= me and b[5] > me)
                over = sum(b[2] for b in bl if b[3] <= me and b[5] > me and b[4] < me)
                if billed == 0 and collected == 0 and bal == 0:
                    continue
                ar["month"].append(f"{yy}{mm:02d}")
                ar["cust"].append(cust_ids[c])
                ar["billed"].append(f"{billed:.2f}")
                ar["collected"].append(f"{collected:.2f}")
                ar["balance"].append(f"{bal:.2f}")
                ar["overdue"].append(f"{over:.2f}")
        write_csv(os.path.join(tmp, "ar.csv"),
                  ["snapshot_month", "customer_id", "billed_amount", "collected_amount", "ar_balance",
                   "overdue_amount"],
                  [ar["month"], ar["cust"], ar["billed"], ar["collected"], ar["balance"], ar["overdue"]])

        # -------------------------------------------------------------- the DuckDB file
        if os.path.exists(output):
            os.remove(output)
        for ext in (".wal",):
            if os.path.exists(output + ext):
                os.remove(output + ext)
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        con = duckdb.connect(output)
        con.execute("""CREATE TABLE dim_city (city_id INTEGER PRIMARY KEY, city_name VARCHAR NOT NULL,
                       city_name_en VARCHAR NOT NULL, province VARCHAR NOT NULL, province_en VARCHAR NOT NULL)""")
        con.executemany("INSERT INTO dim_city VALUES (?, ?, ?, ?, ?)", city_rows)
        con.execute("""CREATE TABLE dim_hub (hub_id VARCHAR PRIMARY KEY, hub_name VARCHAR NOT NULL,
                       hub_name_en VARCHAR NOT NULL, city_id INTEGER NOT NULL)""")
        con.executemany("INSERT INTO dim_hub VALUES (?, ?, ?, ?)", HUBS)
        con.execute("""CREATE TABLE dim_depot (depot_id VARCHAR PRIMARY KEY, depot_name VARCHAR NOT NULL,
                       depot_type VARCHAR NOT NULL, city_id INTEGER NOT NULL, hub_id VARCHAR NOT NULL,
                       open_date DATE NOT NULL)""")
        con.executemany("INSERT INTO dim_depot VALUES (?, ?, ?, ?, ?, ?)", depot_rows)
        con.execute("""CREATE TABLE dim_courier (courier_id VARCHAR PRIMARY KEY, courier_name VARCHAR NOT NULL,
                       depot_id VARCHAR NOT NULL, employment_type VARCHAR NOT NULL, hire_date DATE NOT NULL)""")
        con.executemany("INSERT INTO dim_courier VALUES (?, ?, ?, ?, ?)", courier_rows)
        con.execute("""CREATE TABLE dim_customer (customer_id VARCHAR PRIMARY KEY, customer_name VARCHAR NOT NULL,
                       industry VARCHAR NOT NULL, depot_id VARCHAR NOT NULL, sign_date DATE NOT NULL,
                       credit_days INTEGER NOT NULL)""")
        con.executemany("INSERT INTO dim_customer VALUES (?, ?, ?, ?, ?, ?)", cust_rows)
        con.execute("""CREATE TABLE dim_product (product_id VARCHAR PRIMARY KEY, product_name VARCHAR NOT NULL,
                       product_name_en VARCHAR NOT NULL, promised_hours INTEGER NOT NULL)""")
        con.executemany("INSERT INTO dim_product VALUES (?, ?, ?, ?)", PRODUCTS)

        def load(table: str, csv_name: str, columns: dict) -> None:
            spec = ", ".join(f"'{k}': 'VARCHAR'" for k in columns)
            sel = ", ".join(f"CAST(NULLIF({k}, '') AS {t}) AS {k}" for k, t in columns.items())
            path = os.path.join(tmp, csv_name).replace("'", "''")
            con.execute(f"CREATE TABLE {table} AS SELECT {sel} FROM read_csv('{path}', header = true, "
                        f"columns = {{{spec}}}, quote = '\"', escape = '\"')")

        load("fact_shipment", "shipment.csv", {
            "waybill_no": "VARCHAR", "ship_time": "TIMESTAMP", "customer_id": "VARCHAR", "product_id": "VARCHAR",
            "origin_depot_id": "VARCHAR", "pickup_courier_id": "VARCHAR", "dest_depot_id": "VARCHAR",
            "delivery_courier_id": "VARCHAR", "lane_type": "VARCHAR", "weight_kg": "DECIMAL(8,2)",
            "freight_fee": "DECIMAL(10,2)", "insured_value": "DECIMAL(12,2)", "value_added_fee": "DECIMAL(10,2)",
            "promised_time": "TIMESTAMP", "sign_time": "TIMESTAMP", "status": "VARCHAR"})
        load("fact_delivery_attempt", "attempt.csv", {
            "attempt_id": "INTEGER", "waybill_no": "VARCHAR", "attempt_seq": "INTEGER",
            "attempt_time": "TIMESTAMP", "depot_id": "VARCHAR", "courier_id": "VARCHAR", "result": "VARCHAR"})
        load("fact_complaint", "complaint.csv", {
            "complaint_id": "VARCHAR", "complaint_date": "DATE", "waybill_no": "VARCHAR",
            "complaint_type": "VARCHAR", "depot_id": "VARCHAR", "courier_id": "VARCHAR"})
        load("fact_claim", "claim.csv", {
            "claim_id": "VARCHAR", "claim_date": "DATE", "waybill_no": "VARCHAR", "claim_reason": "VARCHAR",
            "claim_amount": "DECIMAL(12,2)", "paid_amount": "DECIMAL(12,2)", "claim_status": "VARCHAR",
            "paid_date": "DATE", "depot_id": "VARCHAR"})
        load("fact_ar_month", "ar.csv", {
            "snapshot_month": "VARCHAR", "customer_id": "VARCHAR", "billed_amount": "DECIMAL(14,2)",
            "collected_amount": "DECIMAL(14,2)", "ar_balance": "DECIMAL(14,2)", "overdue_amount": "DECIMAL(14,2)"})
        seconds = time.time() - t0
        meta = [("generator", "eval/logistics/warehouse.py"), ("domain", "logistics"), ("seed", str(seed)),
                ("data_start_date", DATA_START.isoformat()), ("reference_date", as_of.isoformat()),
                ("last_closed_month", f"{last_closed:%Y%m}"), ("build_seconds", f"{seconds:.1f}")]
        con.execute("CREATE TABLE meta_dataset (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
        con.executemany("INSERT INTO meta_dataset VALUES (?, ?)", meta)
        counts = {t: con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for (t,) in
                  con.execute("SELECT table_name FROM information_schema.tables ORDER BY table_name").fetchall()}
        con.execute("CHECKPOINT")
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"path": output, "seconds": round(time.time() - t0, 1), "rows": counts}


def sel_chunks(sel: np.ndarray, ship_day: np.ndarray):
    """Split indices (sorted by time) into runs of the same shipment day."""
    if len(sel) == 0:
        return
    d = ship_day[sel]
    cuts = np.nonzero(np.diff(d))[0] + 1
    yield from np.split(sel, cuts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--output", "-o", default="data/logistics.duckdb")
    ap.add_argument("--as-of", default=None, help="reference date YYYY-MM-DD (default: today)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    a = ap.parse_args()
    as_of = dt.date.fromisoformat(a.as_of) if a.as_of else dt.date.today()
    rep = build(a.output, as_of, a.seed)
    print(f"wrote {rep['path']} in {rep['seconds']} s")
    for t, c in rep["rows"].items():
        print(f"  {t:24s} {c:>9,}")


if __name__ == "__main__":
    main()
