"""The baseline for the first-paint benchmark: a bare Textual app showing one line."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

READY = "bare textual ready"


class BareApp(App[None]):
    """A header, one line of text and a footer: what any Textual app paints first."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(READY)
        yield Footer()


if __name__ == "__main__":
    BareApp().run()
