"""Dimension rows of the demo warehouse: a provincial operator in Zhejiang.

Generated in Python from a seeded RNG (small tables); facts are generated in SQL.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

# (city_id, name, English name, population in 10k: drives volumes, arrears propensity)
CITIES = [
    (3301, "杭州", "Hangzhou", 1252, 0.80),
    (3302, "宁波", "Ningbo", 969, 0.85),
    (3303, "温州", "Wenzhou", 976, 1.35),
    (3304, "嘉兴", "Jiaxing", 558, 0.90),
    (3305, "湖州", "Huzhou", 341, 0.95),
    (3306, "绍兴", "Shaoxing", 535, 0.92),
    (3307, "金华", "Jinhua", 712, 1.15),
    (3308, "衢州", "Quzhou", 229, 1.20),
    (3309, "舟山", "Zhoushan", 117, 1.00),
    (3310, "台州", "Taizhou", 668, 1.25),
    (3311, "丽水", "Lishui", 251, 1.30),
]

DISTRICTS = {
    "杭州": "上城区 拱墅区 西湖区 滨江区 萧山区 余杭区 临平区 钱塘区 富阳区 临安区 桐庐县 淳安县 建德市",
    "宁波": "海曙区 江北区 北仑区 镇海区 鄞州区 奉化区 余姚市 慈溪市 宁海县 象山县",
    "温州": "鹿城区 龙湾区 瓯海区 洞头区 瑞安市 乐清市 龙港市 永嘉县 平阳县 苍南县 文成县 泰顺县",
    "嘉兴": "南湖区 秀洲区 海宁市 平湖市 桐乡市 嘉善县 海盐县",
    "湖州": "吴兴区 南浔区 德清县 长兴县 安吉县",
    "绍兴": "越城区 柯桥区 上虞区 诸暨市 嵊州市 新昌县",
    "金华": "婺城区 金东区 兰溪市 义乌市 东阳市 永康市 武义县 浦江县 磐安县",
    "衢州": "柯城区 衢江区 江山市 常山县 开化县 龙游县",
    "舟山": "定海区 普陀区 岱山县 嵊泗县",
    "台州": "椒江区 黄岩区 路桥区 临海市 温岭市 玉环市 三门县 天台县 仙居县",
    "丽水": "莲都区 龙泉市 青田县 缙云县 遂昌县 松阳县 云和县 庆元县 景宁畲族自治县",
}

# (type, English, share of physical outlets, monthly volume per outlet, arrears propensity)
CHANNEL_TYPES = [
    ("自营厅", "Own store", 0.16, 3.0, 0.7),
    ("合作厅", "Partner store", 0.26, 1.6, 1.0),
    ("社会渠道", "Third-party outlet", 0.58, 0.55, 1.4),
    ("电子渠道", "Online channel", 0.0, 14.0, 0.9),
]
E_CHANNELS = ["网上营业厅", "掌上营业厅APP", "微信营业厅", "电商旗舰店"]
ROADS = "文三路 解放路 人民路 中山路 建设路 新华路 延安路 胜利路 环城路 文化路 学院路 振兴路 工业路 湖滨路 江南大道 世纪大道".split()
SHOPS = "鑫达 恒通 华信 联创 宏发 佳和 顺达 金桥 新时代 星河 东方 瑞丰 博远 立信 长城 万家 和美 天成".split()
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟".replace("", " ").split()
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建文辉鹏飞斌宇浩凯婷雪琳晨欣怡佳俊豪".replace("", " ").split()

# (plan_id, name, category, monthly fee, is_5g, broadband Mbps or 0)
PLANS = [
    ("P4G019", "4G畅聊卡19元", "4G套餐", 19, False, 0),
    ("P4G039", "4G大流量卡39元", "4G套餐", 39, False, 0),
    ("P4G058", "4G全家享58元", "4G套餐", 58, False, 0),
    ("P5G069", "5G畅享套餐69元", "5G套餐", 69, True, 0),
    ("P5G099", "5G畅享套餐99元", "5G套餐", 99, True, 0),
    ("P5G129", "5G畅享套餐129元", "5G套餐", 129, True, 0),
    ("P5G199", "5G智享套餐199元", "5G套餐", 199, True, 0),
    ("P5G299", "5G尊享套餐299元", "5G套餐", 299, True, 0),
    ("PBB300", "宽带融合套餐129元(300M)", "宽带融合", 129, True, 300),
    ("PBB500", "宽带融合套餐169元(500M)", "宽带融合", 169, True, 500),
    ("PBB1000", "千兆宽带融合229元", "宽带融合", 229, True, 1000),
    ("PBF1000", "全屋千兆FTTR融合299元", "宽带融合", 299, True, 1000),
    ("PBS100", "单宽带100M包年", "单宽带", 50, False, 100),
    ("PBS300", "单宽带300M包年", "单宽带", 80, False, 300),
    ("PIOT10", "物联网卡10元", "物联网", 10, False, 0),
]

# Month-of-year demand: Spring Festival dip, 618, back-to-school, Double 11.
SEASONALITY = [0.95, 0.72, 1.0, 0.98, 1.02, 1.10, 0.97, 1.04, 1.18, 1.05, 1.15, 1.08]


@dataclass(frozen=True)
class Dimensions:
    cities: list[tuple]
    districts: list[tuple]
    channel_types: list[tuple]
    channels: list[tuple]
    staff: list[tuple]
    plans: list[tuple]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def build_dimensions(seed: int) -> Dimensions:
    rng = random.Random(seed)
    cities, districts, channels, staff = [], [], [], []
    staff_seq = 0
    for city_id, city, city_en, pop, arrears in CITIES:
        cities.append((city_id, city, f"{city}市", city_en, pop, arrears))
        names = DISTRICTS[city].split()
        for d_idx, district in enumerate(names, start=1):
            district_id = city_id * 100 + d_idx
            districts.append((district_id, district, city_id))
            outlets = max(3, round(pop / len(names) / 7.5 * rng.uniform(0.7, 1.3)))
            for type_name, _en, share, _vol, _arr in CHANNEL_TYPES[:3]:
                for _ in range(max(1, round(outlets * share))):
                    seq = len(channels) + 1
                    short = district.rstrip("区县市") if len(district) > 2 else district
                    if type_name == "自营厅":
                        name = f"{city}{short}{rng.choice(ROADS)}营业厅"
                    elif type_name == "合作厅":
                        name = f"{city}{short}{rng.choice(SHOPS)}合作营业厅"
                    else:
                        name = f"{short}{rng.choice(SHOPS)}通讯{rng.randint(1, 99)}号店"
                    channels.append([f"CH{city_id}{seq:05d}", name, type_name, city_id, district_id])
        for e_name in E_CHANNELS:
            seq = len(channels) + 1
            channels.append([f"CH{city_id}{seq:05d}", f"{city}{e_name}", "电子渠道", city_id, city_id * 100 + 1])
    # Names can repeat (two 人民路 stores in one district): number the duplicates as real stores are.
    seen: dict[str, int] = {}
    for row in channels:
        seen[row[1]] = seen.get(row[1], 0) + 1
        if seen[row[1]] > 1:
            row[1] = f"{row[1]}{seen[row[1]]}店" if not row[1].endswith("店") else f"{row[1][:-1]}{seen[row[1]]}店"
    final_channels = []
    for channel_id, name, type_name, city_id, district_id in channels:
        n_staff = {"自营厅": rng.randint(4, 9), "合作厅": rng.randint(2, 5), "社会渠道": rng.randint(1, 3),
                   "电子渠道": rng.randint(2, 4)}[type_name]
        manager = None
        for k in range(n_staff):
            staff_seq += 1
            staff_id = f"S{staff_seq:06d}"
            role = "店长" if k == 0 else rng.choice(["营业员", "营业员", "客户经理", "装维工程师"])
            hired = date(rng.randint(2012, 2024), rng.randint(1, 12), rng.randint(1, 28))
            staff.append((staff_id, _person(rng), channel_id, role, hired))
            manager = manager or staff_id
        opened = date(rng.randint(2005, 2023), rng.randint(1, 12), rng.randint(1, 28))
        star = {"自营厅": rng.randint(4, 5), "合作厅": rng.randint(3, 5), "社会渠道": rng.randint(1, 4),
                "电子渠道": 5}[type_name]
        final_channels.append((channel_id, name, type_name, city_id, district_id, manager, opened, star))
    types = [(i, name, en, vol, arr) for i, (name, en, _share, vol, arr) in enumerate(CHANNEL_TYPES, start=1)]
    return Dimensions(cities, districts, types, final_channels, staff, list(PLANS))
