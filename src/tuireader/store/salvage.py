"""Looking at a damaged library without changing it, and copying out what can be read.

Every function here opens the damaged file read-only (``mode=ro``); nothing
ever writes to it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tuireader.store.db import StoreError
from tuireader.store.models import SCHEMA_TABLES

__all__ = ["check_file", "find_backups", "salvage"]

_READ_ROWS = 500
"""Rows read at a time from an undamaged stretch of a table."""
_STEP_LIMIT = 1 << 40
"""Past this rowid a damaged table is given up."""


def _open_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def check_file(path: Path) -> str:
    """``ok``, or a one-line description of what is wrong with the SQLite file *path*."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        return f"cannot read: {exc.strerror}"
    if head != b"SQLite format 3\x00":
        return "not a SQLite database (its first bytes are wrong)"
    try:
        con = _open_ro(path)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check(5)")]
        finally:
            con.close()
    except sqlite3.Error as exc:
        return f"damaged: {exc}"
    return "ok" if rows == ["ok"] else "damaged: " + "; ".join(rows)


def find_backups(path: Path) -> list[Path]:
    """Backups beside *path*, newest first: upgrade copies and ``tuireader db backup`` files."""
    found = set(path.parent.glob(f"{path.name}.*.bak"))
    found |= set(path.parent.glob(f"{path.stem}-backup-*.db"))
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def _readable_rows(con: sqlite3.Connection, table: str, columns: list[str]):  # type: ignore[no-untyped-def]
    """Yield the rows of *table* that can be read, stepping over damaged pages.

    Rows are read in rowid order, up to 500 at a time.  A read that fails is
    tried again with fewer rows, down to one, so every row before a damaged
    page is kept; past it, the reading jumps ahead in rowids, further each time,
    until it works again.
    """
    cols = ", ".join(f'"{c}"' for c in columns)
    after = -(1 << 62)
    step = 1
    limit = _READ_ROWS
    while after < _STEP_LIMIT:
        try:
            rows = con.execute(
                f'SELECT rowid, {cols} FROM "{table}" WHERE rowid > ? ORDER BY rowid LIMIT ?',
                (after, limit),
            ).fetchall()
        except sqlite3.DatabaseError:
            if limit > 1:
                limit = max(1, limit // 8)  # read up to the damage in smaller steps
                continue
            after = max(after, 0) + step
            step *= 4
            continue
        if not rows:
            return
        step = 1
        limit = min(_READ_ROWS, limit * 2)
        after = rows[-1][0]
        for row in rows:
            yield row[1:]


def salvage(damaged: Path, target: Path) -> dict[str, int]:
    """Copy every readable row of *damaged* into a new library at *target*; return counts.

    Rows that refer to rows lost with the damage (a comment whose article is
    gone) are left out; the comment and note counts are recomputed and the
    search index is built from what was copied.
    """
    from tuireader.store.library import Library

    if check_file(damaged).startswith("not a SQLite"):
        raise StoreError(f"{damaged} is not a SQLite database: nothing can be read from it")
    Library.open(f"sqlite:///{target}").close()
    src = _open_ro(damaged)
    dst = sqlite3.connect(target)
    counts: dict[str, int] = {}
    try:
        dst.execute("PRAGMA foreign_keys = ON")
        for table in SCHEMA_TABLES:
            columns = [r[1] for r in dst.execute(f'PRAGMA table_info("{table}")')]
            try:
                have = {r[1] for r in src.execute(f'PRAGMA table_info("{table}")')}
            except sqlite3.DatabaseError:
                have = set()
            shared = [c for c in columns if c in have]
            counts[table] = 0
            if not shared:
                continue
            marks = ", ".join("?" for _ in shared)
            insert = f'INSERT OR IGNORE INTO "{table}" ({", ".join(shared)}) VALUES ({marks})'
            with dst:
                for row in _readable_rows(src, table, shared):
                    try:
                        counts[table] += dst.execute(insert, row).rowcount
                    except sqlite3.IntegrityError:
                        continue
        with dst:
            dst.execute(
                "UPDATE article SET comment_count ="
                " (SELECT count(*) FROM comment c WHERE c.article_id = article.id),"
                " note_count = (SELECT count(*) FROM note n WHERE n.article_id = article.id)"
            )
    finally:
        src.close()
        dst.close()
    return counts
