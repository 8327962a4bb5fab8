"""Two writers (notes and states; a bulk import) and a CLI import, all at once.

For :func:`writer_seconds` (12 s in CI, 60 s in the long mode): no write that
was acknowledged is lost, and "database is locked" never reaches the user —
write transactions take SQLite's lock up front and wait for it (busy timeout).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import check_library, child_env, spawn, write_bundles, writer_seconds

NOTES_CHILD = r"""
import random, sys, time
from tuireader.store.library import Library

lib = Library.open("sqlite:///" + sys.argv[1])
ids = [int(x) for x in sys.argv[2].split(",")]
end = time.monotonic() + float(sys.argv[3])
rng = random.Random(5)
i = 0
while time.monotonic() < end:
    article = rng.choice(ids)
    if i % 3 == 0:
        value = rng.random() < 0.5
        lib.set_flag(article, "starred", value)
        print("flag", article, int(value), flush=True)
    else:
        note = lib.add_note(article, f"concurrent note {i}")
        print("note", note, i, flush=True)
    i += 1
"""

BULK_CHILD = r"""
import sys, time
from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.store.bulk import bulk_import
from tuireader.store.library import Library

lib = Library.open("sqlite:///" + sys.argv[1])
end = time.monotonic() + float(sys.argv[2])

def articles():
    i = 0
    while time.monotonic() < end:
        yield ParsedArticle(
            title=f"bulk {i}", url=f"https://bulk.example/{i}", text="bulk words " * 100,
            comments=[ParsedComment(key=str(j), author="b", text=f"c{j}") for j in range(10)],
        )
        i += 1

bulk_import(lib, articles(), batch=25, progress=lambda n: print("bulk", n, flush=True))
"""


@pytest.mark.timeout(1800)
def test_writers_at_once(tmp_path: Path) -> None:
    from tuireader.importers.model import ParsedArticle
    from tuireader.store.library import Library

    path = tmp_path / "lib.db"
    lib = Library.open(f"sqlite:///{path}")
    ids = [lib.save_article(ParsedArticle(title=f"base {i}", text="base"))[0] for i in range(20)]
    lib.close()
    seconds = writer_seconds()
    folders = []
    for k in range(max(3, int(seconds // 4))):
        folder = tmp_path / f"in{k}"
        write_bundles(folder, 30, prefix=f"cli{k}-")
        folders.append(folder)

    notes = spawn(NOTES_CHILD, str(path), ",".join(map(str, ids)), str(seconds))
    bulk = spawn(BULK_CHILD, str(path), str(seconds))
    cli_runs: list[subprocess.CompletedProcess[str]] = []
    end = time.monotonic() + seconds
    for folder in folders:
        if time.monotonic() >= end and cli_runs:
            break
        cli_runs.append(
            subprocess.run(
                [sys.executable, "-m", "tuireader", "--db", str(path), "import", str(folder)],
                env=child_env(),
                capture_output=True,
                text=True,
                timeout=seconds * 10,
                check=False,
            )
        )
    notes_out, notes_err = notes.communicate(timeout=seconds * 10)
    bulk_out, bulk_err = bulk.communicate(timeout=seconds * 10)

    for name, proc, err in (("notes", notes, notes_err), ("bulk", bulk, bulk_err)):
        assert proc.returncode == 0, f"{name} writer failed: {err[-2000:]}"
        assert "locked" not in err
    for run in cli_runs:
        assert run.returncode == 0, run.stderr
        assert "locked" not in run.stderr + run.stdout

    counts = check_library(path)
    import sqlite3

    con = sqlite3.connect(path)
    stored = dict(con.execute("SELECT id, text FROM note").fetchall())
    starred = dict(con.execute("SELECT id, starred FROM article").fetchall())
    urls = {u for (u,) in con.execute("SELECT url FROM article WHERE url IS NOT NULL")}
    con.close()

    acked_notes = 0
    last_flag: dict[int, int] = {}
    for line in notes_out.splitlines():
        kind, a, b = line.split()
        if kind == "note":
            assert stored.get(int(a)) == f"concurrent note {b}", f"lost note {a}"
            acked_notes += 1
        else:
            last_flag[int(a)] = int(b)
    assert acked_notes > 0 and last_flag
    for article, value in last_flag.items():
        assert starred[article] == value, f"lost state change on article {article}"

    bulk_acked = max([int(x.split()[1]) for x in bulk_out.splitlines()], default=0)
    assert bulk_acked > 0
    assert all(f"https://bulk.example/{i}" in urls for i in range(bulk_acked))
    for k in range(len(cli_runs)):
        assert all(f"https://faults.example/cli{k}-/{i}" in urls for i in range(30))
    assert counts["note"] == acked_notes
