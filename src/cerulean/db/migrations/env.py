"""Alembic environment: runs on the connection `cerulean.db.migrate` passes in."""

from __future__ import annotations

from alembic import context

from cerulean.db.tables import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through cerulean.db.migrate, which supplies a connection")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
