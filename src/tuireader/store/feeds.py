"""The feeds a library follows: adding, listing, removing, and recording each sync.

A feed is a :class:`~tuireader.store.models.Source` with ``kind="feed"`` and a
unique ``feed_url``; its entries are articles linked to it.  Removing a feed
keeps its articles (they lose the link, not their site name).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tuireader.store.db import Database, StoreError
from tuireader.store.models import Article, Source
from tuireader.store.types import utcnow
from tuireader.store.views import FeedView
from tuireader.text import safe_line

__all__ = [
    "add_feed",
    "list_feeds",
    "get_feed",
    "remove_feed",
    "record_sync",
    "feed_categories",
]

_MAX_CATEGORIES = 50


def feed_categories(raw: str | None) -> tuple[str, ...]:
    """The category names stored in ``Source.categories`` (bad JSON gives none)."""
    if not raw:
        return ()
    try:
        values = json.loads(raw)
    except ValueError:
        return ()
    if not isinstance(values, list):
        return ()
    return tuple(safe_line(v)[:100] for v in values if isinstance(v, str) and safe_line(v))


def _clean_categories(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        name = safe_line(value)[:100]
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return list(seen.values())[:_MAX_CATEGORIES]


def _view(source: Source, count: int = 0) -> FeedView:
    assert source.id is not None
    return FeedView(
        id=source.id,
        title=source.name,
        feed_url=source.feed_url or "",
        site_url=source.url,
        categories=feed_categories(source.categories),
        full_text=bool(source.full_text),
        etag=source.etag,
        last_modified=source.last_modified,
        last_error=source.last_error,
        last_synced=source.last_synced,
        created=source.created,
        article_count=count,
    )


def add_feed(
    db: Database,
    feed_url: str,
    *,
    title: str,
    site_url: str | None = None,
    categories: Iterable[str] = (),
    full_text: bool = False,
) -> tuple[int, bool]:
    """Follow the feed at *feed_url*; return ``(feed_id, created)``.

    A feed already followed keeps its title; it gains the new *categories* and
    ``full_text`` when asked for.  A site source of the same name that is not a
    feed yet (pages saved from that site before) becomes this feed.
    """
    name = safe_line(title)[:500] or safe_line(feed_url)[:500]
    new_categories = _clean_categories(categories)
    with db.transaction() as s:
        source = s.execute(select(Source).where(Source.feed_url == feed_url)).scalars().first()
        created = source is None
        if source is None:
            source = (
                s.execute(
                    select(Source).where(
                        Source.name == name,
                        Source.feed_url.is_(None),  # type: ignore[union-attr]
                    )
                )
                .scalars()
                .first()
            )
            if source is None:
                source = Source(name=name)
                s.add(source)
            source.kind = "feed"
            source.feed_url = feed_url
        source.url = source.url or site_url
        merged = _clean_categories([*feed_categories(source.categories), *new_categories])
        source.categories = json.dumps(merged, ensure_ascii=False) if merged else None
        source.full_text = bool(source.full_text) or full_text
        s.flush()
        assert source.id is not None
        return source.id, created


def _feed_by_key(s: Session, key: str | int) -> Source:
    text = str(key).strip()
    source = None
    if text.isdigit():
        source = s.get(Source, int(text))
    if source is None:
        source = s.execute(select(Source).where(Source.feed_url == text)).scalars().first()
    if source is None or source.kind != "feed" or not source.feed_url:
        raise StoreError(f"no feed {safe_line(text)[:200]!r} (see `tuireader feed list`)")
    return source


def _counts(s: Session) -> dict[int, int]:
    rows = s.execute(
        select(Article.source_id, func.count())
        .where(Article.source_id.is_not(None))  # type: ignore[union-attr]
        .group_by(Article.source_id)
    )
    return {int(sid): int(n) for sid, n in rows}


def list_feeds(db: Database) -> list[FeedView]:
    """Every feed the library follows, by title."""
    with db.session() as s:
        counts = _counts(s)
        sources = s.execute(
            select(Source).where(Source.kind == "feed").order_by(Source.name, Source.id)
        ).scalars()
        return [_view(src, counts.get(src.id or 0, 0)) for src in sources if src.feed_url]


def get_feed(db: Database, key: str | int) -> FeedView:
    """The feed with this id or feed URL; :class:`StoreError` when there is none."""
    with db.session() as s:
        source = _feed_by_key(s, key)
        return _view(source, _counts(s).get(source.id or 0, 0))


def remove_feed(db: Database, key: str | int) -> FeedView:
    """Stop following a feed (by id or feed URL); its articles stay in the library."""
    with db.transaction() as s:
        source = _feed_by_key(s, key)
        view = _view(source, _counts(s).get(source.id or 0, 0))
        s.delete(source)
        return view


def record_sync(
    db: Database,
    feed_id: int,
    *,
    error: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    not_modified: bool = False,
    site_url: str | None = None,
    when: datetime | None = None,
) -> None:
    """Store the outcome of one sync of a feed.

    A failure keeps the validators of the last good fetch and records *error*;
    a success (or "not modified") clears the error and records the time, and a
    fetched document replaces the validators with its own.
    """
    with db.transaction() as s:
        source = s.get(Source, feed_id)
        if source is None:
            return  # removed while it was being synced
        if error:
            source.last_error = safe_line(error)[:500]
            return
        source.last_error = None
        source.last_synced = when or utcnow()
        if not not_modified:
            source.etag = etag
            source.last_modified = last_modified
        source.url = source.url or site_url
