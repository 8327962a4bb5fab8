"""The last resort: trafilatura's comment text, without authors or structure.

trafilatura finds comment sections by their class names and returns their text
as paragraphs with no boundaries between comments.  Each paragraph becomes one
comment marked ``flat=True`` with the author "unknown", in page order.
"""

from __future__ import annotations

from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.xml import xmltotxt

from tuireader.importers.comments.base import AdapterResult, ThreadBuilder

__all__ = ["extract"]

NAME = "flat"


def comments_body(tree: HtmlElement, url: str | None = None) -> HtmlElement | None:
    """Run trafilatura on *tree* for its comments only and return their XML body."""
    document = bare_extraction(tree, url=url, include_comments=True, fast=True)
    if document is None:
        return None
    return document.commentsbody  # type: ignore[union-attr,no-any-return]


def extract(
    tree: HtmlElement, url: str | None = None, *, commentsbody: HtmlElement | None = None
) -> AdapterResult | None:
    """Return trafilatura's comments as a flat list, or ``None`` when there are none.

    *commentsbody* is trafilatura's comment body when the caller already ran it.
    """
    body = commentsbody if commentsbody is not None else comments_body(tree, url)
    if body is None:
        return None
    builder = ThreadBuilder(flat=True)
    for block in body:
        if builder.full:
            break
        text = xmltotxt(block, False).strip()
        builder.add(None, None, None, text)
    if not builder.comments:
        return None
    return AdapterResult(NAME, builder.comments, [])
