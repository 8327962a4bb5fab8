"""kill -9 at random points of a bulk import, a CLI import of many files, and note saves.

After every kill the library must pass SQLite's and FTS5's integrity checks,
hold no half-imported article, and keep every note whose save was
acknowledged.  The kills are split between the three kinds: 50 in all in CI,
200 in the long mode (``TUIREADER_LONG_FAULTS=1``).
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import check_library, child_env, kills, spawn, write_bundles

BATCH = 50
PER_ROUND = 300

BULK_CHILD = r"""
import sys
from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.store.bulk import bulk_import
from tuireader.store.library import Library

path, start, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lib = Library.open("sqlite:///" + path)

def articles():
    for i in range(start, start + count):
        yield ParsedArticle(
            title=f"A{i}", url=f"https://kill.example/{i}", text="some words " * 150,
            comments=[ParsedComment(key=f"k{j}", parent_key=f"k{j - 1}" if j else None,
                                    author="u", text=f"comment {j} of {i}") for j in range(10)],
            tags=["kill"],
        )

print("ready", flush=True)
bulk_import(lib, articles(), batch=int(sys.argv[4]), on_existing="skip",
            progress=lambda n: print("committed", start + n, flush=True))
print("finished", flush=True)
"""

NOTE_CHILD = r"""
import sys
from tuireader.store.library import Library

lib = Library.open("sqlite:///" + sys.argv[1])
ids = [int(x) for x in sys.argv[2].split(",")]
print("ready", flush=True)
i = int(sys.argv[3])
while True:
    article = ids[i % len(ids)]
    note = lib.add_note(article, f"note {i}")
    print("ack", note, i, flush=True)
    if i % 7 == 0:
        lib.set_flag(article, "starred", i % 2 == 0)
    i += 1
"""


def _wait_ready(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if line.strip() != "ready":
        proc.kill()
        raise AssertionError(
            f"child did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
        )


def _kill_after(proc: subprocess.Popen[str], delay: float) -> list[str]:
    """SIGKILL *proc* after *delay* seconds (or when it ends); return its stdout lines."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=30)
    assert "Traceback" not in err, err
    return out.splitlines()


def _rounds(share: int) -> int:
    """This test's share of the kills (the three kinds split :func:`kills`)."""
    total = kills()
    return total // 3 + (1 if share < total % 3 else 0)


def _calibrate(code: str, *args: str) -> float:
    """How long one uninterrupted child run takes (the kills are spread over it)."""
    proc = spawn(code, *args)
    _wait_ready(proc)
    start = time.monotonic()
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return max(0.2, time.monotonic() - start)


@pytest.mark.timeout(3600)  # the long mode makes 200 kills
def test_kill_during_bulk_import(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    rng = random.Random(int(os.environ.get("TUIREADER_FAULT_SEED", "1")))
    duration = _calibrate(BULK_CHILD, str(path), "0", str(PER_ROUND), str(BATCH))
    check_library(path)
    rounds = _rounds(0)
    killed_mid = 0
    for r in range(1, rounds + 1):
        start = r * PER_ROUND
        proc = spawn(BULK_CHILD, str(path), str(start), str(PER_ROUND), str(BATCH))
        _wait_ready(proc)
        lines = _kill_after(proc, rng.uniform(0.0, 0.7 * duration))
        committed = max(
            [int(x.split()[1]) for x in lines if x.startswith("committed")], default=start
        )
        counts = check_library(path)
        con = sqlite3.connect(path)
        rows = {
            int(u.rsplit("/", 1)[1])
            for (u,) in con.execute("SELECT url FROM article WHERE url LIKE 'https://kill%'")
        }
        con.close()
        in_round = {i for i in rows if start <= i < start + PER_ROUND}
        # Every acknowledged batch is there, whole batches only, in order.
        assert set(range(start, committed)) <= in_round
        assert len(in_round) % BATCH == 0 or len(in_round) == PER_ROUND
        assert in_round == set(range(start, start + len(in_round)))
        assert counts["comment"] == 10 * counts["article"]
        killed_mid += "finished" not in lines
        if "finished" in lines:
            # This run was quicker than the calibration (a warm cache, less load):
            # aim the next kills earlier.
            duration *= 0.8
    assert killed_mid >= rounds // 2, "most kills should land inside the import"


@pytest.mark.timeout(3600)  # the long mode makes 200 kills
def test_kill_during_cli_import(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    files = tmp_path / "in"
    write_bundles(files, 60)
    rng = random.Random(2)
    argv = [sys.executable, "-m", "tuireader", "--db", str(path), "import", str(files), "--json"]
    start = time.monotonic()
    first = subprocess.run(argv, env=child_env(), capture_output=True, text=True, check=False)
    duration = time.monotonic() - start
    assert first.returncode == 0, first.stderr
    assert check_library(path)["article"] == 60
    path.unlink()
    for _ in range(_rounds(1)):
        proc = subprocess.Popen(
            argv, env=child_env(), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        _kill_after(proc, rng.uniform(0.3, duration))
        if path.exists():
            counts = check_library(path)
            assert counts["comment"] == 10 * counts["article"]


@pytest.mark.timeout(3600)  # the long mode makes 200 kills
def test_kill_during_note_saves(tmp_path: Path) -> None:
    from tuireader.importers.model import ParsedArticle
    from tuireader.store.library import Library

    path = tmp_path / "lib.db"
    lib = Library.open(f"sqlite:///{path}")
    ids = [lib.save_article(ParsedArticle(title=f"n{i}", text="x"))[0] for i in range(5)]
    lib.close()
    rng = random.Random(3)
    acked: dict[int, str] = {}
    counter = 0
    for _ in range(_rounds(2)):
        proc = spawn(NOTE_CHILD, str(path), ",".join(map(str, ids)), str(counter))
        _wait_ready(proc)
        lines = _kill_after(proc, rng.uniform(0.05, 0.8))
        for line in lines:
            # A kill can cut the last line short: only a whole line is an acknowledgement.
            if ack := re.fullmatch(r"ack (\d+) (\d+)", line):
                note_id, i = int(ack[1]), int(ack[2])
                acked[note_id] = f"note {i}"
                counter = max(counter, i + 1)
        counter += 1
        check_library(path)
        con = sqlite3.connect(path)
        stored = dict(con.execute("SELECT id, text FROM note").fetchall())
        con.close()
        missing = {k: v for k, v in acked.items() if stored.get(k) != v}
        assert not missing, f"acknowledged notes lost: {list(missing.items())[:5]}"
    assert len(acked) > 0


@pytest.mark.skipif(sys.platform != "linux", reason="kill -9 tests run on Linux")
def test_rounds_split_the_kills() -> None:
    assert sum(_rounds(i) for i in range(3)) == kills()
