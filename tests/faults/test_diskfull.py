"""A full disk during a bulk import, a CLI import and a note save.

The library lives on an 8 MB tmpfs (mounted for the test: needs root and the
permission to mount; otherwise the tests are skipped with the reason).  Every
failure must be a clear error, and the library must stay whole: the batch or
note that did not fit is absent, everything before it is there.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .helpers import check_library, cli, write_bundles


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on an 8 MB tmpfs (a new library with its first WAL takes about 2 MB)."""
    mount = tmp_path / "small"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("disk-full tests mount a small tmpfs, which needs root")
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _copy_out(path: Path, dest: Path) -> Path:
    """Copy the library (with its WAL) off the full disk, to check it there."""
    dest.mkdir(exist_ok=True)
    for suffix in ("", "-wal"):
        src = Path(f"{path}{suffix}")
        if src.exists():
            shutil.copy(src, dest / f"lib.db{suffix}")
    return dest / "lib.db"


def _fill(folder: Path) -> None:
    """Take every free byte of the file system holding *folder*."""
    with (folder / "filler").open("wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 4096)
        except OSError:
            pass


def test_bulk_import_until_full(small_disk: Path, tmp_path: Path) -> None:
    from tuireader.importers.model import ParsedArticle, ParsedComment
    from tuireader.store.bulk import bulk_import
    from tuireader.store.db import StoreError
    from tuireader.store.library import Library

    path = small_disk / "lib.db"
    lib = Library.open(f"sqlite:///{path}")
    committed: list[int] = []

    def articles():  # type: ignore[no-untyped-def]
        for i in range(100_000):
            yield ParsedArticle(
                title=f"full {i}",
                url=f"https://full.example/{i}",
                text=f"article {i} " + "filling the disk " * 60,
                comments=[ParsedComment(key=str(j), author="f", text=f"c{j}") for j in range(5)],
            )

    with pytest.raises(StoreError, match="full"):
        bulk_import(lib, articles(), batch=20, progress=committed.append)
    lib.close()
    counts = check_library(_copy_out(path, tmp_path / "copy"))
    assert committed, "some batches fit before the disk filled"
    assert counts["article"] == committed[-1]
    assert counts["comment"] == 5 * counts["article"]


def test_note_save_on_full_disk(small_disk: Path, tmp_path: Path) -> None:
    from tuireader.importers.model import ParsedArticle
    from tuireader.store.db import StoreError
    from tuireader.store.library import Library

    path = small_disk / "lib.db"
    lib = Library.open(f"sqlite:///{path}")
    article, _ = lib.save_article(ParsedArticle(title="a", text="some text"))
    first = lib.add_note(article, "fits")
    with lib.db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    _fill(small_disk)
    with pytest.raises(StoreError, match="full"):
        lib.add_note(article, "does not fit " * 2000)
    lib.close()
    copy = _copy_out(path, tmp_path / "copy")
    check_library(copy)
    con = sqlite3.connect(copy)
    assert con.execute("SELECT id, text FROM note").fetchall() == [(first, "fits")]
    assert con.execute("SELECT note_count FROM article").fetchone()[0] == 1
    con.close()
    (small_disk / "filler").unlink()
    lib = Library.open(f"sqlite:///{path}")
    assert lib.add_note(article, "fits again") > first
    lib.close()


def test_cli_import_on_full_disk(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "lib.db"
    assert cli("--db", str(path), "list").returncode == 0
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    write_bundles(tmp_path / "in", 40)
    _fill(small_disk)
    result = cli("--db", str(path), "import", str(tmp_path / "in"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "full" in result.stderr
    (small_disk / "filler").unlink()
    counts = check_library(_copy_out(path, tmp_path / "copy"))
    assert counts["comment"] == 10 * counts["article"]
