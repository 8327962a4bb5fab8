"""The all-notes screen: every note and highlight in the library, newest first.

The filter line takes words (found in the note, its passage, the article's
title or the comment's author), ``tag:name`` and ``article:id``.  Enter opens
the article at the passage (or at the comment's article); Esc goes back.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from tuireader.app.keymap import bindings_for
from tuireader.app.messages import DataMessage
from tuireader.app.workers import ReportWorkerErrors
from tuireader.store.views import NoteView
from tuireader.text import safe_line

__all__ = ["AllNotesScreen", "NotesFilter", "parse_filter"]

LIMIT = 1000


@dataclass(frozen=True, slots=True)
class NotesFilter:
    """What the filter line asks for."""

    text: str | None = None
    tag: str | None = None
    article_id: int | None = None


def parse_filter(line: str) -> NotesFilter:
    """``words tag:name article:12`` → a :class:`NotesFilter` (bad parts are plain words)."""
    try:
        parts = shlex.split(line)
    except ValueError:
        parts = line.split()
    words, tag, article = [], None, None
    for part in parts:
        key, sep, value = part.partition(":")
        if sep and key.lower() == "tag" and value:
            tag = value
        elif sep and key.lower() == "article" and value.isdigit():
            article = int(value)
        else:
            words.append(part)
    return NotesFilter(" ".join(words) or None, tag, article)


class NotesLoaded(DataMessage):
    """The notes for a filter line."""

    def __init__(self, line: str, notes: list[NoteView]) -> None:
        super().__init__()
        self.line = line
        self.notes = notes


def all_notes_label(note: NoteView) -> Text:
    """``date  article title`` and a line about the note."""
    label = Text()
    label.append(f"{note.created:%Y-%m-%d}  ", style="dim")
    label.append(safe_line(note.article_title) or "(untitled)", style="bold")
    second = Text("\n  ")
    if note.comment_id is not None:
        second.append("on the comment by " + safe_line(note.comment_author or "anonymous") + ": ")
    elif note.quote:
        quote = safe_line(note.quote)
        second.append("❝ " + (quote[:80] + "…" if len(quote) > 80 else quote) + "  ", "italic")
        if note.orphaned:
            second.append("(orphaned)  ", style="bold")
    text = safe_line(note.text)
    second.append(text[:120] + "…" if len(text) > 120 else text)
    label.append_text(second)
    return label


class AllNotesScreen(ReportWorkerErrors, Screen[NoteView | None]):
    """Every note of the library; dismisses with the note to open, or None."""

    BINDINGS = bindings_for("allnotes")
    DEFAULT_CSS = """
    AllNotesScreen #all-notes-title { background: $panel; padding: 0 1; text-style: bold; }
    AllNotesScreen #all-notes-filter { margin: 0; }
    AllNotesScreen #all-notes-list { height: 1fr; }
    AllNotesScreen #all-notes-status { color: $text-muted; padding: 0 1; }
    """

    def __init__(self, line: str = "") -> None:
        super().__init__()
        self._filter_line = line
        self.notes: list[NoteView] = []
        self._filter_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        """Title, filter line, the notes, a status line, the keys."""
        yield Static(Text("All notes"), id="all-notes-title")
        yield Input(
            value=self._filter_line,
            placeholder="Filter: words, tag:name, article:id",
            id="all-notes-filter",
        )
        yield OptionList(id="all-notes-list")
        yield Static(Text("Loading…"), id="all-notes-status")
        yield Footer()

    @property
    def listing(self) -> OptionList:
        """The list of notes."""
        return self.query_one("#all-notes-list", OptionList)

    def on_mount(self) -> None:
        """Load the notes; the list has the focus."""
        self.listing.focus()
        self._load(self._filter_line)

    @on(Input.Changed, "#all-notes-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        value = event.value
        self._filter_timer = self.set_timer(0.25, lambda: self._load(value))

    @on(Input.Submitted, "#all-notes-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._load(event.value)
        self.listing.focus()

    @work(thread=True, exclusive=True, group="all-notes", exit_on_error=False)
    def _load(self, line: str) -> None:
        wanted = parse_filter(line)
        notes = self.app.backend.all_notes(  # type: ignore[attr-defined]
            wanted.text, wanted.tag, wanted.article_id, LIMIT
        )
        self.post_message(NotesLoaded(line, notes))

    def on_notes_loaded(self, message: NotesLoaded) -> None:
        """Show the notes found."""
        self.show(message.notes, message.line)

    def show(self, notes: Sequence[NoteView], line: str = "") -> None:
        """Fill the list with *notes*."""
        self.notes = list(notes)
        listing = self.listing
        listing.clear_options()
        listing.add_options([Option(all_notes_label(n), id=str(n.id)) for n in self.notes])
        if self.notes:
            listing.highlighted = 0
        count = f"{len(self.notes)} note{'s' if len(self.notes) != 1 else ''}"
        if len(self.notes) >= LIMIT:
            count = f"the newest {LIMIT} notes"
        where = f" for: {safe_line(line)}" if line.strip() else ""
        status = f"{count}{where}  ·  Enter opens the article at the passage"
        self.query_one("#all-notes-status", Static).update(Text(status))

    @on(OptionList.OptionSelected, "#all-notes-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.notes):
            self.dismiss(self.notes[index])

    def action_focus_filter(self) -> None:
        """Go to the filter line."""
        self.query_one("#all-notes-filter", Input).focus()

    def action_close(self) -> None:
        """Esc: from the filter back to the list; from the list back to the reader."""
        if self.query_one("#all-notes-filter", Input).has_focus:
            self.listing.focus()
            return
        self.dismiss(None)
