"""The main screen's note actions: notes, highlights, notes on comments, all notes.

- ``m`` writes a note on the article, or on the comment under the cursor in the
  comment pane; ``e`` goes to the article's notes beside the reader (Enter
  edits, ``d`` deletes); ``V`` selects a passage to highlight; ``]``/``[``
  jump between highlights; ``M`` shows every note of the library.
- Every write runs in a thread worker and commits before the editor says
  "Saved"; the notes of the open article are then read again and redrawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import events, work

from tuireader.app.links import notify_plain
from tuireader.app.messages import ArticleChanged, CountsChanged, DataMessage
from tuireader.app.widgets.notes_panel import NotesPanel
from tuireader.app.widgets.selection import SelectionBar, Span, span_decorator
from tuireader.text import safe_line

if TYPE_CHECKING:
    from tuireader.app.screens.note_editor import NoteEditor
    from tuireader.app.widgets.comment_tree import CommentTree
    from tuireader.app.widgets.reader import ReaderView
    from tuireader.drafts import DraftStore
    from tuireader.store.views import ArticleView, CommentNode, NoteView

__all__ = ["NoteActions", "NotesChanged"]


@dataclass(eq=False)
class NotesChanged(DataMessage):
    """The notes of an article were read again after a change."""

    article_id: int
    notes: tuple[NoteView, ...]
    select: int | None = None


class NoteActions:
    """Mixin for :class:`~tuireader.app.screens.main.MainScreen`."""

    reader: ReaderView
    comments: CommentTree
    app: Any
    article_notes: tuple[NoteView, ...] = ()
    """The notes of the article in the reader."""
    _drafts: DraftStore | None = None
    _decorating = False
    _select_after_load: int | None = None
    _mouse_from: int | None = None

    def focused_pane(self) -> str | None: ...  # provided by MainScreen

    def show_pane(self, pane: str) -> None: ...  # provided by MainScreen

    def current_article(self) -> tuple[int, dict[str, bool]] | None: ...  # ArticleActions

    # -- widgets and state -----------------------------------------------------------------

    @property
    def notes_panel(self) -> NotesPanel:
        """The notes beside the reader."""
        return self.query_one("#notes-panel", NotesPanel)  # type: ignore[attr-defined]

    @property
    def selection(self) -> SelectionBar:
        """The selection bar at the foot of the reader."""
        return self.query_one("#selection-bar", SelectionBar)  # type: ignore[attr-defined]

    @property
    def drafts(self) -> DraftStore:
        """The drafts of this library."""
        if self._drafts is None:
            from tuireader.drafts import DraftStore

            self._drafts = DraftStore.for_library(self.app.db_url)
        return self._drafts

    def _spans(self) -> list[Span]:
        spans = [
            Span(n.start, n.end, "highlight")
            for n in self.article_notes
            if n.quote and n.comment_id is None and not n.orphaned and n.start is not None
            and n.end is not None
        ]  # fmt: skip
        return spans + self.selection.spans()

    def notes_for_article(self, view: ArticleView) -> None:
        """An article was opened: show its notes and draw its highlights."""
        if not self._decorating:
            self._decorating = True
            self.reader.decorators.append(span_decorator(lambda: self.reader.blocks, self._spans))
        if self.selection.active:
            self.selection.end()
        self.article_notes = view.notes
        self.notes_panel.show_notes(view.notes, keep=self._select_after_load)
        self._select_after_load = None
        self.reader.refresh_document()

    def comment_notes(self, comment_id: int) -> list[NoteView]:
        """The notes on one comment of the open article."""
        return [n for n in self.article_notes if n.comment_id == comment_id]

    # -- writing notes ------------------------------------------------------------------------

    def _editor(self, editor: NoteEditor, article_id: int, select_new: bool = True) -> None:
        def done(note_id: int | None) -> None:
            if note_id is not None:
                self._reload_notes(article_id, note_id if select_new else None)

        self.app.push_screen(editor, done)

    def action_new_note(self) -> None:
        """``m``: a note on the comment under the cursor (comment pane) or on the article."""
        if self.focused_pane() == "comments" and self.reader.article is not None:
            node = self.comments.cursor_node
            if node is not None and node.data is not None:
                self._note_on_comment(self.reader.article.id, node.data)
                return
        target = self.current_article()
        if target is None:
            notify_plain(self.app, "No article selected.", severity="warning")
            return
        article_id = target[0]
        view = self.reader.article
        title = view.title if view is not None and view.id == article_id else None
        if title is None:
            summary = self.articles.current  # type: ignore[attr-defined]
            title = summary.title if summary is not None else ""
        backend = self.app.backend
        from tuireader.app.screens.note_editor import NoteEditor
        from tuireader.drafts import DraftKey

        editor = NoteEditor(
            f"Note on “{safe_line(title)[:60]}”",
            save=lambda text: backend.add_note(article_id, text),
            draft_key=DraftKey("article", article_id),
            drafts=self.drafts,
            article_id=article_id,
        )
        self._editor(editor, article_id)

    def _note_on_comment(self, article_id: int, comment: CommentNode) -> None:
        backend = self.app.backend
        author = safe_line(comment.author) or "anonymous"
        from tuireader.app.screens.note_editor import NoteEditor
        from tuireader.drafts import DraftKey

        editor = NoteEditor(
            f"Note on the comment by {author}",
            save=lambda text: backend.add_note(article_id, text, comment_id=comment.id),
            draft_key=DraftKey("comment", comment.id),
            drafts=self.drafts,
            article_id=article_id,
            context=comment.text[:600],
        )
        self._editor(editor, article_id)

    def _edit(self, note: NoteView) -> None:
        backend = self.app.backend

        def save(text: str) -> int:
            backend.update_note(note.id, text)
            return note.id

        about = "Highlight" if note.quote else "Note"
        if note.comment_id is not None:
            about = f"Note on the comment by {safe_line(note.comment_author or 'anonymous')}"
        from tuireader.app.screens.note_editor import NoteEditor
        from tuireader.drafts import DraftKey

        editor = NoteEditor(
            f"Edit: {about}",
            save=save,
            draft_key=DraftKey("note", note.id),
            drafts=self.drafts,
            article_id=note.article_id,
            initial=note.text,
            context=note.quote or "",
            allow_empty=bool(note.quote),
        )
        self._editor(editor, note.article_id)

    @work(thread=True, group="notes", exit_on_error=False)
    def _reload_notes(self, article_id: int, select: int | None = None) -> None:
        backend = self.app.backend
        notes = backend.article_notes(article_id)
        self.post_message(NotesChanged(article_id, notes, select))  # type: ignore[attr-defined]
        for summary in backend.summaries([article_id]):
            self.post_message(ArticleChanged(summary))  # type: ignore[attr-defined]
        self.post_message(CountsChanged(backend.counts()))  # type: ignore[attr-defined]

    def on_notes_changed(self, message: NotesChanged) -> None:
        """Redraw the notes of the open article."""
        view = self.reader.article
        if view is None or view.id != message.article_id:
            return
        self.article_notes = message.notes
        self.notes_panel.show_notes(message.notes, keep=message.select)
        self.reader.refresh_document()
        node = self.comments.cursor_node
        if node is not None and node.data is not None:
            self._show_comment(node.data)  # type: ignore[attr-defined]

    # -- the notes beside the article -----------------------------------------------------------

    def action_article_notes(self) -> None:
        """``e``: go to the article's notes."""
        if self.reader.article is None:
            notify_plain(self.app, "Open an article first.", severity="warning")
            return
        if not self.article_notes:
            notify_plain(
                self.app,
                "No notes on this article yet: m writes one, V highlights a passage.",
                severity="information",
            )
            return
        self.show_pane("reader")
        self.call_after_refresh(self.notes_panel.focus)  # type: ignore[attr-defined]

    def on_notes_panel_chosen(self, message: NotesPanel.Chosen) -> None:
        """Enter in the notes: edit that note."""
        self._edit(message.note)

    def on_notes_panel_pointed(self, message: NotesPanel.Pointed) -> None:
        """The cursor is on a highlight: show its passage."""
        note = message.note
        if note.quote and not note.orphaned and note.start is not None:
            self._scroll_to_offset(note.start)

    def on_notes_panel_closed(self, _message: NotesPanel.Closed) -> None:
        """Esc in the notes: back to the reader."""
        self.reader.focus()

    def on_notes_panel_delete(self, message: NotesPanel.Delete) -> None:
        """``d`` in the notes: ask, then delete."""
        note = message.note
        what = "highlight and its note" if note.quote else "note"

        def answer(yes: bool | None) -> None:
            if yes:
                self._delete_note(note.article_id, note.id)

        from tuireader.app.screens.note_editor import Confirm

        self.app.push_screen(Confirm(f"Delete this {what}?"), answer)

    @work(thread=True, group="notes", exit_on_error=False)
    def _delete_note(self, article_id: int, note_id: int) -> None:
        self.app.backend.delete_note(note_id)
        notify_plain(self.app, "Deleted", title="Note")
        self._reload_notes(article_id)

    # -- highlights in the reader -----------------------------------------------------------------

    def _scroll_to_offset(self, offset: int) -> int | None:
        position = self.reader.text_map().position_of(offset)
        if position is None:
            return None
        line = position[0]
        top = int(self.reader.scroll_y)
        height = max(1, self.reader.size.height)
        if not top <= line < top + height:
            self.reader.scroll_to(y=max(0, line - height // 3), animate=False)
        return line

    def _jump_highlight(self, forward: bool) -> None:
        if self.reader.article is None or not self.reader.lines:
            notify_plain(self.app, "Open an article first.", severity="warning")
            return
        text_map = self.reader.text_map()
        marks = sorted(
            (n for n in self.article_notes if n.quote and n.comment_id is None
             and not n.orphaned and n.start is not None),
            key=lambda n: n.start or 0,
        )  # fmt: skip
        top = int(self.reader.scroll_y)
        lines = [(text_map.position_of(n.start or 0) or (0, 0))[0] for n in marks]
        order = list(zip(lines, marks, strict=True))
        candidates = (
            [(ln, n) for ln, n in order if ln > top]
            if forward
            else [(ln, n) for ln, n in reversed(order) if ln < top]
        )
        if not candidates:
            notify_plain(self.app, "No more highlights this way.", severity="information")
            return
        line, note = candidates[0]
        self.reader.scroll_to(y=line, animate=False)
        self.notes_panel.select_note(note.id)

    def action_next_highlight(self) -> None:
        """``]``: the next highlight."""
        self._jump_highlight(True)

    def action_previous_highlight(self) -> None:
        """``[``: the previous highlight."""
        self._jump_highlight(False)

    # -- selecting a passage -----------------------------------------------------------------------

    def _mouse_offset(self, event: events.MouseEvent) -> int | None:
        """The article-text offset under the mouse, when it is over the reader's text."""
        reader = self.reader
        if reader.article is None or not reader.lines:
            return None
        region = reader.content_region
        if event.screen_offset not in region:
            return None
        line = int(reader.scroll_y) + event.screen_y - region.y
        column = int(reader.scroll_x) + event.screen_x - region.x
        return reader.text_map().offset_at(line, column)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """Where a drag over the reader starts."""
        self._mouse_from = self._mouse_offset(event)

    def on_mouse_up(self, event: events.MouseUp) -> None:
        """A drag over the reader's text selects that passage (Enter then highlights it)."""
        start, self._mouse_from = self._mouse_from, None
        end = self._mouse_offset(event)
        if start is None or end is None or abs(end - start) < 2:
            return
        if self.action_select_text(start=start):
            # The characters under the pointer at both ends are part of the passage.
            if end > start:
                self.selection.set_span(start, end + 1)
            else:
                self.selection.set_span(start + 1, end)

    def action_select_text(self, start: int | None = None) -> bool:
        """``V``: select a passage of the article from the keyboard."""
        view = self.reader.article
        if view is None or not self.reader.lines:
            notify_plain(self.app, "Open an article first.", severity="warning")
            return False
        if not view.text.strip():
            notify_plain(self.app, "This article has no text to highlight.", severity="warning")
            return False
        self.show_pane("reader")
        bar = self.selection
        text_map = self.reader.text_map()

        def move_line(offset: int, step: int) -> int | None:
            position = text_map.position_of(offset)
            if position is None:
                return None
            line, column = position
            for target in range(line + step, len(self.reader.lines) if step > 0 else -1, step):
                found = text_map.offset_at(target, column)
                if found is not None and found != offset:
                    return found
            return None

        bar.line_mover = move_line
        bar.begin(view.text, self.reader.top_offset() if start is None else start)
        self.call_after_refresh(bar.focus)
        return True

    def on_selection_bar_moved(self, _message: SelectionBar.Moved) -> None:
        """The selection changed: redraw and keep the cursor in view."""
        self.reader.refresh_document()
        self._scroll_to_offset(self.selection.cursor)

    def on_selection_bar_cancelled(self, _message: SelectionBar.Cancelled) -> None:
        """The selection was left: back to the reader."""
        self.reader.refresh_document()
        self.reader.focus()

    def on_selection_bar_save(self, message: SelectionBar.Save) -> None:
        """Enter while selecting: the highlight, with an optional note."""
        view = self.reader.article
        if view is None:
            return
        article_id, start, end = view.id, message.start, message.end
        backend = self.app.backend

        def done(note_id: int | None) -> None:
            if note_id is None:
                self.selection.focus()  # cancelled: go on selecting
                return
            self.selection.end()
            self.reader.focus()
            self._reload_notes(article_id, note_id)

        from tuireader.app.screens.note_editor import NoteEditor
        from tuireader.drafts import DraftKey

        editor = NoteEditor(
            "Highlight (a note is optional)",
            save=lambda text: backend.add_highlight(article_id, start, end, text),
            draft_key=DraftKey("highlight", article_id, start, end),
            drafts=self.drafts,
            article_id=article_id,
            context=view.text[start:end][:600],
            allow_empty=True,
        )
        self.app.push_screen(editor, done)

    # -- all notes --------------------------------------------------------------------------------

    def action_all_notes(self) -> None:
        """``M``: every note of the library; Enter opens one at its passage."""

        def chosen(note: NoteView | None) -> None:
            if note is None:
                return
            at = note.start if note.quote and not note.orphaned else None
            self._select_after_load = note.id
            self.open_article(note.article_id, at=at)  # type: ignore[attr-defined]

        from tuireader.app.screens.notes import AllNotesScreen

        self.app.push_screen(AllNotesScreen(), chosen)
