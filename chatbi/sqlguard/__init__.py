"""One guard for every SQL statement ChatBI runs (compiled, typed by an analyst, or drafted)."""

from chatbi.sqlguard.guard import GuardedSQL, SqlGuard, SqlRejected

__all__ = ["GuardedSQL", "SqlGuard", "SqlRejected"]
