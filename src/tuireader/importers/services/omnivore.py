"""Omnivore exports: the JSON metadata files, alone or in the export zip.

A metadata file is a list of ``{id, slug, title, description, author, url,
state, readingProgress, thumbnail, labels, savedAt, updatedAt, publishedAt}``.
The zip holds ``metadata_*.json`` files and ``content/<slug>.html``; an entry
with content gets it as its body, the others are ``pending``.  ``labels`` become
tags, ``state`` ``ARCHIVED`` archived, ``DELETED`` entries are left out, and a
``readingProgress`` of 100 marks the article read.

The zip is read in memory, never extracted: members are capped in number
(:data:`MAX_MEMBERS`) and in size, as read rather than as declared
(:data:`MAX_MEMBER_BYTES`, :data:`MAX_TOTAL_BYTES`), and a member name that is
absolute or climbs out (``..``) makes the whole archive refused.
"""

from __future__ import annotations

import io
import re
import zipfile

from tuireader.importers.common import (
    check_size,
    clean_tags,
    decode_text,
    http_url,
    opt_line,
    utc_from_iso,
)
from tuireader.importers.htmltext import html_to_markdown, html_to_text
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.importers.services import RowError, ServiceImport
from tuireader.importers.services._json import (
    MAX_JSON_BYTES,
    as_str,
    load_entries,
    numbered,
    tag_names,
)
from tuireader.text import safe_line

__all__ = ["MAX_MEMBERS", "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES", "parse_omnivore"]

MAX_ZIP_BYTES = 500 * 1024 * 1024
MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
_TITLE_CHARS = 1000
_METADATA = re.compile(r"(?:^|/)metadata_[^/]*\.json$")
_CONTENT = re.compile(r"(?:^|/)content/([^/]+)\.html?$")


def parse_omnivore(data: bytes) -> ServiceImport:
    """Parse an Omnivore export: one metadata JSON file, or the export zip."""
    if isinstance(data, bytes) and data.startswith(b"PK\x03\x04"):
        return _parse_zip(check_size(data, MAX_ZIP_BYTES, "Omnivore export"))
    result = ServiceImport(service="omnivore")
    _add_entries(load_entries(data, "Omnivore export", ("items",)), {}, result, "")
    return result


def _safe_name(name: str) -> bool:
    if not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name:
        return False
    if re.match(r"^[A-Za-z]:", name):
        return False
    return ".." not in name.split("/")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """Read one member, stopping at the per-member cap and the archive's remaining budget."""
    limit = min(MAX_MEMBER_BYTES, budget[0])
    try:
        with archive.open(info) as member:
            content = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        raise ImportError_(
            f"cannot read {safe_line(info.filename)[:100]!r} in the zip: "
            f"{safe_line(str(exc))[:100]}"
        ) from None
    if len(content) > limit:
        raise ImportError_(
            f"the zip member {safe_line(info.filename)[:100]!r} is too large once uncompressed"
        )
    budget[0] -= len(content)
    return content


def _parse_zip(data: bytes) -> ServiceImport:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportError_(f"the Omnivore export is not a readable zip: {exc}") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise ImportError_(f"the zip has more than {MAX_MEMBERS:,} members")
        for info in infos:
            if not _safe_name(info.filename):
                shown = safe_line(info.filename)[:100]
                raise ImportError_(f"the zip was refused: unsafe member name {shown!r}")
        budget = [MAX_TOTAL_BYTES]
        metadata = sorted(
            (i for i in infos if _METADATA.search(i.filename) and not i.is_dir()),
            key=lambda i: i.filename,
        )
        if not metadata:
            raise ImportError_("not an Omnivore export: no metadata_*.json file in the zip")
        contents = {m.group(1): i for i in infos if (m := _CONTENT.search(i.filename))}
        result = ServiceImport(service="omnivore")
        bodies = _Bodies(archive, contents, budget)
        for info in metadata:
            if info.file_size > MAX_JSON_BYTES:
                raise ImportError_(f"{safe_line(info.filename)[:100]!r} is too large")
            entries = load_entries(_read(archive, info, budget), info.filename, ("items",))
            _add_entries(entries, bodies, result, safe_line(info.filename)[:100] + ": ")
    return result


class _Bodies:
    """The ``content/<slug>.html`` of each entry, read on demand within the budget."""

    def __init__(self, archive: zipfile.ZipFile, infos: dict, budget: list[int]) -> None:
        self.archive, self.infos, self.budget = archive, infos, budget

    def get(self, slug: str) -> str:
        info = self.infos.get(slug)
        return decode_text(_read(self.archive, info, self.budget)) if info else ""


def _add_entries(entries: list, bodies: _Bodies | dict, result: ServiceImport, where: str) -> None:
    for index, entry in numbered(entries, result.errors):
        if not isinstance(entry, dict):
            result.errors.append(RowError(index, f"{where}entry is not an object"))
            continue
        state = as_str(entry.get("state")).upper()
        if state == "DELETED":
            continue
        url = http_url(as_str(entry.get("url")).strip())
        if url is None:
            shown = safe_line(as_str(entry.get("url")))[:120]
            result.errors.append(RowError(index, f"{where}not an http(s) URL: {shown!r}"))
            continue
        slug = as_str(entry.get("slug"))
        html = (bodies.get(slug) or "") if slug else ""
        title = safe_line(as_str(entry.get("title")))[:_TITLE_CHARS]
        markdown = html_to_markdown(html) if html.strip() else ""
        progress = entry.get("readingProgress")
        result.articles.append(
            ParsedArticle(
                title=title or url,
                body_markdown=markdown,
                text=html_to_text(html) if markdown else "",
                url=url,
                author=opt_line(entry.get("author"), 300),
                published=utc_from_iso(entry.get("publishedAt")),
                raw=html.encode("utf-8", errors="replace") if markdown else None,
                raw_format="html" if markdown else None,
                tags=clean_tags(tag_names(entry.get("labels"), "name", "label")),
                read=True if _number(progress) >= 100 else None,
                archived=state == "ARCHIVED" if state else None,
                added=utc_from_iso(entry.get("savedAt")),
                pending=not markdown,
                source_name="Omnivore",
            )
        )


def _number(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return 0.0
