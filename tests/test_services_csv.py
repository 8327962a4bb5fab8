"""Pocket (CSV and ril_export.html) and Instapaper CSV exports, well-formed and not."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuireader.importers.model import ImportError_
from tuireader.importers.services import ServiceImport, _csv
from tuireader.importers.services.instapaper import parse_instapaper
from tuireader.importers.services.pocket import parse_pocket, parse_pocket_html
from tuireader.text import UNSAFE_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "services"


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def by_url(result: ServiceImport) -> dict:
    return {a.url: a for a in result.articles}


def test_pocket_csv() -> None:
    result = parse_pocket(data("pocket_part_000000.csv"))
    assert result.errors == []
    assert result.service == "pocket"
    tomatoes, quotes, bare = result.articles
    assert tomatoes.title == "How to grow tomatoes"
    assert tomatoes.url == "https://garden.example.org/tomatoes"
    assert tomatoes.tags == ["garden", "food"]
    assert tomatoes.archived is False
    assert tomatoes.added == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert quotes.title == 'Commas, quotes "and" more'
    assert quotes.url == "https://news.example.com/a?x=1&y=2"
    assert quotes.archived is True
    assert quotes.tags == []
    # A row with only a URL: pending, titled by its URL, no body.
    assert bare.title == "https://bare.example.net/only-url"
    for article in result.articles:
        assert article.pending is True
        assert article.body_markdown == "" and article.text == ""
        assert article.source_name == "Pocket"


def test_pocket_csv_columns_in_any_order() -> None:
    csv = (
        b"status,tags,url,title,time_added\n"
        b"archive,a|b|,https://x.example.org/1,Shuffled,1700000000\n"
    )
    (article,) = parse_pocket(csv).articles
    assert (article.title, article.url, article.tags, article.archived) == (
        "Shuffled",
        "https://x.example.org/1",
        ["a", "b"],
        True,
    )
    assert article.added == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)


def test_pocket_malformed_rows_reported_by_line_good_rows_kept() -> None:
    raw = data("pocket_malformed.csv")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # BOM and CRLF
    result = parse_pocket(raw)
    articles = by_url(result)
    assert sorted(articles) == [f"https://a.example.org/{i}" for i in (1, 2, 3, 5, 6)]
    assert articles["https://a.example.org/1"].tags == ["x", "y"]
    # Embedded newline in a quoted title: one record, one line of title.
    assert articles["https://a.example.org/2"].title == "Title with a newline"
    assert articles["https://a.example.org/2"].archived is True
    # Bad timestamp: imported without it, and reported.
    assert articles["https://a.example.org/3"].added is None
    # The row after the unterminated quote is not swallowed.
    assert articles["https://a.example.org/5"].title == "After the bad quote"
    assert articles["https://a.example.org/6"].title == "Last good"
    lines = {e.line: e.message for e in result.errors}
    assert sorted(lines) == [3, 6, 7, 9]
    assert "not an http(s) URL" in lines[3] and "not a url" in lines[3]
    assert "time_added" in lines[6] and "yesterday" in lines[6]
    assert "unexpected end of data" in lines[7] or "unterminated" in lines[7]
    assert "javascript:alert(1)" in lines[9]


def test_huge_field_is_reported_and_the_rest_imported() -> None:
    huge = "x" * (_csv.MAX_FIELD_CHARS + 10)
    csv = (
        "title,url,time_added,tags,status\n"
        f"{huge},https://h.example.org/1,1700000000,,unread\n"
        "Fine,https://h.example.org/2,1700000000,,unread\n"
    ).encode()
    result = parse_pocket(csv)
    assert [a.url for a in result.articles] == ["https://h.example.org/2"]
    assert len(result.errors) == 1 and result.errors[0].line == 2
    assert "too large" in result.errors[0].message or "field limit" in result.errors[0].message


def test_unterminated_quote_swallowing_a_huge_tail_is_bounded() -> None:
    tail = "".join(f"Row {i},https://t.example.org/{i},1700000000,,unread\n" for i in range(20_000))
    csv = f'title,url,time_added,tags,status\n"Open quote,https://t.example.org/x,1,,unread\n{tail}'
    started = time.perf_counter()
    result = parse_pocket(csv.encode())
    assert time.perf_counter() - started < 5.0
    assert len(result.articles) == 20_000
    assert [e.line for e in result.errors] == [2]


def test_too_many_bad_rows_refuse_the_file() -> None:
    bad = "".join(f"t,nope{i},1,,unread\n" for i in range(_csv.MAX_ERRORS + 5))
    with pytest.raises(ImportError_, match="malformed rows"):
        parse_pocket(("title,url,time_added,tags,status\n" + bad).encode())


@pytest.mark.parametrize(
    "raw",
    [b"", b"a,b,c\n1,2,3\n", b"\x00\x01\x02binary", b"title,time_added\nx,1\n"],
)
def test_not_a_pocket_csv(raw: bytes) -> None:
    with pytest.raises(ImportError_):
        parse_pocket(raw)


def test_hostile_text_in_csv_is_cleaned() -> None:
    csv = (
        "title,url,time_added,tags,status\n"
        "[@click=app.quit]x[/] \x1b]52;c;AA==\x07 \u202eevil,https://e.example.org/,1,"
        "[bold]t[/]|\x9bq,unread\n"
    ).encode()
    (article,) = parse_pocket(csv).articles
    assert article.title == "[@click=app.quit]x[/] ]52;c;AA== evil"
    assert article.tags == ["[bold]t[/]", "q"]
    assert not UNSAFE_CHARS.intersection(article.title + "".join(article.tags))


def test_pocket_ril_export_html() -> None:
    result = parse_pocket_html(data("ril_export.html"))
    articles = by_url(result)
    assert list(articles) == [
        "https://unread.example.org/1",
        "https://unread.example.org/2",
        "https://archive.example.org/1",
        "https://archive.example.org/2",
    ]
    first = articles["https://unread.example.org/1"]
    assert (first.title, first.tags, first.archived) == ("First unread", ["news", "world"], False)
    assert first.added == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    assert articles["https://unread.example.org/2"].title == "https://unread.example.org/2"
    archived = articles["https://archive.example.org/1"]
    assert (archived.archived, archived.tags) == (True, ["old"])
    assert articles["https://archive.example.org/2"].archived is True
    assert articles["https://archive.example.org/2"].added is None
    assert all(a.pending for a in result.articles)
    lines = {e.line: e.message for e in result.errors}
    assert sorted(lines) == [13, 19]
    assert "javascript:" in lines[13] and "soon" in lines[19]


def test_pocket_html_that_is_not_an_export() -> None:
    with pytest.raises(ImportError_):
        parse_pocket_html(b"<html><body><p>hello</p></body></html>")


def test_instapaper_four_columns() -> None:
    result = parse_instapaper(data("instapaper_4col.csv"))
    assert result.errors == []
    one, two, three, four = result.articles
    assert (one.title, one.archived, one.starred, one.tags) == ("Essay One", False, None, [])
    assert two.archived is True
    assert [(n.quote, n.text) for n in two.notes] == [("A sentence I liked.", "")]
    assert three.starred is True and three.archived is None
    assert four.tags == ["Recipes"]  # another folder becomes a tag
    assert all(a.pending and a.source_name == "Instapaper" for a in result.articles)
    assert all(a.added is None for a in result.articles)


def test_instapaper_six_columns() -> None:
    result = parse_instapaper(data("instapaper_6col.csv"))
    a, b, c, d = result.articles
    assert a.tags == ["history", "maps"]
    assert a.added == datetime(2023, 7, 22, 4, 26, 40, tzinfo=UTC)
    assert b.archived is True and b.notes[0].quote == "Quote, with comma"
    assert c.starred is True and c.tags == ["x"]
    assert d.tags == ["Travel/Europe"]
    lines = {e.line: e.message for e in result.errors}
    assert sorted(lines) == [5, 6]
    assert "JSON" in lines[5]
    assert "file:///etc/passwd" in lines[6]


def test_instapaper_wrong_header() -> None:
    with pytest.raises(ImportError_, match="Instapaper"):
        parse_instapaper(b"title,url\nx,https://a.example/\n")
