"""parse_html and stripped_report on hand-written pages, and the input limits."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.importers.charset import decode_bytes, detect_charset, sniff_binary
from tuireader.importers.html import parse_html, stripped_report
from tuireader.importers.htmltree import MAX_HTML_BYTES, nesting_depth
from tuireader.importers.model import ImportError_
from tuireader.text import UNSAFE_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def _load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def _essay(extra_body: str = "", head: str = "<title>An essay</title>") -> str:
    paragraphs = "".join(
        f"<p>Paragraph {n} of a long essay about tides, with enough words to be an article. "
        "The moon pulls, the water follows, and the harbour empties twice a day.</p>"
        for n in range(6)
    )
    return (
        f"<html><head>{head}</head><body><article>{paragraphs}{extra_body}</article></body></html>"
    )


def test_plain_article() -> None:
    raw = _load("plain_article.html")
    article = parse_html(
        raw, url="https://coastline.example.com/features/lighthouse-patterns?ref=x"
    )
    assert article.title == "Why lighthouses blink in patterns"
    assert article.author == "Tomás Ferreira"
    assert article.published == datetime(2021, 6, 18, 10, 0, tzinfo=UTC)
    assert article.site == "Coastline Quarterly"
    assert article.site_url == "https://coastline.example.com/"
    assert article.canonical_url == "https://coastline.example.com/features/lighthouse-patterns"
    assert article.url == "https://coastline.example.com/features/lighthouse-patterns?ref=x"
    assert article.language == "en-US"
    assert article.raw == raw
    assert article.raw_format == "html"
    assert article.comments == []
    md = article.body_markdown
    assert "## Before electricity" in md
    assert "*characteristic*" in md
    assert "**Fl(2) 10s**" in md
    assert "1. Count the flashes in one group." in md
    assert "[chart symbols reference](https://charts.example.org/symbols)" in md
    # the plain text has the words but no Markdown link targets
    assert "see the chart symbols reference." in article.text
    assert "https://charts.example.org" not in article.text
    # boilerplate is left out
    for boiler in (
        "We use cookies",
        "Newsletter",
        "The lost sound of fog signals",
        "All rights reserved",
    ):
        assert boiler not in md


@pytest.mark.parametrize(
    ("name", "title", "author", "n_comments", "in_body", "not_in_body"),
    [
        (
            "wpdiscuz.html",
            "Bringing a 1978 cassette deck back to life",
            "Hanna Lindqvist",
            5,
            "The idler tyre",
            "O-ring trick",
        ),
        (
            "wordpress.html",
            "Sauerteig im Winter: warum er langsamer wird",
            "Jonas Brenner",
            4,
            "- Die Schüssel in den Backofen stellen",
            "Backofenlicht ist Gold wert",
        ),
        (
            "schema_microdata.html",
            "Field notes: swifts over the old quarry",
            "Ruth Calloway",
            3,
            "Swifts are easy to take for granted",
            "reservoir last week",
        ),
        (
            "schema_jsonld.html",
            "Le vélo cargo en hiver : six mois d'essai",
            "Camille Girard",
            4,
            "Le sel, en revanche",
            None,
        ),
        (
            "hackernews.html",
            "Ask HN: How do you keep old hardware notes organised?",
            "ferrite",
            6,
            "I care more about being able to find a note",
            "Plain text files in a git",
        ),
    ],
)
def test_fixture_articles(
    name: str, title: str, author: str, n_comments: int, in_body: str, not_in_body: str | None
) -> None:
    article = parse_html(_load(name))
    assert article.title == title
    assert article.author == author
    assert len(article.comments) == n_comments
    assert not any(c.flat for c in article.comments)
    assert in_body in article.body_markdown
    if not_in_body:
        assert not_in_body not in article.body_markdown
        assert not_in_body not in article.text


def test_hacker_news_story_fields() -> None:
    article = parse_html(
        _load("hackernews.html"), url="https://news.ycombinator.com/item?id=40100000"
    )
    assert article.published == datetime(2024, 5, 10, 13, 40, tzinfo=UTC)
    assert article.canonical_url == "https://news.ycombinator.com/item?id=40100000"
    # the site's navigation is not mistaken for the body
    assert "Guidelines" not in article.body_markdown
    assert article.body_markdown.startswith("I repair vintage test equipment")


def test_str_input_is_accepted() -> None:
    article = parse_html(_essay())
    assert article.title == "An essay"
    assert article.raw == _essay().encode("utf-8")
    assert "harbour empties twice a day" in article.text


def test_meta_charset_without_header() -> None:
    page = _essay(head='<meta charset="windows-1251"><title>Прилив</title>')
    page = page.replace("Paragraph 0", "Абзац про приливы")
    data = page.encode("cp1251")
    article = parse_html(data)
    assert article.title == "Прилив"
    assert "Абзац про приливы" in article.text
    # an explicit encoding (from the HTTP header) wins over the meta tag
    assert (
        parse_html(page.replace("windows-1251", "utf-8").encode("cp1251"), encoding="cp1251").title
        == "Прилив"
    )


def test_links_are_resolved_and_unsafe_schemes_dropped() -> None:
    extra = (
        '<p>See <a href="/tides/tables">the tables</a>, <a href="javascript:alert(1)">this</a>, '
        '<a href="file:///etc/passwd">that</a> and <a href="mailto:a@b.example">mail</a>.</p>'
    )
    article = parse_html(_essay(extra), url="https://sea.example.org/essays/tides")
    md = article.body_markdown
    assert "[the tables](https://sea.example.org/tides/tables)" in md
    assert "javascript:" not in md and "file:" not in md
    assert "(mailto:a@b.example)" in md
    assert "this" in md and "that" in md


def test_non_http_url_argument_is_ignored() -> None:
    article = parse_html(_essay(), url="file:///home/me/page.html")
    assert article.url is None


def test_hostile_title_and_body_come_out_clean() -> None:
    head = "<title>\x1b]0;pwned\x07Tides [@click=app.quit]now[/] &#27;[2J \u202eevil</title>"
    extra = "<p>Markup stays text: [bold]loud[/bold] [/] &#x9b;31m and &#27;]52;c;eA==&#7; end.</p>"
    article = parse_html(_essay(extra, head=head))
    for text in (article.title, article.body_markdown, article.text):
        assert not set(text) & UNSAFE_CHARS
    assert "[@click=app.quit]now[/]" in article.title
    assert "[bold]loud[/bold] [/]" in article.text
    assert "31m and ]52;c;eA== end." in article.text


def test_no_article_text_is_an_error() -> None:
    with pytest.raises(ImportError_, match="^no article text found in the page$"):
        parse_html("<html><head><title>x</title></head><body><div></div></body></html>")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the page is empty"),
        (b"   \n\t ", "the page is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not an HTML page (PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not an HTML page (PDF document)"),
        (b"PK\x03\x04\x14\x00\x06\x00", "not an HTML page (ZIP archive)"),
        (b"GIF89a\x01\x00\x01\x00", "not an HTML page (GIF image)"),
        (bytes(range(256)) * 8, "not an HTML page (binary data)"),
    ],
)
def test_bad_input(data: bytes, message: str) -> None:
    with pytest.raises(ImportError_) as info:
        parse_html(data)
    assert str(info.value) == message


def test_ten_thousand_deep_nesting_is_refused() -> None:
    deep = "<html><body>" + "<div>" * 10_000 + "text" + "</div>" * 10_000 + "</body></html>"
    with pytest.raises(ImportError_, match=r"^the page is nested too deeply \(over 2000 levels\)$"):
        parse_html(deep)
    with pytest.raises(ImportError_, match="nested too deeply"):
        parse_html(deep.encode())


def test_nesting_scan_ignores_what_does_not_nest() -> None:
    assert nesting_depth("<div><div><span>x</span></div></div>") == 3
    # unclosed <p>/<li>, void elements, comments and script text do not build depth
    page = (
        "<ul>"
        + "<li><p>x<br><img src=a>" * 5000
        + "</ul>"
        + "<!--"
        + "<div>" * 5000
        + "-->"
        + "<script>"
        + "<div>" * 5000
        + "</SCRIPT>"
    )
    assert nesting_depth(page) == 1
    assert nesting_depth(page.encode()) == 1
    # a page with many closed siblings is fine
    assert nesting_depth("<div><section>a</section></div>" * 10_000) == 2


def test_too_large_is_refused() -> None:
    data = b"<html><body><p>" + b"a" * MAX_HTML_BYTES + b"</p></body></html>"
    with pytest.raises(ImportError_, match=r"^the page is too large \(over 20 MB\)$"):
        parse_html(data)


def test_charset_detection_order() -> None:
    meta = b'<html><head><meta charset="koi8-r"></head><body>\xf0\xd2\xc9\xd7\xc5\xd4</body></html>'
    assert detect_charset(meta) == "koi8-r"
    assert decode_bytes(meta).endswith("Привет</body></html>")
    assert detect_charset(meta, "windows-1251") == "cp1251"  # header beats meta
    assert detect_charset(b"\xef\xbb\xbf" + meta, "windows-1251") == "utf-8"  # BOM beats all
    assert detect_charset(b"<p>caf\xc3\xa9</p>") == "utf-8"
    assert detect_charset(b"<p>caf\xe9 cr\xe8me br\xfbl\xe9e</p>", "iso-8859-1") == "cp1252"
    assert detect_charset(b"<p>x</p>", "utf-7") == "utf-8"  # refused label
    assert detect_charset(b"<p>x</p>", "no-such-charset") == "utf-8"
    assert sniff_binary(b"<p>one stray \x00 NUL</p>") is None


def test_stripped_report() -> None:
    raw = _load("plain_article.html")
    article = parse_html(raw)
    report = stripped_report(raw, article)
    lines = report.splitlines()
    assert lines[0].startswith("Stripped from the page: ")
    assert "[navigation]" in lines and "[sidebar]" in lines and "[footer]" in lines
    assert "  Newsletter" in lines
    assert "  The lost sound of fog signals" in lines
    assert "  © 2021 Coastline Quarterly. All rights reserved." in lines
    assert "  We use cookies to measure readership. Privacy policy" in lines
    # what the article kept is not reported as stripped
    assert "Giving each light a distinct rhythm" not in report
    assert "With a little practice it becomes second nature" not in report


def test_stripped_report_puts_thread_controls_under_comments() -> None:
    raw = _load("wpdiscuz.html")
    article = parse_html(raw)
    report = stripped_report(raw, article)
    section = report.split("[comments]", 1)[1].split("\n\n", 1)[0]
    assert "  Reply to Alice Moreau" in section.splitlines()
    # the comments' own text is not reported as stripped
    assert "O-ring" not in report
    assert "Recent posts" in report


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000) | st.text(max_size=3000).map(lambda t: _essay(t)))
def test_arbitrary_input_gives_an_article_or_import_error(data: bytes | str) -> None:
    try:
        article = parse_html(data)
    except ImportError_ as exc:
        assert "\n" not in str(exc)
        return
    for text in (article.title, article.body_markdown, article.text):
        assert not set(text) & UNSAFE_CHARS
