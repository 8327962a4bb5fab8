"""Markdown files with front matter (Obsidian, Logseq, Jekyll, Hugo, tuireader's own export).

The front matter is the block between a first line ``---`` and the next ``---``
(or ``...``) line.  It is read by a small parser for the subset of YAML such
files use — ``key: value`` lines with plain, single- or double-quoted values,
``[a, "b"]`` flow lists and ``- item`` block lists — never by a YAML loader
that could build objects.  Known keys: ``title``, ``url`` (``link``,
``source``), ``author`` (``authors``), ``date`` (``published``, ``created``),
``tags`` (``keywords``, ``categories``), ``site`` (``site_name``).  Other keys
and nested mappings are ignored.

The body is kept as Markdown; its plain text (for search and highlights) is
the Markdown rendered by markdown-it and reduced to text.  A first heading
that repeats the title (as tuireader's export writes it) is dropped.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from markdown_it import MarkdownIt

from tuireader.importers.common import clean_tags, decode_text, http_url
from tuireader.importers.htmltext import html_to_text
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.text import collapse_ws, safe_line, safe_text

__all__ = ["has_front_matter", "parse_front_matter", "parse_markdown", "markdown_to_text"]

MAX_FRONT_MATTER_LINES = 500
"""A front matter longer than this many lines is not recognised as one."""
MAX_MARKDOWN_CHARS = 5_000_000

_KEY = re.compile(r"^([A-Za-z_][\w.-]{0,60})\s*:(?:\s+|$)(.*)$")
_ITEM = re.compile(r"^\s+-\s+(.*)$|^-\s+(.*)$")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_ALIASES = {
    "title": "title",
    "url": "url",
    "link": "url",
    "source": "url",
    "source_url": "url",
    "author": "author",
    "authors": "author",
    "by": "author",
    "date": "date",
    "published": "date",
    "published_at": "date",
    "created": "date",
    "tags": "tags",
    "keywords": "tags",
    "categories": "tags",
    "site": "site",
    "site_name": "site",
}
_RENDERER = MarkdownIt("commonmark", {"html": True})


def _closing(lines: list[str]) -> int | None:
    """The index of the line that closes the front matter, or ``None``."""
    if not lines or lines[0].rstrip() != "---":
        return None
    for index in range(1, min(len(lines), MAX_FRONT_MATTER_LINES + 2)):
        if lines[index].rstrip() in ("---", "..."):
            return index
    return None


def has_front_matter(data: bytes) -> bool:
    """True when *data* starts with a front matter block that has a ``key: value`` line."""
    head = data[:65536].lstrip(b"\xef\xbb\xbf")
    if not head.startswith((b"---\n", b"---\r\n")):
        return False
    lines = decode_text(head).replace("\r\n", "\n").split("\n")
    end = _closing(lines)
    if end is None:
        return False
    return any(_KEY.match(line) for line in lines[1:end])


def _unquote(value: str) -> str:
    """A scalar: double-quoted (JSON-like escapes), single-quoted, or plain."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            decoded = json.loads(value)
        except ValueError:
            return value[1:-1]
        return decoded if isinstance(decoded, str) else value[1:-1]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    comment = value.find(" #")
    return value[:comment].rstrip() if comment >= 0 else value


def _flow_list(value: str) -> list[str]:
    """The items of ``[a, "b, c", 'd']``."""
    items: list[str] = []
    current: list[str] = []
    quote = ""
    for ch in value.strip()[1:-1]:
        if quote:
            current.append(ch)
            if ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
            current.append(ch)
        elif ch == ",":
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return [v for v in (_unquote(item) for item in items) if v]


def parse_front_matter(lines: list[str]) -> dict[str, str | list[str]]:
    """Read ``key: value`` lines (see the module documentation) into a dict.

    Keys are lower-cased; a value is a string or, for lists, a list of strings.
    """
    result: dict[str, str | list[str]] = {}
    key: str | None = None
    for line in lines:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _ITEM.match(line)
        if item and key is not None:
            current = result.get(key)
            values = current if isinstance(current, list) else []
            values.append(_unquote(item.group(1) or item.group(2) or ""))
            result[key] = values
            continue
        match = _KEY.match(line)
        if match is None or line[:1].isspace():
            key = None  # a nested mapping or something else: not ours
            continue
        key, value = match.group(1).lower(), match.group(2).strip()
        if not value:
            result[key] = []
        elif value.startswith("[") and value.endswith("]"):
            result[key] = _flow_list(value)
        elif value[:1] in "|>":
            result[key] = ""  # block scalars are not read
        else:
            result[key] = _unquote(value)
    return result


def _field(meta: dict[str, str | list[str]], name: str) -> str | list[str] | None:
    for key, value in meta.items():
        if _ALIASES.get(key) == name and value:
            return value
    return None


def _tags(meta: dict[str, str | list[str]]) -> list[str]:
    """Every tag of ``tags``, ``keywords`` and ``categories`` (lists or comma-separated)."""
    tags: list[str] = []
    for key, value in meta.items():
        if _ALIASES.get(key) != "tags" or not value:
            continue
        if isinstance(value, str):
            value = value.split(",") if "," in value else value.split()
        tags.extend(t.strip().lstrip("#") for t in value)
    return clean_tags(tags)


def _one(meta: dict[str, str | list[str]], name: str) -> str:
    value = _field(meta, name)
    if isinstance(value, list):
        value = ", ".join(v for v in value if v)
    return safe_line(value or "")


def _date(value: str) -> datetime | None:
    text = value.strip().replace("Z", "+00:00")
    if not text or len(text) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
        except ValueError:
            return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


_MARKERS = re.compile(r"^(?:\s*(?:>|[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s))+\s*", re.M)


def markdown_to_text(markdown: str) -> str:
    """The plain text of a Markdown document (rendered, then reduced to text).

    markdown-it stops rendering past its nesting limit (a 10,000-deep quote);
    when that loses most of the text, the line markers are stripped instead.
    """
    markdown = markdown[:MAX_MARKDOWN_CHARS]
    try:
        text = html_to_text(_RENDERER.render(markdown))
    except RecursionError:
        text = ""
    if len(text) * 4 < len(markdown.strip()):
        stripped = safe_text(_MARKERS.sub("", markdown)).strip()
        if len(stripped) > 2 * len(text):
            return stripped
    return text


def parse_markdown(data: bytes, name: str = "") -> ParsedArticle:
    """Read a Markdown file with front matter as an article.

    The title comes from the front matter, else the first ``# heading``, else
    the file name.  Raises :class:`ImportError_` when there is no front matter
    or no text at all.
    """
    lines = decode_text(data).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    end = _closing(lines)
    if end is None:
        raise ImportError_("not a Markdown file with front matter")
    if not any(_KEY.match(line) for line in lines[1:end]):
        raise ImportError_("not a Markdown file with front matter (no key: value line)")
    meta = parse_front_matter(lines[1:end])
    body_lines = lines[end + 1 :]
    while body_lines and not body_lines[0].strip():
        body_lines.pop(0)
    title = _one(meta, "title")[:1000]
    heading = _HEADING.match(body_lines[0]) if body_lines else None
    if heading and (not title or collapse_ws(heading.group(1)) == collapse_ws(title)):
        title = title or safe_line(heading.group(1))[:1000]
        body_lines.pop(0)
    body = safe_text("\n".join(body_lines)).strip()[:MAX_MARKDOWN_CHARS]
    if not body and not title:
        raise ImportError_("the Markdown file has no title and no text")
    url = http_url(_one(meta, "url"))
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] if name else ""
    return ParsedArticle(
        title=title or safe_line(stem) or "(untitled)",
        body_markdown=body,
        text=markdown_to_text(body) if body else "",
        url=url,
        author=_one(meta, "author")[:300] or None,
        published=_date(_one(meta, "date")),
        site=_one(meta, "site")[:300] or None,
        raw=data,
        raw_format="markdown",
        tags=_tags(meta),
    )
