"""The whole library as one JSON document (``tuireader-backup``).

It is a superset of the bundle format read by :mod:`tuireader.importers.bundle`,
so ``tuireader import backup.json`` restores it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from tuireader import __version__
from tuireader.store.db import Database
from tuireader.store.models import Article, Source
from tuireader.store.queries import get_article
from tuireader.store.types import utcnow
from tuireader.store.views import ArticleView

__all__ = ["article_record", "iter_article_records", "library_document", "iso"]


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO-8601 with a ``Z``."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def article_record(view: ArticleView) -> dict[str, Any]:
    """One article, its thread, tags, states and notes, as JSON-ready data."""
    keys = {c.id: c.key for c in view.comments}
    return {
        "id": view.id,
        "url": view.url,
        "canonical_url": view.canonical_url,
        "title": view.title,
        "author": view.author,
        "published": iso(view.published),
        "added": iso(view.added),
        "site": view.site or None,
        "language": view.language,
        "body_markdown": view.body_markdown,
        "text": view.text,
        "tags": list(view.tags),
        "read": view.read,
        "starred": view.starred,
        "archived": view.archived,
        "reading_position": view.reading_position,
        "pending": view.pending,
        "comments": [
            {
                "id": c.id,
                "key": c.key,
                "parent_id": c.parent_id,
                "parent_key": keys.get(c.parent_id) if c.parent_id else None,
                "author": c.author,
                "posted": iso(c.posted),
                "text": c.text,
                "flat": c.flat,
            }
            for c in view.comments
        ],
        "notes": [
            {
                "id": n.id,
                "text": n.text,
                "quote": n.quote,
                "prefix": n.prefix,
                "suffix": n.suffix,
                "start": n.start,
                "end": n.end,
                "orphaned": n.orphaned,
                "comment_id": n.comment_id,
                "comment_key": keys.get(n.comment_id) if n.comment_id else None,
                "created": iso(n.created),
                "updated": iso(n.updated),
                "owner": n.owner,
                "shared": n.shared,
            }
            for n in view.notes
        ],
    }


def iter_article_records(db: Database, *, user: str | None = None) -> Iterator[dict[str, Any]]:
    """Every article's record as *user* sees it (their state, their notes), oldest id first."""
    with db.session() as s:
        ids = list(s.execute(select(Article.id).order_by(Article.id)).scalars())
    for article_id in ids:
        yield article_record(get_article(db, article_id, user=user))


def library_document(db: Database, *, user: str | None = None) -> dict[str, Any]:
    """The whole library as *user* sees it, as a ``tuireader-backup`` document.

    ``tuireader db copy`` copies every user's notes and state; this is one reader's backup.
    """
    with db.session() as s:
        sources = [
            {
                "name": src.name,
                "kind": src.kind,
                "url": src.url,
                "feed_url": src.feed_url,
                "etag": src.etag,
                "last_modified": src.last_modified,
                "last_error": src.last_error,
                "last_synced": iso(src.last_synced),
            }
            for src in s.execute(select(Source).order_by(Source.id)).scalars()
        ]
    return {
        "format": "tuireader-backup",
        "version": 1,
        "generator": f"tuireader {__version__}",
        "exported": iso(utcnow()),
        "sources": sources,
        "articles": list(iter_article_records(db, user=user)),
    }
