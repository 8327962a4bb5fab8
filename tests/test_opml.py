"""parse_opml and write_opml: categories, refused entities, skipped URLs, limits, round trip."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuireader.importers import opml
from tuireader.importers.model import ImportError_
from tuireader.importers.opml import OpmlFeed, parse_opml, write_opml

FIXTURES = Path(__file__).parent / "fixtures" / "opml"


def load(name: str) -> opml.OpmlImport:
    return parse_opml((FIXTURES / name).read_bytes())


def test_feeds_and_categories() -> None:
    result = load("subscriptions.opml")
    assert result.title == "My subscriptions & more"
    assert [f.xml_url for f in result] == [
        "https://snakes.example.org/feed.xml",
        "https://kernel.example.com/atom",
        "http://cook.example.net/rss?a=1&b=2",
    ]
    snakes, kernel, cooking = result.feeds
    assert snakes.title == "Snake News"
    assert snakes.html_url == "https://snakes.example.org/"
    assert snakes.categories == ["Tech", "Python"]  # nested folders, outer first
    assert kernel.categories == ["Tech", "linux", "os", "low-level"]  # folder + category attribute
    assert cooking.title == "Cooking <daily>"  # entities decoded, kept as text
    assert cooking.categories == []
    assert cooking.html_url is None  # javascript: site link dropped
    assert len(result) == 3


def test_local_paths_and_other_schemes_are_skipped_and_reported() -> None:
    result = load("subscriptions.opml")
    assert len(result.skipped) == 3
    joined = "\n".join(result.skipped)
    for value in ("file:///home/me/feed.xml", "/home/me/feeds/secret.xml", "javascript:alert(1)"):
        assert value in joined
    assert all(f.xml_url.startswith(("http://", "https://")) for f in result)


@pytest.mark.parametrize("name", ["xxe.opml", "billion_laughs.opml"])
def test_entities_are_refused(name: str) -> None:
    started = time.perf_counter()
    with pytest.raises(ImportError_, match="refused"):
        load(name)
    assert time.perf_counter() - started < 2.0


def outlines(count: int, depth: int = 0) -> bytes:
    body = "".join(
        f'<outline type="rss" text="f{i}" xmlUrl="https://f.example.org/{i}.xml"/>'
        for i in range(count)
    )
    body = "<outline text='d'>" * depth + body + "</outline>" * depth
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{body}</body></opml>'.encode()


def test_many_outlines_are_refused_quickly() -> None:
    data = outlines(100_000)
    started = time.perf_counter()
    with pytest.raises(ImportError_, match="10,000 outlines"):
        parse_opml(data)
    assert time.perf_counter() - started < 2.0


def test_up_to_the_limit_is_fine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(opml, "MAX_OUTLINES", 50)
    assert len(parse_opml(outlines(50))) == 50
    with pytest.raises(ImportError_):
        parse_opml(outlines(51))


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(ImportError_, match="deeper"):
        parse_opml(outlines(1, depth=opml.MAX_DEPTH + 1))
    assert parse_opml(outlines(1, depth=opml.MAX_DEPTH - 1)).feeds[0].categories == ["d"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml at all",
        b"<opml><body><outline",
        b"<rss version='2.0'></rss>",
        b"\xff\xfe\x00",
    ],
)
def test_bad_input(data: bytes) -> None:
    with pytest.raises(ImportError_):
        parse_opml(data)


def test_round_trip_with_awkward_values() -> None:
    feeds = [
        OpmlFeed("Plain", "https://a.example/feed", "https://a.example/", []),
        OpmlFeed("Quotes \" & <angles> '", 'https://b.example/rss?x=1&y="2"', None, ["News"]),
        OpmlFeed("Two tags", "https://c.example/atom", None, ["News", "World"]),
        OpmlFeed(
            "[@click=app.quit]x[/] \x1b]52;c;AA==\x07 \u202erlo",
            "https://d.example/f",
            None,
            ["Tech"],
        ),
        OpmlFeed("Émoji 🐍 日本語", "https://e.example/f", None, ["Ünïcode"]),
    ]
    data = write_opml(feeds, title="Mine <&>", now=datetime(2024, 7, 1, 10, 0, tzinfo=UTC))
    root = ET.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.findtext("head/title") == "Mine <&>"
    assert root.findtext("head/dateCreated") == "Mon, 01 Jul 2024 10:00:00 GMT"
    back = parse_opml(data)
    assert [(f.title, f.xml_url, f.html_url, f.categories) for f in back] == [
        ("Plain", "https://a.example/feed", "https://a.example/", []),
        ("Quotes \" & <angles> '", 'https://b.example/rss?x=1&y="2"', None, ["News"]),
        ("Two tags", "https://c.example/atom", None, ["News", "World"]),
        ("[@click=app.quit]x[/] ]52;c;AA== rlo", "https://d.example/f", None, ["Tech"]),
        ("Émoji 🐍 日本語", "https://e.example/f", None, ["Ünïcode"]),
    ]
    assert b"\x1b" not in data and b"\x07" not in data


def test_round_trip_of_a_parsed_file() -> None:
    first = load("subscriptions.opml")
    again = parse_opml(write_opml(first))
    assert again.feeds == first.feeds
