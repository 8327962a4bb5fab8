"""The tuireader bundle: JSON articles with comments, tags, states and notes.

``sample_data/`` is written in it, and the full-library backup
(``tuireader export --format json``) is a superset of it, so ``tuireader
import`` restores a backup through this module.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tuireader.importers.model import ImportError_, ParsedArticle, ParsedComment, ParsedNote
from tuireader.text import safe_line, safe_text

__all__ = ["BUNDLE_FORMATS", "is_bundle", "parse_bundle", "parse_time"]

BUNDLE_FORMATS = ("tuireader-bundle", "tuireader-backup")
MAX_ARTICLES = 1_000_000


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
    )


def _note(raw: dict[str, Any]) -> ParsedNote:
    def opt_int(v: Any) -> int | None:
        return int(v) if isinstance(v, int | float) else None

    return ParsedNote(
        text=safe_text(raw.get("text")),
        quote=safe_text(raw["quote"]) if raw.get("quote") else None,
        prefix=safe_text(raw["prefix"]) if raw.get("prefix") else None,
        suffix=safe_text(raw["suffix"]) if raw.get("suffix") else None,
        start=opt_int(raw.get("start")),
        end=opt_int(raw.get("end")),
        created=parse_time(raw.get("created")),
        comment_key=safe_line(raw["comment_key"]) if raw.get("comment_key") else None,
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
        raw_format="bundle",
    )


def parse_bundle(data: bytes) -> list[ParsedArticle]:
    """Parse a bundle; raise :class:`ImportError_` with a clear message when it is not one."""
    try:
        doc = json.loads(data.decode("utf-8-sig", errors="replace"))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ImportError_(f"not valid JSON: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("format") not in BUNDLE_FORMATS:
        raise ImportError_('not a tuireader bundle (no "format": "tuireader-bundle")')
    articles = doc.get("articles")
    if not isinstance(articles, list):
        raise ImportError_('a tuireader bundle needs an "articles" list')
    if len(articles) > MAX_ARTICLES:
        raise ImportError_(f"too many articles in one bundle (over {MAX_ARTICLES:,})")
    return [_article(a) for a in articles]
