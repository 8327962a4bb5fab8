"""Drawing one row of the article list as a strip of segments.

Columns shrink with the width: markers, title, site (≥ 64 cells), date
(``2024-05-01`` at ≥ 56 cells, ``05-01`` below), comment count (≥ 44 cells).
Untrusted titles, sites and snippets are passed through ``safe_line`` and
become plain segments: nothing is parsed as markup.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from tuireader.app.fmt import glyphs, short_date
from tuireader.text import safe_line

if TYPE_CHECKING:
    from textual.widget import Widget

    from tuireader.store.views import ArticleSummary, SearchHit

__all__ = ["RowPainter", "fit"]

_BOLD = Style(bold=True)
_ITALIC = Style(italic=True)
_WHERE = {"comment": "in a comment: ", "note": "in a note: ", "article": ""}


def fit(text: str, width: int) -> str:
    """*text* cropped (with an ellipsis) or padded to exactly *width* cells."""
    if width <= 0:
        return ""
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…"
    return set_cell_size(text, width)


class RowPainter:
    """Draws rows with the owning widget's component styles (cached per theme)."""

    CACHE_SIZE = 512

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self.glyphs = glyphs()
        self._styles: dict[tuple[str, bool], Style] = {}
        self._strips: OrderedDict[tuple[object, ...], Strip] = OrderedDict()

    def clear(self) -> None:
        """Forget the cached styles and rows (the theme or the CSS changed)."""
        self._styles.clear()
        self._strips.clear()

    def _cached(self, key: tuple[object, ...], make: Callable[[], Strip]) -> Strip:
        """A row drawn before with the same data, width, cursor and focus, or a new one."""
        key = (*key, self.widget.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            strip = self._strips[key] = make()
            if len(self._strips) > self.CACHE_SIZE:
                self._strips.popitem(last=False)
        else:
            self._strips.move_to_end(key)
        return strip

    def style(self, name: str) -> Style:
        """A component style of the list (``cursor``, ``meta``...)."""
        focused = self.widget.has_focus
        key = (name, focused)
        style = self._styles.get(key)
        if style is None:
            style = self.widget.get_component_rich_style(f"article-list--{name}")
            self._styles[key] = style
        return style

    def _finish(self, segments: list[Segment], width: int, cursor: bool) -> Strip:
        base = self.widget.rich_style
        if cursor:
            cursor_style = self.style("cursor" if self.widget.has_focus else "cursor-blurred")
            segments = [Segment(t, (s or Style.null()) + cursor_style) for t, s, _ in segments]
            fill = base + cursor_style
        else:
            fill = base
        return Strip(segments).crop_extend(0, width, fill).apply_style(base).simplify()

    def row(self, summary: ArticleSummary, width: int, cursor: bool) -> Strip:
        """One article row."""
        return self._cached(
            ("row", summary, width, cursor), lambda: self._row(summary, width, cursor)
        )

    def _row(self, summary: ArticleSummary, width: int, cursor: bool) -> Strip:
        g = self.glyphs
        marker = self.style("marker")
        meta = self.style("meta")
        third = g.note if summary.note_count else g.archived if summary.archived else " "
        unread = g.unread if not summary.read else " "
        # As few segments as possible: each one costs a colour sequence on the wire.
        if summary.starred:
            segments = [
                Segment(" " + unread, marker),
                Segment(g.star, self.style("star")),
                Segment(third + " ", marker),
            ]
        else:
            segments = [Segment(" " + unread + " " + third + " ", marker)]
        tail: list[Segment] = []
        if width >= 44:
            count = str(summary.comment_count) if summary.comment_count else ""
            tail.append(Segment(" " + count.rjust(4), meta))
        if width >= 30:
            date_width = 10 if width >= 56 else 5
            tail.insert(0, Segment(" " + short_date(summary.sort_date, date_width), meta))
        if width >= 64:
            site_width = min(20, max(8, width // 6))
            tail.insert(0, Segment(" " + fit(safe_line(summary.site), site_width), meta))
        used = 5 + sum(cell_len(s.text) for s in tail) + 1
        title_style = _BOLD if not summary.read else Style.null()
        title = fit(safe_line(summary.title) or "(untitled)", max(4, width - used))
        segments.append(Segment(title, title_style))
        if tail:
            segments.append(Segment("".join(s.text for s in tail) + " ", meta))
        return self._finish(segments, width, cursor)

    def snippet(self, hit: SearchHit, width: int, cursor: bool) -> Strip:
        """The second line of a search hit: where it matched and the snippet, matches marked."""
        return self._cached(("hit", hit, width, cursor), lambda: self._snippet(hit, width, cursor))

    def _snippet(self, hit: SearchHit, width: int, cursor: bool) -> Strip:
        from tuireader.store.search import split_snippet  # loaded by the search worker already

        snippet_style = self.style("meta") + _ITALIC
        match_style = self.style("match")
        segments = [Segment("      "), Segment(_WHERE.get(hit.where, ""), self.style("meta"))]
        room = width - sum(cell_len(s.text) for s in segments) - 1
        pieces = split_snippet(hit.snippet)
        if pieces and not pieces[0][1] and len(pieces) > 1:
            # Keep the first match in view: drop words before it beyond a third of the room.
            lead = safe_line(pieces[0][0])
            keep = max(0, room // 3)
            if cell_len(lead) > keep:
                words = lead.split(" ")
                while words and cell_len(" ".join(words)) > keep - 1:
                    words.pop(0)
                pieces[0] = ("…" + " ".join(words) + " ", False)
        for text, is_match in pieces:
            piece = safe_line(text) if not text.isspace() else " "
            if text[:1].isspace() and piece:
                piece = " " + piece
            if text[-1:].isspace() and piece.strip():
                piece += " "
            if room <= 0:
                break
            if cell_len(piece) > room:
                piece = fit(piece, room)
            segments.append(Segment(piece, match_style if is_match else snippet_style))
            room -= cell_len(piece)
        return self._finish(segments, width, cursor)

    def placeholder(self, width: int, cursor: bool) -> Strip:
        """A row whose page is still loading."""
        return self._finish([Segment("     …", self.style("meta"))], width, cursor)

    def message(self, text: str, width: int) -> Strip:
        """The line an empty list shows."""
        return self._finish([Segment(" " + safe_line(text), self.style("meta"))], width, False)
