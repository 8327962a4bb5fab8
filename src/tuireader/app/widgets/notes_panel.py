"""The notes of the open article, beside it: highlights, article notes, notes on comments.

Moving the cursor over a highlight scrolls the reader to its passage; Enter
edits a note, ``d`` deletes it (after asking), Esc goes back to the reader.
Everything shown is plain ``Text`` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tuireader.app.keymap import bindings_for
from tuireader.store.views import NoteView
from tuireader.text import safe_line

__all__ = ["NotesPanel", "note_label", "note_order"]

EXCERPT = 90


def _short(text: str, limit: int = EXCERPT) -> str:
    line = safe_line(text)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def note_order(notes: Sequence[NoteView]) -> list[NoteView]:
    """Highlights in text order, then article notes, then notes on comments (by time)."""

    def key(n: NoteView) -> tuple[int, int, object, int]:
        if n.comment_id is not None:
            return (2, 0, n.created, n.id)
        if n.quote and not n.orphaned:
            return (0, n.start or 0, n.created, n.id)
        return (1, 0, n.created, n.id)

    return sorted(notes, key=key)


def note_label(note: NoteView) -> Text:
    """Two lines: what the note is about, then its text."""
    label = Text()
    if note.comment_id is not None:
        label.append("on the comment by ", style="dim")
        label.append(safe_line(note.comment_author or "anonymous"), style="bold")
    elif note.quote:
        label.append("❝ " + _short(note.quote), style="italic")
        if note.orphaned:
            label.append("  (passage no longer in the article)", style="bold")
    else:
        label.append("✎ note", style="dim")
    label.append(f"  {note.created:%Y-%m-%d}", style="dim")
    body = _short(note.text) if note.text.strip() else ""
    if body:
        label.append("\n  " + body)
    return label


class NotesPanel(OptionList):
    """The open article's notes."""

    BINDINGS = bindings_for("notes")

    class Chosen(Message):
        """A note was chosen to edit."""

        def __init__(self, note: NoteView) -> None:
            super().__init__()
            self.note = note

    class Delete(Message):
        """A note is to be deleted."""

        def __init__(self, note: NoteView) -> None:
            super().__init__()
            self.note = note

    class Pointed(Message):
        """The cursor is on a note (the reader shows its passage)."""

        def __init__(self, note: NoteView) -> None:
            super().__init__()
            self.note = note

    class Closed(Message):
        """Back to the reader."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.notes: list[NoteView] = []

    def show_notes(self, notes: Sequence[NoteView], keep: int | None = None) -> None:
        """Show *notes*; keep the cursor on note *keep* when it is still there."""
        self.notes = note_order(notes)
        self.clear_options()
        self.add_options([Option(note_label(n), id=str(n.id)) for n in self.notes])
        self.set_class(bool(self.notes), "-has-notes")
        self.border_title = f"Notes ({len(self.notes)})" if self.notes else ""
        if self.notes:
            ids = [n.id for n in self.notes]
            self.highlighted = ids.index(keep) if keep in ids else 0

    def select_note(self, note_id: int) -> None:
        """Put the cursor on note *note_id*."""
        for index, note in enumerate(self.notes):
            if note.id == note_id:
                self.highlighted = index
                return

    @property
    def current(self) -> NoteView | None:
        """The note under the cursor."""
        index = self.highlighted
        if index is None or not 0 <= index < len(self.notes):
            return None
        return self.notes[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter: edit the note."""
        event.stop()
        note = self.current
        if note is not None:
            self.post_message(self.Chosen(note))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Show the passage of the note under the cursor."""
        event.stop()
        note = self.current
        if note is not None and self.has_focus:
            self.post_message(self.Pointed(note))

    def action_delete_note(self) -> None:
        """Delete the note under the cursor (the screen asks first)."""
        note = self.current
        if note is not None:
            self.post_message(self.Delete(note))

    def action_close(self) -> None:
        """Back to the reader."""
        self.post_message(self.Closed())
