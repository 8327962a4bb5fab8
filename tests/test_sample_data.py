"""Checks on the sample library in ``sample_data/`` that the reader imports on first launch.

The bundles are read with the standard library only (no importer), so these tests
pin the shape of the data itself: the "tuireader bundle" keys and types, comment
trees whose parents come first, and the variety the first-launch library must show
(a deep, long thread; an article without comments; accents; CJK; many links and
images; literal markup brackets; the project's seed dump, byte for byte).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tuireader.text import safe_line, safe_text

SAMPLE_DIR = Path(__file__).resolve().parents[1] / "sample_data"
BUNDLE_FILES = sorted(SAMPLE_DIR.glob("*.json"))
SEED = SAMPLE_DIR / "000_d9db49b707615066.txt"
SEED_SHA256 = "e8a484f7f708a3217ed1310e8e73baeb9761fbe3ebe1a8479714d8317be41124"

ARTICLE_KEYS = {
    "url",
    "title",
    "author",
    "published",
    "site",
    "site_url",
    "language",
    "body_markdown",
    "tags",
    "read",
    "starred",
    "archived",
    "comments",
    "notes",
}
COMMENT_KEYS = {"key", "parent_key", "author", "posted", "text"}
NOTE_KEYS = {"text", "quote", "created"}
FICTIONAL_DOMAINS = ("example.com", "example.org", "example.net")

_ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
_INLINE_LINK = re.compile(r"(?<!!)\[[^\]]+\]\(([^)\s]+)\)")
_REF_USE = re.compile(r"(?<![!\]])\[[^\]]+\]\[([^\]]+)\]")
_REF_DEF = re.compile(r"^\[([^\]]+)\]:[ \t]+(\S+)", re.MULTILINE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _parse_time(value: str) -> datetime:
    """Parse an ISO-8601 ``...Z`` timestamp, insisting on that exact shape."""
    assert _ISO_Z.match(value), f"not ISO-8601 with Z: {value!r}"
    return datetime.fromisoformat(value).astimezone(UTC)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _articles() -> list[dict]:
    return [art for path in BUNDLE_FILES for art in _load(path)["articles"]]


def _depths(comments: list[dict]) -> dict[str, int]:
    """Depth of each comment: a top-level comment is 1, a reply to it 2, and so on."""
    depth: dict[str, int] = {}
    for com in comments:
        parent = com["parent_key"]
        depth[com["key"]] = 1 if parent is None else depth.get(parent, 0) + 1
    return depth


def _has_accents(text: str) -> bool:
    """True when *text* has a Latin letter with a diacritic (é, ç, ô, ë...)."""
    for ch in text:
        decomposed = unicodedata.normalize("NFD", ch)
        if len(decomposed) > 1 and decomposed[0].isascii() and decomposed[0].isalpha():
            return True
    return False


def _links(markdown: str) -> list[str]:
    """URLs of the Markdown links (inline and reference-style) in *markdown*, images excluded."""
    defs = {label.lower(): url for label, url in _REF_DEF.findall(markdown)}
    urls = _INLINE_LINK.findall(markdown)
    urls += [defs[label.lower()] for label in _REF_USE.findall(markdown) if label.lower() in defs]
    return urls


def _is_fictional(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == d or host.endswith("." + d) for d in FICTIONAL_DOMAINS)


def test_there_are_bundles_and_the_seed() -> None:
    assert len(BUNDLE_FILES) >= 6
    assert SEED.is_file()


def test_seed_is_kept_byte_for_byte() -> None:
    data = SEED.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SEED_SHA256
    assert "Brother Ma" in data.decode("utf-8")


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.name)
def test_bundle_envelope(path: Path) -> None:
    assert re.fullmatch(r"\d{3}_[a-z0-9-]+\.json", path.name)
    doc = _load(path)
    assert doc["format"] == "tuireader-bundle"
    assert doc["version"] == 1
    assert isinstance(doc["articles"], list)
    assert len(doc["articles"]) == 1, "one article per file"


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.name)
def test_article_fields(path: Path) -> None:
    for art in _load(path)["articles"]:
        assert set(art) == ARTICLE_KEYS
        for key in ("url", "title", "site", "site_url", "language", "body_markdown"):
            assert isinstance(art[key], str) and art[key].strip(), key
        for key in ("url", "site_url"):
            assert art[key].startswith("https://") and _is_fictional(art[key]), art[key]
        assert art["author"] is None or isinstance(art["author"], str)
        for key in ("read", "starred", "archived"):
            assert isinstance(art[key], bool), key
        assert isinstance(art["tags"], list)
        assert all(isinstance(tag, str) and tag.strip() for tag in art["tags"])
        assert len(set(art["tags"])) == len(art["tags"])
        if art["published"] is not None:
            assert 2024 <= _parse_time(art["published"]).year <= 2026


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.name)
def test_comment_trees(path: Path) -> None:
    for art in _load(path)["articles"]:
        published = _parse_time(art["published"]) if art["published"] else None
        seen: set[str] = set()
        for com in art["comments"]:
            assert set(com) == COMMENT_KEYS
            assert isinstance(com["key"], str) and com["key"] not in seen, com["key"]
            parent = com["parent_key"]
            assert parent is None or parent in seen, f"{com['key']} replies to {parent!r}"
            seen.add(com["key"])
            assert isinstance(com["author"], str) and com["author"].strip()
            assert isinstance(com["text"], str) and com["text"].strip()
            if com["posted"] is not None:
                posted = _parse_time(com["posted"])
                assert posted.year <= 2026
                assert published is None or posted > published, com["key"]


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.name)
def test_notes(path: Path) -> None:
    for art in _load(path)["articles"]:
        for note in art["notes"]:
            assert set(note) == NOTE_KEYS
            assert isinstance(note["text"], str) and note["text"].strip()
            if note["quote"] is not None:
                assert note["quote"] in art["body_markdown"], "a note quotes text not in the body"
            _parse_time(note["created"])


@pytest.mark.parametrize("path", BUNDLE_FILES, ids=lambda p: p.name)
def test_text_is_already_safe(path: Path) -> None:
    """The sample library carries no control characters: safe_text leaves it unchanged."""
    for art in _load(path)["articles"]:
        for key in ("title", "site", "author"):
            if art[key] is not None:
                assert safe_line(art[key]) == art[key], key
        assert safe_text(art["body_markdown"]) == art["body_markdown"]
        for com in art["comments"]:
            assert safe_line(com["author"]) == com["author"]
            assert safe_text(com["text"]) == com["text"]
        for note in art["notes"]:
            assert safe_text(note["text"]) == note["text"]


def test_every_link_is_fictional() -> None:
    for art in _articles():
        body = art["body_markdown"]
        for url in _links(body) + _IMAGE.findall(body):
            assert _is_fictional(url), url


def test_a_long_deep_discussion() -> None:
    threads = [a for a in _articles() if len(a["comments"]) >= 25]
    assert threads, "no article with 25+ comments"
    best = max(max(_depths(a["comments"]).values()) for a in threads)
    assert best >= 4, f"deepest reply chain is {best}"
    authors = {c["author"] for a in threads for c in a["comments"]}
    assert len(authors) >= 8


def test_an_article_without_comments_has_a_note() -> None:
    quiet = [a for a in _articles() if not a["comments"]]
    assert quiet, "every article has comments"
    assert any(len(a["notes"]) == 1 for a in quiet)


def test_accented_article_with_accented_comments() -> None:
    found = [
        a
        for a in _articles()
        if a["language"] != "en" and _has_accents(a["title"] + a["body_markdown"])
    ]
    assert found, "no non-English article with accented letters"
    assert any(sum(_has_accents(c["text"]) for c in a["comments"]) >= 2 for a in found)


def test_cjk_article_with_cjk_comments() -> None:
    found = [a for a in _articles() if _CJK.search(a["title"]) and _CJK.search(a["body_markdown"])]
    assert found, "no article with CJK text"
    assert any(sum(bool(_CJK.search(c["text"])) for c in a["comments"]) >= 2 for a in found)


def test_links_and_images() -> None:
    def fits(art: dict) -> bool:
        body = art["body_markdown"]
        return (
            len(_links(body)) >= 15
            and len(_IMAGE.findall(body)) >= 5
            and bool(_REF_USE.search(body))
        )

    assert any(fits(a) for a in _articles())


def test_long_article_shows_every_markdown_feature() -> None:
    def features(body: str) -> dict[str, bool]:
        return {
            "2500 words": len(body.split()) >= 2500,
            "h2": bool(re.search(r"^## \S", body, re.M)),
            "h3": bool(re.search(r"^### \S", body, re.M)),
            "bullets": bool(re.search(r"^- \S", body, re.M)),
            "numbered": bool(re.search(r"^\d+\. \S", body, re.M)),
            "quote": bool(re.search(r"^> \S", body, re.M)),
            "fence": bool(re.search(r"^```\w*\n.*?^```$", body, re.M | re.S)),
            "inline code": bool(re.search(r"[^`]`[^`\n]+`[^`]", body)),
            "emphasis": bool(re.search(r"(?<![*\w])\*[^*\s][^*\n]*\*(?!\*)", body)),
            "bold": bool(re.search(r"\*\*[^*\n]+\*\*", body)),
            "table": bool(re.search(r"^\|.*\|\n\|[-:| ]+\|$", body, re.M)),
        }

    long_ones = [a for a in _articles() if features(a["body_markdown"])["2500 words"]]
    assert long_ones, "no article of 2,500+ words"
    art = long_ones[0]
    missing = [name for name, ok in features(art["body_markdown"]).items() if not ok]
    assert not missing, missing
    assert 3 <= len(art["comments"]) <= 6


def test_literal_brackets_article() -> None:
    found = [a for a in _articles() if "[/]" in a["title"] and "[" in a["title"].split("[/]")[0]]
    assert found, "no title with literal brackets"
    art = found[0]
    assert art["starred"] is True
    assert art["tags"]
    assert "`[bold]x[/bold]`" in art["body_markdown"]
