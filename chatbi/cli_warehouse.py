"""`chatbi sql` (analysts' guarded SQL) and `chatbi warehouse load-demo` (the demo data into PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console

warehouse_app = typer.Typer(help="数据仓库 / warehouses: load the demo data elsewhere.", no_args_is_help=True)
console = Console(stderr=True)


@warehouse_app.command("load-demo")
def load_demo(url: str = typer.Argument(..., help="postgresql+psycopg://user@host:port/db"),
              source: Path = typer.Option(Path("data/demo.duckdb"), "--source", help="demo DuckDB file to copy")):
    """把演示数据装入 PostgreSQL / copy every demo table into a PostgreSQL database."""
    from chatbi.warehouse.load_demo import load_demo_into_postgres

    if not source.is_file():
        console.print(f"[red]error:[/] {source} does not exist; run `make demo-data` first.")
        raise typer.Exit(1)
    if not url.startswith(("postgresql://", "postgresql+psycopg://")):
        console.print("[red]error:[/] load-demo writes to PostgreSQL: give a postgresql+psycopg:// URL.")
        raise typer.Exit(2)
    try:
        counts = load_demo_into_postgres(source, url, on_table=lambda t, n: console.print(f"  {t:<26} {n:>12,}"))
    except Exception as exc:  # connection refused, permissions…
        console.print(f"[red]error:[/] cannot load into {url.split('@')[-1]}: {exc}")
        raise typer.Exit(1) from None
    console.print(f"[green]✓[/] {len(counts)} tables, {sum(counts.values()):,} rows")


@warehouse_app.command("export-parquet")
def export_parquet_cmd(output: Path = typer.Argument(..., help="folder for one Parquet file per table"),
                       source: Path = typer.Option(Path("data/demo.duckdb"), "--source")):
    """导出为 Parquet / the demo warehouse as Parquet, for Spark (spark+parquet:///folder)."""
    from chatbi.warehouse.spark import export_parquet

    if not source.is_file():
        console.print(f"[red]error:[/] {source} does not exist; run `make demo-data` first.")
        raise typer.Exit(1)
    counts = export_parquet(source, output)
    console.print(f"[green]✓[/] {len(counts)} tables → {output}; use --database spark+parquet://{output.resolve()}")


def sql_command(
    sql: str = typer.Argument(..., help="one SELECT statement, or - for stdin"),
    catalog: Path = typer.Option(None, "--catalog"),
    database: str = typer.Option(None, "--database"),
    role: str = typer.Option(None, "--role", help="must be a role allowed to write SQL (default analyst)"),
    attr: list[str] = typer.Option([], "--attr", help="user attribute k=v for row-level security"),
    user: str = typer.Option(None, "--user", help="run as this ChatBI user"),
    max_rows: int = typer.Option(1000, "--max-rows"),
    as_json: bool = typer.Option(False, "--json"),
):
    """运行分析师 SQL / run analyst SQL through the guard (read-only, catalog tables, row filters, limit)."""
    import sys

    from chatbi.cli_ask import open_service, resolve_user, show

    text = sys.stdin.read() if sql == "-" else sql
    service = open_service(catalog, database, use_model=False)
    who = resolve_user(service, user, role or (None if user else "analyst"), attr)
    answer = service.sql(text, who, client="cli", max_rows=max_rows)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, default=str))
    else:
        show(answer)
    raise typer.Exit(0 if answer.status == "answered" else 1)


def draft_command(
    question: str = typer.Argument(..., help="an analyst's free question the catalog may not cover"),
    catalog: Path = typer.Option(None, "--catalog"),
    database: str = typer.Option(None, "--database"),
    role: str = typer.Option(None, "--role", help="default analyst"),
    user: str = typer.Option(None, "--user", help="draft as this ChatBI user"),
    run: bool = typer.Option(True, "--run/--no-run", help="run the guarded draft, or only show it"),
    as_json: bool = typer.Option(False, "--json"),
):
    """SQL 草稿 / vanna drafts SQL with the local model; the guard checks it; the result is unverified."""
    from chatbi.cli_ask import open_service, resolve_user, show

    service = open_service(catalog, database)
    who = resolve_user(service, user, role or (None if user else "analyst"), [])
    answer = service.draft(question, who, client="cli", execute=run)
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, default=str))
    else:
        show(answer)
        console.print(f"[dim]{answer.sql}[/]")
    raise typer.Exit(0 if answer.status == "answered" else 1)
