"""HTML fragments (feed entries, export bodies) to Markdown and to plain text.

Markdown comes from `markdownify <https://pypi.org/project/markdownify/>`_ with
a converter that keeps only ``http``/``https`` links and images (other links
keep their text).  Plain text comes from lxml.  Both results pass through
:func:`tuireader.text.safe_text`; input larger than :data:`MAX_HTML_CHARS` is
cut, and HTML nested too deeply for the converter falls back to plain text.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from html import unescape
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from markdownify import MarkdownConverter

from tuireader.importers.common import http_url
from tuireader.text import safe_text

__all__ = ["MAX_HTML_CHARS", "html_to_markdown", "html_to_text", "looks_like_html"]

MAX_HTML_CHARS = 5_000_000
"""HTML beyond this many characters (about 5 MB) is not converted."""

_BLOCKS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "details", "dialog"),
        *("div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav"),
        *("ol", "p", "pre", "section", "summary", "table", "tr", "ul"),
    }
)
_LINE_ITEMS = frozenset({"br", "li", "dt", "dd", "tr"})  # one newline, not a blank line
_DROPPED = ("script", "style", "template", "noscript", "head", "title")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")
_NOT_TEXT = re.compile(
    r"<(script|style|template)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.IGNORECASE | re.DOTALL
)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_TAG_LIKE = re.compile(r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z]|!--)")


def _link_target(url: object, base: str | None) -> str | None:
    """An http(s) URL (resolved against *base*) made safe to put between Markdown ``( )``."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    if base and url and not _SCHEME.match(url):
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
    safe = http_url(url)
    if safe is None:
        return None
    return safe.replace("(", "%28").replace(")", "%29").replace("<", "%3C").replace(">", "%3E")


class _SafeConverter(MarkdownConverter):
    """markdownify, with links and images restricted to http(s)."""

    def convert_a(self, el, text, parent_tags):  # noqa: D102 - markdownify hook
        href = _link_target(el.get("href"), _BASE.get())
        if href is None:
            return text
        el["href"] = href
        el.attrs.pop("title", None)
        return super().convert_a(el, text, parent_tags)

    def convert_img(self, el, text, parent_tags):  # noqa: D102 - markdownify hook
        src = _link_target(el.get("src"), _BASE.get())
        alt = el.get("alt") or ""
        if src is None:
            return alt if isinstance(alt, str) else ""
        el["src"] = src
        el.attrs.pop("title", None)
        return super().convert_img(el, text, parent_tags)


_CONVERTER = _SafeConverter(heading_style="ATX", bullets="-", bs4_options="lxml")
_BASE: ContextVar[str | None] = ContextVar("tuireader_html_base", default=None)
"""The URL relative links of the fragment being converted are resolved against."""
# huge_tree lifts libxml2's nesting limit (256), past which it silently drops text.
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def looks_like_html(text: str) -> bool:
    """True when *text* contains something that looks like an HTML tag or comment."""
    return bool(_TAG_LIKE.search(text[:100_000]))


def _tidy(text: str) -> str:
    text = safe_text(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def html_to_markdown(html: str, base: str | None = None) -> str:
    """Convert an HTML fragment to Markdown (safe text); ``""`` for empty input.

    Relative links and images are resolved against *base* (an http(s) URL);
    links that are not http(s) in the end keep only their text.

    When the converter loses most of the text (HTML nested too deeply for it),
    the plain text of :func:`html_to_text` is returned instead.
    """
    html = html[:MAX_HTML_CHARS]
    if not html.strip():
        return ""
    try:
        token = _BASE.set(http_url(base))
        try:
            markdown = _tidy(_CONVERTER.convert(html))
        finally:
            _BASE.reset(token)
    except RecursionError:
        markdown = ""
    if len(markdown) < 200 or markdown.count("\n") < 2:
        # Cheap enough for short results; long ones rarely lose their text.
        text = html_to_text(html)
        if len(markdown) < len(text) // 2:
            return text
    return markdown


def html_to_text(html: str) -> str:
    """Convert an HTML fragment to plain text: blocks on their own lines, spaces collapsed."""
    html = safe_text(html[:MAX_HTML_CHARS])
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div", parser=_PARSER)
    except (lxml.etree.LxmlError, ValueError):
        return _tidy(html)
    for element in list(root.iter(*_DROPPED)):
        element.drop_tree()
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
            if element.tag.lower() not in _LINE_ITEMS:
                element.text = "\n" + (element.text or "")
    text = _lines(root.text_content())
    if len(text) * 20 < len(html):
        # Little text for much HTML: maybe the parser gave up (nesting deeper
        # than libxml2's 2048 levels).  A plain tag strip tells.
        stripped = _lines(unescape(_NOT_TEXT.sub(" ", html)))
        if len(stripped) > 2 * len(text):
            return stripped
    return text


def _lines(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()
