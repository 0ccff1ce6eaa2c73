"""`chatbi users|audit|review|verified|serve-api`: the app database from the command line."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys

import typer
from rich.console import Console
from rich.table import Table

console = Console(stderr=True)
users_app = typer.Typer(help="用户与令牌 / users, roles and API tokens.", no_args_is_help=True)
review_app = typer.Typer(help="待审队列 / the analysts' review queue.", no_args_is_help=True)
verified_app = typer.Typer(help="已验证答案 / analyst-verified answers.", no_args_is_help=True)


def _db():
    from chatbi.appdb import AppDB, AppDBError
    from chatbi.cli_common import fail, settings

    try:
        return AppDB.open(settings().app_db_url())
    except AppDBError as exc:
        fail(str(exc))


def _catalog():
    from chatbi.cli_common import fail, settings
    from metric_catalog.loader import CatalogError, load_catalog

    try:
        return load_catalog(settings().catalog)
    except CatalogError as exc:
        fail(str(exc))


def _attrs(items: list[str]) -> dict:
    from chatbi.cli_common import fail

    out = {}
    for item in items:
        if "=" not in item:
            fail(f"--attr takes key=value, got {item!r}.", 2)
        key, value = item.split("=", 1)
        out[key] = int(value) if value.isdigit() else value
    return out


def check_role(catalog, role: str, attrs: dict) -> None:
    """A user's role must exist in the catalog, with every attribute its row filters need."""
    from chatbi.cli_common import fail

    spec = catalog.roles.get(role)
    if spec is None:
        fail(f"Role {role!r} is not in the catalog; choose one of: {', '.join(catalog.roles)}.", 2)
    missing = [f.attribute for f in spec.row_filters if f.attribute not in attrs]
    if missing:
        fail(f"Role {role} sees only its own rows and needs {', '.join(f'--attr {m}=…' for m in missing)}.", 2)


def _password(given: str | None, from_stdin: bool, required: bool) -> str | None:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if given is not None or not required:
        return given
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="login name"),
    role: str = typer.Option(..., "--role", help="a catalog role: channel_staff, city_manager, manager, analyst, admin"),
    attr: list[str] = typer.Option([], "--attr", help="row-filter binding, e.g. channel_id=CH330100001"),
    display_name: str = typer.Option("", "--display-name"),
    password: str = typer.Option(None, "--password", help="prefer the prompt or --password-stdin"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="read the password from stdin"),
    no_password: bool = typer.Option(False, "--no-password", help="API-token-only user (no sign-in)"),
):
    """添加用户 / add a user (password hashed with argon2)."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import fail

    attrs = _attrs(attr)
    check_role(_catalog(), role, attrs)
    secret = None if no_password else _password(password, password_stdin, required=True)
    try:
        _db().users.add(name, role, secret, display_name, attrs)
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] user {name} ({role}{', ' + json.dumps(attrs, ensure_ascii=False) if attrs else ''})")


@users_app.command("set")
def users_set(
    name: str = typer.Argument(...),
    role: str = typer.Option(None, "--role"),
    attr: list[str] = typer.Option([], "--attr"),
    password: bool = typer.Option(False, "--password", help="prompt for a new password"),
    password_stdin: bool = typer.Option(False, "--password-stdin"),
    disable: bool = typer.Option(None, "--disable/--enable"),
):
    """修改用户 / change a user's role, attributes, password, or disable them."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import fail

    db = _db()
    try:
        current = db.users.get(name)
        attrs = _attrs(attr) if attr else None
        if role or attrs is not None:
            check_role(_catalog(), role or current.role, attrs if attrs is not None else current.attrs)
        secret = _password(None, password_stdin, required=True) if (password or password_stdin) else None
        db.users.update(name, role=role, attrs=attrs, password=secret, disabled=disable)
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] user {name} updated")


@users_app.command("list")
def users_list(as_json: bool = typer.Option(False, "--json")):
    """列出用户 / list users."""
    accounts = _db().users.all()
    if as_json:
        print(json.dumps([a.__dict__ for a in accounts], ensure_ascii=False))
        return
    table = Table("name", "display name", "role", "attributes", "status")
    for a in accounts:
        table.add_row(a.name, a.display_name, a.role, json.dumps(a.attrs, ensure_ascii=False),
                      "disabled" if a.disabled else "active")
    console.print(table)


@users_app.command("token")
def users_token(name: str = typer.Argument(...), label: str = typer.Option("", "--label")):
    """签发 API 令牌 / issue an API token for a user (printed once; only a digest is stored)."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import fail

    try:
        token = _db().users.issue_token(name, label)
    except AppDBError as exc:
        fail(str(exc))
    print(token)
    console.print("[yellow]Store this token now; ChatBI keeps only its digest.[/]")


@users_app.command("revoke")
def users_revoke(name: str = typer.Argument(...)):
    """吊销令牌 / revoke all of a user's API tokens."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import fail

    try:
        n = _db().users.revoke_tokens(name)
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] {n} token(s) revoked")


def parse_since(text: str) -> dt.datetime:
    """2026-11-01, 2026-11-01T08:00, or a span back from now: 30m, 12h, 7d."""
    from chatbi.cli_common import fail

    span = re.fullmatch(r"(\d+)\s*([mhd])", text.strip())
    if span:
        unit = {"m": "minutes", "h": "hours", "d": "days"}[span.group(2)]
        return dt.datetime.now(dt.UTC) - dt.timedelta(**{unit: int(span.group(1))})
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        fail(f"--since {text!r} is not a date, a date-time or a span like 12h / 7d.", 2)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def audit_command(
    since: str = typer.Option("7d", "--since", help="date, date-time, or span back from now (30m, 12h, 7d)"),
    user: str = typer.Option(None, "--user"),
    kind: list[str] = typer.Option([], "--kind", help="ask, pick, run, sql, draft, dashboard"),
    limit: int = typer.Option(1000, "--limit"),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per line"),
):
    """审计日志 / the audit trail: who asked or ran what, how it was answered, how long it took."""
    rows = _db().audit.list(since=parse_since(since), user=user, kinds=kind or None, limit=limit)
    if as_json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False, default=str))
        return
    table = Table("id", "time (UTC)", "user", "role", "kind", "path", "status", "rows", "ms", "question / SQL")
    for r in rows:
        text = r["question"] or r["sql"]
        table.add_row(str(r["id"]), str(r["ts"])[:19], r["user_name"], r["role"], r["kind"], r["path"], r["status"],
                      "" if r["row_count"] is None else str(r["row_count"]), f"{r['latency_ms']:.0f}",
                      text[:60] + ("…" if len(text) > 60 else ""))
    console.print(table)


@review_app.command("list")
def review_list(days: int = typer.Option(90, "--days"), min_count: int = typer.Option(1, "--min-count"),
                as_json: bool = typer.Option(False, "--json")):
    """待审 / 👎 answers, refused questions (catalog gaps) and clarifications, grouped and counted."""
    items = _db().review.items(days=days, min_count=min_count)
    if as_json:
        print(json.dumps([i.__dict__ for i in items], ensure_ascii=False, default=str))
        return
    table = Table("kind", "count", "users", "question", "latest answer", "reasons / comments")
    for i in items:
        table.add_row(i.kind, str(i.count), str(i.users), i.question, str(i.event_id),
                      "; ".join(i.reasons + i.comments)[:60])
    console.print(table)


@review_app.command("resolve")
def review_resolve(key: str = typer.Argument(..., help="the item key, e.g. refused:上月的终端库存"),
                   resolution: str = typer.Option("dismissed", "--as", help="dismissed or catalog"),
                   user: str = typer.Option(..., "--user", help="the analyst resolving it"),
                   note: str = typer.Option("", "--note")):
    """处理待审项 / mark a review item dismissed or sent to the catalog owners."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_common import fail

    try:
        _db().review.resolve(key, resolution, user, note)
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] {key} → {resolution}")


@verified_app.command("list")
def verified_list(all_: bool = typer.Option(False, "--all", help="include retired answers"),
                  as_json: bool = typer.Option(False, "--json")):
    """已验证答案 / list verified answers."""
    rows = _db().verified.rows(include_retired=all_)
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, default=str))
        return
    table = Table("id", "question", "kind", "period", "by", "saved", "active")
    for r in rows:
        table.add_row(str(r["id"]), r["question"], "SQL" if r["sql"] else "interpretation", r["time_mode"],
                      r["created_by"], str(r["created_at"])[:16], "yes" if r["active"] else "retired")
    console.print(table)


@verified_app.command("add")
def verified_add(
    question: str = typer.Argument(...),
    user: str = typer.Option(..., "--user", help="the analyst approving it"),
    interpretation: str = typer.Option(None, "--interpretation", help="a SemanticQuery as JSON"),
    sql: str = typer.Option(None, "--sql", help="a SELECT statement"),
    note: str = typer.Option("", "--note"),
):
    """保存已验证答案 / save an analyst-approved interpretation or SQL for a question."""
    from pydantic import ValidationError

    from chatbi.appdb import AppDBError
    from chatbi.cli_ask import open_service
    from chatbi.cli_common import fail
    from semantic_layer import SemanticQuery

    service = open_service(None, None, use_model=False)
    try:
        query = SemanticQuery.model_validate_json(interpretation) if interpretation else None
        account = service.db.users.get(user)
        new_id = service.verify(question, account, interpretation=query, sql=sql or "", note=note)
    except ValidationError as exc:
        fail(f"--interpretation is not a valid query: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}.", 2)
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] verified answer {new_id}")


@verified_app.command("retire")
def verified_retire(verified_id: int = typer.Argument(...), user: str = typer.Option(..., "--user")):
    """停用已验证答案 / stop reusing a verified answer (kept for the audit trail)."""
    from chatbi.appdb import AppDBError
    from chatbi.cli_ask import open_service
    from chatbi.cli_common import fail

    service = open_service(None, None, use_model=False)
    try:
        service.retire(verified_id, service.db.users.get(user))
    except AppDBError as exc:
        fail(str(exc))
    console.print(f"[green]✓[/] verified answer {verified_id} retired")


def serve_api_command(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8600, "--port"),
                      no_model: bool = typer.Option(False, "--no-model", help="rules only")):
    """HTTP API / serve the JSON API (OpenAPI at /docs and /openapi.json)."""
    import uvicorn

    from chatbi.api import create_app
    from chatbi.cli_ask import open_service

    service = open_service(None, None, use_model=not no_model)
    if not no_model:
        service.bi.warm()
    uvicorn.run(create_app(service), host=host, port=port, log_level="info")
