"""Wallabag, Omnivore (JSON and zip) and Hypothesis exports; bad JSON; detection."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuireader.importers.model import ImportError_
from tuireader.importers.services import _json, detect_service, omnivore, parse_export
from tuireader.importers.services.hypothesis import parse_hypothesis
from tuireader.importers.services.omnivore import parse_omnivore
from tuireader.importers.services.wallabag import parse_wallabag
from tuireader.text import UNSAFE_CHARS

FIXTURES = Path(__file__).parent / "fixtures" / "services"


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def omnivore_zip() -> bytes:
    root = FIXTURES / "omnivore"
    return zip_of({p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.*")})


def test_wallabag() -> None:
    result = parse_wallabag(data("wallabag.json"))
    tides, bread, hostile = result.articles
    assert tides.title == "On the tides"
    assert tides.url == "https://tides.example.org/article"
    assert tides.body_markdown == "The **moon** pulls the sea.\n\nTwice a day."
    assert tides.text == "The moon pulls the sea.\n\nTwice a day."
    assert tides.raw is not None and b"<strong>moon</strong>" in tides.raw
    assert tides.tags == ["science", "long read"]
    assert (tides.archived, tides.starred, tides.pending) == (True, False, False)
    assert tides.added == datetime(2023, 6, 1, 8, 0, tzinfo=UTC)
    assert tides.published == datetime(2023, 5, 30, tzinfo=UTC)
    assert tides.author == "Marina Deep, Tom Shore"
    assert tides.site == "tides.example.org"
    assert tides.language == "en"
    (note,) = tides.notes
    assert (note.text, note.quote) == ("Check this", "moon pulls the sea")
    assert note.created == datetime(2023, 6, 1, 9, 0, tzinfo=UTC)
    # Tags given as objects with a label; no content means pending.
    assert bread.tags == ["cooking"]
    assert (bread.starred, bread.archived, bread.pending) == (True, False, True)
    assert bread.body_markdown == ""
    # Hostile title cleaned, javascript: link gone, bad date ignored.
    assert hostile.title == "[@click=app.quit]Hostile[/] ]52;c;eA=="
    assert not UNSAFE_CHARS.intersection(hostile.title)
    assert "javascript" not in hostile.body_markdown and "js" in hostile.body_markdown
    assert hostile.added is None and hostile.archived is True
    lines = {e.line: e.message for e in result.errors}
    assert sorted(lines) == [3, 4]
    assert "ftp://files.example.com/x" in lines[3]
    assert "not an object" in lines[4]


def test_wallabag_api_shape() -> None:
    entry = {"url": "https://w.example/1", "title": "T", "content": "<p>x</p>", "is_starred": "1"}
    wrapped = json.dumps({"_embedded": {"items": [entry]}}).encode()
    (article,) = parse_wallabag(wrapped).articles
    assert article.starred is True


def test_omnivore_metadata_json() -> None:
    result = parse_omnivore(data("omnivore/metadata_0_to_3.json"))
    keeper, archived = result.articles  # the DELETED entry is left out
    assert keeper.title == "The Lighthouse Keeper"
    assert keeper.author == "Ines Beacon"
    assert keeper.tags == ["sea", "night"]
    assert (keeper.archived, keeper.read) == (False, True)
    assert keeper.added == datetime(2024, 1, 10, 20, 0, tzinfo=UTC)
    assert keeper.published == datetime(2024, 1, 9, tzinfo=UTC)
    assert keeper.pending is True  # no content without the zip
    assert archived.tags == ["later"]  # label objects with a name
    assert (archived.archived, archived.read) == (True, None)
    assert [(e.line, "file:///etc/passwd" in e.message) for e in result.errors] == [(4, True)]


def test_omnivore_zip_with_content() -> None:
    raw = omnivore_zip()
    assert detect_service(raw, "omnivore-export.zip") == "omnivore"
    result = parse_export(raw)
    keeper, archived = result.articles
    assert keeper.pending is False
    assert "The lamp must turn *all night*, every night." in keeper.body_markdown
    assert "[more](https://lighthouse.example.org/more)" in keeper.body_markdown
    assert keeper.raw_format == "html"
    assert archived.pending is True


@pytest.mark.parametrize(
    "name", ["../evil.json", "/etc/metadata_1.json", "a/../../metadata_x.json", "c:\\x.json"]
)
def test_omnivore_zip_path_traversal_refused(name: str) -> None:
    raw = zip_of({"metadata_0_to_1.json": b"[]", name: b"[]"})
    with pytest.raises(ImportError_, match="unsafe member name"):
        parse_omnivore(raw)


def test_omnivore_zip_bomb_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(omnivore, "MAX_MEMBER_BYTES", 1_000_000)
    bomb = b"[" + b" " * 5_000_000 + b"]"
    raw = zip_of({"metadata_0_to_1.json": bomb})
    assert len(raw) < 50_000
    with pytest.raises(ImportError_, match="too large"):
        parse_omnivore(raw)


def test_omnivore_zip_too_many_members(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(omnivore, "MAX_MEMBERS", 10)
    raw = zip_of({f"content/{i}.html": b"x" for i in range(11)})
    with pytest.raises(ImportError_, match="members"):
        parse_omnivore(raw)


def test_omnivore_zip_without_metadata() -> None:
    with pytest.raises(ImportError_, match="metadata"):
        parse_omnivore(zip_of({"readme.txt": b"hello"}))
    with pytest.raises(ImportError_, match="zip"):
        parse_omnivore(b"PK\x03\x04 truncated")


def test_hypothesis() -> None:
    result = parse_hypothesis(data("hypothesis.json"))
    study, post = result.articles
    assert study.url == "https://paper.example.org/study"
    assert study.title == "A Small Study"
    assert study.pending is True and study.body_markdown == ""
    assert study.tags == ["method", "doubt"]
    first, second = study.notes
    assert first.text == "Is the sample large enough?"
    assert first.quote == "a sample of twelve people"
    assert (first.prefix, first.suffix) == ("We recruited ", " from the town.")
    assert (first.start, first.end) == (120, 146)
    assert first.created == datetime(2024, 4, 1, 10, 0, tzinfo=UTC)
    assert (second.text, second.quote, second.start) == ("", "the results were significant", None)
    (page_note,) = post.notes
    assert (page_note.text, page_note.quote) == ("A page note without a quote.", None)
    assert [(e.line, "urn:x-pdf" in e.message) for e in result.errors] == [(4, True)]


def test_hypothesis_wrapped_export() -> None:
    annotations = json.loads(data("hypothesis.json"))
    wrapped = json.dumps({"export_date": "2024-05-01", "annotations": annotations}).encode()
    assert detect_service(wrapped, None) == "hypothesis"
    assert len(parse_export(wrapped).articles) == 2


@pytest.mark.parametrize("parse", [parse_wallabag, parse_omnivore, parse_hypothesis])
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"{not json", "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"a": 1}', "not a list"),
        (b"[1" + b"0" * 5000 + b"]", "not valid JSON"),
        (b"", "empty"),
    ],
)
def test_bad_json(parse, raw: bytes, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        parse(raw)


def test_huge_json_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json, "MAX_JSON_BYTES", 1000)
    with pytest.raises(ImportError_, match="too large"):
        parse_wallabag(b"[" + b'{"url": "https://a.example/"},' * 100 + b"{}]")


def test_wrongly_typed_values_are_tolerated() -> None:
    entries = [
        {
            "url": "https://a.example/1",
            "title": 5,
            "tags": "notalist",
            "annotations": [1, {"quote": 2}],
        },
        {"url": ["https://a.example/2"]},
        {"url": "https://a.example/3", "is_archived": {"x": 1}, "published_by": 7, "content": None},
    ]
    result = parse_wallabag(json.dumps(entries).encode())
    assert [a.url for a in result.articles] == ["https://a.example/1", "https://a.example/3"]
    assert result.articles[0].title == "5" and result.articles[0].tags == []
    assert result.articles[1].archived is None
    assert [e.line for e in result.errors] == [2]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("pocket_part_000000.csv", "pocket"),
        ("pocket_malformed.csv", "pocket"),
        ("ril_export.html", "pocket_html"),
        ("instapaper_4col.csv", "instapaper"),
        ("instapaper_6col.csv", "instapaper"),
        ("wallabag.json", "wallabag"),
        ("omnivore/metadata_0_to_3.json", "omnivore"),
        ("hypothesis.json", "hypothesis"),
    ],
)
def test_detect_by_content_not_name(name: str, expected: str) -> None:
    raw = data(name)
    assert detect_service(raw, None) == expected
    assert detect_service(raw, "misleading-name.txt") == expected
    assert parse_export(raw).service == expected


@pytest.mark.parametrize(
    "raw",
    [b"", b"hello", b"<html><p>page</p></html>", b"[1, 2, 3]", b"a,b\n1,2\n", zip_of({"x": b"y"})],
)
def test_unknown_exports(raw: bytes) -> None:
    assert detect_service(raw, None) is None
    with pytest.raises(ImportError_, match="not an export"):
        parse_export(raw)
