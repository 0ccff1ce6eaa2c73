"""`chatbi catalog draft`: profile a warehouse and write a draft catalog for review."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from chatbi.cli_catalog import _fail, catalog_app, console, open_warehouse


@catalog_app.command("draft")
def draft_command(
    database: str = typer.Option(..., "--database", help="DuckDB file or SQLAlchemy URL of the warehouse to onboard"),
    tables: str = typer.Option(None, "--tables", help="comma-separated tables (default: every table)"),
    output: Path = typer.Option(Path("catalog.draft.yaml"), "--output", "-o", help="where to write the draft"),
    model: str = typer.Option("qwen2.5-coder-1.5b", "--model", "-m",
                              help="bundled id, GGUF path, openai:NAME@URL, or none (names from column names)"),
    force: bool = typer.Option(False, "--force", help="overwrite an existing output file"),
):
    """起草目录 / draft a catalog from the warehouse: profile it, propose tables, joins, dimensions and metrics."""
    from rich.progress import Progress

    from chatbi.cachefile import write_atomic
    from chatbi.cli_common import settings
    from chatbi.cli_eval import model_settings
    from metric_catalog.draft import propose, to_yaml
    from metric_catalog.profile import find_joins, profile_tables

    if output.exists() and not force:
        _fail(f"{output} exists; choose another --output or pass --force to overwrite it.")
    warehouse = open_warehouse(database)
    names = [t.strip() for t in tables.split(",") if t.strip()] if tables else None
    started = time.perf_counter()
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("profiling tables", total=len(names or warehouse.table_columns()) or 1)
        try:
            profiles = profile_tables(warehouse, names, step=lambda t: bar.advance(task))
        except ValueError as exc:
            _fail(f"{exc}.")
        task = bar.add_task("finding joins", total=len(profiles))
        joins = find_joins(warehouse, profiles, step=lambda t: bar.advance(task))
        catalog = propose(profiles, joins)
        named, how = 0, "names from column names (English only): pass --model to draft Chinese names"
        backend_settings = model_settings(model, settings().model)
        if backend_settings is not None:
            from chatbi.catalog_names import name_items
            from chatbi.llm import LLMError, create_backend

            try:
                backend = create_backend(backend_settings)
            except (LLMError, OSError) as exc:
                _fail(f"cannot load the model ({exc}); pass --model none to draft without it.")
            samples = {f"{p.name}.{c.name}": c.samples for p in profiles for c in p.columns}
            task = bar.add_task("naming with the model", total=len(catalog["metrics"]) + len(catalog["dimensions"]))
            named = name_items(catalog, backend, samples, step=lambda _: bar.advance(task))
            catalog["catalog"]["languages"] = ["zh", "en"]
            how = f"{named} items named by {backend.model_id}"
    header = (f"# Drafted by `chatbi catalog draft` from {len(profiles)} tables in {time.perf_counter() - started:.0f} s;\n"
              f"# {how}. Every item is draft: true until reviewed:\n"
              f"#   chatbi catalog validate --catalog {output} --database {database}\n"
              f"#   chatbi catalog review --catalog {output}\n")
    if not write_atomic(output, to_yaml(catalog, header).encode("utf-8")):
        _fail(f"cannot write {output}: check the folder exists and is writable.")
    console.print(f"[green]✓[/] {output}: {len(catalog['tables'])} tables, {len(joins)} joins, "
                  f"{len(catalog['dimensions'])} dimensions, {len(catalog['metrics'])} metrics ({how}). Next: "
                  f"chatbi catalog validate --catalog {output} --database {database}")
