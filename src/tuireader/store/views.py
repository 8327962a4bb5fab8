"""Frozen dataclasses the store hands to the CLI, the exporters and the widgets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = [
    "ArticleSummary",
    "ArticleView",
    "CommentNode",
    "NoteView",
    "SearchHit",
    "LibraryCounts",
    "ImportOutcome",
    "FeedView",
    "ImageView",
]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of the article list."""

    id: int
    title: str
    site: str
    sort_date: datetime
    comment_count: int
    note_count: int
    read: bool
    starred: bool
    archived: bool
    pending: bool = False


@dataclass(frozen=True, slots=True)
class CommentNode:
    """A comment with its place in the thread (``parent_id`` None at the top level)."""

    id: int
    parent_id: int | None
    key: str
    author: str
    posted: datetime | None
    text: str
    depth: int
    position: int
    added: datetime
    flat: bool = False


@dataclass(frozen=True, slots=True)
class NoteView:
    """A note, with the passage it highlights or the comment it is about."""

    id: int
    article_id: int
    text: str
    created: datetime
    updated: datetime
    comment_id: int | None = None
    comment_author: str | None = None
    quote: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    orphaned: bool = False
    article_title: str = ""
    owner: str = ""
    """The user who wrote the note ('' for a note of no one)."""
    shared: bool = False
    """True when the library's other users see it too."""


@dataclass(frozen=True, slots=True)
class ArticleView:
    """Everything the reader pane and ``show`` need about one article."""

    id: int
    title: str
    url: str | None
    canonical_url: str | None
    author: str | None
    published: datetime | None
    added: datetime
    site: str
    language: str | None
    body_markdown: str
    text: str
    word_count: int
    read: bool
    starred: bool
    archived: bool
    reading_position: int
    last_opened: datetime | None
    tags: tuple[str, ...] = ()
    comments: tuple[CommentNode, ...] = ()
    notes: tuple[NoteView, ...] = ()
    pending: bool = False
    fetch_error: str | None = None
    raw_format: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A search result: an article, where it matched, and a snippet."""

    article_id: int
    title: str
    site: str
    sort_date: datetime
    where: str
    """``"article"``, ``"comment"`` or ``"note"``."""
    snippet: str
    score: float
    comment_id: int | None = None
    note_id: int | None = None


@dataclass(frozen=True, slots=True)
class LibraryCounts:
    """The counts the header shows."""

    total: int
    unread: int
    starred: int
    archived: int
    notes: int


@dataclass(frozen=True, slots=True)
class FeedView:
    """A feed the library follows, with the state of its last sync."""

    id: int
    title: str
    feed_url: str
    site_url: str | None
    categories: tuple[str, ...]
    full_text: bool
    etag: str | None
    last_modified: str | None
    last_error: str | None
    last_synced: datetime | None
    created: datetime
    article_count: int = 0


@dataclass(frozen=True, slots=True)
class ImageView:
    """Image ``number`` of an article (``[image n]`` in the reader) and where it is kept.

    ``sha256`` names the file in the images folder; it is ``None`` (and
    ``error`` says why) when the image could not be kept.
    """

    number: int
    url: str
    alt: str
    sha256: str | None
    content_type: str | None
    size: int
    error: str | None = None


@dataclass(slots=True)
class ImportOutcome:
    """The result of importing paths: what was created, updated and what failed.

    ``warnings`` are ``(path, message)`` pairs for files that were imported in
    part: rows of an export that were left out (``"line 4: ..."``), an
    ill-formed feed, OPML outlines skipped.  ``feeds`` are the ids of the feeds
    an OPML file made the library follow (``feeds_known``: those it already did).
    """

    imported: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    feeds: list[int] = field(default_factory=list)
    feeds_known: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """'N imported, M updated, K failed'."""
        return (
            f"{len(self.imported)} imported, {len(self.updated)} updated, {len(self.failed)} failed"
        )
