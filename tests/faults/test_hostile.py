"""The hostile-input catalogue (shared/HOSTILE_INPUT.md) against the importers present,
the search box and the exports."""

from __future__ import annotations

import importlib.util
import json
import os
import sqlite3
from pathlib import Path

import pytest

from tuireader.text import UNSAFE_CHARS

from .helpers import check_library, cli

ESCAPES = (
    "\x1b]52;c;SGVsbG8=\x07",  # OSC 52: clipboard write
    "\x1b]2;owned\x07",  # OSC 2: window title
    "\x1b]8;;file:///etc/passwd\x1b\\link\x1b]8;;\x1b\\",  # OSC 8: hyperlink
    "\x1b[2J\x1b[H",  # CSI: clear and move
    "\x1bP+q544e\x1b\\",  # DCS: a terminal query
    "\x9b31m",  # C1 CSI
    "\x00",
    "\u202eevil\u202c",  # RLO
)
MARKUP = (
    "[bold]b[/bold]",
    "[link=file:///etc/passwd]x[/link]",
    "[@click=app.quit]q[/]",
    "[/]",
    "[0]",
)
HOSTILE = "".join(ESCAPES) + " " + " ".join(MARKUP) + " zero\u200bwidth e\u0301" + "\u0300" * 50


def _hostile_bundle() -> dict:
    return {
        "format": "tuireader-bundle",
        "articles": [
            {
                "title": "T " + HOSTILE,
                "url": "https://hostile.example/1",
                "site": "S " + HOSTILE,
                "author": "A " + HOSTILE,
                "body_markdown": "Body " + HOSTILE + "\n\n> " * 200 + "deep quote",
                "tags": ["tag " + HOSTILE, "[red]tag[/red]"],
                "comments": [
                    {"key": "1", "author": "C " + HOSTILE, "text": "comment " + HOSTILE},
                    {"key": "2", "parent_key": "1", "author": "x", "text": "reply " + HOSTILE},
                ],
                "notes": [{"text": "note " + HOSTILE, "quote": "Body"}],
            }
        ],
    }


def _text_columns(con: sqlite3.Connection) -> list[tuple[str, str, str]]:
    out = []
    for table in ("article", "comment", "note", "tag", "source"):
        for cid, name, ctype, *_ in con.execute(f"PRAGMA table_info({table})"):
            del cid
            if ctype.upper() in ("VARCHAR", "TEXT"):
                for (value,) in con.execute(f'SELECT "{name}" FROM {table}'):
                    if isinstance(value, str):
                        out.append((table, name, value))
    return out


def test_bundle_with_escapes_and_markup_is_stored_inert(tmp_path: Path) -> None:
    src = tmp_path / "hostile.json"
    src.write_text(json.dumps(_hostile_bundle()))
    db = tmp_path / "lib.db"
    result = cli("--db", str(db), "import", str(src))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    values = _text_columns(con)
    con.close()
    bad = [(t, c) for t, c, v in values if set(v) & UNSAFE_CHARS]
    assert bad == []
    titles = [v for t, c, v in values if (t, c) == ("article", "title")]
    assert all(m in titles[0] for m in MARKUP if m != "[/]") and "[/]" in titles[0]
    shown = cli("--db", str(db), "show", "1")
    assert shown.returncode == 0, shown.stderr
    for seq in ("\x1b]", "\x1bP", "\x9b", "\x00", "\u202e", "\x07"):
        assert seq not in shown.stdout
    assert "[@click=app.quit]q[/]" in shown.stdout
    check_library(db)


BAD_INPUTS = {
    "invalid.json": b'{"format": "tuireader-bundle", "articles": [',
    "deep.json": b'{"format": "tuireader-bundle", "articles": '
    + b"[" * 100_000
    + b"]" * 100_000
    + b"}",
    "notalist.json": b'{"format": "tuireader-bundle", "articles": {"a": 1}}',
    "badentry.json": b'{"format": "tuireader-bundle", "articles": [42]}',
    "empty.json": b"",
    "blank.json": b" \n\t ",
    "binary.json": bytes(range(256)) * 20,
    "png.json": b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
}


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_bundle_inputs_are_refused_cleanly(tmp_path: Path, name: str) -> None:
    src = tmp_path / name
    src.write_bytes(BAD_INPUTS[name])
    db = tmp_path / "lib.db"
    result = cli("--db", str(db), "import", str(src))
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert check_library(db)["article"] == 0


def test_odd_but_valid_bundles(tmp_path: Path) -> None:
    """BOM + CRLF, invalid UTF-8, a 1 MB line, 10k comments, depth 500, cycles and orphans."""
    thread = [{"key": "c0", "author": "a", "text": "root"}]
    thread += [
        {"key": f"c{i}", "parent_key": f"c{i - 1}", "author": "a", "text": f"reply {i}"}
        for i in range(1, 10_000)
    ]
    thread += [
        {"key": "x", "parent_key": "y", "author": "a", "text": "cycle x"},
        {"key": "y", "parent_key": "x", "author": "a", "text": "cycle y"},
        {"key": "o", "parent_key": "nowhere", "author": "a", "text": "orphan"},
    ]
    doc = {
        "format": "tuireader-bundle",
        "articles": [
            {"title": "big thread", "url": "https://odd.example/1", "comments": thread},
            {
                "title": "long line",
                "url": "https://odd.example/2",
                "body_markdown": "w" * 1_000_000,
            },
        ],
    }
    raw = b"\xef\xbb\xbf" + json.dumps(doc).replace("long line", "long \\r\\n line").encode()
    raw = raw.replace(b'"root"', b'"root \xff\xfe bad utf-8"')
    src = tmp_path / "odd.json"
    src.write_bytes(raw)
    db = tmp_path / "lib.db"
    result = cli("--db", str(db), "import", str(src), "--json")
    assert result.returncode == 0, result.stderr
    counts = check_library(db)
    assert counts["comment"] == 10_003
    con = sqlite3.connect(db)
    depth = con.execute("SELECT max(depth) FROM comment").fetchone()[0]
    tops = {k for (k,) in con.execute("SELECT key FROM comment WHERE parent_id IS NULL")}
    con.close()
    assert depth == 500
    assert {"c0", "x", "o"} <= tops
    again = cli("--db", str(db), "import", str(src), "--json")
    assert again.returncode == 0
    assert check_library(db) == counts  # a duplicate import changes nothing


@pytest.mark.parametrize("kind", ["fifo", "devzero", "folder-with-fifo"])
def test_special_files_as_input(tmp_path: Path, kind: str) -> None:
    db = tmp_path / "lib.db"
    if kind == "devzero":
        target = Path("/dev/zero")
    else:
        folder = tmp_path / "in"
        folder.mkdir()
        fifo = folder / "pipe.json"
        os.mkfifo(fifo)
        target = fifo if kind == "fifo" else folder
    result = cli("--db", str(db), "import", str(target), timeout=30)
    assert "Traceback" not in result.stderr
    if kind == "folder-with-fifo":  # a folder's special files are passed over, never read
        assert result.returncode == 0 and result.stdout.startswith("0 imported")
        return
    assert result.returncode != 0
    assert "regular file" in result.stderr


@pytest.mark.skipif(
    importlib.util.find_spec("tuireader.importers.textdump") is None,
    reason="the text-dump importer is not on this branch yet",
)
def test_text_dump_with_escapes_is_stored_inert(tmp_path: Path) -> None:
    prose = "A plain paragraph of the article, long enough to be read as prose. " * 8
    hostile = HOSTILE.replace("\x00", "")
    src = tmp_path / "dump.txt"
    src.write_text(
        f"Title {hostile}\n\n{prose}\n\n{prose} {hostile}\n\n{prose}\n", encoding="utf-8"
    )
    db = tmp_path / "lib.db"
    result = cli("--db", str(db), "import", str(src))
    assert result.returncode == 0, result.stderr
    con = sqlite3.connect(db)
    assert [(t, c) for t, c, v in _text_columns(con) if set(v) & UNSAFE_CHARS] == []
    con.close()
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Title\n\nText with a NUL \x00 byte.\n")
    refused = cli("--db", str(db), "import", str(nul))
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1


SEARCHES = [
    '"',
    '""',
    "'",
    "*",
    "**",
    "a*b",
    "(",
    ")",
    "()",
    "-x",
    "- ",
    "^x",
    "{a b}: c",
    "title:x",
    "col:x",
    "NEAR(a b)",
    "NEAR(",
    "a AND",
    "OR b",
    "NOT",
    "AND OR NOT",
    "'; DROP TABLE article; --",
    "1 OR 1=1",
    '" OR ""="',
    "%",
    "_",
    "%_%",
    "\\",
    "a%b_c",
    "a\x00b",
    "\x00",
    "\x00\x00 comment",
    "é",
    "東京",
    "😀",
    "[bold]x",
    "is:",
    "is:foo",
    "tag:",
    "has:x",
    "in:nowhere",
    "a" * 10_000,
    "a " * 5_000,
    "comment " * 40,
]


def test_search_box_with_hostile_queries(tmp_path: Path) -> None:
    from tuireader.importers.model import ParsedArticle, ParsedComment
    from tuireader.store.library import Library
    from tuireader.store.search import SearchError, search

    lib = Library.open(f"sqlite:///{tmp_path / 'lib.db'}")
    for i in range(30):
        lib.save_article(
            ParsedArticle(
                title=f"Article {i} 100% sure_thing",
                text="a comment about DROP TABLE and 東京 " * 3,
                url=f"https://s.example/{i}",
                comments=[ParsedComment(key="1", author="x", text="comment é")],
            )
        )
    refused = 0
    for query in SEARCHES:
        try:
            hits = search(lib.db, query)
        except SearchError as exc:
            assert "\n" not in str(exc)
            refused += 1
            continue
        assert isinstance(hits, list)
    assert 0 < refused < len(SEARCHES)
    assert len(search(lib.db, "comment")) == 30
    with pytest.raises(SearchError):
        search(lib.db, "%")  # a wildcard is no word, and never a LIKE pattern
    assert len(search(lib.db, "sure_thing")) == 30
    lib.close()
    counts = check_library(tmp_path / "lib.db")
    assert counts["article"] == 30


TITLES = ["../../.bashrc", "/etc/x", "CON", "con.txt", "NUL", "x" * 300, "..", ".", "a/b\\c:d*e?f"]


def test_markdown_export_file_names(tmp_path: Path) -> None:
    doc = {
        "format": "tuireader-bundle",
        "articles": [
            {"title": t, "url": f"https://e.example/{i}", "body_markdown": "b"}
            for i, t in enumerate(TITLES)
        ],
    }
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc))
    db = tmp_path / "lib.db"
    assert cli("--db", str(db), "import", str(src)).returncode == 0
    out = tmp_path / "deep" / "out"
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = cli("--db", str(db), "export", "--format", "markdown", "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = list(out.iterdir())
    assert len(written) == len(TITLES)
    for path in written:
        assert path.resolve().parent == out.resolve()
        assert len(path.name.encode()) <= 255
        assert path.name.split(".")[0].upper() not in ("CON", "NUL")
        assert not path.name.startswith(".")
    after = sorted(p.name for p in tmp_path.rglob("*") if out not in p.parents and p != out)
    assert set(after) - set(before) == {"deep"}
    assert not (tmp_path / ".bashrc").exists() and not Path("/etc/x").exists()


@pytest.mark.skipif(
    importlib.util.find_spec("tuireader.export.csv") is None,
    reason="there is no CSV export on this branch",
)
def test_csv_export_formula_injection(tmp_path: Path) -> None:  # pragma: no cover - future
    doc = {
        "format": "tuireader-bundle",
        "articles": [{"title": '=HYPERLINK("http://x","y")', "url": "https://c.example/1"}],
    }
    src = tmp_path / "in.json"
    src.write_text(json.dumps(doc))
    db = tmp_path / "lib.db"
    assert cli("--db", str(db), "import", str(src)).returncode == 0
    result = cli("--db", str(db), "export", "--format", "csv")
    assert result.returncode == 0
    assert "\n=HYPERLINK" not in result.stdout and ",=HYPERLINK" not in result.stdout
