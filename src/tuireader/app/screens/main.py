"""The main screen: list | reader | comments, laid out for the terminal's size.

- 120 columns or more (and more than 24 rows): three panes side by side.
- 80 to 119 columns: list and reader; ``c`` shows the comments in place of the reader.
- Below 80 columns, or 24 rows or fewer: one pane at a time; Enter goes in, Esc comes back.

The screen owns the flows between panes (open, back); the article actions
(star, read, archive, tags, filters, links) are in :mod:`article_actions` and
the search flow in :mod:`search_flow`.
"""

from __future__ import annotations

import time
from typing import Literal

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from tuireader.app.keymap import bindings_for
from tuireader.app.links import notify_plain
from tuireader.app.messages import (
    ArticleChanged,
    ArticleLoaded,
    CountsChanged,
    ReaderChunk,
)
from tuireader.app.screens.article_actions import ArticleActions
from tuireader.app.screens.note_actions import NoteActions
from tuireader.app.screens.search_flow import SearchFlow
from tuireader.app.screens.web_actions import WebActions
from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.comment_tree import CommentDetail, CommentTree
from tuireader.app.widgets.footer import ReaderFooter
from tuireader.app.widgets.header import LibraryHeader, ListStatus, PaneTitle
from tuireader.app.widgets.notes_panel import NotesPanel
from tuireader.app.widgets.reader import ReaderView
from tuireader.app.widgets.reader_doc import build_document
from tuireader.app.widgets.selection import SelectionBar
from tuireader.app.workers import ReportWorkerErrors, describe_error

__all__ = ["MainScreen", "layout_for", "PANES"]

Mode = Literal["wide", "medium", "narrow"]
PANES = ("list", "reader", "comments")
SEARCH_HELP = 'Search: words, "a phrase", is:unread is:starred tag:x site:x has:note in:comments'


def layout_for(width: int, height: int) -> Mode:
    """The layout for a terminal of *width* × *height* cells."""
    if width < 80 or height <= 24:
        return "narrow"
    return "wide" if width >= 120 else "medium"


class MainScreen(
    ArticleActions, SearchFlow, NoteActions, WebActions, ReportWorkerErrors, Screen[None]
):
    """Everything the reader does happens here."""

    BINDINGS = bindings_for("screen")

    def __init__(self) -> None:
        super().__init__()
        self.mode: Mode = "wide"
        self.pane = "list"
        """The pane shown in the narrow layout."""
        self.comments_open = False
        """Medium layout: the comments are shown in place of the reader."""
        self.search_terms: tuple[tuple[str, bool], ...] = ()
        self.ready = False
        """True once mounted: the app may then hand it the library."""
        self.late_ready = False
        """True once the search box and the comment tree are mounted (after the first frame)."""
        self._late_article: ArticleLoaded | None = None
        self._doc_counter = 0
        self._open_at: int | None = None
        self._select_comment: int | None = None

    def compose(self) -> ComposeResult:
        """Header, the three panes, footer."""
        # The layout classes go on before the children exist: set later, they would
        # restyle every widget once more before the first frame.
        self.apply_layout(self.app.size.width, self.app.size.height)
        yield LibraryHeader(id="header")
        with Horizontal(id="panes"):
            with Vertical(id="list-pane", classes="pane"):
                yield PaneTitle("Articles", id="list-title")
                yield ArticleList(id="articles")
                yield ListStatus(id="list-status")
            with Vertical(id="reader-pane", classes="pane"):
                yield PaneTitle("Reader", id="reader-title")
                yield ReaderView(id="reader")
                yield NotesPanel(id="notes-panel")
                yield SelectionBar(id="selection-bar")
            with Vertical(id="comments-pane", classes="pane"):
                yield PaneTitle("Comments", id="comments-title")
        yield ReaderFooter()

    # -- shortcuts to the widgets ---------------------------------------------------------

    @property
    def articles(self) -> ArticleList:
        """The article list."""
        return self.query_one("#articles", ArticleList)

    @property
    def reader(self) -> ReaderView:
        """The reader."""
        return self.query_one("#reader", ReaderView)

    @property
    def comments(self) -> CommentTree:
        """The comment tree."""
        return self.query_one("#comments", CommentTree)

    def pane_widget(self, pane: str) -> Widget:
        """The focusable widget of *pane* (the reader stands in for the comments at start-up)."""
        if pane == "comments" and not self.late_ready:
            return self.reader
        return {"list": self.articles, "reader": self.reader, "comments": self.comments}[pane]

    def pane_title(self, pane: str) -> PaneTitle:
        """The title line of *pane*."""
        return self.query_one(f"#{pane}-title", PaneTitle)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Mark the title of the pane that now has the focus."""
        active = self.focused_pane()
        for pane in PANES:
            self.pane_title(pane).set_class(pane == active, "-active")

    def on_mount(self) -> None:
        """Focus the list; add the search box and the comment tree after the first frame."""
        self.articles.cursor_listener = self._show_position
        self.articles.jump_scroll = not self.app.settings.line_scroll  # type: ignore[attr-defined]
        self.articles.focus()
        self.ready = True
        if getattr(self.app, "backend", None) is not None:
            self.library_ready()
        elif (first := getattr(self.app, "first_page", None)) is not None:
            self.articles.show_first_page(first.total, first.rows)
        self.call_after_refresh(self._mount_late)

    async def _mount_late(self) -> None:
        """Mount the widgets the first frame can do without (their CSS is parsed then)."""
        await self.query_one("#list-pane").mount(
            Input(placeholder=SEARCH_HELP, id="search"), before=self.articles
        )
        await self.query_one("#comments-pane").mount(
            CommentTree(id="comments", clock=self.app.clock),  # type: ignore[attr-defined]
            CommentDetail(id="comment-detail"),
        )
        self.late_ready = True
        if self._late_article is not None:
            message, self._late_article = self._late_article, None
            self._show_thread(message)

    def library_ready(self) -> None:
        """The library is open (or changed): load the list and the counts."""
        self.query_one(LibraryHeader).set_status("")
        if not self.articles.adopt_first_page():
            self.articles.load()
        self.refresh_counts()

    @property
    def opened_any(self) -> bool:
        """True once an article was asked for (the app then skips its warm-up)."""
        return self._doc_counter > 0

    # -- layout ---------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        """Switch layouts when the terminal is resized."""
        self.apply_layout(event.size.width, event.size.height)

    def apply_layout(self, width: int, height: int) -> None:
        """Set the layout classes for *width* × *height*."""
        self.mode = layout_for(width, height)
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        wanted = {f"-{self.mode}", f"-show-{self.pane}"}
        if self.comments_open:
            wanted.add("-comments-open")
        ours = {"-wide", "-medium", "-narrow", "-comments-open"} | {f"-show-{p}" for p in PANES}
        current = set(self.classes) & ours
        if current != wanted:  # one restyle, and none when nothing changed
            self.set_classes((set(self.classes) - ours) | wanted)

    def visible_panes(self) -> list[str]:
        """The panes on screen, left to right."""
        if self.mode == "wide":
            return list(PANES)
        if self.mode == "medium":
            return ["list", "comments" if self.comments_open else "reader"]
        return [self.pane]

    def focused_pane(self) -> str | None:
        """The pane holding the focus."""
        focused = self.focused
        for pane in PANES:
            if (
                focused is not None
                and self.query_one(f"#{pane}-pane") in focused.ancestors_with_self
            ):
                return pane
        return None

    def show_pane(self, pane: str, *, focus: bool = True) -> None:
        """Make *pane* visible (as the layout allows) and focus it (unless *focus* is False)."""
        if self.mode == "narrow":
            self.pane = pane
        elif self.mode == "medium" and pane in ("reader", "comments"):
            self.comments_open = pane == "comments"
        self._apply_visibility()
        if focus:
            self.call_after_refresh(self.pane_widget(pane).focus)

    # -- moving between panes ------------------------------------------------------------------

    def _step_pane(self, step: int, wrap: bool) -> None:
        current = self.focused_pane() or "list"
        if self.mode == "narrow":
            order = list(PANES)
        elif self.mode == "medium":
            order = ["list", "reader", "comments"] if wrap else self.visible_panes()
        else:
            order = self.visible_panes()
        index = order.index(current) if current in order else 0
        target = index + step
        if wrap:
            target %= len(order)
        elif not 0 <= target < len(order):
            return
        self.show_pane(order[target])

    def action_next_pane(self) -> None:
        """Focus the next pane (the last wraps to the first)."""
        self._step_pane(1, wrap=True)

    def action_previous_pane(self) -> None:
        """Focus the previous pane."""
        self._step_pane(-1, wrap=True)

    def action_pane_left(self) -> None:
        """Focus the pane to the left; in the narrow layout, go back."""
        if self.mode == "narrow":
            self.action_back()
        else:
            self._step_pane(-1, wrap=False)

    def action_pane_right(self) -> None:
        """Focus the pane to the right; in the narrow layout, go in."""
        if self.mode == "narrow":
            if self.pane == "list":
                self.articles.action_open() if self.reader.article is None else self.show_pane(
                    "reader"
                )
            elif self.pane == "reader":
                self.show_pane("comments")
        else:
            self._step_pane(1, wrap=False)

    def action_back(self) -> None:
        """Esc: leave the search box, go back a pane, close comments, leave search results."""
        search = self.query("#search")
        if search and search.first().has_focus:
            self._hide_search()
            return
        pane = self.focused_pane()
        if self.mode == "narrow" and self.pane != "list":
            self.show_pane("reader" if self.pane == "comments" else "list")
        elif self.mode == "medium" and self.comments_open and pane == "comments":
            self.show_pane("reader")
        elif pane in ("reader", "comments"):
            self.show_pane("list")
        elif self.articles.in_search:
            self.articles.leave_search()
            self.search_terms = ()
            self.reader.set_highlights(())
            self.pane_title("list").set_title("Articles")

    def action_comments(self) -> None:
        """``c``: show the comments (or go back to the reader from them)."""
        if self.focused_pane() == "comments" or (self.mode == "narrow" and self.pane == "comments"):
            self.show_pane("reader")
        else:
            self.show_pane("comments")

    # -- opening an article --------------------------------------------------------------------

    @on(ArticleList.Selected)
    def _open_selected(self, message: ArticleList.Selected) -> None:
        hit = message.hit
        comment_id = hit.comment_id if hit is not None and hit.where == "comment" else None
        self.open_article(message.summary.id, from_search=hit is not None, comment_id=comment_id)

    def open_article(
        self,
        article_id: int,
        *,
        from_search: bool = False,
        comment_id: int | None = None,
        at: int | None = None,
    ) -> None:
        """Open *article_id* in the reader (saving the position in the previous one).

        *comment_id* selects that comment in the thread (a search hit); *at* is an
        offset of the article's text to show (a highlight) instead of the reading
        position.
        """
        self.save_position()
        self._open_at = at
        self._doc_counter += 1
        self.reader.show_placeholder("Loading…")
        self.reader.doc_id = self._doc_counter
        self._select_comment = comment_id
        terms = self.search_terms if from_search else ()
        self.reader.set_highlights(terms)
        width = self.reader.text_width if self.reader.size.width else self.app.size.width - 6
        mark = self.app.settings.mark_read_on_open  # type: ignore[attr-defined]
        self._load_article(article_id, self._doc_counter, width, mark)
        # The reader takes the focus at once, so the keys that follow Enter (Tab, j...)
        # act where the reader expects them, even while the article is loading.
        self.show_pane("reader")

    @work(thread=True, exclusive=True, group="open-article", exit_on_error=False)
    def _load_article(self, article_id: int, doc_id: int, width: int, mark_read: bool) -> None:
        backend = self.app.backend  # type: ignore[attr-defined]
        view = backend.article(article_id)
        worker = get_current_worker()
        opened = False
        for n, chunk in enumerate(build_document(view, width, doc_id)):
            if worker.is_cancelled:
                break
            if n == 0:  # the header and the first screen arrive together
                # view.last_opened is the previous opening: the write can wait until
                # the first screen is on its way (a transaction, ≈10-30 ms).
                self.post_message(ArticleLoaded(view, view.last_opened, doc_id))
            self.post_message(ReaderChunk(chunk))
            if n == 0:
                backend.mark_opened(article_id, mark_read=mark_read)
                opened = True
            # Give the UI thread the GIL: a busy worker would make every turn of the
            # event loop wait for it (the first screen most of all).
            time.sleep(0.03 if n == 0 else 0.003)
        if not opened:  # another article was asked for first: this one was opened all the same
            backend.mark_opened(article_id, mark_read=mark_read)
        if worker.is_cancelled:
            return
        for summary in backend.summaries([article_id]):
            self.post_message(ArticleChanged(summary))
        self.post_message(CountsChanged(backend.counts()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed article load says so in the reader (the mixin's handler notifies too)."""
        if event.state == WorkerState.ERROR and event.worker.group == "open-article":
            error = describe_error(event.worker.error)
            self.reader.show_placeholder(f"This article could not be opened: {error}")

    def on_article_loaded(self, message: ArticleLoaded) -> None:
        """Show the article's header and its comments."""
        if message.doc_id != self._doc_counter:
            return
        view = message.view
        at, self._open_at = self._open_at, None
        restore = at if at is not None else view.reading_position
        self.reader.begin(view, message.doc_id, restore_offset=restore)
        self.notes_for_article(view)
        if self.late_ready:
            # After the frame that shows the article's first screen: filling the tree
            # and the detail lays out the whole screen (tens of ms under load).
            self.call_after_refresh(self._show_thread, message)
        else:
            self._late_article = message

    def _show_thread(self, message: ArticleLoaded) -> None:
        if message.doc_id != self._doc_counter:
            return  # another article was opened meanwhile
        view = message.view
        self.comments.show_thread(view.comments, message.previous_open)
        if self._select_comment is not None and self.comments.select_comment(self._select_comment):
            notify_plain(self.app, "The match is in a comment: press c to read it.")
        self._title_comments()
        node = self.comments.cursor_node
        if view.comments:
            self._show_comment(node.data if node is not None else None)
        else:
            self.query_one("#comment-detail", CommentDetail).show_text(Text("No comments."))

    def _title_comments(self) -> None:
        tree = self.comments
        title = f"Comments ({len(tree.comments)}"
        title += f", {tree.new_count} new)" if tree.new_count else ")"
        self.pane_title("comments").set_title(title)

    def on_reader_chunk(self, message: ReaderChunk) -> None:
        """A piece of the open article is ready."""
        self.reader.add_chunk(message.chunk)

    def on_article_changed(self, message: ArticleChanged) -> None:
        """Update the row markers (and the reader's copy of the flags)."""
        self.articles.update_row(message.summary)
        self.update_reader_flags(message.summary)

    def on_counts_changed(self, message: CountsChanged) -> None:
        """New totals for the header."""
        self.query_one(LibraryHeader).set_counts(message.counts)

    def save_position(self) -> object | None:
        """Save the reading position of the open article (in a worker); return the worker."""
        view = self.reader.article
        if view is None or not self.reader.lines:
            return None
        return self._save_position(view.id, self.reader.top_offset())  # type: ignore[attr-defined]

    @work(thread=True, group="save-position", exit_on_error=False)
    def _save_position(self, article_id: int, offset: int) -> None:
        self.app.backend.set_position(article_id, offset)  # type: ignore[attr-defined]

    # -- comments ------------------------------------------------------------------------------

    @on(CommentTree.NodeHighlighted)
    def _comment_highlighted(self, event: CommentTree.NodeHighlighted) -> None:
        self._show_comment(event.node.data)

    @on(CommentTree.ScrollText)
    def _scroll_comment_text(self, event: CommentTree.ScrollText) -> None:
        self.query_one("#comment-detail", CommentDetail).scroll_half_page(event.direction)

    def _show_comment(self, comment: object) -> None:
        tree = self.comments
        detail = self.query_one("#comment-detail", CommentDetail)
        new = comment is not None and tree.is_new(comment)  # type: ignore[arg-type]
        notes = self.comment_notes(comment.id) if comment is not None else []  # type: ignore[attr-defined]
        detail.show_comment(comment, self.app.clock(), new, notes)  # type: ignore[arg-type,attr-defined]

    # -- list status ------------------------------------------------------------------------------

    def _show_position(self, articles: ArticleList) -> None:
        """The list's cursor moved: update the position count (same frame as the rows)."""
        if articles.result is not None:
            context = f"results for: {articles.result.query}"
        else:
            context = articles.spec.describe()
        self.query_one(ListStatus).show_position(articles.cursor, articles.total, context)
