"""Load untrusted HTML into an lxml tree, within limits, and read text out of it.

Shared by :mod:`tuireader.importers.html` and the comment adapters.  The checks
run before lxml sees the input: size, binary data (magic numbers, NUL bytes) and
nesting depth (a cheap scan of the tags, because libxml2 silently flattens
anything deeper than 256 levels and trafilatura then returns nothing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from tuireader.importers.charset import decode_bytes, sniff_binary
from tuireader.importers.model import ImportError_

__all__ = [
    "MAX_HTML_BYTES",
    "MAX_NESTING",
    "BLOCK_TAGS",
    "check_html_input",
    "nesting_depth",
    "load_tree",
    "clean_source",
    "element_text",
    "has_class",
]

MAX_HTML_BYTES = 20 * 1024 * 1024
"""Pages larger than this are refused (the fetcher's cap is the same)."""
MAX_NESTING = 2000
"""Pages whose tags nest deeper than this are refused."""

BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset(
    ["script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "button"]
)
# Elements without an end tag, and elements whose end tag may be left out (the
# parser closes them itself): neither can build depth in the scan.
_NO_DEPTH = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "keygen",
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "optgroup",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
        "rb",
        "rt",
        "rtc",
        "rp",
        "html",
        "head",
        "body",
    ]
)
_NO_DEPTH_BYTES = frozenset(name.encode() for name in _NO_DEPTH)
# A comment, a raw-text element (its text is not markup), or a tag start.  Each
# skipped construct ends at its terminator or, if unterminated, at the end.
_SCAN = (
    r"<!--(?:.*?-->|.*\Z)"
    r"|<(?:script|style|textarea|title|xmp)\b(?:.*?</(?:script|style|textarea|title|xmp)|.*\Z)"
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})"
)
_SCAN_STR = re.compile(_SCAN, re.DOTALL | re.IGNORECASE)
_SCAN_BYTES = re.compile(_SCAN.encode(), re.DOTALL | re.IGNORECASE)


def has_class(name: str) -> str:
    """Return an XPath predicate body matching elements whose class list holds *name*
    (with a cheap substring test first: libxml2 short-circuits ``and``)."""
    spaced = "concat(' ', normalize-space(@class), ' ')"
    return f"(contains(@class, '{name}') and contains({spaced}, ' {name} '))"


def nesting_depth(data: bytes | str, limit: int = MAX_NESTING) -> int:
    """Estimate how deeply the tags of *data* nest; stops counting once past *limit*.

    One regular-expression pass over the tags: comments and raw-text elements
    (script, style...) are skipped — an unclosed one swallows the rest, as in a
    browser, so the scan stays linear — and void elements and elements with
    optional end tags do not count.
    """
    pattern = _SCAN_BYTES if isinstance(data, bytes) else _SCAN_STR
    no_depth = _NO_DEPTH_BYTES if isinstance(data, bytes) else _NO_DEPTH
    depth = deepest = 0
    for closing, name in pattern.findall(data):
        if not name:
            continue  # a comment or a raw-text element
        name = name.lower()
        if name in no_depth:
            continue
        if closing:
            if depth:
                depth -= 1
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
    return deepest


_C0 = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _char_ref(match: re.Match[str]) -> str:
    hex_value, dec_value = match.groups()
    code = int(hex_value, 16) if hex_value else int(dec_value)
    if code in (0x09, 0x0A, 0x0D) or 0x20 <= code < 0x7F or 0xA0 <= code <= 0x10FFFF:
        return match.group(0) if not 0xD800 <= code <= 0xDFFF else "\ufffd"
    if 0x80 <= code <= 0x9F:
        # as browsers do: &#150; is the windows-1252 en dash, not a C1 control
        return bytes([code]).decode("cp1252", errors="ignore")
    return ""  # C0 controls, DEL, out of range: nothing a page can mean


def clean_source(text: str) -> str:
    """Remove from HTML source what XML cannot hold and what only a terminal would act
    on: C0 control characters (form feed becomes a space), numeric references to
    them (``&#27;``), and lone surrogates.  References to C1 codes become the
    windows-1252 characters browsers show for them."""
    text = _C0.sub("", text).replace("\x0c", " ")
    if "&#" in text:
        text = _CHAR_REF.sub(_char_ref, text)
    return _SURROGATE.sub("\ufffd", text)


def check_html_input(data: bytes | str) -> None:
    """Raise :class:`ImportError_` when *data* is empty, too large, binary or nested too deeply."""
    if len(data) > MAX_HTML_BYTES:
        raise ImportError_(f"the page is too large (over {MAX_HTML_BYTES // (1024 * 1024)} MB)")
    if not data.strip():
        raise ImportError_("the page is empty")
    kind = sniff_binary(data)
    if kind:
        raise ImportError_(f"not an HTML page ({kind})")
    if nesting_depth(data, MAX_NESTING) > MAX_NESTING:
        raise ImportError_(f"the page is nested too deeply (over {MAX_NESTING} levels)")


def load_tree(data: bytes | str, *, encoding: str | None = None) -> HtmlElement:
    """Check *data* and parse it into an lxml HTML tree (decoding bytes with *encoding*
    or the detected charset).  Raises :class:`ImportError_` on bad input."""
    check_html_input(data)
    text = clean_source(data if isinstance(data, str) else decode_bytes(data, encoding))
    try:
        tree = load_html(text)
    except (ValueError, TypeError, etree.LxmlError) as exc:
        raise ImportError_("the page could not be parsed as HTML") from exc
    if tree is None:
        raise ImportError_("the page could not be parsed as HTML")
    return tree


def _iter_events(
    root: HtmlElement, skip: Callable[[HtmlElement], bool] | None
) -> Iterator[tuple[str, str]]:
    """Yield ``("text", s)``, ``("open", tag)`` and ``("close", tag)`` in document order."""
    stack: list[tuple[HtmlElement, bool]] = [(root, False)]
    while stack:
        el, closing = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            yield ("close", tag)
        elif tag and tag not in _SKIP_TAGS and (skip is None or el is root or not skip(el)):
            yield ("open", tag)
            if el.text:
                yield ("text", el.text)
            stack.append((el, True))
            stack.extend((child, False) for child in reversed(el))
            continue
        if el is not root and el.tail:
            yield ("text", el.tail)


def element_text(root: HtmlElement, skip: Callable[[HtmlElement], bool] | None = None) -> str:
    """Return the visible text of *root* as plain text with paragraphs.

    Block elements become paragraph breaks (blank lines), ``<br>`` a line break;
    whitespace inside a line is collapsed except in ``<pre>``; quoted paragraphs
    start with ``"> "``.
    Elements for which *skip* returns true are left out (with their children).
    The result is not yet passed through ``safe_text``.
    """
    paragraphs: list[str] = []
    lines: list[str] = []
    pieces: list[str] = []
    quote_depth = 0
    pre_depth = 0

    def end_line() -> None:
        raw = "".join(pieces)
        pieces.clear()
        if pre_depth:
            kept = [line.rstrip() for line in raw.split("\n")]
            while kept and not kept[-1]:
                kept.pop()
            while kept and not kept[0]:
                kept.pop(0)
            lines.extend(kept)
        else:
            line = " ".join(raw.split())
            if line:
                lines.append(line)

    def end_paragraph() -> None:
        end_line()
        if lines:
            prefix = "> " * quote_depth
            paragraphs.append("\n".join(prefix + line for line in lines))
            lines.clear()

    for kind, value in _iter_events(root, skip):
        if kind == "text":
            pieces.append(value)
        elif value == "br":
            if kind == "open":
                end_line()
        elif value in BLOCK_TAGS:
            end_paragraph()
            if value == "pre":
                pre_depth = pre_depth + 1 if kind == "open" else max(pre_depth - 1, 0)
            elif value == "blockquote":
                quote_depth = quote_depth + 1 if kind == "open" else max(quote_depth - 1, 0)
    end_paragraph()
    return "\n\n".join(paragraphs)
