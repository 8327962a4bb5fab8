"""Alembic environment: runs on the connection tuireader hands over.

Batch mode (``render_as_batch``) lets later migrations alter SQLite tables.
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import tuireader.store.models  # noqa: F401  (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    """Run the migrations on the connection in ``config.attributes['connection']``."""
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():  # pragma: no cover - not used
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
