"""Small modal dialogs: a one-line text prompt and a list of choices.

Both show untrusted values (tag names, sites) only as ``Text``/``Content`` or as
an ``Input`` value, which is never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.keymap import bindings_for
from tuireader.text import safe_line

__all__ = ["TextPrompt", "ChoicePrompt"]

T = TypeVar("T")


class TextPrompt(ModalScreen[str | None]):
    """Ask for one line of text; Enter returns it, Esc returns None."""

    BINDINGS = bindings_for("dialog")
    DEFAULT_CSS = """
    TextPrompt { align: center middle; }
    TextPrompt > Vertical {
        width: 70%; max-width: 80; height: auto; padding: 1 2;
        border: round $accent; background: $surface;
    }
    TextPrompt .prompt-help { color: $text-muted; }
    """

    def __init__(
        self, title: str, *, value: str = "", placeholder: str = "", help: str = ""
    ) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._help = help

    def compose(self) -> ComposeResult:
        """A title, the input and a line of help."""
        with Vertical():
            yield Static(Text(safe_line(self._title), style="bold"))
            yield Input(
                value=safe_line(self._value), placeholder=self._placeholder, id="prompt-input"
            )
            if self._help:
                yield Static(Text(self._help), classes="prompt-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Return what was typed."""
        event.stop()
        self.dismiss(event.value)

    def action_close(self) -> None:
        """Close without an answer."""
        self.dismiss(None)


class ChoicePrompt(ModalScreen[T | None], Generic[T]):
    """Pick one of *choices* (label, value); Esc returns None."""

    BINDINGS = bindings_for("dialog")
    DEFAULT_CSS = """
    ChoicePrompt { align: center middle; }
    ChoicePrompt > Vertical {
        width: 70%; max-width: 80; height: 80%; padding: 1 2;
        border: round $accent; background: $surface;
    }
    ChoicePrompt OptionList { height: 1fr; }
    """

    def __init__(self, title: str, choices: Sequence[tuple[str, T]]) -> None:
        super().__init__()
        self._title = title
        self._choices = list(choices)

    def compose(self) -> ComposeResult:
        """A title and the options."""
        with Vertical():
            yield Static(Text(safe_line(self._title), style="bold"))
            yield OptionList(
                *(
                    Option(Text(safe_line(label)), id=str(n))
                    for n, (label, _) in enumerate(self._choices)
                ),
                id="choices",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Return the value of the chosen option."""
        event.stop()
        index = int(event.option.id or 0)
        self.dismiss(self._choices[index][1])

    def action_close(self) -> None:
        """Close without a choice."""
        self.dismiss(None)
