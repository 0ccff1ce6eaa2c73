"""`make bench` section blind: question sets written blind, each by a helper who read only the
catalog and the docs, never the code. The telecom set asks the demo catalog in words nobody here
tuned for; the logistics set is a fourth domain (warehouse, catalog and questions all written from
docs/catalog.md alone, eval/logistics)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

from bench.pipeline import GOLDEN_AS_OF
from bench.registry import section
from bench.retail import domain_report

TELECOM_WAREHOUSE = Path("data") / "telecom-1115.duckdb"
TELECOM_CATALOG = Path("metric_catalog") / "demo" / "telecom.yaml"
LOGISTICS_WAREHOUSE = Path("data") / "logistics.duckdb"
LOGISTICS_CATALOG = Path("metric_catalog") / "logistics" / "logistics.yaml"
LOGISTICS_BUILD = Path("eval") / "logistics" / "warehouse.py"


def telecom_warehouse() -> Path:
    """The demo warehouse as of the blind set's date (scale 1, default seed)."""
    from chatbi.demo import build_demo_warehouse, read_metadata

    path = TELECOM_WAREHOUSE
    if not (path.is_file() and read_metadata(path).get("reference_date") == GOLDEN_AS_OF.isoformat()):
        build_demo_warehouse(path, scale=1.0, as_of=GOLDEN_AS_OF)
    return path


def logistics_warehouse(as_of: dt.date = GOLDEN_AS_OF) -> Path:
    """Built by the set's own generator (eval/logistics/warehouse.py), once."""
    if not LOGISTICS_WAREHOUSE.is_file():
        spec = importlib.util.spec_from_file_location("logistics_warehouse", LOGISTICS_BUILD)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(str(LOGISTICS_WAREHOUSE), as_of)
    return LOGISTICS_WAREHOUSE


@section("blind")
def blind() -> tuple[dict, str]:
    numbers, parts = domain_report([Path("eval") / "telecom" / "blind_1.yaml"], TELECOM_CATALOG, telecom_warehouse())
    md = ("Telecom blind set (the demo catalog; `chatbi demo build --as-of 2026-11-15`, scale 1):\n\n" + "\n\n".join(parts))
    logistics = Path("eval") / "logistics" / "blind_1.yaml"
    if logistics.is_file() and LOGISTICS_CATALOG.is_file():
        more, parts = domain_report([logistics], LOGISTICS_CATALOG, logistics_warehouse())
        numbers |= {f"logistics_{k}": v for k, v in more.items()}
        md += ("\n\nLogistics domain (a fourth domain: eval/logistics/warehouse.py as of 2026-11-15, catalog "
               "metric_catalog/logistics/logistics.yaml, questions written blind):\n\n" + "\n\n".join(parts))
    return numbers, md
