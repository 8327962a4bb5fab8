"""RSS 0.9x/1.0/2.0 and Atom feeds to :class:`ParsedArticle` values, with feedparser.

The caller fetches the feed; :func:`parse_feed` only ever sees bytes.  feedparser
is given a :class:`io.BytesIO`, never a string or bytes object of its own: given
a string (or bytes that name a file) it opens URLs and local paths.

Every text field passes through :func:`safe_text`/:func:`safe_line`; links are
kept only when ``http``/``https``; dates are aware UTC.  An ill-formed feed is
imported as far as feedparser's lenient parser gets, with a warning.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import unescape

import feedparser

from tuireader.importers.common import (
    check_size,
    clean_tags,
    http_url,
    opt_line,
    short_message,
    utc_from_struct,
)
from tuireader.importers.htmltext import html_to_markdown, html_to_text, looks_like_html
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.text import safe_line, safe_text

__all__ = [
    "MAX_FEED_BYTES",
    "MAX_ENTRIES",
    "SUMMARY_ONLY_CHARS",
    "ParsedFeed",
    "parse_feed",
    "is_feed",
]

MAX_FEED_BYTES = 20 * 1024 * 1024
"""The largest feed document accepted (20 MB)."""
MAX_ENTRIES = 10_000
"""Entries beyond this many are left out, with a warning."""
SUMMARY_ONLY_CHARS = 500
"""An entry with only a summary shorter than this is marked ``pending`` (full page to fetch)."""

_TITLE_CHARS = 1000
_HTML_TYPES = ("text/html", "application/xhtml+xml")
# Bozo exceptions that say nothing about the document's well-formedness.
_BENIGN_BOZO = ("NonXMLContentType",)


@dataclass(slots=True)
class ParsedFeed:
    """A feed as found in one document.

    ``etag`` and ``modified`` are left ``None`` here: they come from the HTTP
    response, which the fetcher fills in.  ``warnings`` are one-line messages
    fit for a user (an ill-formed document, entries left out...).
    """

    title: str
    site_url: str | None = None
    feed_url: str | None = None
    etag: str | None = None
    modified: str | None = None
    entries: list[ParsedArticle] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    """feedparser's name for the format: ``rss20``, ``atom10``, ``rss10``..."""
    description: str | None = None
    language: str | None = None
    author: str | None = None
    """The feed's author; entries without one of their own get it (as Atom says)."""


def parse_feed(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """Parse a feed document given as *bytes*.

    *url* is where it was fetched from (used to resolve relative links and as
    ``feed_url``); *content_type* the HTTP ``Content-Type`` (helps find the
    encoding).  Raises :class:`ImportError_` for empty, oversized or non-feed
    input and ``TypeError`` when *data* is not bytes.
    """
    if not isinstance(data, bytes):
        raise TypeError("parse_feed takes the feed as bytes, never a URL or a path")
    data = check_size(data, MAX_FEED_BYTES, "feed")
    base = http_url(url)
    headers: dict[str, str] = {}
    if base:
        headers["content-location"] = base
    if content_type:
        headers["content-type"] = safe_line(content_type)[:200]
    try:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            # Links are resolved and filtered (http/https only) by our own
            # HTML-to-Markdown step; feedparser's passes over the HTML would
            # double the time for nothing.
            resolve_relative_uris=False,
            sanitize_html=False,
        )
    except RecursionError:
        raise ImportError_("the feed is nested too deeply to be read") from None
    except Exception as exc:  # feedparser catches nearly everything; be sure
        raise ImportError_(f"cannot read the feed: {short_message(exc)}") from None
    return _build(result, base)


def _build(result: Mapping, base: str | None) -> ParsedFeed:
    meta = result.get("feed") or {}
    raw_entries = list(result.get("entries") or [])
    version = result.get("version") or ""
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    if not version and not raw_entries:
        detail = f": {short_message(bozo)}" if bozo is not None else ""
        raise ImportError_(f"not an RSS or Atom feed{detail}")

    title = _detail_line(meta, "title") or "(untitled feed)"
    feed = ParsedFeed(
        title=title,
        site_url=http_url(meta.get("link")),
        feed_url=base or _self_link(meta),
        format=version,
        description=_detail_line(meta, "subtitle") or None,
        language=opt_line(meta.get("language"), 35),
        author=_author(meta),
    )
    if bozo is not None and type(bozo).__name__ not in _BENIGN_BOZO:
        feed.warnings.append(f"ill-formed feed, imported as far as it goes: {short_message(bozo)}")
    if len(raw_entries) > MAX_ENTRIES:
        feed.warnings.append(
            f"the feed has {len(raw_entries):,} entries; only the first "
            f"{MAX_ENTRIES:,} were imported"
        )
        raw_entries = raw_entries[:MAX_ENTRIES]
    empty = 0
    for entry in raw_entries:
        article = _article(entry, feed) if isinstance(entry, Mapping) else None
        if article is None:
            empty += 1
        else:
            feed.entries.append(article)
    if empty:
        noun = "entry" if empty == 1 else "entries"
        feed.warnings.append(f"{empty:,} {noun} with no title, link or text left out")
    return feed


def _self_link(meta: Mapping) -> str | None:
    for link in meta.get("links") or []:
        if isinstance(link, Mapping) and link.get("rel") == "self":
            return http_url(link.get("href"))
    return None


def _detail_line(node: Mapping, key: str) -> str:
    """A one-line text field of *node*, its markup removed when it is HTML."""
    value = node.get(key)
    if not isinstance(value, str):
        return ""
    detail = node.get(f"{key}_detail") or {}
    if detail.get("type") in _HTML_TYPES and looks_like_html(value):
        value = html_to_text(value)
    return safe_line(value)[:_TITLE_CHARS]


def _body(detail: Mapping, fallback_base: str | None) -> tuple[str, str, str | None]:
    """(markdown, plain text, raw html) of one content/summary value."""
    value = detail.get("value")
    if not isinstance(value, str) or not value.strip():
        return "", "", None
    if looks_like_html(value):
        base = detail.get("base") or fallback_base
        return html_to_markdown(value, base), html_to_text(value), value
    if detail.get("type", "text/html") in _HTML_TYPES:
        value = unescape(value)  # HTML without tags: only its entities to decode
    text = safe_text(value).strip()
    return text, text, None


def _pick_content(entry: Mapping) -> Mapping | None:
    """The richest ``content`` value of an entry (HTML preferred, then the longest)."""
    contents = [c for c in entry.get("content") or [] if isinstance(c, Mapping)]
    if not contents:
        return None
    return max(
        contents,
        key=lambda c: (c.get("type") in _HTML_TYPES, len(str(c.get("value") or ""))),
    )


def _article(entry: Mapping, feed: ParsedFeed) -> ParsedArticle | None:
    """One entry as an article; ``None`` when it has no title, link or text at all."""
    url = http_url(entry.get("link"))
    if url is None:
        for link in entry.get("links") or []:
            if isinstance(link, Mapping) and link.get("rel", "alternate") == "alternate":
                url = http_url(link.get("href"))
                if url:
                    break
    content = _pick_content(entry)
    summary_only = content is None
    detail = content if content is not None else entry.get("summary_detail") or {}
    if not detail and isinstance(entry.get("summary"), str):
        detail = {"type": "text/html", "value": entry["summary"]}
    markdown, text, raw = _body(detail, url or feed.site_url)
    title = _detail_line(entry, "title")
    if not (title or url or markdown):
        return None
    title = title or _fallback_title(text, url)
    published = None
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        published = utc_from_struct(entry.get(key))
        if published is not None:
            break
    tags = clean_tags(
        (t.get("label") or t.get("term")) for t in entry.get("tags") or [] if isinstance(t, Mapping)
    )
    return ParsedArticle(
        title=title,
        body_markdown=markdown,
        text=text,
        url=url,
        author=_author(entry) or feed.author,
        published=published,
        site=feed.title,
        site_url=feed.site_url,
        language=feed.language,
        raw=raw.encode("utf-8", errors="replace") if raw else None,
        raw_format="html" if raw else None,
        tags=tags,
        pending=url is not None and summary_only and len(text) < SUMMARY_ONLY_CHARS,
        source_name=feed.title,
    )


def _author(node: Mapping) -> str | None:
    """The author's name (RSS ``author`` is often ``email (Name)``: the name is taken)."""
    detail = node.get("author_detail")
    if isinstance(detail, Mapping):
        name = opt_line(detail.get("name"), 300)
        if name:
            return name
    return opt_line(node.get("author"), 300)


def _fallback_title(text: str, url: str | None) -> str:
    first = safe_line(text[:300])
    if first:
        return first if len(first) <= 80 else first[:79] + "…"
    return url or "(untitled)"


_PROLOG = re.compile(rb"<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def is_feed(data: bytes) -> bool:
    """Sniff whether *data* looks like an RSS, RDF (RSS 1.0) or Atom document."""
    if not isinstance(data, bytes):
        return False
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    body = _PROLOG.sub(b"", head).lstrip()
    match = _ROOT.match(body)
    if match is None:
        return False
    name = match.group(2).lower()
    if name in (b"rss", b"feed"):
        return name == b"rss" or b"http://www.w3.org/2005/Atom" in head or b"purl.org" in head
    if name == b"rdf":
        return b"purl.org/rss/1.0" in head or b"netscape.com/publish/formats/rss" in head.lower()
    return False
