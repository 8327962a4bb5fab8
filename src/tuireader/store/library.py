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
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedSource
from tuireader.store.anchoring import make_anchor
from tuireader.store.db import Database, StoreError
from tuireader.store.migrate import MigrationResult, migrate
from tuireader.store.models import Article, ArticleTag, Comment, Note, Source, Tag
from tuireader.store.notes import import_note, reanchor_highlights, restore_sources
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
_T = TypeVar("_T")
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
        self,
        parsed: ParsedArticle,
        *,
        source_id: int | None = None,
        into: int | None = None,
        user: str | None = None,
    ) -> tuple[int, bool]:
        """Insert or update *parsed*; return ``(article_id, created)``.

        *source_id* links the article to that source (a feed) instead of one
        found from ``parsed.source_name``; *into* saves *parsed* into that
        existing article (a pending article whose page was fetched), whatever
        its URL.  Its flags become *user*'s state and its notes *user*'s notes.
        """
        return self._retrying(user, lambda s: self._save(s, parsed, source_id=source_id, into=into))

    def save_many(
        self,
        articles: Iterable[ParsedArticle],
        *,
        source_id: int | None = None,
        sources: Iterable[ParsedSource] = (),
        tags: Iterable[str] = (),
        user: str | None = None,
    ) -> list[tuple[int, bool]]:
        """Save several articles in one transaction (all linked to *source_id* if given).

        *sources* (sites and feeds) and *tags* (names, even unused ones) come
        from a backup; they are added first so the articles link to them.
        """
        articles = list(articles)
        sources = list(sources)
        tags = list(tags)

        def work(s: Session) -> list[tuple[int, bool]]:
            restore_sources(s, sources)
            self._tag_ids(s, tags)
            return [self._save(s, parsed, source_id=source_id) for parsed in articles]

        return self._retrying(user, work)

    def _retrying(self, user: str | None, work: Callable[[Session], _T]) -> _T:
        """Run *work* in a transaction as *user*, again on a unique-key race or deadlock."""
        reader = reader_for(self.db, user)
        for attempt in range(_ATTEMPTS):
            try:
                with self.db.transaction() as s:
                    s.info[SESSION_USER_KEY] = reader.name
                    return work(s)
            except StoreError as exc:
                if attempt + 1 == _ATTEMPTS or not _transient(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def set_fetch_error(self, article_id: int, message: str | None) -> None:
        """Record why fetching a pending article's page failed (``None`` clears it)."""
        error = safe_line(message)[:500] or None
        with self.db.transaction() as s:
            s.execute(update(Article).where(Article.id == article_id).values(fetch_error=error))

    def _find(self, s: Session, parsed: ParsedArticle, key: str) -> Article | None:
        """The article *parsed* is already saved as: by its key, else by its URL."""
        urls = {u for u in (parsed.url, parsed.canonical_url) if u}
        match = Article.dedup_key == key
        if urls:
            match = or_(match, Article.url.in_(urls), Article.canonical_url.in_(urls))  # type: ignore[union-attr]
        found = s.execute(select(Article).where(match).order_by(Article.id).limit(8)).scalars()
        candidates = list(found)
        return next((a for a in candidates if a.dedup_key == key), None) or next(
            iter(candidates), None
        )

    def _source_for(self, s: Session, parsed: ParsedArticle) -> Source | None:
        name = safe_line(parsed.source_name or parsed.site)
        if not name:
            return None
        # The sources met in this transaction (strong references: the session's
        # identity map alone would let them go and reload them every time).
        cache: dict[str, Source] = s.info.setdefault("tuireader_sources", {})
        source = cache.get(name)
        if source is not None:
            return source
        source = s.execute(select(Source).where(Source.name == name)).scalars().first()
        if source is None:
            source = Source(name=name, kind="site", url=parsed.site_url)
            s.add(source)
            s.flush()
        cache[name] = source
        return source

    def _save(
        self,
        s: Session,
        parsed: ParsedArticle,
        *,
        source_id: int | None = None,
        into: int | None = None,
    ) -> tuple[int, bool]:
        key = dedup_key_for(parsed)
        if into is not None:
            article = s.get(Article, into)
            if article is None:
                raise StoreError(f"no article with id {into}")
        else:
            article = self._find(s, parsed, key)
        created = article is None
        now = utcnow()
        old_text = None if article is None else article.text
        if article is None:
            article = Article(dedup_key=key, added=as_utc(parsed.added) or now)
            article.fetch_error = safe_line(parsed.fetch_error) or None
            s.add(article)
        # A URL-only row (an export, an annotation) for an article already saved
        # adds its tags, states and notes; it does not rename or move the article.
        keep = parsed.pending and not created
        source = s.get(Source, source_id) if source_id is not None else None
        if source is None and not (keep and article.source_id):
            source = self._source_for(s, parsed)
        text = safe_text(parsed.text or parsed.body_markdown)
        article.source_id = source.id if source else article.source_id
        article.site = source.name if source else (article.site or "")
        article.url = article.url if keep and article.url else parsed.url or article.url
        article.canonical_url = parsed.canonical_url or article.canonical_url
        title = "" if keep and article.title else safe_line(parsed.title)
        article.title = title or article.title or "(untitled)"
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
        if not article.pending:
            article.fetch_error = None
        s.flush()
        assert article.id is not None
        self._import_state(s, article, parsed)
        if old_text is not None and old_text != article.text:
            # Highlights follow the text; none is ever dropped.
            reanchor_highlights(s, article.id, article.text)
        self._merge_comments(s, article.id, parsed.comments)
        if parsed.tags:
            self._add_tags(s, article.id, parsed.tags, fresh=created)
        fresh: set[int] = set()
        for note in parsed.notes:
            note_id = import_note(s, article.id, article.text, note, fresh=fresh)
            if note_id is not None:
                fresh.add(note_id)
        if not created or parsed.comments or parsed.notes:
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
                added = as_utc(parsed.added) or utcnow()
                row = Comment(article_id=article_id, key=key, added=added)
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
        values: dict[str, object] = {
            f: bool(getattr(parsed, f)) for f in FLAGS if getattr(parsed, f) is not None
        }
        if parsed.reading_position is not None:
            values["reading_position"] = max(0, int(parsed.reading_position))
        opened = as_utc(parsed.last_opened)
        if opened is not None and (article.last_opened is None or opened > article.last_opened):
            values["last_opened"] = opened
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
            # The one column, not the whole row (a long article's text and raw input).
            found = s.execute(select(Article.last_opened).where(Article.id == article_id)).first()
            if found is None:
                raise StoreError(f"no article with id {article_id}")
            if reader.primary:
                values: dict = {"last_opened": utcnow()}
                if mark_read:
                    values["read"] = True
                s.execute(update(Article).where(Article.id == article_id).values(**values))
                return as_utc(found[0])
            before = s.execute(
                select(UserState.last_opened).where(
                    UserState.username == reader.name, UserState.article_id == article_id
                )
            ).scalar()
            values = {"last_opened": utcnow()}
            if mark_read:
                values["read"] = True
            upsert_state(s, reader.name, article_id, values)
            return as_utc(before)

    # -- tags ----------------------------------------------------------------------------------

    def _tag_ids(self, s: Session, names: Iterable[str]) -> list[int]:
        """The ids of the tags *names*, creating the missing ones (cached per transaction)."""
        cache: dict[str, int] = s.info.setdefault("tuireader_tags", {})
        ids: list[int] = []
        for raw in names:
            name = safe_line(raw)[:100]
            if not name:
                continue
            tag_id = cache.get(name)
            if tag_id is None:
                # Insert-or-ignore: another session may be creating the same tag right now.
                tag_id = s.execute(select(Tag.id).where(Tag.name == name)).scalar()
                if tag_id is None:
                    insert_or_ignore(s, Tag, {"name": name}, ["name"])
                    tag_id = s.execute(select(Tag.id).where(Tag.name == name)).scalar_one()
                cache[name] = tag_id
            if tag_id not in ids:
                ids.append(tag_id)
        return ids

    def _add_tags(
        self, s: Session, article_id: int, names: Iterable[str], *, fresh: bool = False
    ) -> None:
        """Link *names* to the article (*fresh*: it has no tags yet, skip the checks)."""
        for tag_id in self._tag_ids(s, names):
            link = {"article_id": article_id, "tag_id": tag_id}
            if fresh:
                s.add(ArticleTag(**link))
            else:
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
            article = s.get(Article, article_id)
            if article is None:
                raise StoreError(f"no article with id {article_id}")
            if (
                quote is not None
                and start is not None
                and end is not None
                and prefix is None
                and suffix is None
                and 0 <= start < end <= len(article.text)
                and article.text[start:end] == quote
            ):
                # A highlight given by its span: keep its context for re-anchoring.
                anchor = make_anchor(article.text, start, end)
                prefix, suffix = anchor.prefix, anchor.suffix
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
            return self._insert_note(s, note)

    def add_highlight(
        self,
        article_id: int,
        start: int,
        end: int,
        text: str = "",
        *,
        shared: bool = False,
        user: str | None = None,
    ) -> int:
        """Highlight ``start:end`` of the article's plain text, with an optional note.

        The quote, its context and its position are taken from the stored text
        (the W3C TextQuote and TextPosition selectors).  Committed before the id
        is returned.
        """
        with self.db.transaction() as s:
            article = s.get(Article, article_id)
            if article is None:
                raise StoreError(f"no article with id {article_id}")
            try:
                anchor = make_anchor(article.text, start, end)
            except ValueError as exc:
                raise StoreError(f"cannot highlight: {exc}") from exc
            note = Note(
                article_id=article_id,
                text=safe_text(text),
                quote=anchor.exact,
                prefix=anchor.prefix,
                suffix=anchor.suffix,
                start=anchor.start,
                end=anchor.end,
                owner=reader_for(self.db, user).name,
                shared=bool(shared),
            )
            return self._insert_note(s, note)

    def _insert_note(self, s: Session, note: Note) -> int:
        s.add(note)
        s.flush()
        self._refresh_counts(s, note.article_id)
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
