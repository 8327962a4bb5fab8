"""Messages the workers post back to the UI thread.

Workers never touch widgets: they post one of these, and a handler on the UI
thread updates the widgets.  Widget-specific messages (``ArticleList.Selected``,
...) live with their widgets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from tuireader.app.backend import Backend, SearchResult
    from tuireader.app.widgets.reader_doc import DocChunk
    from tuireader.store.quicklist import FirstPage
    from tuireader.store.views import ArticleSummary, ArticleView, LibraryCounts

__all__ = [
    "DataMessage",
    "FirstPageRead",
    "LibraryOpened",
    "LibraryFailed",
    "LibraryChanged",
    "CountsChanged",
    "ArticleChanged",
    "ArticleLoaded",
    "ReaderChunk",
    "SearchDone",
    "SearchFailed",
    "TagsLoaded",
    "FilterChoices",
    "WebProgress",
    "WebDone",
    "StrippedReady",
]


class DataMessage(Message):
    """Base of the app's messages; subclasses are ``@dataclass(eq=False)``.

    ``Message.__init__`` calls ``__post_init__``, which a dataclass's own
    ``__init__`` calls too, so dataclass messages are set up either way.
    """


@dataclass(eq=False)
class FirstPageRead(DataMessage):
    """The list's first rows, read before the store is loaded (``store.quicklist``)."""

    page: FirstPage


@dataclass(eq=False)
class LibraryOpened(DataMessage):
    """The library is open (``backend.created`` tells a new one)."""

    backend: Backend


@dataclass(eq=False)
class LibraryFailed(DataMessage):
    """The library could not be opened; *message* is one line for the user."""

    message: str


@dataclass(eq=False)
class LibraryChanged(DataMessage):
    """Articles were added (sample import): reload the list and the counts."""

    final: bool = False
    summary: str = ""


@dataclass(eq=False)
class CountsChanged(DataMessage):
    """New totals for the header."""

    counts: LibraryCounts


@dataclass(eq=False)
class ArticleChanged(DataMessage):
    """An article's list row changed (a flag was set, it was opened)."""

    summary: ArticleSummary


@dataclass(eq=False)
class ArticleLoaded(DataMessage):
    """An article was read for the reader; ``previous_open`` is the last visit before this one."""

    view: ArticleView
    previous_open: datetime | None
    doc_id: int


@dataclass(eq=False)
class ReaderChunk(DataMessage):
    """A part of the reader's document, laid out; ``chunk.final`` on the last one."""

    chunk: DocChunk


@dataclass(eq=False)
class SearchDone(DataMessage):
    """A search finished."""

    result: SearchResult


@dataclass(eq=False)
class SearchFailed(DataMessage):
    """A query could not be searched; *message* is for the user."""

    message: str


@dataclass(eq=False)
class TagsLoaded(DataMessage):
    """An article's tags, to edit them."""

    article_id: int
    tags: tuple[str, ...]


@dataclass(eq=False)
class FilterChoices(DataMessage):
    """The tags and sites to filter the list by."""

    tags: list[tuple[str, int]]
    sites: list[tuple[str, int]]
    extra: Any = None


@dataclass(eq=False)
class WebProgress(DataMessage):
    """A web job (add, sync, fetch, import) advanced: *done* of *total*; *label* is plain text."""

    job: str
    done: int
    total: int
    label: str = ""


@dataclass(eq=False)
class WebDone(DataMessage):
    """A web job ended: *summary* for the notification, *problems* one line each."""

    job: str
    summary: str
    problems: list[str]
    opened: int | None = None
    """An article to open (a single URL added from the app)."""


@dataclass(eq=False)
class StrippedReady(DataMessage):
    """The "what was stripped" report of an article, to show."""

    article_id: int
    title: str
    report: str
