"""Writes to the library: saving imported articles, states, tags and notes.

Every public method is one transaction.  Saving an article that is already in
the library (same canonical URL, or the same title and site when there is no
URL) updates it in place: its comments are merged by key and its notes are
never dropped.

Reading state and notes belong to a user: every method takes ``user=None``,
meaning :func:`tuireader.store.users.current_user` (see that module for where
each user's state is kept).  A user edits only their own notes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote
from tuireader.store.db import Database, StoreError
from tuireader.store.migrate import MigrationResult, migrate
from tuireader.store.models import Article, ArticleTag, Comment, Note, Source, Tag
from tuireader.store.types import as_utc, utcnow
from tuireader.store.users import Reader, reader_for
from tuireader.store.userstate import FLAGS, SESSION_USER_KEY, insert_or_ignore, upsert_state
from tuireader.text import collapse_ws, safe_line, safe_text, word_count

__all__ = ["Library", "dedup_key_for", "MAX_COMMENT_DEPTH"]

MAX_COMMENT_DEPTH = 500
"""Deeper replies are attached at this depth (a thread cannot nest without end)."""


def normalise_url(url: str) -> str:
    """A URL without its fragment, with a lower-case scheme and host."""
    parts = urlsplit(url.strip())
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, ""))


def dedup_key_for(parsed: ParsedArticle) -> str:
    """The identity of an article: its canonical URL, else its title and site."""
    url = parsed.canonical_url or parsed.url
    if url:
        return "url:" + normalise_url(url)
    basis = f"{collapse_ws(parsed.title).casefold()}\n{collapse_ws(parsed.site or '').casefold()}"
    return "doc:" + hashlib.sha256(basis.encode()).hexdigest()[:32]


_ATTEMPTS = 3
"""How often a save is tried when it collides with another writer."""


def _transient(exc: StoreError) -> bool:
    """True when a failed transaction collided with another writer and can be run again.

    Two sessions saving the same new article race on its unique key; PostgreSQL
    may also end one side of a deadlock or a serialization conflict.
    """
    cause = exc.__cause__
    if isinstance(cause, IntegrityError):
        return True
    return getattr(getattr(cause, "orig", None), "sqlstate", None) in ("40001", "40P01")


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


class Library:
    """The library: a :class:`Database` at the current schema, and its write operations."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.migration: MigrationResult | None = None

    @classmethod
    def open(cls, url: str) -> Library:
        """Open (creating or upgrading) the library at *url*."""
        lib = cls(Database(url))
        lib.migration = migrate(lib.db)
        return lib

    def close(self) -> None:
        """Release the database connections."""
        self.db.dispose()

    def is_empty(self) -> bool:
        """True when the library holds no article."""
        with self.db.session() as s:
            return s.execute(select(Article.id).limit(1)).first() is None

    # -- articles ---------------------------------------------------------------------------

    def save_article(
        self, parsed: ParsedArticle, *, user: str | None = None
    ) -> tuple[int, bool]:
        """Insert or update *parsed*; return ``(article_id, created)``.

        Its flags become *user*'s state and its notes *user*'s notes.
        """
        reader = reader_for(self.db, user)
        for attempt in range(_ATTEMPTS):
            try:
                with self.db.transaction() as s:
                    s.info[SESSION_USER_KEY] = reader.name
                    return self._save(s, parsed)
            except StoreError as exc:
                if attempt + 1 == _ATTEMPTS or not _transient(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def save_many(
        self, articles: Iterable[ParsedArticle], *, user: str | None = None
    ) -> list[tuple[int, bool]]:
        """Save several articles in one transaction."""
        reader = reader_for(self.db, user)
        articles = list(articles)
        for attempt in range(_ATTEMPTS):
            try:
                with self.db.transaction() as s:
                    s.info[SESSION_USER_KEY] = reader.name
                    return [self._save(s, parsed) for parsed in articles]
            except StoreError as exc:
                if attempt + 1 == _ATTEMPTS or not _transient(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _source_for(self, s: Session, parsed: ParsedArticle) -> Source | None:
        name = safe_line(parsed.source_name or parsed.site)
        if not name:
            return None
        source = s.execute(select(Source).where(Source.name == name)).scalars().first()
        if source is None:
            source = Source(name=name, kind="site", url=parsed.site_url)
            s.add(source)
            s.flush()
        return source

    def _save(self, s: Session, parsed: ParsedArticle) -> tuple[int, bool]:
        key = dedup_key_for(parsed)
        article = s.execute(select(Article).where(Article.dedup_key == key)).scalars().first()
        created = article is None
        now = utcnow()
        if article is None:
            article = Article(dedup_key=key, added=as_utc(parsed.added) or now)
            s.add(article)
        source = self._source_for(s, parsed)
        text = safe_text(parsed.text or parsed.body_markdown)
        article.source_id = source.id if source else article.source_id
        article.site = source.name if source else (article.site or "")
        article.url = parsed.url or article.url
        article.canonical_url = parsed.canonical_url or article.canonical_url
        article.title = safe_line(parsed.title) or article.title or "(untitled)"
        article.author = safe_line(parsed.author) or article.author
        article.published = as_utc(parsed.published) or article.published
        article.sort_date = article.published or article.added
        article.updated = now
        if not parsed.pending or created:
            article.body_markdown = safe_text(parsed.body_markdown)
            article.text = text
            article.word_count = word_count(text)
            article.content_hash = _hash(text)
            article.raw = parsed.raw if parsed.raw is not None else article.raw
            article.raw_format = parsed.raw_format or article.raw_format
        article.language = parsed.language or article.language
        article.pending = parsed.pending and (created or article.pending)
        s.flush()
        assert article.id is not None
        self._import_state(s, article, parsed)
        self._merge_comments(s, article.id, parsed.comments)
        if parsed.tags:
            self._add_tags(s, article.id, parsed.tags)
        for note in parsed.notes:
            self._import_note(s, article.id, note)
        self._refresh_counts(s, article.id)
        return article.id, created

    def _merge_comments(self, s: Session, article_id: int, comments: list[ParsedComment]) -> None:
        if not comments:
            return
        existing = {
            c.key: c
            for c in s.execute(select(Comment).where(Comment.article_id == article_id)).scalars()
        }
        ids: dict[str, int] = {}
        depth: dict[str, int] = {}
        for position, parsed in enumerate(comments):
            key = safe_line(parsed.key) or f"c{position + 1}"
            parent_key = parsed.parent_key
            # A parent must come earlier in the thread: this rules out cycles and
            # makes an orphan a top-level comment.
            parent_id = ids.get(parent_key) if parent_key is not None else None
            level = min(depth[parent_key] + 1, MAX_COMMENT_DEPTH) if parent_id else 0
            row = existing.get(key)
            if row is None:
                row = Comment(article_id=article_id, key=key)
                s.add(row)
            row.parent_id = parent_id
            row.author = safe_line(parsed.author) or "anonymous"
            row.posted = as_utc(parsed.posted)
            row.text = safe_text(parsed.text).strip()
            row.position = position
            row.depth = level
            row.flat = parsed.flat
            s.flush()
            assert row.id is not None
            ids[key] = row.id
            depth[key] = level

    def _refresh_counts(self, s: Session, article_id: int) -> None:
        # Lock the row first: the counts below then see every note and comment committed
        # by a writer that held it (PostgreSQL; SQLite has one writer at a time anyway).
        lock = select(Article.id).where(Article.id == article_id).with_for_update(key_share=True)
        s.execute(lock)
        comments = select(func.count()).where(Comment.article_id == article_id).scalar_subquery()
        notes = select(func.count()).where(Note.article_id == article_id).scalar_subquery()
        s.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(comment_count=comments, note_count=notes)
        )

    # -- states ------------------------------------------------------------------------------

    def _import_state(self, s: Session, article: Article, parsed: ParsedArticle) -> None:
        """The imported flags (those given) become the importing user's state."""
        values = {f: bool(getattr(parsed, f)) for f in FLAGS if getattr(parsed, f) is not None}
        if not values:
            return
        reader = reader_for(self.db, s.info.get(SESSION_USER_KEY))
        self._write_state(s, reader, article.id, values)  # type: ignore[arg-type]

    @staticmethod
    def _write_state(s: Session, reader: Reader, article_id: int, values: dict) -> int:
        """Write *values* into *reader*'s state of an article; return how many rows matched."""
        if reader.primary:
            result = s.execute(update(Article).where(Article.id == article_id).values(values))
            return int(result.rowcount)
        if s.execute(select(Article.id).where(Article.id == article_id)).first() is None:
            return 0
        upsert_state(s, reader.name, article_id, values)
        return 1

    def set_flag(self, article_id: int, flag: str, value: bool, *, user: str | None = None) -> None:
        """Set ``read``, ``starred`` or ``archived`` on an article, for *user*."""
        if flag not in FLAGS:
            raise ValueError(f"unknown flag {flag!r}")
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            if self._write_state(s, reader, article_id, {flag: bool(value)}) == 0:
                raise StoreError(f"no article with id {article_id}")

    def set_reading_position(
        self, article_id: int, position: int, *, user: str | None = None
    ) -> None:
        """Remember where *user* left an article."""
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            self._write_state(s, reader, article_id, {"reading_position": max(0, int(position))})

    def mark_opened(
        self, article_id: int, *, mark_read: bool = True, user: str | None = None
    ) -> datetime | None:
        """Record that *user* opened the article now; return their previous opening time."""
        from tuireader.store.models import UserState

        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            article = s.get(Article, article_id)
            if article is None:
                raise StoreError(f"no article with id {article_id}")
            if reader.primary:
                before = article.last_opened
                article.last_opened = utcnow()
                if mark_read:
                    article.read = True
                return before
            before = s.execute(
                select(UserState.last_opened).where(
                    UserState.username == reader.name, UserState.article_id == article_id
                )
            ).scalar()
            values: dict = {"last_opened": utcnow()}
            if mark_read:
                values["read"] = True
            upsert_state(s, reader.name, article_id, values)
            return as_utc(before)

    # -- tags ----------------------------------------------------------------------------------

    def _add_tags(self, s: Session, article_id: int, names: Iterable[str]) -> None:
        for raw in names:
            name = safe_line(raw)[:100]
            if not name:
                continue
            # Insert-or-ignore: another session may be creating the same tag right now.
            tag_id = s.execute(select(Tag.id).where(Tag.name == name)).scalar()
            if tag_id is None:
                insert_or_ignore(s, Tag, {"name": name}, ["name"])
                tag_id = s.execute(select(Tag.id).where(Tag.name == name)).scalar_one()
            link = {"article_id": article_id, "tag_id": tag_id}
            insert_or_ignore(s, ArticleTag, link, ["article_id", "tag_id"])
        s.flush()

    def set_tags(self, article_id: int, names: Iterable[str]) -> None:
        """Replace an article's tags with *names*."""
        with self.db.transaction() as s:
            if s.get(Article, article_id) is None:
                raise StoreError(f"no article with id {article_id}")
            s.execute(ArticleTag.__table__.delete().where(ArticleTag.article_id == article_id))  # type: ignore[attr-defined]
            self._add_tags(s, article_id, names)

    def add_tags(self, article_id: int, names: Iterable[str]) -> None:
        """Add *names* to an article's tags."""
        with self.db.transaction() as s:
            if s.get(Article, article_id) is None:
                raise StoreError(f"no article with id {article_id}")
            self._add_tags(s, article_id, names)

    # -- notes ---------------------------------------------------------------------------------

    def _import_note(self, s: Session, article_id: int, note: ParsedNote) -> None:
        text = safe_text(note.text).strip()
        quote = safe_text(note.quote).strip() or None
        if not text and not quote:
            return
        same_quote = Note.quote.is_(None) if quote is None else Note.quote == quote  # type: ignore[union-attr]
        same = select(Note.id).where(Note.article_id == article_id, Note.text == text, same_quote)
        if s.execute(same).first() is not None:
            return
        comment_id = None
        if note.comment_key:
            comment_id = s.execute(
                select(Comment.id).where(
                    Comment.article_id == article_id, Comment.key == note.comment_key
                )
            ).scalar()
        created = as_utc(note.created) or utcnow()
        s.add(
            Note(
                article_id=article_id,
                comment_id=comment_id,
                text=text,
                quote=quote,
                prefix=safe_text(note.prefix) or None,
                suffix=safe_text(note.suffix) or None,
                start=note.start,
                end=note.end,
                created=created,
                updated=created,
            )
        )
        s.flush()

    def add_note(
        self,
        article_id: int,
        text: str,
        *,
        comment_id: int | None = None,
        quote: str | None = None,
        prefix: str | None = None,
        suffix: str | None = None,
        start: int | None = None,
        end: int | None = None,
        shared: bool = False,
        user: str | None = None,
    ) -> int:
        """Add *user*'s note (shared with the other users if *shared*); return its id."""
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            if s.get(Article, article_id) is None:
                raise StoreError(f"no article with id {article_id}")
            if comment_id is not None:
                comment = s.get(Comment, comment_id)
                if comment is None or comment.article_id != article_id:
                    raise StoreError(f"no comment {comment_id} on article {article_id}")
            note = Note(
                article_id=article_id,
                comment_id=comment_id,
                text=safe_text(text),
                quote=safe_text(quote) if quote is not None else None,
                prefix=safe_text(prefix) if prefix is not None else None,
                suffix=safe_text(suffix) if suffix is not None else None,
                start=start,
                end=end,
                owner=reader.name,
                shared=bool(shared),
            )
            s.add(note)
            s.flush()
            self._refresh_counts(s, article_id)
            assert note.id is not None
            return note.id

    @staticmethod
    def _own_note(s: Session, note_id: int, reader: Reader) -> Note:
        """The note *note_id* if *reader* may change it (theirs, or no one's)."""
        note = s.get(Note, note_id)
        if note is None or not (note.owner in ("", reader.name) or note.shared):
            raise StoreError(f"no note with id {note_id}")
        if note.owner not in ("", reader.name):
            raise StoreError(f"note {note_id} belongs to {note.owner}; only they can change it")
        return note

    def update_note(self, note_id: int, text: str, *, user: str | None = None) -> None:
        """Change the text of one of *user*'s notes."""
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            note = self._own_note(s, note_id, reader)
            note.text = safe_text(text)
            note.updated = utcnow()

    def set_note_shared(self, note_id: int, shared: bool, *, user: str | None = None) -> None:
        """Show one of *user*'s notes to the library's other users, or stop showing it."""
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            note = self._own_note(s, note_id, reader)
            note.shared = bool(shared)
            note.updated = utcnow()

    def delete_note(self, note_id: int, *, user: str | None = None) -> None:
        """Delete one of *user*'s notes."""
        reader = reader_for(self.db, user)
        with self.db.transaction() as s:
            note = self._own_note(s, note_id, reader)
            article_id = note.article_id
            s.delete(note)
            s.flush()
            self._refresh_counts(s, article_id)

    def delete_article(self, article_id: int) -> None:
        """Delete an article with its comments and notes."""
        with self.db.transaction() as s:
            article = s.get(Article, article_id)
            if article is None:
                raise StoreError(f"no article with id {article_id}")
            s.delete(article)
