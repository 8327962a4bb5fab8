"""SQL for per-user state and note visibility (see :mod:`tuireader.store.users`).

For the primary user every expression is the article column itself, so the
list's filters stay range scans of the article indexes.  For another user:

* row markers are correlated lookups of ``user_state``'s primary key, made
  for the page's rows only (an outer join made SQLite build a Bloom filter
  over all of the user's rows for every page);
* ``unread`` and ``inbox`` are anti-joins (``NOT EXISTS``) probing the
  primary key while the article index is read in list order;
* ``starred`` and ``archived`` are driven from ``user_state``'s
  ``(username, flag)`` index (``id IN (...)``, then sorted) while the user has
  few such articles (:data:`DRIVE_LIMIT`), else probed like ``unread``.

A note is visible to a user when they own it, when it is shared, or when it
has no owner ('' — written by a tool that does not know users).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, event, exists, false, func, or_, select
from sqlalchemy.orm import Session

from tuireader.store.models import Article, Note, UserState
from tuireader.store.users import Reader, current_user

__all__ = [
    "FLAGS",
    "StateColumns",
    "state_columns",
    "view_filter",
    "flag_count",
    "drives_from_state",
    "DRIVE_LIMIT",
    "note_visible",
    "visible_note_count",
    "state_sql",
    "note_visible_sql",
    "upsert_state",
    "insert_or_ignore",
    "SESSION_USER_KEY",
]

FLAGS = ("read", "starred", "archived")
SESSION_USER_KEY = "tuireader.user"
"""``Session.info`` key: the user whose notes a session creates (see :func:`_own_new_notes`)."""


# Core aliases made once: building ORM aliases for every page cost more than the query.
_ARTICLE: Any = Article.__table__  # type: ignore[attr-defined]
_STATE_ALIASES: dict[str, Any] = {
    name: UserState.__table__.alias(f"us_{name}")  # type: ignore[attr-defined]
    for name in ("read", "starred", "archived", "reading_position", "last_opened")
}
_VISIBLE_NOTE: Any = Note.__table__.alias("vn")  # type: ignore[attr-defined]

DRIVE_LIMIT = 2000
"""Up to this many starred (or archived) articles, a second user's view starts from them."""


class StateColumns:
    """The reading-state columns of one user, as expressions over ``article``."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def join(self, stmt: Any) -> Any:
        """*stmt* with whatever join the expressions need (none: they are correlated lookups)."""
        return stmt

    def column(self, name: str) -> Any:
        """``read``, ``starred``, ``archived``, ``reading_position`` or ``last_opened``."""
        if self.reader.primary:
            return getattr(Article, name)
        us = _STATE_ALIASES[name]
        col = (
            select(us.c[name])
            .where(us.c.username == self.reader.name, us.c.article_id == _ARTICLE.c.id)
            .correlate(_ARTICLE)
            .scalar_subquery()
        )
        if name in FLAGS:
            return func.coalesce(col, false())
        if name == "reading_position":
            return func.coalesce(col, 0)
        return col


def state_columns(reader: Reader) -> StateColumns:
    """The :class:`StateColumns` of *reader*."""
    return StateColumns(reader)


def _has_state(reader: Reader, flag: str) -> Any:
    return and_(
        UserState.username == reader.name,
        UserState.article_id == Article.id,
        getattr(UserState, flag).is_(True),
    )


def flag_count(s: Session, reader: Reader, flag: str) -> int:
    """How many articles have *flag* set for a user other than the primary (index only)."""
    stmt = select(func.count()).where(
        UserState.username == reader.name, getattr(UserState, flag).is_(True)
    )
    return int(s.execute(stmt).scalar_one())


def drives_from_state(s: Session, reader: Reader, view: str) -> bool:
    """True when *reader*'s *view* is best read from ``user_state`` (see the module doc)."""
    if reader.primary or view not in ("starred", "archived"):
        return False
    return flag_count(s, reader, view) <= DRIVE_LIMIT


def view_filter(reader: Reader, view: str, *, drive: bool = True) -> Any | None:
    """The WHERE condition of a list view (``all`` has none).

    *drive* (for a user other than the primary): select starred/archived
    articles from ``user_state`` (``IN``) rather than probing it (``EXISTS``).
    """
    if view == "all":
        return None
    if reader.primary:
        return {
            "unread": Article.read.is_(False),  # type: ignore[attr-defined]
            "starred": Article.starred.is_(True),  # type: ignore[attr-defined]
            "archived": Article.archived.is_(True),  # type: ignore[attr-defined]
            "inbox": Article.archived.is_(False),  # type: ignore[attr-defined]
        }[view]
    if view == "unread":
        return ~exists().where(_has_state(reader, "read"))
    if view == "inbox":
        return ~exists().where(_has_state(reader, "archived"))
    flag = {"starred": "starred", "archived": "archived"}[view]
    if not drive:
        return exists().where(_has_state(reader, flag))
    ids = select(UserState.article_id).where(
        UserState.username == reader.name, getattr(UserState, flag).is_(True)
    )
    return Article.id.in_(ids)  # type: ignore[union-attr]


def note_visible(reader: Reader, note: Any = Note) -> Any:
    """The condition under which *reader* sees a note."""
    return or_(note.owner == reader.name, note.shared.is_(True), note.owner == "")


def visible_note_count(reader: Reader) -> Any:
    """A correlated count of the article's notes that *reader* sees (for the list rows)."""
    n = _VISIBLE_NOTE.c
    return (
        select(func.count())
        .where(n.article_id == _ARTICLE.c.id, note_visible(reader, n))
        .correlate(_ARTICLE)
        .scalar_subquery()
    )


def state_sql(reader: Reader, flag: str, params: dict[str, Any], alias: str = "a") -> str:
    """A flag of *reader* as raw SQL over the article *alias* (for the search queries)."""
    if flag not in FLAGS:
        raise ValueError(f"unknown flag {flag!r}")
    if reader.primary:
        return f"{alias}.{flag}"
    params["f_user"] = reader.name
    return (
        f"coalesce((SELECT us.{flag} FROM user_state us"
        f" WHERE us.username = :f_user AND us.article_id = {alias}.id), false)"
    )


def note_visible_sql(reader: Reader, params: dict[str, Any], alias: str = "n") -> str:
    """Raw SQL: *reader* sees the note *alias*."""
    params["f_user"] = reader.name
    return f"({alias}.owner = :f_user OR {alias}.shared OR {alias}.owner = '')"


def upsert_state(s: Session, username: str, article_id: int, values: dict[str, Any]) -> None:
    """Insert or update one ``user_state`` row (one statement, safe under concurrency)."""
    dialect = s.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(UserState).values(username=username, article_id=article_id, **values)
        s.execute(
            stmt.on_conflict_do_update(index_elements=["username", "article_id"], set_=values)
        )
        return
    row = s.get(UserState, (username, article_id))  # pragma: no cover - other engines
    if row is None:  # pragma: no cover
        s.add(UserState(username=username, article_id=article_id, **values))
    else:  # pragma: no cover
        for key, value in values.items():
            setattr(row, key, value)


def insert_or_ignore(s: Session, model: Any, values: dict[str, Any], keys: list[str]) -> None:
    """Insert a row unless one with the same *keys* exists (or is being inserted right now)."""
    dialect = s.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - other engines
        table = model.__table__
        found = s.execute(
            select(*[table.c[k] for k in keys]).where(*[table.c[k] == values[k] for k in keys])
        ).first()
        if found is None:
            s.execute(table.insert().values(**values))
        return
    s.execute(insert(model).values(**values).on_conflict_do_nothing(index_elements=keys))


@event.listens_for(Session, "before_flush")
def _own_new_notes(session: Session, _context: object, _instances: object) -> None:
    """A new note without an owner belongs to the session's user (or the current user)."""
    for obj in session.new:
        if isinstance(obj, Note) and not obj.owner:
            obj.owner = session.info.get(SESSION_USER_KEY) or current_user()
