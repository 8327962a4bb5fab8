"""OPML subscription lists: read with defusedxml, write as OPML 2.0.

Reading refuses entity declarations (XXE, billion laughs) and external
references, stops at :data:`MAX_OUTLINES` outlines and :data:`MAX_DEPTH` levels
with an :class:`ImportError_`, and keeps only ``http``/``https`` feed URLs: the
others (local paths, ``file:``...) are listed in :attr:`OpmlImport.skipped`.

Categories come from the folders an outline sits in (outer first) and from its
``category`` attribute (comma-separated, slash-delimited paths, OPML 2.0).
Writing puts a feed in a folder named after its first category and the
others in its ``category`` attribute, so that reading gives the list back.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

import defusedxml
import defusedxml.ElementTree as DET

from tuireader.importers.common import check_size, clean_tags, http_url, short_message
from tuireader.importers.model import ImportError_
from tuireader.text import safe_line

__all__ = [
    "MAX_OPML_BYTES",
    "MAX_OUTLINES",
    "MAX_DEPTH",
    "OpmlFeed",
    "OpmlImport",
    "parse_opml",
    "write_opml",
]

MAX_OPML_BYTES = 20 * 1024 * 1024
MAX_OUTLINES = 10_000
"""More outlines than this is refused with an :class:`ImportError_`."""
MAX_DEPTH = 64
"""Outlines nested deeper than this are refused with an :class:`ImportError_`."""

_TITLE_CHARS = 500


@dataclass(slots=True)
class OpmlFeed:
    """One subscription: its title, feed URL, site URL and categories."""

    title: str
    xml_url: str
    html_url: str | None = None
    categories: list[str] = field(default_factory=list)


@dataclass(slots=True)
class OpmlImport:
    """What :func:`parse_opml` found: the feeds kept and one message per outline skipped.

    It iterates (and has a length) like the list of its feeds.
    """

    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    title: str | None = None

    def __iter__(self) -> Iterator[OpmlFeed]:
        return iter(self.feeds)

    def __len__(self) -> int:
        return len(self.feeds)

    def __getitem__(self, index: int) -> OpmlFeed:
        return self.feeds[index]


def _attr(element: ET.Element, *names: str) -> str:
    for name in names:
        value = element.get(name)
        if value is not None:
            return safe_line(value)
    return ""


def _split_categories(value: str) -> list[str]:
    parts: list[str] = []
    for path in value.split(","):
        parts.extend(p for p in path.split("/") if p.strip())
    return parts


def parse_opml(data: bytes) -> OpmlImport:
    """Read an OPML document (bytes); raise :class:`ImportError_` when it cannot be used."""
    data = check_size(data, MAX_OPML_BYTES, "OPML file")
    result = OpmlImport()
    folders: list[str] = []  # one entry per open <outline>: its folder name or ""
    outlines = 0
    seen_opml = False
    try:
        for event, element in DET.iterparse(
            io.BytesIO(data),
            events=("start", "end"),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
            if event == "start" and tag.lower() == "opml":
                seen_opml = True
            if tag != "outline":
                if event == "end" and tag == "title" and result.title is None and not folders:
                    result.title = safe_line(element.text)[:_TITLE_CHARS] or None
                continue
            if event == "end":
                folders.pop()
                element.clear()
                continue
            outlines += 1
            if outlines > MAX_OUTLINES:
                raise ImportError_(f"the OPML file has more than {MAX_OUTLINES:,} outlines")
            if len(folders) >= MAX_DEPTH:
                raise ImportError_(f"the OPML file nests outlines deeper than {MAX_DEPTH} levels")
            _outline(element, folders, result)
    except ImportError_:
        raise
    except defusedxml.DefusedXmlException as exc:
        raise ImportError_(
            "the OPML file was refused: it declares entities or external references "
            f"({type(exc).__name__})"
        ) from None
    except ET.ParseError as exc:
        raise ImportError_(f"the OPML file is not well-formed XML: {short_message(exc)}") from None
    except RecursionError:
        raise ImportError_("the OPML file is nested too deeply to be read") from None
    if not seen_opml:
        raise ImportError_("not an OPML file (no <opml> element)")
    return result


def _outline(element: ET.Element, folders: list[str], result: OpmlImport) -> None:
    """Handle the start of one ``<outline>``: a feed, a folder or something else."""
    title = _attr(element, "title", "text")[:_TITLE_CHARS]
    raw_xml = element.get("xmlUrl") or element.get("xmlurl") or element.get("url")
    if raw_xml is None:
        folders.append(title)
        return
    folders.append("")
    xml_url = http_url(raw_xml)
    if xml_url is None:
        shown = safe_line(raw_xml)[:200] or "(empty)"
        result.skipped.append(f"{title or 'untitled'}: not an http(s) feed URL: {shown}")
        return
    categories = clean_tags(
        [*(f for f in folders if f), *_split_categories(_attr(element, "category"))]
    )
    result.feeds.append(
        OpmlFeed(
            title=title or xml_url,
            xml_url=xml_url,
            html_url=http_url(element.get("htmlUrl") or element.get("htmlurl")),
            categories=categories,
        )
    )


_XML_UNSAFE = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _clean(value: str | None) -> str:
    """A one-line value XML 1.0 can carry (controls, surrogates and non-characters removed)."""
    return _XML_UNSAFE.sub("", safe_line(value))


def write_opml(
    feeds: Iterable[OpmlFeed], *, title: str = "tuireader feeds", now: datetime | None = None
) -> bytes:
    """Serialise *feeds* as an OPML 2.0 document (UTF-8 bytes, escaped by ElementTree)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _clean(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(
        (now or datetime.now(UTC)).astimezone(UTC), usegmt=True
    )
    body = ET.SubElement(root, "body")
    folder_nodes: dict[str, ET.Element] = {}
    for feed in feeds:
        categories = [c for c in (_clean(c) for c in feed.categories) if c]
        parent = body
        if categories:
            folder = categories[0]
            if folder not in folder_nodes:
                folder_nodes[folder] = ET.SubElement(body, "outline", text=folder, title=folder)
            parent = folder_nodes[folder]
        name = _clean(feed.title) or _clean(feed.xml_url)
        attrs = {"type": "rss", "text": name, "title": name, "xmlUrl": _clean(feed.xml_url)}
        if feed.html_url:
            attrs["htmlUrl"] = _clean(feed.html_url)
        if len(categories) > 1:
            attrs["category"] = ",".join("/" + c for c in categories[1:])
        ET.SubElement(parent, "outline", attrs)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
