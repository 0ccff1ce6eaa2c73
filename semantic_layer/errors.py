"""Errors a query can hit. Each carries a stable code and a message in Chinese and English."""

from __future__ import annotations


class SemanticError(Exception):
    code = "invalid_query"

    def __init__(self, zh: str, en: str, **details):
        self.zh = zh
        self.en = en
        self.details = details
        super().__init__(f"{en} / {zh}")

    def message(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en


class UnknownName(SemanticError):
    code = "unknown_name"


class NotAllowed(SemanticError):
    """The combination is meaningless for the metric (dimension not reachable, grain too fine…)."""
    code = "not_allowed"


class AccessDenied(SemanticError):
    code = "access_denied"


class NoData(SemanticError):
    """The requested period lies outside what the data covers."""
    code = "no_data"
