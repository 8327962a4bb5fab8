"""Finding the title of a text dump, and where the article starts after it.

In order of certainty:

1. the line above a Hacker-News ``N points by user`` line;
2. a line that occurs twice or more before the comment section — the page title
   and the headline (``Title | Site`` and ``Site – Title`` forms count, and give
   the site; so does the title quoted by a "5 thoughts on “Title”" heading),
   preferring the earliest one followed by article-length text.  The article
   starts after its last occurrence before that text (within 60 lines);
3. a title-like line before the first paragraph: among those followed by a
   byline or a date (else among all), the first of four words or more, else the
   first one.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from tuireader.importers._textdump_dates import date_line
from tuireader.importers._textdump_rules import byline, is_chrome, is_section_start, norm, words
from tuireader.text import safe_line

MAX_TITLE = 300
"""The longest line taken for a title."""

_POINTS = re.compile(r"\d+\s+points?\s+by\s+(?P<user>[\w-]+)\s+(?P<when>[^|]+?)(?:\s*\|.*)?")
_HN_DOMAIN = re.compile(r"\s+\(((?:[\w-]+\.)+[a-z]{2,}(?:/[^\s)]*)?)\)$")
_SPLIT = re.compile(r"(?P<a>.+?)\s+(?:\||-|–|—|::|·|•)\s+(?P<b>.+)")
_THOUGHTS = re.compile(
    r"(?:\d+|one)\s+(?:thoughts?|responses?|repl(?:y|ies)|comments?)\s+(?:on|to)\s+"
    r"[“\"«‘']?(?P<t>.+?)[”\"»’']?",
    re.I,
)


@dataclass(slots=True)
class Found:
    """A title line, the index where the article starts, and what came with the title."""

    title: str
    start: int
    site: str | None = None
    author: str | None = None
    published: datetime | None = None


def is_long(line: str) -> bool:
    """An article-length paragraph."""
    return words(line) >= 20 and not is_chrome(line)


def find_title(lines: list[str], limit: int) -> Found | None:
    """The title among stripped *lines*, searching before index *limit* first."""
    return (
        _hn_story(lines, limit)
        or _repeated(lines, limit)
        or _title_like(lines, limit)
        or _title_like(lines, len(lines))
    )


def _candidate(line: str) -> bool:
    return (
        words(line) >= 3
        and 15 <= len(line) <= MAX_TITLE
        and not line.endswith((".", ","))
        and not is_chrome(line)
        and not date_line(line)[0]
        and not is_section_start(line)
    )


def _hn_story(lines: list[str], limit: int) -> Found | None:
    """A Hacker-News item page: the title is the line above ``N points by user``."""
    for i in range(min(limit, 200)):
        m = _POINTS.fullmatch(lines[i]) if len(lines[i]) < 300 else None
        if not m:
            continue
        above = [line for line in lines[:i] if line and not is_chrome(line)]
        if not above:
            return None
        domain = _HN_DOMAIN.search(above[-1])
        title = above[-1][: domain.start()] if domain else above[-1]
        hn_nav = any(line.lower().startswith("hacker news") for line in lines[:i])
        site = "Hacker News" if hn_nav else (domain.group(1).split("/")[0] if domain else None)
        return Found(title, i + 1, site, m.group("user"), date_line(m.group("when"))[1])
    return None


def _quoted_title(lines: list[str]) -> str | None:
    """The title quoted by a WordPress thread heading ("5 thoughts on “Title”")."""
    for line in lines:
        m = _THOUGHTS.fullmatch(line) if len(line) <= MAX_TITLE + 40 else None
        if m:
            return norm(m.group("t"))
    return None


def _repeated(lines: list[str], limit: int) -> Found | None:
    """The earliest repeated title line (see the module doc)."""
    seen: dict[str, list[int]] = {}
    site: dict[str, str] = {}
    for i in range(limit):
        line = lines[i]
        if not _candidate(line):
            continue
        seen.setdefault(norm(line), []).append(i)
        m = _SPLIT.fullmatch(line)
        for part, other in ((m["a"], m["b"]), (m["b"], m["a"])) if m else ():
            if _candidate(part):
                seen.setdefault(norm(part), []).append(i)
                if len(other) <= 40 and words(other) <= 5:
                    site.setdefault(norm(part), other.strip())
    quoted = _quoted_title(lines[limit:])
    repeated = [(pos, key) for key, pos in seen.items() if len(pos) + (key == quoted) >= 2]
    if not repeated:
        return None
    long_at = [i for i in range(limit) if is_long(lines[i])]

    def next_long(i: int) -> int:
        k = bisect.bisect_right(long_at, i)
        return long_at[k] if k < len(long_at) else limit

    pos, key = min(repeated, key=lambda r: (next_long(r[0][0]) > r[0][0] + 60, r[0][0]))
    first_long = min(next_long(pos[0]), pos[0] + 60)
    start = max(p for p in pos if p < first_long) + 1
    bare = [lines[p] for p in pos if norm(lines[p]) == key]
    if bare:
        return Found(bare[0], start, site.get(key))
    m = _SPLIT.fullmatch(lines[pos[0]])
    part = next((x for x in (m["a"], m["b"]) if norm(x) == key), None) if m else None
    return Found(part or lines[pos[0]], start, site.get(key))


def _title_like(lines: list[str], limit: int) -> Found | None:
    """A title-like line before the first paragraph (rule 3 of the module doc)."""
    candidates: list[int] = []
    for i in range(limit):
        line = lines[i]
        if not line or is_chrome(line) or date_line(line)[0] or byline(line):
            continue
        if len(line) > MAX_TITLE or words(line) >= 30 or (line.endswith(".") and words(line) > 3):
            break
        if words(line) >= 2:
            candidates.append(i)
            if len(candidates) >= 12:
                break
    dated = [i for i in candidates if _dated(lines, i)]
    for group in (dated, candidates):
        best = next((i for i in group if words(lines[i]) >= 4), group[0] if group else None)
        if best is not None:
            return Found(lines[best], best + 1)
    return None


def _dated(lines: list[str], i: int) -> bool:
    """Is line *i* followed, within three lines of text, by a byline or a date?"""
    after = [line for line in lines[i + 1 : i + 12] if line and not is_chrome(line)][:3]
    return any(date_line(line)[0] or byline(line) for line in after)


def name_title(name: str | None, paragraphs: list[str]) -> str:
    """A title from the file name, else from the start of the first paragraph."""
    if name:
        stem = re.sub(r"\.(?:txt|text|md)$", "", PurePath(name).name, flags=re.I)
        title = safe_line(stem.replace("_", " "))
        if title:
            return title
    first = paragraphs[0] if paragraphs else ""
    return first if len(first) <= 80 else first[:80].rsplit(" ", 1)[0] + "…"
