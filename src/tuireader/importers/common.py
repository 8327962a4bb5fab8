"""Small helpers the feed, OPML and service-export importers share.

Everything here takes values from strangers: URLs are kept only when they are
``http``/``https``, timestamps become aware UTC or ``None``, tags are cleaned
one-line strings, and JSON is loaded with size and nesting limits that turn
into :class:`ImportError_`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from tuireader.importers.model import ImportError_
from tuireader.text import safe_line

__all__ = [
    "MAX_URL_CHARS",
    "MAX_TAGS",
    "http_url",
    "utc_from_struct",
    "utc_from_unix",
    "utc_from_iso",
    "clean_tags",
    "check_size",
    "load_json",
    "decode_text",
    "short_message",
    "opt_line",
]

MAX_URL_CHARS = 8192
MAX_TAGS = 100
MAX_TAG_CHARS = 200
# The oldest and newest timestamps we accept as real dates.
_MIN_TS = -2_208_988_800  # 1900-01-01
_MAX_TS = 32_503_680_000  # 3000-01-01
_UNIX = re.compile(r"\s*-?\d{1,12}(\.\d{1,9})?\s*")


def http_url(value: object) -> str | None:
    """Return *value* as an ``http``/``https`` URL, or ``None`` for anything else.

    ``javascript:``, ``file:``, ``data:``, scheme-relative and bare paths are all
    refused, as are URLs without a host, with whitespace inside, or longer than
    :data:`MAX_URL_CHARS`.
    """
    if not isinstance(value, str):
        return None
    url = safe_line(value)
    if not url or len(url) > MAX_URL_CHARS or any(ch.isspace() for ch in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    return url


def _from_timestamp(seconds: float) -> datetime | None:
    if not _MIN_TS <= seconds <= _MAX_TS:
        return None
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def utc_from_struct(value: object) -> datetime | None:
    """Turn a UTC ``time.struct_time`` (feedparser's ``*_parsed``) into aware UTC."""
    if not isinstance(value, time.struct_time):
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def utc_from_unix(value: object) -> datetime | None:
    """Parse Unix seconds (an int, float or decimal string); ``None`` when invalid.

    Empty values give ``None`` too; callers that must tell "empty" from
    "invalid" check for emptiness first.
    """
    if isinstance(value, bool):
        return None
    numeric = isinstance(value, int | float)
    if not numeric and not (isinstance(value, str) and _UNIX.fullmatch(value)):
        return None
    return _from_timestamp(float(value))  # type: ignore[arg-type]


def utc_from_iso(value: object) -> datetime | None:
    """Parse an ISO 8601 timestamp; a missing offset means UTC; ``None`` when invalid."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def clean_tags(values: Iterable[object]) -> list[str]:
    """One-line, de-duplicated (case-insensitively), non-empty tags; at most :data:`MAX_TAGS`."""
    tags: list[str] = []
    seen: set[str] = set()
    for value in values:
        if not isinstance(value, str):
            continue
        tag = safe_line(value)[:MAX_TAG_CHARS]
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            tags.append(tag)
            if len(tags) >= MAX_TAGS:
                break
    return tags


def opt_line(value: object, limit: int = 1000) -> str | None:
    """A one-line string field, or ``None`` when missing, empty or not a string."""
    if not isinstance(value, str):
        return None
    line = safe_line(value)[:limit]
    return line or None


def check_size(data: object, limit: int, what: str) -> bytes:
    """Refuse non-bytes input, empty input and input larger than *limit* bytes."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"{what} must be given as bytes, not {type(data).__name__}")
    data = bytes(data)
    if not data.strip():
        raise ImportError_(f"the {what} is empty")
    if len(data) > limit:
        raise ImportError_(f"the {what} is too large ({len(data):,} bytes; the limit is {limit:,})")
    return data


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (a BOM is dropped; bad bytes become U+FFFD; NUL is removed)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        text = data.decode("utf-8-sig", errors="replace")
    return text.lstrip("\ufeff").replace("\x00", "")


def short_message(exc: BaseException | str, limit: int = 200) -> str:
    """An exception (or text) as one safe line of at most *limit* characters."""
    text = safe_line(str(exc)) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def load_json(data: bytes, what: str, limit: int) -> object:
    """Load JSON with a size limit.

    Invalid JSON and JSON nested too deeply for the parser raise :class:`ImportError_`.
    """
    data = check_size(data, limit, what)
    try:
        return json.loads(decode_text(data))
    except RecursionError:
        raise ImportError_(f"the {what} is nested too deeply to be read") from None
    except ValueError as exc:  # JSONDecodeError, and too-long integers
        raise ImportError_(f"the {what} is not valid JSON: {short_message(exc)}") from None
