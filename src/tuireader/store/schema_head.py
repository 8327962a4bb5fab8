"""The newest schema revision, read from the migration scripts without importing Alembic.

Alembic costs ~12 MB and a quarter of a second of imports; opening a library
that is already at the newest schema needs only the revision id, which every
script states on its ``revision`` and ``down_revision`` lines.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

__all__ = ["MIGRATIONS", "quick_head_revision"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
"""The Alembic script directory."""

_REVISION_LINE = re.compile(
    r"^(down_revision|revision)\s*(?::[^=]*)?=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.MULTILINE
)


@cache  # the first page's reader and the schema check both ask at every start
def quick_head_revision() -> str | None:
    """The head revision read from the scripts' ``revision`` lines, without Alembic.

    None when the scripts do not name exactly one head (the caller then asks
    Alembic); ``tests/test_migrations.py`` ties it to Alembic's
    (:func:`tuireader.store.migrate.head_revision`).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS / "versions").glob("*.py"):
        found = dict((m[0], m[1]) for m in _REVISION_LINE.findall(script.read_text("utf-8")))
        if "revision" not in found or "down_revision" not in found:
            return None
        revisions.add(found["revision"])
        if found["down_revision"]:
            parents.add(found["down_revision"])
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None
