"""Comments of a Hacker News item page.

The thread is a flat table: each ``tr.athing.comtr`` row (``id`` = the item id)
has a ``td.ind`` whose ``indent`` attribute (older pages: the width of its spacer
image, 40 pixels a level) gives the depth; ``a.hnuser`` is the author,
``span.age[title]`` holds ``"<ISO time> <unix time>"`` and ``.commtext`` the text
(its ``div.reply`` link is not part of it).  Parents are recovered from the
indents with a stack, so a reply always follows its parent.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from lxml.html import HtmlElement

from tuireader.importers.comments.base import (
    MAX_DEPTH,
    AdapterResult,
    ArticleHint,
    ThreadBuilder,
    parse_when,
    with_class,
)
from tuireader.importers.htmltree import element_text, has_class

__all__ = ["extract"]

NAME = "hackernews"
_PIXELS_PER_LEVEL = 40
_HN_ITEM = "https://news.ycombinator.com/item?"


def _indent(row: HtmlElement) -> int:
    cells = row.xpath(f".//td[{has_class('ind')}]")
    if not cells:
        return 0
    value = cells[0].get("indent")
    if value is None:
        img = cells[0].find(".//img")
        width = img.get("width") if img is not None else None
        value = str(int(width) // _PIXELS_PER_LEVEL) if width and width.isdigit() else "0"
    try:
        return max(0, min(int(value), MAX_DEPTH))
    except ValueError:
        return 0


def _first(row: HtmlElement, xpath: str) -> HtmlElement | None:
    found = row.xpath(xpath)
    return found[0] if found else None


def _text(row: HtmlElement) -> str:
    el = _first(row, f".//*[{has_class('commtext')}]")
    if el is None:
        el = _first(row, f".//div[{has_class('comment')}]")
    if el is None:
        return ""
    return element_text(el, skip=with_class("reply"))


def _story(tree: HtmlElement, url: str | None) -> ArticleHint | None:
    """The submission at the top of the page: its link, author, time and text."""
    item = _first(tree, f"//table[{has_class('fatitem')}]")
    if item is None:
        return None
    title = _first(item, f".//span[{has_class('titleline')}]/a[@href]")
    link = None
    if title is not None:
        href = urljoin(url or "https://news.ycombinator.com/", title.get("href") or "")
        if urlsplit(href).scheme in ("http", "https") and not href.startswith(_HN_ITEM):
            link = href
    text_el = _first(item, f".//div[{has_class('toptext')}]")
    user = _first(item, f".//a[{has_class('hnuser')}]")
    age = _first(item, f".//span[{has_class('age')}]")
    return ArticleHint(
        text=element_text(text_el) if text_el is not None else "",
        author=user.text_content() if user is not None else None,
        posted=parse_when(age.get("title")) if age is not None else None,
        link=link,
    )


def extract(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the Hacker News thread of *tree*, or ``None`` when it is not an item page."""
    rows = tree.xpath(f"//tr[{has_class('athing')} and {has_class('comtr')}]")
    if not rows:
        return None
    builder = ThreadBuilder()
    stack: list[tuple[int, str | None]] = []
    for row in rows:
        if builder.full:
            break
        key = row.get("id") or None
        indent = _indent(row)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = stack[-1][1] if stack else None
        user = _first(row, f".//a[{has_class('hnuser')}]")
        age = _first(row, f".//span[{has_class('age')}]")
        posted = age.get("title") if age is not None else None
        if age is not None and not posted:
            link = age.find(".//a")
            posted = None if link is None else link.get("title")
        author = user.text_content() if user is not None else None
        added = builder.add(key, parent, author, _text(row), parse_when(posted))
        stack.append((indent, added if added is not None else key))
    if not builder.comments:
        return None
    containers = tree.xpath(f"//table[{has_class('comment-tree')}]") or rows
    return AdapterResult(NAME, builder.comments, containers, _story(tree, url))
