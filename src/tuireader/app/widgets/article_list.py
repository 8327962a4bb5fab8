"""The article list: a Line-API widget that pages rows from the store.

Only the rows on screen are drawn (``render_line``); rows come from a
:class:`PageCache` filled by thread workers with keyset paging, so the list
opens at once on 100,000 articles.  A cursor move repaints the two rows that
changed.  In search mode the list shows search hits (two lines each: the row
and a snippet with the matches marked).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events, work
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader.app.backend import ListSpec, SearchResult
from tuireader.app.keymap import bindings_for
from tuireader.app.messages import DataMessage
from tuireader.app.widgets.page_cache import PageCache
from tuireader.app.widgets.rows import RowPainter
from tuireader.app.widgets.scrolling import set_virtual_size, style_signature

if TYPE_CHECKING:
    from tuireader.store.views import ArticleSummary, SearchHit

__all__ = ["ArticleList"]


class ArticleList(ScrollView, can_focus=True):
    """The list of articles (or of search results)."""

    BINDINGS = bindings_for("list")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "article-list--cursor",
        "article-list--cursor-blurred",
        "article-list--marker",
        "article-list--star",
        "article-list--meta",
        "article-list--match",
    }
    DEFAULT_CSS = """
    ArticleList { height: 1fr; }
    """
    PAGE_SIZE = 100

    @dataclass(eq=False)
    class Selected(DataMessage):
        """Enter (or a click on the cursor row) opened an article."""

        article_list: ArticleList
        summary: ArticleSummary
        hit: SearchHit | None = None

        @property
        def control(self) -> ArticleList:
            """The list that sent the message."""
            return self.article_list

    @dataclass(eq=False)
    class CursorMoved(DataMessage):
        """The cursor moved (the screen updates the position count)."""

        article_list: ArticleList
        index: int
        total: int

        @property
        def control(self) -> ArticleList:
            """The list that sent the message."""
            return self.article_list

    @dataclass(eq=False)
    class _PageLoaded(DataMessage):
        generation: int
        page: int
        rows: list[ArticleSummary]

    @dataclass(eq=False)
    class _Reset(DataMessage):
        generation: int
        total: int
        page: int
        rows: list[ArticleSummary]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.spec = ListSpec()
        self.cache: PageCache[ArticleSummary] = PageCache(self.PAGE_SIZE)
        self.cursor = 0
        self.jump_scroll = True
        """Scroll by half a page when the cursor leaves the screen (see ``line_scroll``)."""
        self.result: SearchResult | None = None
        """The search shown, or None for the library."""
        self.message = "Opening the library…"
        """What an empty list says."""
        self._library_cursor = 0
        self._early = False
        """True while the rows shown were read before the library opened."""
        self._painter = RowPainter(self)
        self._signature: tuple[object, ...] | None = None
        self.cursor_listener: Callable[[ArticleList], None] | None = None
        """Called at once on every cursor move (the screen's position count), so the
        count repaints in the same frame as the rows; ``CursorMoved`` follows as a message."""

    # -- what is shown -----------------------------------------------------------------

    @property
    def in_search(self) -> bool:
        """True while search results replace the library."""
        return self.result is not None

    @property
    def row_height(self) -> int:
        """Screen lines per row (2 for search hits: the row and its snippet)."""
        return 2 if self.result is not None else 1

    @property
    def total(self) -> int:
        """Rows in the list (0 while loading)."""
        if self.result is not None:
            return len(self.result.hits)
        return self.cache.total or 0

    def row(self, index: int) -> ArticleSummary | None:
        """Row *index* when loaded."""
        if self.result is not None:
            if 0 <= index < len(self.result.hits):
                return self.result.summaries.get(self.result.hits[index].article_id)
            return None
        return self.cache.row(index)

    @property
    def current(self) -> ArticleSummary | None:
        """The row under the cursor, when loaded."""
        return self.row(self.cursor)

    @property
    def current_hit(self) -> SearchHit | None:
        """The search hit under the cursor, in search mode."""
        if self.result is not None and 0 <= self.cursor < len(self.result.hits):
            return self.result.hits[self.cursor]
        return None

    def _update_size(self) -> None:
        size = Size(self.scrollable_content_region.width, self.total * self.row_height)
        set_virtual_size(self, size)

    # -- loading -----------------------------------------------------------------------------

    def load(self, spec: ListSpec | None = None, *, keep_cursor: bool = True) -> None:
        """(Re)load the library rows for *spec* (default: the current one) in a worker."""
        backend = getattr(self.app, "backend", None)
        if backend is None:
            return
        self._early = False
        if spec is not None and spec != self.spec:
            self.spec = spec
            keep_cursor = False
        generation = self.cache.reset(self.cache.total if keep_cursor else None)
        cursor = self.cursor if keep_cursor and not self.in_search else 0
        if self.in_search:
            cursor = self._library_cursor if keep_cursor else 0
            self._library_cursor = cursor
        else:
            self.cursor = cursor
        self._reset_worker(generation, self.spec, cursor)

    def show_first_page(self, total: int, rows: list[ArticleSummary]) -> None:
        """Show rows read before the library opened (``store.quicklist``).

        Until the library opens the rows beyond them show as placeholders; then
        :meth:`adopt_first_page` keeps them.
        """
        if self.cache.total is not None or self.in_search:
            return
        self._early = True
        self.cache.total = total
        self.cache.put(self.cache.generation, 0, rows)
        if total == 0:
            self.message = "Nothing here. Import articles with: tuireader import FILE…"
        self._update_size()
        self.refresh()
        self._post_cursor()

    def adopt_first_page(self) -> bool:
        """The library opened: keep the rows read before it, if they are shown.

        The store gives the same rows (``tests/test_quicklist.py``), so the list is
        not read again; rows drawn as placeholders meanwhile ask for their pages
        now.  False when no such rows are shown (the caller then loads the list).
        """
        if not self._early:
            return False
        self._early = False
        self.refresh()
        return True

    @work(thread=True, exclusive=True, group="list-reset", exit_on_error=False)
    def _reset_worker(self, generation: int, spec: ListSpec, cursor: int) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        total = backend.count(spec)
        page = min(cursor, max(0, total - 1)) // self.PAGE_SIZE
        rows = backend.page(spec, page * self.PAGE_SIZE, self.PAGE_SIZE, total=total)
        self.post_message(self._Reset(generation, total, page, rows))

    def on_article_list__reset(self, message: _Reset) -> None:
        """A reload finished."""
        message.stop()
        if message.generation != self.cache.generation:
            return
        self.cache.total = message.total
        self.cache.put(message.generation, message.page, message.rows)
        if message.total == 0:
            self.message = "Nothing here. Import articles with: tuireader import FILE…"
        if not self.in_search:
            self.cursor = min(self.cursor, max(0, message.total - 1))
            self._update_size()
            self._scroll_to_cursor()
            self.refresh()
            self._post_cursor()

    def _request_pages(self, first: int, last: int) -> None:
        if self.in_search or getattr(self.app, "backend", None) is None:
            return
        for page in self.cache.missing(first, last):
            before, after = self.cache.neighbours(page)
            self.cache.pending.add(page)
            total = self.cache.total or 0
            self._fetch_page(self.cache.generation, self.spec, page, total, before, after)

    @work(thread=True, group="list-pages", exit_on_error=False)
    def _fetch_page(
        self,
        generation: int,
        spec: ListSpec,
        page: int,
        total: int,
        before: ArticleSummary | None,
        after: ArticleSummary | None,
    ) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        size = self.PAGE_SIZE
        rows = backend.page(spec, page * size, size, total=total, before=before, after=after)
        self.post_message(self._PageLoaded(generation, page, rows))

    def on_article_list__page_loaded(self, message: _PageLoaded) -> None:
        """A page arrived: draw the rows of it that are on screen."""
        message.stop()
        if self.cache.put(message.generation, message.page, message.rows) and not self.in_search:
            first = message.page * self.PAGE_SIZE
            top = int(self.scroll_y)
            lo, hi = max(first, top), min(first + len(message.rows), top + self.size.height)
            if hi > lo:
                self.refresh_lines(lo, hi - lo)
            if first <= self.cursor < first + len(message.rows):
                self._post_cursor()

    def update_row(self, summary: ArticleSummary) -> None:
        """A row changed (a flag was set): redraw its line without reloading the list."""
        indices = self.cache.replace(summary)
        if self.result is not None and summary.id in self.result.summaries:
            self.result.summaries[summary.id] = summary
            indices = [i for i, h in enumerate(self.result.hits) if h.article_id == summary.id]
        elif self.result is not None:
            indices = []
        for index in indices:
            self.refresh_lines(index * self.row_height, self.row_height)

    # -- search mode ---------------------------------------------------------------------------

    def show_results(self, result: SearchResult) -> None:
        """Replace the list with search results."""
        if self.result is None:
            self._library_cursor = self.cursor
        self.result = result
        self.cursor = 0
        self.message = "No matches."
        self._update_size()
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()
        self._post_cursor()

    def leave_search(self) -> None:
        """Show the library again, with the cursor where it was."""
        if self.result is None:
            return
        self.result = None
        self.cursor = self._library_cursor
        self._update_size()
        self._scroll_to_cursor()
        self.refresh()
        self._post_cursor()

    # -- cursor ------------------------------------------------------------------------------------

    def move_cursor(self, index: int) -> None:
        """Put the cursor on row *index* (clamped), repainting only what changed."""
        total = self.total
        if total == 0:
            return
        index = max(0, min(index, total - 1))
        if index == self.cursor:
            return
        old, self.cursor = self.cursor, index
        height = self.row_height
        if not self._scroll_to_cursor():
            self.refresh_lines(old * height, height)
            self.refresh_lines(index * height, height)
        self._post_cursor()

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor is visible; True if it scrolled.

        With :attr:`jump_scroll` (the default) a cursor that leaves the screen
        lands in its middle: the whole list is drawn again once per half page
        instead of at every step, as mutt does by default for slow links (a
        terminal has no cheaper way to scroll for Textual).
        """
        height = self.row_height
        top = self.cursor * height
        view = self.scrollable_content_region.height
        if view <= 0:
            return False
        above, below = top < self.scroll_y, top + height > self.scroll_y + view
        if not (above or below):
            return False
        if self.jump_scroll:
            target = top - (view // height // 2) * height
        else:
            target = top if above else top + height - view
        self.scroll_to(y=max(0, target), animate=False, immediate=True)
        return True

    def _post_cursor(self) -> None:
        if self.cursor_listener is not None:
            self.cursor_listener(self)
        self.post_message(self.CursorMoved(self, self.cursor, self.total))

    def _rows_per_page(self) -> int:
        return max(1, self.scrollable_content_region.height // self.row_height - 1)

    def action_cursor_down(self) -> None:
        """Next row."""
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        """Previous row."""
        self.move_cursor(self.cursor - 1)

    def action_first(self) -> None:
        """First row."""
        self.move_cursor(0)

    def action_last(self) -> None:
        """Last row."""
        self.move_cursor(self.total - 1)

    def action_page_down(self) -> None:
        """One screen down."""
        self.move_cursor(self.cursor + self._rows_per_page())

    def action_page_up(self) -> None:
        """One screen up."""
        self.move_cursor(self.cursor - self._rows_per_page())

    def action_open(self) -> None:
        """Open the article under the cursor."""
        summary = self.current
        if summary is not None:
            self.post_message(self.Selected(self, summary, self.current_hit))

    def on_click(self, event: events.Click) -> None:
        """A click moves the cursor; a click on the cursor row opens it."""
        index = (int(self.scroll_y) + event.y) // self.row_height
        if 0 <= index < self.total:
            if index == self.cursor:
                self.action_open()
            else:
                self.move_cursor(index)

    # -- drawing -----------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Draw screen line *y*."""
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        height = self.row_height
        index, part = divmod(line, height)
        base = self.rich_style
        if self.total == 0:
            if y == 0:
                return self._painter.message(self.message, width)
            return Strip.blank(width, base)
        if index >= self.total:
            return Strip.blank(width, base)
        summary = self.row(index)
        if summary is None:
            view = self.scrollable_content_region.height
            self._request_pages(int(self.scroll_y) // height, (int(self.scroll_y) + view) // height)
            return self._painter.placeholder(width, index == self.cursor)
        hit = self.result.hits[index] if self.result is not None and part == 1 else None
        if hit is not None:
            return self._painter.snippet(hit, width, index == self.cursor)
        return self._painter.row(summary, width, index == self.cursor)

    def on_focus(self) -> None:
        """Redraw the cursor row in its focused colour."""
        self.refresh_lines(self.cursor * self.row_height, self.row_height)

    def on_blur(self) -> None:
        """Redraw the cursor row in its unfocused colour."""
        self.refresh_lines(self.cursor * self.row_height, self.row_height)

    def cursor_region(self) -> Region:
        """The cursor row, in content coordinates."""
        return Region(0, self.cursor * self.row_height, self.size.width, self.row_height)

    def notify_style_update(self) -> None:
        """Styles were applied again: forget the drawn rows only if the colours changed."""
        super().notify_style_update()
        signature = style_signature(self)
        if signature != self._signature:
            self._signature = signature
            self._painter.clear()
