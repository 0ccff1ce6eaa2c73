"""Conversation history per user (the chat as it was left, back after signing in again); one
rating per person and answer (earlier duplicates — a 👎 and its comment — merged into the latest).

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "chat_turns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("conversation", sa.Integer(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_chat_turns_user_name", "chat_turns", ["user_name"])
    op.execute("DELETE FROM feedback WHERE id NOT IN (SELECT max(id) FROM feedback GROUP BY event_id, user_name)")
    op.create_index("ux_feedback_event_user", "feedback", ["event_id", "user_name"], unique=True)


def downgrade() -> None:
    op.drop_index("ux_feedback_event_user", table_name="feedback")
    op.drop_index("ix_chat_turns_user_name", table_name="chat_turns")
    op.drop_table("chat_turns")
