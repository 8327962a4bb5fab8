"""The built-in formats of ``tuireader import`` after the bundle: sniffers and parsers.

Tried in this order (the first whose sniffer says yes parses the file):

1. service exports (Pocket CSV and ``ril_export.html``, Instapaper CSV,
   Wallabag, Omnivore JSON or zip, Hypothesis JSON) — before HTML pages,
   because Pocket's export is itself an HTML page;
2. OPML subscription lists (the feeds are followed, not read);
3. RSS and Atom feeds saved to disk;
4. HTML pages (``.html``/``.htm`` or any file whose content is a page);
5. Markdown with front matter.

The text dump stays the fallback (see :mod:`tuireader.importers.files`).
Sniffers only look at the first bytes and import nothing heavy; parsers import
their module when first used.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.importers.opml import OpmlFeed

__all__ = [
    "ParsedInput",
    "looks_like_page",
    "looks_like_opml",
    "looks_like_feed",
    "looks_like_export",
    "saved_from_url",
    "parse_bundle_input",
    "feeds_of_backup",
    "register_builtin_formats",
]


@dataclass(slots=True)
class ParsedInput:
    """What one input file gave: articles, feeds to follow (OPML), and warnings.

    ``warnings`` are one-line messages about the parts left out (an export's bad
    rows as ``"line 4: ..."``, an ill-formed feed, OPML outlines skipped).
    """

    articles: list[ParsedArticle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    feeds: list[OpmlFeed] = field(default_factory=list)
    format: str = ""


_PAGE = re.compile(
    rb"^(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)[\s>]",
    re.I | re.S,
)
_OPML = re.compile(
    rb"^(?:<\?xml[^>]{0,200}>\s*)?(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<opml[\s>]", re.S
)
_SAVED_FROM = re.compile(
    rb"<!--\s*saved from url=\(\d{1,5}\)(https?://[^\s>]{1,2000}?)\s*-->", re.I
)
_JSON_SERVICES = ("wallabag", "omnivore", "hypothesis")


def _head(data: bytes, size: int = 8192) -> bytes:
    return data[:size].lstrip(b"\xef\xbb\xbf \t\r\n")


def looks_like_page(data: bytes, name: str = "") -> bool:
    """An HTML page: it starts with a doctype, ``<html>``, ``<head>`` or ``<body>``
    (after an XML declaration or comments), or it is named ``.html``/``.htm`` and
    starts with a tag."""
    head = _head(data)
    if _PAGE.match(head):
        return True
    return name.lower().endswith((".html", ".htm", ".xhtml")) and head.startswith(b"<")


def looks_like_opml(data: bytes, name: str = "") -> bool:
    """An OPML document: its root element is ``<opml>``."""
    return bool(_OPML.match(_head(data)))


def looks_like_feed(data: bytes, name: str = "") -> bool:
    """An RSS, RSS 1.0 (RDF) or Atom document."""
    from tuireader.importers.feeds import is_feed

    return is_feed(data)


def looks_like_export(data: bytes, name: str = "") -> bool:
    """An export of a read-it-later service (see :func:`services.detect_service`)."""
    from tuireader.importers.services import detect_service

    return detect_service(data, name) is not None


def saved_from_url(data: bytes) -> str | None:
    """The address a browser noted when saving the page (``<!-- saved from url=(N)... -->``)."""
    match = _SAVED_FROM.search(data[:4096])
    if match is None:
        return None
    from tuireader.importers.common import http_url

    return http_url(match.group(1).decode("ascii", errors="replace"))


def _parse_page(data: bytes, name: str) -> list[ParsedArticle]:
    from tuireader.importers.html import parse_html

    return [parse_html(data, url=saved_from_url(data))]


def _parse_markdown(data: bytes, name: str) -> list[ParsedArticle]:
    from tuireader.importers.markdown import parse_markdown

    return [parse_markdown(data, name)]


def _parse_feed(data: bytes, name: str) -> ParsedInput:
    from tuireader.importers.feeds import parse_feed

    feed = parse_feed(data)
    return ParsedInput(articles=feed.entries, warnings=list(feed.warnings), format="feed")


def _parse_opml(data: bytes, name: str) -> ParsedInput:
    from tuireader.importers.opml import parse_opml

    found = parse_opml(data)
    if not found.feeds and not found.skipped:
        raise ImportError_("the OPML file lists no feeds")
    return ParsedInput(feeds=list(found.feeds), warnings=list(found.skipped), format="opml")


def _parse_export(data: bytes, name: str) -> ParsedInput:
    from tuireader.importers.services import parse_export

    result = parse_export(data, name)
    where = "entry" if result.service in _JSON_SERVICES else "line"
    warnings = [f"{where} {error.line}: {error.message}" for error in result.errors]
    return ParsedInput(articles=result.articles, warnings=warnings, format=result.service)


def parse_bundle_input(data: bytes, name: str = "") -> ParsedInput:
    """A bundle or backup: its articles, and the feeds a backup's ``sources`` follow."""
    from tuireader.importers.bundle import parse_bundle

    return ParsedInput(articles=parse_bundle(data), feeds=feeds_of_backup(data), format="bundle")


def feeds_of_backup(data: bytes) -> list[OpmlFeed]:
    """The feeds listed in a ``tuireader-backup`` document's ``sources`` (others: none)."""
    import json

    from tuireader.importers.common import clean_tags, decode_text, http_url
    from tuireader.text import safe_line

    try:
        document = json.loads(decode_text(data))
    except (ValueError, RecursionError):
        return []
    sources = document.get("sources") if isinstance(document, dict) else None
    feeds: list[OpmlFeed] = []
    for source in sources if isinstance(sources, list) else []:
        if not isinstance(source, dict) or source.get("kind") != "feed":
            continue
        url = http_url(source.get("feed_url"))
        if url is None:
            continue
        categories = source.get("categories")
        feeds.append(
            OpmlFeed(
                title=safe_line(source.get("name"))[:500] or url,
                xml_url=url,
                html_url=http_url(source.get("url")),
                categories=clean_tags(categories if isinstance(categories, list) else []),
            )
        )
    return feeds


def register_builtin_formats(
    register_format: Callable[[str, Callable[..., bool], Callable[..., object]], None],
) -> None:
    """Register the formats above, in their order, with *register_format*."""
    register_format("export", looks_like_export, _parse_export)
    register_format("opml", looks_like_opml, _parse_opml)
    register_format("feed", looks_like_feed, _parse_feed)
    register_format("html", looks_like_page, _parse_page)
    register_format(
        "markdown",
        lambda data, _name: _markdown_sniff(data),
        _parse_markdown,
    )


def _markdown_sniff(data: bytes) -> bool:
    from tuireader.importers.markdown import has_front_matter

    return has_front_matter(data)
