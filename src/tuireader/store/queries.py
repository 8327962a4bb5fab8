"""Reads: the article list (keyset paging), counts, one article with its thread.

Every function returns the frozen dataclasses of :mod:`tuireader.store.views`.
Reading state and notes are per user: ``user=None`` means the current user
(:func:`tuireader.store.users.current_user`); see :mod:`tuireader.store.users`
for where each user's state is kept and why the primary user's list is as fast
as a one-person library's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Select, and_, func, or_, select, tuple_

from tuireader.store.db import Database, StoreError
from tuireader.store.models import Article, ArticleTag, Comment, Note, Tag, UserState
from tuireader.store.users import Reader, reader_for
from tuireader.store.userstate import (
    drives_from_state,
    flag_count,
    note_visible,
    state_columns,
    view_filter,
    visible_note_count,
)
from tuireader.store.views import (
    ArticleSummary,
    ArticleView,
    CommentNode,
    LibraryCounts,
    NoteView,
)

__all__ = [
    "ListQuery",
    "Cursor",
    "list_page",
    "list_at_offset",
    "count_articles",
    "library_counts",
    "get_article",
    "get_summaries",
    "all_notes",
    "list_tags",
    "list_sites",
]

Sort = Literal["date", "title", "site"]
View = Literal["all", "unread", "starred", "archived", "inbox"]
Cursor = tuple[Any, int]
"""A keyset cursor: the sort value of the last row seen and its id."""


def _summary_select(reader: Reader) -> Select[Any]:
    """SELECT the list-row columns of *reader* (their flags, the notes they see)."""
    cols = state_columns(reader)
    stmt = select(
        Article.id,
        Article.title,
        Article.site,
        Article.sort_date,
        Article.comment_count,
        visible_note_count(reader).label("note_count"),
        cols.column("read").label("read"),
        cols.column("starred").label("starred"),
        cols.column("archived").label("archived"),
        Article.pending,
    )
    return cols.join(stmt)


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which articles the list shows and in what order.

    ``view`` ``"all"`` is every article; ``"inbox"`` is every article not archived.
    Dates sort newest first; title and site sort A–Z.
    """

    sort: Sort = "date"
    view: View = "all"
    tag: str | None = None
    site: str | None = None

    def sort_column(self) -> Any:
        """The column the list is ordered by."""
        return {"date": Article.sort_date, "title": Article.title, "site": Article.site}[self.sort]

    @property
    def descending(self) -> bool:
        """True when the order is newest first."""
        return self.sort == "date"


def _filtered(
    query: ListQuery, stmt: Select[Any], reader: Reader, *, drive: bool = True
) -> Select[Any]:
    condition = view_filter(reader, query.view, drive=drive)
    if condition is not None:
        stmt = stmt.where(condition)
    if query.site:
        stmt = stmt.where(Article.site == query.site)
    if query.tag:
        tagged = (
            select(ArticleTag.article_id)
            .join(Tag, Tag.id == ArticleTag.tag_id)
            .where(Tag.name == query.tag)
        )
        stmt = stmt.where(Article.id.in_(tagged))  # type: ignore[union-attr]
    return stmt


def _ordered(query: ListQuery, stmt: Select[Any], *, reverse: bool = False) -> Select[Any]:
    col = query.sort_column()
    desc = query.descending != reverse
    if desc:
        return stmt.order_by(col.desc(), Article.id.desc())  # type: ignore[union-attr]
    return stmt.order_by(col.asc(), Article.id.asc())  # type: ignore[union-attr]


def _summary(row: Any) -> ArticleSummary:
    return ArticleSummary(
        id=row.id,
        title=row.title,
        site=row.site,
        sort_date=row.sort_date,
        comment_count=row.comment_count,
        note_count=row.note_count,
        read=bool(row.read),
        starred=bool(row.starred),
        archived=bool(row.archived),
        pending=bool(row.pending),
    )


def cursor_of(query: ListQuery, summary: ArticleSummary) -> Cursor:
    """The keyset cursor just after *summary* in *query*'s order."""
    value = {"date": summary.sort_date, "title": summary.title, "site": summary.site}[query.sort]
    return (value, summary.id)


def list_page(
    db: Database,
    query: ListQuery,
    *,
    after: Cursor | None = None,
    limit: int = 100,
    backwards: bool = False,
    user: str | None = None,
) -> list[ArticleSummary]:
    """One page of the list after the keyset *after* (or before it, with *backwards*).

    Rows always come back in the list's display order.
    """
    reader = reader_for(db, user)
    with db.session() as s:
        drive = drives_from_state(s, reader, query.view)
        stmt = _filtered(query, _summary_select(reader), reader, drive=drive)
        if after is not None:
            key = tuple_(query.sort_column(), Article.id)
            forward_is_less = query.descending != backwards
            stmt = stmt.where(key < tuple_(*after) if forward_is_less else key > tuple_(*after))
        stmt = _ordered(query, stmt, reverse=backwards).limit(limit)
        rows = [_summary(row) for row in s.execute(stmt)]
    return rows[::-1] if backwards else rows


def list_at_offset(
    db: Database, query: ListQuery, offset: int, limit: int = 100, *, user: str | None = None
) -> list[ArticleSummary]:
    """A page starting at row *offset* (for jumps; paging on from it uses keysets).

    The offset is skipped over ids alone; the row columns are made for the page only.
    """
    reader = reader_for(db, user)
    with db.session() as s:
        drive = drives_from_state(s, reader, query.view)
        ids = _ordered(query, _filtered(query, select(Article.id), reader, drive=drive))
        page = ids.offset(max(0, offset)).limit(limit).subquery()
        stmt = _ordered(query, _summary_select(reader).join(page, page.c.id == Article.id))
        return [_summary(row) for row in s.execute(stmt)]


def count_articles(db: Database, query: ListQuery, *, user: str | None = None) -> int:
    """How many articles *query* shows."""
    reader = reader_for(db, user)
    with db.session() as s:
        if not reader.primary and not query.tag and not query.site and query.view != "all":
            # Index-only counts of the user's own rows (every row is of an existing article).
            flag = {"unread": "read", "inbox": "archived"}.get(query.view, query.view)
            flagged = flag_count(s, reader, flag)
            if query.view in ("starred", "archived"):
                return flagged
            return int(s.execute(select(func.count()).select_from(Article)).scalar_one()) - flagged
        stmt = _filtered(query, select(func.count()).select_from(Article), reader)
        return int(s.execute(stmt).scalar_one())


def get_summaries(db: Database, ids: list[int], *, user: str | None = None) -> list[ArticleSummary]:
    """The list rows of *ids* (in the order given; unknown ids are left out)."""
    if not ids:
        return []
    stmt = _summary_select(reader_for(db, user)).where(Article.id.in_(ids))  # type: ignore[union-attr]
    with db.session() as s:
        rows = {row.id: _summary(row) for row in s.execute(stmt)}
    return [rows[i] for i in ids if i in rows]


def library_counts(db: Database, *, user: str | None = None) -> LibraryCounts:
    """Totals for the header (the user's own flags; the notes they see)."""
    reader = reader_for(db, user)
    notes_stmt = select(func.count()).select_from(Note).where(note_visible(reader))
    # One index-only count each (a single pass summing flags would read every article row).
    with db.session() as s:
        total = int(s.execute(select(func.count()).select_from(Article)).scalar_one())
        if reader.primary:
            flagged = {
                flag: int(
                    s.execute(select(func.count()).select_from(Article).where(cond)).scalar_one()
                )
                for flag, cond in (
                    ("read", Article.read.is_(False)),  # type: ignore[attr-defined]
                    ("starred", Article.starred.is_(True)),  # type: ignore[attr-defined]
                    ("archived", Article.archived.is_(True)),  # type: ignore[attr-defined]
                )
            }
            unread = flagged["read"]
        else:
            flagged = {f: flag_count(s, reader, f) for f in ("read", "starred", "archived")}
            unread = total - flagged["read"]
        starred, archived = flagged["starred"], flagged["archived"]
        notes = s.execute(notes_stmt).scalar_one()
    return LibraryCounts(int(total), int(unread), int(starred), int(archived), int(notes))


def _comment_node(c: Comment) -> CommentNode:
    assert c.id is not None
    return CommentNode(
        id=c.id,
        parent_id=c.parent_id,
        key=c.key,
        author=c.author,
        posted=c.posted,
        text=c.text,
        depth=c.depth,
        position=c.position,
        added=c.added,
        flat=c.flat,
    )


def _note_view(n: Note, *, comment_author: str | None = None, title: str = "") -> NoteView:
    """A note row as a :class:`NoteView`."""
    assert n.id is not None
    return NoteView(
        id=n.id,
        article_id=n.article_id,
        text=n.text,
        created=n.created,
        updated=n.updated,
        comment_id=n.comment_id,
        comment_author=comment_author,
        quote=n.quote,
        prefix=n.prefix,
        suffix=n.suffix,
        start=n.start,
        end=n.end,
        orphaned=n.orphaned,
        article_title=title,
        owner=n.owner,
        shared=n.shared,
    )


def get_article(db: Database, article_id: int, *, user: str | None = None) -> ArticleView:
    """One article with its tags, its comment thread (in order) and the notes the user sees."""
    reader = reader_for(db, user)
    with db.session() as s:
        a = s.get(Article, article_id)
        if a is None:
            raise StoreError(f"no article with id {article_id}")
        state: Any = a
        if not reader.primary:
            state = s.get(UserState, (reader.name, article_id)) or UserState(
                username=reader.name, article_id=article_id
            )
        tags = tuple(
            s.execute(
                select(Tag.name)
                .join(ArticleTag, ArticleTag.tag_id == Tag.id)
                .where(ArticleTag.article_id == article_id)
                .order_by(Tag.name)
            ).scalars()
        )
        comments = [
            _comment_node(c)
            for c in s.execute(
                select(Comment).where(Comment.article_id == article_id).order_by(Comment.position)
            ).scalars()
        ]
        authors = {c.id: c.author for c in comments}
        notes = tuple(
            _note_view(n, comment_author=authors.get(n.comment_id or -1), title=a.title)
            for n in s.execute(
                select(Note)
                .where(Note.article_id == article_id, note_visible(reader))
                .order_by(Note.created, Note.id)
            ).scalars()
        )
        assert a.id is not None
        return ArticleView(
            id=a.id,
            title=a.title,
            url=a.url,
            canonical_url=a.canonical_url,
            author=a.author,
            published=a.published,
            added=a.added,
            site=a.site,
            language=a.language,
            body_markdown=a.body_markdown,
            text=a.text,
            word_count=a.word_count,
            read=state.read,
            starred=state.starred,
            archived=state.archived,
            reading_position=state.reading_position,
            last_opened=state.last_opened,
            tags=tags,
            comments=tuple(comments),
            notes=notes,
            pending=a.pending,
            fetch_error=a.fetch_error,
            raw_format=a.raw_format,
        )


def get_raw(db: Database, article_id: int) -> tuple[bytes | None, str | None]:
    """The raw input an article was made from, and its format."""
    with db.session() as s:
        row = s.execute(
            select(Article.raw, Article.raw_format).where(Article.id == article_id)
        ).first()
    if row is None:
        raise StoreError(f"no article with id {article_id}")
    return row[0], row[1]


def all_notes(
    db: Database,
    *,
    text: str | None = None,
    tag: str | None = None,
    article_id: int | None = None,
    limit: int = 1000,
    user: str | None = None,
) -> list[NoteView]:
    """Every note the user sees, newest first.

    *text* keeps notes whose text, quote, article title or comment author
    contains it (any case); *tag* keeps notes on articles with that tag;
    *article_id* keeps one article's notes.
    """
    stmt = (
        select(Note, Article.title, Comment.author)
        .join(Article, Article.id == Note.article_id)
        .outerjoin(Comment, Comment.id == Note.comment_id)
        .where(note_visible(reader_for(db, user)))
        .order_by(Note.created.desc(), Note.id.desc())  # type: ignore[attr-defined]
        .limit(limit)
    )
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(
            or_(
                Note.text.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
                and_(Note.quote.is_not(None), Note.quote.ilike(pattern, escape="\\")),  # type: ignore[union-attr]
                Article.title.ilike(pattern, escape="\\"),  # type: ignore[attr-defined]
                and_(Comment.id.is_not(None), Comment.author.ilike(pattern, escape="\\")),  # type: ignore[union-attr,attr-defined]
            )
        )
    if tag:
        tagged = (
            select(ArticleTag.article_id)
            .join(Tag, Tag.id == ArticleTag.tag_id)
            .where(Tag.name == tag)
        )
        stmt = stmt.where(Note.article_id.in_(tagged))  # type: ignore[attr-defined]
    if article_id is not None:
        stmt = stmt.where(Note.article_id == article_id)
    with db.session() as s:
        return [
            _note_view(n, comment_author=author, title=title)
            for n, title, author in s.execute(stmt)
        ]


def list_tags(db: Database) -> list[tuple[str, int]]:
    """Every tag with the number of its articles."""
    stmt = (
        select(Tag.name, func.count(ArticleTag.article_id))
        .outerjoin(ArticleTag, ArticleTag.tag_id == Tag.id)
        .group_by(Tag.name)
        .order_by(Tag.name)
    )
    with db.session() as s:
        return [(name, int(n)) for name, n in s.execute(stmt)]


def list_sites(db: Database) -> list[tuple[str, int]]:
    """Every site with the number of its articles."""
    stmt = select(Article.site, func.count()).group_by(Article.site).order_by(Article.site)
    with db.session() as s:
        return [(site, int(n)) for site, n in s.execute(stmt) if site]
