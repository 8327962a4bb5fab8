"""Turn a web page into a :class:`ParsedArticle`: trafilatura for the article,
the comment adapters for the thread, and a "what was stripped" report.

The page is checked (size, binary data, nesting) and parsed once; the comment
adapters read that tree first, and the elements holding a recovered thread are
removed before trafilatura extracts the body, so comments never leak into it.
When no adapter recognises the thread, trafilatura's own flat comments are used.
"""

from __future__ import annotations

import unicodedata
from copy import deepcopy
from datetime import UTC, date, datetime
from urllib.parse import urljoin, urlsplit

from lxml import etree
from lxml.html import HtmlElement
from trafilatura import bare_extraction
from trafilatura.metadata import extract_metadata
from trafilatura.xml import xmltotxt

from tuireader.importers.comments import find_thread, flat
from tuireader.importers.comments.base import parse_when
from tuireader.importers.htmltree import BLOCK_TAGS, element_text, load_tree
from tuireader.importers.model import ImportError_, ParsedArticle
from tuireader.text import collapse_ws, safe_line, safe_text

__all__ = ["parse_html", "stripped_report"]

_LINK_SCHEMES = ("http", "https", "mailto")
_PUBLISHED_XPATH = (
    "//meta[@property='article:published_time' or @property='og:published_time'"
    " or @name='article:published_time' or @itemprop='datePublished']/@content"
    " | //time[@itemprop='datePublished']/@datetime"
)
_MAX_TITLE = 500


def _http_url(value: str | None, base: str | None = None) -> str | None:
    """Return *value* (resolved against *base*) when it is an http(s) URL, else ``None``."""
    if not value:
        return None
    value = safe_line(value)
    try:
        resolved = urljoin(base, value) if base else value
        scheme = urlsplit(resolved).scheme.lower()
    except ValueError:
        return None
    return resolved if scheme in ("http", "https") else None


def _clean_links(tree: HtmlElement, base: str | None) -> None:
    """Resolve relative links and drop those that are not http, https or mailto."""
    for link in tree.iter("a"):
        href = link.get("href")
        if href is None:
            continue
        try:
            resolved = urljoin(base, href.strip()) if base else href.strip()
            scheme = urlsplit(resolved).scheme.lower()
        except ValueError:
            scheme, resolved = "", ""
        if scheme in _LINK_SCHEMES:
            link.set("href", resolved)
        else:
            del link.attrib["href"]


def _published(tree: HtmlElement, found: str | None) -> datetime | None:
    """The publication time: a precise meta timestamp when it agrees with trafilatura's
    date (or trafilatura found none), else trafilatura's date at midnight UTC."""
    day: date | None = None
    if found:
        try:
            day = date.fromisoformat(found[:10])
        except ValueError:
            day = None
    for value in tree.xpath(_PUBLISHED_XPATH)[:5]:
        when = parse_when(str(value))
        if when is not None and (day is None or abs((when.date() - day).days) <= 1):
            return when
    if day is None:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _language(tree: HtmlElement) -> str | None:
    values = tree.xpath("/html/@lang | //meta[@http-equiv='content-language']/@content")
    for value in values:
        lang = safe_line(value)[:35]
        if lang:
            return lang
    return None


def _site_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/" if parts.netloc else None


def parse_html(
    data: bytes | str, *, url: str | None = None, encoding: str | None = None
) -> ParsedArticle:
    """Extract the article and its comment thread from an HTML page.

    *data* is the page as fetched (bytes, decoded with *encoding*, else the charset
    found in the page) or as text; *url* is where it came from (used to resolve
    links and as a fallback title).  ``raw`` keeps the original bytes with
    ``raw_format="html"``.  Raises :class:`ImportError_` for a page that is empty,
    too large, binary, nested too deeply, or has no article text and no comments.
    """
    url = _http_url(url)
    tree = load_tree(data, encoding=encoding)
    _clean_links(tree, url)
    thread = find_thread(tree, url)
    if thread is not None:
        _remove(thread.containers)
    hint = thread.article if thread is not None else None
    author = published = None
    try:
        if hint is not None:
            document = extract_metadata(tree, url)
            text = hint.text
            markdown = f"<{hint.link}>\n\n{text}" if hint.link else text
            author, published = hint.author, hint.posted
        else:
            document = bare_extraction(
                tree,
                url=url,
                with_metadata=True,
                include_comments=thread is None,
                include_formatting=True,
                include_links=True,
                include_tables=True,
            )
            if document is None:
                if thread is None:
                    raise ImportError_("no article text found in the page")
                document = extract_metadata(tree, url)
                markdown = text = ""
            else:
                markdown = xmltotxt(document.body, True)
                text = _plain(document.body)
                if thread is None:
                    thread = flat.extract(tree, url, commentsbody=document.commentsbody)
    except ImportError_:
        raise
    except Exception as exc:  # a third-party extractor on hostile input: never a traceback
        raise ImportError_(f"the extractor failed on this page ({type(exc).__name__})") from exc
    canonical = _http_url(document.url)
    title = safe_line(document.title)[:_MAX_TITLE] or safe_line(url) or "Untitled"
    return ParsedArticle(
        title=title,
        body_markdown=safe_text(markdown).strip(),
        text=safe_text(text).strip(),
        url=url,
        canonical_url=canonical,
        author=safe_line(author or document.author) or None,
        published=published or _published(tree, document.date),
        site=safe_line(document.sitename) or None,
        site_url=_site_url(canonical or url),
        language=_language(tree),
        raw=data if isinstance(data, bytes) else data.encode("utf-8"),
        raw_format="html",
        comments=thread.comments if thread is not None else [],
    )


def _plain(body: etree._Element) -> str:
    """trafilatura's plain text of *body*, without link targets."""
    body = deepcopy(body)
    etree.strip_tags(body, "ref")
    return xmltotxt(body, False)


def _remove(nodes: list[HtmlElement]) -> None:
    """Remove *nodes* from their tree, keeping the text that follows each one."""
    for el in nodes:
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        previous = el.getprevious()
        parent.remove(el)
        if tail and tail.strip():
            if previous is not None:
                previous.tail = (previous.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail


# --- "what was stripped" --------------------------------------------------

_REGION_TAGS = {
    "nav": "navigation",
    "header": "header",
    "footer": "footer",
    "aside": "sidebar",
    "form": "form",
}
_REGION_ROLES = {
    "navigation": "navigation",
    "banner": "header",
    "contentinfo": "footer",
    "complementary": "sidebar",
    "search": "form",
}


def _region(el: HtmlElement, comments: set[HtmlElement]) -> str:
    node: HtmlElement | None = el
    while node is not None:
        if node in comments:
            return "comments"
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _REGION_TAGS:
            return _REGION_TAGS[tag]
        role = (node.get("role") or "").lower()
        if role in _REGION_ROLES:
            return _REGION_ROLES[role]
        node = node.getparent()
    return "page"


def _blocks(tree: HtmlElement, comments: set[HtmlElement]) -> list[tuple[str, str]]:
    """The page's visible text blocks as ``(region, text)``: the text of each block
    element without the text of the blocks nested in it."""
    body = tree.find("body")
    root = body if body is not None else tree
    out: list[tuple[str, str]] = []
    for el in root.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag not in BLOCK_TAGS and el is not root:
            continue
        text = element_text(el, skip=lambda e: isinstance(e.tag, str) and e.tag in BLOCK_TAGS)
        text = collapse_ws(safe_text(text))
        if text:
            out.append((_region(el, comments), text))
    return out


def _normal(text: str) -> str:
    return f" {collapse_ws(unicodedata.normalize('NFC', text))} "


def stripped_report(data: bytes | str, article: ParsedArticle) -> str:
    """Return a plain-text view of what the extractor left out of *article*.

    Lists the visible text blocks of the page (*data*, usually ``article.raw``)
    that appear neither in the article's text nor in its comments, grouped by
    the page region they sit in (navigation, header, footer, sidebar, form,
    comments — the controls of a recognised thread —, page).  Raises
    :class:`ImportError_` if *data* cannot be loaded.
    """
    tree = load_tree(data)
    thread = find_thread(tree)
    containers = set(thread.containers) if thread is not None else set()
    kept = _normal(
        " ".join(
            [
                article.title,
                article.text,
                *(c.text for c in article.comments),
                *(c.author for c in article.comments),
            ]
        )
    )
    stripped: list[tuple[str, str]] = []
    for region, text in _blocks(tree, containers):
        if _normal(text) not in kept:
            stripped.append((region, text))
    words = sum(len(text.split()) for _, text in stripped)
    header = (
        f"Stripped from the page: {len(stripped)} text blocks, {words} words "
        f"(the article kept {len(article.text.split())} words"
        f"{f', {len(article.comments)} comments' if article.comments else ''})."
    )
    lines = [header]
    current = None
    for region, text in stripped:
        if region != current:
            lines.extend(["", f"[{region}]"])
            current = region
        lines.append(f"  {text}")
    return "\n".join(lines)
