"""The neutral shapes every importer produces and the store consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["ParsedArticle", "ParsedComment", "ParsedNote", "ParsedSource", "ImportError_"]


class ImportError_(ValueError):
    """An input that cannot be imported; the message is one line, fit for a user."""


@dataclass(slots=True)
class ParsedComment:
    """One comment of a thread.

    ``key`` identifies the comment inside its article (the site's id when there
    is one, else its position); ``parent_key`` is the key of the comment it
    replies to, or ``None`` for a top-level comment.  ``posted`` is aware UTC.
    """

    key: str
    author: str
    text: str
    parent_key: str | None = None
    posted: datetime | None = None
    flat: bool = False
    """True when the thread structure could not be recovered (flat fallback)."""
    added: datetime | None = None
    """When the library first stored the comment (a backup restores it)."""


@dataclass(slots=True)
class ParsedNote:
    """A note carried over from an export (Wallabag annotations, Hypothesis...)."""

    text: str
    quote: str | None = None
    prefix: str | None = None
    suffix: str | None = None
    start: int | None = None
    end: int | None = None
    created: datetime | None = None
    comment_key: str | None = None
    orphaned: bool = False
    """True when the highlight could no longer be anchored in its article (a backup keeps it)."""
    updated: datetime | None = None
    shared: bool = False
    """Shown to the library's other users too (a shared library)."""


@dataclass(slots=True)
class ParsedSource:
    """A site or feed the library knows, as a backup carries it."""

    name: str
    kind: str = "site"
    url: str | None = None
    feed_url: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    last_error: str | None = None
    last_synced: datetime | None = None
    created: datetime | None = None


@dataclass(slots=True)
class ParsedArticle:
    """An article as an importer found it, before it reaches the store.

    ``body_markdown`` is the body as Markdown; ``text`` the plain text (used for
    search, word counts and highlight anchoring).  ``raw`` keeps the input the
    article was made from so that a better extractor can re-split it later;
    ``raw_format`` names its format (``"textdump"``, ``"html"``, ...).
    """

    title: str
    body_markdown: str = ""
    text: str = ""
    url: str | None = None
    canonical_url: str | None = None
    author: str | None = None
    published: datetime | None = None
    site: str | None = None
    site_url: str | None = None
    language: str | None = None
    raw: bytes | None = None
    raw_format: str | None = None
    comments: list[ParsedComment] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    read: bool | None = None
    starred: bool | None = None
    archived: bool | None = None
    added: datetime | None = None
    pending: bool = False
    """True for a URL-only row (from an export) whose page is still to be fetched."""
    source_name: str | None = None
    """The feed or site this article came from, when known."""
    reading_position: int | None = None
    """Where the reader left the article (a backup restores it)."""
    last_opened: datetime | None = None
    fetch_error: str | None = None
