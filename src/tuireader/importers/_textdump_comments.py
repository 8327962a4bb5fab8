"""The comment section of a text dump: headers, texts and reply links.

A comment is a *header* (an author line, perhaps with a "Reply to  NAME" line, a
role badge and a date) followed by its text, up to the next header, a "Reply"
button, or a form or footer line.  Headers are recognised by shape:

- Hacker News: ``user 3 hours ago | parent | prev | next [–]``;
- one line: ``NAME says:``, ``NAME • 3 years ago``, ``NAME on March 3, 2024``;
- an author line followed, within a few lines, by a date or a "Reply to" line
  (wpDiscuz, WordPress themes, Disqus);
- only when a section has no dated header at all (a widget that shows no dates, as
  in the seed): a short name-shaped line followed by text, at the start of the
  section or after a "Reply" button — or between blank lines inside a comment.

Parents:

- wpDiscuz ``Reply to  NAME``: the most recent earlier comment by NAME.
- Reddit ``level N`` lines: the most recent earlier comment at level N-1.
- Hacker News, from the navigation words a text dump keeps (indentation is
  lost): no ``parent`` → top level; ``parent`` without ``root`` → reply to the
  latest top-level comment; ``root`` without ``prev`` → first reply to the comment
  just above; ``root`` and ``prev`` → guessed as a sibling of the comment just
  above (exact when that sibling had no replies, else attached too deep).
- Otherwise (WordPress core threads, whose nesting is only indentation) every
  comment is top level and marked ``flat=True``.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from datetime import datetime

from tuireader.importers._textdump_dates import date_line
from tuireader.importers._textdump_rules import (
    CHROME,
    SHORT,
    bar_set,
    is_badge,
    is_chrome,
    is_name,
    is_noise,
    is_separator,
    is_terminator,
    norm,
    reply_to,
)
from tuireader.importers.model import ParsedComment
from tuireader.text import safe_line, safe_text

MAX_DEPTH = 100
"""Deeper replies are attached at this depth (limits trees built from guesses)."""

_LOOKAHEAD = 5
_BLANKS = re.compile(r"\n(?:[ \t]*\n)+")
_LEVEL = re.compile(r"level\s+(\d{1,3})", re.I)
_THREADED_WIDGETS = bar_set("notify of|inline feedbacks|view all comments|newest most voted")
_INTERJECTIONS = bar_set(
    """yes|no|yep|nope|agreed|exactly|indeed|true|false|same|this|lol|lmao|wow|thanks|thank you|
ok|okay|sure|right|wrong|nice|great|amen|bingo|ha|haha|hahaha|hmm|what|why|how|really|
correct|indeed so|well said|so true|+1|me too|good|bad|sad|wtf|omg"""
)


# --- comment headers --------------------------------------------------------------------------

_HN = re.compile(
    r"(?P<user>[\w-]{1,30})\s+(?P<when>(?:\d+|an?)\s+\w+\s+ago|on\s+[^|]{6,40}?)"
    r"(?:\s*\|\s*(?P<navs>.*?))?\s*(?:\[[-–+]\]|\[\d+ more\])?",
    re.I,
)
_HN_NAVS = bar_set("root|parent|prev|next|context|flag|favorite|vote|unvote|edit|delete|link")


def hn_header(line: str) -> tuple[str, datetime | None, frozenset[str]] | None:
    """Parse a Hacker-News comment header ``user 3 hours ago | parent | next [–]``.

    Returns (user, posted, navigation words) or ``None``.  A header needs either
    navigation words or the collapse toggle, so that prose such as "it was 3
    years ago" is never taken for one.
    """
    if len(line) > SHORT or "|" not in line and "[" not in line:
        return None
    m = _HN.fullmatch(line)
    if not m:
        return None
    navs = frozenset(w.strip().lower() for w in (m.group("navs") or "").split("|") if w.strip())
    if navs - _HN_NAVS and not all(w.startswith("on:") for w in navs - _HN_NAVS):
        return None
    is_date, when = date_line(m.group("when"))
    if not is_date:
        return None
    return m.group("user"), when, navs & _HN_NAVS


_SAYS = re.compile(
    r"(?P<name>.{1,60}?)\s+(?:says|said|wrote|commented)(?:\s+on\s+.{4,40}?)?:", re.I
)
_INLINE = re.compile(r"(?P<name>.{1,60}?)\s*(?:\s[•·|–—-]|\son)\s+(?P<date>.{3,60})", re.I)


def _proper(name: str) -> bool:
    """One token (a user name), or up to four words that each start with a capital or digit."""
    words = name.split()
    return len(words) == 1 or (
        len(words) <= 4 and all(w[:1].isupper() or w[:1].isdigit() for w in words)
    )


def inline_header(line: str) -> tuple[str, datetime | None] | None:
    """A one-line header: "NAME says:", "NAME • 3 years ago", "NAME on March 3, 2024"."""
    if len(line) > 120:
        return None
    m = _SAYS.fullmatch(line)
    # "says:" makes it a header: the name may end in an initial ("Priya S.").
    if m and is_name(m.group("name"), loose=True) and _proper(m.group("name")):
        return m.group("name").strip(), None
    m = _INLINE.fullmatch(line)
    if m and is_name(m.group("name").strip()) and _proper(m.group("name")):
        is_date, when = date_line(m.group("date"))
        if is_date:
            return m.group("name").strip(), when
    return None


@dataclass(slots=True)
class _Draft:
    """A comment being read: its header fields and its text lines."""

    author: str
    posted: datetime | None = None
    reply_to: str | None = None
    navs: frozenset[str] | None = None
    level: int | None = None
    """Reddit's "level N" line above the header (1 = top level)."""
    strong: bool = True
    """False for a header known only by its "Reply to" line (no date, no HN/says form)."""
    lines: list[str] = field(default_factory=list)

    def has_text(self) -> bool:
        return bool(self.lines)  # only non-blank lines start it; blanks come between them

    def add(self, line: str) -> None:
        if line or self.lines:
            self.lines.append(line)


def _header_at(lines: list[str], i: int) -> tuple[_Draft, int] | None:
    """The header starting at line *i* and the index of its last line, if there is one."""
    line = lines[i]
    hn = hn_header(line)
    if hn:
        return _Draft(hn[0], posted=hn[1], navs=hn[2]), i
    one = inline_header(line)
    draft = _Draft(one[0], posted=one[1]) if one else _Draft(line)
    if not one and not is_name(line, loose=True):
        return None
    last, dated, seen = i, one is not None and one[1] is not None, 0
    j = i + 1
    while j < len(lines) and seen < _LOOKAHEAD and not dated:
        nxt = lines[j]
        j += 1
        if not nxt:
            continue
        seen += 1
        name = reply_to(nxt)
        if name:
            draft.reply_to, last = name, j - 1
        elif is_badge(nxt) or nxt in ("·", "•", "|", "-"):
            last = j - 1
        else:
            is_date, when = date_line(nxt)
            if not is_date:
                break
            draft.posted, dated, last = when, True, j - 1
    if one or dated or draft.reply_to:
        draft.strong = bool(one or dated)
        return draft, last
    return None


def _next_text(lines: list[str], i: int) -> tuple[bool, bool]:
    """(is the next non-blank line after *i* plain text, is there a blank line before it)."""
    gap = False
    for j in range(i + 1, min(len(lines), i + 40)):
        if not lines[j]:
            gap = True
            continue
        nxt = lines[j]
        plain = not (is_chrome(nxt) or is_separator(nxt) or is_terminator(nxt) or is_badge(nxt))
        return plain and not date_line(nxt)[0], gap
    return False, gap


def _bare_author(lines: list[str], i: int, expecting: bool, after_gap: bool) -> bool:
    """Is line *i* a bare author line: name-shaped, followed by text, and at a comment
    boundary (section start or after "Reply"; or, when *after_gap*, after a blank line)?"""
    line = lines[i]
    if not is_name(line) or norm(line) in _INTERJECTIONS:
        return False
    if not _proper(line):
        return False
    is_text, gap = _next_text(lines, i)
    return is_text and (expecting or (after_gap and gap))


def _is_comment_text(line: str) -> bool:
    """Not chrome — though a line of code such as ``});`` is kept (only counters are noise)."""
    if is_badge(line):
        return False
    if not is_chrome(line):
        return True
    return is_noise(line) and norm(line) not in CHROME and any(c in line for c in "(){}[];=<>")


def _read_drafts(raw: list[str]) -> list[_Draft]:
    """Split the section's lines into comment drafts (chrome dropped)."""
    lines = [line.strip() for line in raw]
    headers = {i: h for i, line in enumerate(lines) if line and (h := _header_at(lines, i))}
    explicit = any(h[0].strong for h in headers.values())
    drafts: list[_Draft] = []
    cur: _Draft | None = None
    expecting, after_gap = True, True
    pending_level: int | None = None

    def close() -> None:
        if cur is not None and cur.has_text():
            drafts.append(cur)

    i = 0
    while i < len(lines):
        line = lines[i]
        if not line:
            after_gap = True
            if cur is not None and cur.lines and cur.lines[-1]:
                cur.add("")
            i += 1
            continue
        level = _LEVEL.fullmatch(line) if len(line) < 12 else None
        if level:
            pending_level, i = int(level.group(1)), i + 1
            continue
        header = headers.get(i)
        if header is None and not explicit and _bare_author(lines, i, expecting, after_gap):
            header = _Draft(line), i
        if header is not None:
            close()
            cur, i = header[0], header[1] + 1
            cur.level, pending_level = pending_level, None
            expecting = after_gap = False
            continue
        after_gap = False
        if is_terminator(line) or is_separator(line):
            close()
            cur, expecting = None, not is_terminator(line)
        elif cur is not None and not cur.has_text() and (reply_to(line) or date_line(line)[0]):
            cur.reply_to = cur.reply_to or reply_to(line)
            cur.posted = cur.posted or date_line(line)[1]
        elif cur is not None and _is_comment_text(line):
            cur.add(raw[i].rstrip())
        i += 1
    close()
    return drafts


def _hn_parent(
    idx: int,
    navs: frozenset[str],
    parents: list[int | None],
    depth: list[int],
    last_top: int | None,
) -> int | None:
    """The parent of comment *idx* from its Hacker News navigation words."""
    if "parent" not in navs or idx == 0:
        return None
    if "root" not in navs:
        return last_top
    if "prev" not in navs:
        return idx - 1
    sibling_parent = parents[idx - 1]
    return sibling_parent if sibling_parent is not None and depth[sibling_parent] >= 1 else idx - 1


def _clean_text(lines: list[str]) -> str:
    """Join a comment's lines: dedent, one blank line between paragraphs."""
    return safe_text(_BLANKS.sub("\n\n", textwrap.dedent("\n".join(lines)).strip()))


def parse_comments(raw_lines: list[str]) -> list[ParsedComment]:
    """Read the comments of a comment section given as its lines (see the module doc)."""
    drafts = _read_drafts(raw_lines)
    threaded = any(norm(line) in _THREADED_WIDGETS for line in raw_lines if len(line) < 60)
    structured = threaded or any(d.navs or d.reply_to or d.level for d in drafts)
    parents: list[int | None] = []
    depth: list[int] = []
    latest_by: dict[str, int] = {}
    latest_at_level: dict[int, int] = {}
    last_top: int | None = None
    comments: list[ParsedComment] = []
    for idx, draft in enumerate(drafts):
        parent: int | None = None
        if draft.navs is not None:
            parent = _hn_parent(idx, draft.navs, parents, depth, last_top)
        elif draft.level is not None:
            parent = latest_at_level.get(draft.level - 1)
            latest_at_level[draft.level] = idx
        elif draft.reply_to:
            parent = latest_by.get(norm(draft.reply_to))
        while parent is not None and depth[parent] >= MAX_DEPTH:
            parent = parents[parent]
        parents.append(parent)
        depth.append(0 if parent is None else depth[parent] + 1)
        if parent is None:
            last_top = idx
        latest_by[norm(draft.author)] = idx
        comments.append(
            ParsedComment(
                key=f"c{idx + 1}",
                author=safe_line(draft.author),
                text=_clean_text(draft.lines),
                parent_key=None if parent is None else f"c{parent + 1}",
                posted=draft.posted,
                flat=not structured,
            )
        )
    return comments
