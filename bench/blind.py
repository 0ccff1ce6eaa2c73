"""`make bench` section blind: question sets written blind, each by a helper who read only the
catalog and the docs, never the code. The telecom set asks the demo catalog in words nobody here
tuned for; the logistics, bank and hotel sets are a fourth, fifth and sixth domain (warehouse,
catalog and questions all written from docs/catalog.md alone, eval/logistics, eval/bank, eval/hotel)."""

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
BANK_WAREHOUSE = Path("data") / "bank.duckdb"
BANK_CATALOG = Path("metric_catalog") / "bank" / "bank.yaml"
BANK_BUILD = Path("eval") / "bank" / "warehouse.py"
HOTEL_WAREHOUSE = Path("data") / "hotel.duckdb"
HOTEL_CATALOG = Path("metric_catalog") / "hotel" / "hotel.yaml"
HOTEL_BUILD = Path("eval") / "hotel" / "warehouse.py"


def telecom_warehouse() -> Path:
    """The demo warehouse as of the blind set's date (scale 1, default seed)."""
    from chatbi.demo import build_demo_warehouse, read_metadata

    path = TELECOM_WAREHOUSE
    if not (path.is_file() and read_metadata(path).get("reference_date") == GOLDEN_AS_OF.isoformat()):
        build_demo_warehouse(path, scale=1.0, as_of=GOLDEN_AS_OF)
    return path


def built_warehouse(path: Path, generator: Path, as_of: dt.date = GOLDEN_AS_OF) -> Path:
    """Built by the set's own generator (eval/<domain>/warehouse.py), once."""
    if not path.is_file():
        spec = importlib.util.spec_from_file_location(f"{generator.parent.name}_warehouse", generator)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.build(str(path), as_of)
    return path


@section("blind")
def blind() -> tuple[dict, str]:
    numbers, parts = domain_report([Path("eval") / "telecom" / "blind_1.yaml"], TELECOM_CATALOG, telecom_warehouse())
    md = ("Telecom blind set (the demo catalog; `chatbi demo build --as-of 2026-11-15`, scale 1):\n\n" + "\n\n".join(parts))
    for name, catalog, warehouse, generator, what in (
            ("logistics", LOGISTICS_CATALOG, LOGISTICS_WAREHOUSE, LOGISTICS_BUILD, "a fourth domain, an express carrier"),
            ("bank", BANK_CATALOG, BANK_WAREHOUSE, BANK_BUILD, "a fifth domain, a city bank's retail network"),
            ("hotel", HOTEL_CATALOG, HOTEL_WAREHOUSE, HOTEL_BUILD, "a sixth domain, a hotel chain")):
        questions = Path("eval") / name / "blind_1.yaml"
        if not (questions.is_file() and catalog.is_file()):
            continue
        more, parts = domain_report([questions], catalog, built_warehouse(warehouse, generator))
        numbers |= {f"{name}_{k}": v for k, v in more.items()}
        md += (f"\n\n{name.capitalize()} domain ({what}: {generator} as of 2026-11-15, catalog {catalog}, "
               "warehouse, catalog and questions written blind):\n\n" + "\n\n".join(parts))
    return numbers, md
