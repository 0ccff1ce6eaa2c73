"""The demo warehouse: a provincial telecom operator's channel data in one DuckDB file.

``build_demo_warehouse`` is deterministic for a given (seed, scale, as_of): facts run monthly
from 2024-01 to the month of ``as_of``; daily facts stop at ``as_of``, monthly ones (bills,
scores, balances) at the last closed billing period (账期), as in a real warehouse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb

from chatbi.demo import facts
from chatbi.demo.build import BuildReport, build_atomically, checked_span
from chatbi.demo.dimensions import build_dimensions

DATA_START = date(2024, 1, 1)
FACT_TABLES = ["fact_activation", "fact_churn", "fact_subscriber_month", "fact_bill", "fact_arrears_recovery",
               "fact_arrears_snapshot", "fact_broadband_install", "fact_5g_migration", "fact_terminal_sale",
               "fact_channel_score"]


def _load_dimensions(con: duckdb.DuckDBPyConnection, seed: int) -> None:
    dims = build_dimensions(seed)
    con.execute("""CREATE TABLE dim_city (city_id INTEGER PRIMARY KEY, city_name VARCHAR, city_full_name VARCHAR,
                   city_name_en VARCHAR, population_10k INTEGER, arrears_factor DOUBLE)""")
    con.executemany("INSERT INTO dim_city VALUES (?, ?, ?, ?, ?, ?)", dims.cities)
    con.execute("CREATE TABLE dim_district (district_id INTEGER PRIMARY KEY, district_name VARCHAR, city_id INTEGER)")
    con.executemany("INSERT INTO dim_district VALUES (?, ?, ?)", dims.districts)
    con.execute("""CREATE TABLE dim_channel_type (channel_type_id INTEGER PRIMARY KEY, channel_type VARCHAR,
                   channel_type_en VARCHAR, volume DOUBLE, arrears_factor DOUBLE)""")
    con.executemany("INSERT INTO dim_channel_type VALUES (?, ?, ?, ?, ?)", dims.channel_types)
    con.execute("""CREATE TABLE dim_channel (channel_id VARCHAR PRIMARY KEY, channel_name VARCHAR,
                   channel_type VARCHAR, city_id INTEGER, district_id INTEGER, manager_staff_id VARCHAR,
                   open_date DATE, star_level INTEGER)""")
    con.executemany("INSERT INTO dim_channel VALUES (?, ?, ?, ?, ?, ?, ?, ?)", dims.channels)
    con.execute("""CREATE TABLE dim_staff (staff_id VARCHAR PRIMARY KEY, staff_name VARCHAR, channel_id VARCHAR,
                   staff_role VARCHAR, hire_date DATE)""")
    con.executemany("INSERT INTO dim_staff VALUES (?, ?, ?, ?, ?)", dims.staff)
    con.execute("""CREATE TABLE dim_plan (plan_id VARCHAR PRIMARY KEY, plan_name VARCHAR, plan_category VARCHAR,
                   monthly_fee DECIMAL(8, 2), is_5g BOOLEAN, bandwidth_mbps INTEGER)""")
    con.executemany("INSERT INTO dim_plan VALUES (?, ?, ?, ?, ?, ?)", dims.plans)


def build_demo_warehouse(path: Path, scale: float = 1.0, seed: int = 20240101, as_of: date | None = None,
                         on_step: Callable[[str], None] | None = None) -> BuildReport:
    """(Re)build the demo warehouse at ``path`` atomically: a half-built file never replaces a good one."""
    as_of = checked_span(scale, as_of, DATA_START)
    steps = [("dimensions", None)]
    steps += [("macros", sql) for sql in facts.macros(seed)]
    steps += [("calendar", sql) for sql in facts.calendar_sql(DATA_START, as_of)]
    steps += [("drivers", sql) for sql in facts.driver_sql(scale)]
    steps += [(sql.split("TABLE ", 1)[1].split()[0], sql) for sql in facts.fact_sql(as_of)]

    def fill(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
        for name, sql in steps:
            if on_step:
                on_step(name)
            if sql is None:
                _load_dimensions(con, seed)
            else:
                con.execute(sql)
        last_closed = con.execute("SELECT max(billing_month) FROM dim_billing_month WHERE is_closed").fetchone()[0]
        return [("generator", "chatbi.demo"), ("seed", str(seed)), ("scale", str(scale)),
                ("data_start_date", DATA_START.isoformat()), ("reference_date", as_of.isoformat()),
                ("last_closed_billing_month", last_closed or "")]

    return build_atomically(path, fill)


def read_metadata(path: Path) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as con:
        return dict(con.execute("SELECT key, value FROM meta_dataset").fetchall())
