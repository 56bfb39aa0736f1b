"""Alembic migrations for the metadata database (run at start-up by `cerulean.db.migrate`)."""
