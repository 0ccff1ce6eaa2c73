"""The retail demo as a careless upstream export: every column text, dates in a different format
per table, amounts as '1234.50', and a few unreadable ship dates. Built *from* the typed retail
build (same seed, same rows, converted), so every answer on it must equal the typed one — the
test of the catalog format's time formats and text measures (metric_catalog/retail_text)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from chatbi.demo.build import BuildReport, build_atomically
from chatbi.demo.retail import build_retail_warehouse

# table → column → SQL over the typed column giving its text; every other column is CAST to VARCHAR
TEXT_FORMS = {
    "fact_order": {"order_date": "strftime(order_date, '%d/%m/%Y')",
                   # 3% of ship dates are what exports really hold: empty strings and placeholders
                   "ship_date": "CASE WHEN hash(order_id) % 33 = 0 THEN 'N/A' ELSE strftime(ship_date, '%Y-%m-%d') END"},
    "fact_return": {"return_date": "strftime(return_date, '%Y%m%d')"},
    "dim_customer": {"join_date": "strftime(join_date, '%Y/%m/%d')"},
    "dim_store": {"open_date": "strftime(open_date, '%d-%m-%Y')"},
}
AMOUNT = "printf('%.2f', {c})"  # decimals keep their two places ('1234.50')


def build_retail_text_warehouse(path: Path, scale: float = 1.0, seed: int = 20240101, as_of: date | None = None,
                                on_step: Callable[[str], None] = lambda _: None) -> BuildReport:
    with tempfile.TemporaryDirectory(prefix="chatbi-retail-") as folder:
        typed = build_retail_warehouse(Path(folder) / "retail.duckdb", scale=scale, seed=seed, as_of=as_of,
                                       on_step=on_step)

        def fill(con):
            con.execute(f"ATTACH '{typed.path}' AS typed (READ_ONLY)")
            tables = [t for (t,) in con.execute("SELECT table_name FROM information_schema.tables WHERE "
                                                "table_catalog = 'typed' AND table_name <> 'meta_dataset'").fetchall()]
            for table in tables:
                on_step(f"{table} as text")
                columns = con.execute("SELECT column_name, data_type FROM information_schema.columns WHERE "
                                      "table_catalog = 'typed' AND table_name = ? ORDER BY ordinal_position",
                                      [table]).fetchall()
                forms = []
                for name, kind in columns:
                    form = TEXT_FORMS.get(table, {}).get(name)
                    if form is None:
                        form = AMOUNT.format(c=name) if kind.startswith("DECIMAL") else f"CAST({name} AS VARCHAR)"
                    forms.append(f"CAST({form} AS VARCHAR) AS {name}")
                con.execute(f"CREATE TABLE {table} AS SELECT {', '.join(forms)} FROM typed.{table}")
            meta = con.execute("SELECT key, value FROM typed.meta_dataset WHERE key <> 'build_seconds'").fetchall()
            con.execute("DETACH typed")
            return [*meta, ("domain", "retail_text")] if not any(k == "domain" for k, _ in meta) else \
                [(k, "retail_text" if k == "domain" else v) for k, v in meta]

        return build_atomically(path, fill)
