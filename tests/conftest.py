from __future__ import annotations

import socket
from datetime import date
from pathlib import Path

import pytest

from chatbi.config import load_settings

# A fixed reference date keeps every test's data identical from day to day.
TEST_AS_OF = date(2026, 11, 15)
TEST_SCALE = 0.25


@pytest.fixture(scope="session", autouse=True)
def isolated_app_db(tmp_path_factory):
    """Every command a test runs writes its audit trail to a throwaway app database, not ./data."""
    import os

    url = f"sqlite:///{tmp_path_factory.mktemp('appdb') / 'chatbi-app.sqlite'}"
    previous = os.environ.get("CHATBI_APP_DB__URL")
    os.environ["CHATBI_APP_DB__URL"] = url
    yield url
    if previous is None:
        os.environ.pop("CHATBI_APP_DB__URL", None)
    else:
        os.environ["CHATBI_APP_DB__URL"] = previous


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    from chatbi.demo import build_demo_warehouse

    path = tmp_path_factory.mktemp("warehouse") / "demo.duckdb"
    build_demo_warehouse(path, scale=TEST_SCALE, as_of=TEST_AS_OF)
    return path


@pytest.fixture(scope="session")
def small_retail(tmp_path_factory):
    """A small retail warehouse (5% of the demo's size) and the retail catalog, read by the rules."""
    from chatbi.core import ChatBI
    from chatbi.demo.retail import build_retail_warehouse
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    built = build_retail_warehouse(tmp_path_factory.mktemp("retail") / "retail.duckdb", scale=0.05, as_of=TEST_AS_OF)
    warehouse = connect(str(built.path))
    return ChatBI(load_catalog("metric_catalog/retail/retail.yaml"), warehouse, use_model=False), warehouse


@pytest.fixture(scope="session")
def small_insurance(tmp_path_factory):
    """A small insurance warehouse (5% of the demo's size) and the insurance catalog, read by the rules."""
    from chatbi.core import ChatBI
    from chatbi.demo.insurance import build_insurance_warehouse
    from chatbi.warehouse import connect
    from metric_catalog.loader import load_catalog

    built = build_insurance_warehouse(tmp_path_factory.mktemp("ins") / "insurance.duckdb", scale=0.05, as_of=TEST_AS_OF)
    warehouse = connect(str(built.path))
    return ChatBI(load_catalog("metric_catalog/insurance/insurance.yaml"), warehouse, use_model=False), warehouse


@pytest.fixture(scope="session")
def bundled_model_path() -> Path:
    """The real bundled 1.5B GGUF, assembled and verified in the default cache (make test does this)."""
    from chatbi.llm import resolve_model_file

    return resolve_model_file(load_settings().model.model_copy(update={"kind": "bundled"}))[0]


@pytest.fixture(scope="session")
def llm(bundled_model_path):
    from chatbi.llm.llama import LlamaCppBackend

    return LlamaCppBackend(bundled_model_path, "qwen2.5-coder-1.5b", n_ctx=4096)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    import shutil
    import tempfile

    from tests.pg import PostgresCluster

    # Not under pytest's tmp dir: that is private to root and the server runs as postgres.
    base = Path(tempfile.mkdtemp(prefix="chatbi-pg-"))
    cluster = PostgresCluster(base, free_port()).start()
    yield cluster
    cluster.stop()
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_demo(pg_cluster, demo_warehouse) -> str:
    """The same demo warehouse as the DuckDB fixture, loaded into PostgreSQL."""
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    url = pg_cluster.create_database("demo")
    load_demo_into_postgres(demo_warehouse, url)
    return url


@pytest.fixture(scope="session")
def spark_demo(demo_warehouse, tmp_path_factory) -> str:
    """The same demo warehouse as Parquet, for Spark SQL in local mode."""
    from chatbi.warehouse.spark import export_parquet

    folder = tmp_path_factory.mktemp("parquet")
    export_parquet(demo_warehouse, folder)
    return f"spark+parquet://{folder}"
