"""The tuireader bundle: JSON articles with comments, tags, states and notes.

``sample_data/`` is written in it, and the full-library backup
(``tuireader export --format json``) is a superset of it, so ``tuireader
import`` restores a backup through this module.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tuireader.importers.model import (
    ImportError_,
    ParsedArticle,
    ParsedComment,
    ParsedNote,
    ParsedSource,
)
from tuireader.text import safe_line, safe_text

__all__ = [
    "BUNDLE_FORMATS",
    "BundleDocument",
    "is_bundle",
    "parse_bundle",
    "parse_bundle_document",
    "parse_time",
    "RAW_ENCODING",
]

BUNDLE_FORMATS = ("tuireader-bundle", "tuireader-backup")
MAX_ARTICLES = 1_000_000
MAX_SOURCES = 100_000
MAX_TAGS = 100_000
MAX_RAW_BYTES = 20 * 1024 * 1024
"""The largest raw input one article may carry once decompressed."""
RAW_ENCODING = "zlib+base64"
"""How a backup stores an article's raw input (the bytes it was extracted from)."""


@dataclass(slots=True)
class BundleDocument:
    """A parsed bundle or backup: its articles, and a backup's sources and tags."""

    articles: list[ParsedArticle] = field(default_factory=list)
    sources: list[ParsedSource] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 string or Unix seconds as aware UTC; ``None`` when absent or bad."""
    if value in (None, ""):
        return None
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), UTC)
        parsed = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def is_bundle(data: bytes) -> bool:
    """A cheap sniff: a JSON object naming one of the bundle formats near its start."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and any(f.encode() in head for f in BUNDLE_FORMATS)


def _opt_bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _comment(raw: dict[str, Any], position: int) -> ParsedComment:
    parent = raw.get("parent_key")
    return ParsedComment(
        key=safe_line(raw.get("key")) or f"c{position + 1}",
        parent_key=safe_line(parent) if parent not in (None, "") else None,
        author=safe_line(raw.get("author")) or "anonymous",
        text=safe_text(raw.get("text")),
        posted=parse_time(raw.get("posted")),
        flat=bool(raw.get("flat", False)),
        added=parse_time(raw.get("added")),
    )


def _note(raw: dict[str, Any]) -> ParsedNote:
    def opt_int(v: Any) -> int | None:
        return int(v) if isinstance(v, int | float) else None

    return ParsedNote(
        text=safe_text(raw.get("text")) if isinstance(raw.get("text"), str) else "",
        quote=safe_text(raw["quote"]) if raw.get("quote") else None,
        prefix=safe_text(raw["prefix"]) if raw.get("prefix") is not None else None,
        suffix=safe_text(raw["suffix"]) if raw.get("suffix") is not None else None,
        start=opt_int(raw.get("start")),
        end=opt_int(raw.get("end")),
        created=parse_time(raw.get("created")),
        comment_key=safe_line(raw["comment_key"]) if raw.get("comment_key") else None,
        orphaned=bool(raw.get("orphaned", False)),
        updated=parse_time(raw.get("updated")),
        shared=bool(raw.get("shared", False)),
    )


def _article(raw: dict[str, Any]) -> ParsedArticle:
    if not isinstance(raw, dict):
        raise ImportError_("an article entry is not a JSON object")
    title = safe_line(raw.get("title")) or safe_line(raw.get("url")) or "(untitled)"
    body = safe_text(raw.get("body_markdown"))
    comments = raw.get("comments") or []
    notes = raw.get("notes") or []
    if not isinstance(comments, list) or not isinstance(notes, list):
        raise ImportError_(f"article {title!r}: comments and notes must be lists")
    raw_bytes = _raw_input(raw, title)
    return ParsedArticle(
        title=title,
        body_markdown=body,
        text=safe_text(raw.get("text")) or body,
        url=safe_line(raw.get("url")) or None,
        canonical_url=safe_line(raw.get("canonical_url")) or None,
        author=safe_line(raw.get("author")) or None,
        published=parse_time(raw.get("published")),
        added=parse_time(raw.get("added")),
        site=safe_line(raw.get("site")) or None,
        site_url=safe_line(raw.get("site_url")) or None,
        language=safe_line(raw.get("language")) or None,
        tags=[safe_line(t) for t in raw.get("tags") or [] if isinstance(t, str)],
        read=_opt_bool(raw.get("read")),
        starred=_opt_bool(raw.get("starred")),
        archived=_opt_bool(raw.get("archived")),
        comments=[_comment(c, i) for i, c in enumerate(comments) if isinstance(c, dict)],
        notes=[_note(n) for n in notes if isinstance(n, dict)],
        pending=bool(raw.get("pending", False)),
        raw=raw_bytes,
        raw_format=safe_line(raw.get("raw_format")) or None if "raw_format" in raw else "bundle",
        source_name=safe_line(raw.get("source")) or None,
        reading_position=_opt_int(raw.get("reading_position")),
        last_opened=parse_time(raw.get("last_opened")),
        fetch_error=safe_line(raw.get("fetch_error")) or None,
    )


def _opt_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return max(0, int(value))
    except (ValueError, OverflowError):
        return None


def _raw_input(record: dict[str, Any], title: str) -> bytes | None:
    """An article's raw input from a backup (zlib, then base64), within the size limit."""
    data = record.get("raw")
    if not data:
        return None
    if record.get("raw_encoding") != RAW_ENCODING or not isinstance(data, str):
        raise ImportError_(f"article {title!r}: unknown raw encoding")
    try:
        packed = base64.b64decode(data, validate=True)
        inflater = zlib.decompressobj()
        raw = inflater.decompress(packed, MAX_RAW_BYTES + 1)
    except (binascii.Error, ValueError, zlib.error) as exc:
        raise ImportError_(f"article {title!r}: damaged raw input ({exc})") from exc
    if len(raw) > MAX_RAW_BYTES or inflater.unconsumed_tail:
        raise ImportError_(f"article {title!r}: raw input over {MAX_RAW_BYTES // 2**20} MB")
    return raw


def _source(raw: Any) -> ParsedSource | None:
    if not isinstance(raw, dict) or not safe_line(raw.get("name")):
        return None

    def opt(key: str) -> str | None:
        return safe_line(raw.get(key)) or None

    return ParsedSource(
        name=safe_line(raw.get("name")),
        kind=safe_line(raw.get("kind")) or "site",
        url=opt("url"),
        feed_url=opt("feed_url"),
        etag=opt("etag"),
        last_modified=opt("last_modified"),
        last_error=opt("last_error"),
        last_synced=parse_time(raw.get("last_synced")),
        created=parse_time(raw.get("created")),
    )


def _list(doc: dict[str, Any], key: str, limit: int) -> list[Any]:
    value = doc.get(key) or []
    if not isinstance(value, list):
        raise ImportError_(f'"{key}" must be a list')
    if len(value) > limit:
        raise ImportError_(f'too many entries in "{key}" (over {limit:,})')
    return value


def parse_bundle_document(data: bytes) -> BundleDocument:
    """Parse a bundle or backup; raise :class:`ImportError_` with a clear message if it is not."""
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportError_(f"not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") not in BUNDLE_FORMATS:
        raise ImportError_('not a tuireader bundle (no "format": "tuireader-bundle")')
    if not isinstance(doc.get("articles"), list):
        raise ImportError_('a tuireader bundle needs an "articles" list')
    articles = _list(doc, "articles", MAX_ARTICLES)
    sources = [src for raw in _list(doc, "sources", MAX_SOURCES) if (src := _source(raw))]
    tags = [safe_line(t) for t in _list(doc, "tags", MAX_TAGS) if isinstance(t, str)]
    return BundleDocument(
        articles=[_article(a) for a in articles],
        sources=sources,
        tags=[t for t in tags if t],
    )


def parse_bundle(data: bytes) -> list[ParsedArticle]:
    """The articles of a bundle or backup (see :func:`parse_bundle_document`)."""
    return parse_bundle_document(data).articles
