"""What every store of the application database shares, kept apart so stores never import the engine."""

from __future__ import annotations

import datetime as dt


class AppDBError(Exception):
    """The application database cannot be used; the message says what to do."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
