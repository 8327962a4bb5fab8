"""The note editor: a multi-line Markdown editor that never loses what was typed.

- ``ctrl+s`` saves in a thread worker; the editor says "Saved" and closes only
  once the store has committed the note.  If saving fails, the editor stays
  open with the text.
- While typing, the text is kept as a draft on disk (debounced, written
  atomically); a draft left by a crash is offered the next time the same note
  is opened.  Saving, or choosing to drop the changes, deletes the draft.
- ``Esc`` closes at once when nothing changed, and asks first when something did.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Static, TextArea

from tuireader.app.keymap import bindings_for
from tuireader.app.links import notify_plain
from tuireader.app.workers import ReportWorkerErrors
from tuireader.drafts import Draft, DraftError, DraftKey, DraftStore
from tuireader.text import safe_line, safe_text

__all__ = ["NoteEditor", "Confirm", "DRAFT_DELAY"]

DRAFT_DELAY = 0.4
"""Seconds of quiet typing after which the draft is written."""


class Confirm(ModalScreen[bool]):
    """A yes/no question: ``y`` answers yes, ``n`` or Esc no."""

    BINDINGS = bindings_for("confirm") + bindings_for("dialog")
    DEFAULT_CSS = """
    Confirm { align: center middle; }
    Confirm > Vertical {
        width: 60%; max-width: 70; height: auto; padding: 1 2;
        border: round $warning; background: $surface;
    }
    Confirm .confirm-keys { color: $text-muted; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._ed_question = question

    def compose(self) -> ComposeResult:
        """The question and its keys."""
        with Vertical():
            yield Static(Text(safe_line(self._ed_question), style="bold"))
            yield Static(Text("y  yes      n / Esc  no"), classes="confirm-keys")

    def action_yes(self) -> None:
        """Yes."""
        self.dismiss(True)

    def action_no(self) -> None:
        """No."""
        self.dismiss(False)

    def action_close(self) -> None:
        """Esc: no."""
        self.dismiss(False)


class NoteEditor(ReportWorkerErrors, ModalScreen[int | None]):
    """Edit a note; dismisses with the saved note's id, or None when closed without saving."""

    BINDINGS: ClassVar = bindings_for("editor")
    DEFAULT_CSS = """
    NoteEditor { align: center middle; }
    NoteEditor > Vertical {
        width: 80%; max-width: 100; height: 80%; padding: 0 1;
        border: round $accent; background: $surface;
    }
    NoteEditor #editor-context { color: $text-muted; max-height: 8; overflow-y: auto; }
    NoteEditor TextArea { height: 1fr; }
    NoteEditor #editor-status { color: $text-muted; }
    """

    class Saved(Message):
        """The note was committed (posted by the save worker)."""

        def __init__(self, note_id: int | None) -> None:
            super().__init__()
            self.note_id = note_id

    def __init__(
        self,
        title: str,
        *,
        save: Callable[[str], int | None],
        draft_key: DraftKey,
        drafts: DraftStore | None = None,
        article_id: int | None = None,
        initial: str = "",
        context: str = "",
        allow_empty: bool = False,
    ) -> None:
        super().__init__()
        self._ed_title = title
        self._ed_save = save
        self.draft_key = draft_key
        self.drafts = drafts
        self._ed_article = article_id
        self.initial = safe_text(initial)
        self._ed_context = context
        self._ed_allow_empty = allow_empty
        self._ed_timer: Timer | None = None
        self._saving = False
        self._settled = False
        self._last_text: str | None = None
        """True once the note was saved or its changes dropped (no draft to keep)."""

    def compose(self) -> ComposeResult:
        """Title, the passage or comment the note is about, the editor, the keys."""
        with Vertical():
            yield Static(Text(safe_line(self._ed_title), style="bold"), id="editor-title")
            if self._ed_context.strip():
                yield Static(Text(safe_text(self._ed_context)), id="editor-context")
            yield TextArea(self.initial, id="editor-text", soft_wrap=True, tab_behavior="focus")
            yield Static(
                Text("Markdown.  ctrl+s save · Esc close (asks before dropping changes)"),
                id="editor-status",
            )

    @property
    def area(self) -> TextArea:
        """The text area."""
        return self.query_one("#editor-text", TextArea)

    @property
    def text(self) -> str:
        """What is in the editor now."""
        return self.area.text

    @property
    def dirty(self) -> bool:
        """True when the text differs from the saved note."""
        return self.text != self.initial

    def on_mount(self) -> None:
        """Focus the editor; offer a draft left behind by a crash."""
        self.area.focus()
        self.area.move_cursor(self.area.document.end)
        if self.drafts is not None:
            self._look_for_draft()

    @work(thread=True, group="draft", exit_on_error=False)
    def _look_for_draft(self) -> None:
        assert self.drafts is not None
        draft = self.drafts.load(self.draft_key)
        if draft is not None and draft.text != self.initial:
            self.app.call_from_thread(self._offer_draft, draft)

    def _offer_draft(self, draft: Draft) -> None:
        when = draft.saved.strftime("%Y-%m-%d %H:%M")

        def answer(restore: bool | None) -> None:
            if restore:
                self.area.load_text(draft.text)
                self.area.move_cursor(self.area.document.end)
                self._set_status(f"Draft of {when} restored (not saved yet).")
            else:
                self._delete_draft()

        self.app.push_screen(Confirm(f"Restore the unsaved draft of {when}?"), answer)

    # -- drafts -------------------------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Keep a draft of the text, written after a moment of quiet."""
        self._last_text = event.text_area.text
        if self.drafts is None:
            return
        if self._ed_timer is not None:
            self._ed_timer.stop()
        self._ed_timer = self.set_timer(DRAFT_DELAY, self.flush_draft)

    def flush_draft(self) -> None:
        """Write the draft now (in a worker)."""
        if self._ed_timer is not None:
            self._ed_timer.stop()
            self._ed_timer = None
        if self.drafts is not None and self.dirty:
            self._write_draft(self.text)

    @work(thread=True, exclusive=True, group="draft", exit_on_error=False)
    def _write_draft(self, text: str) -> None:
        assert self.drafts is not None
        try:
            self.drafts.save(self.draft_key, text, article_id=self._ed_article)
        except DraftError as exc:
            notify_plain(self.app, str(exc), title="Draft not kept", severity="warning")

    def on_unmount(self) -> None:
        """Closed any other way (the app quit): keep the last keystrokes as the draft."""
        text = self._last_text
        if self._settled or self.drafts is None or text is None or text == self.initial:
            return
        with contextlib.suppress(OSError, ValueError):
            self.drafts.save(self.draft_key, text, article_id=self._ed_article)

    def _delete_draft(self) -> None:
        if self._ed_timer is not None:
            self._ed_timer.stop()
            self._ed_timer = None
        if self.drafts is not None:
            try:
                self.drafts.delete(self.draft_key)
            except DraftError as exc:
                notify_plain(self.app, str(exc), severity="warning")

    def _set_status(self, message: str) -> None:
        self.query_one("#editor-status", Static).update(Text(message))

    # -- saving and closing ------------------------------------------------------------------------

    def action_save(self) -> None:
        """Save in a worker; "Saved" is said only after the commit."""
        text = self.text
        if not text.strip() and not self._ed_allow_empty:
            notify_plain(self.app, "The note is empty.", severity="warning")
            return
        if self._saving:
            return
        self._saving = True
        if self._ed_timer is not None:
            self._ed_timer.stop()
            self._ed_timer = None
        self._set_status("Saving…")
        self._save_worker(text)

    @work(thread=True, exclusive=True, group="save-note", exit_on_error=False)
    def _save_worker(self, text: str) -> None:
        try:
            if self.drafts is not None:
                with contextlib.suppress(DraftError):  # on disk before it goes to the store
                    self.drafts.save(self.draft_key, text, article_id=self._ed_article)
            note_id = self._ed_save(text)
        except Exception:
            self.app.call_from_thread(self._save_failed)
            raise
        if self.drafts is not None:
            with contextlib.suppress(DraftError):
                self.drafts.delete(self.draft_key)
        self.post_message(self.Saved(note_id))

    def _save_failed(self) -> None:
        self._saving = False
        self._set_status("Not saved: the text is kept here and as a draft.")

    def on_note_editor_saved(self, message: NoteEditor.Saved) -> None:
        """The store has the note: say so and close."""
        self._settled = True
        notify_plain(self.app, "Saved", title="Note")
        self.dismiss(message.note_id)

    def action_cancel(self) -> None:
        """Close; ask first when there are changes."""
        if self._saving:
            return
        if not self.dirty:
            self._settled = True
            self._delete_draft()
            self.dismiss(None)
            return

        def answer(drop: bool | None) -> None:
            if drop:
                self._settled = True
                self._delete_draft()
                self.dismiss(None)
            else:
                self.area.focus()

        self.app.push_screen(Confirm("Drop your changes to this note?"), answer)
