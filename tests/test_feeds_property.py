"""Property: parse_feed on any bytes returns a feed or raises ImportError_, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.importers.feeds import ParsedFeed, is_feed, parse_feed
from tuireader.importers.model import ImportError_
from tuireader.text import UNSAFE_CHARS

_PIECES = [
    b'<?xml version="1.0"?>',
    b'<rss version="2.0">',
    b"<channel>",
    b"<title>",
    b"</title>",
    b"<item>",
    b"</item>",
    b"<link>https://a.example/x</link>",
    b"<link>javascript:alert(1)</link>",
    b'<feed xmlns="http://www.w3.org/2005/Atom">',
    b"<entry>",
    b'<content type="html">',
    b"</content>",
    b"&lt;p&gt;",
    b"<![CDATA[<b>x</b>]]>",
    b"<!DOCTYPE rss [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>",
    b"&e;",
    b"<pubDate>Mon, 99 Foo 2024</pubDate>",
    b"<updated>9999-99-99T99:99:99Z</updated>",
    b"\x1b]52;c;AA==\x07",
    b"[@click=app.quit]x[/]",
    "\u202e\u009b".encode(),
    b"\x00\xff\xfe",
]

feedish = st.lists(st.one_of(st.sampled_from(_PIECES), st.binary(max_size=20)), max_size=40).map(
    b"".join
)


def check(data: bytes) -> None:
    try:
        feed = parse_feed(data)
    except ImportError_:
        return
    assert isinstance(feed, ParsedFeed)
    for entry in feed.entries:
        assert not UNSAFE_CHARS.intersection(entry.title + entry.body_markdown + entry.text)
        assert entry.url is None or entry.url.startswith(("http://", "https://"))
        assert entry.published is None or entry.published.tzinfo is not None
    assert isinstance(is_feed(data), bool)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes(data: bytes) -> None:
    check(data)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feedish)
def test_feed_like_bytes(data: bytes) -> None:
    check(data)
