"""Durability: a writer killed with SIGKILL at random moments never loses a saved note.

A forked child saves notes, highlights and edits in a loop and reports each id
on a pipe only after the store has committed it.  The parent kills it at a
random moment, then checks the database: ``PRAGMA integrity_check`` is ok, the
search index agrees with its table, the article's note count matches, and
every note (and edit) the child acknowledged is there.
"""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import sys
import time

import pytest
from notes_support import FERRY_TEXT, ferry

from tuireader.store.db import Database
from tuireader.store.library import Library

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")

ROUNDS = 60


def writer(url: str, article_id: int, seed: int, out: int) -> None:
    """Save notes forever, reporting ``kind id version`` after each commit."""
    rnd = random.Random(seed)
    library = Library(Database(url))  # the schema is there already
    version = 0
    last: int | None = None
    while True:
        version += 1
        choice = rnd.random()
        if choice < 0.2 and last is not None:
            library.update_note(last, f"edit {version}")
            os.write(out, f"u {last} {version}\n".encode())
            continue
        if choice < 0.4:
            start = rnd.randrange(0, len(FERRY_TEXT) - 20)
            last = library.add_highlight(article_id, start, start + 15, f"hl {version}")
        else:
            padding = "x" * rnd.randrange(0, 20_000)  # some commits span many pages
            last = library.add_note(article_id, f"note {version} {padding}")
        os.write(out, f"a {last} {version}\n".encode())


def run_and_kill(url: str, article_id: int, rnd: random.Random) -> list[str]:
    """Fork a writer, kill it at a random moment, return the lines it acknowledged."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.close(read_end)
            writer(url, article_id, rnd.randrange(1 << 30), write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    data = b""
    try:
        # Usually let it get going, sometimes kill it while it is still starting.
        if rnd.random() < 0.9:
            ready, _, _ = select.select([read_end], [], [], 10)
            if ready:
                data += os.read(read_end, 65536)
        time.sleep(rnd.uniform(0, 0.08))
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    while chunk := os.read(read_end, 65536):
        data += chunk
    os.close(read_end)
    lines = data.decode().split("\n")
    return lines[:-1]  # a last line without its newline was not acknowledged


def check(path: str, acked: dict[int, int], edits: dict[int, int]) -> None:
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        con.execute("INSERT INTO note_fts(note_fts) VALUES ('integrity-check')")
        notes = dict(con.execute("SELECT id, text FROM note").fetchall())
        count = con.execute("SELECT note_count FROM article WHERE id = 1").fetchone()[0]
        assert count == len(notes)
    finally:
        con.close()
    missing = [i for i in acked if i not in notes]
    assert not missing, f"acknowledged notes lost: {missing[:10]}"
    for note_id, version in edits.items():
        text = notes[note_id]
        if text.startswith("edit "):
            assert int(text.split()[1]) >= version, (note_id, text, version)
        else:
            raise AssertionError(f"acknowledged edit {version} of note {note_id} lost: {text[:20]}")


def test_sigkill_never_loses_an_acknowledged_note(tmp_path):
    path = tmp_path / "crash.db"
    url = f"sqlite:///{path}"
    library = Library.open(url)
    article_id, _ = library.save_article(ferry(notes=[], comments=[]))
    library.close()
    rnd = random.Random(20250305)
    acked: dict[int, int] = {}
    edits: dict[int, int] = {}
    killed_mid_run = 0
    started = time.monotonic()
    for _ in range(ROUNDS):
        lines = run_and_kill(url, article_id, rnd)
        killed_mid_run += bool(lines)
        for line in lines:
            kind, note_id, version = line.split()
            if kind == "a":
                acked[int(note_id)] = int(version)
            else:
                edits[int(note_id)] = int(version)
        check(str(path), acked, edits)
    elapsed = time.monotonic() - started
    assert killed_mid_run >= ROUNDS // 2, "the writer was rarely killed while saving"
    assert len(acked) > ROUNDS
    assert elapsed < 60, f"{ROUNDS} rounds took {elapsed:.1f} s"
