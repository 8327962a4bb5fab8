"""Instapaper CSV exports, in the 4-column and the 6-column layouts.

``URL,Title,Selection,Folder`` and ``URL,Title,Selection,Folder,Timestamp,Tags``
(``Tags`` a JSON array of strings; ``Timestamp`` Unix seconds).  Columns are
found by header name.  The ``Archive`` folder means archived, ``Starred``
starred, ``Unread`` neither; any other folder becomes a tag.  A non-empty
``Selection`` (the text the user had selected when saving) becomes a quote note.
Every article is ``pending``: the export carries no article text.
"""

from __future__ import annotations

import json

from tuireader.importers.common import clean_tags, http_url, utc_from_unix
from tuireader.importers.model import ImportError_, ParsedArticle, ParsedNote
from tuireader.importers.services import RowError, ServiceImport
from tuireader.importers.services._csv import Check, cell, column, read_csv
from tuireader.text import safe_line, safe_text

__all__ = ["parse_instapaper"]

_TITLE_CHARS = 1000
_MAX_TAGS_CHARS = 10_000


def _make_check(header: list[str]) -> Check:
    url_col = column(header, "url")
    if url_col is None or column(header, "folder") is None:
        raise ImportError_("not an Instapaper CSV export: no 'URL' and 'Folder' columns")

    def check(fields: list[str]) -> str | None:
        value = cell(fields, url_col).strip()
        if http_url(value):
            return None
        shown = safe_line(value)[:120]
        return f"not an http(s) URL: {shown!r}" if shown else "no URL"

    return check


def _tags(value: str) -> list[str] | None:
    """The JSON array of the Tags column; ``None`` when it is not one."""
    value = value.strip()
    if not value:
        return []
    if len(value) > _MAX_TAGS_CHARS:
        return None
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, list):
        return None
    names = [t.get("name") if isinstance(t, dict) else t for t in parsed]
    return clean_tags(names)


def parse_instapaper(data: bytes) -> ServiceImport:
    """Parse an Instapaper CSV export."""
    header, rows, errors = read_csv(data, "Instapaper CSV export", _make_check)
    url_col = column(header, "url")
    title_col = column(header, "title")
    selection_col = column(header, "selection")
    folder_col = column(header, "folder")
    time_col = column(header, "timestamp")
    tags_col = column(header, "tags")
    result = ServiceImport(errors=errors, service="instapaper")
    for line, fields in rows:
        url = http_url(cell(fields, url_col).strip())
        if url is None:
            continue
        title = safe_line(cell(fields, title_col))[:_TITLE_CHARS]
        article = ParsedArticle(title=title or url, url=url, pending=True, source_name="Instapaper")
        tags = _tags(cell(fields, tags_col))
        if tags is None:
            result.errors.append(RowError(line, "Tags is not a JSON list; imported without tags"))
            tags = []
        folder = safe_line(cell(fields, folder_col))
        if folder.lower() == "archive":
            article.archived = True
        elif folder.lower() == "starred":
            article.starred = True
        elif folder.lower() == "unread":
            article.archived = False
        elif folder:
            tags = clean_tags([*tags, folder])
        article.tags = tags
        selection = safe_text(cell(fields, selection_col)).strip()
        if selection:
            article.notes.append(ParsedNote(text="", quote=selection))
        stamp = cell(fields, time_col).strip()
        if stamp:
            article.added = utc_from_unix(stamp)
            if article.added is None:
                shown = safe_line(stamp)[:40]
                message = f"bad Timestamp {shown!r}; imported without it"
                result.errors.append(RowError(line, message))
        result.articles.append(article)
    result.errors.sort(key=lambda e: e.line)
    return result
