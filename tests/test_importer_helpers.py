"""The shared helpers: http_url, timestamps, tags, JSON limits, HTML to Markdown and text."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from tuireader.importers.common import (
    clean_tags,
    http_url,
    load_json,
    utc_from_iso,
    utc_from_struct,
    utc_from_unix,
)
from tuireader.importers.htmltext import html_to_markdown, html_to_text
from tuireader.importers.model import ImportError_


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://a.example/x?y=1#z", "https://a.example/x?y=1#z"),
        ("  HTTP://A.example/  ", "HTTP://A.example/"),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,<b>x</b>", None),
        ("//a.example/x", None),
        ("/etc/passwd", None),
        ("https://", None),
        ("https://a.example/has space", None),
        ("https://[::1", None),
        ("https://a.example/\x1b]52;c;AA==\x07", "https://a.example/]52;c;AA=="),
        (None, None),
        (42, None),
        ("https://a.example/" + "x" * 9000, None),
    ],
)
def test_http_url(value: object, expected: str | None) -> None:
    assert http_url(value) == expected


def test_timestamps() -> None:
    assert utc_from_unix("1700000000") == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert utc_from_unix(1700000000.5) == datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=UTC)
    for bad in ("yesterday", "", "1e9", "99999999999999999", True, None, float("nan")):
        assert utc_from_unix(bad) is None, bad
    assert utc_from_iso("2024-01-10T20:00:00.000Z") == datetime(2024, 1, 10, 20, 0, tzinfo=UTC)
    assert utc_from_iso("2023-06-01T10:00:00+02:00") == datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
    assert utc_from_iso("2023-06-01T10:00:00") == datetime(2023, 6, 1, 10, 0, tzinfo=UTC)
    for bad in ("garbage", "", None, 5, "2023-13-45T99:00:00Z"):
        assert utc_from_iso(bad) is None, bad
    assert utc_from_struct(time.gmtime(0)) == datetime(1970, 1, 1, tzinfo=UTC)
    assert utc_from_struct("1970") is None


def test_clean_tags() -> None:
    tags = clean_tags(["a", " A ", "", None, "b\x1b[2J", "[bold]x[/]", 5, "multi\nline"])
    assert tags == ["a", "b[2J", "[bold]x[/]", "multi line"]
    assert len(clean_tags(str(i) for i in range(500))) == 100


def test_load_json_limits() -> None:
    assert load_json(b'\xef\xbb\xbf[{"a": 1}]', "x", 100) == [{"a": 1}]
    with pytest.raises(ImportError_, match="too large"):
        load_json(b"[" + b"1," * 100 + b"1]", "x", 100)
    with pytest.raises(ImportError_, match="nested too deeply"):
        load_json(b"[" * 200_000 + b"]" * 200_000, "x", 10**7)
    with pytest.raises(TypeError):
        load_json("[]", "x", 100)  # type: ignore[arg-type]


def test_markdown_links_are_filtered_and_resolved() -> None:
    html = (
        '<p><a href="/rel">rel</a> <a href="https://abs.example/a(b)">abs</a> '
        '<a href="javascript:alert(1)">js</a> <a href="file:///etc/passwd">file</a> '
        '<a href="%6Aavascript:x">enc</a> <img src="data:image/png;base64,AA" alt="data img"> '
        '<img src="pic.png" alt="rel img"></p><script>evil()</script><style>p{}</style>'
    )
    markdown = html_to_markdown(html, base="https://site.example/dir/page")
    assert "[rel](https://site.example/rel)" in markdown
    assert "[abs](https://abs.example/a%28b%29)" in markdown
    assert "![rel img](https://site.example/dir/pic.png)" in markdown
    for gone in ("javascript", "file:", "data:", "evil", "p{}"):
        assert gone not in markdown
    for kept in ("js", "file", "enc", "data img"):
        assert kept in markdown
    # Without a base, relative links cannot be made absolute: text only.
    assert html_to_markdown('<a href="/rel">rel</a>') == "rel"


def test_text_blocks_and_cleanliness() -> None:
    html = "<h1>T</h1><p>one <b>two</b></p><ul><li>a</li><li>b</li></ul>x<br>y\x1b[2J"
    assert html_to_text(html) == "T\n\none two\n\na\nb\n\nx\ny[2J"
    assert html_to_text("") == "" and html_to_markdown("   ") == ""


def test_deep_nesting_keeps_the_text() -> None:
    html = "<div>" * 20_000 + "deep text" + "</div>" * 20_000
    started = time.perf_counter()
    assert "deep text" in html_to_text(html)
    assert "deep text" in html_to_markdown(html)
    assert time.perf_counter() - started < 5.0
