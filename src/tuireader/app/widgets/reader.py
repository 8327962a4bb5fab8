"""The reader pane: a line-based view of one article (Line API, ``ScrollView``).

The document is built and wrapped in a worker (:mod:`reader_doc`) and arrives in
pieces, so a 300 KB article shows its first screen at once and never mounts a
widget per block.  Lines are rendered to strips on demand and cached.

Extension points for highlights, selections and notes:

- :attr:`ReaderView.decorators`: callables ``(index, line, text) -> None`` that
  may ``text.stylize(...)`` the body of a line before it is drawn (``text`` is a
  copy; character ``i`` of it is character ``line.start + i`` of block
  ``line.block``); call :meth:`refresh_document` after changing what they draw.
- :meth:`ReaderView.text_map` turns ``(line, column)`` into an offset of
  ``ArticleView.text`` and back (``offset_at`` / ``position_of``).
- :attr:`ReaderView.lines`, :attr:`ReaderView.blocks`, :attr:`ReaderView.article`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from rich.theme import Theme
from textual import work
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tuireader.app.keymap import bindings_for
from tuireader.app.messages import ReaderChunk
from tuireader.app.widgets.reader_doc import Block, DocChunk, Line, TextMap, layout_blocks
from tuireader.app.widgets.scrolling import set_virtual_size, style_signature
from tuireader.text import safe_text

__all__ = ["ReaderView", "Decorator", "terms_pattern"]

Decorator = Callable[[int, Line, Text], None]

# Each ``reader.*`` style name of the document = a themed component class + fixed modifiers.
# Few component classes on purpose: Textual restyles each of them on every focus change.
STYLES: dict[str, tuple[str | None, Style]] = {
    "title": ("title", Style(bold=True)),
    "meta": ("muted", Style()),
    "tag": ("muted", Style(italic=True)),
    "notice": ("muted", Style(italic=True)),
    "h1": ("heading", Style(bold=True, underline=True)),
    "h2": ("heading", Style(bold=True)),
    "h3": (None, Style(bold=True)),
    "em": (None, Style(italic=True)),
    "strong": (None, Style(bold=True)),
    "strike": (None, Style(strike=True)),
    "code": ("code", Style()),
    "code_block": ("code", Style()),
    "link": ("link", Style(underline=True)),
    "link_number": ("link", Style(bold=True)),
    "image": ("muted", Style(italic=True)),
    "quote": ("muted", Style(italic=True)),
    "rule": ("muted", Style()),
    "prefix": ("muted", Style()),
    "match": ("match", Style()),
    "highlight": ("highlight", Style()),
    "selection": ("selection", Style()),
    "cursor": ("cursor", Style()),
    "orphan": ("orphan", Style()),
}
"""``reader.<name>`` → (component class ``reader--<class>`` or None, fixed style)."""
STYLE_NAMES = tuple(STYLES)


def terms_pattern(terms: tuple[tuple[str, bool], ...]) -> re.Pattern[str] | None:
    """A regex finding the search words (``(word, is_prefix)``) as whole words or prefixes."""
    parts = [re.escape(w) + (r"\w*" if prefix else r"\b") for w, prefix in terms if w.strip()]
    if not parts:
        return None
    return re.compile(r"\b(?:" + "|".join(parts) + ")", re.IGNORECASE)


class ReaderView(ScrollView, can_focus=True):
    """Shows one article as wrapped lines."""

    BINDINGS = bindings_for("reader")
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        f"reader--{cls}" for cls, _ in STYLES.values() if cls is not None
    }
    DEFAULT_CSS = """
    ReaderView { height: 1fr; padding: 0 1; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.article = None
        """The ``ArticleView`` shown, or None."""
        self.doc_id = 0
        self.blocks: list[Block] = []
        self.lines: list[Line] = []
        self.links: list[str] = []
        self.complete = False
        """True once the last piece of the document has arrived."""
        self.decorators: list[Decorator] = []
        self._layout_width = 0
        self._strips: dict[int, tuple[tuple[object, ...], Strip, Strip]] = {}
        """Line index → (key of the final strip, the line's strip, the final strip)."""
        self._style_console: Console | None = None
        self._map: TextMap | None = None
        self._pattern: re.Pattern[str] | None = None
        self._pending_offset: int | None = None
        self._placeholder = Text("Select an article and press Enter to read it.")
        self._placeholder_lines: tuple[tuple[str, int], list[Text]] = (("", 0), [])
        self._signature: tuple[object, ...] | None = None

    # -- the document ----------------------------------------------------------------------

    @property
    def text_width(self) -> int:
        """The width lines are wrapped to.

        The scrollbar's column is always left out, shown or not: the wrap then does
        not depend on whether the document is long enough to scroll.
        """
        scrollbar = self.styles.scrollbar_size_vertical or 0
        return max(12, self.content_region.width - scrollbar - 1)

    def show_placeholder(self, message: str) -> None:
        """Show *message* (plain text) instead of an article."""
        self.article = None
        self.doc_id += 1
        self._reset()
        self._placeholder = Text(safe_text(message))
        self.scroll_to(0, 0, animate=False, immediate=True)
        self.refresh()

    def begin(self, view: object, doc_id: int, restore_offset: int | None = None) -> None:
        """Start showing the article *view*; its pieces follow as :meth:`add_chunk`."""
        self.article = view
        self.doc_id = doc_id
        self._reset()
        self._pending_offset = restore_offset or None
        self.scroll_to(0, 0, animate=False, immediate=True)

    def _reset(self) -> None:
        self.blocks, self.lines, self.links = [], [], []
        self.complete = False
        self._strips.clear()
        self._map = None
        self._layout_width = self.text_width

    def add_chunk(self, chunk: DocChunk) -> None:
        """Add a piece of the document (or replace every line after a relayout)."""
        if chunk.doc_id != self.doc_id:
            return
        if chunk.relayout:
            self.lines = chunk.lines
            self._layout_width = chunk.width
        else:
            self.blocks.extend(chunk.blocks)
            self.lines.extend(chunk.lines)
            self.links = list(chunk.links)
            self.complete = chunk.final
        self._map = None
        self._strips.clear()
        set_virtual_size(self, Size(self.text_width, len(self.lines)))
        if self._pending_offset is not None:
            self._try_restore()
        if chunk.final and not chunk.relayout and chunk.width != self.text_width:
            self._schedule_relayout()
        self.refresh()

    def text_map(self) -> TextMap:
        """The map between screen lines and offsets in the article's plain text."""
        if self._map is None:
            self._map = TextMap(self.blocks, self.lines)
        return self._map

    def refresh_document(self) -> None:
        """Redraw every line (after decorators or highlights changed)."""
        self._strips.clear()
        self.refresh()

    # -- reading position ------------------------------------------------------------------

    def top_offset(self) -> int:
        """The article-text offset of the first body line on screen (0 at the top or unknown)."""
        top = int(self.scroll_y)
        if top == 0:
            return 0
        text_map = self.text_map()
        for index in range(top, min(len(self.lines), top + max(1, self.size.height))):
            offset = text_map.offset_at(index, 0)
            if offset is not None:
                return offset
        return 0

    def _try_restore(self) -> None:
        offset = self._pending_offset
        if offset is None:
            return
        position = self.text_map().position_of(offset)
        last_line = self.lines[-1].block if self.lines else -1
        reached = position is not None and (
            self.complete or position[0] < len(self.lines) - 1 or last_line < 0
        )
        if reached and position is not None:
            self._pending_offset = None
            self.call_after_refresh(self.scroll_to, 0, position[0], animate=False)

    # -- search highlights -------------------------------------------------------------------

    def set_highlights(self, terms: tuple[tuple[str, bool], ...]) -> None:
        """Highlight the search words *terms* (``(word, is_prefix)``); empty clears."""
        self._pattern = terms_pattern(terms)
        self.refresh_document()

    def find_match(self, forward: bool = True) -> int | None:
        """Scroll to the next (or previous) line with a search match; return it or None."""
        if self._pattern is None or not self.lines:
            return None
        top = int(self.scroll_y)
        order = (
            range(top + 1, len(self.lines))
            if forward
            else range(min(top, len(self.lines)) - 1, -1, -1)
        )
        for index in order:
            if self._pattern.search(self.lines[index].text.plain):
                self.scroll_to(0, index, animate=False)
                return index
        return None

    # -- rendering -----------------------------------------------------------------------------

    def _theme_console(self) -> Console:
        if self._style_console is None:
            themed = {cls: self.get_component_rich_style(f"reader--{cls}") for cls in {
                c for c, _ in STYLES.values() if c is not None}}  # fmt: skip
            styles = {
                f"reader.{name}": (themed[cls] + fixed) if cls else fixed
                for name, (cls, fixed) in STYLES.items()
            }
            self._style_console = Console(
                theme=Theme(styles, inherit=False), color_system="truecolor", legacy_windows=False,
                force_terminal=True, markup=False, emoji=False, highlight=False,
            )  # fmt: skip
        return self._style_console

    def notify_style_update(self) -> None:
        """Styles were applied again: drop the drawn lines only if the colours changed.

        Textual calls this on every focus change too; redrawing every line then
        would make moving between panes slow.
        """
        super().notify_style_update()
        signature = style_signature(self)
        if signature != self._signature:
            self._signature = signature
            self._style_console = None
            self._strips.clear()

    def render_line(self, y: int) -> Strip:
        """Draw screen line *y*."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.lines:
            console = self._theme_console()
            wrapped = self._wrapped_placeholder(console, width) if self.article is None else []
            if y < len(wrapped):
                segments = list(wrapped[y].render(console, end=""))
                return Strip(segments).crop_extend(0, width, base).apply_style(base)
            return Strip.blank(width, base)
        if index >= len(self.lines):
            return Strip.blank(width, base)
        key = (index, scroll_x, width, base)
        cached = self._strips.get(index)
        if cached is None or cached[0] != key:
            body = cached[1] if cached is not None else self._render_document_line(index)
            final = body.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)
            if len(self._strips) > 4000:
                self._strips.clear()
            cached = self._strips[index] = (key, body, final)
        return cached[2]

    def _wrapped_placeholder(self, console: Console, width: int) -> list[Text]:
        key = (self._placeholder.plain, width)
        if self._placeholder_lines[0] != key:
            self._placeholder_lines = (
                key,
                list(self._placeholder.wrap(console, max(8, width - 1))),
            )
        return self._placeholder_lines[1]

    def _render_document_line(self, index: int) -> Strip:
        line = self.lines[index]
        body = line.text.copy()
        if self._pattern is not None:
            for match in self._pattern.finditer(body.plain):
                body.stylize("reader.match", match.start(), match.end())
        for decorate in self.decorators:
            decorate(index, line, body)
        console = self._theme_console()
        segments: list[Segment] = []
        if line.prefix:
            segments.append(Segment(line.prefix, console.get_style("reader.prefix")))
        segments.extend(body.render(console, end=""))
        return Strip(segments)

    # -- resizing --------------------------------------------------------------------------------

    def on_resize(self) -> None:
        """Re-wrap the document when the width changes."""
        if self.blocks and self.text_width != self._layout_width and self.complete:
            self._schedule_relayout()

    def _schedule_relayout(self) -> None:
        self._relayout(self.doc_id, list(self.blocks), self.text_width, list(self.links))

    @work(thread=True, exclusive=True, group="reader-layout", exit_on_error=False)
    def _relayout(self, doc_id: int, blocks: list[Block], width: int, links: list[str]) -> None:
        lines = layout_blocks(blocks, width)
        chunk = DocChunk(doc_id, width, [], lines, links, final=True, relayout=True)
        self.post_message(ReaderChunk(chunk))

    def on_reader_chunk(self, message: ReaderChunk) -> None:
        """A relayout finished."""
        message.stop()
        top = self.top_offset() if self.lines else 0
        self.add_chunk(message.chunk)
        if top:
            self._pending_offset = top
            self._try_restore()

    # -- key actions -------------------------------------------------------------------------------

    def action_line_down(self) -> None:
        """Scroll one line down."""
        self.scroll_relative(y=1, animate=False)

    def action_line_up(self) -> None:
        """Scroll one line up."""
        self.scroll_relative(y=-1, animate=False)

    def action_top(self) -> None:
        """Go to the top."""
        self.scroll_to(y=0, animate=False)

    def action_bottom(self) -> None:
        """Go to the end."""
        self.scroll_to(y=self.max_scroll_y, animate=False)

    def action_page_down(self) -> None:
        """One screen down."""
        self.scroll_relative(y=max(1, self.size.height - 1), animate=False)

    def action_page_up(self) -> None:
        """One screen up."""
        self.scroll_relative(y=-max(1, self.size.height - 1), animate=False)

    @property
    def style_of(self) -> Callable[[str], Style]:
        """Resolve a ``reader.*`` style name with the current theme (for decorators)."""
        return self._theme_console().get_style
