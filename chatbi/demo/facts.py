"""Fact tables of the demo warehouse, generated inside DuckDB from seeded hashes.

Every random draw is ``u(a, b, salt)``: a hash of the row's identity and the seed, so the
same seed, scale and reference date always give the same warehouse, in parallel, at any size.
Volumes follow outlet type, the outlet's own performance, month-of-year seasonality and
plan trends (5G up, 4G down), so rankings and trends mean something.
"""

from __future__ import annotations

from datetime import date

from chatbi.demo.dimensions import SEASONALITY


def macros(seed: int) -> list[str]:
    return [
        f"CREATE OR REPLACE TEMP MACRO u(a, b, salt) AS "
        f"(hash(a, b, salt, {seed}) % 1000000007)::DOUBLE / 1000000007.0",
        # Stochastic rounding keeps expected counts exact even when they are small.
        "CREATE OR REPLACE TEMP MACRO sround(x, a, b, salt) AS "
        "CAST(floor(greatest(x, 0) + u(a, b, salt)) AS INTEGER)",
    ]


def calendar_sql(start: date, as_of: date) -> list[str]:
    season = ", ".join(str(s) for s in SEASONALITY)
    return [
        f"""CREATE TABLE dim_date AS
        SELECT d::DATE AS date_key, year(d) AS year, quarter(d) AS quarter, month(d) AS month,
               strftime(d, '%Y%m') AS billing_month, weekofyear(d) AS iso_week,
               isodow(d) AS day_of_week, isodow(d) >= 6 AS is_weekend
        FROM range(DATE '{start}', DATE '{as_of}' + INTERVAL 1 DAY, INTERVAL 1 DAY) t(d)""",
        f"""CREATE TABLE dim_billing_month AS
        SELECT strftime(m, '%Y%m') AS billing_month, m::DATE AS month_start,
               (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS month_end,
               year(m) AS year, quarter(m) AS quarter, month(m) AS month,
               (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE <= DATE '{as_of}' AS is_closed
        FROM range(DATE '{start}', DATE '{as_of}' + INTERVAL 1 DAY, INTERVAL 1 MONTH) t(m)""",
        f"""CREATE TEMP TABLE months AS
        SELECT billing_month, month_start, month_end, is_closed,
               row_number() OVER (ORDER BY month_start) - 1 AS month_idx,
               [{season}][month(month_start)] AS season,
               -- the current month is only partly observed, up to the reference date
               CASE WHEN is_closed THEN 1.0
                    ELSE (day(DATE '{as_of}'))::DOUBLE / day(month_end) END AS observed,
               CASE WHEN is_closed THEN day(month_end) ELSE day(DATE '{as_of}') END AS days
        FROM dim_billing_month""",
    ]


def driver_sql(scale: float) -> list[str]:
    """Per channel × plan × month expected volumes: the single source of every fact's size."""
    return [
        """CREATE TEMP TABLE chan AS
        SELECT c.channel_id, c.city_id, c.channel_type,
               row_number() OVER (ORDER BY c.channel_id) AS channel_idx,
               t.volume AS vol, 0.45 + 1.1 * u(c.channel_id, 0, 'perf') AS perf,
               0.032 * ci.arrears_factor * t.arrears_factor * (0.6 + 0.8 * u(c.channel_id, 0, 'arr')) AS arrears_p,
               (SELECT count(*) FROM dim_staff s WHERE s.channel_id = c.channel_id) AS n_staff
        FROM dim_channel c JOIN dim_channel_type t USING (channel_type)
        JOIN dim_city ci USING (city_id)""",
        """CREATE TEMP TABLE staff_pick AS
        SELECT channel_id, staff_id, row_number() OVER (PARTITION BY channel_id ORDER BY staff_id) - 1 AS k
        FROM dim_staff""",
        """CREATE TEMP TABLE plan AS
        SELECT *, row_number() OVER (ORDER BY plan_id) AS plan_idx,
               CASE plan_category WHEN '5G套餐' THEN 0.13 WHEN '4G套餐' THEN 0.10 WHEN '宽带融合' THEN 0.06
                                  WHEN '单宽带' THEN 0.03 ELSE 0.02 END AS plan_w,
               CASE WHEN plan_category = '5G套餐' OR plan_category = '宽带融合' THEN 0.012
                    WHEN plan_category = '4G套餐' THEN -0.010 ELSE 0.0 END AS trend
        FROM dim_plan""",
        f"""CREATE TEMP TABLE cpm AS
        WITH base AS (
            SELECT c.channel_id, c.channel_idx, p.plan_id, p.plan_idx, m.billing_month, m.month_start,
                   m.month_idx, m.is_closed, m.days, m.observed,
                   {scale} * c.vol * c.perf * p.plan_w * (0.5 + u(c.channel_id, p.plan_id, 'mix')) AS size,
                   m.season * m.observed * exp(p.trend * m.month_idx) AS shape,
                   CASE WHEN m.month_start = (SELECT min(month_start) FROM months) THEN 1 ELSE 0 END AS first
            FROM chan c CROSS JOIN plan p CROSS JOIN months m
        ), flows AS (
            SELECT *,
                   sround(size * 52 * first, channel_id, plan_id, 'init') AS opening,
                   sround(size * 3.2 * shape * (0.8 + 0.4 * u(channel_id, plan_id || billing_month, 'an')),
                          channel_id, plan_id || billing_month, 'acts') AS activations,
                   sround(size * 2.9 * observed
                          * CASE WHEN month(month_start) = 3 THEN 1.25 ELSE 1.0 END
                          * (0.8 + 0.4 * u(channel_id, plan_id || billing_month, 'cn')),
                          channel_id, plan_id || billing_month, 'churn') AS churned
            FROM base
        )
        SELECT *, greatest(0, sum(opening + activations - churned) OVER (
                   PARTITION BY channel_id, plan_id ORDER BY month_idx)) AS active_end
        FROM flows""",
        f"""CREATE TEMP TABLE cm AS
        SELECT c.channel_id, c.channel_idx, c.channel_type, c.perf, c.n_staff, c.arrears_p,
               m.billing_month, m.month_start, m.month_idx, m.is_closed, m.days, m.season, m.observed,
               {scale} * c.vol * c.perf AS size
        FROM chan c CROSS JOIN months m""",
    ]


def _expand(count_col: str) -> str:
    return f"CROSS JOIN LATERAL (SELECT unnest(range({count_col})) AS i) r"


def fact_sql(as_of: date) -> list[str]:
    staff_join = ("JOIN staff_pick sp ON sp.channel_id = x.channel_id "
                  "AND sp.k = CAST(floor(u(x.channel_id, x.billing_month || x.i, 'staff') * x.n_staff) AS INTEGER)")
    return [
        f"""CREATE TABLE fact_activation AS
        WITH x AS (
            SELECT cpm.*, i, cm.n_staff FROM cpm JOIN cm USING (channel_id, billing_month) {_expand('activations')}
        )
        SELECT row_number() OVER (ORDER BY x.billing_month, x.channel_id, x.plan_id, x.i) AS activation_id,
               16000000000 + x.channel_idx * 10000000 + x.plan_idx * 500000 + x.month_idx * 12000 + x.i AS subscriber_id,
               (x.month_start + CAST(floor(u(x.channel_id, x.plan_id || x.billing_month || x.i, 'd') * x.days)
                                    AS INTEGER))::DATE AS activation_date,
               x.billing_month, x.channel_id, sp.staff_id, x.plan_id
        FROM x {staff_join}""",
        f"""CREATE TABLE fact_churn AS
        WITH x AS (SELECT * FROM cpm {_expand('churned')})
        SELECT row_number() OVER (ORDER BY billing_month, channel_id, plan_id, i) AS churn_id,
               13000000000 + channel_idx * 10000000 + plan_idx * 500000 + 400000 + i AS subscriber_id,
               (month_start + CAST(floor(u(channel_id, plan_id || billing_month || i, 'cd') * days) AS INTEGER))::DATE
                   AS churn_date,
               billing_month, channel_id, plan_id,
               ['携号转网', '欠费停机', '主动销户', '迁出本省', '携号转网', '主动销户']
                   [1 + CAST(floor(u(channel_id, plan_id || billing_month || i, 'why') * 6) AS INTEGER)] AS churn_reason
        FROM x""",
        """CREATE TABLE fact_subscriber_month AS
        SELECT billing_month, channel_id, plan_id, CAST(active_end AS INTEGER) AS active_subscribers
        FROM cpm WHERE is_closed""",
        """CREATE TABLE fact_bill AS
        WITH x AS (
            SELECT cpm.channel_id, cpm.channel_idx, cpm.plan_id, cpm.plan_idx, cpm.billing_month, cpm.month_start,
                   cpm.month_idx, cm.arrears_p, p.monthly_fee, i
            FROM cpm JOIN cm USING (channel_id, billing_month) JOIN plan p USING (plan_id)
            CROSS JOIN LATERAL (SELECT unnest(range(CAST(cpm.active_end AS BIGINT))) AS i) r
            WHERE cpm.is_closed
        ), priced AS (
            SELECT *, round(monthly_fee * (0.85 + 0.5 * u(channel_id, billing_month || plan_id, i)), 2) AS billed,
                   u(channel_id, billing_month || plan_id || i, 'owe') AS owe_draw
            FROM x
        )
        -- Arithmetic ids: a global row_number() over ~100M bills would sort them all in memory.
        SELECT month_idx * 100000000000 + channel_idx * 10000000 + plan_idx * 500000 + i AS bill_id,
               billing_month, 13000000000 + channel_idx * 10000000 + plan_idx * 500000 + i AS subscriber_id,
               channel_id, plan_id,
               CAST(billed AS DECIMAL(12, 2)) AS billed_amount,
               CAST(billed - arrears AS DECIMAL(12, 2)) AS paid_amount,
               CAST(arrears AS DECIMAL(12, 2)) AS arrears_amount,
               (month_start + INTERVAL 1 MONTH + INTERVAL 14 DAY)::DATE AS due_date
        FROM (SELECT *, CASE WHEN owe_draw < arrears_p
                             THEN CASE WHEN owe_draw < arrears_p * 0.75 THEN billed
                                       ELSE round(billed * 0.5, 2) END
                             ELSE 0 END AS arrears FROM priced)""",
        f"""CREATE TABLE fact_arrears_recovery AS
        WITH owed AS (
            SELECT b.bill_id, b.billing_month AS bill_month, b.subscriber_id, b.channel_id, b.arrears_amount,
                   m.month_start AS bill_month_start,
                   1 + CAST(floor(u(b.bill_id, 0, 'lag') * u(b.bill_id, 1, 'lag') * 9) AS INTEGER) AS lag_months
            FROM fact_bill b JOIN months m USING (billing_month)
            WHERE b.arrears_amount > 0 AND u(b.bill_id, 0, 'recovered') < 0.68
        ), dated AS (
            SELECT *, (bill_month_start + lag_months * INTERVAL 1 MONTH
                       + CAST(floor(u(bill_id, 0, 'rd') * 28) AS INTEGER) * INTERVAL 1 DAY)::DATE AS recovery_date
            FROM owed
        )
        SELECT row_number() OVER (ORDER BY recovery_date, bill_id) AS recovery_id, recovery_date,
               strftime(recovery_date, '%Y%m') AS billing_month, bill_month, bill_id, subscriber_id, channel_id,
               arrears_amount AS recovered_amount,
               ['营业厅缴费', '线上缴费', '银行代扣', '催缴外呼'][1 + CAST(floor(u(bill_id, 0, 'pm') * 4) AS INTEGER)]
                   AS pay_method
        FROM dated WHERE recovery_date <= DATE '{as_of}'""",
        # Period-end balance by ageing: bills' arrears minus what was recovered by that month end;
        # written off after 24 months as operators do.
        """CREATE TABLE fact_arrears_snapshot AS
        WITH owed AS (
            SELECT channel_id, billing_month AS bill_month, count(*) AS n, sum(arrears_amount) AS amount
            FROM fact_bill WHERE arrears_amount > 0 GROUP BY ALL
        ), paid AS (
            SELECT channel_id, bill_month, billing_month AS pay_month, count(*) AS n, sum(recovered_amount) AS amount
            FROM fact_arrears_recovery GROUP BY ALL
        ), grid AS (
            SELECT s.billing_month AS snapshot_month, o.*,
                   datediff('month', mb.month_start, s.month_start) AS age_months
            FROM owed o JOIN months mb ON mb.billing_month = o.bill_month
            JOIN months s ON s.is_closed AND s.month_start >= mb.month_start
                         AND datediff('month', mb.month_start, s.month_start) <= 24
        ), balance AS (
            SELECT g.snapshot_month, g.channel_id, g.age_months,
                   g.n - coalesce(sum(p.n), 0) AS accounts, g.amount - coalesce(sum(p.amount), 0) AS balance
            FROM grid g LEFT JOIN paid p ON p.channel_id = g.channel_id AND p.bill_month = g.bill_month
                                         AND p.pay_month <= g.snapshot_month
            GROUP BY g.snapshot_month, g.channel_id, g.bill_month, g.age_months, g.n, g.amount
        )
        SELECT snapshot_month, channel_id,
               CASE WHEN age_months = 0 THEN '当月' WHEN age_months <= 3 THEN '1-3个月'
                    WHEN age_months <= 6 THEN '4-6个月' WHEN age_months <= 12 THEN '7-12个月'
                    ELSE '12个月以上' END AS aging_bucket,
               CAST(sum(accounts) AS INTEGER) AS arrears_accounts,
               CAST(sum(balance) AS DECIMAL(14, 2)) AS arrears_balance
        FROM balance GROUP BY ALL HAVING sum(balance) > 0""",
        f"""CREATE TABLE fact_broadband_install AS
        WITH x AS (
            SELECT cm.*, i FROM cm CROSS JOIN LATERAL (SELECT unnest(range(sround(
                size * CASE channel_type WHEN '社会渠道' THEN 0.6 WHEN '电子渠道' THEN 1.2 ELSE 2.4 END
                * season * observed * (0.8 + 0.4 * u(channel_id, billing_month, 'bbn')) * 2.2,
                channel_id, billing_month, 'bb'))) AS i) r
        ), p AS (SELECT plan_id, bandwidth_mbps, row_number() OVER (ORDER BY plan_id) - 1 AS k
                 FROM dim_plan WHERE bandwidth_mbps > 0)
        SELECT row_number() OVER (ORDER BY x.billing_month, x.channel_id, x.i) AS install_id,
               (x.month_start + CAST(floor(u(x.channel_id, x.billing_month || x.i, 'bbd') * x.days) AS INTEGER))::DATE
                   AS install_date,
               x.billing_month, x.channel_id, sp.staff_id, p.plan_id, p.bandwidth_mbps,
               CASE WHEN p.bandwidth_mbps >= 1000 AND u(x.channel_id, x.billing_month || x.i, 'fttr') < 0.4
                    THEN 'FTTR' ELSE 'FTTH' END AS access_type
        FROM x {staff_join}
        JOIN p ON p.k = CAST(floor(u(x.channel_id, x.billing_month || x.i, 'bbp') * 6) AS INTEGER)""",
        f"""CREATE TABLE fact_5g_migration AS
        WITH x AS (
            SELECT cm.*, i FROM cm CROSS JOIN LATERAL (SELECT unnest(range(sround(
                size * 3.0 * season * observed * exp(0.015 * month_idx)
                * (0.8 + 0.4 * u(channel_id, billing_month, 'mgn')), channel_id, billing_month, 'mg'))) AS i) r
        ), p4 AS (SELECT plan_id, row_number() OVER (ORDER BY plan_id) - 1 AS k FROM dim_plan
                  WHERE plan_category = '4G套餐'),
        p5 AS (SELECT plan_id, row_number() OVER (ORDER BY plan_id) - 1 AS k FROM dim_plan
               WHERE plan_category = '5G套餐')
        SELECT row_number() OVER (ORDER BY x.billing_month, x.channel_id, x.i) AS migration_id,
               (x.month_start + CAST(floor(u(x.channel_id, x.billing_month || x.i, 'mgd') * x.days) AS INTEGER))::DATE
                   AS migration_date,
               x.billing_month, x.channel_id, sp.staff_id,
               14000000000 + x.channel_idx * 10000000 + x.month_idx * 100000 + x.i AS subscriber_id,
               p4.plan_id AS from_plan_id, p5.plan_id AS to_plan_id
        FROM x {staff_join}
        JOIN p4 ON p4.k = CAST(floor(u(x.channel_id, x.billing_month || x.i, 'f') * 3) AS INTEGER)
        JOIN p5 ON p5.k = CAST(floor(u(x.channel_id, x.billing_month || x.i, 't') * 5) AS INTEGER)""",
        f"""CREATE TABLE fact_terminal_sale AS
        WITH x AS (
            SELECT cm.*, i FROM cm CROSS JOIN LATERAL (SELECT unnest(range(sround(
                size * CASE channel_type WHEN '电子渠道' THEN 3.5 WHEN '社会渠道' THEN 2.8 ELSE 2.0 END
                * season * season * observed * (0.8 + 0.4 * u(channel_id, billing_month, 'tsn')),
                channel_id, billing_month, 'ts'))) AS i) r
        ), b AS (
            SELECT * FROM (VALUES (0, '华为', 'Mate', 5499), (1, '华为', 'nova', 2699), (2, '苹果', 'iPhone', 6999),
                                  (3, '小米', 'Redmi', 1299), (4, '小米', '小米数字系列', 3999), (5, 'OPPO', 'Reno', 2799),
                                  (6, 'vivo', 'X系列', 4299), (7, '荣耀', 'Magic', 3999), (8, '荣耀', '畅玩', 999))
                     t(k, brand, series, list_price)
        )
        SELECT row_number() OVER (ORDER BY x.billing_month, x.channel_id, x.i) AS sale_id,
               (x.month_start + CAST(floor(u(x.channel_id, x.billing_month || x.i, 'tsd') * x.days) AS INTEGER))::DATE
                   AS sale_date,
               x.billing_month, x.channel_id, sp.staff_id, b.brand, b.series,
               CASE WHEN u(x.channel_id, x.billing_month || x.i, 'q') < 0.92 THEN 1 ELSE 2 END AS quantity,
               CAST(round(b.list_price * (0.85 + 0.2 * u(x.channel_id, x.billing_month || x.i, 'pr')))
                    * CASE WHEN u(x.channel_id, x.billing_month || x.i, 'q') < 0.92 THEN 1 ELSE 2 END
                    AS DECIMAL(12, 2)) AS sale_amount
        FROM x {staff_join}
        JOIN b ON b.k = CAST(floor(u(x.channel_id, x.billing_month || x.i, 'br') * 9) AS INTEGER)""",
        """CREATE TABLE fact_channel_score AS
        WITH s AS (
            SELECT billing_month, channel_id,
                   least(25, 10 + 12 * perf * (0.8 + 0.3 * u(channel_id, billing_month, 's1'))) AS s_new,
                   least(25, 9 + 12 * perf * (0.8 + 0.3 * u(channel_id, billing_month, 's2'))) AS s_bb,
                   least(25, 8 + 13 * perf * (0.8 + 0.3 * u(channel_id, billing_month, 's3'))) AS s_5g,
                   least(25, 25 - 180 * arrears_p * (0.7 + 0.6 * u(channel_id, billing_month, 's4'))) AS s_arr
            FROM cm WHERE is_closed
        )
        SELECT billing_month, channel_id,
               CAST(round(s_new, 1) AS DECIMAL(5, 1)) AS score_new_subscribers,
               CAST(round(s_bb, 1) AS DECIMAL(5, 1)) AS score_broadband,
               CAST(round(s_5g, 1) AS DECIMAL(5, 1)) AS score_5g,
               CAST(round(greatest(s_arr, 0), 1) AS DECIMAL(5, 1)) AS score_arrears,
               CAST(round(s_new, 1) + round(s_bb, 1) + round(s_5g, 1) + round(greatest(s_arr, 0), 1)
                    AS DECIMAL(5, 1)) AS score_total
        FROM s""",
    ]
