"""A blind domain's warehouse (eval/<name>/warehouse.py, written by the adopting team) built for a
test module, and its rows read back read-only for the expected numbers."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import duckdb

AS_OF = dt.date(2026, 11, 15)


def build_warehouse(tmp_path_factory, name: str) -> Path:
    spec = importlib.util.spec_from_file_location(f"{name}_warehouse", Path("eval") / name / "warehouse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp(name) / f"{name}.duckdb"
    module.build(str(path), AS_OF)
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def module_fixtures(name: str, catalog: Path):
    """The module's ``built`` (the warehouse) and ``bi`` (ChatBI on it, rules only) fixtures."""
    import pytest

    from chatbi.core import ChatBI
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    @pytest.fixture(scope="module", name="built")
    def built(tmp_path_factory):
        return build_warehouse(tmp_path_factory, name)

    @pytest.fixture(scope="module", name="bi")
    def bi(built):
        return ChatBI(load_catalog(catalog), connect(str(built)), use_model=False)

    return built, bi
