"""Hand-written reference SQL for every demo metric, the way an analyst would write it by hand.

Used by the execution-equality tests and by `make bench` (compiled vs hand-written timing).
``key`` is None (a single total), "city", "channel_type" or "month"; the range is whole months.
"""

from __future__ import annotations

import datetime as dt

JOIN_GEO = "JOIN dim_channel ch ON ch.channel_id = f.channel_id JOIN dim_city ci ON ci.city_id = ch.city_id"
KEY_EXPR = {"city": "ci.city_name", "channel_type": "ch.channel_type"}

# metric -> (table, date column, is yyyymm, aggregate expression(s))
SIMPLE = {
    "new_subscribers": ("fact_activation", "activation_date", False, "COUNT(*)"),
    "churned_subscribers": ("fact_churn", "churn_date", False, "COUNT(*)"),
    "billed_revenue": ("fact_bill", "billing_month", True, "SUM(f.billed_amount)"),
    "arrears_amount": ("fact_bill", "billing_month", True, "SUM(f.arrears_amount)"),
    "arrears_accounts": ("fact_bill", "billing_month", True,
                         "COUNT(DISTINCT CASE WHEN f.arrears_amount > 0 THEN f.subscriber_id END)"),
    "recovered_arrears": ("fact_arrears_recovery", "recovery_date", False, "SUM(f.recovered_amount)"),
    "broadband_installs": ("fact_broadband_install", "install_date", False, "COUNT(*)"),
    "gigabit_installs": ("fact_broadband_install", "install_date", False,
                         "COUNT(CASE WHEN f.bandwidth_mbps >= 1000 THEN 1 END)"),
    "fiveg_migrations": ("fact_5g_migration", "migration_date", False, "COUNT(*)"),
    "terminal_units": ("fact_terminal_sale", "sale_date", False, "SUM(f.quantity)"),
    "terminal_revenue": ("fact_terminal_sale", "sale_date", False, "SUM(f.sale_amount)"),
    "channel_score": ("fact_channel_score", "billing_month", True, "AVG(f.score_total)"),
    "arrears_rate": ("fact_bill", "billing_month", True,
                     "CAST(SUM(f.arrears_amount) AS DOUBLE PRECISION) / NULLIF(SUM(f.billed_amount), 0)"),
    "arpu": None, "churn_rate": None, "net_adds": None, "active_subscribers": None, "arrears_balance": None,
    "fiveg_penetration": None, "fiveg_subscribers": None,
}


def ym(day: dt.date) -> str:
    return f"{day.year:04d}{day.month:02d}"


def _month_key(column: str, yyyymm: bool) -> str:
    if yyyymm:
        return f"CAST(strptime(f.{column} || '01', '%Y%m%d') AS DATE)"
    return f"CAST(date_trunc('month', f.{column}) AS DATE)"


def _range(column: str, yyyymm: bool, start: dt.date, end: dt.date) -> str:
    if yyyymm:
        return f"f.{column} BETWEEN '{ym(start)}' AND '{ym(end)}'"
    return f"f.{column} BETWEEN DATE '{start}' AND DATE '{end}'"


def _simple(table: str, column: str, yyyymm: bool, agg: str, key: str | None, start, end, extra: str = "") -> str:
    key_sql = _month_key(column, yyyymm) if key == "month" else KEY_EXPR.get(key)
    where = _range(column, yyyymm, start, end) + (f" AND {extra}" if extra else "")
    if key_sql is None:
        return f"SELECT {agg} AS v FROM {table} f WHERE {where}"
    return f"SELECT {key_sql} AS k, {agg} AS v FROM {table} f {JOIN_GEO} WHERE {where} GROUP BY 1"


def _snapshot(table: str, column: str, value: str, key: str | None, start, end, extra_join: str = "",
              extra: str = "") -> str:
    """Balances: the last month of the range (or of each month when by month)."""
    months = ", ".join(f"'{m}'" for m in _months(start, end)) if key == "month" else f"'{ym(end)}'"
    key_sql = _month_key(column, True) if key == "month" else KEY_EXPR.get(key)
    where = f"f.{column} IN ({months})" + (f" AND {extra}" if extra else "")
    if key_sql is None:
        return f"SELECT SUM({value}) AS v FROM {table} f {extra_join} WHERE {where}"
    return f"SELECT {key_sql} AS k, SUM({value}) AS v FROM {table} f {JOIN_GEO} {extra_join} WHERE {where} GROUP BY 1"


def _months(start: dt.date, end: dt.date) -> list[str]:
    out, y, m = [], start.year, start.month
    while (y, m) <= (end.year, end.month):
        out.append(f"{y:04d}{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _ratio(num_sql: str, den_sql: str, key: str | None) -> str:
    if key is None:
        return f"SELECT CAST(n.v AS DOUBLE PRECISION) / NULLIF(d.v, 0) AS v FROM ({num_sql}) n, ({den_sql}) d"
    return (f"SELECT COALESCE(n.k, d.k) AS k, CAST(COALESCE(n.v, 0) AS DOUBLE PRECISION) / NULLIF(d.v, 0) AS v "
            f"FROM ({num_sql}) n FULL JOIN ({den_sql}) d ON n.k = d.k")


def reference_sql(metric: str, key: str | None, start: dt.date, end: dt.date) -> str:
    if SIMPLE.get(metric):
        table, column, yyyymm, agg = SIMPLE[metric]
        return _simple(table, column, yyyymm, agg, key, start, end)
    sub_months = ("fact_subscriber_month", "billing_month", True, "SUM(f.active_subscribers)")
    if metric == "churn_rate":
        return _ratio(reference_sql("churned_subscribers", key, start, end), _simple(*sub_months, key, start, end), key)
    if metric == "arpu":
        return _ratio(reference_sql("billed_revenue", key, start, end), _simple(*sub_months, key, start, end), key)
    if metric == "net_adds":
        a, c = reference_sql("new_subscribers", key, start, end), reference_sql("churned_subscribers", key, start, end)
        if key is None:
            return f"SELECT a.v - c.v AS v FROM ({a}) a, ({c}) c"
        return (f"SELECT COALESCE(a.k, c.k) AS k, COALESCE(a.v, 0) - COALESCE(c.v, 0) AS v "
                f"FROM ({a}) a FULL JOIN ({c}) c ON a.k = c.k")
    if metric == "active_subscribers":
        return _snapshot("fact_subscriber_month", "billing_month", "f.active_subscribers", key, start, end)
    if metric == "fiveg_subscribers":
        return _snapshot("fact_subscriber_month", "billing_month", "f.active_subscribers", key, start, end,
                         "JOIN dim_plan pl ON pl.plan_id = f.plan_id", "pl.plan_category IN ('5G套餐', '宽带融合')")
    if metric == "fiveg_penetration":
        return _ratio(reference_sql("fiveg_subscribers", key, start, end),
                      reference_sql("active_subscribers", key, start, end), key)
    if metric == "arrears_balance":
        return _snapshot("fact_arrears_snapshot", "snapshot_month", "f.arrears_balance", key, start, end)
    raise KeyError(metric)
