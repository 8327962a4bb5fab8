"""A full backup (``export --format json``) restored by ``import`` into an empty library."""

from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import pytest
from notes_support import FERRY_TEXT, build_library, ferry, run_cli

from tuireader.importers.bundle import parse_bundle_document
from tuireader.importers.model import ImportError_

PASSAGE = "The monks moved the books upstairs, one shelf at a time."


def rows(con: sqlite3.Connection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def snapshot(path: Path) -> dict[str, list[tuple]]:
    """Every stored fact of a library, with ids replaced by natural keys.

    Left out: row ids, and ``article.updated`` (the time the store last wrote
    the row, which a restore sets to the time of the restore).
    """
    con = sqlite3.connect(path)
    con.create_function("unz", 1, lambda b: None if b is None else zlib.decompress(b))
    skip = {"id", "source_id", "article_id", "parent_id", "comment_id", "tag_id", "updated"}

    def cols(table: str, prefix: str, keep_updated: bool = False) -> str:
        names = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        chosen = [n for n in names if n not in skip or (keep_updated and n == "updated")]
        return ", ".join(f"unz({prefix}.raw)" if n == "raw" else f"{prefix}.{n}" for n in chosen)

    try:
        return {
            "source": rows(con, f"SELECT {cols('source', 's')} FROM source s"),
            "article": rows(
                con,
                f"SELECT {cols('article', 'a')}, s.name, s.feed_url FROM article a "
                "LEFT JOIN source s ON s.id = a.source_id",
            ),
            "comment": rows(
                con,
                f"SELECT a.dedup_key, {cols('comment', 'c')}, p.key FROM comment c "
                "JOIN article a ON a.id = c.article_id LEFT JOIN comment p ON p.id = c.parent_id",
            ),
            "tag": rows(con, "SELECT name FROM tag"),
            "article_tag": rows(
                con,
                "SELECT a.dedup_key, t.name FROM article_tag x JOIN article a "
                "ON a.id = x.article_id JOIN tag t ON t.id = x.tag_id",
            ),
            "note": rows(
                con,
                f"SELECT a.dedup_key, {cols('note', 'n', keep_updated=True)}, c.key FROM note n "
                "JOIN article a ON a.id = n.article_id LEFT JOIN comment c ON c.id = n.comment_id",
            ),
        }
    finally:
        con.close()


def _columns_that_differ(lost: list[tuple], added: list[tuple]) -> list[tuple]:
    return [
        (i, a, b)
        for x, y in zip(lost, added, strict=False)
        for i, (a, b) in enumerate(zip(x, y, strict=False))
        if a != b
    ]


@pytest.fixture
def used_library(tmp_path):
    """The fixed library after some use: read, highlighted, annotated, re-imported."""
    lib = build_library(tmp_path / "old.db")
    lib.mark_opened(3)
    start = FERRY_TEXT.index("two goats")
    lib.add_highlight(1, start, start + len("two goats"), "")
    lib.add_note(1, "Trailing spaces and newline kept.  \n", comment_id=2)
    note = lib.add_note(3, "first draft")
    lib.update_note(note, "second draft")
    changed = "A new first line.\n\n" + FERRY_TEXT.replace(" " + PASSAGE, "")
    lib.save_article(ferry(notes=[], text=changed, body_markdown=changed))  # orphans one
    lib.set_reading_position(1, 4321)
    lib.close()
    return tmp_path / "old.db"


def test_backup_restores_everything_into_an_empty_library(used_library, tmp_path):
    backup = tmp_path / "backup.json"
    result = run_cli("--db", str(used_library), "export", "--format", "json", "--out", str(backup))
    assert result.exit_code == 0, result.output
    restored = tmp_path / "new.db"
    result = run_cli("--db", str(restored), "import", str(backup))
    assert result.exit_code == 0, result.output
    assert "4 imported" in result.output
    before, after = snapshot(used_library), snapshot(restored)
    for table in before:
        lost = [r for r in before[table] if r not in after[table]]
        added = [r for r in after[table] if r not in before[table]]
        assert (lost, added) == ([], []), (table, _columns_that_differ(lost, added))
    # The comparison covers what matters (it cannot pass on empty tables).
    assert len(before["note"]) == 12 and len(before["comment"]) == 2
    assert any(r[0] == "unused tag" for r in before["tag"])
    con = sqlite3.connect(restored)
    try:
        assert con.execute("SELECT reading_position FROM article WHERE id = 1").fetchone() == (
            4321,
        )
        assert con.execute("SELECT count(*) FROM note WHERE orphaned").fetchone() == (2,)
        assert con.execute("SELECT etag FROM source WHERE kind = 'feed'").fetchone() == ('"abc"',)
        assert con.execute("SELECT raw_format FROM article WHERE id = 1").fetchone() == ("html",)
        assert con.execute(
            "SELECT note_count, comment_count FROM article WHERE id = 1"
        ).fetchone() == (
            8,
            2,
        )
    finally:
        con.close()


def test_importing_a_backup_into_its_own_library_adds_nothing(used_library, tmp_path):
    backup = tmp_path / "backup.json"
    assert run_cli("--db", str(used_library), "export", "-o", str(backup)).exit_code == 0
    before = snapshot(used_library)
    result = run_cli("--db", str(used_library), "import", str(backup))
    assert result.exit_code == 0, result.output
    after = snapshot(used_library)
    assert after["note"] == before["note"]
    assert after["comment"] == before["comment"]
    assert after["source"] == before["source"]


def test_backup_without_raw_leaves_out_the_pages(used_library, tmp_path):
    backup = tmp_path / "small.json"
    result = run_cli(
        "--db", str(used_library), "export", "--no-raw", "--format", "json", "-o", str(backup)
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(backup.read_text())
    assert all("raw" not in a for a in doc["articles"])


def test_a_raw_input_bomb_is_refused(tmp_path):
    import base64

    bomb = base64.b64encode(zlib.compress(b"\0" * (30 * 1024 * 1024))).decode()
    doc = {
        "format": "tuireader-backup",
        "articles": [{"title": "x", "raw": bomb, "raw_encoding": "zlib+base64"}],
    }
    with pytest.raises(ImportError_, match="raw input over"):
        parse_bundle_document(json.dumps(doc).encode())
    doc["articles"][0]["raw"] = "not base64!"
    with pytest.raises(ImportError_, match="damaged raw input"):
        parse_bundle_document(json.dumps(doc).encode())


def test_bad_lists_in_a_backup_are_clear_errors():
    for key in ("sources", "tags"):
        doc = {"format": "tuireader-backup", "articles": [], key: {"a": 1}}
        with pytest.raises(ImportError_, match=f'"{key}" must be a list'):
            parse_bundle_document(json.dumps(doc).encode())
