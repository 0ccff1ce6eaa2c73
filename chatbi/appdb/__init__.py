"""The application database: users, feedback, verified answers, dashboards and the audit trail.

    db = AppDB.open("sqlite:///data/chatbi-app.sqlite")   # migrated to the current schema
    db.users.add("li", role="analyst", password="…")

SQLite (WAL, full sync: a commit survives a killed process) by default; any SQLAlchemy URL
(PostgreSQL tested) when several app servers share one. Separate from the warehouse, which
ChatBI only reads.
"""

from chatbi.appdb.engine import AppDB, AppDBError

__all__ = ["AppDB", "AppDBError"]
