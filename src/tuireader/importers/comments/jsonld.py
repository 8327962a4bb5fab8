"""schema.org ``Comment`` objects in JSON-LD (``<script type="application/ld+json">``).

Any object of ``@type`` Comment reached through a ``comment`` property (of an
article, a ``DiscussionForumPosting``, an ``@graph`` entry...) is a top-level
comment; Comments in its own ``comment`` property are its replies.  Fields:
``author`` (a string, a ``Person`` with ``name``, or a list of those),
``dateCreated`` / ``datePublished``, ``text``, and ``@id`` / ``url`` as the key.
Text that carries HTML is reduced to plain text.
"""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from tuireader.importers.comments.base import AdapterResult, ThreadBuilder, parse_when
from tuireader.importers.htmltree import element_text

__all__ = ["extract"]

NAME = "jsonld"
_MAX_SCRIPT_CHARS = 5_000_000
_MAX_NODES = 500_000
_HTML_TAG = re.compile(r"</?[A-Za-z][^>]*>")


def _is_comment(obj: dict[str, Any]) -> bool:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "Comment" for k in kinds)


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [name for name in (_author(v) for v in value[:10]) if name]
        return ", ".join(names) or None
    if isinstance(value, dict):
        name = value.get("name") or value.get("alternateName")
        return name if isinstance(name, str) else None
    return value if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    if not _HTML_TAG.search(value):
        return value
    try:
        fragment = lxml.html.fragment_fromstring(value, create_parent="div")
    except (etree.ParserError, ValueError):
        return _HTML_TAG.sub(" ", value)
    return element_text(fragment)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _load(script: HtmlElement) -> Any:
    raw = script.text or ""
    if len(raw) > _MAX_SCRIPT_CHARS:
        return None
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return None


def extract(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the JSON-LD comment thread of *tree*, or ``None`` when there is none."""
    scripts = tree.xpath(
        "//script[translate(@type, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
        " = 'application/ld+json']"
    )
    builder = ThreadBuilder()
    # (value, parent key, inside a "comment" property)
    stack: list[tuple[Any, str | None, bool]] = []
    for script in reversed(scripts):
        stack.append((_load(script), None, False))
    visited = 0
    while stack and not builder.full and visited < _MAX_NODES:
        value, parent, in_comment = stack.pop()
        visited += 1
        if isinstance(value, list):
            stack.extend((item, parent, in_comment) for item in reversed(value))
            continue
        if not isinstance(value, dict):
            continue
        if in_comment and _is_comment(value):
            key = _str(value.get("@id")) or _str(value.get("url")) or _str(value.get("identifier"))
            date = value.get("dateCreated") or value.get("datePublished")
            added = builder.add(
                key,
                parent,
                _author(value.get("author") or value.get("creator")),
                _text(value.get("text") or value.get("commentText")),
                parse_when(date if isinstance(date, str) else None),
            )
            replies = value.get("comment")
            if replies is not None:
                stack.append((replies, added if added is not None else key, True))
            continue
        for name, item in reversed(list(value.items())):
            if isinstance(item, dict | list):
                stack.append((item, None, name == "comment"))
    if not builder.comments:
        return None
    return AdapterResult(NAME, builder.comments, [])
