"""Following feeds: add a feed from its URL (or a page that names one), sync them all.

Shared by the CLI and the app (no ``textual`` here).  Every feed is fetched
concurrently with a conditional GET (the stored ETag / Last-Modified); a feed
that fails — network, HTTP status, not a feed — gets its error stored in
``Source.last_error`` and reported, and the others carry on.  feedparser only
ever sees the bytes the fetcher got.

Entries become articles of the feed's source, tagged with the feed's
categories.  Summary-only entries are saved ``pending``; with full text (the
feed's setting or ``full_text=True``) their pages are fetched and extracted
instead, and a page that cannot be fetched leaves the entry pending with its
error, for ``fetch-pending --retry-failed``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import httpx

from tuireader.importers.common import http_url
from tuireader.importers.feeds import ParsedFeed, is_feed, parse_feed
from tuireader.importers.fetch import Fetcher, FetchError, FetchLimits, FetchResult
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.store.db import StoreError
from tuireader.store.feeds import add_feed, get_feed, list_feeds, record_sync
from tuireader.store.library import Library
from tuireader.store.lookups import find_by_urls
from tuireader.store.views import FeedView
from tuireader.text import safe_line
from tuireader.webimport import (
    DEFAULT_CONCURRENCY,
    Writer,
    fetch_article,
    image_fetcher,
    keep_article_images,
    open_fetcher,
    run_bounded,
)

__all__ = [
    "FeedSyncResult",
    "SyncOutcome",
    "follow_feed",
    "sync_feeds",
    "discover_feed_url",
]

_FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)
FULL_TEXT_CONCURRENCY = 4
"""Pages fetched at once for one feed's summary-only entries."""
MAX_FULL_TEXT = 200
"""At most this many pages are fetched per feed and sync; the other entries stay
pending (the next sync, or ``fetch-pending``, gets them)."""


@dataclass(slots=True)
class FeedSyncResult:
    """What one feed's sync did; ``status`` is ``synced``, ``not_modified`` or ``failed``."""

    feed_id: int
    title: str
    feed_url: str
    status: Literal["synced", "not_modified", "failed"]
    new: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    full_text: int = 0
    """Entries whose full page was fetched."""
    pending: int = 0
    """Entries left pending (summary only, or their page failed)."""
    created: bool = False
    """True when :func:`follow_feed` started following this feed."""


@dataclass(slots=True)
class SyncOutcome:
    """Every feed's result, and the totals."""

    feeds: list[FeedSyncResult] = field(default_factory=list)

    @property
    def new(self) -> int:
        """New articles, all feeds together."""
        return sum(len(f.new) for f in self.feeds)

    @property
    def updated(self) -> int:
        """Articles updated, all feeds together."""
        return sum(len(f.updated) for f in self.feeds)

    @property
    def failed(self) -> list[FeedSyncResult]:
        """The feeds that failed."""
        return [f for f in self.feeds if f.status == "failed"]

    @property
    def summary(self) -> str:
        """'N feeds: X new, Y updated, Z not modified, W failed'."""
        unchanged = sum(1 for f in self.feeds if f.status == "not_modified")
        return (
            f"{len(self.feeds)} feeds: {self.new} new, {self.updated} updated, "
            f"{unchanged} not modified, {len(self.failed)} failed"
        )


FeedCallback = Callable[[FeedSyncResult, int, int], None]


def discover_feed_url(page: FetchResult) -> str | None:
    """The first feed a page names in ``<link rel="alternate" type="...rss/atom...">``."""
    from tuireader.importers.htmltree import load_tree

    try:
        tree = load_tree(page.body, encoding=page.charset)
    except ImportError_:
        return None
    for link in tree.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        kind = (link.get("type") or "").lower().strip()
        if "alternate" in rel and kind in _FEED_TYPES and kind != "application/feed+json":
            href = (link.get("href") or "").strip()
            if not href:
                continue
            try:
                url = str(httpx.URL(page.final_url).join(href))
            except (httpx.InvalidURL, ValueError):
                continue
            found = http_url(url)
            if found:
                return found
    return None


async def _fetch_feed(
    fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None
) -> FetchResult:
    return await fetcher.fetch(url, accept="feed", etag=etag, last_modified=last_modified)


async def _parse(result: FetchResult) -> ParsedFeed:
    content_type = result.headers.get("content-type") or result.content_type
    return await asyncio.to_thread(
        parse_feed, result.body, url=result.final_url, content_type=content_type
    )


async def _full_page(
    fetcher: Fetcher, entry: ParsedArticle, include_images: bool = False
) -> tuple[ParsedArticle, str | None]:
    """The entry with its page's full text, or the entry and the reason it failed."""
    assert entry.url is not None
    try:
        page, _result = await fetch_article(fetcher, entry.url, include_images=include_images)
    except Exception as exc:  # noqa: BLE001 - the entry stays, pending
        message = str(exc) if isinstance(exc, ImportError_) else type(exc).__name__
        return entry, safe_line(message)[:300] or "failed"
    page.url = entry.url  # found again by the entry's link on the next sync
    page.tags = [*entry.tags, *page.tags]
    page.published = entry.published or page.published
    page.author = page.author or entry.author
    page.source_name = entry.source_name
    return page, None


async def _store_entries(
    library: Library,
    writer: Writer,
    fetcher: Fetcher,
    feed: FeedView,
    parsed: ParsedFeed,
    result: FeedSyncResult,
    full_text: bool,
    pictures: Fetcher | None = None,
) -> None:
    """Save a feed's entries as articles of its source (fetching full pages if asked);
    with *pictures* (an image fetcher), the images of new articles are kept."""
    entries = parsed.entries
    for entry in entries:
        entry.source_name = feed.title
        entry.tags = [*entry.tags, *feed.categories]
    failures: dict[str, str] = {}
    if full_text:
        known = await asyncio.to_thread(
            find_by_urls, library.db, [e.url for e in entries if e.pending and e.url]
        )
        # Fetch only entries not already saved with their full text.
        wanted = [
            i
            for i, e in enumerate(entries)
            if e.pending and e.url and (e.url not in known or known[e.url][1])
        ]
        if len(wanted) > MAX_FULL_TEXT:
            result.warnings.append(
                f"{len(wanted) - MAX_FULL_TEXT} entries left pending: at most "
                f"{MAX_FULL_TEXT} pages are fetched per feed and sync"
            )
            wanted = wanted[:MAX_FULL_TEXT]
        pages = await run_bounded(
            [entries[i] for i in wanted],
            lambda e: _full_page(fetcher, e, pictures is not None),
            FULL_TEXT_CONCURRENCY,
        )
        for index, (page, error) in zip(wanted, pages, strict=True):
            entries[index] = page
            if error is None:
                result.full_text += 1
            else:
                failures[page.url or ""] = error
    saved = await writer.run(library.save_many, entries, source_id=feed.id)
    for entry, (article_id, created) in zip(entries, saved, strict=True):
        (result.new if created else result.updated).append(article_id)
        if created and pictures is not None and "![" in entry.body_markdown:
            await keep_article_images(writer, pictures, article_id, entry.body_markdown)
        if entry.pending:
            result.pending += 1
            error = failures.get(entry.url or "")
            if error:
                await writer.run(library.set_fetch_error, article_id, error)
    if failures:
        result.warnings.append(
            f"the full text of {len(failures)} entries could not be fetched "
            "(`tuireader fetch-pending --retry-failed` tries again)"
        )


async def _sync_one(
    library: Library,
    writer: Writer,
    fetcher: Fetcher,
    feed: FeedView,
    full_text: bool | None,
    document: tuple[FetchResult, ParsedFeed] | None = None,
    pictures: Fetcher | None = None,
) -> FeedSyncResult:
    """Sync one feed; every failure is caught, stored and returned."""
    result = FeedSyncResult(feed.id, feed.title, feed.feed_url, "synced")
    try:
        if document is None:
            fetched = await _fetch_feed(
                fetcher, feed.feed_url, etag=feed.etag, last_modified=feed.last_modified
            )
            if fetched.not_modified:
                result.status = "not_modified"
                await writer.run(record_sync, library.db, feed.id, not_modified=True)
                return result
            parsed = await _parse(fetched)
        else:
            fetched, parsed = document
        result.warnings.extend(parsed.warnings)
        wants_full = feed.full_text if full_text is None else full_text
        await _store_entries(library, writer, fetcher, feed, parsed, result, wants_full, pictures)
        await writer.run(
            record_sync,
            library.db,
            feed.id,
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            site_url=parsed.site_url,
        )
    except Exception as exc:  # noqa: BLE001 - one feed must never stop the others
        if isinstance(exc, ImportError_ | StoreError):
            message = str(exc)
        else:
            message = f"unexpected error: {type(exc).__name__}: {exc}"
        result.status = "failed"
        result.error = safe_line(message)[:300] or "failed"
        # If the database itself is failing, the result still says why.
        with contextlib.suppress(StoreError):
            await writer.run(record_sync, library.db, feed.id, error=result.error)
    return result


async def sync_feeds(
    library: Library,
    *,
    feeds: Iterable[int | str] | None = None,
    full_text: bool | None = None,
    fetcher: Fetcher | None = None,
    limits: FetchLimits | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_feed: FeedCallback | None = None,
    images: bool = False,
) -> SyncOutcome:
    """Sync every feed (or those named by id or URL in *feeds*), concurrently.

    *full_text* ``True`` fetches the pages of summary-only entries for every
    feed, ``False`` for none, ``None`` as each feed was set up.  *images* keeps
    the images of new articles offline.
    """
    if feeds is None:
        targets = await asyncio.to_thread(list_feeds, library.db)
    else:
        targets = [await asyncio.to_thread(get_feed, library.db, key) for key in feeds]
    writer = Writer(library)
    async with (
        open_fetcher(fetcher, limits) as fetcher_,
        image_fetcher(images, fetcher, limits) as pictures,
    ):
        results = await run_bounded(
            targets,
            lambda feed: _sync_one(library, writer, fetcher_, feed, full_text, None, pictures),
            concurrency,
            on_feed,
        )
    return SyncOutcome(results)


async def follow_feed(
    library: Library,
    url: str,
    *,
    full_text: bool = False,
    categories: Iterable[str] = (),
    fetcher: Fetcher | None = None,
    limits: FetchLimits | None = None,
    images: bool = False,
) -> FeedSyncResult:
    """Follow the feed at *url* and import its entries (with their images, if asked).

    *url* may also be a web page that names its feed in a ``<link
    rel="alternate">``.  Raises :class:`ImportError_` (a :class:`FetchError`
    for network problems) when no feed can be read there; nothing is stored
    then.
    """
    async with (
        open_fetcher(fetcher, limits) as fetcher_,
        image_fetcher(images, fetcher, limits) as pictures,
    ):
        fetched = await fetcher_.fetch(url, accept=("feed", "html"))
        feed_url = url.strip()
        if not is_feed(fetched.body):
            found = discover_feed_url(fetched) if b"<" in fetched.body[:4096] else None
            if found is None:
                raise FetchError("not a feed, and the page names no RSS or Atom feed", url=url)
            feed_url = found
            fetched = await _fetch_feed(fetcher_, found)
        parsed = await _parse(fetched)
        feed_id, created = await asyncio.to_thread(
            add_feed,
            library.db,
            feed_url,
            title=parsed.title,
            site_url=parsed.site_url,
            categories=categories,
            full_text=full_text,
        )
        feed = await asyncio.to_thread(get_feed, library.db, feed_id)
        document = (fetched, parsed)
        writer = Writer(library)
        result = await _sync_one(
            library, writer, fetcher_, feed, full_text or None, document, pictures
        )
    result.created = created
    return result
