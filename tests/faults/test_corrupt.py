"""A damaged library: a clear one-line message, the file never changed, and a way out."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from .helpers import cli, write_bundles


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def good_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of 60 articles, checkpointed into one file."""
    base = tmp_path_factory.mktemp("good")
    write_bundles(base / "in", 60)
    path = base / "lib.db"
    result = cli("--db", str(path), "import", str(base / "in"))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return path


def _damage(kind: str, good: Path, target: Path) -> None:
    data = bytearray(good.read_bytes())
    if kind == "random":
        data = bytearray(os.urandom(len(data)))
    elif kind == "truncated":
        data = data[: len(data) // 3]
    elif kind == "page":
        con = sqlite3.connect(good)
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'article'").fetchone()
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        con.close()
        start = (root[0] - 1) * page_size
        data[start : start + page_size] = os.urandom(page_size)
    elif kind == "header":
        data[:16] = b"SQLite format 2\x00"
    target.write_bytes(bytes(data))


@pytest.mark.parametrize("kind", ["random", "truncated", "page", "header"])
def test_damaged_library_message_and_file_untouched(
    good_library: Path, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "damaged.db"
    _damage(kind, good_library, path)
    before = _sha(path)
    for args in (["list"], ["search", "body"], ["note", "add", "1", "x"], ["db", "check"]):
        result = cli("--db", str(path), *args)
        assert result.returncode != 0, (args, result.stdout)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, (args, result.stderr)
        assert lines[0].startswith("error: ")
        assert str(path) in lines[0]
        assert "Traceback" not in result.stderr + result.stdout
        assert _sha(path) == before, f"{args} changed the damaged file"


def test_recover_offers_backup_salvage_and_new(good_library: Path, tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    backup = tmp_path / "lib-backup-20260101T000000Z.db"
    backup.write_bytes(good_library.read_bytes())
    _damage("page", good_library, path)
    before = _sha(path)

    report = cli("--db", str(path), "db", "recover")
    assert report.returncode == 0, report.stderr
    assert "damaged" in report.stdout
    assert str(backup) in report.stdout
    assert "--salvage" in report.stdout and "--new" in report.stdout
    assert _sha(path) == before

    opened = cli("--db", str(backup), "list", "--json")
    assert opened.returncode == 0 and '"total": 60' in opened.stdout

    salvaged = tmp_path / "salvaged.db"
    result = cli("--db", str(path), "db", "recover", "--salvage", str(salvaged), "--json")
    assert result.returncode == 0, result.stderr
    assert _sha(path) == before
    assert cli("--db", str(salvaged), "db", "check").returncode == 0

    fresh = cli("--db", str(path), "db", "recover", "--new", "--json")
    assert fresh.returncode == 0, fresh.stderr
    moved = [
        p
        for p in tmp_path.iterdir()
        if p.name.startswith("lib.db.damaged-") and not p.name.endswith(("-wal", "-shm"))
    ]
    assert len(moved) == 1 and _sha(moved[0]) == before
    empty = cli("--db", str(path), "list", "--json")
    assert empty.returncode == 0 and '"total": 0' in empty.stdout


def test_salvage_copies_readable_rows(good_library: Path, tmp_path: Path) -> None:
    """Damage one comment page: the articles and the other comments are saved."""
    path = tmp_path / "lib.db"
    data = bytearray(good_library.read_bytes())
    con = sqlite3.connect(good_library)
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    leaf = con.execute(
        "SELECT pageno, ncell FROM dbstat WHERE name = 'comment' AND pagetype = 'leaf'"
        " LIMIT 1 OFFSET 2"
    ).fetchone()
    con.close()
    if leaf is None:
        pytest.skip("SQLite built without dbstat")
    start = (leaf[0] - 1) * page_size
    data[start : start + page_size] = b"\xff" * page_size
    path.write_bytes(bytes(data))
    target = tmp_path / "salvaged.db"
    result = cli("--db", str(path), "db", "recover", "--salvage", str(target), "--json")
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(target)
    articles, comments = con.execute(
        "SELECT (SELECT count(*) FROM article), (SELECT count(*) FROM comment)"
    ).fetchone()
    mismatched = con.execute(
        "SELECT count(*) FROM article a WHERE a.comment_count !="
        " (SELECT count(*) FROM comment c WHERE c.article_id = a.id)"
    ).fetchone()[0]
    con.close()
    assert articles == 60
    # Every comment but those on the damaged page (the rows before it are read one by one).
    assert 600 - leaf[1] <= comments < 600
    assert mismatched == 0
