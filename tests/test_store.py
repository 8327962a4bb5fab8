"""The store on both engines (a SQLite file, a PostgreSQL database), through the public API."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote
from tuireader.store.db import Database, StoreError, resolve_db_url
from tuireader.store.library import Library
from tuireader.store.queries import (
    ListQuery,
    count_articles,
    cursor_of,
    get_article,
    library_counts,
    list_at_offset,
    list_page,
    list_sites,
    list_tags,
)


@pytest.fixture
def library(any_library: Library) -> Library:
    """Every test here that takes ``library`` runs on SQLite and on PostgreSQL."""
    return any_library


def _article(n: int, **kw: object) -> ParsedArticle:
    base = datetime(2025, 1, 1, tzinfo=UTC)
    fields: dict[str, object] = {
        "title": f"Article {n:03d}",
        "url": f"https://example.org/a/{n}",
        "text": f"Body number {n}.",
        "body_markdown": f"Body number {n}.",
        "site": ["Alpha", "Beta", "Gamma"][n % 3],
        "published": base + timedelta(hours=n),
    }
    fields.update(kw)
    return ParsedArticle(**fields)  # type: ignore[arg-type]


def test_round_trip_article_comments_notes_tags(library: Library) -> None:
    parsed = _article(
        1,
        author="Ann",
        language="en",
        tags=["news", "long read"],
        raw=b"<raw input>",
        raw_format="textdump",
        comments=[
            ParsedComment(key="c1", author="Bob", text="Top"),
            ParsedComment(key="c2", parent_key="c1", author="Cy", text="Reply"),
            ParsedComment(
                key="c3",
                parent_key="c2",
                author="Di",
                text="Deeper",
                posted=datetime(2025, 2, 1, 12, tzinfo=UTC),
            ),
        ],
        notes=[ParsedNote(text="imported note", quote="number")],
    )
    article_id, created = library.save_article(parsed)
    assert created
    view = get_article(library.db, article_id)
    assert view.title == "Article 001" and view.author == "Ann" and view.site == "Beta"
    assert view.published == datetime(2025, 1, 1, 1, tzinfo=UTC)
    assert view.published.tzinfo is not None and view.added.tzinfo is not None
    assert view.tags == ("long read", "news")
    assert [(c.author, c.depth) for c in view.comments] == [("Bob", 0), ("Cy", 1), ("Di", 2)]
    assert view.comments[1].parent_id == view.comments[0].id
    assert view.comments[2].posted == datetime(2025, 2, 1, 12, tzinfo=UTC)
    assert [n.text for n in view.notes] == ["imported note"]
    assert view.word_count == 3
    from tuireader.store.queries import get_raw

    assert get_raw(library.db, article_id) == (b"<raw input>", "textdump")


def test_reimport_updates_in_place_and_keeps_notes(library: Library) -> None:
    article_id, _ = library.save_article(_article(1, comments=[ParsedComment("c1", "Bob", "hi")]))
    note_id = library.add_note(article_id, "keep me")
    comment_id = get_article(library.db, article_id).comments[0].id
    library.add_note(article_id, "on the comment", comment_id=comment_id)
    library.set_flag(article_id, "starred", True)
    again, created = library.save_article(
        _article(1, text="Changed body.", comments=[ParsedComment("c1", "Bob", "hi, edited")])
    )
    assert again == article_id and not created
    view = get_article(library.db, article_id)
    assert view.text == "Changed body."
    assert view.starred
    assert {n.id for n in view.notes} >= {note_id}
    assert len(view.notes) == 2
    assert view.notes[1].comment_id == comment_id
    assert view.comments[0].text == "hi, edited"
    assert count_articles(library.db, ListQuery()) == 1


def test_orphans_and_cycles_become_top_level(library: Library) -> None:
    comments = [
        ParsedComment("a", "A", "x", parent_key="b"),  # parent comes later: cycle/forward ref
        ParsedComment("b", "B", "y", parent_key="a"),
        ParsedComment("c", "C", "z", parent_key="missing"),
    ]
    article_id, _ = library.save_article(_article(1, comments=comments))
    view = get_article(library.db, article_id)
    by_key = {c.key: c for c in view.comments}
    assert by_key["a"].parent_id is None and by_key["c"].parent_id is None
    assert by_key["b"].parent_id == by_key["a"].id


def test_flags_tags_counts(library: Library) -> None:
    ids = [library.save_article(_article(n))[0] for n in range(6)]
    library.set_flag(ids[0], "read", True)
    library.set_flag(ids[1], "starred", True)
    library.set_flag(ids[2], "archived", True)
    library.set_tags(ids[3], ["x", "y"])
    library.add_tags(ids[3], ["z"])
    library.add_note(ids[4], "n")
    counts = library_counts(library.db)
    assert (counts.total, counts.unread, counts.starred, counts.archived, counts.notes) == (
        6,
        5,
        1,
        1,
        1,
    )
    assert count_articles(library.db, ListQuery(view="unread")) == 5
    assert count_articles(library.db, ListQuery(view="inbox")) == 5
    assert count_articles(library.db, ListQuery(tag="y")) == 1
    assert count_articles(library.db, ListQuery(site="Beta")) == 2
    assert list_tags(library.db) == [("x", 1), ("y", 1), ("z", 1)]
    assert list_sites(library.db) == [("Alpha", 2), ("Beta", 2), ("Gamma", 2)]
    with pytest.raises(StoreError):
        library.set_flag(9999, "read", True)
    with pytest.raises(ValueError):
        library.set_flag(ids[0], "bogus", True)


@pytest.mark.parametrize("sort", ["date", "title", "site"])
def test_keyset_paging_visits_every_row_once_in_order(library: Library, sort: str) -> None:
    library.save_many(_article(n) for n in range(57))
    query = ListQuery(sort=sort)  # type: ignore[arg-type]
    seen = []
    after = None
    while True:
        page = list_page(library.db, query, after=after, limit=10)
        if not page:
            break
        seen.extend(page)
        after = cursor_of(query, page[-1])
    assert len(seen) == 57 and len({r.id for r in seen}) == 57
    assert seen == list_at_offset(library.db, query, 0, 100)
    # Backwards from the end gives the page before, in display order.
    before = list_page(library.db, query, after=cursor_of(query, seen[20]), limit=5, backwards=True)
    assert before == seen[15:20]
    if sort == "date":
        assert [r.sort_date for r in seen] == sorted((r.sort_date for r in seen), reverse=True)


def test_mark_opened_and_reading_position(library: Library) -> None:
    article_id, _ = library.save_article(_article(1))
    assert library.mark_opened(article_id) is None
    second = library.mark_opened(article_id)
    assert second is not None and second.tzinfo is not None
    library.set_reading_position(article_id, 42)
    view = get_article(library.db, article_id)
    assert view.read and view.reading_position == 42


def test_delete_note_and_article(library: Library) -> None:
    article_id, _ = library.save_article(_article(1, comments=[ParsedComment("c", "A", "x")]))
    note_id = library.add_note(article_id, "bye")
    library.delete_note(note_id)
    assert get_article(library.db, article_id).notes == ()
    library.delete_article(article_id)
    with pytest.raises(StoreError):
        get_article(library.db, article_id)


def test_sqlite_pragmas(db_url: str) -> None:
    from sqlalchemy import text

    library = Library.open(db_url)
    with library.db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    library.close()


def test_resolve_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_db_url(tmp_path / "x.db") == f"sqlite:///{tmp_path / 'x.db'}"
    assert resolve_db_url("postgresql://u@h/db") == "postgresql://u@h/db"
    monkeypatch.setenv("TUIREADER_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None).endswith("env.db")
    monkeypatch.delenv("TUIREADER_DB")
    monkeypatch.setenv("TUIREADER_DATA_DIR", str(tmp_path / "data"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'data' / 'library.db'}"


def test_engine_is_lazy_and_made_once(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'lazy.db'}")
    assert db._engine is None
    assert not (tmp_path / "lazy.db").exists()
    assert db.engine is db.engine


def test_bad_locations_are_clear(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="does not exist"):
        Library.open(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")
    not_db = tmp_path / "notes.txt"
    not_db.write_text("hello, I am not a database\n" * 10)
    with pytest.raises(StoreError, match="not a tuireader library"):
        Library.open(f"sqlite:///{not_db}")
    assert not_db.read_text().startswith("hello")
    foreign = tmp_path / "foreign.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE stuff (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="not a tuireader library"):
        Library.open(f"sqlite:///{foreign}")


def test_store_and_importers_never_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tuireader.store.library, tuireader.store.queries, tuireader.store.search,"
        " tuireader.importing, tuireader.export.backup, tuireader.export.markdown,"
        " tuireader.importers.bundle, tuireader.importers.files;"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    root = Path(__file__).resolve().parents[1] / "src" / "tuireader"
    for pkg in ("store", "importers", "export"):
        for path in (root / pkg).rglob("*.py"):
            source = path.read_text()
            assert "import textual" not in source and "from textual" not in source, path
