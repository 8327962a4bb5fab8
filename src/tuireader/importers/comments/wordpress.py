"""Comments rendered by WordPress core (``wp_list_comments``).

``ol.comment-list`` (older themes: ``ol.commentlist``) holds ``li.comment``
items with ``id="comment-<ID>"`` (or ``li-comment-<ID>``); replies sit in a
nested ``ol.children`` / ``ul.children``.  Inside an item: ``.comment-author
.fn`` (the name), ``time[datetime]`` or a ``.comment-metadata`` link (the date)
and ``.comment-content`` (the text).  Pingbacks and trackbacks are not comments
and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
from tuireader.importers.htmltree import element_text, has_class

__all__ = ["extract"]

NAME = "wordpress"
_ITEM_ID = re.compile(r"^(?:li-)?(?:div-)?comment-(\d+)$")
_META_CLASSES = frozenset(
    [
        "comment-meta",
        "comment-metadata",
        "commentmetadata",
        "comment-author",
        "reply",
        "says",
        "children",
        "comment-awaiting-moderation",
    ]
)


def _is_comment(el: HtmlElement) -> bool:
    return el.tag == "li" and "comment" in classes(el)


def _is_children(el: HtmlElement) -> bool:
    return _is_comment(el) or (el.tag in ("ol", "ul") and "children" in classes(el))


class _Fields:
    """The own parts of every comment item of a page, found with one query."""

    def __init__(self, tree: HtmlElement, items: list[HtmlElement]):
        candidates = tree.xpath(
            "//*[contains(@class, 'comment') or contains(@class, 'fn') or self::cite"
            " or self::time[@datetime] or contains(@id, 'comment-')]"
        )
        parts = own_parts(candidates, set(items), _PARTS)
        self.ids, self.boxes, self.names = parts["id"], parts["box"], parts["name"]
        self.times, self.metas, self.bodies = parts["time"], parts["meta"], parts["body"]

    def key(self, item: HtmlElement) -> str | None:
        match = _ITEM_ID.match(item.get("id") or "")
        if match is None and item in self.ids:
            match = _ITEM_ID.match(self.ids[item].get("id") or "")
        return match.group(1) if match else None

    def author(self, item: HtmlElement) -> str | None:
        name = self.names.get(item)
        if name is not None:
            return element_text(name)
        box = self.boxes.get(item)
        if box is not None:
            return element_text(box, skip=lambda el: "says" in classes(el) or el.tag == "img")
        return None

    def date(self, item: HtmlElement) -> str | None:
        time = self.times.get(item)
        if time is not None:
            return time.get("datetime")
        meta = self.metas.get(item)
        if meta is None:
            return None
        link = meta.find(".//a")
        return (link if link is not None else meta).text_content()

    def text(self, item: HtmlElement) -> str:
        body = self.bodies.get(item)
        if body is not None:
            return element_text(body, skip=with_class("reply"))
        return element_text(
            item,
            skip=lambda el: _is_children(el) or bool(_META_CLASSES & set(classes(el))),
        )


def _any_class(names: str) -> Callable[[HtmlElement], bool]:
    wanted = set(names.split())
    return lambda el: bool(wanted.intersection(classes(el)))


_PARTS: dict[str, Callable[[HtmlElement], bool]] = {
    "id": lambda el: bool(_ITEM_ID.match(el.get("id") or "")),
    "box": with_class("comment-author"),
    "name": lambda el: el.tag == "cite" or "fn" in classes(el),
    "time": lambda el: el.tag == "time" and bool(el.get("datetime")),
    "meta": _any_class("comment-metadata commentmetadata comment-meta"),
    "body": _any_class("comment-content comment-text comment-entry"),
}


def extract(tree: HtmlElement, url: str | None = None) -> AdapterResult | None:
    """Return the WordPress comment thread of *tree*, or ``None`` when there is none."""
    lists = tree.xpath(
        f"//*[self::ol or self::ul][{has_class('comment-list')} or {has_class('commentlist')}]"
    )
    if not lists:
        return None
    items: list[HtmlElement] = []
    seen: set[HtmlElement] = set()
    for comment_list in lists:
        for item in comment_list.iter("li"):
            if item not in seen and _is_comment(item):
                seen.add(item)
                items.append(item)
    fields = _Fields(tree, items)
    builder = ThreadBuilder()
    keys: dict[HtmlElement, str | None] = {}
    for item in items:
        if builder.full:
            break
        key = fields.key(item)
        _found, parent = nearest(item, keys)
        added = builder.add(
            key, parent, fields.author(item), fields.text(item), parse_when(fields.date(item))
        )
        keys[item] = added if added is not None else key
    if not builder.comments:
        return None
    return AdapterResult(NAME, builder.comments, lists)
