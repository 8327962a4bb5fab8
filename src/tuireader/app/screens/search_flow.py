"""The main screen's search flow: the search box, results in the list, n / N.

``/`` shows the box above the list; the query runs in a worker; the results
replace the list (ranked, each with a snippet) and the words are highlighted in
the reader when a result is opened; Esc (on the main screen) brings the library
back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work
from textual.widgets import Input

from tuireader.app.links import notify_plain
from tuireader.app.messages import SearchDone, SearchFailed

if TYPE_CHECKING:
    from tuireader.app.widgets.article_list import ArticleList
    from tuireader.app.widgets.reader import ReaderView

__all__ = ["SearchFlow"]


class SearchFlow:
    """Mixin for :class:`~tuireader.app.screens.main.MainScreen`."""

    articles: ArticleList
    reader: ReaderView
    app: Any
    mode: str
    search_terms: tuple[tuple[str, bool], ...]

    def action_search(self) -> None:
        """``/``: show the search box."""
        if not self.late_ready:  # type: ignore[attr-defined]
            return
        if self.mode == "narrow":
            self.show_pane("list", focus=False)  # type: ignore[attr-defined]  # the box takes it
        search = self.query_one("#search", Input)  # type: ignore[attr-defined]
        search.add_class("-active")
        search.focus()

    def _hide_search(self) -> None:
        self.query_one("#search", Input).remove_class("-active")  # type: ignore[attr-defined]
        self.articles.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search box runs the query.

        (A plain handler: ``@on`` is not collected from a mixin that is not a widget.)
        """
        if event.input.id != "search":
            return
        event.stop()
        query = event.value.strip()
        if not query:
            self._hide_search()
            return
        self._run_search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _run_search(self, query: str) -> None:
        try:
            result = self.app.backend.search(query)
        except ValueError as exc:  # SearchError: a message for the user
            self.post_message(SearchFailed(str(exc)))  # type: ignore[attr-defined]
            return
        self.post_message(SearchDone(result))  # type: ignore[attr-defined]

    def on_search_done(self, message: SearchDone) -> None:
        """Show the results in place of the list."""
        result = message.result
        self.search_terms = result.terms
        self.articles.show_results(result)
        count = len(result.hits)
        title = f"Search (best {count})" if result.capped else f"Search ({count})"
        self.pane_title("list").set_title(title)
        self._hide_search()
        if not result.hits:
            notify_plain(self.app, f"Nothing found for: {result.query}", severity="warning")

    def on_search_failed(self, message: SearchFailed) -> None:
        """Say why the query could not be searched."""
        notify_plain(self.app, message.message, title="Search", severity="warning")

    def _match(self, forward: bool) -> None:
        pane = self.focused_pane()
        if pane == "reader" and self.reader.find_match(forward) is not None:
            return
        articles = self.articles
        if articles.in_search and pane != "reader":
            articles.move_cursor(articles.cursor + (1 if forward else -1))
            return
        if pane == "reader":
            notify_plain(self.app, "No more matches in this article.", severity="warning")
        elif not articles.in_search:
            notify_plain(self.app, "Search first with /.", severity="warning")

    def action_next_match(self) -> None:
        """``n``: the next match in the reader, or the next result in the list."""
        self._match(True)

    def action_previous_match(self) -> None:
        """``N``: the previous match or result."""
        self._match(False)
