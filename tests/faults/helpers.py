"""Shared pieces of the fault tests: sizes, child processes, and the library checks.

``TUIREADER_LONG_FAULTS=1`` (or ``pytest --long-faults``) runs the long mode:
200 kills instead of 50, and 60 s of concurrent writers instead of 12 s.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def long_mode() -> bool:
    """True in the long mode."""
    return os.environ.get("TUIREADER_LONG_FAULTS", "") not in ("", "0")


def kills() -> int:
    """How many kill -9 the kill tests make in all (50 in CI, 200 in the long mode)."""
    return 200 if long_mode() else 50


def writer_seconds() -> float:
    """How long the concurrent writers run."""
    return 60.0 if long_mode() else 12.0


def child_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that imports tuireader from src/."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(SRC) + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("TUIREADER_DEBUG", None)
    env.update(extra)
    return env


def spawn(code: str, *args: str, **popen: Any) -> subprocess.Popen[str]:
    """Run *code* in a new Python process with *args* as ``sys.argv[1:]``."""
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=child_env(),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        **popen,
    )


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m tuireader ARGS`` in a child process."""
    return subprocess.run(
        [sys.executable, "-m", "tuireader", *args],
        env=child_env(),
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


def article_doc(i: int, comments: int = 10, prefix: str = "a") -> dict[str, Any]:
    """One article of a bundle: a thread of *comments* replies, a tag."""
    return {
        "title": f"Article {prefix}{i}",
        "url": f"https://faults.example/{prefix}/{i}",
        "site": "faults.example",
        "body_markdown": f"Body of article {prefix}{i}. " + "Some words to index. " * 40,
        "tags": ["fault"],
        "comments": [
            {
                "key": f"k{j}",
                "parent_key": f"k{j - 1}" if j % 3 else None,
                "author": f"user{j}",
                "text": f"comment {j} on {prefix}{i}",
            }
            for j in range(comments)
        ],
    }


def write_bundles(folder: Path, count: int, prefix: str = "f") -> None:
    """*count* bundle files of one article each in *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        doc = {"format": "tuireader-bundle", "articles": [article_doc(i, prefix=prefix)]}
        (folder / f"{prefix}{i:05d}.json").write_text(json.dumps(doc))


def check_library(path: Path) -> dict[str, int]:
    """Assert the library is whole; return its row counts.

    Whole means: SQLite's integrity check and the FTS5 integrity checks pass,
    and no article is half there (its comment and note counts equal its rows).
    """
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for table in ("article_fts", "comment_fts", "note_fts"):
            con.execute(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
        half = con.execute(
            "SELECT a.id, a.comment_count, a.note_count,"
            " (SELECT count(*) FROM comment c WHERE c.article_id = a.id),"
            " (SELECT count(*) FROM note n WHERE n.article_id = a.id) FROM article a"
            " WHERE a.comment_count != (SELECT count(*) FROM comment c WHERE c.article_id = a.id)"
            " OR a.note_count != (SELECT count(*) FROM note n WHERE n.article_id = a.id)"
        ).fetchall()
        assert half == [], f"half-imported articles: {half[:5]}"
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("article", "comment", "note")
        }
    finally:
        con.close()
