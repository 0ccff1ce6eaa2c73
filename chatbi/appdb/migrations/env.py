"""Alembic environment: ChatBI runs migrations itself (AppDB.open), handing over its connection."""

from alembic import context

from chatbi.appdb.schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
