"""A bare Textual app: the baseline for the time to first paint."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class BareApp(App[None]):
    """One static line; q quits."""

    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        """One line of text."""
        yield Static("bare textual app")


if __name__ == "__main__":
    BareApp().run()
