"""The list's first page read with plain sqlite3 is the store's first page, or nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.store.library import Library
from tuireader.store.queries import ListQuery, count_articles, list_page
from tuireader.store.quicklist import first_page, sqlite_file


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    """A library made by alice: 30 articles, some with the same date, flags and notes."""
    monkeypatch.setenv("TUIREADER_USER", "alice")
    lib = Library.open(f"sqlite:///{tmp_path / 'q.db'}")
    base = datetime(2025, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
    lib.save_many(
        ParsedArticle(
            title=f"Story {n:02d}",
            url=f"https://example.org/{n}",
            text=f"Body {n} about okapis.",
            site=f"site{n % 3}",
            published=base + timedelta(days=n // 2),
            comments=[ParsedComment("c1", "Cy", f"comment {n}")] * (n % 2),
        )
        for n in range(30)
    )
    ids = [r.id for r in list_page(lib.db, ListQuery(), limit=100)]
    lib.set_flag(ids[0], "read", True)
    lib.set_flag(ids[1], "starred", True)
    lib.set_flag(ids[2], "archived", True)
    lib.set_flag(ids[3], "read", True, user="bob")
    lib.add_note(ids[0], "alice's own", user="alice")
    lib.add_note(ids[0], "bob's own", user="bob")
    lib.add_note(ids[1], "bob shares", user="bob", shared=True)
    yield lib
    lib.close()


@pytest.mark.parametrize("limit", [1, 7, 100])
def test_same_rows_as_the_store(lib: Library, limit: int) -> None:
    page = first_page(lib.db.url, limit=limit)
    assert page is not None
    assert page.total == count_articles(lib.db, ListQuery()) == 30
    assert page.rows == list_page(lib.db, ListQuery(), limit=limit)
    counts = [r.note_count for r in list_page(lib.db, ListQuery(), limit=2)]
    assert counts == [1, 1]  # alice's note; bob's shared one (bob's own is not hers)


def test_another_user_waits_for_the_store(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TUIREADER_USER", "bob")
    assert first_page(lib.db.url) is None


def test_older_or_foreign_libraries_give_nothing(lib: Library, tmp_path: Path) -> None:
    path = sqlite_file(lib.db.url)
    assert path is not None
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = '0004_owners'")
    assert first_page(lib.db.url) is None
    assert first_page(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert first_page("sqlite://") is None
    assert first_page("postgresql://u@localhost/x") is None
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    assert first_page(f"sqlite:///{tmp_path / 'junk.db'}") is None
    assert not (tmp_path / "missing.db").exists()


def test_reads_without_writing(lib: Library) -> None:
    lib.close()
    path = sqlite_file(lib.db.url)
    assert path is not None
    path.chmod(0o444)
    try:
        page = first_page(lib.db.url)
        assert page is not None and page.total == 30
    finally:
        path.chmod(0o644)


def test_read_in_background(lib: Library) -> None:
    from tuireader.store.quicklist import read_in_background

    assert read_in_background(lib.db.url).result(timeout=30) == first_page(lib.db.url)
    assert read_in_background("sqlite://").result(timeout=30) is None
