"""What every `chatbi` sub-command shares: the console, failing with advice, the settings in force.
Kept apart from cli.py so the sub-command modules never import the module that registers them."""

from __future__ import annotations

import typer
from rich.console import Console

from chatbi.config import ConfigError, Settings, load_settings

console = Console(stderr=True)
_state: dict[str, str | None] = {"config": None}  # --config, set by the top-level callback


def fail(message: str, code: int = 1) -> None:
    console.print(f"[bold red]错误 / error:[/] {message}")
    raise typer.Exit(code)


def settings() -> Settings:
    try:
        return load_settings(_state["config"])
    except ConfigError as exc:
        fail(str(exc))
        raise  # unreachable; keeps type checkers calm
