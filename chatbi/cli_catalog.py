"""`chatbi catalog …` and `chatbi query`: catalog checks, dbt import, and running a typed query."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

catalog_app = typer.Typer(help="指标目录 / the metric catalog: validate, lint, import.", no_args_is_help=True)
console = Console(stderr=True)


def _fail(message: str) -> None:
    console.print(f"[bold red]错误 / error:[/] {message}")
    raise typer.Exit(1)


def load(catalog_path: Path | None):
    from chatbi.cli_common import settings
    from metric_catalog.loader import CatalogError, load_catalog

    try:
        return load_catalog(catalog_path or settings().catalog)
    except CatalogError as exc:
        _fail(str(exc))


def open_warehouse(database: str | None):
    from chatbi.cli_common import settings
    from chatbi.warehouse import WarehouseError, connect

    try:
        return connect(database or settings().warehouse.url, **settings().warehouse.limits())
    except WarehouseError as exc:
        _fail(str(exc))


CATALOG_OPT = typer.Option(None, "--catalog", help="catalog YAML (default: configured, else the demo catalog)")
DATABASE_OPT = typer.Option(None, "--database", help="DuckDB file or SQLAlchemy URL (default: configured)")


@catalog_app.command("validate")
def validate(catalog: Path = CATALOG_OPT, database: str = DATABASE_OPT, as_json: bool = typer.Option(False, "--json")):
    """校验目录与数据库 / check the catalog against the live database (tables, types, joins, every metric runs)."""
    from metric_catalog.loader import DEMO_CATALOG
    from metric_catalog.validate import add_lines, validate_catalog

    cat = load(catalog)
    report = validate_catalog(cat, open_warehouse(database))
    path = catalog or DEMO_CATALOG
    add_lines(report, path)
    if as_json:
        print(json.dumps({"ok": report.ok, "seconds": round(report.seconds, 2), "checked_queries": report.checked_queries,
                          "metrics": len(cat.metrics), "dimensions": len(cat.dimensions),
                          "findings": [f.__dict__ for f in report.findings]}, ensure_ascii=False, indent=2))
    else:
        for f in report.findings:
            colour = "red" if f.level == "error" else "yellow"
            at = f"{path}:{f.line} " if f.line else ""
            console.print(f"[{colour}]{f.level}[/] {at}{f.where}: {f.message}", highlight=False, soft_wrap=True)
        mark = "[green]✓[/]" if report.ok else "[red]✗[/]"
        console.print(f"{mark} {len(cat.metrics)} metrics, {len(cat.dimensions)} dimensions, "
                      f"{report.checked_queries} compiled queries ran, {report.seconds:.1f}s")
    raise typer.Exit(0 if report.ok else 1)


@catalog_app.command("lint")
def lint(catalog: Path = CATALOG_OPT, as_json: bool = typer.Option(False, "--json")):
    """元数据缺口 / report metadata gaps: names, synonyms, definitions, sample questions."""
    from metric_catalog.lint import lint_catalog

    gaps = lint_catalog(load(catalog))
    if as_json:
        print(json.dumps([g.__dict__ for g in gaps], ensure_ascii=False, indent=2))
        return
    table = Table("kind", "id", "field", "gap")
    for g in gaps:
        table.add_row(g.kind, g.id, g.field, g.message)
    console.print(table if gaps else "[green]✓[/] no metadata gaps")


@catalog_app.command("import-dbt")
def import_dbt_cmd(path: Path = typer.Argument(..., help="dbt models folder or one YAML file"),
                   output: Path = typer.Option(..., "--output", "-o", help="where to write the catalog YAML")):
    """从 dbt 语义模型导入 / import dbt semantic models and metrics into a ChatBI catalog."""
    from metric_catalog.dbt_import import DbtImportError, import_dbt, write_catalog
    from metric_catalog.loader import CatalogError, load_catalog

    if not path.exists():
        _fail(f"{path} does not exist.")
    try:
        document, skipped = import_dbt(path)
    except DbtImportError as exc:
        _fail(str(exc))
    write_catalog(document, output)
    for note in skipped:
        console.print(f"[yellow]not imported[/] {note}")
    try:
        cat = load_catalog(output)
    except CatalogError as exc:
        _fail(f"the imported catalog needs fixing before use:\n{exc}")
    console.print(f"[green]✓[/] {output}: {len(cat.metrics)} metrics, {len(cat.dimensions)} dimensions, "
                  f"{len(cat.tables)} tables. Next: chatbi catalog validate --catalog {output}")


def query_command(spec: str = typer.Argument(..., help="a SemanticQuery as JSON, or - for stdin"),
                  catalog: Path = CATALOG_OPT, database: str = DATABASE_OPT,
                  role: str = typer.Option(None, "--role"), attr: list[str] = typer.Option([], "--attr",
                                                                                          help="user attribute k=v"),
                  as_of: str = typer.Option(None, "--as-of", help="reference date YYYY-MM-DD"),
                  sql_only: bool = typer.Option(False, "--sql", help="print the compiled SQL only")):
    """运行结构化查询 / run a typed semantic query (JSON) through the semantic layer."""
    from pydantic import ValidationError

    from metric_catalog.validate import reference_date
    from semantic_layer import SemanticError, SemanticQuery, User, compile_query

    cat = load(catalog)
    text = sys.stdin.read() if spec == "-" else spec
    try:
        query = SemanticQuery.model_validate_json(text)
    except ValidationError as exc:
        _fail(f"not a valid query: {exc.errors()[0]['msg']} at {'.'.join(map(str, exc.errors()[0]['loc']))}")
    warehouse = open_warehouse(database)
    user = User("cli", role, dict(a.split("=", 1) for a in attr)) if role else User.unrestricted()
    try:
        reference = date.fromisoformat(as_of) if as_of else reference_date(cat, warehouse)
        compiled = compile_query(cat, query, dialect=warehouse.dialect, user=user, as_of=reference)
    except SemanticError as exc:
        _fail(f"{exc.zh} / {exc.en}")
    if sql_only:
        print(compiled.sql)
        return
    from chatbi.cli_ask import open_service

    # Run like every other statement: through the SQL guard, recorded in the audit trail.
    answer = open_service(catalog, database, use_model=False).run(query, user, client="cli", as_of=reference)
    if answer.status != "answered":
        _fail(f"{answer.message} / {answer.message_en}")
    print(json.dumps({"sql": answer.sql, "explanation": answer.explanation, "columns": [c["name"] for c in
                      answer.columns], "rows": answer.to_dict()["rows"]}, ensure_ascii=False, default=str, indent=2))
