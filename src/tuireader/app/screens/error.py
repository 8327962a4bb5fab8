"""The screen shown when the library cannot be opened: the reason, and how to quit."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from tuireader.text import safe_text

__all__ = ["ErrorScreen"]


class ErrorScreen(Screen[None]):
    """States why the library could not be opened; ``q`` quits with that message."""

    DEFAULT_CSS = """
    ErrorScreen { align: center middle; }
    ErrorScreen > Vertical {
        width: 80%; max-width: 100; height: auto; padding: 1 2; border: heavy $error;
    }
    ErrorScreen #error-title { color: $error; text-style: bold; }
    """

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = safe_text(message)

    def compose(self) -> ComposeResult:
        """The message and a hint."""
        with Vertical():
            yield Static(Text("The library could not be opened"), id="error-title")
            yield Static(Text(self.message), id="error-message")
            yield Static(Text("\nPress q to quit."))
        yield Footer()
