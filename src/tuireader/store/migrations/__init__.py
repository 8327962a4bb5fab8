"""Alembic migrations of the library schema (one history for every engine)."""
