"""Selecting a passage of the article from the keyboard, and drawing spans in the reader.

A selection is two offsets in ``ArticleView.text``: where it was started
(``anchor``) and the ``cursor``; the selected passage is between them.  The
cursor moves by character, word, sentence, paragraph or screen line; each move
extends (or shrinks) the selection.  :class:`SelectionBar` is the focused widget
while selecting: it holds the keys and says what they do.

:func:`span_decorator` draws spans of the article's text (highlights, the
selection, the cursor) on the reader's lines, through the reader's decorator
hook and the word anchors of its document.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Static

from tuireader.app.keymap import bindings_for
from tuireader.app.widgets.reader_doc import Block, Line

__all__ = [
    "SelectionBar",
    "Span",
    "line_offsets",
    "span_decorator",
    "word_forward",
    "word_back",
    "sentence_forward",
    "sentence_back",
    "paragraph_forward",
    "paragraph_back",
]

_SENTENCE_END = re.compile(r"[.!?…]+[\"')\]»”’]*(?=\s|$)|\n\s*\n")
_PARAGRAPH = re.compile(r"\n\s*\n")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def word_forward(text: str, pos: int) -> int:
    """The end of the word at or after *pos*."""
    i, n = pos, len(text)
    while i < n and not _is_word(text[i]):
        i += 1
    while i < n and _is_word(text[i]):
        i += 1
    return i


def word_back(text: str, pos: int) -> int:
    """The start of the word before *pos*."""
    i = pos
    while i > 0 and not _is_word(text[i - 1]):
        i -= 1
    while i > 0 and _is_word(text[i - 1]):
        i -= 1
    return i


def sentence_forward(text: str, pos: int) -> int:
    """The end of the sentence at *pos* (or of the next one, when *pos* ends one)."""
    for match in _SENTENCE_END.finditer(text, pos):
        end = match.start() if match.group().startswith("\n") else match.end()
        if end > pos:
            return end
    return len(text)


def sentence_back(text: str, pos: int) -> int:
    """The start of the sentence before *pos*."""
    start = 0
    for match in _SENTENCE_END.finditer(text, 0, max(0, pos - 1)):
        begin = match.end()
        while begin < len(text) and text[begin].isspace():
            begin += 1
        if begin < pos:
            start = begin
    return start


def paragraph_forward(text: str, pos: int) -> int:
    """The end of the paragraph at *pos* (or of the next one)."""
    for match in _PARAGRAPH.finditer(text, pos):
        if match.start() > pos:
            return match.start()
    return len(text)


def paragraph_back(text: str, pos: int) -> int:
    """The start of the paragraph before *pos*."""
    start = 0
    for match in _PARAGRAPH.finditer(text, 0, pos):
        if match.end() < pos:
            start = match.end()
    return start


@dataclass(frozen=True, slots=True)
class Span:
    """A span of the article's text to draw with the ``reader.<style>`` style."""

    start: int
    end: int
    style: str


def line_offsets(block: Block, line: Line) -> list[int] | None:
    """The article-text offset of each character of *line*, or None for a line of no text."""
    if not block.source or not block.anchors:
        return None
    keys = [a[0] for a in block.anchors]
    offsets = []
    for ch in range(line.start, line.start + len(line.text.plain)):
        k = bisect_right(keys, ch) - 1
        if k < 0:
            offsets.append(-1)
            continue
        block_off, text_off = block.anchors[k]
        offsets.append(text_off + (ch - block_off))
    return offsets


def span_decorator(
    blocks: Callable[[], Sequence[Block]], spans: Callable[[], Sequence[Span]]
) -> Callable[[int, Line, Text], None]:
    """A reader decorator that styles every character of a line inside one of *spans*."""

    def decorate(_index: int, line: Line, text: Text) -> None:
        current = spans()
        if not current:
            return
        all_blocks = blocks()
        if not 0 <= line.block < len(all_blocks):
            return
        offsets = line_offsets(all_blocks[line.block], line)
        if not offsets:
            return
        low, high = offsets[0], offsets[-1]
        for span in current:
            if span.end <= low or span.start > high:
                continue
            run_start = None
            for i, off in enumerate([*offsets, -1]):
                inside = off >= 0 and span.start <= off < span.end
                if inside and run_start is None:
                    run_start = i
                elif not inside and run_start is not None:
                    text.stylize(f"reader.{span.style}", run_start, i)
                    run_start = None

    return decorate


class SelectionBar(Static, can_focus=True):
    """The focused line at the foot of the reader while a passage is being selected."""

    BINDINGS = bindings_for("select")

    class Moved(Message):
        """The cursor or the anchor moved: redraw."""

    class Save(Message):
        """Save the selection ``start:end`` as a highlight."""

        def __init__(self, start: int, end: int) -> None:
            super().__init__()
            self.start = start
            self.end = end

    class Cancelled(Message):
        """The selection was left without saving."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id)
        self.article_text = ""
        self.anchor = 0
        self.cursor = 0
        self.line_mover: Callable[[int, int], int | None] | None = None
        """``(offset, lines) -> offset`` for up/down (set by the screen from the reader's map)."""

    def begin(self, text: str, offset: int) -> None:
        """Start selecting in *text* at *offset*."""
        self.article_text = text
        self.anchor = self.cursor = max(0, min(offset, len(text)))
        self.add_class("-active")
        self._show()

    def end(self) -> None:
        """Stop selecting."""
        self.remove_class("-active")

    @property
    def active(self) -> bool:
        """True while selecting."""
        return self.has_class("-active")

    @property
    def span(self) -> tuple[int, int]:
        """The selected passage as ``(start, end)``."""
        return min(self.anchor, self.cursor), max(self.anchor, self.cursor)

    def spans(self) -> list[Span]:
        """What the reader draws: the selection and the cursor."""
        if not self.active:
            return []
        start, end = self.span
        out = [Span(start, end, "selection")] if end > start else []
        out.append(Span(self.cursor, self.cursor + 1, "cursor"))
        return out

    def _show(self) -> None:
        start, end = self.span
        chosen = " ".join(self.article_text[start:end].split())
        if len(chosen) > 60:
            chosen = chosen[:28] + " … " + chosen[-28:]
        status = Text("SELECT ", style="bold")
        status.append(f"{end - start} chars " if end > start else "(empty) ")
        if chosen:
            status.append("“" + chosen + "”  ")
        status.append("l/h char · w/b word · s/S sentence · p/P paragraph · j/k line · ")
        status.append("space restart · Enter highlight · Esc cancel")
        self.update(status)
        self.post_message(self.Moved())

    def set_span(self, anchor: int, cursor: int) -> None:
        """Select from *anchor* to *cursor* (a mouse drag)."""
        n = len(self.article_text)
        self.anchor = max(0, min(anchor, n))
        self.cursor = max(0, min(cursor, n))
        self._show()

    def _move(self, to: int) -> None:
        self.cursor = max(0, min(to, len(self.article_text)))
        self._show()

    def action_char_forward(self) -> None:
        """One character forward."""
        self._move(self.cursor + 1)

    def action_char_back(self) -> None:
        """One character back."""
        self._move(self.cursor - 1)

    def action_word_forward(self) -> None:
        """To the end of the word."""
        self._move(word_forward(self.article_text, self.cursor))

    def action_word_back(self) -> None:
        """To the start of the word."""
        self._move(word_back(self.article_text, self.cursor))

    def action_sentence_forward(self) -> None:
        """To the end of the sentence."""
        self._move(sentence_forward(self.article_text, self.cursor))

    def action_sentence_back(self) -> None:
        """To the start of the sentence."""
        self._move(sentence_back(self.article_text, self.cursor))

    def action_paragraph_forward(self) -> None:
        """To the end of the paragraph."""
        self._move(paragraph_forward(self.article_text, self.cursor))

    def action_paragraph_back(self) -> None:
        """To the start of the paragraph."""
        self._move(paragraph_back(self.article_text, self.cursor))

    def _line(self, step: int) -> None:
        if self.line_mover is not None:
            to = self.line_mover(self.cursor, step)
            if to is not None:
                self._move(to)

    def action_line_down(self) -> None:
        """One screen line down."""
        self._line(1)

    def action_line_up(self) -> None:
        """One screen line up."""
        self._line(-1)

    def action_restart(self) -> None:
        """Start the selection again at the cursor."""
        self.anchor = self.cursor
        self._show()

    def action_save(self) -> None:
        """Save the selection as a highlight (it must not be empty)."""
        start, end = self.span
        if not self.article_text[start:end].strip():
            self.app.notify("Select some text first.", severity="warning", markup=False)
            return
        self.post_message(self.Save(start, end))

    def action_cancel(self) -> None:
        """Leave without saving."""
        self.end()
        self.post_message(self.Cancelled())
