"""Every key binding of the app, each with an id the user can remap.

One table, :data:`KEYS`, describes every binding: its id, default keys, the
action it runs, the node it runs on (``target``) and the words the footer, the
help screen and the command palette show.  Widgets take their ``BINDINGS`` from
:func:`bindings_for`; the app applies the user's ``[keys]`` overrides from
``config.toml`` with ``App.set_keymap``; the help screen and the palette read
the same table, so they always match the live keys.

To add a binding: append a :class:`KeySpec` here with a new ``id``, give the
target node an ``action_<name>`` method, and (for a new target) call
:func:`bindings_for` in its ``BINDINGS``.  The palette and help pick it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding

__all__ = [
    "KeySpec",
    "KEYS",
    "TARGETS",
    "bindings_for",
    "spec",
    "keys_for",
    "key_display",
    "unknown_ids",
]


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: ``id`` (used in ``config.toml``), default ``keys``, ``action`` on ``target``."""

    id: str
    keys: str
    action: str
    target: str
    """Where it runs: a key of :data:`TARGETS` (``app``, ``screen``, ``list``...)."""
    description: str
    """A few words for the footer and the help screen."""
    help: str = ""
    """A sentence for the palette and the footer tooltip."""
    show: bool = False
    """Shown in the footer."""


TARGETS: dict[str, str] = {
    "app": "Anywhere",
    "screen": "Main screen",
    "list": "Article list",
    "reader": "Reader",
    "comments": "Comments",
    "select": "Selecting a passage",
    "notes": "Notes of the article",
    "editor": "Note editor",
    "allnotes": "All notes",
    "confirm": "Questions",
    "dialog": "Dialogs",
    "help": "Help screen",
}
"""Targets in help-screen order, with their section titles."""


def _k(
    id: str, keys: str, action: str, description: str, help: str = "", show: bool = False
) -> KeySpec:
    return KeySpec(id, keys, action, id.split(".")[0], description, help or description, show)


KEYS: tuple[KeySpec, ...] = (
    # -- anywhere -------------------------------------------------------------------------
    _k("app.quit", "q", "quit", "Quit", "Save the reading position and quit.", show=True),
    _k("app.help", "question_mark", "help", "Help", "Show every key.", show=True),
    _k("app.palette", "ctrl+p", "command_palette", "Commands", "Open the command palette."),
    _k("app.theme", "ctrl+t", "toggle_theme", "Light/dark", "Switch between light and dark."),
    # -- main screen ------------------------------------------------------------------------
    _k("screen.next_pane", "tab", "next_pane", "Next pane", "Focus the next pane."),
    _k("screen.previous_pane", "shift+tab", "previous_pane", "Previous pane"),
    _k("screen.left", "h", "pane_left", "Pane left", "Focus the pane to the left (or go back)."),
    _k("screen.right", "l", "pane_right", "Pane right", "Focus the pane to the right (or go in)."),
    _k("screen.back", "escape", "back", "Back", "Leave search, close comments, go back a pane."),
    _k("screen.search", "slash", "search", "Search", "Search the library.", show=True),
    _k("screen.next_match", "n", "next_match", "Next match", "Next search match or result."),
    _k("screen.previous_match", "N", "previous_match", "Previous match"),
    _k("screen.star", "s", "star", "Star", "Star or unstar the article.", show=True),
    _k("screen.read", "r", "toggle_read", "Read", "Mark the article read or unread."),
    _k("screen.archive", "a", "archive", "Archive", "Archive or unarchive the article."),
    _k("screen.tags", "t", "tags", "Tags", "Edit the article's tags."),
    _k("screen.comments", "c", "comments", "Comments", "Show or hide the comments.", show=True),
    _k("screen.sort", "S", "cycle_sort", "Sort", "Sort by date, title or site."),
    _k("screen.view", "v", "cycle_view", "View", "Show all, unread, starred or archived."),
    _k("screen.filter", "F", "filter", "Filter", "Show one tag or one site."),
    _k("screen.follow", "f", "follow_link", "Follow link", "Follow a link by its number."),
    _k("screen.open_url", "o", "open_url", "Open URL", "Open or copy the article's address."),
    _k("screen.reload", "ctrl+r", "reload", "Reload", "Reload the list from the library."),
    _k("screen.add_url", "plus", "add_url", "Add URL",
       "Save web pages (with their comment threads) by their URLs."),
    _k("screen.import", "I", "import_files", "Import files",
       "Import files or folders: pages, Markdown, feeds, OPML, exports, text dumps."),
    _k("screen.sync", "U", "sync_feeds", "Sync feeds", "Fetch every feed the library follows."),
    _k("screen.fetch_pending", "P", "fetch_pending", "Fetch pending",
       "Fetch the pages of pending articles (URL-only rows, summary-only entries)."),
    _k("screen.stripped", "X", "stripped", "What was stripped",
       "Show what the extractor left out of the article's saved page."),
    # -- article list -----------------------------------------------------------------------
    _k("list.down", "j,down", "cursor_down", "Down"),
    _k("list.up", "k,up", "cursor_up", "Up"),
    _k("list.first", "g,home", "first", "First"),
    _k("list.last", "G,end", "last", "Last"),
    _k("list.page_down", "pagedown,space", "page_down", "Page down"),
    _k("list.page_up", "pageup,b", "page_up", "Page up"),
    _k("list.open", "enter", "open", "Open", "Open the article under the cursor."),
    # -- reader -------------------------------------------------------------------------------
    _k("reader.down", "j,down", "line_down", "Down"),
    _k("reader.up", "k,up", "line_up", "Up"),
    _k("reader.top", "g,home", "top", "Top"),
    _k("reader.bottom", "G,end", "bottom", "Bottom"),
    _k("reader.page_down", "pagedown,space", "page_down", "Page down"),
    _k("reader.page_up", "pageup,b", "page_up", "Page up"),
    # -- comments ---------------------------------------------------------------------------
    _k("comments.down", "j,down", "cursor_down", "Down"),
    _k("comments.up", "k,up", "cursor_up", "Up"),
    _k("comments.first", "g,home", "scroll_home", "First"),
    _k("comments.last", "G,end", "scroll_end", "Last"),
    _k("comments.page_down", "pagedown", "page_down", "Page down"),
    _k("comments.page_up", "pageup", "page_up", "Page up"),
    _k("comments.toggle", "enter,space", "toggle", "Fold", "Expand or collapse this comment."),
    _k("comments.expand_all", "e", "expand_all", "Expand all", "Expand every comment."),
    _k("comments.collapse_all", "E", "collapse_all", "Collapse all", "Collapse every comment."),
    _k("comments.parent", "p", "parent", "Parent", "Jump to the parent comment."),
    _k("comments.text_down", "J", "text_down", "Text down",
       "Scroll a long comment's text down half a page."),
    _k("comments.text_up", "K", "text_up", "Text up",
       "Scroll a long comment's text up half a page."),
    _k("comments.next_thread", "right_square_bracket", "next_thread", "Next thread",
       "Jump to the next top-level comment."),
    _k("comments.previous_thread", "left_square_bracket", "previous_thread", "Previous thread",
       "Jump to the previous top-level comment."),
    # -- notes ------------------------------------------------------------------------------
    _k("screen.note", "m", "new_note", "Note",
       "Add a note on the article (on the comment, in the comment pane).", show=True),
    _k("screen.notes", "e", "article_notes", "Notes",
       "Show the article's notes and highlights to edit or delete them."),
    _k("screen.all_notes", "M", "all_notes", "All notes",
       "Every note and highlight, newest first."),
    _k("screen.select", "V", "select_text", "Select", "Select a passage to highlight."),
    _k("screen.next_highlight", "right_square_bracket", "next_highlight", "Next highlight",
       "Jump to the next highlight in the article."),
    _k("screen.previous_highlight", "left_square_bracket", "previous_highlight",
       "Previous highlight", "Jump to the previous highlight in the article."),
    _k("select.char_forward", "l,right", "char_forward", "Char →", "Extend by a character."),
    _k("select.char_back", "h,left", "char_back", "Char ←", "Shrink or extend back a character."),
    _k("select.word_forward", "w", "word_forward", "Word →", "Extend to the end of the word."),
    _k("select.word_back", "b", "word_back", "Word ←", "Back to the start of the word."),
    _k("select.sentence_forward", "right_parenthesis,s", "sentence_forward", "Sentence →",
       "Extend to the end of the sentence."),
    _k("select.sentence_back", "left_parenthesis,S", "sentence_back", "Sentence ←",
       "Back to the start of the sentence."),
    _k("select.paragraph_forward", "right_curly_bracket,p", "paragraph_forward", "Paragraph →",
       "Extend to the end of the paragraph."),
    _k("select.paragraph_back", "left_curly_bracket,P", "paragraph_back", "Paragraph ←",
       "Back to the start of the paragraph."),
    _k("select.line_down", "j,down", "line_down", "Line ↓", "Extend a line down."),
    _k("select.line_up", "k,up", "line_up", "Line ↑", "Extend a line up."),
    _k("select.restart", "space", "restart", "Start here",
       "Start the selection again at the cursor."),
    _k("select.save", "enter", "save", "Highlight", "Save the selection as a highlight.",
       show=True),
    _k("select.cancel", "escape", "cancel", "Cancel", "Leave the selection.", show=True),
    _k("notes.delete", "d,delete", "delete_note", "Delete", "Delete the note (asks first).",
       show=True),
    _k("notes.close", "escape", "close", "Back", "Back to the reader.", show=True),
    _k("editor.save", "ctrl+s", "save", "Save", "Save the note.", show=True),
    _k("editor.cancel", "escape", "cancel", "Close",
       "Close the editor (asks before dropping changes).", show=True),
    _k("allnotes.filter", "slash", "focus_filter", "Filter",
       "Filter by words, tag:name or article:id.", show=True),
    _k("allnotes.close", "escape", "close", "Back", "Back to the reader.", show=True),
    _k("confirm.yes", "y", "yes", "Yes"),
    _k("confirm.no", "n", "no", "No"),
    # -- dialogs and help ---------------------------------------------------------------------
    _k("dialog.close", "escape", "close", "Close", "Close the dialog without an answer."),
    _k("help.close", "q,question_mark", "close", "Close", "Close the help screen."),
    _k("help.down", "j,down", "scroll_down", "Down"),
    _k("help.up", "k,up", "scroll_up", "Up"),
)  # fmt: skip
"""Every binding, in help-screen order."""

_BY_ID = {k.id: k for k in KEYS}
assert len(_BY_ID) == len(KEYS), "duplicate key ids"


def spec(binding_id: str) -> KeySpec:
    """The :class:`KeySpec` with *binding_id*."""
    return _BY_ID[binding_id]


def bindings_for(target: str) -> list[Binding]:
    """The ``BINDINGS`` of the node that is *target*."""
    return [
        Binding(k.keys, k.action, k.description, show=k.show, tooltip=k.help, id=k.id)
        for k in KEYS
        if k.target == target
    ]


def keys_for(binding_id: str, keymap: Mapping[str, str]) -> str:
    """The keys bound to *binding_id* now: the user's override, else the default."""
    return keymap.get(binding_id) or _BY_ID[binding_id].keys


_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "esc",
    "space": "space",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "plus": "+",
}


def key_display(keys: str) -> str:
    """Keys as a person reads them: ``question_mark`` → ``?``, ``j,down`` → ``j / down``."""
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    return " / ".join(_NAMES.get(k, k) for k in parts)


def unknown_ids(ids: Iterable[str]) -> list[str]:
    """The ids in *ids* that no binding has (for warnings about ``config.toml``)."""
    return sorted(i for i in ids if i not in _BY_ID)
