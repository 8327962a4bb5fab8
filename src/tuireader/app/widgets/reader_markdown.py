"""Markdown to reader blocks, without widgets (safe to run in a thread).

markdown-it-py parses the body (raw HTML off, nesting capped); each block-level
element becomes a :class:`~tuireader.app.widgets.reader_doc.Block` holding a
``rich.text.Text`` whose spans name styles (``reader.em``, ``reader.link``...)
that the reader widget maps to its theme.  Links become ``text[1]`` and are
collected for the list at the end; images become ``[image 3: alt]``.  Every
piece of text passes through :func:`~tuireader.text.safe_text` again.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.text import Text

from tuireader.app.widgets.reader_doc import Block
from tuireader.text import safe_line, safe_text

__all__ = ["MarkdownConverter", "split_markdown"]

MAX_PREFIX_DEPTH = 8
"""Deeper lists and quotes are drawn at this depth (the text is kept)."""
MAX_URL_CHARS = 2000

_INLINE_STYLES = {
    "em_open": "reader.em",
    "strong_open": "reader.strong",
    "s_open": "reader.strike",
}
_CLOSE = {"em_close": "em_open", "strong_close": "strong_open", "s_close": "s_open"}
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_REFDEF = re.compile(r"^\s{0,3}\[[^\]\n]{1,200}\]:\s*\S+")


def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "maxNesting": 20}).enable(
        ["table", "strikethrough"]
    )


def split_markdown(source: str, first: int = 6_000, rest: int = 40_000) -> Iterator[str]:
    """Cut *source* into pieces at blank lines outside code fences.

    The first piece is small so the first screen shows at once; reference link
    definitions are repeated in every piece so ``[text][ref]`` still resolves.
    """
    lines = source.split("\n")
    refs = [line for line in lines if _REFDEF.match(line)][:200]
    ref_block = ("\n\n" + "\n".join(refs)) if refs else ""
    piece: list[str] = []
    size = 0
    fence: str | None = None
    limit = first
    for line in lines:
        match = _FENCE.match(line)
        if match:
            mark = match.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence):
                fence = None
        piece.append(line)
        size += len(line) + 1
        if size >= limit and fence is None and not line.strip():
            yield "\n".join(piece) + ref_block
            piece, size, limit = [], 0, rest
    if piece:
        yield "\n".join(piece) + ref_block


@dataclass
class _Container:
    kind: str  # "quote", "bullet", "ordered", "item"
    marker: str = ""
    number: int = 1
    first_done: bool = False
    tight: bool = False
    started: bool = False
    """For a list: a block of it was emitted (the first block keeps its blank line)."""


@dataclass
class MarkdownConverter:
    """Turns Markdown pieces into blocks, numbering links and images across pieces."""

    links: list[str] = field(default_factory=list)
    images: int = 0
    _link_numbers: dict[str, int] = field(default_factory=dict)
    _md: MarkdownIt = field(default_factory=_parser)

    def convert(self, source: str) -> list[Block]:
        """The blocks of one piece of Markdown."""
        tokens = self._md.parse(source)
        blocks: list[Block] = []
        stack: list[_Container] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind == "blockquote_open":
                stack.append(_Container("quote"))
            elif kind in ("bullet_list_open", "ordered_list_open"):
                start = int(tok.attrGet("start") or 1) if kind == "ordered_list_open" else 1
                tight = i + 2 < len(tokens) and tokens[i + 2].hidden
                stack.append(_Container(kind.split("_")[0], number=start, tight=tight))
            elif kind == "list_item_open":
                parent = stack[-1] if stack else _Container("bullet")
                marker = "• " if parent.kind == "bullet" else f"{parent.number}. "
                parent.number += 1
                stack.append(_Container("item", marker=marker, tight=parent.tight))
            elif (
                kind in ("blockquote_close", "bullet_list_close", "ordered_list_close")
                or kind == "list_item_close"
            ):
                if stack:
                    stack.pop()
            elif kind == "heading_open":
                level = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 1
                style = f"reader.h{min(level, 3)}"
                text = self._inline(tokens[i + 1], base=style)
                if level <= 2:
                    text.stylize(style)
                blocks.append(self._block(text, stack, style=style, kind="heading"))
                i += 2
            elif kind == "paragraph_open":
                text = self._inline(tokens[i + 1])
                blocks.append(self._block(text, stack, kind="para", tight=tok.hidden))
                i += 2
            elif kind in ("fence", "code_block"):
                code = safe_text(tok.content).rstrip("\n").expandtabs(4)
                text = Text(code, style="reader.code_block")
                block = self._block(text, stack, kind="code", wrap=False)
                block.first_prefix += "  "
                block.rest_prefix += "  "
                blocks.append(block)
            elif kind == "hr":
                blocks.append(self._block(Text(""), stack, kind="rule"))
            elif kind == "table_open":
                i = self._table(tokens, i, stack, blocks)
            elif kind == "inline":  # stray inline (html_block is off): show as a paragraph
                blocks.append(self._block(self._inline(tok), stack, kind="para"))
            i += 1
        return blocks

    def _prefixes(self, stack: list[_Container]) -> tuple[str, str]:
        first, rest = "", ""
        for container in stack[:MAX_PREFIX_DEPTH]:
            if container.kind == "quote":
                first += "│ "
                rest += "│ "
            elif container.kind == "item":
                if container.first_done:
                    first += " " * len(container.marker)
                else:
                    first += container.marker
                rest += " " * len(container.marker)
        for container in stack:
            if container.kind == "item":
                container.first_done = True
        return first, rest

    def _block(
        self,
        text: Text,
        stack: list[_Container],
        *,
        kind: str,
        style: str = "",
        wrap: bool = True,
        tight: bool = False,
    ) -> Block:
        first, rest = self._prefixes(stack)
        lists = [c for c in stack if c.kind in ("bullet", "ordered")]
        if tight and len(lists) == 1 and not lists[0].started:
            tight = False  # the first item of a list is set off from what precedes it
        for container in lists:
            container.started = True
        in_quote = any(c.kind == "quote" for c in stack)
        if in_quote and kind == "para":
            text.stylize("reader.quote")
        return Block(
            text=text,
            first_prefix=first,
            rest_prefix=rest,
            kind=kind,
            style=style,
            source=True,
            space_before=0 if tight else 1,
            wrap=wrap,
        )

    def _link_number(self, href: str) -> int:
        href = safe_line(href)[:MAX_URL_CHARS]
        number = self._link_numbers.get(href)
        if number is None:
            self.links.append(href)
            number = self._link_numbers[href] = len(self.links)
        return number

    def _inline(self, token: Token, base: str = "") -> Text:
        out = Text(style=base)
        opened: list[tuple[str, int]] = []
        links: list[tuple[str, int]] = []
        for child in token.children or ():
            kind = child.type
            if kind in ("text", "html_inline"):
                out.append(safe_text(child.content))
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append("\n")
            elif kind == "code_inline":
                out.append(safe_text(child.content), style="reader.code")
            elif kind in _INLINE_STYLES:
                opened.append((kind, len(out)))
            elif kind in _CLOSE:
                for j in range(len(opened) - 1, -1, -1):
                    if opened[j][0] == _CLOSE[kind]:
                        name, start = opened.pop(j)
                        out.stylize(_INLINE_STYLES[name], start, len(out))
                        break
            elif kind == "link_open":
                links.append((str(child.attrGet("href") or ""), len(out)))
            elif kind == "link_close" and links:
                href, start = links.pop()
                out.stylize("reader.link", start, len(out))
                out.append(f"[{self._link_number(href)}]", style="reader.link_number")
            elif kind == "image":
                self.images += 1
                alt = safe_line(child.content) or "no description"
                out.append(f"[image {self.images}: {alt}]", style="reader.image")
        return out

    def _table(
        self, tokens: list[Token], i: int, stack: list[_Container], blocks: list[Block]
    ) -> int:
        rows: list[list[Text]] = []
        header_rows = 0
        in_head = False
        while i < len(tokens) and tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "thead_open":
                in_head = True
            elif tok.type == "thead_close":
                in_head = False
            elif tok.type == "tr_open":
                rows.append([])
                header_rows += in_head
            elif tok.type == "inline" and rows:
                rows[-1].append(self._inline(tok))
            i += 1
        for n, row in enumerate(rows):
            line = Text(" │ ").join(row)
            if n < header_rows:
                line.stylize("reader.strong")
            block = self._block(line, stack, kind="table")
            block.space_before = 1 if n == 0 else 0
            blocks.append(block)
        return i
