"""Comment adapters: recover author, date, text and parent of each comment of a page.

:func:`extract_comments` tries the adapters in order — wpDiscuz, WordPress core,
Hacker News, schema.org microdata, schema.org JSON-LD — and takes the first
that finds a thread; trafilatura's flat comment text is the last resort, marked
``flat=True``.  Every adapter returns comments in document order with parents
before replies, at most :data:`MAX_COMMENTS` of them, nested at most
:data:`MAX_DEPTH` deep, every field cleaned with ``safe_text``/``safe_line``.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml.html import HtmlElement

from tuireader.importers.comments import flat, hackernews, jsonld, microdata, wordpress, wpdiscuz
from tuireader.importers.comments.base import MAX_COMMENTS, MAX_DEPTH, AdapterResult
from tuireader.importers.htmltree import load_tree
from tuireader.importers.model import ParsedComment

__all__ = [
    "ADAPTERS",
    "MAX_COMMENTS",
    "MAX_DEPTH",
    "AdapterResult",
    "extract_comments",
    "find_thread",
]

Adapter = Callable[[HtmlElement, str | None], AdapterResult | None]

ADAPTERS: tuple[tuple[str, Adapter], ...] = (
    (wpdiscuz.NAME, wpdiscuz.extract),
    (wordpress.NAME, wordpress.extract),
    (hackernews.NAME, hackernews.extract),
    (microdata.NAME, microdata.extract),
    (jsonld.NAME, jsonld.extract),
)
"""The structured adapters, in the order they are tried."""


def find_thread(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the first structured adapter's result for *tree*, or ``None``.

    The flat fallback is not tried here (see :func:`extract_comments`).
    """
    for _name, adapter in ADAPTERS:
        result = adapter(tree, url)
        if result is not None and result.comments:
            return result
    return None


def extract_comments(
    tree_or_html: HtmlElement | bytes | str,
    url: str | None = None,
    *,
    flat_fallback: bool = True,
    commentsbody: HtmlElement | None = None,
) -> list[ParsedComment]:
    """Return the comment thread of a page: a parsed tree, or HTML as bytes or text.

    Raises :class:`~tuireader.importers.model.ImportError_` for HTML that cannot be
    loaded (too large, binary, nested too deeply).  With *flat_fallback*, a page
    without a structured thread gets trafilatura's flat comments
    (*commentsbody*, when the caller already ran trafilatura).  Returns ``[]``
    when the page has no comments.
    """
    tree = tree_or_html if isinstance(tree_or_html, HtmlElement) else load_tree(tree_or_html)
    result = find_thread(tree, url)
    if result is None and flat_fallback:
        result = flat.extract(tree, url, commentsbody=commentsbody)
    return result.comments if result is not None else []
