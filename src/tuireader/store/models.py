"""The library's tables (SQLModel).

Timestamps are timezone-aware UTC (:class:`~tuireader.store.types.UTCDateTime`).
The article list sorts by ``sort_date``, ``title`` or ``site`` with keyset paging;
each order has a composite index ending in ``id`` so a page is one index range scan.
Counts the list shows on every row (comments, notes) are kept on the article.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, false
from sqlmodel import Field, SQLModel

from tuireader.store.types import CompressedBytes, UTCDateTime, utcnow

__all__ = [
    "Source",
    "Article",
    "Comment",
    "Tag",
    "ArticleTag",
    "Note",
    "ArticleImage",
    "UserState",
    "LibraryMeta",
    "SCHEMA_TABLES",
]


class Source(SQLModel, table=True):
    """A site articles come from, or a feed the library follows."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    kind: str = Field(default="site", description="'site' or 'feed'")
    url: str | None = None
    feed_url: str | None = Field(default=None, unique=True)
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None
    last_synced: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    full_text: bool = Field(
        default=False,
        sa_column=Column(Boolean, nullable=False, server_default=false()),
        description="fetch the full page of summary-only entries when syncing",
    )
    categories: str | None = Field(
        default=None, sa_type=Text, description="a JSON list of category names (become tags)"
    )


class Article(SQLModel, table=True):
    """A saved article: its text, its raw input and the reader's state of it."""

    __table_args__ = (
        Index("ix_article_sort_date", "sort_date", "id"),
        Index("ix_article_title", "title", "id"),
        Index("ix_article_site", "site", "id"),
        Index("ix_article_unread", "read", "sort_date", "id"),
        Index("ix_article_starred", "starred", "sort_date", "id"),
        Index("ix_article_archived", "archived", "sort_date", "id"),
        Index("ix_article_url", "url"),
        Index("ix_article_canonical_url", "canonical_url"),
    )

    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(unique=True, description="canonical URL, or a key made from the title")
    source_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("source.id", ondelete="SET NULL"))
    )
    site: str = Field(default="", description="the source's name, copied for sorting")
    url: str | None = None
    canonical_url: str | None = None
    title: str = ""
    author: str | None = None
    published: datetime | None = Field(default=None, sa_type=UTCDateTime)
    added: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sort_date: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    body_markdown: str = Field(default="", sa_type=Text)
    text: str = Field(default="", sa_type=Text)
    word_count: int = 0
    language: str | None = None
    content_hash: str = ""
    raw: bytes | None = Field(default=None, sa_type=CompressedBytes)
    raw_format: str | None = None
    read: bool = False
    starred: bool = False
    archived: bool = False
    reading_position: int = 0
    last_opened: datetime | None = Field(default=None, sa_type=UTCDateTime)
    comment_count: int = 0
    note_count: int = 0
    pending: bool = False
    fetch_error: str | None = None


class Comment(SQLModel, table=True):
    """One comment of an article's thread; ``parent_id`` makes the tree."""

    __table_args__ = (
        UniqueConstraint("article_id", "key", name="uq_comment_article_key"),
        Index("ix_comment_article_position", "article_id", "position"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False)
    )
    parent_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("comment.id", ondelete="SET NULL"))
    )
    key: str
    author: str = ""
    posted: datetime | None = Field(default=None, sa_type=UTCDateTime)
    text: str = Field(default="", sa_type=Text)
    position: int = 0
    depth: int = 0
    flat: bool = False
    added: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Tag(SQLModel, table=True):
    """A tag name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True)


class ArticleTag(SQLModel, table=True):
    """The link between an article and a tag."""

    __tablename__ = "article_tag"

    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    tag_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )


class Note(SQLModel, table=True):
    """A personal note on an article, on a highlighted passage, or on a comment.

    A highlight stores the W3C TextQuote selector (``quote`` with ``prefix`` and
    ``suffix``) and the TextPosition selector (``start``/``end`` in the article's
    plain text).  ``orphaned`` is set when a re-import cannot re-anchor it; the
    note is kept, never dropped.
    """

    __table_args__ = (Index("ix_note_article", "article_id", "created"),)

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False)
    )
    comment_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("comment.id", ondelete="SET NULL"), index=True),
    )
    text: str = Field(default="", sa_type=Text)
    quote: str | None = Field(default=None, sa_type=Text)
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    orphaned: bool = False
    created: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    updated: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    owner: str = Field(
        default="",
        index=True,
        sa_column_kwargs={"server_default": ""},
        description="the user who wrote it ('' for a note of no one, shown to everyone)",
    )
    shared: bool = Field(
        default=False,
        sa_column_kwargs={"server_default": false()},
        description="shown to the library's other users too",
    )


class UserState(SQLModel, table=True):
    """One user's state of one article, for users other than the library's primary user.

    The primary user's state stays in the article's own columns (the fast path,
    see :mod:`tuireader.store.users`); a missing row is the default state.
    """

    __tablename__ = "user_state"
    __table_args__ = (
        Index("ix_user_state_read", "username", "read"),
        Index("ix_user_state_starred", "username", "starred"),
        Index("ix_user_state_archived", "username", "archived"),
        Index("ix_user_state_article", "article_id"),
        {"sqlite_with_rowid": False},
    )

    username: str = Field(primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), primary_key=True)
    )
    read: bool = False
    starred: bool = False
    archived: bool = False
    reading_position: int = 0
    last_opened: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LibraryMeta(SQLModel, table=True):
    """Facts about the library itself (``primary_user``)."""

    __tablename__ = "library_meta"

    key: str = Field(primary_key=True)
    value: str = ""


class ArticleImage(SQLModel, table=True):
    """An image of an article kept offline: number ``n`` is ``[image n]`` in its body.

    The file is ``data_dir()/images/<sha256>`` (content-addressed, shared by every
    article that shows the same image); ``sha256`` is ``None`` and ``error`` says
    why when the image could not be kept (too large, not an image, ...).
    """

    __tablename__ = "article_image"
    __table_args__ = (
        UniqueConstraint("article_id", "number", name="uq_article_image_number"),
        Index("ix_article_image_sha256", "sha256"),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(
        sa_column=Column(Integer, ForeignKey("article.id", ondelete="CASCADE"), nullable=False)
    )
    number: int
    url: str
    alt: str = ""
    sha256: str | None = None
    content_type: str | None = None
    size: int = 0
    error: str | None = None


SCHEMA_TABLES = ("source", "article", "comment", "tag", "article_tag", "note")
"""The tables of the first schema, in dependency order."""
