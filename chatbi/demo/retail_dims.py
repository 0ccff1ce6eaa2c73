"""Dimension rows and generator parameters of the retail demo warehouse (a national retailer).

Small tables are generated in Python from a seeded RNG; the facts are generated in SQL
(``chatbi.demo.retail``). Stores and products do not depend on the scale, customers do.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# (region_id, name, English name, offline growth per year)
REGIONS = [
    ("R01", "华东", "East China", 0.04),
    ("R02", "华北", "North China", 0.01),
    ("R03", "华南", "South China", 0.06),
    ("R04", "华中", "Central China", 0.05),
    ("R05", "西南", "Southwest China", 0.12),
    ("R06", "西北", "Northwest China", 0.03),
    ("R07", "东北", "Northeast China", -0.06),
]

# city → (province, region_id, customer weight, has stores)
CITIES = {
    "上海": ("上海市", "R01", 10, True), "杭州": ("浙江省", "R01", 6, True), "南京": ("江苏省", "R01", 5, True),
    "苏州": ("江苏省", "R01", 5, True), "宁波": ("浙江省", "R01", 3, True), "合肥": ("安徽省", "R01", 3, True),
    "北京": ("北京市", "R02", 9, True), "天津": ("天津市", "R02", 4, True), "石家庄": ("河北省", "R02", 2, True),
    "太原": ("山西省", "R02", 2, True), "广州": ("广东省", "R03", 7, True), "深圳": ("广东省", "R03", 8, True),
    "东莞": ("广东省", "R03", 3, True), "南宁": ("广西壮族自治区", "R03", 2, True), "武汉": ("湖北省", "R04", 5, True),
    "长沙": ("湖南省", "R04", 4, True), "郑州": ("河南省", "R04", 4, True), "成都": ("四川省", "R05", 7, True),
    "重庆": ("重庆市", "R05", 6, True), "昆明": ("云南省", "R05", 2, True), "西安": ("陕西省", "R06", 4, True),
    "兰州": ("甘肃省", "R06", 1, True), "沈阳": ("辽宁省", "R07", 3, True), "大连": ("辽宁省", "R07", 2, True),
    "哈尔滨": ("黑龙江省", "R07", 2, True),
    # customers buying online only
    "无锡": ("江苏省", "R01", 2, False), "青岛": ("山东省", "R01", 3, False), "济南": ("山东省", "R01", 2, False),
    "厦门": ("福建省", "R01", 2, False), "福州": ("福建省", "R01", 2, False), "佛山": ("广东省", "R03", 3, False),
    "海口": ("海南省", "R03", 1, False), "南昌": ("江西省", "R04", 2, False), "贵阳": ("贵州省", "R05", 1, False),
    "呼和浩特": ("内蒙古自治区", "R02", 1, False), "长春": ("吉林省", "R07", 1, False),
    "乌鲁木齐": ("新疆维吾尔自治区", "R06", 1, False),
}

STORE_TYPES = ["旗舰店", "标准店", "社区店", "线上商城"]
# Expected orders per day at scale 1 and a 1.0 performance factor.
STORE_VOLUME = {"旗舰店": 8.0, "标准店": 3.6, "社区店": 2.2, "线上商城": 48.0}
TIER1 = {"上海", "北京", "深圳", "广州"}

# (store name, city, store type, opening date when it opened during the data period)
STORES = [
    ("上海徐汇旗舰店", "上海", "旗舰店", None), ("上海南京西路旗舰店", "上海", "旗舰店", None),
    ("上海浦东店", "上海", "标准店", None), ("上海闵行店", "上海", "标准店", None),
    ("上海古北社区店", "上海", "社区店", None), ("上海五角场社区店", "上海", "社区店", date(2025, 4, 26)),
    ("杭州西湖旗舰店", "杭州", "旗舰店", None), ("杭州滨江店", "杭州", "标准店", None),
    ("杭州拱墅社区店", "杭州", "社区店", None), ("南京新街口旗舰店", "南京", "旗舰店", None),
    ("南京江宁店", "南京", "标准店", None), ("南京仙林社区店", "南京", "社区店", None),
    ("苏州工业园区店", "苏州", "标准店", None), ("苏州姑苏店", "苏州", "标准店", None),
    ("苏州吴中社区店", "苏州", "社区店", date(2024, 9, 28)), ("宁波鄞州店", "宁波", "标准店", None),
    ("合肥政务区店", "合肥", "标准店", None), ("合肥蜀山社区店", "合肥", "社区店", None),
    ("北京三里屯旗舰店", "北京", "旗舰店", None), ("北京中关村店", "北京", "标准店", None),
    ("北京望京店", "北京", "标准店", None), ("北京回龙观社区店", "北京", "社区店", None),
    ("北京通州社区店", "北京", "社区店", date(2025, 9, 20)), ("天津和平店", "天津", "标准店", None),
    ("天津滨海社区店", "天津", "社区店", None), ("石家庄长安店", "石家庄", "标准店", None),
    ("太原小店社区店", "太原", "社区店", None), ("广州天河旗舰店", "广州", "旗舰店", None),
    ("广州海珠店", "广州", "标准店", None), ("广州番禺社区店", "广州", "社区店", None),
    ("深圳福田店", "深圳", "标准店", None), ("深圳南山店", "深圳", "标准店", None),
    ("深圳宝安社区店", "深圳", "社区店", None), ("深圳龙华社区店", "深圳", "社区店", date(2024, 6, 1)),
    ("东莞南城店", "东莞", "标准店", None), ("南宁青秀店", "南宁", "标准店", date(2026, 3, 28)),
    ("武汉光谷旗舰店", "武汉", "旗舰店", None), ("武汉江汉店", "武汉", "标准店", None),
    ("武汉汉阳社区店", "武汉", "社区店", None), ("长沙五一广场店", "长沙", "标准店", None),
    ("长沙岳麓社区店", "长沙", "社区店", None), ("郑州二七店", "郑州", "标准店", None),
    ("郑州郑东新区店", "郑州", "标准店", date(2025, 1, 10)), ("成都春熙路旗舰店", "成都", "旗舰店", None),
    ("成都高新店", "成都", "标准店", None), ("成都武侯社区店", "成都", "社区店", None),
    ("成都天府新区店", "成都", "标准店", date(2024, 12, 18)), ("重庆解放碑店", "重庆", "标准店", None),
    ("重庆观音桥店", "重庆", "标准店", None), ("重庆渝北社区店", "重庆", "社区店", None),
    ("昆明五华店", "昆明", "标准店", None), ("西安小寨店", "西安", "标准店", None),
    ("西安曲江社区店", "西安", "社区店", None), ("西安高新店", "西安", "标准店", date(2026, 7, 18)),
    ("兰州城关店", "兰州", "标准店", None), ("沈阳中街店", "沈阳", "标准店", None),
    ("沈阳浑南社区店", "沈阳", "社区店", None), ("大连星海社区店", "大连", "社区店", None),
    ("哈尔滨中央大街店", "哈尔滨", "标准店", None),
]
ONLINE_STORE = ("OL001", "官方线上商城", date(2018, 6, 18))

PAYMENT_MODES = [("PM01", "微信支付", "WeChat Pay"), ("PM02", "支付宝", "Alipay"), ("PM03", "银行卡", "Bank card"),
                 ("PM04", "现金", "Cash"), ("PM05", "货到付款", "Cash on delivery")]

DURABLE = [("标准版", "Standard"), ("Pro", "Pro"), ("旗舰版", "Flagship"), ("青春版", "Lite"), ("Max", "Max"),
           ("Plus", "Plus"), ("轻薄款", "Slim"), ("经典款", "Classic")]
WEAR = [("经典款", "Classic"), ("春夏款", "Spring/Summer"), ("秋冬款", "Autumn/Winter"), ("联名款", "Collab"),
        ("基础款", "Basic"), ("新款", "New")]
PACK = [("经典装", "Classic pack"), ("礼盒装", "Gift box"), ("家庭装", "Family pack"), ("量贩装", "Value pack"),
        ("尝鲜装", "Trial pack"), ("精选装", "Select pack")]

# category → (English, base share of lines, variants, [(sub-category, English, item, price low, high,
#   cost ratio, quantity kind, return probability, extra discount, peak months, [brands])])
CATEGORIES = {
    "家电": ("Home appliances", 0.07, DURABLE, [
        ("冰箱", "Refrigerators", "refrigerator", 1999, 8999, 0.80, "one", 0.03, 0.0, [], ["美的", "海尔", "容声", "西门子"]),
        ("洗衣机", "Washing machines", "washing machine", 1299, 5999, 0.78, "one", 0.03, 0.0, [], ["海尔", "小天鹅", "美的", "西门子"]),
        ("空调", "Air conditioners", "air conditioner", 2199, 7999, 0.81, "one", 0.02, 0.0, [6, 7, 8], ["格力", "美的", "海尔", "奥克斯"]),
        ("电视", "Televisions", "TV", 1799, 9999, 0.97, "one", 0.04, 0.05, [], ["海信", "TCL", "小米", "创维"]),
        ("小家电", "Small appliances", "appliance", 99, 899, 0.62, "few", 0.05, 0.0, [], ["苏泊尔", "九阳", "小熊", "美的", "飞利浦"]),
    ]),
    "数码": ("Electronics", 0.075, DURABLE, [
        ("手机", "Phones", "phone", 999, 8999, 0.86, "one", 0.04, 0.0, [9, 10], ["华为", "苹果", "小米", "OPPO", "vivo", "荣耀"]),
        ("耳机", "Headphones", "earbuds", 99, 1999, 0.52, "few", 0.06, 0.0, [], ["华为", "苹果", "索尼", "漫步者"]),
        ("笔记本电脑", "Laptops", "laptop", 3999, 12999, 0.87, "one", 0.04, 0.0, [7, 8], ["联想", "华为", "苹果", "戴尔"]),
        ("平板电脑", "Tablets", "tablet", 1499, 6999, 0.83, "one", 0.04, 0.0, [7, 8], ["苹果", "华为", "小米"]),
        ("智能手表", "Smartwatches", "smartwatch", 399, 3999, 0.64, "one", 0.05, 0.0, [], ["华为", "苹果", "小米"]),
    ]),
    "服装": ("Apparel", 0.17, WEAR, [
        ("男装", "Menswear", "menswear", 99, 899, 0.42, "few", 0.11, 0.0, [10, 11, 12], ["海澜之家", "七匹狼", "太平鸟", "雅戈尔"]),
        ("女装", "Womenswear", "womenswear", 99, 999, 0.40, "few", 0.14, 0.0, [3, 4, 10, 11], ["太平鸟", "欧时力", "波司登", "伊芙丽"]),
        ("童装", "Kidswear", "kidswear", 59, 399, 0.45, "few", 0.09, 0.0, [8, 9], ["巴拉巴拉", "安奈儿", "森马"]),
        ("内衣", "Underwear", "underwear", 39, 299, 0.38, "few", 0.05, 0.0, [], ["南极人", "都市丽人", "猫人"]),
    ]),
    "食品": ("Food & beverages", 0.28, PACK, [
        ("零食", "Snacks", "snacks", 9.9, 99, 0.62, "many", 0.01, 0.0, [1, 2, 12], ["三只松鼠", "良品铺子", "百草味", "旺旺"]),
        ("饮料", "Beverages", "beverage", 3, 69, 0.64, "many", 0.01, 0.0, [6, 7, 8], ["农夫山泉", "元气森林", "伊利", "蒙牛"]),
        ("粮油", "Grain & oil", "grain & oil", 19, 199, 0.83, "many", 0.01, 0.0, [1, 2], ["金龙鱼", "鲁花", "福临门"]),
        ("生鲜", "Fresh produce", "fresh produce", 9.9, 199, 0.95, "many", 0.03, 0.10, [], ["产地直采", "优选自营"]),
        ("酒水", "Liquor & wine", "liquor", 59, 2999, 0.70, "few", 0.01, 0.0, [1, 2, 9], ["五粮液", "泸州老窖", "张裕", "青岛啤酒"]),
    ]),
    "家居": ("Home & living", 0.10, DURABLE, [
        ("床上用品", "Bedding", "bedding set", 99, 1999, 0.50, "few", 0.06, 0.0, [9, 10, 11], ["罗莱", "水星家纺", "富安娜"]),
        ("厨具", "Cookware", "cookware", 49, 999, 0.55, "few", 0.04, 0.0, [], ["苏泊尔", "爱仕达", "双立人"]),
        ("收纳", "Storage", "storage box", 19, 299, 0.48, "many", 0.03, 0.0, [], ["优选自营", "太力", "禧天龙"]),
        ("家具", "Furniture", "furniture", 499, 5999, 0.68, "one", 0.05, 0.0, [3, 4, 5], ["全友", "林氏家居", "顾家家居"]),
        ("灯具", "Lighting", "lamp", 59, 1299, 0.52, "few", 0.04, 0.0, [], ["欧普照明", "雷士照明", "飞利浦"]),
    ]),
    "美妆": ("Beauty", 0.12, PACK, [
        ("护肤", "Skincare", "skincare", 59, 1599, 0.35, "few", 0.04, 0.0, [11, 12], ["珀莱雅", "薇诺娜", "欧莱雅", "兰蔻"]),
        ("彩妆", "Makeup", "makeup", 39, 599, 0.38, "few", 0.05, 0.0, [2, 11], ["完美日记", "花西子", "美宝莲"]),
        ("香水", "Fragrance", "fragrance", 199, 1599, 0.45, "one", 0.03, 0.0, [2, 8, 12], ["香奈儿", "迪奥", "观夏"]),
        ("个护", "Personal care", "personal care", 19, 199, 0.55, "many", 0.02, 0.0, [], ["舒肤佳", "海飞丝", "云南白药"]),
    ]),
    "母婴": ("Mother & baby", 0.07, PACK, [
        ("奶粉", "Infant formula", "infant formula", 199, 499, 0.78, "few", 0.01, 0.0, [], ["飞鹤", "君乐宝", "爱他美"]),
        ("纸尿裤", "Diapers", "diapers", 69, 229, 0.98, "many", 0.02, 0.03, [], ["帮宝适", "好奇", "花王"]),
        ("玩具", "Toys", "toy", 29, 899, 0.55, "few", 0.05, 0.0, [1, 6, 12], ["乐高", "布鲁可", "奥迪双钻"]),
    ]),
    "运动户外": ("Sports & outdoors", 0.09, WEAR, [
        ("跑鞋", "Running shoes", "running shoes", 199, 1299, 0.50, "one", 0.10, 0.0, [3, 4, 5], ["李宁", "安踏", "特步", "耐克"]),
        ("运动服", "Sportswear", "sportswear", 99, 799, 0.45, "few", 0.09, 0.0, [4, 5, 9], ["李宁", "安踏", "迪卡侬"]),
        ("户外装备", "Outdoor gear", "outdoor gear", 99, 2999, 0.56, "one", 0.06, 0.0, [4, 5, 10], ["骆驼", "探路者", "迪卡侬"]),
        ("健身器材", "Fitness equipment", "fitness equipment", 99, 3999, 0.62, "one", 0.05, 0.0, [1, 3], ["迪卡侬", "舒华", "Keep"]),
    ]),
}
BRAND_EN = {
    "美的": "Midea", "海尔": "Haier", "容声": "Ronshen", "西门子": "Siemens", "小天鹅": "Little Swan", "格力": "Gree",
    "奥克斯": "AUX", "海信": "Hisense", "TCL": "TCL", "小米": "Xiaomi", "创维": "Skyworth", "苏泊尔": "Supor",
    "九阳": "Joyoung", "小熊": "Bear", "飞利浦": "Philips", "华为": "Huawei", "苹果": "Apple", "OPPO": "OPPO",
    "vivo": "vivo", "荣耀": "Honor", "索尼": "Sony", "漫步者": "Edifier", "联想": "Lenovo", "戴尔": "Dell",
    "海澜之家": "HLA", "七匹狼": "Septwolves", "太平鸟": "Peacebird", "雅戈尔": "Youngor", "欧时力": "Ochirly",
    "波司登": "Bosideng", "伊芙丽": "Eifini", "巴拉巴拉": "Balabala", "安奈儿": "Annil", "森马": "Semir",
    "南极人": "Nanjiren", "都市丽人": "Cosmo Lady", "猫人": "Maniform", "三只松鼠": "Three Squirrels",
    "良品铺子": "Bestore", "百草味": "Be&Cheery", "旺旺": "Want Want", "农夫山泉": "Nongfu Spring",
    "元气森林": "Genki Forest", "伊利": "Yili", "蒙牛": "Mengniu", "金龙鱼": "Arawana", "鲁花": "Luhua",
    "福临门": "Fortune", "产地直采": "Farm Direct", "优选自营": "Own Brand", "五粮液": "Wuliangye",
    "泸州老窖": "Luzhou Laojiao", "张裕": "Changyu", "青岛啤酒": "Tsingtao", "罗莱": "Luolai", "水星家纺": "Mercury",
    "富安娜": "Fuanna", "爱仕达": "ASD", "双立人": "Zwilling", "太力": "Taili", "禧天龙": "Citylong", "全友": "Quanu",
    "林氏家居": "Linshi", "顾家家居": "Kuka", "欧普照明": "Opple", "雷士照明": "NVC", "珀莱雅": "Proya",
    "薇诺娜": "Winona", "欧莱雅": "L'Oreal", "兰蔻": "Lancome", "完美日记": "Perfect Diary", "花西子": "Florasis",
    "美宝莲": "Maybelline", "香奈儿": "Chanel", "迪奥": "Dior", "观夏": "To Summer", "舒肤佳": "Safeguard",
    "海飞丝": "Head & Shoulders", "云南白药": "Yunnan Baiyao", "飞鹤": "Feihe", "君乐宝": "Junlebao",
    "爱他美": "Aptamil", "帮宝适": "Pampers", "好奇": "Huggies", "花王": "Kao", "乐高": "LEGO", "布鲁可": "Bloks",
    "奥迪双钻": "Auldey", "李宁": "Li-Ning", "安踏": "Anta", "特步": "Xtep", "耐克": "Nike", "迪卡侬": "Decathlon",
    "骆驼": "Camel", "探路者": "Toread", "舒华": "Shuhua", "Keep": "Keep",
}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁沈任姚卢傅钟".replace("", " ").split()
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玲红建文辉鹏飞斌宇浩凯婷雪琳晨欣怡佳俊豪子涵梓萱一诺".replace("", " ").split()
FIRMS = "恒通 华信 联创 宏发 佳和 顺达 金桥 星河 东方 瑞丰 博远 立信 万家 和美 天成 中科 汇丰 嘉禾 永泰 安达".split()
FIRM_KINDS = ["贸易有限公司", "科技有限公司", "餐饮管理有限公司", "物业服务有限公司", "教育咨询有限公司", "酒店管理有限公司"]


@dataclass(frozen=True)
class RetailDimensions:
    regions: list[tuple]
    stores: list[tuple]
    store_gen: list[tuple]      # store_id, store_idx, type code, is_online, base volume, growth, city, open_date
    customers: list[tuple]
    payment_modes: list[tuple]
    products: list[tuple]
    sub_gen: list[tuple]        # sub_category, category id, quantity kind, return p, extra discount, peaks
    prod_weights: list[tuple]   # product_id, category index, sub_category, popularity


def _price(rng: random.Random, low: float, high: float) -> float:
    p = low * (high / low) ** rng.random()
    if p >= 100:
        return float(max(round(p / 100) * 100 - 1, 99))
    if p >= 10:
        return float(max(round(p / 10) * 10 - 1, 9)) if rng.random() < 0.5 else round(p) - 0.1
    return round(p, 1)


def _products(rng: random.Random) -> tuple[list[tuple], list[tuple], list[tuple]]:
    products, sub_gen, weights = [], [], []
    for c_idx, (cat, (cat_en, _share, variants, subs)) in enumerate(CATEGORIES.items()):
        for sub, sub_en, item_en, low, high, cost_ratio, qty, ret_p, extra, peaks, brands in subs:
            sub_gen.append((sub, c_idx, qty, ret_p, extra, peaks))
            combos = [(b, v) for b in brands for v in variants]
            rng.shuffle(combos)
            for brand, (variant, variant_en) in sorted(combos[:rng.randint(4, 9)]):
                pid = f"P{len(products) + 1:05d}"
                price = _price(rng, low, high)
                cost = round(price * cost_ratio * rng.uniform(0.94, 1.06), 2)
                products.append((pid, f"{brand}{sub}{variant}", f"{BRAND_EN[brand]} {item_en} {variant_en}",
                                 cat, cat_en, sub, sub_en, brand, price, cost))
                weights.append((pid, c_idx, sub, rng.paretovariate(1.6)))
    return products, sub_gen, weights


def _customers(rng: random.Random, n: int, as_of: date) -> list[tuple]:
    cities = list(CITIES)
    weights = [CITIES[c][2] for c in cities]
    early, start = date(2016, 1, 1), date(2024, 1, 1)
    store_cities = [c for c in cities if CITIES[c][3]]
    rows = []
    for k in range(n):
        # the first customers of every store city are long-standing ones, so no store lacks local buyers
        city = store_cities[k % len(store_cities)] if k < 4 * len(store_cities) else rng.choices(cities, weights)[0]
        province = CITIES[city][0]
        if k < 4 * len(store_cities) or rng.random() < 0.62:
            joined = early + timedelta(days=rng.randrange((start - early).days))
        else:
            span = max((as_of - start).days, 1)
            joined = start + timedelta(days=int(span * rng.random() ** 0.8))
        joined = min(joined, as_of)
        r = rng.random()
        segment = "企业" if r < 0.06 else ("会员" if r < 0.45 else "个人")
        if segment == "企业":
            name = f"{city}{rng.choice(FIRMS)}{rng.choice(FIRM_KINDS)}"
            gender, birth = None, None
            level = "金卡" if rng.random() < 0.3 else "普通"
        else:
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
            gender = "女" if rng.random() < 0.56 else "男"
            birth = int(1996 + rng.gauss(-8, 11))
            birth = max(1950, min(2006, birth))
            if segment == "会员":
                loyalty = (start - joined).days / 3000 if joined < start else 0.0
                x = rng.random() + 0.6 * loyalty
                level = "钻石" if x > 1.15 else "金卡" if x > 0.85 else "银卡" if x > 0.45 else "普通"
            else:
                level = "普通"
        rows.append((f"C{k + 1:06d}", name, gender, birth, city, province, segment, joined, level))
    return rows


def build_retail_dimensions(seed: int, scale: float, as_of: date) -> RetailDimensions:
    rng = random.Random(seed)
    regions = [(rid, name, en, i + 1) for i, (rid, name, en, _g) in enumerate(REGIONS)]
    growth = {rid: g for rid, _n, _e, g in REGIONS}
    stores, store_gen = [], []
    for idx, (name, city, kind, opened) in enumerate(STORES, start=1):
        province, rid, _w, _s = CITIES[city]
        if opened is None:
            first = 2010 if kind == "旗舰店" else 2014
            opened = date(rng.randint(first, 2023), rng.randint(1, 12), rng.randint(1, 28))
        sid = f"ST{idx:03d}"
        stores.append((sid, name, city, province, rid, kind, opened))
        perf = rng.uniform(0.65, 1.4) * (1.2 if city in TIER1 else 1.0)
        store_gen.append((sid, idx, STORE_TYPES.index(kind), False, STORE_VOLUME[kind] * perf,
                          growth[rid] + rng.uniform(-0.05, 0.05), city, opened))
    sid, name, opened = ONLINE_STORE
    stores.append((sid, name, None, None, None, "线上商城", opened))
    store_gen.append((sid, len(STORES) + 1, 3, True, STORE_VOLUME["线上商城"], 0.22, None, opened))
    products, sub_gen, weights = _products(rng)
    customers = _customers(rng, max(300, round(40000 * scale)), as_of)
    return RetailDimensions(regions, stores, store_gen, customers, list(PAYMENT_MODES), products, sub_gen, weights)
