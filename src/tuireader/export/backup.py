"""The whole library as one JSON document (``tuireader-backup``).

It is a superset of the bundle format read by :mod:`tuireader.importers.bundle`,
so ``tuireader import backup.json`` restores it into an empty library with
nothing lost: articles with their raw input, comments, tags (used or not),
notes with their highlight selectors and comment attachments, reading states
and positions, and the sites and feeds the library knows.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Iterator
from datetime import datetime
from typing import Any, TextIO

from sqlalchemy import select

from tuireader import __version__
from tuireader.importers.bundle import RAW_ENCODING
from tuireader.store.db import Database
from tuireader.store.feeds import feed_categories
from tuireader.store.models import Article, Source, Tag
from tuireader.store.queries import get_article, get_raw
from tuireader.store.types import utcnow
from tuireader.store.views import ArticleView

__all__ = [
    "article_record",
    "iter_article_records",
    "library_document",
    "write_library",
    "iso",
    "RAW_ENCODING",
]


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO-8601 with a ``Z``."""
    if value is None:
        return None
    return value.isoformat().replace("+00:00", "Z")


def pack_raw(raw: bytes | None) -> str | None:
    """Raw input as text for JSON: zlib-compressed, then base64."""
    return None if raw is None else base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def article_record(view: ArticleView, raw: bytes | None = None) -> dict[str, Any]:
    """One article, its thread, tags, states and notes, as JSON-ready data.

    *raw* (the input the article was extracted from) is included when given.
    """
    keys = {c.id: c.key for c in view.comments}
    record: dict[str, Any] = {
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
        "last_opened": iso(view.last_opened),
        "pending": view.pending,
        "fetch_error": view.fetch_error,
        "raw_format": view.raw_format,
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
                "added": iso(c.added),
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
    if raw is not None:
        record["raw_encoding"] = RAW_ENCODING
        record["raw"] = pack_raw(raw)
    return record


def iter_article_records(
    db: Database, *, include_raw: bool = False, user: str | None = None
) -> Iterator[dict[str, Any]]:
    """Every article's record as *user* sees it (their state, their notes), oldest id first,
    with its raw input if *include_raw*."""
    with db.session() as s:
        ids = list(s.execute(select(Article.id).order_by(Article.id)).scalars())
    for article_id in ids:
        raw = get_raw(db, article_id)[0] if include_raw else None
        yield article_record(get_article(db, article_id, user=user), raw)


def _header(db: Database, now: datetime | None) -> dict[str, Any]:
    """Everything of a backup but its articles."""
    with db.session() as s:
        tags = list(s.execute(select(Tag.name).order_by(Tag.name)).scalars())
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
                "full_text": bool(src.full_text),
                "categories": list(feed_categories(src.categories)),
                "created": iso(src.created),
            }
            for src in s.execute(select(Source).order_by(Source.id)).scalars()
        ]
    return {
        "format": "tuireader-backup",
        "version": 1,
        "generator": f"tuireader {__version__}",
        "exported": iso(now or utcnow()),
        "sources": sources,
        "tags": tags,
    }


def library_document(
    db: Database,
    *,
    include_raw: bool = True,
    now: datetime | None = None,
    user: str | None = None,
) -> dict[str, Any]:
    """The whole library as *user* sees it, as a ``tuireader-backup`` document (in memory).

    ``tuireader db copy`` copies every user's notes and state; this is one reader's backup.
    """
    doc = _header(db, now)
    doc["articles"] = list(iter_article_records(db, include_raw=include_raw, user=user))
    return doc


def write_library(
    db: Database, out: TextIO, *, include_raw: bool = True, now: datetime | None = None
) -> int:
    """Write the backup document to *out* one article at a time; return the article count."""
    out.write("{\n")
    for key, value in _header(db, now).items():
        out.write(f" {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write(' "articles": [')
    count = 0
    for record in iter_article_records(db, include_raw=include_raw):
        out.write(",\n  " if count else "\n  ")
        out.write(json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n ]\n}\n")
    return count
