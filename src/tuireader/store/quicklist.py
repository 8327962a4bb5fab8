"""The list's first page, read with the standard library's ``sqlite3`` before the store loads.

Importing the store (SQLAlchemy, SQLModel, pydantic) takes about 0.6 s of CPU;
the app's first screen needs only the newest rows and the article count.  This
module reads them with plain SQL on a read-only connection, in the common case
only: a SQLite file at the newest schema, read by its primary user (whose
state is in the article columns, see :mod:`tuireader.store.users`), listed in
the default order (every article, newest first).  Anything else gives None and
the app waits for the store as before.  The SQL is what
:func:`tuireader.store.queries.list_page` and ``count_articles`` run for that
case; ``tests/test_quicklist.py`` checks that both give the same rows.
"""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tuireader.store.schema_head import quick_head_revision
from tuireader.store.views import ArticleSummary
from tuireader.store.whoami import PRIMARY_USER_KEY, current_user

__all__ = ["FirstPage", "first_page", "read_in_background", "sqlite_file"]

_PAGE_SQL = """
SELECT a.id, a.title, a.site, a.sort_date, a.comment_count,
       (SELECT count(*) FROM note AS vn
         WHERE vn.article_id = a.id AND (vn.owner = ? OR vn.shared IS 1 OR vn.owner = '')),
       a.read, a.starred, a.archived, a.pending
  FROM article AS a
 ORDER BY a.sort_date DESC, a.id DESC
 LIMIT ?
"""


@dataclass(frozen=True, slots=True)
class FirstPage:
    """The article count and the first rows of the default list."""

    total: int
    rows: list[ArticleSummary]


def sqlite_file(url: str) -> Path | None:
    """The existing file of a plain ``sqlite:///PATH`` URL, else None."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix) :]
    if not rest or rest == ":memory:" or any(c in rest for c in "?%"):
        return None
    path = Path(rest)
    return path if path.is_file() else None


def _utc(value: object) -> datetime:
    """A stored timestamp (naive UTC text on SQLite) as an aware UTC datetime."""
    if not isinstance(value, str):
        raise ValueError(f"unexpected timestamp {value!r}")
    stamp = datetime.fromisoformat(value)
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _read(con: sqlite3.Connection, head: str, limit: int) -> FirstPage | None:
    if con.execute("SELECT version_num FROM alembic_version").fetchall() != [(head,)]:
        return None
    user = current_user()
    found = con.execute(
        "SELECT value FROM library_meta WHERE key = ?", (PRIMARY_USER_KEY,)
    ).fetchone()
    if found is not None and found[0] != user:
        return None  # another user's state is in user_state: the store's queries handle it
    total = int(con.execute("SELECT count(*) FROM article").fetchone()[0])
    rows = [
        ArticleSummary(
            id=r[0],
            title=r[1],
            site=r[2],
            sort_date=_utc(r[3]),
            comment_count=r[4],
            note_count=r[5],
            read=bool(r[6]),
            starred=bool(r[7]),
            archived=bool(r[8]),
            pending=bool(r[9]),
        )
        for r in con.execute(_PAGE_SQL, (user, limit))
    ]
    return FirstPage(total, rows)


def first_page(url: str, limit: int = 100) -> FirstPage | None:
    """The count and first *limit* rows of the library at *url*, or None (see the module doc).

    Never writes: the file is opened read-only, and any error gives None (the
    store then opens the library and reports what is wrong).
    """
    path = sqlite_file(url)
    head = quick_head_revision() if path is not None else None
    if path is None or head is None:
        return None
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
    except sqlite3.Error:
        return None
    try:
        return _read(con, head, limit)
    except (sqlite3.Error, ValueError, TypeError):
        return None
    finally:
        con.close()


def read_in_background(url: str, limit: int = 100) -> Future[FirstPage | None]:
    """Start :func:`first_page` in a daemon thread (it overlaps the app's own start-up)."""
    future: Future[FirstPage | None] = Future()

    def run() -> None:
        try:
            future.set_result(first_page(url, limit))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever reads the future
            future.set_exception(exc)

    threading.Thread(target=run, name="tuireader-first-page", daemon=True).start()
    return future
