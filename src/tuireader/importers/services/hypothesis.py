"""Hypothesis JSON exports: annotations become notes on one article per URI.

An annotation has ``uri``, ``text``, ``tags``, ``created``, ``document.title``
and ``target[].selector[]`` with a ``TextQuoteSelector`` (``exact``, ``prefix``,
``suffix``) and a ``TextPositionSelector`` (``start``, ``end``).  Annotations of
the same URI make one ``pending`` article (its page is fetched later, and the
store joins the notes to an article already saved under that URL); the tags
of its annotations become the article's tags.  Annotations on URIs that are
not http(s) (local files, PDFs by fingerprint) are reported and skipped.
"""

from __future__ import annotations

from tuireader.importers.common import clean_tags, http_url, utc_from_iso
from tuireader.importers.model import ParsedArticle, ParsedNote
from tuireader.importers.services import RowError, ServiceImport
from tuireader.importers.services._json import as_str, load_entries, numbered
from tuireader.text import safe_line, safe_text

__all__ = ["parse_hypothesis"]

_TITLE_CHARS = 1000


def parse_hypothesis(data: bytes) -> ServiceImport:
    """Parse a Hypothesis export (a list of annotations, or ``{"annotations": [...]}``)."""
    annotations = load_entries(data, "Hypothesis export", ("annotations", "rows"))
    result = ServiceImport(service="hypothesis")
    by_url: dict[str, ParsedArticle] = {}
    for index, item in numbered(annotations, result.errors):
        if not isinstance(item, dict):
            result.errors.append(RowError(index, "annotation is not an object"))
            continue
        uri = as_str(item.get("uri")).strip()
        url = http_url(uri)
        if url is None:
            shown = safe_line(uri)[:120]
            result.errors.append(RowError(index, f"annotation on a non-http(s) URI: {shown!r}"))
            continue
        article = by_url.get(url)
        if article is None:
            title = safe_line(_document_title(item.get("document")))[:_TITLE_CHARS]
            article = ParsedArticle(
                title=title or url, url=url, pending=True, source_name="Hypothesis"
            )
            by_url[url] = article
            result.articles.append(article)
        tags = item.get("tags") if isinstance(item.get("tags"), list) else []
        article.tags = clean_tags([*article.tags, *tags])
        article.notes.append(_note(item))
    return result


def _document_title(document: object) -> str:
    if not isinstance(document, dict):
        return ""
    title = document.get("title")
    if isinstance(title, list):
        title = next((t for t in title if isinstance(t, str) and t.strip()), "")
    return as_str(title)


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31:
        return value
    return None


def _note(item: dict) -> ParsedNote:
    note = ParsedNote(
        text=safe_text(as_str(item.get("text"))).strip(),
        created=utc_from_iso(item.get("created")),
    )
    targets = item.get("target")
    for target in targets if isinstance(targets, list) else []:
        selectors = target.get("selector") if isinstance(target, dict) else None
        for selector in selectors if isinstance(selectors, list) else []:
            if not isinstance(selector, dict):
                continue
            kind = selector.get("type")
            if kind == "TextQuoteSelector" and note.quote is None:
                note.quote = safe_text(as_str(selector.get("exact"))) or None
                note.prefix = safe_text(as_str(selector.get("prefix"))) or None
                note.suffix = safe_text(as_str(selector.get("suffix"))) or None
            elif kind == "TextPositionSelector" and note.start is None:
                start, end = _int(selector.get("start")), _int(selector.get("end"))
                if start is not None and end is not None and start <= end:
                    note.start, note.end = start, end
    return note
