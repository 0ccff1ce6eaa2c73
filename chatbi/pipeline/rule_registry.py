"""Time rules are registered by a decorator, in the order they are written (the first match wins)."""

from __future__ import annotations


def rules_into(patterns: list[tuple[str, callable]]):
    """A decorator registering a rule function under its pattern, in ``patterns``."""
    def rule(pattern: str):
        def register(fn):
            patterns.append((pattern, fn))
            return fn
        return register
    return rule
