"""Pocket exports: the CSV of 2024-2025 and the older ``ril_export.html``.

CSV: columns are found by header name, in any order (``title``, ``url``,
``time_added`` in Unix seconds, ``tags`` separated by ``|``, ``status``
``unread``/``archive``).  HTML: ``<h1>Unread</h1><ul><li><a href time_added
tags>`` then ``<h1>Read Archive</h1>``, tags separated by commas.

Pocket exports carry no article text: every article is ``pending`` (its page
is fetched later).
"""

from __future__ import annotations

import lxml.etree
import lxml.html

from tuireader.importers.common import check_size, clean_tags, http_url, utc_from_unix
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.importers.services import MAX_ROWS, RowError, ServiceImport
from tuireader.importers.services._csv import Check, cell, column, read_csv
from tuireader.text import safe_line

__all__ = ["parse_pocket", "parse_pocket_html"]

MAX_HTML_BYTES = 50 * 1024 * 1024
_TITLE_CHARS = 1000


def _bad_url(value: str) -> str:
    shown = safe_line(value)[:120]
    return f"not an http(s) URL: {shown!r}" if shown else "no URL"


def _pending(url: str, title: str) -> ParsedArticle:
    title = safe_line(title)[:_TITLE_CHARS]
    return ParsedArticle(title=title or url, url=url, pending=True, source_name="Pocket")


def parse_pocket(data: bytes) -> ServiceImport:
    """Parse a Pocket CSV export (``part_000000.csv``)."""
    header, rows, errors = read_csv(data, "Pocket CSV export", _make_check)
    url_col = column(header, "url")
    title_col = column(header, "title")
    time_col = column(header, "time_added")
    tags_col = column(header, "tags")
    status_col = column(header, "status")
    result = ServiceImport(errors=errors, service="pocket")
    for line, fields in rows:
        url = http_url(cell(fields, url_col).strip())
        if url is None:  # refused by the check already
            continue
        article = _pending(url, cell(fields, title_col))
        article.tags = clean_tags(cell(fields, tags_col).split("|"))
        status = cell(fields, status_col).strip().lower()
        if status in ("archive", "archived", "read"):
            article.archived = True
        elif status == "unread":
            article.archived = False
        stamp = cell(fields, time_col).strip()
        if stamp:
            article.added = utc_from_unix(stamp)
            if article.added is None:
                result.errors.append(
                    RowError(line, f"bad time_added {safe_line(stamp)[:40]!r}; imported without it")
                )
        result.articles.append(article)
    result.errors.sort(key=lambda e: e.line)
    return result


def _make_check(header: list[str]) -> Check:
    """The row check of a Pocket CSV: its URL must be http(s)."""
    url_col = column(header, "url")
    if url_col is None:
        raise ImportError_("not a Pocket CSV export: no 'url' column in the header")

    def check(fields: list[str]) -> str | None:
        value = cell(fields, url_col)
        return None if http_url(value.strip()) else _bad_url(value)

    return check


def parse_pocket_html(data: bytes) -> ServiceImport:
    """Parse the older Pocket ``ril_export.html`` (sections "Unread" and "Read Archive")."""
    data = check_size(data, MAX_HTML_BYTES, "Pocket HTML export")
    try:
        root = lxml.html.document_fromstring(data)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise ImportError_(f"the Pocket HTML export cannot be read: {exc}") from None
    result = ServiceImport(service="pocket_html")
    archived: bool | None = None
    seen_section = False
    for element in root.iter("h1", "a"):
        if element.tag == "h1":
            heading = safe_line(element.text_content()).lower()
            seen_section = True
            archived = "archive" in heading or heading == "read"
            continue
        line = element.sourceline or 0
        href = element.get("href") or ""
        url = http_url(href.strip())
        if url is None:
            result.errors.append(RowError(line, _bad_url(href)))
            continue
        if len(result.articles) >= MAX_ROWS:
            result.errors.append(RowError(line, f"more than {MAX_ROWS:,} links; the rest skipped"))
            break
        article = _pending(url, element.text_content())
        article.archived = archived
        article.tags = clean_tags((element.get("tags") or "").split(","))
        stamp = (element.get("time_added") or "").strip()
        if stamp:
            article.added = utc_from_unix(stamp)
            if article.added is None:
                result.errors.append(
                    RowError(line, f"bad time_added {safe_line(stamp)[:40]!r}; imported without it")
                )
        result.articles.append(article)
    if not seen_section and not result.articles:
        raise ImportError_("not a Pocket HTML export: no 'Unread' or 'Read Archive' section")
    return result
