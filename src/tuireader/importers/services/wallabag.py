"""Wallabag JSON exports.

A list of entries with ``title``, ``url``, ``content`` (HTML), ``tags``
(strings, or objects with a ``label``), ``is_starred``, ``is_archived``,
``created_at``, ``published_at``, ``published_by`` (a list of authors),
``language``, ``domain_name`` and ``annotations`` (``text``, ``quote``,
``ranges``, ``created_at``), which become notes.  An entry without content is
``pending``.  Annotation ``ranges`` are XPath-relative offsets, not text
positions, so notes are anchored by their quote only.
"""

from __future__ import annotations

from tuireader.importers.common import clean_tags, http_url, opt_line, utc_from_iso
from tuireader.importers.htmltext import html_to_markdown, html_to_text
from tuireader.importers.model import ParsedArticle, ParsedNote
from tuireader.importers.services import RowError, ServiceImport
from tuireader.importers.services._json import as_bool, as_str, load_entries, numbered, tag_names
from tuireader.text import safe_line, safe_text

__all__ = ["parse_wallabag"]

_TITLE_CHARS = 1000


def parse_wallabag(data: bytes) -> ServiceImport:
    """Parse a Wallabag JSON export; each bad entry is reported by its position."""
    entries = load_entries(data, "Wallabag export", ("items", "entries"))
    result = ServiceImport(service="wallabag")
    for index, entry in numbered(entries, result.errors):
        if not isinstance(entry, dict):
            result.errors.append(RowError(index, "entry is not an object"))
            continue
        url = http_url(as_str(entry.get("url")).strip())
        if url is None:
            shown = safe_line(as_str(entry.get("url")))[:120]
            result.errors.append(RowError(index, f"not an http(s) URL: {shown!r}"))
            continue
        result.articles.append(_article(entry, url))
    return result


def _article(entry: dict, url: str) -> ParsedArticle:
    html = as_str(entry.get("content"))
    markdown = html_to_markdown(html) if html.strip() else ""
    text = html_to_text(html) if html.strip() else ""
    authors = entry.get("published_by")
    if isinstance(authors, list):
        author = opt_line(", ".join(a for a in authors if isinstance(a, str) and a.strip()), 300)
    else:
        author = opt_line(authors, 300)
    title = safe_line(as_str(entry.get("title")))[:_TITLE_CHARS]
    return ParsedArticle(
        title=title or url,
        body_markdown=markdown,
        text=text,
        url=url,
        author=author,
        published=utc_from_iso(entry.get("published_at")),
        site=opt_line(entry.get("domain_name"), 300),
        language=opt_line(entry.get("language"), 35),
        raw=html.encode("utf-8", errors="replace") if html.strip() else None,
        raw_format="html" if html.strip() else None,
        tags=clean_tags(tag_names(entry.get("tags"), "label", "slug")),
        notes=_notes(entry.get("annotations")),
        starred=as_bool(entry.get("is_starred")),
        archived=as_bool(entry.get("is_archived")),
        added=utc_from_iso(entry.get("created_at")),
        pending=not markdown,
        source_name="Wallabag",
    )


def _notes(annotations: object) -> list[ParsedNote]:
    notes: list[ParsedNote] = []
    if not isinstance(annotations, list):
        return notes
    for item in annotations:
        if not isinstance(item, dict):
            continue
        text = safe_text(as_str(item.get("text"))).strip()
        quote = safe_text(as_str(item.get("quote"))).strip() or None
        if not text and not quote:
            continue
        created = utc_from_iso(item.get("created_at"))
        notes.append(ParsedNote(text=text, quote=quote, created=created))
    return notes
