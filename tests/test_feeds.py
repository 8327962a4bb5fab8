"""parse_feed and is_feed: the three formats, broken and hostile feeds, limits."""

from __future__ import annotations

import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuireader.importers import feeds
from tuireader.importers.feeds import ParsedFeed, is_feed, parse_feed
from tuireader.importers.model import ImportError_
from tuireader.text import UNSAFE_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"


def load(name: str, **kwargs) -> ParsedFeed:
    return parse_feed((FIXTURES / name).read_bytes(), **kwargs)


def all_text(feed: ParsedFeed) -> list[str]:
    """Every text field of a feed and its entries."""
    values = [feed.title, feed.description or ""]
    for entry in feed.entries:
        values += [entry.title, entry.body_markdown, entry.text, entry.author or "", *entry.tags]
        values.append(entry.source_name or "")
    return values


def test_rss20_channel_and_items() -> None:
    feed = load("rss20.xml", url="https://workshop.example.org/feed.xml")
    assert feed.format == "rss20"
    assert feed.title == "The Quiet Workshop"
    assert feed.site_url == "https://workshop.example.org/"
    assert feed.feed_url == "https://workshop.example.org/feed.xml"
    assert feed.language == "en-gb"
    assert feed.etag is None and feed.modified is None
    assert feed.warnings == []
    assert [e.title for e in feed.entries] == [
        "Sharpening a chisel by hand",
        "Glue-ups without tears",
        "A day without a link",
    ]
    chisel, glue, nolink = feed.entries
    assert chisel.url == "https://workshop.example.org/2024/03/chisel"
    assert chisel.author == "Ada Plane"
    assert chisel.published == datetime(2024, 3, 5, 8, 30, tzinfo=UTC)
    assert chisel.tags == ["tools", "sharpening"]
    assert chisel.source_name == "The Quiet Workshop"
    # content:encoded wins over the teaser, and becomes Markdown.
    assert "## Why bother" in chisel.body_markdown
    assert "**sharp**" in chisel.body_markdown
    assert "[guide to stones](https://workshop.example.org/stones)" in chisel.body_markdown
    assert "- Flatten the back" in chisel.body_markdown
    assert "> Slow is smooth" in chisel.body_markdown
    assert "angle = 25 degrees" in chisel.body_markdown
    # Relative links are resolved against the URL the feed came from.
    assert "(https://workshop.example.org/about)" in chisel.body_markdown
    assert "teaser" not in chisel.body_markdown
    assert chisel.text.startswith("Why bother")
    assert "<" not in chisel.text and "**" not in chisel.text
    assert chisel.raw is not None and b"<strong>sharp</strong>" in chisel.raw
    assert chisel.raw_format == "html"
    assert chisel.pending is False
    # "email (Name)" gives the name.
    assert glue.author == "Ada Plane"
    assert glue.body_markdown == "Clamp early, clamp **often**."
    assert glue.pending is True  # a short summary only: the page is to be fetched
    assert glue.published == datetime(2024, 2, 12, 18, 0, tzinfo=UTC)
    # No link: nothing to fetch, so not pending; the text is all there is.
    assert nolink.url is None and nolink.pending is False
    assert nolink.text == "This entry only lives in the feed."


def test_atom10() -> None:
    feed = load("atom10.xml")
    assert feed.format == "atom10"
    assert feed.title == "Carnet de bord"
    assert feed.description == "Un journal de voyage"
    assert feed.site_url == "https://carnet.example.net/"
    assert feed.feed_url == "https://carnet.example.net/atom.xml"  # rel=self, no URL given
    brest, resume, local = feed.entries
    assert brest.title == "Le port de Brest"  # type="html" title: markup removed
    assert brest.url == "https://carnet.example.net/brest"
    assert brest.published == datetime(2024, 4, 30, 6, 15, tzinfo=UTC)
    assert brest.tags == ["Voyage", "bretagne"]
    assert "**mouettes**" in brest.body_markdown
    assert "![Le port](https://carnet.example.net/img/brest.jpg)" in brest.body_markdown
    assert brest.author == "Jeanne Voile"  # the feed's author applies to its entries
    assert brest.pending is False
    assert resume.author == "Paul Ancre"
    assert resume.pending is True
    assert resume.body_markdown.startswith("Juste un résumé court")
    # A file: link is dropped; so is the javascript: link inside the content (its text stays).
    assert local.url is None
    assert local.body_markdown == "Un contenu complet, avec un piège."
    assert "javascript" not in local.body_markdown


def test_rss10_rdf() -> None:
    feed = load("rss10.rdf")
    assert feed.format == "rss10"
    assert feed.title == "Parish Bulletin"
    assert [e.url for e in feed.entries] == [
        "https://bulletin.example.com/notice/1",
        "https://bulletin.example.com/notice/2",
    ]
    tower = feed.entries[0]
    assert tower.author == "The Warden"
    assert tower.published == datetime(2023, 11, 20, 15, 0, tzinfo=UTC)
    assert tower.tags == ["building"]
    assert tower.text == "The bell tower is closed until June."


def test_every_date_is_aware_utc() -> None:
    for name in ("rss20.xml", "atom10.xml", "rss10.rdf"):
        for entry in load(name).entries:
            assert entry.published is not None
            assert entry.published.utcoffset().total_seconds() == 0


def test_ill_formed_feed_is_imported_as_far_as_it_goes() -> None:
    feed = load("illformed.xml")
    assert [e.title for e in feed.entries][:2] == [
        "First post survives",
        "Second post survives too",
    ]
    assert feed.entries[0].text == "Fish & chips unclosed bold"
    assert feed.warnings
    assert feed.warnings[0].startswith("ill-formed feed, imported as far as it goes: ")
    assert "not well-formed" in feed.warnings[0]
    assert all(e.title for e in feed.entries)


def test_external_entity_is_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    source = (
        (FIXTURES / "xxe.xml").read_bytes().replace(b"file:///etc/passwd", secret.as_uri().encode())
    )
    for data in (source, (FIXTURES / "xxe.xml").read_bytes()):
        feed = parse_feed(data)
        joined = "\n".join(all_text(feed))
        assert "TOP-SECRET-MARKER" not in joined
        assert "root:" not in joined
        assert feed.entries[0].url == "https://xxe.example.org/1"


def test_billion_laughs_is_bounded() -> None:
    data = (FIXTURES / "billion_laughs.xml").read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    feed = parse_feed(data)
    elapsed = time.perf_counter() - started
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert elapsed < 2.0
    assert grown_kb < 100 * 1024
    assert feed.title == "Laughs"
    assert all("lollollol" not in value for value in all_text(feed))


def test_markup_and_escape_sequences_are_stored_clean() -> None:
    feed = load("hostile_titles.xml")
    for value in all_text(feed):
        assert not UNSAFE_CHARS.intersection(value), repr(value)
        assert "\x1b" not in value and "\x07" not in value
    first, second = feed.entries
    # Markup brackets are data: kept as they were.
    assert feed.title.startswith("[@click=app.quit]Feed[/]")
    assert first.title.startswith("[@click=app.quit]Click me[/] and [bold]x[/bold]")
    assert "copied" in first.title
    assert first.author is not None and "[/]" in first.author and "evil" in first.author
    assert first.tags == ["[link=file:///etc/passwd]tag[/link]"]
    assert "[@click=app.quit]b[/]" in first.body_markdown
    # javascript: and file: links are gone, their text kept; no script survives.
    assert first.url is None
    for bad in ("javascript:", "file:", "alert(1)"):
        assert bad not in first.body_markdown
    assert "js link" in first.body_markdown and "file link" in first.body_markdown
    # feedparser reads C1 bytes as windows-1252 (U+009B becomes "›"); none is left raw.
    assert second.title.startswith("Plain reversed title ")
    assert second.title.endswith("31m with C1 [/]")


def test_bytes_naming_a_file_are_not_read_as_a_path(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.xml"
    feed_file.write_bytes((FIXTURES / "rss20.xml").read_bytes())
    with pytest.raises(ImportError_):
        parse_feed(str(feed_file).encode())


@pytest.mark.parametrize(
    "value", ["https://x.example/feed", Path("/etc/passwd"), bytearray(b"<rss/>")]
)
def test_only_bytes_are_accepted(value: object) -> None:
    with pytest.raises(TypeError):
        parse_feed(value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"just some text",
        b"<html><body><p>a page</p></body></html>",
        b"\x00\xff" * 50,
    ],
)
def test_non_feeds_raise_import_error(data: bytes) -> None:
    with pytest.raises(ImportError_):
        parse_feed(data)


def test_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_FEED_BYTES", 1000)
    data = (FIXTURES / "rss20.xml").read_bytes()
    assert len(data) > 1000
    with pytest.raises(ImportError_, match="too large"):
        parse_feed(data)


def make_rss(count: int, body: str = "") -> bytes:
    items = "".join(
        f"<item><title>Entry {i}</title><link>https://gen.example.org/{i}</link>"
        f"<description>{body or f'Summary {i}'}</description></item>"
        for i in range(count)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Generated</title>'
        f"<link>https://gen.example.org/</link>{items}</channel></rss>"
    ).encode()


def test_entry_limit_keeps_the_first_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feeds, "MAX_ENTRIES", 5)
    feed = parse_feed(make_rss(8))
    assert [e.title for e in feed.entries] == [f"Entry {i}" for i in range(5)]
    assert any("8 entries" in w and "first 5" in w for w in feed.warnings)


def test_long_summary_is_not_pending() -> None:
    long_body = "word " * (feeds.SUMMARY_ONLY_CHARS // 4)
    feed = parse_feed(make_rss(1, long_body))
    assert len(feed.entries[0].text) >= feeds.SUMMARY_ONLY_CHARS
    assert feed.entries[0].pending is False
    assert parse_feed(make_rss(1)).entries[0].pending is True


def test_deeply_nested_content_does_not_crash() -> None:
    deep = "&lt;div&gt;" * 5000 + "deep text" + "&lt;/div&gt;" * 5000
    feed = parse_feed(make_rss(1, deep))
    assert "deep text" in feed.entries[0].text


def test_is_feed() -> None:
    for name in ("rss20.xml", "atom10.xml", "rss10.rdf", "illformed.xml", "xxe.xml"):
        assert is_feed((FIXTURES / name).read_bytes()), name
    assert is_feed(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- c --><rss version='2.0'></rss>")
    assert is_feed('<rss version="2.0"/>'.encode("utf-16"))
    assert not is_feed(b"<html><head><title>rss</title></head></html>")
    assert not is_feed(b"<?xml version='1.0'?><opml version='2.0'></opml>")
    assert not is_feed(b"title,url\nx,https://a.example/")
    assert not is_feed(b"")
    assert not is_feed("<rss/>")  # type: ignore[arg-type]
