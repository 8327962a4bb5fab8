"""Import a web page saved as plain text (a browser's "save as text", or a copy-paste).

A text dump has no markup, so the article is found by the shape of its lines:

1. **Title** — see :mod:`tuireader.importers._textdump_title` (a repeated title
   line is the strongest signal; then a title-like line; then the file name).
2. **Comment section** — it starts at the first line only a comment widget shows
   ("Notify of", "5 thoughts on “…”", "Leave a Reply", a Hacker-News comment
   header...) that comes after some article text; failing that, at a weak heading
   ("12 Comments") followed by comment-like lines.  It is read by
   :mod:`tuireader.importers._textdump_comments`.
3. **Body** — the lines between them, without chrome (see
   :mod:`tuireader.importers._textdump_rules`), without repeats of the title,
   without bylines, dates and category labels before the first real paragraph,
   and without the link lists after a "Related" / "Tags:" marker.  Hard-wrapped
   blocks (a 72-column save) are joined back into paragraphs; other lines are
   paragraphs of their own.  Non-breaking spaces and curly quotes are kept as
   they are.

Every field goes through :func:`tuireader.text.safe_text` (and lone surrogates
become U+FFFD).  ``body_markdown`` holds the paragraphs with Markdown's active
characters backslash-escaped, so that Markdown shows exactly the plain ``text``;
a short line between two long paragraphs becomes a ``##`` heading there.
"""

from __future__ import annotations

import re
from datetime import datetime

from tuireader.importers._textdump_comments import hn_header, inline_header, parse_comments
from tuireader.importers._textdump_dates import date_line
from tuireader.importers._textdump_rules import (
    SENTENCE_END,
    byline,
    cjk_chars,
    is_chrome,
    is_section_maybe,
    is_section_start,
    is_separator,
    is_tail_marker,
    norm,
    reply_to,
    site_from_line,
    words,
)
from tuireader.importers._textdump_title import MAX_TITLE, find_title, name_title
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.text import UNSAFE_CHARS, safe_line, safe_text

try:  # what the linkify rule of the reader's Markdown parser uses (a textual dependency)
    from linkify_it import LinkifyIt
except ImportError:  # pragma: no cover - then URLs are escaped like the rest of the text
    LinkifyIt = None

__all__ = ["parse_textdump", "looks_like_textdump", "markdown_paragraph", "MAX_CHARS", "MAX_LINES"]

MAX_CHARS = 20_000_000
"""The longest text accepted (the file importer reads at most 20 MB)."""
MAX_LINES = 100_000
"""The most lines accepted (a thread of a thousand comments is some 25,000 lines)."""

_SURROGATES = re.compile(r"[\ud800-\udfff]")
_LIST_START = re.compile(r"(?:[-*•+]|\d{1,3}[.)])\s")


# --- Markdown -----------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"[\\`*_~<]|\]\(|&(?=#?\w{1,32};)|(?<=http):(?=//)|(?<=https):(?=//)", re.I)
_URL_WORD = re.compile(r"((?<!\S)https?://\S+)", re.I)
_MD_BLOCK = re.compile(r"[#>+-]|(\d{1,9})[.)]|\[[^\]]*\]:")
_LINKIFY = LinkifyIt() if LinkifyIt is not None else None


def _escape(text: str) -> str:
    return _MD_INLINE.sub(r"\\\g<0>", text)


def _md_url(word: str) -> str:
    """A word that starts with a URL: the URL is left for Markdown's linkify rule when that
    rule will take exactly it (and show it unchanged); otherwise the word is escaped, its
    colon included, so that it stays text."""
    m = _LINKIFY.match_at_start(word) if _LINKIFY else None
    if m and m.raw == m.url and "%" not in m.raw and not m.raw.endswith("*"):
        out = m.raw + _escape(word[len(m.raw) :])
        again = _LINKIFY.match_at_start(out) if _LINKIFY else None
        if again and again.raw == m.raw:
            return out
    return _escape(word)


def markdown_paragraph(text: str) -> str:
    """Escape one plain-text line so that Markdown renders it as that text, in one paragraph.

    Escaped: backslashes, code, emphasis and strike marks, ``<`` (HTML, autolinks),
    ``](`` (inline links), entities, and a leading block marker (``#``, ``>``, a list
    bullet or number, a link reference definition).  Brackets are otherwise kept.
    ``http(s)://`` URLs stay clickable through linkify (see :func:`_md_url`).
    """
    parts = _URL_WORD.split(text)  # odd items are words that start with a URL
    out = "".join(_md_url(p) if i % 2 else _escape(p) for i, p in enumerate(parts))
    m = _MD_BLOCK.match(out)
    if m and m.group(1):
        return out[: m.end(1)] + "\\" + out[m.end(1) :]
    return "\\" + out if m else out


def _is_heading(paragraphs: list[str], i: int) -> bool:
    """A short line without a sentence ending, between two article-length paragraphs."""
    line = paragraphs[i]
    return (
        0 < i < len(paragraphs) - 1
        and words(line) <= 8
        and len(line) <= 80
        and not line.endswith((*SENTENCE_END, ",", ";", ":"))
        and not _LIST_START.match(line)
        and words(paragraphs[i - 1]) >= 20
        and words(paragraphs[i + 1]) >= 20
    )


def _markdown(paragraphs: list[str]) -> str:
    return "\n\n".join(
        ("## " if _is_heading(paragraphs, i) else "") + markdown_paragraph(p)
        for i, p in enumerate(paragraphs)
    )


# --- sniffing -------------------------------------------------------------------------------------

_MARKUP_START = re.compile(
    r"\s*(?:<!doctype|<html|<\?xml|<head|<body|<rss|<feed|<opml|<svg|<!--)", re.I
)
_TAG = re.compile(r"</?[a-zA-Z][\w:-]{0,30}(?:\s[^<>]{0,300})?/?>")


def looks_like_textdump(text: str) -> bool:
    """A cheap sniff on the first 64 kB: prose lines, not HTML/XML, not JSON, not binary."""
    if not isinstance(text, str):
        return False
    sample = text[:65536]
    stripped = sample.strip()
    if not stripped or "\x00" in sample or _MARKUP_START.match(sample):
        return False
    if stripped[0] in "{[" and text.rstrip()[-1:] in ("}", "]"):
        return False
    bad = sum(
        1
        for ch in sample
        if (ch in UNSAFE_CHARS and ch != "\x0c") or "\ud800" <= ch <= "\udfff" or ch == "\ufffd"
    )
    if bad > len(sample) * 0.01:
        return False
    tags = _TAG.findall(sample)
    if len(tags) >= 5 and sum(map(len, tags)) > len(stripped) * 0.05:
        return False
    return any(
        len(line.split(None, 3)) >= 3 or cjk_chars(line[:400]) >= 8 for line in sample.splitlines()
    )


# --- body ----------------------------------------------------------------------------------------


def _join_block(block: list[str]) -> list[str]:
    """Join a hard-wrapped block (every line filled up to one width) into one paragraph."""
    if len(block) < 2:
        return block
    width = max(len(line) for line in block)
    if not 40 <= width <= 100 or any(len(line) < width - 20 for line in block[:-1]):
        return block
    if len(block) == 2 and block[0].endswith(SENTENCE_END):
        return block
    for a, b in zip(block, block[1:], strict=False):
        if len(a) + 1 + len(b.split(None, 1)[0]) <= width or _LIST_START.match(b) or is_chrome(a):
            return block  # b's first word would have fitted on a: not a wrap
    return [" ".join(block)]


def _logical_lines(lines: list[str]) -> list[str]:
    """Stripped lines with hard-wrapped blocks joined; blank lines kept as ``""``."""
    out: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if line:
            block.append(line)
            continue
        out.extend(_join_block(block))
        out.append("")
        block = []
    return out


def _trailing_label(line: str) -> bool:
    """A short line without a sentence ending ("More from X", "Subscribe to Y")."""
    return words(line) <= 10 and not line.endswith(SENTENCE_END) and not _LIST_START.match(line)


def _body(
    lines: list[str], drop: set[str], *, strict: bool = True
) -> tuple[list[str], str | None, datetime | None]:
    """The article paragraphs among *lines*, with an author and a date found in its lead."""
    paragraphs: list[str] = []
    author: str | None = None
    published: datetime | None = None
    lead, tail = True, False
    for line in _logical_lines(lines):
        if not line or (len(line) <= MAX_TITLE and norm(line) in drop):
            continue
        if is_tail_marker(line):
            tail = tail or bool(paragraphs)
            continue
        if is_chrome(line):
            continue
        is_date, when = date_line(line)
        if is_date:
            published = published or (when if lead else None)
            continue
        if lead:
            by = byline(line)
            if by:
                author, published = author or by[0], published or by[1]
                continue
            if words(line) >= 20 or (words(line) >= 8 and line.endswith(SENTENCE_END)):
                lead = False
            elif (
                strict
                and words(line) <= 3
                and not line.endswith(SENTENCE_END)
                and ("://" not in line)
            ):
                continue  # a category label or a site name above the article
        if tail and not (words(line) >= 15 and line.endswith(SENTENCE_END)):
            continue  # titles of related posts
        paragraphs.append(line)
    while strict and len(paragraphs) > 1 and _trailing_label(paragraphs[-1]):
        paragraphs.pop()  # a site name, a label or a link between the article and the comments
    if not paragraphs and strict:
        return _body(lines, drop, strict=False)
    return paragraphs, author, published


# --- comment section ------------------------------------------------------------------------------


def _comment_like(lines: list[str], start: int) -> bool:
    """Do the lines after *start* look like comments (dates, "Reply", "NAME says:")?"""
    return any(
        line
        and (
            date_line(line)[0]
            or is_separator(line)
            or reply_to(line)
            or inline_header(line)
            or hn_header(line)
        )
        for line in lines[start + 1 : start + 400]
    )


def _is_text(line: str) -> bool:
    return words(line) >= 6 and not is_chrome(line)


_LEAVE = re.compile(r"leave a (?:reply|comment)\b.*", re.I)


def _article_goes_on(lines: list[str], i: int) -> bool:
    """Is a "Leave a comment" link at *i* followed by more article text (a link in the post's
    header, not the comment form)?  True when a long paragraph comes before another marker."""
    for line in lines[i + 1 : i + 300]:
        if line and (is_section_start(line) or hn_header(line)):
            return False
        if words(line) >= 20 and line.endswith(SENTENCE_END) and not is_chrome(line):
            return True
    return False


def _section_start(lines: list[str], begin: int) -> int:
    """The index where the comment section starts (``len(lines)`` when there is none)."""
    text_seen = False
    first_marker: int | None = None
    leave_checks = 0
    for i in range(begin, len(lines)):
        line = lines[i]
        if not line:
            continue
        if hn_header(line):
            return i
        if is_section_start(line):
            if _LEAVE.fullmatch(norm(line)) and leave_checks < 20:
                leave_checks += 1
                if _article_goes_on(lines, i):
                    continue
            if text_seen:
                return i
            first_marker = i if first_marker is None else first_marker
            text_seen = False
        elif not text_seen and _is_text(line):
            text_seen = True
    if first_marker is not None and not text_seen:
        return first_marker
    first_text = next((i for i in range(begin, len(lines)) if _is_text(lines[i])), len(lines))
    tried = 0
    for i in range(len(lines) - 1, first_text, -1):
        if lines[i] and is_section_maybe(lines[i]):
            if _comment_like(lines, i):
                return i
            tried += 1
            if tried >= 20:
                break
    return len(lines)


# --- the importer --------------------------------------------------------------------------------


def _prepare(text: str) -> list[str]:
    """The lines of *text*, made safe; raise for input that is not text or too big."""
    if not isinstance(text, str):
        raise ImportError_("a text dump must be text")
    if len(text) > MAX_CHARS:
        raise ImportError_(f"text dump too large ({len(text) // 1_000_000} M characters)")
    lines = _SURROGATES.sub("\ufffd", safe_text(text)).split("\n")
    if len(lines) > MAX_LINES:
        raise ImportError_(f"text dump has too many lines ({len(lines)}, limit {MAX_LINES})")
    return lines


def _raw(text: str) -> bytes:
    """The original text as UTF-8 (lone surrogates escaped back, else replaced)."""
    for errors in ("strict", "surrogateescape"):
        try:
            return text.encode("utf-8", errors)
        except UnicodeEncodeError:
            continue
    return text.encode("utf-8", "replace")


def _site(lines: list[str], hint: str | None) -> str | None:
    """The most certain site name: "Support X", then "© X", then *hint*, then a domain line."""
    best: tuple[int, str] | None = None
    for line in lines:
        found = site_from_line(line) if 0 < len(line) <= 120 else None
        if found and (best is None or found[0] < best[0]):
            best = found
            if best[0] == 0:
                break
    if hint and (best is None or best[0] > 2):
        return hint
    return best[1] if best else None


def parse_textdump(text: str, *, name: str | None = None) -> ParsedArticle:
    """Parse a page saved as plain text into an article with its comments.

    *name* is the file's name, the title's fallback.  Raises :class:`ImportError_`
    when neither article text nor a comment is found, or the input is too large.
    """
    raw_lines = _prepare(text)
    lines = [line.strip() for line in raw_lines]
    if not any(lines):
        raise ImportError_("no article text found")
    limit = next(
        (i for i, line in enumerate(lines) if is_section_start(line) or hn_header(line)),
        len(lines),
    )
    found = find_title(lines, limit)
    begin = found.start if found else 0
    start = _section_start(lines, begin)
    drop = {norm(found.title)} if found else set()
    paragraphs, author, published = _body(lines[begin:start], drop)
    for line in [line for line in lines[max(0, begin - 12) : begin] if line][-4:]:
        by = byline(line) or (None, date_line(line)[1])  # "By X" just above the headline
        author, published = author or by[0], published or by[1]
    comments = parse_comments(raw_lines[start:]) if start < len(lines) else []
    if not paragraphs and not comments and start < len(lines):
        paragraphs, author, published = _body(lines[begin:], drop)
    if not paragraphs and not comments:
        raise ImportError_("no article text found")
    title = safe_line(found.title if found else name_title(name, paragraphs))
    if len(title) > MAX_TITLE:
        title = title[:MAX_TITLE].rsplit(" ", 1)[0] + "…"
    return ParsedArticle(
        title=title or "Untitled",
        body_markdown=safe_text(_markdown(paragraphs)),
        text=safe_text("\n\n".join(paragraphs)),
        author=safe_line(author or (found.author if found else None)) or None,
        published=published or (found.published if found else None),
        site=safe_line(_site(lines, found.site if found else None)) or None,
        raw=_raw(text),
        raw_format="textdump",
        comments=comments,
    )
