"""Saving pages from the web: add URLs, fetch pending articles, show what was stripped.

Shared by the CLI (which runs these coroutines with :func:`asyncio.run`) and
the app (which awaits them in a worker); nothing here imports ``textual``.
Fetches run concurrently — at most *concurrency* at a time, and the
fetcher's own per-host limit — while parsing and database writes run in
threads (:func:`asyncio.to_thread`) so the event loop stays free; writes go
one at a time (:class:`Writer`).  One URL failing never stops the others: its
result says why, on one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from tuireader.importers.fetch import Fetcher, FetchLimits, FetchResult
from tuireader.importers.html import parse_html, stripped_report
from tuireader.importers.model import ImportError_, ParsedArticle, ParsedComment
from tuireader.store.db import StoreError
from tuireader.store.library import Library
from tuireader.store.lookups import PendingArticle, find_by_urls, pending_articles
from tuireader.store.queries import get_article, get_raw
from tuireader.text import safe_line

__all__ = [
    "DEFAULT_CONCURRENCY",
    "WebResult",
    "ResultCallback",
    "Writer",
    "open_fetcher",
    "fetch_article",
    "image_fetcher",
    "keep_article_images",
    "run_bounded",
    "add_urls",
    "fetch_pending",
    "stripped_text",
]

DEFAULT_CONCURRENCY = 8
"""How many fetches run at once (the fetcher also limits each host to a few)."""

T = TypeVar("T")
R = TypeVar("R")


@dataclass(slots=True)
class WebResult:
    """What happened to one URL: ``status`` is ``added``, ``updated``, ``fetched``
    (a pending article got its page) or ``failed`` (``error`` says why)."""

    url: str
    status: str
    article_id: int | None = None
    title: str = ""
    comments: int = 0
    error: str | None = None
    final_url: str | None = None
    images: int = 0

    @property
    def ok(self) -> bool:
        """True unless the URL failed."""
        return self.status != "failed"


ResultCallback = Callable[[WebResult, int, int], None]
"""Called with each result as it arrives, the number done and the total."""


class Writer:
    """Runs the library's writes in a thread, one at a time."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._lock = asyncio.Lock()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(*args, **kwargs)`` in a worker thread, after the previous write ended."""
        async with self._lock:
            return await asyncio.to_thread(fn, *args, **kwargs)


@asynccontextmanager
async def open_fetcher(
    fetcher: Fetcher | None = None, limits: FetchLimits | None = None
) -> AsyncIterator[Fetcher]:
    """The caller's *fetcher*, or a new one (closed afterwards) with *limits*."""
    if fetcher is not None:
        yield fetcher
        return
    async with Fetcher(limits) as own:
        yield own


async def fetch_article(
    fetcher: Fetcher, url: str, *, include_images: bool = False
) -> tuple[ParsedArticle, FetchResult]:
    """Fetch a page and extract its article and comments (in a thread).

    Raises :class:`ImportError_` (a :class:`FetchError` for network problems)."""
    result = await fetcher.fetch(url, accept="html")
    parsed = await asyncio.to_thread(
        parse_html,
        result.body,
        url=result.final_url,
        encoding=result.charset,
        include_images=include_images,
    )
    return parsed, result


@asynccontextmanager
async def image_fetcher(
    wanted: bool, base: Fetcher | None, limits: FetchLimits | None
) -> AsyncIterator[Fetcher | None]:
    """A fetcher for images (their own size cap) when *wanted*, else ``None``."""
    if not wanted:
        yield None
        return
    from tuireader.images import image_limits

    async with Fetcher(image_limits(limits or (base.limits if base else None))) as fetcher:
        yield fetcher


async def run_bounded(
    items: Sequence[T],
    worker: Callable[[T], Awaitable[R]],
    concurrency: int,
    on_done: Callable[[R, int, int], None] | None = None,
) -> list[R]:
    """Run *worker* on every item, at most *concurrency* at a time; results in order."""
    gate = asyncio.Semaphore(max(1, concurrency))
    results: list[R | None] = [None] * len(items)
    done = 0

    async def one(index: int, item: T) -> None:
        nonlocal done
        async with gate:
            result = await worker(item)
        results[index] = result
        done += 1
        if on_done is not None:
            on_done(result, done, len(items))

    await asyncio.gather(*(one(i, item) for i, item in enumerate(items)))
    return [r for r in results if r is not None]


def _failure(url: str, exc: BaseException) -> WebResult:
    if isinstance(exc, ImportError_ | StoreError):
        message = str(exc)
    elif isinstance(exc, RecursionError):
        message = "the page is nested too deeply"
    else:
        message = f"unexpected error: {type(exc).__name__}: {exc}"
    return WebResult(url=url, status="failed", error=safe_line(message)[:300] or "failed")


def _unique(urls: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for url in urls:
        text = url.strip()
        if text:
            seen.setdefault(text, None)
    return list(seen)


async def keep_article_images(
    writer: Writer, fetcher: Fetcher | None, article_id: int, markdown: str
) -> int:
    """Keep an article's images offline; the number kept (0 without an image fetcher)."""
    if fetcher is None:
        return 0
    from tuireader.images import keep_images

    outcome = await keep_images(writer, fetcher, article_id, markdown)
    return outcome.kept


async def add_urls(
    library: Library,
    urls: Iterable[str],
    *,
    fetcher: Fetcher | None = None,
    limits: FetchLimits | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: ResultCallback | None = None,
    images: bool = False,
) -> list[WebResult]:
    """Fetch each URL, extract its article and comment thread, and save it.

    A URL the library already holds (as its URL or canonical URL, pending or
    not) updates that article, keeping its notes, tags and states.  Results
    come back in the order of *urls* (duplicates removed).
    """
    writer = Writer(library)

    async def one(url: str) -> WebResult:
        try:
            parsed, result = await fetch_article(fetcher_, url, include_images=images)
            known = await asyncio.to_thread(
                find_by_urls, library.db, [url, result.final_url, parsed.canonical_url or ""]
            )
            into = next(
                (known[u][0] for u in (url, result.final_url, parsed.canonical_url) if u in known),
                None,
            )
            article_id, created = await writer.run(library.save_article, parsed, into=into)
            kept = await keep_article_images(writer, pictures, article_id, parsed.body_markdown)
        except Exception as exc:  # noqa: BLE001 - one URL must not stop the others
            return _failure(url, exc)
        return WebResult(
            url=url,
            status="added" if created else "updated",
            article_id=article_id,
            title=parsed.title,
            comments=len(parsed.comments),
            final_url=result.final_url,
            images=kept,
        )

    async with (
        open_fetcher(fetcher, limits) as fetcher_,
        image_fetcher(images, fetcher, limits) as pictures,
    ):
        return await run_bounded(_unique(urls), one, concurrency, on_result)


async def fetch_pending(
    library: Library,
    *,
    retry_failed: bool = False,
    ids: Iterable[int] | None = None,
    fetcher: Fetcher | None = None,
    limits: FetchLimits | None = None,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: ResultCallback | None = None,
    images: bool = False,
) -> list[WebResult]:
    """Fetch the pages of pending articles (URL-only rows of exports, summary-only
    feed entries) and fill the articles in place.

    A failure leaves the article pending with its ``fetch_error``; such articles
    are tried again only with *retry_failed* (or when named in *ids*).
    """
    items = await asyncio.to_thread(
        pending_articles, library.db, retry_failed=retry_failed, ids=ids
    )
    writer = Writer(library)

    async def one(item: PendingArticle) -> WebResult:
        try:
            parsed, result = await fetch_article(fetcher_, item.url, include_images=images)
            article_id, _created = await writer.run(library.save_article, parsed, into=item.id)
            kept = await keep_article_images(writer, pictures, article_id, parsed.body_markdown)
        except Exception as exc:  # noqa: BLE001 - one URL must not stop the others
            failed = _failure(item.url, exc)
            failed.article_id, failed.title = item.id, item.title
            try:
                await writer.run(library.set_fetch_error, item.id, failed.error)
            except StoreError as store_exc:
                failed.error = f"{failed.error} (and could not record it: {store_exc})"
            return failed
        return WebResult(
            url=item.url,
            status="fetched",
            article_id=article_id,
            title=parsed.title,
            comments=len(parsed.comments),
            final_url=result.final_url,
            images=kept,
        )

    async with (
        open_fetcher(fetcher, limits) as fetcher_,
        image_fetcher(images, fetcher, limits) as pictures,
    ):
        return await run_bounded(items, one, concurrency, on_result)


def stripped_text(library: Library, article_id: int) -> str:
    """The "what was stripped" report of an article saved from a page.

    Compares the page kept in ``Article.raw`` with the text and comments the
    library holds.  Raises :class:`StoreError` for an unknown article and
    :class:`ImportError_` when no page was kept (a text dump, a pending row...).
    """
    raw, raw_format = get_raw(library.db, article_id)
    if raw is None or raw_format != "html":
        kind = f"it was imported from {raw_format}" if raw_format else "no page was kept"
        raise ImportError_(f"article {article_id} has no saved page to compare with ({kind})")
    view = get_article(library.db, article_id)
    kept = ParsedArticle(
        title=view.title,
        text=view.text,
        comments=[
            ParsedComment(key=str(c.id), author=c.author, text=c.text) for c in view.comments
        ],
    )
    return stripped_report(raw, kept)
