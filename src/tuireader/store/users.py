"""Who is reading: the current user, and where each user's reading state is kept.

A library can be shared (one PostgreSQL database read by a household or a
team, or one SQLite file on a shared machine).  Every note has an ``owner``;
read/starred/archived, the reading position and the last opening are per user.

Where the state lives — the single-user fast path:

* The library's **primary user** (recorded in ``library_meta`` by migration
  0004: the user who ran it, i.e. who owned the library until then) keeps their
  state in the article's own columns, as before.  Their list filters use the
  article indexes (``ix_article_unread`` and friends), so a one-person library
  pages exactly as fast as it did before users existed.
* Every other user's state is a row of ``user_state`` (``username``,
  ``article_id``), written only when it differs from the default (unread, not
  starred, not archived, position 0).  A missing row is the default state.

The queries and :class:`~tuireader.store.library.Library` hide this: they take
``user=None`` (meaning :func:`current_user`) and pick the right place.

Why not ``user_state`` for everyone: a second user's ``unread`` view is an
anti-join (probe ``user_state`` for each article read in list order), which at
100,000 articles costs up to ~100 ms on SQLite when nearly everything is read,
against well under 1 ms for the primary user's index range.  Measured with
``benchmarks/pg_compare.py`` at 100,000 articles, a list page for either kind
of user now takes about 3–25 ms on SQLite and 10–25 ms on PostgreSQL (see
:mod:`tuireader.store.userstate` for the query shapes).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from tuireader.store.db import Database, StoreError, describe_db_error
from tuireader.store.whoami import MAX_USER_CHARS, PRIMARY_USER_KEY, current_user
from tuireader.text import safe_line

__all__ = [
    "current_user",
    "resolve_user",
    "Reader",
    "reader_for",
    "primary_user",
    "set_primary_user",
    "PRIMARY_USER_KEY",
    "MAX_USER_CHARS",
]

_UNSET = object()
_primary_cache: weakref.WeakKeyDictionary[Database, str | None] = weakref.WeakKeyDictionary()


def resolve_user(user: str | None) -> str:
    """*user* cleaned to one safe line, or :func:`current_user` for None."""
    if user is None:
        return current_user()
    name = safe_line(user)[:MAX_USER_CHARS]
    if not name:
        raise StoreError("a user name cannot be empty")
    return name


def primary_user(db: Database) -> str | None:
    """The user whose state is in the article columns (cached per :class:`Database`).

    None for a library without ``library_meta`` (made before users existed):
    there, every user reads and writes the article columns.
    """
    cached = _primary_cache.get(db, _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    from tuireader.store.models import LibraryMeta

    try:
        with db.session() as s:
            value = s.execute(
                select(LibraryMeta.value).where(LibraryMeta.key == PRIMARY_USER_KEY)
            ).scalar()
    except SQLAlchemyError as exc:
        if "library_meta" not in str(exc):  # anything but "no such table" is a real error
            raise StoreError(describe_db_error(exc, db)) from exc
        value = None
    _primary_cache[db] = value
    return value


def set_primary_user(db: Database, name: str) -> None:
    """Record *name* as the primary user (only sensible while no other user has state)."""
    from tuireader.store.models import LibraryMeta

    with db.transaction() as s:
        row = s.get(LibraryMeta, PRIMARY_USER_KEY)
        if row is None:
            s.add(LibraryMeta(key=PRIMARY_USER_KEY, value=name))
        else:
            row.value = name
    _primary_cache[db] = name


def forget_primary_user(db: Database) -> None:
    """Drop the cached primary user (after another process may have changed it)."""
    _primary_cache.pop(db, None)


@dataclass(frozen=True, slots=True)
class Reader:
    """A user of one library: their name, and whether their state is in the article columns."""

    name: str
    primary: bool


def reader_for(db: Database, user: str | None = None) -> Reader:
    """The :class:`Reader` for *user* (None: the current user) on *db*."""
    name = resolve_user(user)
    primary = primary_user(db)
    return Reader(name=name, primary=primary is None or primary == name)
