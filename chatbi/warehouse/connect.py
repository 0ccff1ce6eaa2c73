"""Which warehouse a URL names: the one place that knows every engine class."""

from __future__ import annotations

from chatbi.warehouse.base import DEFAULT_MAX_RESULT_BYTES, DuckDBWarehouse, SQLAlchemyWarehouse, Warehouse


def connect(url: str, memory_limit: str = "4GB", threads: int | None = None,
            max_result_bytes: int = DEFAULT_MAX_RESULT_BYTES) -> Warehouse:
    """A DuckDB path (or duckdb:///path), spark+parquet:///folder, or a SQLAlchemy URL.

    ``memory_limit`` and ``threads`` bind embedded DuckDB; a company warehouse's own server settings
    and the read-only role bind the others (docs/warehouses.md)."""
    if url.startswith("spark+parquet://"):
        from chatbi.warehouse.spark import SparkWarehouse

        return SparkWarehouse(url)
    if url.startswith("duckdb:///") or "://" not in url:
        return DuckDBWarehouse(url.removeprefix("duckdb:///"), memory_limit, threads, max_result_bytes)
    return SQLAlchemyWarehouse(url, max_result_bytes)
