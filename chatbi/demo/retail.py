"""The retail demo warehouse: a Chinese national retailer's orders, order lines and returns.

``build_retail_warehouse`` is deterministic for a given (seed, scale, as_of): dimensions come
from a seeded RNG, every fact draw is a hash of the row's identity and the seed (as in the
telecom demo), money is DECIMAL so sums are exact. Orders run daily from 2024-01-01 to
``as_of``; see docs/demo-retail.md for the tables and how volumes are shaped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from chatbi.demo.build import BuildReport, build_atomically, checked_span
from chatbi.demo.retail_dims import CATEGORIES, STORE_TYPES, build_retail_dimensions

DATA_START = date(2024, 1, 1)
FACT_TABLES = ["fact_order", "fact_order_line", "fact_return"]
SPRING_FESTIVAL = [date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26),
                   date(2029, 2, 13), date(2030, 2, 3)]
MONTH_OFFLINE = [1.00, 0.95, 0.92, 0.95, 1.00, 1.05, 0.95, 0.95, 1.00, 1.10, 1.05, 1.10]
MONTH_ONLINE = [0.95, 0.85, 0.90, 0.92, 0.98, 1.20, 0.90, 0.90, 0.98, 1.00, 1.45, 1.10]
CAT_MONTH = {6: {"家电": 1.8, "数码": 1.8}, 11: {"家电": 1.8, "数码": 1.8, "美妆": 1.3}, 7: {"家电": 1.3, "数码": 1.2},
             8: {"家电": 1.3, "数码": 1.2}, 9: {"数码": 1.3}, 12: {"服装": 1.3}, 1: {"服装": 1.3, "食品": 1.2},
             2: {"服装": 1.2, "食品": 1.2}}
CAT_PRE_FESTIVAL = {"食品": 2.0, "服装": 1.2, "家电": 0.8}
CAT_GENDER = [{"美妆": 2.2, "服装": 1.2, "母婴": 1.5, "数码": 0.8},                                  # 女
              {"数码": 1.6, "运动户外": 1.4, "美妆": 0.35, "家电": 1.1},                              # 男
              {"食品": 1.5, "数码": 1.6, "家居": 1.3, "美妆": 0.3, "母婴": 0.05, "服装": 0.5, "运动户外": 0.6}]  # 企业
# Shares drift by year: sports and beauty gain, baby products (fewer births) and appliances lose.
CAT_TREND = {"家电": -0.06, "数码": 0.04, "服装": -0.02, "食品": 0.03, "家居": 0.0, "美妆": 0.12, "母婴": -0.09,
             "运动户外": 0.16}
CAT_STORE = [{"家电": 1.5, "数码": 1.5}, {}, {"食品": 2.0, "家电": 0.3, "数码": 0.4, "母婴": 1.3},
             {"数码": 1.3, "美妆": 1.4, "食品": 0.7, "家电": 1.1}]
RETURN_REASONS = {  # reason group → (reason, weight)
    "fit": [("尺码不合适", 40), ("不喜欢/与描述不符", 25), ("质量问题", 20), ("七天无理由", 15)],
    "tech": [("质量问题", 45), ("七天无理由", 25), ("物流破损", 20), ("发错货", 10)],
    "other": [("质量问题", 35), ("七天无理由", 30), ("不喜欢/与描述不符", 20), ("物流破损", 10), ("发错货", 5)],
}


def _calendar(as_of: date) -> list[tuple]:
    """Per day: offline and online demand factors, promotion level (0 none, 1 campaign, 2 peak day), 年货 flag."""
    rows, d = [], DATA_START
    while d <= as_of:
        m, day = d.month, d.day
        off, on, promo, pre = MONTH_OFFLINE[m - 1], MONTH_ONLINE[m - 1], 0, False
        if d.isoweekday() >= 6:
            off, on = off * 1.35, on * 1.05
        if m == 6 and day <= 20:                                  # 618
            promo, on, off = 1, on * 1.4, off * 1.1
            if day == 18:
                promo, on, off = 2, on * 3.5, off * 1.6
        if (m == 10 and day >= 20) or (m == 11 and day <= 11):    # 双11 presale and the day itself
            promo, on = 1, on * (1.1 if m == 10 else 1.4)
            if m == 11 and day == 11:
                promo, on, off = 2, on * 4.0, off * 1.8
        if m == 12 and day == 12:                                 # 双12
            promo, on = 2, on * 2.2
        if m == 10 and day <= 7:                                  # 国庆
            promo, off = max(promo, 1), off * 1.3
        delta = min(((d - f).days for f in SPRING_FESTIVAL), key=abs)
        if -21 <= delta <= -2:                                    # 年货节
            pre, promo, off, on = True, max(promo, 1), off * 1.3, on * 1.2
        elif -1 <= delta <= 6:                                    # 春节: stores close early, couriers stop
            off, on = off * 0.35, on * 0.45
        elif 7 <= delta <= 14:
            off = off * 0.8
        rows.append((d, m, (d - DATA_START).days / 365.25, off, on, promo, pre))
        d += timedelta(days=1)
    return rows


def _cumulative(items: list[tuple[object, float]]) -> list[tuple[object, float, float]]:
    total, lo, out = sum(w for _, w in items), 0.0, []
    for k, (key, w) in enumerate(items):
        hi = 2.0 if k == len(items) - 1 else lo + w / total
        out.append((key, lo, hi))
        lo = hi
    return out


def _category_mix() -> list[tuple]:
    """(context, category index, lo, hi): category draw per year × month × 年货 × gender × store type."""
    cats = list(CATEGORIES)
    rows = []
    for y in range(SPRING_FESTIVAL[-1].year - DATA_START.year + 1):
        for month in range(1, 13):
            for pre in (0, 1):
                for g in range(3):
                    for st in range(len(STORE_TYPES)):
                        ctx = ((((y * 12 + month - 1) * 2 + pre) * 3 + g) * 4) + st
                        items = []
                        for c_idx, cat in enumerate(cats):
                            w = CATEGORIES[cat][1] * CAT_MONTH.get(month, {}).get(cat, 1.0)
                            w *= (CAT_PRE_FESTIVAL.get(cat, 1.0) if pre else 1.0)
                            w *= CAT_GENDER[g].get(cat, 1.0) * CAT_STORE[st].get(cat, 1.0)
                            w *= (1 + CAT_TREND[cat]) ** (y + (month - 0.5) / 12)
                            items.append((c_idx, w))
                        rows += [(ctx, c_idx, lo, hi) for c_idx, lo, hi in _cumulative(items)]
    return rows


def _product_mix(prod_weights: list[tuple], sub_gen: list[tuple]) -> list[tuple]:
    """(category index, month, lo, hi, product_id): product draw within a category, sub-category peaks."""
    peaks = {sub: months for sub, _c, _q, _r, _x, months in sub_gen}
    rows = []
    for c_idx in range(len(CATEGORIES)):
        mine = [(pid, sub, w) for pid, ci, sub, w in prod_weights if ci == c_idx]
        for month in range(1, 13):
            items = [(pid, w * (2.2 if month in peaks[sub] else 1.0)) for pid, sub, w in mine]
            rows += [(c_idx, month, lo, hi, pid) for pid, lo, hi in _cumulative(items)]
    return rows


def _reasons() -> list[tuple]:
    rows = []
    for group, items in RETURN_REASONS.items():
        rows += [(group, lo, hi, reason) for reason, lo, hi in _cumulative(items)]
    return rows


def _load(con: duckdb.DuckDBPyConnection, seed: int, scale: float, as_of: date) -> None:
    dims = build_retail_dimensions(seed, scale, as_of)
    tables = [
        ("dim_region", "region_id VARCHAR PRIMARY KEY, region_name VARCHAR, region_name_en VARCHAR, sort_order INTEGER",
         dims.regions),
        ("dim_store", "store_id VARCHAR PRIMARY KEY, store_name VARCHAR, city VARCHAR, province VARCHAR, "
                      "region_id VARCHAR, store_type VARCHAR, open_date DATE", dims.stores),
        ("dim_customer", "customer_id VARCHAR PRIMARY KEY, customer_name VARCHAR, gender VARCHAR, birth_year INTEGER, "
                         "city VARCHAR, province VARCHAR, customer_segment VARCHAR, join_date DATE, "
                         "member_level VARCHAR", dims.customers),
        ("dim_payment_mode", "payment_mode_id VARCHAR PRIMARY KEY, payment_mode_name VARCHAR, "
                             "payment_mode_name_en VARCHAR", dims.payment_modes),
        ("dim_product", "product_id VARCHAR PRIMARY KEY, product_name VARCHAR, product_name_en VARCHAR, "
                        "category VARCHAR, category_en VARCHAR, sub_category VARCHAR, sub_category_en VARCHAR, "
                        "brand VARCHAR, unit_price DECIMAL(10, 2), unit_cost DECIMAL(10, 2)", dims.products),
        ("store_gen", "store_id VARCHAR, store_idx INTEGER, st INTEGER, is_online BOOLEAN, base DOUBLE, "
                      "growth DOUBLE, city VARCHAR, open_date DATE", dims.store_gen),
        ("sub_gen", "sub_category VARCHAR, category_idx INTEGER, qty_kind VARCHAR, return_p DOUBLE, "
                    "extra_discount DOUBLE, reason_group VARCHAR", [
                        (s, c, q, r, x, "fit" if c in (2, 7) else "tech" if c in (0, 1) else "other")
                        for s, c, q, r, x, _p in dims.sub_gen]),
        ("cal", "d DATE, month INTEGER, t DOUBLE, f_off DOUBLE, f_on DOUBLE, promo INTEGER, pre BOOLEAN",
         _calendar(as_of)),
        ("cat_mix", "ctx INTEGER, category_idx INTEGER, lo DOUBLE, hi DOUBLE", _category_mix()),
        ("prod_mix", "category_idx INTEGER, month INTEGER, lo DOUBLE, hi DOUBLE, product_id VARCHAR",
         _product_mix(dims.prod_weights, dims.sub_gen)),
        ("reason_mix", "reason_group VARCHAR, lo DOUBLE, hi DOUBLE, reason VARCHAR", _reasons()),
    ]
    for name, columns, rows in tables:
        temp = "" if name.startswith("dim_") else "TEMP "
        con.execute(f"CREATE {temp}TABLE {name} ({columns})")
        # A DataFrame scan loads 40k customers in milliseconds; executemany takes seconds.
        frame = pd.DataFrame(rows, columns=re.findall(r"(?:^|, )(\w+) ", columns), dtype=object)
        con.register("_rows", frame)
        con.execute(f"INSERT INTO {name} SELECT * FROM _rows")
        con.unregister("_rows")


def fact_sql(seed: int, scale: float, as_of: date) -> list[str]:
    u = f"(hash(a, b, salt, {seed}) % 1000000007)::DOUBLE / 1000000007.0"
    return [
        f"CREATE OR REPLACE TEMP MACRO u(a, b, salt) AS {u}",
        "CREATE OR REPLACE TEMP MACRO sround(x, a, b, salt) AS CAST(floor(greatest(x, 0) + u(a, b, salt)) AS INTEGER)",
        # Orders per store and day: store size × day's demand × growth × ramp-up after opening × noise.
        f"""CREATE TEMP TABLE store_day AS
        SELECT s.store_id, s.store_idx, s.st, s.is_online, s.city, c.d, c.month, c.t, c.promo, c.pre,
               sround({scale} * s.base * CASE WHEN s.is_online THEN c.f_on ELSE c.f_off END * pow(1 + s.growth, c.t)
                      * least(1.0, 0.45 + 0.55 * datediff('day', s.open_date, c.d) / 90.0)
                      * (0.8 + 0.4 * u(s.store_id, c.d, 'dn')), s.store_id, c.d, 'n') AS n
        FROM store_gen s JOIN cal c ON c.d >= s.open_date""",
        """CREATE TEMP TABLE cust_pool AS
        SELECT city AS pool, customer_id, join_date, customer_segment, member_level,
               CASE gender WHEN '女' THEN 0 WHEN '男' THEN 1 ELSE 2 END AS g,
               row_number() OVER (PARTITION BY city ORDER BY join_date, customer_id) - 1 AS k
        FROM dim_customer
        UNION ALL
        SELECT '*', customer_id, join_date, customer_segment, member_level,
               CASE gender WHEN '女' THEN 0 WHEN '男' THEN 1 ELSE 2 END,
               row_number() OVER (ORDER BY join_date, customer_id) - 1 FROM dim_customer""",
        "CREATE TEMP TABLE pool_size AS SELECT pool, join_date, max(k) + 1 AS n FROM cust_pool GROUP BY ALL",
        """CREATE TEMP TABLE ob AS
        WITH x AS (
            SELECT sd.*, strftime(sd.d, '%Y%m%d') || lpad(sd.store_idx::VARCHAR, 3, '0') || lpad(i::VARCHAR, 4, '0')
                       AS order_id
            FROM store_day sd CROSS JOIN LATERAL (SELECT unnest(range(sd.n)) AS i) r
        ), y AS (
            SELECT x.*, CASE WHEN is_online THEN '*' ELSE city END AS pool,
                   CASE WHEN is_online OR u(order_id, 0, 'o2o') < (0.08 + 0.05 * t) * CASE st WHEN 2 THEN 1.3 ELSE 1 END
                        THEN '线上' ELSE '线下' END AS channel
            FROM x
        )
        SELECT y.*, ps.n AS pool_n FROM y ASOF JOIN pool_size ps ON y.pool = ps.pool AND y.d >= ps.join_date""",
        """CREATE TEMP TABLE orders AS
        WITH a AS (
            SELECT ob.*, cp.customer_id, cp.customer_segment AS seg, cp.member_level AS lvl, cp.g,
                   u(order_id, 0, 'pay') AS pay_u,
                   u(order_id, 0, 'cancel') < CASE WHEN is_online THEN CASE WHEN promo = 2 THEN 0.09 ELSE 0.05 END
                                                   WHEN channel = '线上' THEN 0.03 ELSE 0.006 END AS cancelled,
                   CASE WHEN is_online THEN CAST(floor(pow(u(order_id, 0, 'lag'), 2) * 4) AS INTEGER)
                                            + CASE WHEN promo = 2 THEN 1 + CAST(floor(u(order_id, 1, 'lag') * 3) AS INTEGER)
                                                   ELSE 0 END
                        ELSE 0 END AS ship_lag,
                   CASE WHEN is_online THEN 1 + CAST(floor(u(order_id, 0, 'dlv') * 3) AS INTEGER) ELSE 0 END AS dlv_lag,
                   CASE WHEN u(order_id, 0, 'nl') < 0.55 THEN 1 WHEN u(order_id, 0, 'nl') < 0.80 THEN 2
                        WHEN u(order_id, 0, 'nl') < 0.91 THEN 3 WHEN u(order_id, 0, 'nl') < 0.96 THEN 4
                        WHEN u(order_id, 0, 'nl') < 0.99 THEN 5 ELSE 6 END AS n_lines
            FROM ob JOIN cust_pool cp ON cp.pool = ob.pool
                 AND cp.k = CAST(floor(ob.pool_n * pow(u(ob.order_id, 0, 'cust'), 1.6)) AS INTEGER)
        )
        SELECT *, d + ship_lag AS ship_d, d + ship_lag + dlv_lag AS delivered_d,
               CASE WHEN seg = '企业' THEN CASE WHEN pay_u < 0.7 THEN 'PM03' WHEN pay_u < 0.85 THEN 'PM02' ELSE 'PM01' END
                    WHEN channel = '线上' THEN
                         CASE WHEN pay_u < 0.42 THEN 'PM01' WHEN pay_u < 0.90 THEN 'PM02' WHEN pay_u < 0.96 THEN 'PM03'
                              WHEN is_online THEN 'PM05' ELSE 'PM01' END
                    ELSE CASE WHEN pay_u < 0.14 - 0.04 * t THEN 'PM04' WHEN pay_u < 0.32 - 0.04 * t THEN 'PM03'
                              WHEN pay_u < 0.57 - 0.04 * t THEN 'PM02' ELSE 'PM01' END END AS payment_mode_id
        FROM a""",
        # Order lines: category by month, 年货, gender and store type; product by popularity and season.
        f"""CREATE TEMP TABLE lines0 AS
        WITH x AS (
            SELECT o.order_id, o.d, o.month, o.pre, o.promo, o.st, o.g, o.seg, o.lvl, j,
                   u(o.order_id, j, 'cat') AS cu, u(o.order_id, j, 'prod') AS pu
            FROM orders o CROSS JOIN LATERAL (SELECT unnest(range(o.n_lines)) AS j) r
        )
        SELECT x.*, pm.product_id, cm.category_idx
        FROM x JOIN cat_mix cm ON cm.ctx = ((((year(x.d) - {DATA_START.year}) * 12 + x.month - 1) * 2 + x.pre::INTEGER) * 3 + x.g) * 4 + x.st
                              AND x.cu >= cm.lo AND x.cu < cm.hi
        JOIN prod_mix pm ON pm.category_idx = cm.category_idx AND pm.month = x.month
                        AND x.pu >= pm.lo AND x.pu < pm.hi""",
        """CREATE TEMP TABLE lines1 AS
        WITH dedup AS (
            SELECT *, row_number() OVER (PARTITION BY order_id, product_id ORDER BY j) AS dup FROM lines0
        ), q AS (
            SELECT d.*, p.unit_price, p.unit_cost, sg.extra_discount,
                   CASE sg.qty_kind WHEN 'one' THEN CASE WHEN u(order_id, j, 'q') < 0.95 THEN 1 ELSE 2 END
                        WHEN 'few' THEN 1 + CAST(floor(pow(u(order_id, j, 'q'), 2.5) * 3) AS INTEGER)
                        ELSE 1 + CAST(floor(pow(u(order_id, j, 'q'), 1.8) * 6) AS INTEGER) END
                   * CASE WHEN seg = '企业' AND sg.qty_kind <> 'one' THEN 1 + CAST(floor(u(order_id, j, 'bulk') * 4) AS INTEGER)
                          ELSE 1 END AS quantity,
                   CASE promo WHEN 2 THEN [0.10, 0.15, 0.20, 0.25, 0.30]
                                         [1 + CAST(floor(u(order_id, j, 'disc') * 5) AS INTEGER)]
                              WHEN 1 THEN [0.0, 0.05, 0.10, 0.10, 0.15, 0.20]
                                         [1 + CAST(floor(u(order_id, j, 'disc') * 6) AS INTEGER)]
                              ELSE [0.0, 0.0, 0.0, 0.0, 0.05, 0.05, 0.10][1 + CAST(floor(u(order_id, j, 'disc') * 7) AS INTEGER)]
                   END + sg.extra_discount
                   + CASE lvl WHEN '钻石' THEN 0.05 WHEN '金卡' THEN 0.03 WHEN '银卡' THEN 0.01 ELSE 0 END AS disc
            FROM dedup d JOIN dim_product p USING (product_id) JOIN sub_gen sg USING (sub_category)
            WHERE dup = 1
        )
        SELECT order_id, CAST(row_number() OVER (PARTITION BY order_id ORDER BY j) AS INTEGER) AS line_no, product_id,
               CAST(quantity AS INTEGER) AS quantity, unit_price, CAST(round(least(disc, 0.5), 2) AS DECIMAL(4, 2)) AS discount_rate,
               unit_cost
        FROM q""",
        """CREATE TABLE fact_order_line AS
        SELECT order_id, line_no, product_id, quantity, unit_price, discount_rate,
               CAST(round(quantity * unit_price * (1 - discount_rate), 2) AS DECIMAL(12, 2)) AS sales_amount,
               CAST(quantity * unit_cost AS DECIMAL(12, 2)) AS cost_amount,
               CAST(round(quantity * unit_price * (1 - discount_rate), 2) - quantity * unit_cost AS DECIMAL(12, 2)) AS profit
        FROM lines1""",
        # Returns: delivered orders only, by category propensity and channel, within 14 days of delivery.
        f"""CREATE TABLE fact_return AS
        WITH c AS (
            SELECT l.order_id, l.line_no, l.product_id, l.quantity, l.sales_amount, sg.reason_group,
                   o.delivered_d + 1 + CAST(floor(u(l.order_id, l.product_id, 'rd') * 14) AS INTEGER) AS return_date,
                   u(l.order_id, l.product_id, 'rq') AS rq, u(l.order_id, l.product_id, 'why') AS why
            FROM fact_order_line l JOIN orders o USING (order_id) JOIN dim_product p USING (product_id)
            JOIN sub_gen sg USING (sub_category)
            WHERE NOT o.cancelled AND o.delivered_d <= DATE '{as_of}'
              AND u(l.order_id, l.product_id, 'ret') < sg.return_p
                  * CASE WHEN o.is_online THEN 1.6 WHEN o.channel = '线上' THEN 1.0 ELSE 0.5 END
        ), q AS (
            SELECT *, CASE WHEN quantity > 1 AND rq < 0.35 THEN 1 + CAST(floor(rq / 0.35 * (quantity - 1)) AS INTEGER)
                           ELSE quantity END AS return_quantity
            FROM c WHERE return_date <= DATE '{as_of}'
        )
        SELECT 'RT' || q.order_id || lpad(q.line_no::VARCHAR, 2, '0') AS return_id, q.order_id, q.product_id,
               q.return_date, CAST(q.return_quantity AS INTEGER) AS return_quantity,
               CAST(round(q.sales_amount * q.return_quantity / q.quantity, 2) AS DECIMAL(12, 2)) AS refund_amount,
               r.reason
        FROM q JOIN reason_mix r ON r.reason_group = q.reason_group AND q.why >= r.lo AND q.why < r.hi""",
        f"""CREATE TABLE fact_order AS
        WITH lines AS (SELECT order_id, count(*) AS n FROM fact_order_line GROUP BY ALL),
        ret AS (
            SELECT r.order_id, count(*) AS n, count(*) FILTER (WHERE r.return_quantity = l.quantity) AS full_n
            FROM fact_return r JOIN fact_order_line l USING (order_id, product_id) GROUP BY ALL
        )
        SELECT o.order_id, o.d AS order_date, o.customer_id, o.store_id, o.payment_mode_id, o.channel,
               CASE WHEN o.cancelled OR o.ship_d > DATE '{as_of}' THEN NULL ELSE o.ship_d END AS ship_date,
               CASE WHEN o.cancelled THEN '已取消' WHEN o.ship_d > DATE '{as_of}' THEN '待发货'
                    WHEN o.delivered_d > DATE '{as_of}' THEN '已发货'
                    WHEN ret.full_n = lines.n THEN '已退货' WHEN ret.n > 0 THEN '部分退货' ELSE '已完成' END
                   AS order_status
        FROM orders o JOIN lines USING (order_id) LEFT JOIN ret USING (order_id)""",
    ]


def build_retail_warehouse(path: Path, scale: float = 1.0, seed: int = 20240101, as_of: date | None = None,
                           on_step: Callable[[str], None] | None = None) -> BuildReport:
    """(Re)build the retail demo warehouse at ``path`` atomically: a half-built file never replaces a good one."""
    as_of = checked_span(scale, as_of, DATA_START)
    if as_of > SPRING_FESTIVAL[-1]:
        raise ValueError(f"as_of {as_of} is past the generator's calendar ({SPRING_FESTIVAL[-1].year}).")
    def fill(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
        if on_step:
            on_step("dimensions")
        _load(con, seed, scale, as_of)
        for sql in fact_sql(seed, scale, as_of):
            if on_step and " TABLE " in sql:
                on_step(sql.split(" TABLE ", 1)[1].split()[0])
            con.execute(sql)
        return [("generator", "chatbi.demo.retail"), ("domain", "retail"), ("seed", str(seed)), ("scale", str(scale)),
                ("data_start_date", DATA_START.isoformat()), ("reference_date", as_of.isoformat())]

    return build_atomically(path, fill)
