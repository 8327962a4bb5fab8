"""The reader's document model: blocks, wrapped lines, and offsets in the article's text.

Nothing here touches a widget, so documents are built and laid out in thread
workers.  A document is a list of :class:`Block` (a heading, a paragraph, a code
block...) laid out at a width into :class:`Line` objects.  Each line knows its
block and its character range in the block's plain text, and each body block
knows where its words are in ``ArticleView.text`` (``anchors``): that is what
:class:`TextMap` uses to turn a screen position into an offset of the article's
plain text and back, for reading positions, highlights and selections.
"""

from __future__ import annotations

import io
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from tuireader.text import safe_line, safe_text

if TYPE_CHECKING:
    from tuireader.store.views import ArticleView

__all__ = [
    "Block",
    "Line",
    "DocChunk",
    "TextMap",
    "layout_blocks",
    "align_words",
    "build_document",
    "header_blocks",
    "WORDS_PER_MINUTE",
]

WORDS_PER_MINUTE = 230
ALIGN_WINDOW = 4000
"""How far ahead in the plain text a rendered word is looked for."""
_WORD = re.compile(r"\w+")


@dataclass(slots=True)
class Block:
    """A block of the document: its text (style names in spans) and how to indent it."""

    text: Text
    first_prefix: str = ""
    rest_prefix: str = ""
    kind: str = "para"
    style: str = ""
    source: bool = False
    """True for body text (its words map to offsets of the article's plain text)."""
    space_before: int = 1
    wrap: bool = True
    anchors: list[tuple[int, int]] = field(default_factory=list)
    """``(offset in this block's plain text, offset in ArticleView.text)`` per matched word."""


@dataclass(slots=True)
class Line:
    """One screen line: a slice ``start:end`` of block ``block`` and its indent."""

    block: int
    start: int
    end: int
    prefix: str
    text: Text


@dataclass(slots=True)
class DocChunk:
    """Blocks and their lines, posted by the document builder piece by piece."""

    doc_id: int
    width: int
    blocks: list[Block]
    lines: list[Line]
    links: list[str]
    final: bool = False
    relayout: bool = False
    """True when *lines* replace every line (after a resize) instead of adding to them."""


def _console(width: int) -> Console:
    return Console(
        width=max(width, 1),
        file=io.StringIO(),
        color_system=None,
        force_terminal=False,
        legacy_windows=False,
        highlight=False,
        emoji=False,
        markup=False,
    )


def layout_blocks(blocks: Sequence[Block], width: int, first_index: int = 0) -> list[Line]:
    """Wrap *blocks* (numbered from *first_index*) to *width* cells."""
    width = max(width, 12)
    console = _console(width)
    lines: list[Line] = []
    for n, block in enumerate(blocks, start=first_index):
        if lines or n > 0:
            for _ in range(block.space_before):
                lines.append(Line(n, 0, 0, "", Text("")))
        if block.kind == "rule":
            rule = Text("─" * max(1, width - cell_len(block.first_prefix)), style="reader.rule")
            lines.append(Line(n, 0, 0, block.first_prefix, rule))
            continue
        avail = max(8, width - max(cell_len(block.first_prefix), cell_len(block.rest_prefix)))
        plain = block.text.plain
        wrapped = block.text.wrap(console, avail, overflow="fold", no_wrap=False)
        pos = 0
        for k, piece in enumerate(wrapped):
            found = plain.find(piece.plain, pos)
            start = pos if found < 0 else found
            end = start + len(piece.plain)
            pos = end
            prefix = block.first_prefix if k == 0 else block.rest_prefix
            lines.append(Line(n, start, end, prefix, piece))
    return lines


def align_words(plain: str, text: str, pointer: int) -> tuple[list[tuple[int, int]], int]:
    """Anchor the words of *plain* in *text* from *pointer*; return anchors and the new pointer."""
    anchors: list[tuple[int, int]] = []
    for match in _WORD.finditer(plain):
        word = match.group()
        found = text.find(word, pointer, pointer + ALIGN_WINDOW + len(word))
        if found >= 0:
            anchors.append((match.start(), found))
            pointer = found + len(word)
    return anchors, pointer


class TextMap:
    """Screen positions ⇄ offsets in ``ArticleView.text``, for one laid-out document."""

    def __init__(self, blocks: Sequence[Block], lines: Sequence[Line]) -> None:
        self.blocks = blocks
        self.lines = lines
        self._line_starts: dict[int, list[int]] = {}
        for index, line in enumerate(lines):
            self._line_starts.setdefault(line.block, []).append(index)
        self._firsts = [
            (b.anchors[0][1], i) for i, b in enumerate(blocks) if b.source and b.anchors
        ]

    def offset_at(self, line: int, column: int = 0) -> int | None:
        """The offset in the article's text nearest to cell *column* of *line*, or None."""
        if not 0 <= line < len(self.lines):
            return None
        entry = self.lines[line]
        block = self.blocks[entry.block]
        if not block.source or not block.anchors:
            return None
        col = max(0, column - cell_len(entry.prefix))
        char = entry.start + min(len(entry.text.plain), _char_at_cell(entry.text.plain, col))
        keys = [a[0] for a in block.anchors]
        k = bisect_right(keys, char) - 1
        if k < 0:
            return block.anchors[0][1]
        block_off, text_off = block.anchors[k]
        return text_off + (char - block_off)

    def position_of(self, offset: int) -> tuple[int, int] | None:
        """The ``(line, column)`` showing *offset* of the article's text, or None."""
        if not self._firsts:
            return None
        # The last body block starting at or before the offset (else the first one).
        k = bisect_right([first for first, _ in self._firsts], offset) - 1
        block_index = self._firsts[max(k, 0)][1]
        block = self.blocks[block_index]
        if k < 0:
            char = 0
        else:
            # The last anchored word at or before the offset, then count on from it.
            j = max(0, bisect_right([t for _, t in block.anchors], offset) - 1)
            block_off, text_off = block.anchors[j]
            char = min(len(block.text.plain), block_off + (offset - text_off))
        candidates = self._line_starts.get(block_index, [])
        text_lines = [i for i in candidates if self.lines[i].end > self.lines[i].start]
        for n, index in enumerate(text_lines):
            entry = self.lines[index]
            last = n == len(text_lines) - 1
            if entry.start <= char < entry.end or (last and char == entry.end):
                col = cell_len(entry.text.plain[: char - entry.start])
                return index, cell_len(entry.prefix) + col
        return (candidates[-1], 0) if candidates else None


def _char_at_cell(plain: str, cells: int) -> int:
    total = 0
    for i, ch in enumerate(plain):
        total += cell_len(ch)
        if total > cells:
            return i
    return len(plain)


def _date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def header_blocks(view: ArticleView) -> list[Block]:
    """Title, byline, site, date, reading time and tags: the top of the reader."""
    blocks = [
        Block(Text(safe_line(view.title) or "(untitled)", style="reader.title"), kind="title")
    ]
    meta = [safe_line(view.author), safe_line(view.site), _date(view.published or view.added)]
    minutes = max(1, round(view.word_count / WORDS_PER_MINUTE)) if view.word_count else 0
    if minutes:
        meta.append(f"{minutes} min read")
    if view.comments:
        meta.append(f"{len(view.comments)} comments")
    blocks.append(Block(Text(" · ".join(m for m in meta if m), style="reader.meta"), kind="meta"))
    if view.tags:
        tags = Text("tags: ", style="reader.meta")
        tags.append(", ".join(safe_line(t) for t in view.tags), style="reader.tag")
        blocks.append(Block(tags, kind="meta", space_before=0))
    blocks.append(Block(Text(""), kind="rule", space_before=0))
    if view.pending or not view.body_markdown.strip():
        notice = "This article has no text yet."
        if view.fetch_error:
            notice += " Fetching it failed: " + safe_line(view.fetch_error)
        blocks.append(Block(Text(notice, style="reader.notice"), kind="para"))
    return blocks


def link_blocks(links: Sequence[str]) -> list[Block]:
    """The numbered list of links at the end of the document."""
    if not links:
        return []
    blocks = [Block(Text("Links", style="reader.h2"), kind="heading", space_before=2)]
    for n, url in enumerate(links, start=1):
        line = Text(f"[{n}] ", style="reader.link_number")
        line.append(safe_line(url), style="reader.link")
        blocks.append(Block(line, kind="link", rest_prefix="    ", space_before=0))
    return blocks


def build_document(view: ArticleView, width: int, doc_id: int) -> Iterator[DocChunk]:
    """Convert and lay out *view* piece by piece (the first piece is small)."""
    from tuireader.app.widgets.reader_markdown import MarkdownConverter, split_markdown

    converter = MarkdownConverter()
    text = safe_text(view.text)
    pointer = 0
    count = 0
    pending = header_blocks(view)
    for piece in split_markdown(safe_text(view.body_markdown)):
        blocks = converter.convert(piece)
        for block in blocks:
            block.anchors, pointer = align_words(block.text.plain, text, pointer)
        pending.extend(blocks)
        lines = layout_blocks(pending, width, count)
        yield DocChunk(doc_id, width, pending, lines, list(converter.links))
        count += len(pending)
        pending = []
    pending.extend(link_blocks(converter.links))
    yield DocChunk(
        doc_id, width, pending, layout_blocks(pending, width, count), converter.links, final=True
    )
