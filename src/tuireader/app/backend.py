"""The app's door to the store, called only from thread workers.

Importing this module is cheap: the store (SQLAlchemy, SQLModel, Alembic) is
imported inside :meth:`Backend.open`, which runs in a worker, so the first frame
never waits for it.  Every method returns the frozen dataclasses of
:mod:`tuireader.store.views` (or plain values); widgets never see table rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from tuireader.store.library import Library
    from tuireader.store.views import (
        ArticleSummary,
        ArticleView,
        ImportOutcome,
        LibraryCounts,
        NoteView,
        SearchHit,
    )

__all__ = ["Backend", "ListSpec", "SearchResult", "SORTS", "VIEWS"]

SORTS: tuple[str, ...] = ("date", "title", "site")
VIEWS: tuple[str, ...] = ("all", "unread", "starred", "archived")


@dataclass(frozen=True, slots=True)
class ListSpec:
    """What the article list shows: the UI's twin of ``store.queries.ListQuery``."""

    sort: Literal["date", "title", "site"] = "date"
    view: Literal["all", "unread", "starred", "archived", "inbox"] = "all"
    tag: str | None = None
    site: str | None = None

    def describe(self) -> str:
        """A short description for the status line, e.g. ``unread · tag x · by date``."""
        parts = [self.view]
        if self.tag:
            parts.append(f"tag {self.tag}")
        if self.site:
            parts.append(f"site {self.site}")
        parts.append(f"by {self.sort}")
        return " · ".join(parts)


SEARCH_LIMIT = 100
"""Hits a search shows, best first (two lines each: five screens at 40 lines).  More
would cost every query time (each hit gets a snippet) for rows few people scroll to;
a narrower query finds the rest.  ``benchmarks/run.py`` measures searches of this size."""


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found: hits, their list rows, and the words to highlight."""

    query: str
    hits: tuple[SearchHit, ...]
    summaries: dict[int, ArticleSummary]
    terms: tuple[tuple[str, bool], ...]
    """``(word, is_prefix)`` pairs from the query, for highlighting in the reader."""
    capped: bool = False
    """True when there may be more hits than the ones kept (the best :data:`SEARCH_LIMIT`)."""


class Backend:
    """An open library and the reads and writes the app needs."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self.db = library.db

    @classmethod
    def open(cls, url: str) -> Backend:
        """Open (create or upgrade) the library at *url*; raises ``StoreError``."""
        from tuireader.store.library import Library

        return cls(Library.open(url))

    @property
    def created(self) -> bool:
        """True when opening made a new library."""
        migration = self.library.migration
        return bool(migration and migration.created)

    def close(self) -> None:
        """Release the connections."""
        self.library.close()

    # -- reads ---------------------------------------------------------------------------

    @staticmethod
    def _query(spec: ListSpec) -> Any:
        from tuireader.store.queries import ListQuery

        return ListQuery(sort=spec.sort, view=spec.view, tag=spec.tag, site=spec.site)

    def count(self, spec: ListSpec) -> int:
        """How many rows *spec* shows."""
        from tuireader.store.queries import count_articles

        return count_articles(self.db, self._query(spec))

    def page(
        self,
        spec: ListSpec,
        offset: int,
        limit: int,
        *,
        total: int,
        before: ArticleSummary | None = None,
        after: ArticleSummary | None = None,
    ) -> list[ArticleSummary]:
        """The rows ``offset .. offset+limit`` of *spec*.

        With the row just before *offset* (*before*) or just after the page
        (*after*) it pages by keyset; the last page is read backwards from the
        end; any other jump falls back to an offset scan.
        """
        from tuireader.store.queries import cursor_of, list_at_offset, list_page

        query = self._query(spec)
        if before is not None:
            return list_page(self.db, query, after=cursor_of(query, before), limit=limit)
        if after is not None:
            cursor = cursor_of(query, after)
            return list_page(self.db, query, after=cursor, limit=limit, backwards=True)
        if offset == 0:
            return list_page(self.db, query, limit=limit)
        if offset + limit >= total:
            rows = list_page(self.db, query, limit=max(0, total - offset), backwards=True)
            return rows
        return list_at_offset(self.db, query, offset, limit)

    def summaries(self, ids: list[int]) -> list[ArticleSummary]:
        """The list rows of *ids*."""
        from tuireader.store.queries import get_summaries

        return get_summaries(self.db, ids)

    def counts(self) -> LibraryCounts:
        """The header's totals.

        One indexed count per view (``store.queries.library_counts`` scans the whole
        article table, text included: ~10x slower on a large library).
        """
        from sqlalchemy import func, select

        from tuireader.store.models import Note
        from tuireader.store.queries import ListQuery, count_articles
        from tuireader.store.views import LibraryCounts

        total, unread, starred, archived = (
            count_articles(self.db, ListQuery(view=view))  # type: ignore[arg-type]
            for view in ("all", "unread", "starred", "archived")
        )
        with self.db.session() as s:
            notes = int(s.execute(select(func.count()).select_from(Note)).scalar_one())
        return LibraryCounts(total, unread, starred, archived, notes)

    def article(self, article_id: int) -> ArticleView:
        """One article with its thread and notes."""
        from tuireader.store.queries import get_article

        return get_article(self.db, article_id)

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with its article count."""
        from tuireader.store.queries import list_tags

        return list_tags(self.db)

    def sites(self) -> list[tuple[str, int]]:
        """Every site with its article count."""
        from tuireader.store.queries import list_sites

        return list_sites(self.db)

    def search(self, query: str, limit: int | None = None) -> SearchResult:
        """Search; raises ``SearchError`` with a message fit for the user."""
        from tuireader.store.search import parse_query, search

        parsed = parse_query(query)
        limit = SEARCH_LIMIT if limit is None else limit
        hits = search(self.db, query, limit=limit)
        rows = {s.id: s for s in self.summaries([h.article_id for h in hits])}
        terms = tuple(zip(parsed.terms, parsed.prefix, strict=True))
        return SearchResult(query, tuple(hits), rows, terms, capped=len(hits) >= limit)

    # -- writes --------------------------------------------------------------------------

    def set_flag(self, article_id: int, flag: str, value: bool) -> ArticleSummary | None:
        """Set a flag and return the article's new list row."""
        self.library.set_flag(article_id, flag, value)
        rows = self.summaries([article_id])
        return rows[0] if rows else None

    def set_tags(self, article_id: int, names: list[str]) -> tuple[str, ...]:
        """Replace the article's tags; return them as stored."""
        self.library.set_tags(article_id, names)
        return self.article_tags(article_id)

    def article_tags(self, article_id: int) -> tuple[str, ...]:
        """The article's tags."""
        return self.article(article_id).tags

    def mark_opened(self, article_id: int, *, mark_read: bool) -> datetime | None:
        """Record the opening; return the previous opening time."""
        return self.library.mark_opened(article_id, mark_read=mark_read)

    def set_position(self, article_id: int, position: int) -> None:
        """Remember the reading position (an offset in the article's plain text)."""
        self.library.set_reading_position(article_id, position)

    # -- the web (each runs its own event loop: call from a thread worker) -------------------

    fetch_limits: Any = None
    """``FetchLimits`` for the app's fetches; by default those of :func:`web_limits`."""

    def web_limits(self) -> Any:
        """The fetch limits: :attr:`fetch_limits` if set, else the defaults, refusing
        loopback and private addresses when the app is served to someone
        (:func:`tuireader.remote.policy`: the server's network is not theirs)."""
        if self.fetch_limits is not None:
            return self.fetch_limits
        from tuireader.importers.fetch import FetchLimits
        from tuireader.remote import policy

        return FetchLimits(allow_private=policy().private_network)

    def add_urls(self, urls: list[str], on_result: Callable[..., None] | None = None) -> list[Any]:
        """Fetch and save *urls*; ``WebResult`` per URL (see :mod:`tuireader.webimport`)."""
        import asyncio

        from tuireader.webimport import add_urls

        return asyncio.run(
            add_urls(self.library, urls, limits=self.web_limits(), on_result=on_result)
        )

    def fetch_pending(self, on_result: Callable[..., None] | None = None) -> list[Any]:
        """Fetch every pending article's page (earlier failures included)."""
        import asyncio

        from tuireader.webimport import fetch_pending

        return asyncio.run(
            fetch_pending(
                self.library, retry_failed=True, limits=self.web_limits(), on_result=on_result
            )
        )

    def sync_feeds(self, on_feed: Callable[..., None] | None = None) -> Any:
        """Sync every feed; a ``SyncOutcome`` (see :mod:`tuireader.feedsync`)."""
        import asyncio

        from tuireader.feedsync import sync_feeds

        return asyncio.run(sync_feeds(self.library, limits=self.web_limits(), on_feed=on_feed))

    def stripped(self, article_id: int) -> str:
        """The "what was stripped" report; raises ``ImportError_`` without a saved page."""
        from tuireader.webimport import stripped_text

        return stripped_text(self.library, article_id)

    def import_paths(
        self, paths: list[Path], progress: Callable[[Path, int, int], None] | None = None
    ) -> ImportOutcome:
        """Import files and folders (see :func:`tuireader.importing.import_paths`)."""
        from tuireader.importing import import_paths

        return import_paths(self.library, paths, progress)

    # -- notes -----------------------------------------------------------------------------
    # Each write commits before it returns: the UI says "saved" only after that.

    def add_note(self, article_id: int, text: str, *, comment_id: int | None = None) -> int:
        """Add a note on an article (or on one of its comments); return its id."""
        return self.library.add_note(article_id, text, comment_id=comment_id)

    def add_highlight(self, article_id: int, start: int, end: int, text: str = "") -> int:
        """Highlight ``start:end`` of the article's plain text; return the note's id."""
        return self.library.add_highlight(article_id, start, end, text)

    def update_note(self, note_id: int, text: str) -> None:
        """Replace a note's text."""
        self.library.update_note(note_id, text)

    def delete_note(self, note_id: int) -> None:
        """Delete a note or highlight."""
        self.library.delete_note(note_id)

    def article_notes(self, article_id: int) -> tuple[NoteView, ...]:
        """The notes of one article (oldest first)."""
        from tuireader.store.queries import all_notes

        return tuple(reversed(all_notes(self.db, article_id=article_id, limit=100_000)))

    def all_notes(
        self,
        text: str | None = None,
        tag: str | None = None,
        article_id: int | None = None,
        limit: int = 1000,
    ) -> list[NoteView]:
        """Every note of the library, newest first, filtered."""
        from tuireader.store.queries import all_notes

        return all_notes(self.db, text=text, tag=tag, article_id=article_id, limit=limit)

    def import_samples(
        self, folder: Path, progress: Callable[[Path, int, int], None] | None = None
    ) -> ImportOutcome | None:
        """Import the sample library from *folder*; None when there is nothing to import."""
        if not folder.is_dir() or not any(p.is_file() for p in folder.rglob("*")):
            return None
        from tuireader.importing import import_paths

        return import_paths(self.library, [folder], progress)
