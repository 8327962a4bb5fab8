"""schema.org ``Comment`` items in HTML microdata.

A comment is an element with ``itemscope`` and an ``itemtype`` ending in
``schema.org/Comment`` (or the older ``UserComments``).  Its properties are the
``itemprop`` elements that belong to it (not to a nested item): ``author`` (a
``Person`` item with ``name``, or plain text), ``dateCreated`` /
``datePublished`` / ``commentTime``, ``text`` / ``commentText``.  A reply is a
Comment nested inside another Comment (usually as ``itemprop="comment"``).
"""

from __future__ import annotations

from lxml.html import HtmlElement

from tuireader.importers.comments.base import (
    AdapterResult,
    ThreadBuilder,
    nearest,
    parse_when,
)
from tuireader.importers.htmltree import element_text

__all__ = ["extract"]

NAME = "microdata"
_TYPES = ("schema.org/comment", "schema.org/usercomments")
_DATE_PROPS = ("datecreated", "datepublished", "commenttime", "uploaddate")
_TEXT_PROPS = ("text", "commenttext", "articlebody")


def _is_comment(el: HtmlElement) -> bool:
    if el.get("itemscope") is None:
        return False
    types = (el.get("itemtype") or "").lower().split()
    return any(t.rstrip("/").endswith(_TYPES) for t in types)


def _is_item(el: HtmlElement) -> bool:
    return el.get("itemscope") is not None


def _props(el: HtmlElement) -> list[str]:
    return (el.get("itemprop") or "").lower().split()


def _value(el: HtmlElement) -> str:
    """The microdata value of a property element (attribute or text)."""
    if el.tag == "meta":
        return el.get("content") or ""
    if el.tag == "time":
        return el.get("datetime") or el.text_content()
    if el.tag in ("a", "link", "area"):
        return el.get("href") or el.text_content()
    return el.get("content") or el.text_content()


def _scope(el: HtmlElement) -> HtmlElement | None:
    """The item a property element belongs to: its nearest ``itemscope`` ancestor."""
    parent = el.getparent()
    while parent is not None and parent.get("itemscope") is None:
        parent = parent.getparent()
    return parent


def _fields(props: list[HtmlElement]) -> tuple[str | None, str | None, str | None, str | None]:
    """Return ``(url, author, date, text)`` from the property elements of one Comment."""
    url = author = date = text = None
    for el in props:
        names = _props(el)
        if author is None and "author" in names:
            if _is_item(el):
                name = next(
                    (
                        e
                        for e in el.xpath(".//*[@itemprop]")
                        if "name" in _props(e) and _scope(e) is el
                    ),
                    None,
                )
                author = _value(name) if name is not None else element_text(el)
            else:
                author = _value(el)
        elif date is None and any(p in names for p in _DATE_PROPS):
            date = _value(el)
        elif text is None and any(p in names for p in _TEXT_PROPS):
            text = el.get("content") if el.tag == "meta" else element_text(el, skip=_is_item)
        elif url is None and "url" in names and not _is_item(el):
            url = _value(el)
    return url, author, date, text


def extract(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the microdata comment thread of *tree*, or ``None`` when there is none."""
    nodes = [el for el in tree.xpath("//*[@itemscope][@itemtype]") if _is_comment(el)]
    if not nodes:
        return None
    wanted = set(nodes)
    props: dict[HtmlElement, list[HtmlElement]] = {node: [] for node in nodes}
    for el in tree.xpath("//*[@itemprop]"):
        owner = _scope(el)
        if owner in wanted:
            props[owner].append(el)  # type: ignore[index]
    builder = ThreadBuilder()
    keys: dict[HtmlElement, str | None] = {}
    tops: list[HtmlElement] = []
    for node in nodes:
        if builder.full:
            break
        link, author, date, text = _fields(props[node])
        key = node.get("itemid") or node.get("id") or link or None
        found, parent = nearest(node, keys)
        if not found:
            tops.append(node)
        added = builder.add(key, parent, author, text, parse_when(date))
        keys[node] = added if added is not None else key
    if not builder.comments:
        return None
    return AdapterResult(NAME, builder.comments, tops)
