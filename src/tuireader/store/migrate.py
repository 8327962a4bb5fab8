"""Open a library at the current schema: create it, upgrade it, or refuse it.

An older library is copied to a backup file beside it before the upgrade, and
the upgrade runs in one transaction.  A library made by a newer tuireader is
refused with a clear message, never touched.

Alembic is imported only when a library needs work (a new, older or foreign
one): a library already at the newest schema is recognised by reading its
``alembic_version`` row and the ``revision`` lines of the migration scripts,
which keeps ~12 MB and a quarter of a second of imports out of every start.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from tuireader.store.db import Database, StoreError, describe_db_error
from tuireader.store.schema_head import MIGRATIONS as _MIGRATIONS
from tuireader.store.schema_head import quick_head_revision

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Connection

__all__ = ["MigrationResult", "migrate", "alembic_config", "head_revision", "backup_sqlite"]


def alembic_config(db: Database) -> Config:
    """An Alembic config that points at the packaged migrations."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head_revision() -> str:
    """The newest schema revision this version of tuireader knows."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(_MIGRATIONS))
    heads = script.get_heads()
    return heads[0]


def _at_revision(conn: Connection, revision: str) -> bool:
    """True when the library's ``alembic_version`` holds *revision* and nothing else."""
    if not inspect(conn).has_table("alembic_version"):
        return False
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return [tuple(row) for row in rows] == [(revision,)]


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """What :func:`migrate` did."""

    before: str | None
    after: str
    backup: Path | None = None
    created: bool = False


def backup_sqlite(src: Path, dest: Path) -> Path:
    """Copy a live SQLite library to *dest* with SQLite's online backup."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        target = sqlite3.connect(dest)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
    return dest


def migrate(db: Database, *, target: str = "head") -> MigrationResult:
    """Bring *db* to the *target* schema (default: the newest).

    Raises :class:`StoreError` for a newer, foreign or unreadable database.
    """
    db.check_location()
    quick_head = quick_head_revision() if target == "head" else target
    try:
        with db.engine.connect() as conn:
            if quick_head is not None and _at_revision(conn, quick_head):
                return MigrationResult(before=quick_head, after=quick_head)
            from alembic.runtime.migration import MigrationContext

            current = MigrationContext.configure(conn).get_current_revision()
            tables = set(inspect(conn).get_table_names())
    except SQLAlchemyError as exc:
        raise StoreError(describe_db_error(exc, db)) from exc
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(_MIGRATIONS))
    head = script.get_heads()[0] if target == "head" else target
    if current == head:
        return MigrationResult(before=current, after=head)
    if current is None and tables - {"alembic_version"}:
        raise StoreError(
            f"{db.display_url} holds tables but is not a tuireader library; refusing to change it"
        )
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"{db.display_url} was made by a newer tuireader (schema {current}); "
            "upgrade tuireader to open it"
        )
    if db.read_only:
        raise StoreError(
            f"{db.display_url} is read-only and needs an upgrade to schema {head}: "
            "make it writable, or open it with the tuireader that made it"
        )
    backup = None
    if current is not None and db.path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = backup_sqlite(db.path, db.path.with_name(f"{db.path.name}.{current}-{stamp}.bak"))
    cfg = alembic_config(db)
    try:
        with db.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, head)
    except SQLAlchemyError as exc:
        raise StoreError(describe_db_error(exc, db)) from exc
    return MigrationResult(before=current, after=head, backup=backup, created=current is None)
