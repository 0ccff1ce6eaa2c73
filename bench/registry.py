"""Benchmark sections register here (kept apart from bench.run, which runs as __main__)."""

from __future__ import annotations

from collections.abc import Callable

SECTIONS: dict[str, Callable[[], tuple[dict, str]]] = {}


def section(name: str):
    def register(fn):
        SECTIONS[name] = fn
        return fn
    return register
