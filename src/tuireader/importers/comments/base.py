"""Shared pieces of the comment adapters: the thread builder, dates and names.

:class:`ThreadBuilder` is the only way an adapter emits comments.  It passes
every field through ``safe_text``/``safe_line``, makes keys unique, and accepts
a ``parent_key`` only when that comment was added earlier — so a thread can
never hold a cycle, orphans become top-level comments, and depth and count stay
under :data:`MAX_DEPTH` and :data:`MAX_COMMENTS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dateutil import parser as date_parser
from lxml.html import HtmlElement

from tuireader.importers.model import ParsedComment
from tuireader.text import safe_line, safe_text

__all__ = [
    "MAX_COMMENTS",
    "MAX_DEPTH",
    "MAX_COMMENT_CHARS",
    "AdapterResult",
    "ArticleHint",
    "ThreadBuilder",
    "parse_when",
    "classes",
    "own_parts",
    "with_class",
    "nearest",
]

MAX_COMMENTS = 20_000
"""Comments beyond this many are dropped (in document order)."""
MAX_DEPTH = 100
"""Replies nested deeper than this are attached at this depth."""
MAX_COMMENT_CHARS = 200_000
"""A comment's text is cut at this many characters."""
_MAX_AUTHOR = 200
_MAX_KEY = 120
UNKNOWN_AUTHOR = "unknown"

_UNIX = re.compile(r"\b(\d{9,11})\b")
_EARLIEST = datetime(1980, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


# Forms tried before the (slower, more tolerant) dateutil parser.
_FORMATS = (
    "%B %d, %Y %I:%M %p",  # WordPress default: March 5, 2024 10:14 am
    "%B %d, %Y at %I:%M %p",
    "%B %d, %Y",
    "%d %B %Y %H:%M",
    "%d %B %Y",
    "%b %d, %Y %I:%M %p",
    "%Y-%m-%d %H:%M",
)


def _fast_parse(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    if not text[:1].isdigit() and not text[:1].isalpha():
        return None
    for form in _FORMATS:
        try:
            return datetime.strptime(text, form)
        except ValueError:
            continue
    return None


def parse_when(value: str | None) -> datetime | None:
    """Parse a comment date into aware UTC, or return ``None``.

    Accepts ISO 8601 (with or without an offset), Hacker News' ``"ISO unixtime"``
    pairs, bare Unix timestamps and the usual written forms ("May 2, 2023 at
    9:15 am").  Dates without an offset are taken as UTC; relative dates ("3 hours
    ago") and dates outside 1980-2200 give ``None``.
    """
    if not value:
        return None
    text = safe_line(value)[:100]
    if not text:
        return None
    when: datetime | None = None
    unix = _UNIX.search(text)
    if unix and (text.isdigit() or " " in text):
        try:
            when = datetime.fromtimestamp(int(unix.group(1)), tz=UTC)
        except (OverflowError, OSError, ValueError):
            when = None
    if when is None:
        when = _fast_parse(text)
    if when is None:
        try:
            when = date_parser.parse(text)
        except (ValueError, OverflowError, TypeError):
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    when = when.astimezone(UTC)
    if not _EARLIEST <= when < _LATEST:
        return None
    return when


@dataclass(slots=True)
class ArticleHint:
    """The article as a site-specific adapter sees it, for pages (such as a Hacker
    News item) where the generic extractor would take the page layout for the body."""

    text: str
    author: str | None = None
    posted: datetime | None = None
    link: str | None = None


@dataclass(slots=True)
class AdapterResult:
    """What an adapter found: the comments, the page elements that held them (so
    the article extractor can leave them out of the body), and optionally the
    article itself."""

    name: str
    comments: list[ParsedComment]
    containers: list[HtmlElement] = field(default_factory=list)
    article: ArticleHint | None = None


class ThreadBuilder:
    """Collect comments in document order, enforcing the invariants of a thread."""

    def __init__(
        self,
        *,
        flat: bool = False,
        max_comments: int = MAX_COMMENTS,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.flat = flat
        self.max_comments = max_comments
        self.max_depth = max_depth
        self.comments: list[ParsedComment] = []
        self._depth: dict[str, int] = {}
        self._parent: dict[str, str | None] = {}
        self._alias: dict[str, str | None] = {}
        self.dropped = 0

    @property
    def full(self) -> bool:
        """True once :attr:`max_comments` comments were added."""
        return len(self.comments) >= self.max_comments

    def _resolve(self, key: str | None) -> str | None:
        if key is None:
            return None
        if key in self._depth:
            return key
        # a skipped comment's replies go to the comment it replied to
        return self._alias.get(key)

    def add(
        self,
        key: object | None,
        parent_key: object | None,
        author: object | None,
        text: object | None,
        posted: datetime | None = None,
    ) -> str | None:
        """Add one comment; return its final key, or ``None`` when it was left out.

        *key* ``None`` means "use the position".  A *parent_key* that was not
        added before is ignored (the comment becomes top-level).  A comment with
        neither author nor text is left out, and its replies move up one level.
        """
        raw_key = safe_line(key)[:_MAX_KEY] if key is not None else ""
        parent = self._resolve(safe_line(parent_key)[:_MAX_KEY] if parent_key is not None else None)
        clean_text = safe_text(text).strip()[:MAX_COMMENT_CHARS]
        clean_author = safe_line(author)[:_MAX_AUTHOR]
        if not clean_text and not clean_author:
            if raw_key:
                self._alias[raw_key] = parent
            return None
        if self.full:
            self.dropped += 1
            return None
        if parent is not None and self._depth[parent] >= self.max_depth:
            parent = self._parent[parent]
        final_key = raw_key or str(len(self.comments) + 1)
        if final_key in self._depth:
            n = 2
            while f"{final_key}~{n}" in self._depth:
                n += 1
            final_key = f"{final_key}~{n}"
        self._depth[final_key] = 0 if parent is None else self._depth[parent] + 1
        self._parent[final_key] = parent
        self.comments.append(
            ParsedComment(
                key=final_key,
                author=clean_author or UNKNOWN_AUTHOR,
                text=clean_text,
                parent_key=parent,
                posted=posted,
                flat=self.flat,
            )
        )
        return final_key


def classes(el: HtmlElement) -> list[str]:
    """Return the class names of *el*."""
    value = el.get("class")
    return value.split() if value else []


def own_parts(
    candidates: Iterable[HtmlElement],
    owners: set[HtmlElement],
    parts: dict[str, Callable[[HtmlElement], bool]],
) -> dict[str, dict[HtmlElement, HtmlElement]]:
    """Sort the parts of comments (author, date, text...) by the comment they belong to.

    For each name of *parts*, map each comment element of *owners* to the first
    element of *candidates* (in document order) that the test accepts and whose
    nearest owner ancestor is that comment — so a reply's parts are never taken
    for its parent's.  Adapters get *candidates* from one document-wide XPath
    query; each is then a short walk up the tree: linear in the page.
    """
    found: dict[str, dict[HtmlElement, HtmlElement]] = {name: {} for name in parts}
    for el in candidates:
        names = [name for name, test in parts.items() if test(el)]
        if not names:
            continue
        owner = el.getparent()
        while owner is not None and owner not in owners:
            owner = owner.getparent()
        if owner is not None:
            for name in names:
                found[name].setdefault(owner, el)
    return found


def with_class(name: str) -> Callable[[HtmlElement], bool]:
    """Return a predicate: does the element carry class *name*?"""
    return lambda el: name in classes(el)


def nearest(el: HtmlElement, keys: dict[HtmlElement, str | None]) -> tuple[bool, str | None]:
    """Walk up from *el* to the nearest ancestor that is a key of *keys*.

    Returns ``(True, key)`` when one was found (its key may be ``None`` when that
    comment was left out), ``(False, None)`` otherwise.
    """
    parent = el.getparent()
    while parent is not None:
        if parent in keys:
            return True, keys[parent]
        parent = parent.getparent()
    return False, None
