"""The exports of read-it-later services: Pocket, Instapaper, Wallabag, Omnivore, Hypothesis.

Each module exposes ``parse_<service>(data: bytes) -> ServiceImport``.  A row
that cannot be used is reported as a :class:`RowError` (its line in a CSV or
HTML file; its position, counted from 1, in a JSON list) and the other rows
are imported.  An input that is not an export at all raises
:class:`~tuireader.importers.model.ImportError_`.

:func:`detect_service` finds the service from the content (the file name only
breaks ties); :func:`parse_export` detects and parses in one call.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from tuireader.importers.model import ImportError_, ParsedArticle

__all__ = [
    "RowError",
    "ServiceImport",
    "SERVICES",
    "MAX_ROWS",
    "detect_service",
    "parse_export",
]

MAX_ROWS = 100_000
"""Rows beyond this many are not imported (reported as one :class:`RowError`)."""

SERVICES = ("pocket", "pocket_html", "instapaper", "wallabag", "omnivore", "hypothesis")


@dataclass(slots=True)
class RowError:
    """One row that was not imported (or imported only in part), and why."""

    line: int
    message: str


@dataclass(slots=True)
class ServiceImport:
    """The articles an export gave and the rows that went wrong."""

    articles: list[ParsedArticle] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    service: str = ""


def _json_shape(head: bytes) -> str | None:
    """Name the service of a JSON export from the keys near its start.

    Only the first bytes are looked at (the whole export may be large): the
    keys each service writes first in an entry are enough to tell them apart.
    """
    keys = set(re.findall(rb'"([A-Za-z_]{2,30})"\s*:', head))
    if b"uri" in keys and keys & {b"target", b"document", b"user", b"permissions"}:
        return "hypothesis"
    if keys & {b"is_archived", b"is_starred"}:
        return "wallabag"
    if keys & {b"savedAt", b"readingProgress"}:
        return "omnivore"
    return None


def _csv_header(data: bytes) -> str | None:
    first = data[:4096].decode("utf-8-sig", errors="replace").lstrip("\ufeff")
    first = first.splitlines()[0] if first else ""
    names = [n.strip().strip('"').strip().lower() for n in first.split(",")]
    if names[:4] == ["url", "title", "selection", "folder"]:
        return "instapaper"
    if "url" in names and ("time_added" in names or "status" in names):
        return "pocket"
    return None


def detect_service(data: bytes, name: str | None = None) -> str | None:
    """Which service exported *data* (one of :data:`SERVICES`), or ``None``.

    The content decides (CSV header, JSON keys, the ``ril_export.html`` page,
    the members of a zip); *name* is only looked at when the content is ambiguous.
    """
    if not isinstance(data, bytes) or not data.strip():
        return None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = archive.namelist()[:10_000]
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if any(re.search(r"(^|/)metadata_[^/]*\.json$", n) for n in names):
            return "omnivore"
        return None
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return _json_shape(head)
    lowered = head.lower()
    if head.startswith(b"<") or b"<html" in lowered[:1024]:
        if re.search(rb"<h1>\s*(unread|read archive)\s*</h1>", lowered) or (
            b"pocket export" in lowered and b"time_added" in lowered
        ):
            return "pocket_html"
        return None
    service = _csv_header(data)
    if service is None and name:
        lowered_name = name.lower()
        if lowered_name.endswith("ril_export.html"):
            return "pocket_html"
        if "instapaper" in lowered_name and lowered_name.endswith(".csv"):
            return "instapaper"
    return service


def parse_export(data: bytes, name: str | None = None) -> ServiceImport:
    """Detect the service of *data* and parse it; :class:`ImportError_` when unknown."""
    service = detect_service(data, name)
    if service is None:
        raise ImportError_(
            "not an export this reader knows (Pocket, Instapaper, Wallabag, Omnivore, Hypothesis)"
        )
    # Imported here: the service modules import this package for RowError/ServiceImport.
    from tuireader.importers.services import hypothesis, instapaper, omnivore, pocket, wallabag

    parsers = {
        "pocket": pocket.parse_pocket,
        "pocket_html": pocket.parse_pocket_html,
        "instapaper": instapaper.parse_instapaper,
        "wallabag": wallabag.parse_wallabag,
        "omnivore": omnivore.parse_omnivore,
        "hypothesis": hypothesis.parse_hypothesis,
    }
    return parsers[service](data)
