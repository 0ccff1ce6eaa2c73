"""What the app shows about the warehouse before anyone asks a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from chatbi.config import ConfigError, load_settings


@dataclass
class WarehouseStatus:
    location: str = ""
    reference_date: str = ""
    tables: list[dict] = field(default_factory=list)
    error: str | None = None


def warehouse_status() -> WarehouseStatus:
    try:
        settings = load_settings()
    except ConfigError as exc:
        return WarehouseStatus(error=str(exc))
    url = settings.warehouse.url
    if "://" in url:
        return WarehouseStatus(location=url.split("@")[-1])
    path = Path(url)
    if not path.is_file():
        return WarehouseStatus(error=f"演示数据仓库不存在 / warehouse {path} not found: run `make demo-data`.")
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [{"table": name, "rows": con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]}
                  for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                             "WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        meta = dict(con.execute("SELECT key, value FROM meta_dataset").fetchall()) if any(
            t["table"] == "meta_dataset" for t in tables) else {}
    return WarehouseStatus(location=str(path), reference_date=meta.get("reference_date", "?"), tables=tables)
