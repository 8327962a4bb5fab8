"""The one-line header (library counts) and the list's status line (position count)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from tuireader.app.fmt import thousands
from tuireader.text import safe_line

if TYPE_CHECKING:
    from tuireader.store.views import LibraryCounts

__all__ = ["LibraryHeader", "ListStatus", "PaneTitle"]


class LibraryHeader(Widget):
    """``tuireader  1,204 articles · 310 unread · 12 starred · 40 archived · 8 notes``.

    One line of a fixed height: it repaints without a layout pass.
    """

    DEFAULT_CSS = """
    LibraryHeader { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: LibraryCounts | None = None
        self.status = "opening the library…"
        self.job = ""
        """A running job's progress (``Syncing feeds 2/9: …``), shown after the counts."""
        self.text = Text("")
        self._draw()

    def render(self) -> Text:
        """The header line."""
        return self.text

    def set_counts(self, counts: LibraryCounts) -> None:
        """Show new totals."""
        self.counts = counts
        self.status = ""
        self._draw()

    def set_status(self, status: str) -> None:
        """Show *status* (plain text) instead of the counts, e.g. while opening."""
        self.status = status
        self._draw()

    def set_job(self, job: str) -> None:
        """Show a running job's progress (plain text) after the counts; ``""`` clears it."""
        self.job = job
        self._draw()

    def _draw(self) -> None:
        line = Text(" tuireader ", style="bold")
        if self.status:
            line.append(" " + safe_line(self.status))
        elif self.counts is not None:
            c = self.counts
            parts = [
                f"{thousands(c.total)} articles",
                f"{thousands(c.unread)} unread",
                f"{thousands(c.starred)} starred",
                f"{thousands(c.archived)} archived",
                f"{thousands(c.notes)} notes",
            ]
            line.append(" " + " · ".join(parts))
        if self.job:
            line.append("  ▸ " + safe_line(self.job), style="italic")
        if line.plain != self.text.plain:
            self.text = line
            self.refresh()


class ListStatus(Widget):
    """``312 / 100,000 · unread · by date`` under the list.

    It changes on every cursor move, so it repaints itself without a layout pass
    (``Static.update`` would lay out the screen again).
    """

    DEFAULT_CSS = """
    ListStatus { height: 1; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text("")

    def show_position(self, index: int, total: int, context: str) -> None:
        """Show the cursor position and what the list shows (*context* is plain text)."""
        position = f"{thousands(index + 1)} / {thousands(total)}" if total else "0 / 0"
        text = Text(f" {position} · {safe_line(context)}", no_wrap=True, overflow="ellipsis")
        if text.plain != self.text.plain:
            self.text = text
            self.refresh()

    def render(self) -> Text:
        """The status line."""
        return self.text


class PaneTitle(Widget):
    """The one-line title of a pane; ``-active`` marks the pane that has the focus.

    The focused pane is shown by this line rather than by a ``:focus-within``
    border: Textual restyles every widget under a ``:focus-within`` node on each
    focus change, while a class on this line restyles this line only.
    """

    DEFAULT_CSS = """
    PaneTitle { height: 1; width: 1fr; }
    """

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = Text(" " + title)

    def set_title(self, title: str) -> None:
        """Show *title* (plain text)."""
        text = Text(" " + safe_line(title))
        if text.plain != self.text.plain:
            self.text = text
            self.refresh()

    @property
    def title(self) -> str:
        """The title shown."""
        return self.text.plain.strip()

    def render(self) -> Text:
        """The title line."""
        return self.text
