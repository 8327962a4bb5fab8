"""The bulk import path gives the same library as saving articles one by one."""

from __future__ import annotations

import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment, ParsedNote
from tuireader.store.bulk import BulkCounts, bulk_import
from tuireader.store.db import StoreError
from tuireader.store.library import MAX_COMMENT_DEPTH, Library
from tuireader.store.search import search

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _articles() -> list[ParsedArticle]:
    """Articles that exercise every rule of Library.save_article."""
    deep = [ParsedComment(key="d0", author="a", text="root")]
    deep += [
        ParsedComment(key=f"d{i}", parent_key=f"d{i - 1}", author="a", text=f"reply {i}")
        for i in range(1, MAX_COMMENT_DEPTH + 20)
    ]
    return [
        ParsedArticle(
            title="  First \x1b[2J article\u202e  ",
            body_markdown="Body with *markup* [@click=app.quit]x[/] and\r\nCRLF\x00.",
            url="HTTPS://Example.COM/a#frag",
            site="Example",
            author="Ann",
            published=T0,
            tags=["news", " news ", "[bold]x", "", "news"],
            comments=[
                ParsedComment(key="1", author="bob\x9b", text="top level\r\n"),
                ParsedComment(key="2", parent_key="1", author="", text="reply"),
                ParsedComment(key="3", parent_key="missing", author="cy", text="orphan"),
                ParsedComment(key="4", parent_key="5", author="cy", text="parent comes later"),
                ParsedComment(key="5", parent_key="4", author="cy", text="cycle"),
                ParsedComment(key="", author="dee", text="no key"),
            ],
            notes=[
                ParsedNote(text="a note", quote="markup"),
                ParsedNote(text="a note", quote="markup"),
                ParsedNote(text="  ", quote=None),
                ParsedNote(text="on a comment", comment_key="2", created=T0),
            ],
            read=True,
            starred=None,
        ),
        ParsedArticle(title="No URL", text="plain text only", site="Other site"),
        ParsedArticle(title="", body_markdown="untitled body", site="Example"),
        ParsedArticle(title="Deep thread", text="deep", comments=deep, archived=True),
        ParsedArticle(title="Pending", url="https://example.com/p", pending=True),
        # The same article as the first (same canonical URL): merged, never doubled.
        ParsedArticle(
            title="First article, updated",
            body_markdown="new body",
            url="https://example.com/a",
            comments=[
                ParsedComment(key="1", author="bob", text="edited"),
                ParsedComment(key="9", author="eve", text="new comment"),
            ],
            tags=["later"],
            notes=[ParsedNote(text="another note")],
        ),
        ParsedArticle(
            title="No URL",
            text="same title and site: the same article",
            site="Other site",
            published=T0 - timedelta(days=3),
        ),
    ]


def _shape(value: object) -> str:
    """A stored value with its digits blanked: ``9999-99-99 99:99:99.999999`` for a time."""
    return re.sub(r"\d", "9", str(value))


def _dump(path: Path) -> dict[str, Any]:
    """The library's content, without ids and write times, keyed by dedup key."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    out: dict[str, Any] = {}
    skip = {"id", "source_id", "updated", "added"}
    for a in con.execute("SELECT * FROM article ORDER BY id"):
        row = {k: a[k] for k in a.keys() if k not in skip}  # noqa: SIM118 (a Row)
        if a["published"] is None:
            del row["sort_date"]  # the time of the import
        # Write times differ, but they must be stored in the same form.
        row["#time_shapes"] = [_shape(a[k]) for k in ("added", "updated", "sort_date")]
        keys = {
            c["id"]: c["key"]
            for c in con.execute("SELECT id, key FROM comment WHERE article_id = ?", (a["id"],))
        }
        row["comments"] = [
            (
                c["key"],
                keys.get(c["parent_id"]),
                c["author"],
                c["text"],
                c["position"],
                c["depth"],
                c["flat"],
                c["posted"],
            )
            for c in con.execute(
                "SELECT * FROM comment WHERE article_id = ? ORDER BY position", (a["id"],)
            )
        ]
        row["notes"] = sorted(
            (
                n["text"],
                n["quote"],
                keys.get(n["comment_id"]),
                n["start"],
                n["end"],
                n["owner"],
                n["shared"],
                _shape(n["created"]),
                _shape(n["updated"]),
            )
            for n in con.execute("SELECT * FROM note WHERE article_id = ?", (a["id"],))
        )
        row["tags"] = sorted(
            r[0]
            for r in con.execute(
                "SELECT t.name FROM tag t JOIN article_tag x ON x.tag_id = t.id"
                " WHERE x.article_id = ?",
                (a["id"],),
            )
        )
        row["source"] = con.execute(
            "SELECT name, url FROM source WHERE id = ?", (a["source_id"],)
        ).fetchone()
        row["source"] = tuple(row["source"]) if row["source"] else None
        out[a["dedup_key"]] = row
    out["#sources"] = sorted(r[0] for r in con.execute("SELECT name FROM source"))
    out["#tags"] = sorted(r[0] for r in con.execute("SELECT name FROM tag"))
    con.close()
    return out


def _one_by_one(lib: Library, articles: list[ParsedArticle]) -> None:
    for parsed in articles:
        lib.save_article(parsed)


def _fts_ok(path: Path) -> None:
    con = sqlite3.connect(path)
    for table in ("article_fts", "comment_fts", "note_fts"):
        con.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


@pytest.mark.parametrize("batch", [1, 3, 1000])
def test_same_library_as_save_article(tmp_path: Path, batch: int) -> None:
    slow = Library.open(f"sqlite:///{tmp_path / 'slow.db'}")
    _one_by_one(slow, _articles())
    fast = Library.open(f"sqlite:///{tmp_path / 'fast.db'}")
    counts = bulk_import(fast, _articles(), batch=batch, keep_ids=True)
    assert counts.articles == 5 and counts.updated == 2 and counts.skipped == 0
    assert counts.failed == []
    assert len(counts.ids) == 7 and counts.ids[0] == counts.ids[5]
    assert _dump(tmp_path / "slow.db") == _dump(tmp_path / "fast.db")
    _fts_ok(tmp_path / "fast.db")
    for query in ("markup", "reply", "cycle", "note", "edited", "untitled"):
        assert [h.article_id for h in search(slow.db, query)] == [
            h.article_id for h in search(fast.db, query)
        ], query


def test_thread_parents_and_depths(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    bulk_import(lib, _articles()[:4])
    con = sqlite3.connect(tmp_path / "l.db")
    rows = {
        k: (p, d)
        for k, p, d in con.execute(
            "SELECT c.key, p.key, c.depth FROM comment c LEFT JOIN comment p ON p.id = c.parent_id"
            " JOIN article a ON a.id = c.article_id WHERE a.title LIKE 'First%'"
        )
    }
    assert rows["1"] == (None, 0)
    assert rows["2"] == ("1", 1)
    assert rows["3"] == (None, 0)  # orphan: top level
    assert rows["4"] == (None, 0)  # its parent comes later: top level, no cycle
    assert rows["5"] == ("4", 1)
    assert rows["c6"] == (None, 0)
    depths = [
        d
        for (d,) in con.execute(
            "SELECT c.depth FROM comment c JOIN article a ON a.id = c.article_id"
            " WHERE a.title = 'Deep thread' ORDER BY c.position"
        )
    ]
    assert max(depths) == MAX_COMMENT_DEPTH
    counts = con.execute(
        "SELECT count(*) FROM article a WHERE a.comment_count !="
        " (SELECT count(*) FROM comment c WHERE c.article_id = a.id)"
        " OR a.note_count != (SELECT count(*) FROM note n WHERE n.article_id = a.id)"
    ).fetchone()[0]
    assert counts == 0


def test_skip_existing(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    first = _articles()[0]
    lib.save_article(first)
    counts = bulk_import(lib, _articles(), on_existing="skip")
    assert counts.skipped == 3 and counts.updated == 0 and counts.articles == 4
    con = sqlite3.connect(tmp_path / "l.db")
    title = con.execute(
        "SELECT title FROM article WHERE dedup_key = 'url:https://example.com/a'"
    ).fetchone()[0]
    assert title == "First [2J article"


def test_notes_survive_a_reimport(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    counts = bulk_import(lib, _articles()[:1], keep_ids=True)
    note = lib.add_note(counts.ids[0], "my own note")
    again = bulk_import(lib, _articles()[:1])
    assert again.updated == 1 and again.articles == 0
    con = sqlite3.connect(tmp_path / "l.db")
    assert con.execute("SELECT text FROM note WHERE id = ?", (note,)).fetchone()[0] == (
        "my own note"
    )


def test_progress_and_batches(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    seen: list[int] = []
    articles = [ParsedArticle(title=f"t{i}", url=f"https://x.example/{i}") for i in range(25)]
    counts = bulk_import(lib, articles, batch=10, progress=seen.append)
    assert seen == [10, 20, 25]
    assert counts.batches == 3 and counts.articles == 25
    assert isinstance(counts, BulkCounts)


def test_error_in_input_keeps_committed_batches(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")

    def articles():  # type: ignore[no-untyped-def]
        for i in range(7):
            yield ParsedArticle(title=f"t{i}", url=f"https://x.example/{i}")
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        bulk_import(lib, articles(), batch=5)
    con = sqlite3.connect(tmp_path / "l.db")
    assert con.execute("SELECT count(*) FROM article").fetchone()[0] == 5


def test_existing_ids_continue(tmp_path: Path) -> None:
    """Ids continue after rows written by the ORM path, and the ORM continues after bulk."""
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    lib.save_article(
        ParsedArticle(
            title="orm",
            url="https://x.example/orm",
            comments=[ParsedComment(key="1", author="a", text="x")],
        )
    )
    counts = bulk_import(lib, _articles()[:2], keep_ids=True)
    assert counts.ids == [2, 3]
    article_id, created = lib.save_article(ParsedArticle(title="after", text="x"))
    assert created and article_id == 4
    _fts_ok(tmp_path / "l.db")


def test_read_only_library_is_a_store_error(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions (covered by tests/faults)")
    path = tmp_path / "l.db"
    Library.open(f"sqlite:///{path}").close()
    path.chmod(0o444)
    lib = Library(Library.open(f"sqlite:///{path}").db)
    with pytest.raises(StoreError):
        bulk_import(lib, _articles()[:1])


def test_repeated_comment_key_keeps_the_first(tmp_path: Path) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    article = ParsedArticle(
        title="dups",
        text="x",
        comments=[
            ParsedComment(key="1", author="a", text="first"),
            ParsedComment(key="1", author="b", text="second"),
            ParsedComment(key="2", parent_key="1", author="c", text="reply"),
        ],
    )
    counts = bulk_import(lib, [article])
    assert counts.duplicate_comments == 1 and counts.comments == 2
    con = sqlite3.connect(tmp_path / "l.db")
    rows = con.execute(
        "SELECT c.key, c.text, p.text FROM comment c LEFT JOIN comment p ON p.id = c.parent_id"
        " ORDER BY c.position"
    ).fetchall()
    assert rows == [("1", "first", None), ("2", "reply", "first")]
    assert con.execute("SELECT comment_count FROM article").fetchone()[0] == 2
