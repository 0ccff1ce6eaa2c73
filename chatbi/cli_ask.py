"""`chatbi ask`: questions in, answers out (one JSON object per question with --json)."""

from __future__ import annotations

import concurrent.futures
import json
import sys
import threading
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)


def open_service(catalog: Path | None, database: str | None, use_model: bool = True, backend=None):
    """The audited service the CLI's ask/sql/draft go through; errors end the command with advice."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import settings
    from chatbi.service import ChatService
    from chatbi.warehouse import WarehouseError
    from metric_catalog.loader import CatalogError

    try:
        return ChatService.from_config(settings().config_file, catalog=catalog, database=database,
                                       use_model=use_model, backend=backend)
    except (CatalogError, WarehouseError, AppDBError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(1) from None


def _load_backend_early():
    from concurrent.futures import Future

    from chatbi.cli_common import settings

    future: Future = Future()

    def load() -> None:
        from chatbi.llm import create_backend

        try:
            future.set_result(create_backend(settings().model) if settings().model.kind != "none" else None)
        except BaseException as exc:  # the first question that needs the model reports it
            future.set_exception(exc)

    threading.Thread(target=load, name="chatbi-model-file", daemon=True).start()
    return future


def resolve_user(service, name: str | None, role: str | None, attrs: list[str]):
    """--user NAME takes role and attributes from the user store; --role/--attr describe an ad-hoc user."""
    from chatbi.appdb import AppDBError

    if name and not role:
        try:
            return service.db.users.get(name).as_user()
        except AppDBError as exc:
            console.print(f"[red]error:[/] {exc}")
            raise typer.Exit(1) from None
    return parse_user(role, attrs, name)


def parse_user(role: str | None, attrs: list[str], name: str | None = None):
    from semantic_layer import User

    if not role:
        return User.unrestricted() if not name else User(name, "analyst")
    pairs = {}
    for item in attrs:
        if "=" not in item:
            console.print(f"[red]error:[/] --attr takes key=value, got {item!r}")
            raise typer.Exit(2)
        key, value = item.split("=", 1)
        pairs[key] = int(value) if value.isdigit() else value
    return User(name or role, role, pairs)


def ask_command(
    question: str = typer.Argument(None, help="问题 / the question; omit to read one question per line from stdin"),
    catalog: Path = typer.Option(None, "--catalog", help="catalog YAML (default: configured or the demo catalog)"),
    database: str = typer.Option(None, "--database", help="DuckDB file or SQLAlchemy URL"),
    role: str = typer.Option(None, "--role", help="ask as this catalog role (row-level security applies)"),
    attr: list[str] = typer.Option([], "--attr", help="user attribute for the role, e.g. channel_id=CH330100001"),
    user: str = typer.Option(None, "--user", help="ask as this ChatBI user (role and attributes from `chatbi users`)"),
    as_of: str = typer.Option(None, "--as-of", help="reference date YYYY-MM-DD (default: the data's date)"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object per question"),
    no_model: bool = typer.Option(False, "--no-model", help="rules only: never load the language model"),
    language: str = typer.Option("auto", "--lang", help="zh, en, or auto: the catalog's only language, else the "
                                                        "question's"),
):
    """提问 / ask a question about the metrics: an answer, a choice of interpretations, or a refusal."""
    try:
        reference = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        console.print(f"[red]error:[/] --as-of {as_of!r} is not a date; use YYYY-MM-DD.")
        raise typer.Exit(2) from None
    questions = [question] if question else [line.strip() for line in sys.stdin if line.strip()]
    if not questions:
        console.print("[red]error:[/] no question given (pass one, or pipe questions one per line).")
        raise typer.Exit(2)
    # A batch will almost surely need the model: its load (C code, the GIL released) starts now and
    # runs beside the rest of start-up and the first answers.
    early = _load_backend_early() if len(questions) > 1 and not no_model else None
    service = open_service(catalog, database, use_model=not no_model, backend=early)
    who = resolve_user(service, user, role, attr)
    if early is not None:
        service.bi.preload()
    for q in questions:
        answer = service.ask(q, who, client="cli", as_of=reference)
        if early is not None:  # llama.cpp points fd 1 and 2 at /dev/null while it loads: print after
            concurrent.futures.wait([early])
        if as_json:
            print(json.dumps(answer.to_dict(), ensure_ascii=False, default=str), flush=True)
        else:
            show(answer, answer_language(language, service.bi.catalog.catalog.languages, q))
    service.bi.close()


def answer_language(choice: str, languages: list[str], question: str) -> str:
    """zh or en: as asked; else the catalog's only language; else the question's (mostly Latin letters: en)."""
    if choice in ("zh", "en"):
        return choice
    if len(languages) == 1 and languages[0] in ("zh", "en"):
        return languages[0]
    latin = sum(ch.isascii() and ch.isalpha() for ch in question)
    cjk = sum("\u4e00" <= ch <= "\u9fff" for ch in question)
    return "en" if latin > 2 * cjk else "zh"


def show(answer, lang: str = "zh") -> None:
    from chatbi.pipeline.answer import key_text

    colour = {"answered": "green", "clarify": "yellow", "refused": "red"}[answer.status]
    console.print(f"[bold {colour}]{answer.status}[/] {answer.text(lang)}")
    if answer.rows and len(answer.rows) > 1 or (answer.rows and len(answer.columns) > 1):
        table = Table(*[(c.get("label_en") or c["label"]) if lang == "en" else c["label"] for c in answer.columns])
        for row in answer.rows[:50]:
            table.add_row(*[key_text(c, v, lang) for c, v in zip(answer.columns, row, strict=False)])
        console.print(table)
    for i, c in enumerate(answer.candidates, start=1):
        console.print(f"  {i}. {c.description_en if lang == 'en' else c.description_zh}")
    for s in answer.suggestions_in(lang):
        console.print(f"  · {s}")
    if answer.explanation:
        console.print(f"[dim]{answer.explanation.get(lang, '')}[/]")
