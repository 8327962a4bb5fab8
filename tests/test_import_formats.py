"""`tuireader import` of saved pages, Markdown, feeds, OPML and every service export.

Each file goes through the real CLI; what reached the library (tags, states,
notes, pending) is read back from the database.  Formats are found from the
content: several fixtures are copied under misleading names first.
"""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tuireader.store.library import Library
from tuireader.store.queries import get_article
from tuireader.store.views import ArticleView

FIXTURES = Path(__file__).parent / "fixtures"
SERVICES = FIXTURES / "services"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "import.db")


def run_import(cli, db: str, *paths: Path):  # type: ignore[no-untyped-def]
    result = cli("--db", db, "--no-sample", "import", *map(str, paths))
    return result


def library_views(db: str) -> Iterator[dict[str, ArticleView]]:
    lib = Library.open(f"sqlite:///{db}")
    try:
        from sqlalchemy import select

        from tuireader.store.models import Article

        with lib.db.session() as s:
            ids = list(s.execute(select(Article.id).order_by(Article.id)).scalars())
        yield {v.url or v.title: v for v in (get_article(lib.db, i) for i in ids)}
    finally:
        lib.close()


def views(db: str) -> dict[str, ArticleView]:
    return next(library_views(db))


def copy_as(src: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(src, target)
    return target


def warnings_of(stderr: str) -> list[str]:
    return [line.split(": ", 2)[2] for line in stderr.splitlines() if line.startswith("warning: ")]


def test_pocket_csv_found_by_content(cli, db: str, tmp_path: Path) -> None:
    path = copy_as(SERVICES / "pocket_part_000000.csv", tmp_path, "saved.txt")
    result = run_import(cli, db, path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["3 imported, 0 updated, 0 failed"]
    found = views(db)
    tomatoes = found["https://garden.example.org/tomatoes"]
    assert tomatoes.tags == ("food", "garden") and not tomatoes.archived and tomatoes.pending
    assert tomatoes.added == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert found["https://news.example.com/a?x=1&y=2"].archived
    bare = found["https://bare.example.net/only-url"]
    assert (
        bare.title == "https://bare.example.net/only-url"
        and bare.pending
        and bare.body_markdown == ""
    )
    # Importing again finds the same articles.
    assert run_import(cli, db, path).stdout.startswith("0 imported, 3 updated, 0 failed")


def test_pocket_malformed_rows_reported_by_line(cli, db: str) -> None:
    path = SERVICES / "pocket_malformed.csv"
    result = run_import(cli, db, path)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "5 imported, 0 updated, 0 failed"
    assert warnings_of(result.stderr) == [
        "line 3: not an http(s) URL: 'not a url'",
        "line 6: bad time_added 'yesterday'; imported without it",
        "line 7: malformed CSV: unexpected end of data",
        "line 9: not an http(s) URL: 'javascript:alert(1)'",
    ]
    assert all(line.startswith(f"warning: {path}: ") for line in result.stderr.splitlines())
    found = views(db)
    assert sorted(v.title for v in found.values()) == [
        "After the bad quote",
        "Bad time",
        "Good one",
        "Last good",
        "Title with a newline",
    ]
    assert found["https://a.example.org/5"].archived and found["https://a.example.org/1"].tags == (
        "x",
        "y",
    )
    as_json = json.loads(cli("--db", db, "--no-sample", "import", str(path), "--json").stdout)
    assert [w["warning"][:6] for w in as_json["warnings"]] == [
        "line 3",
        "line 6",
        "line 7",
        "line 9",
    ]


def test_pocket_ril_export_html_is_not_taken_for_a_page(cli, db: str, tmp_path: Path) -> None:
    path = copy_as(SERVICES / "ril_export.html", tmp_path, "export.html")
    result = run_import(cli, db, path)
    assert result.stdout.splitlines()[0] == "4 imported, 0 updated, 0 failed"
    assert warnings_of(result.stderr) == [
        "line 13: not an http(s) URL: 'javascript:alert(1)'",
        "line 19: bad time_added 'soon'; imported without it",
    ]
    found = views(db)
    assert found["https://unread.example.org/1"].tags == ("news", "world")
    assert not found["https://unread.example.org/1"].archived
    assert found["https://archive.example.org/1"].archived
    assert all(v.pending for v in found.values())


@pytest.mark.parametrize("name", ["instapaper_4col.csv", "instapaper_6col.csv"])
def test_instapaper_folders_tags_and_selection(cli, db: str, name: str) -> None:
    result = run_import(cli, db, SERVICES / name)
    assert result.exit_code == 0, result.stderr
    found = views(db)
    if name == "instapaper_4col.csv":
        one, two = found["https://essays.example.org/one"], found["https://essays.example.org/two"]
        assert not one.archived and not one.starred
        assert two.archived and [n.quote for n in two.notes] == ["A sentence I liked."]
        assert found["https://essays.example.org/three"].starred
        assert found["https://essays.example.org/four"].tags == ("Recipes",)
    else:
        assert found["https://long.example.com/a"].tags == ("history", "maps")
        assert found["https://long.example.com/b"].archived
        assert [n.quote for n in found["https://long.example.com/b"].notes] == ["Quote, with comma"]
        assert found["https://long.example.com/c"].starred
        assert found["https://long.example.com/c"].tags == ("x",)
        assert warnings_of(result.stderr) == [
            "line 5: Tags is not a JSON list; imported without tags",
            "line 6: not an http(s) URL: 'file:///etc/passwd'",
        ]
        assert found["https://long.example.com/d"].tags == ("Travel/Europe",)
    assert all(v.pending for v in found.values())


def test_wallabag_content_tags_states_and_annotations(cli, db: str, tmp_path: Path) -> None:
    path = copy_as(SERVICES / "wallabag.json", tmp_path, "export")  # no extension at all
    result = run_import(cli, db, path)
    assert result.stdout.splitlines()[0] == "3 imported, 0 updated, 0 failed"
    assert warnings_of(result.stderr) == [
        "entry 3: not an http(s) URL: 'ftp://files.example.com/x'",
        "entry 4: entry is not an object",
    ]
    found = views(db)
    tides = found["https://tides.example.org/article"]
    assert tides.archived and not tides.starred and not tides.pending
    assert tides.tags == ("long read", "science")
    assert "**moon** pulls the sea" in tides.body_markdown
    assert [(n.text, n.quote) for n in tides.notes] == [("Check this", "moon pulls the sea")]
    assert tides.author == "Marina Deep, Tom Shore"
    bread = found["https://bread.example.com/"]
    assert bread.starred and bread.pending and bread.tags == ("cooking",)
    hostile = found["https://hostile.example.net/w"]
    assert hostile.title == "[@click=app.quit]Hostile[/] ]52;c;eA=="
    assert "javascript" not in hostile.body_markdown


def _omnivore_zip(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted((SERVICES / "omnivore").rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(SERVICES / "omnivore").as_posix())
    target = tmp_path / "omnivore-export.zip"
    target.write_bytes(buffer.getvalue())
    return target


def test_omnivore_zip_and_metadata(cli, db: str, tmp_path: Path) -> None:
    result = run_import(cli, db, _omnivore_zip(tmp_path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "2 imported, 0 updated, 0 failed"
    assert warnings_of(result.stderr) == [
        "entry 4: metadata_0_to_3.json: not an http(s) URL: 'file:///etc/passwd'"
    ]
    found = views(db)
    keeper = found["https://lighthouse.example.org/keeper"]
    assert keeper.read and not keeper.archived and not keeper.pending
    assert keeper.tags == ("night", "sea") and keeper.author == "Ines Beacon"
    assert keeper.word_count > 10
    archived = found["https://archive.example.com/piece"]
    assert archived.archived and not archived.read and archived.pending
    assert archived.tags == ("later",)
    assert "https://gone.example.net/" not in found  # DELETED entries are left out
    # The metadata file alone: the same articles, found again.
    again = run_import(cli, db, SERVICES / "omnivore" / "metadata_0_to_3.json")
    assert again.stdout.splitlines()[0] == "0 imported, 2 updated, 0 failed"
    assert not views(db)["https://lighthouse.example.org/keeper"].pending


def test_hypothesis_notes_join_the_article_with_the_same_url(cli, db: str, tmp_path: Path) -> None:
    page = tmp_path / "study.md"
    page.write_text(
        "---\ntitle: The study, as saved\nurl: https://paper.example.org/study\n---\n\n"
        "We recruited a sample of twelve people from the town. Then the results were "
        "significant.\n",
        encoding="utf-8",
    )
    assert run_import(cli, db, page).exit_code == 0
    result = run_import(cli, db, SERVICES / "hypothesis.json")
    assert result.stdout.splitlines()[0] == "1 imported, 1 updated, 0 failed"
    assert warnings_of(result.stderr) == [
        "entry 4: annotation on a non-http(s) URI: 'urn:x-pdf:0123456789abcdef'"
    ]
    found = views(db)
    study = found["https://paper.example.org/study"]
    assert study.title == "The study, as saved" and not study.pending  # not renamed
    assert study.tags == ("doubt", "method")
    notes = sorted((n.quote or "", n.text) for n in study.notes)
    assert notes == [
        ("a sample of twelve people", "Is the sample large enough?"),
        ("the results were significant", ""),
    ]
    # Imported highlights are anchored by their quote in the saved article's text.
    for note in study.notes:
        assert note.start is not None and note.end is not None
        assert study.text[note.start : note.end] == note.quote
    post = found["https://blog.example.com/post"]
    assert post.pending and post.title == "A blog post"
    assert [n.text for n in post.notes] == ["A page note without a quote."]
    # A second import does not duplicate the notes.
    run_import(cli, db, SERVICES / "hypothesis.json")
    assert len(views(db)["https://paper.example.org/study"].notes) == 2


def test_saved_html_pages_found_by_content(cli, db: str, tmp_path: Path) -> None:
    wpd = copy_as(FIXTURES / "html" / "wpdiscuz.html", tmp_path, "cassette.dat")
    saved = tmp_path / "saved.htm"
    saved.write_bytes(
        b"<!-- saved from url=(0034)https://saved.example.org/article -->\n"
        + (FIXTURES / "html" / "plain_article.html").read_bytes()
    )
    result = run_import(cli, db, wpd, saved)
    assert result.stdout.splitlines() == ["2 imported, 0 updated, 0 failed"], result.stderr
    found = views(db)
    cassette = next(v for v in found.values() if v.title.startswith("Bringing a 1978"))
    assert len(cassette.comments) == 5
    assert [c.author for c in cassette.comments if c.depth == 0] == ["Alice Moreau", "Carla Díaz"]
    assert "https://saved.example.org/article" in found
    assert found["https://saved.example.org/article"].raw_format == "html"


def test_markdown_front_matter(cli, db: str, tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text(
        "---\n"
        'title: "Knots: a [bold] guide"\n'
        "link: https://knots.example.org/guide  # where it came from\n"
        "authors:\n  - Ada Rope\n  - Bo Line\n"
        "date: 2024-02-03T04:05:06+01:00\n"
        'tags: [sailing, "ropes, cords"]\n'
        "categories:\n  - outdoors\n"
        "site: Knot Society\n"
        "nested:\n  key: ignored\n"
        "---\n\n# Knots: a [bold] guide\n\nThe *bowline* holds.\n\n> Tie it twice.\n",
        encoding="utf-8",
    )
    result = run_import(cli, db, path)
    assert result.exit_code == 0, result.stderr
    view = views(db)["https://knots.example.org/guide"]
    assert view.title == "Knots: a [bold] guide"
    assert view.author == "Ada Rope, Bo Line" and view.site == "Knot Society"
    assert view.published == datetime(2024, 2, 3, 3, 5, 6, tzinfo=UTC)
    assert view.tags == ("outdoors", "ropes, cords", "sailing")
    assert view.body_markdown == "The *bowline* holds.\n\n> Tie it twice."
    assert view.text == "The bowline holds.\n\nTie it twice."


def test_markdown_export_imports_back(cli, db: str, tmp_path: Path) -> None:
    source = tmp_path / "a.md"
    source.write_text(
        "---\ntitle: Round trip\nurl: https://rt.example.org/x\ntags: [one]\n---\n\nBody text.\n",
        encoding="utf-8",
    )
    run_import(cli, db, source)
    out = tmp_path / "md"
    assert cli("--db", db, "--no-sample", "export", "-f", "markdown", "-o", str(out)).exit_code == 0
    other = str(tmp_path / "other.db")
    assert run_import(cli, other, out).stdout.startswith("1 imported")
    back = views(other)["https://rt.example.org/x"]
    assert back.title == "Round trip" and back.tags == ("one",)
    assert back.body_markdown == "Body text."


def test_feed_file_and_opml_file(cli, db: str, tmp_path: Path) -> None:
    feed = copy_as(FIXTURES / "feeds" / "atom10.xml", tmp_path, "feed.txt")
    ill = FIXTURES / "feeds" / "illformed.xml"
    opml = copy_as(FIXTURES / "opml" / "subscriptions.opml", tmp_path, "subs.xml")
    result = run_import(cli, db, feed, ill, opml)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[1] == ("3 feeds followed, 0 already followed (`tuireader sync` fetches them)")
    warnings = warnings_of(result.stderr)
    assert any(w.startswith("ill-formed feed, imported as far as it goes") for w in warnings)
    assert "Script: not an http(s) feed URL: javascript:alert(1)" in warnings
    feeds = json.loads(cli("--db", db, "--no-sample", "feed", "list", "--json").stdout)
    assert len(feeds) == 3


@pytest.mark.parametrize(
    ("content", "message", "warnings"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "a binary file, not text or a known format", []),
        (
            b"url,title,status\nnot-a-url,x,unread\n",
            "no articles found",
            ["line 2: not an http(s) URL: 'not-a-url'"],
        ),
        (
            b'<?xml version="1.0"?><opml version="2.0"><body>'
            b'<outline text="x" xmlUrl="file:///etc/passwd"/></body></opml>',
            "no feeds found",
            ["x: not an http(s) feed URL: file:///etc/passwd"],
        ),
    ],
)
def test_files_that_give_nothing_fail_on_one_line(
    cli, db: str, tmp_path: Path, content: bytes, message: str, warnings: list[str]
) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run_import(cli, db, path)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == f"error: {path}: {message}"
    assert warnings_of(result.stderr) == warnings
    assert views(db) == {}
