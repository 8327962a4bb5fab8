"""The "what was stripped" view: the text blocks of a saved page the extractor left out."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader.app.keymap import bindings_for
from tuireader.text import safe_line, safe_text

__all__ = ["StrippedScreen"]


class StrippedScreen(ModalScreen[None]):
    """Shows the report of :func:`tuireader.webimport.stripped_text`; Esc or q closes it.

    The report holds text from the page (untrusted): it is shown as ``Text`` only.
    """

    BINDINGS = bindings_for("dialog") + bindings_for("help")
    DEFAULT_CSS = """
    StrippedScreen { align: center middle; }
    StrippedScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def __init__(self, title: str, report: str) -> None:
        super().__init__()
        self._title = safe_line(title)[:80]
        self.report = safe_text(report)

    def compose(self) -> ComposeResult:
        """The report in a scrolling box titled with the article."""
        with VerticalScroll(id="stripped-scroll") as scroll:
            scroll.border_title = Text(f"What was stripped: {self._title}")
            scroll.border_subtitle = Text("Esc closes")
            scroll.can_focus = True
            yield Static(Text(self.report), id="stripped-report")

    def on_mount(self) -> None:
        """Focus the scroll box so j/k scroll it."""
        self.query_one("#stripped-scroll").focus()

    def action_close(self) -> None:
        """Close the view."""
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        """Scroll down."""
        self.query_one("#stripped-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """Scroll up."""
        self.query_one("#stripped-scroll", VerticalScroll).scroll_up(animate=False)
