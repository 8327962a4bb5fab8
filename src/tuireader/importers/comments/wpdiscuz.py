"""Comments rendered by the wpDiscuz WordPress plugin (version 7 markup).

Each comment is a ``div.wpd-comment`` whose id is ``wpd-comm-<ID>_<PARENT>``;
replies (``wpd-reply``) are nested inside their parent's div.  The comment's own
parts sit in ``.wpd-comment-wrap``: ``.wpd-comment-author``, ``.wpd-comment-date``
(its ``title`` holds the full date, the text may be relative) and
``.wpd-comment-text``.  The inner ``.wpd-comment-right`` carries ``id="comment-<ID>"``.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

from tuireader.importers.comments.base import (
    AdapterResult,
    ThreadBuilder,
    classes,
    nearest,
    own_parts,
    parse_when,
    with_class,
)
from tuireader.importers.htmltree import element_text

__all__ = ["extract"]

NAME = "wpdiscuz"
_WRAPPER_ID = re.compile(r"^wpd-comm-(\d+)(?:_(\d+))?$")
_RIGHT_ID = re.compile(r"^comment-(\d+)$")


def _ids(node: HtmlElement, right: HtmlElement | None) -> tuple[str | None, str | None]:
    """Return ``(comment id, parent id)`` read from the wrapper id or the inner id."""
    match = _WRAPPER_ID.match(node.get("id") or "")
    if match:
        parent = match.group(2)
        return match.group(1), (parent if parent and parent != "0" else None)
    inner = _RIGHT_ID.match(right.get("id") or "") if right is not None else None
    return (inner.group(1) if inner else None), None


def _date(el: HtmlElement | None) -> str | None:
    if el is None:
        return None
    time = el.find(".//time")
    if time is not None and time.get("datetime"):
        return time.get("datetime")
    return el.get("title") or el.text_content()


_PARTS = {
    "author": with_class("wpd-comment-author"),
    "text": with_class("wpd-comment-text"),
    "date": with_class("wpd-comment-date"),
    "right": lambda el: bool(_RIGHT_ID.match(el.get("id") or "")),
}


def extract(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the wpDiscuz thread of *tree*, or ``None`` when the page has none."""
    candidates = tree.xpath("//*[contains(@class, 'wpd-comment') or starts-with(@id, 'comment-')]")
    nodes = [el for el in candidates if "wpd-comment" in classes(el)]
    if not nodes:
        return None
    parts = own_parts(candidates, set(nodes), _PARTS)
    authors, texts, dates, rights = (parts[name] for name in _PARTS)
    builder = ThreadBuilder()
    keys: dict[HtmlElement, str | None] = {}
    tops: list[HtmlElement] = []
    for node in nodes:
        if builder.full:
            break
        key, id_parent = _ids(node, rights.get(node))
        found, parent = nearest(node, keys)
        if not found:
            parent = id_parent
            tops.append(node)
        author_el, text_el = authors.get(node), texts.get(node)
        author = element_text(author_el) if author_el is not None else None
        text = (
            element_text(text_el, skip=with_class("wpd-inline-feedback-wrapper"))
            if text_el is not None
            else None
        )
        added = builder.add(key, parent, author, text, parse_when(_date(dates.get(node))))
        keys[node] = added if added is not None else key
    if not builder.comments:
        return None
    containers = tree.xpath("//*[@id='wpdcom']") or tops
    return AdapterResult(NAME, builder.comments, containers)
