"""`chatbi catalog gaps`: what people asked that the catalog could not answer, as proposed additions;
accepting one writes it into the catalog and asks its questions again to show the effect."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from chatbi.cli_catalog import _fail, catalog_app, console


@catalog_app.command("gaps")
def gaps_command(
    catalog: Path = typer.Option(None, "--catalog", "-c", help="the catalog file (default: the configured one)"),
    database: str = typer.Option(None, "--database", help="warehouse (default: the configured one)"),
    days: int = typer.Option(90, "--days", help="look at questions of the last N days"),
    accept: str = typer.Option(None, "--accept", help="numbers of the proposals to accept, e.g. 1,3"),
    nearest: bool = typer.Option(True, "--nearest/--no-nearest",
                                 help="propose the nearest metric by meaning when nobody picked one"),
):
    """指标缺口 / refused and clarified questions grouped into proposed catalog additions."""
    from chatbi.cli_app import _db
    from chatbi.cli_common import settings
    from chatbi.core import ChatBI
    from chatbi.gaps import GapFinder, apply
    from metric_catalog.catalog_file import EditError

    path = catalog or Path(settings().catalog)
    bi = ChatBI.from_config(catalog=path, database=database, use_model=False)
    items = _db().review.items(days=days, kinds=("refused", "clarify"))
    rank = (lambda q: bi.index.rank(q, top=1)) if nearest else None
    with console.status(f"reading {len(items)} refused and clarified questions…"):
        gaps = GapFinder(bi, rank).find(items)
    if not gaps:
        console.print(f"[green]✓[/] no refused or clarified questions in the last {days} days point at a gap.")
        return
    if not accept:
        _show(gaps)
        console.print("accept: chatbi catalog gaps --accept N[,N…] (written to the catalog, then re-asked)")
        return
    try:
        chosen = [gaps[int(n) - 1] for n in accept.split(",") if n.strip()]
    except (ValueError, IndexError):
        _fail(f"--accept {accept!r}: give numbers from 1 to {len(gaps)} as listed by `chatbi catalog gaps`.")
    before = {q: bi.ask(q).status for g in chosen for q in g.questions}
    for gap in chosen:
        try:
            apply(path, gap)
        except EditError as exc:
            _fail(f"{gap.summary()}: {exc}")
        console.print(f"[green]✓[/] {path}: {gap.summary()}")
    after_bi = ChatBI.from_config(catalog=path, database=database, use_model=False)
    table = Table("question", "before", "after", "answer")
    for question, status in before.items():
        answer = after_bi.ask(question)
        table.add_row(question, status, answer.status, answer.text("zh" if _is_zh(question) else "en")[:80])
    console.print(table)


def _is_zh(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _show(gaps) -> None:
    table = Table("#", "proposal", "asked", "questions", "evidence", show_lines=True)
    for n, gap in enumerate(gaps, 1):
        more = f" (+{len(gap.questions) - 2})" if len(gap.questions) > 2 else ""
        table.add_row(str(n), gap.summary(), str(gap.asks), "\n".join(gap.questions[:2]) + more, gap.evidence)
    console.print(table)
