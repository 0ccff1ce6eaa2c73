"""Warehouses ChatBI reads: an embedded DuckDB file (default) or any SQLAlchemy URL. Read-only."""

from __future__ import annotations

from chatbi.warehouse.base import QueryResult, Warehouse, WarehouseError
from chatbi.warehouse.connect import connect

__all__ = ["QueryResult", "Warehouse", "WarehouseError", "connect"]
