"""`chatbi eval`: score one or more models on the golden questions, side by side."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


def model_settings(name: str, base):
    """A --model value: a bundled model id, a .gguf path, 'none' (rules only) or openai:NAME@URL."""
    if name in ("none", "rules"):
        return None
    if name.endswith(".gguf"):
        return base.model_copy(update={"kind": "gguf", "path": Path(name)})
    if name.startswith("openai:"):
        model, _, url = name.removeprefix("openai:").partition("@")
        return base.model_copy(update={"kind": "openai", "name": model, "base_url": url})
    return base.model_copy(update={"kind": "bundled", "bundled": name})


def eval_command(
    model: list[str] = typer.Option([], "--model", "-m", help="bundled id, GGUF path, openai:NAME@URL or none; "
                                                                "repeat to compare models"),
    golden: list[Path] = typer.Option([], "--golden", help="golden file or folder (default eval/golden)"),
    catalog: Path = typer.Option(None, "--catalog"),
    database: str = typer.Option(None, "--database", help="the warehouse the golden set was written for"),
    output: Path = typer.Option(None, "--output", "-o", help="write the full report as JSON here"),
    show_misses: bool = typer.Option(True, "--misses/--no-misses", help="list every question not answered right"),
    verified: bool = typer.Option(False, "--verified", help="also replay every analyst-verified answer"),
    only_verified: bool = typer.Option(False, "--only-verified", help="replay the verified answers alone"),
):
    """评测 / run the golden questions and report correct, wrong, refused, clarified, latency per path."""
    from chatbi.appdb import AppDB
    from chatbi.cli_common import fail, settings
    from chatbi.core import ChatBI
    from chatbi.evaluation import evaluate, load_cases, verified_cases
    from chatbi.llm import create_backend
    from chatbi.service import ChatService
    from chatbi.warehouse import WarehouseError, connect
    from metric_catalog.loader import load_catalog

    cfg = settings()
    cases = [] if only_verified else load_cases(golden or None)
    cat = load_catalog(catalog or cfg.catalog)
    try:
        warehouse = connect(database or cfg.warehouse.url, **cfg.warehouse.limits())
    except WarehouseError as exc:
        fail(f"{exc} (or pass --database)")
    app_db = AppDB.open(cfg.app_db_url()) if verified or only_verified else None
    reports = []
    for name in model or [cfg.model.bundled if cfg.model.kind == "bundled" else "configured"]:
        chosen = cfg.model if name == "configured" else model_settings(name, cfg.model)
        backend = create_backend(chosen) if chosen is not None else None
        bi = ChatBI(cat, warehouse, cfg, backend=backend, use_model=chosen is not None)
        if app_db is not None:  # verified answers are used first, exactly as in service
            service = ChatService(bi, app_db)
            cases = [c for c in cases if not c.source.startswith("verified#")] + verified_cases(service)
        console.print(f"evaluating {len(cases)} questions with {name} …")
        report = evaluate(bi, cases)
        report["model_option"] = name
        reports.append(report)
    table = Table("model", "cases", "correct", "wrong", "refused", "clarified", "correct %", "must-refuse",
                  "must-clarify", "p50 ms", "seconds")
    for r in reports:
        table.add_row(r["model_option"], str(r["cases"]), str(r["correct"]), f"[{'red' if r['wrong'] else 'green'}]"
                      f"{r['wrong']}[/]", str(r["refused"]), str(r["clarified"]), f"{r['correct_rate'] * 100:.1f}",
                      r["must_refuse_refused"], r["must_clarify_clarified"], str(r["p50_all_ms"]), str(r["seconds"]))
    console.print(table)
    paths = Table("model", "path", "n", "p50 ms", "p95 ms")
    for r in reports:
        for path, v in r["latency_ms"].items():
            paths.add_row(r["model_option"], path, str(v["n"]), str(v["p50"]), str(v["p95"]))
    console.print(paths)
    if any(len(r["by_shape"]) > 3 for r in reports):  # a set that tags its questions by shape
        shapes = Table("model", "shape", "correct", "wrong", "clarified", "refused")
        for r in reports:
            for shape, v in r["by_shape"].items():
                shapes.add_row(r["model_option"], shape, str(v.get("correct", 0)), str(v.get("wrong", 0)),
                               str(v.get("clarified", 0)), str(v.get("refused", 0)))
        console.print(shapes)
    if show_misses:
        for r in reports:
            for miss in r["misses"]:
                console.print(f"[yellow]{r['model_option']}[/] {miss['verdict']}: {miss['q']} {miss['detail']}")
    if output:
        output.write_text(json.dumps(reports, ensure_ascii=False, indent=2, default=str))
    raise typer.Exit(1 if any(r["wrong"] for r in reports) else 0)
