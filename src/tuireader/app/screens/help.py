"""The help screen: every key, read from the live keymap (the user's overrides included)."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tuireader.app.keymap import KEYS, TARGETS, bindings_for, key_display, keys_for

__all__ = ["HelpScreen", "help_table"]

INTRO = (
    "Move with j/k or the arrows, open with Enter, switch panes with Tab or h/l, go back with "
    'Esc. Keys can be changed in config.toml ([keys] id = "keys"); ids are shown on the right.'
)


def help_table(keymap: Mapping[str, str]) -> Table:
    """A table of every binding grouped by where it works."""
    table = Table.grid(padding=(0, 2))
    table.add_column(justify="right", style="bold", no_wrap=True)
    table.add_column()
    table.add_column(style="dim", no_wrap=True)
    for target, title in TARGETS.items():
        table.add_row(Text(""), Text(title, style="bold underline"), Text(""))
        for spec in KEYS:
            if spec.target == target:
                table.add_row(
                    Text(key_display(keys_for(spec.id, keymap))), Text(spec.help), Text(spec.id)
                )
    return table


class HelpScreen(ModalScreen[None]):
    """Shows every key; Esc, q or ? closes it."""

    BINDINGS = bindings_for("dialog") + bindings_for("help")
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        """The keys table in a scrolling box."""
        keymap = getattr(self.app, "keymap_overrides", {})
        with VerticalScroll(id="help-scroll") as scroll:
            scroll.border_title = "Keys"
            scroll.can_focus = True
            yield Static(Text(INTRO))
            yield Static(help_table(keymap), id="help-table")

    def on_mount(self) -> None:
        """Focus the scroll box so j/k scroll it."""
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        """Close the help."""
        self.dismiss(None)

    def action_scroll_down(self) -> None:
        """Scroll down."""
        self.query_one("#help-scroll", VerticalScroll).scroll_down(animate=False)

    def action_scroll_up(self) -> None:
        """Scroll up."""
        self.query_one("#help-scroll", VerticalScroll).scroll_up(animate=False)
