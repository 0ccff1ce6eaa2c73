"""`chatbi catalog review`: accept, edit or reject what `chatbi catalog draft` proposed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from chatbi.cli_catalog import _fail, catalog_app, console
from metric_catalog.describe import describe

if TYPE_CHECKING:  # the round-trip YAML library loads only when a review command runs
    from metric_catalog.catalog_file import CatalogFile


def _refs(text: str | None) -> list[str]:
    return [r.strip() for r in (text or "").split(",") if r.strip()]


@catalog_app.command("review")
def review_command(
    catalog: Path = typer.Option(..., "--catalog", "-c", help="the drafted catalog file"),
    accept: str = typer.Option(None, "--accept", help="items to accept: metric:ID,dimension:ID,… or all"),
    reject: str = typer.Option(None, "--reject", help="items to remove (comma-separated)"),
    set_: list[str] = typer.Option(None, "--set", help="edit before accepting: ITEM.FIELD=VALUE, e.g. "
                                   "metric:total_sales.name.zh=销售额 (repeatable)"),
    cascade: bool = typer.Option(False, "--cascade", help="rejecting an item also rejects what refers to it"),
    interactive: bool = typer.Option(False, "--interactive", "-i", help="go through the drafts one by one"),
):
    """审阅草稿 / list drafts; accept, edit or reject them. The file is written only when the result is valid."""
    from metric_catalog.catalog_file import CatalogFile, EditError

    try:
        doc = CatalogFile(catalog)
        if interactive:
            _interactive(doc, cascade)
        else:
            changed = _apply(doc, accept, reject, set_ or [], cascade)
            if changed:
                doc.save()
                console.print(f"[green]✓[/] {catalog}: {changed}")
    except EditError as exc:
        _fail(str(exc))
    _list(doc)


def _apply(doc: CatalogFile, accept: str | None, reject: str | None, sets: list[str], cascade: bool) -> str:
    from metric_catalog.catalog_file import EditError

    done = []
    for edit in sets:
        target, eq, value = edit.partition("=")
        ref, _, field = target.partition(".")
        if not eq or not field:
            raise EditError(f"--set {edit!r}: write ITEM.FIELD=VALUE, e.g. metric:total_sales.name.zh=销售额")
        doc.set(doc.find(ref), field, value)
        done.append(f"set {target}")
    removed = [r for ref in _refs(reject) for r in doc.reject(doc.find(ref), cascade)]
    if removed:
        done.append(f"rejected {', '.join(r.ref for r in removed)}")
    chosen = doc.drafts() if (accept or "").strip() == "all" else [doc.find(r) for r in _refs(accept)]
    for item in chosen:
        doc.accept(item)
    if chosen:
        done.append(f"accepted {len(chosen)}")
    return "; ".join(done)


def _list(doc: CatalogFile) -> None:
    drafts = doc.drafts()
    if not drafts:
        console.print(f"[green]✓[/] {doc.path}: no drafts left. Next: chatbi catalog validate --catalog {doc.path}")
        return
    table = Table(title=f"{len(drafts)} drafts in {doc.path}", show_lines=False)
    for column in ("item", "what it would do"):
        table.add_column(column, overflow="fold")
    for item in drafts:
        table.add_row(item.ref, describe(doc.spec(item), item))
    console.print(table)
    console.print("accept: --accept ITEM[,ITEM…] or --accept all · edit: --set ITEM.FIELD=VALUE · "
                  "remove: --reject ITEM · one by one: -i")


def _interactive(doc: CatalogFile, cascade: bool) -> None:
    """Each draft: [a]ccept, [e]dit FIELD=VALUE then accept, [r]eject, [s]kip, [q]uit (and save)."""
    from metric_catalog.catalog_file import EditError

    for item in doc.drafts():
        if item.id not in doc.doc[item.section]:
            continue  # removed with an earlier rejection
        console.print(f"\n[bold]{item.ref}[/]  {describe(doc.spec(item), item)}")
        while True:
            choice = typer.prompt("[a]ccept [e]dit [r]eject [s]kip [q]uit", default="s").strip().lower()
            try:
                if choice == "a":
                    doc.accept(item)
                elif choice == "e":
                    field, eq, value = typer.prompt("FIELD=VALUE (e.g. name.zh=销售额)").partition("=")
                    if not eq:
                        raise EditError("write FIELD=VALUE")
                    doc.try_set(item, field.strip(), value)
                    console.print(f"  {describe(doc.spec(item), item)}")
                    continue
                elif choice == "r":
                    doc.reject(item, cascade)
                elif choice == "q":
                    break
                elif choice != "s":
                    continue
                break
            except EditError as exc:
                console.print(f"[red]{exc}[/]")
        if choice == "q":
            break
    doc.save()
    console.print(f"[green]✓[/] saved {doc.path}")
