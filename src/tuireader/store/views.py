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


@dataclass(slots=True)
class ImportOutcome:
    """The result of importing paths: what was created, updated and what failed."""

    imported: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """'N imported, M updated, K failed'."""
        return (
            f"{len(self.imported)} imported, {len(self.updated)} updated, {len(self.failed)} failed"
        )
