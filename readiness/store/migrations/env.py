"""Alembic environment: migrations run on the connection ``db.migrate`` hands over."""

from alembic import context
from sqlalchemy import text

from readiness.store.db import PG_MIGRATION_LOCK
from readiness.store.models import SQLModel

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=True,  # SQLite alters tables by copying them
    compare_type=True,
)
with context.begin_transaction():
    if connection.dialect.name == "postgresql":
        # Two officials' first commands on a new shared database must not both create tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
    context.run_migrations()
