"""Small formatting helpers shared by the widgets: dates, relative times, marker glyphs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = ["relative_time", "short_date", "Glyphs", "glyphs", "thousands"]


def relative_time(when: datetime | None, now: datetime) -> str:
    """``5m ago``, ``3h ago``, ``2d ago``, or a date for anything older than 60 days."""
    if when is None:
        return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return when.strftime("%Y-%m-%d")
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            count = int(seconds // size)
            if unit == "d" and count > 60:
                return when.strftime("%Y-%m-%d")
            return f"{count}{unit} ago"
    return "just now"


def short_date(when: datetime | None, width: int = 10) -> str:
    """``2024-05-01`` (10 cells) or ``05-01`` (5 cells)."""
    if when is None:
        return ""
    return when.strftime("%Y-%m-%d") if width >= 10 else when.strftime("%m-%d")


def thousands(value: int) -> str:
    """``100000`` → ``100,000``."""
    return f"{value:,}"


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The characters drawn for row markers."""

    unread: str
    star: str
    note: str
    archived: str
    new: str
    comments: str


UNICODE = Glyphs(unread="●", star="★", note="✎", archived="▪", new="✦", comments="¶")
ASCII = Glyphs(unread="*", star="s", note="n", archived="a", new="+", comments="#")


def glyphs() -> Glyphs:
    """ASCII markers on the Linux console (its font lacks many symbols), else Unicode."""
    if os.environ.get("TUIREADER_ASCII") or os.environ.get("TERM") == "linux":
        return ASCII
    return UNICODE
