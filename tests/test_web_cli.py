"""`tuireader add`, `fetch-pending` and `stripped` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from httpserver import LiveServer, serve

from tuireader.importers.fetch import FetchLimits
from tuireader.store.library import Library
from tuireader.webimport import add_urls, fetch_pending

FIXTURES = Path(__file__).parent / "fixtures"
WPD_THREAD = [  # (author, parent's author, posted) in thread order
    ("Alice Moreau", None, "2024-03-05T10:14:00Z"),
    ("Hanna Lindqvist", "Alice Moreau", "2024-03-05T11:02:00Z"),
    ("Alice Moreau", "Hanna Lindqvist", "2024-03-06T08:30:00Z"),
    ("Carla Díaz", None, "2024-03-05T13:45:00Z"),
    ("Dmitri Volkov", "Carla Díaz", "2024-03-07T21:05:00Z"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with serve() as live:
        yield live


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "web.db")


def _json(cli, db: str, *args: str):  # type: ignore[no-untyped-def]
    result = cli("--db", db, "--no-sample", *args, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def _count(db: str, table: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_add_wpdiscuz_page_keeps_the_thread(cli, db: str, server: LiveServer) -> None:
    url = server.url("/wpdiscuz")
    result = cli("--db", db, "--no-sample", "add", url)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines == ["added 1: Bringing a 1978 cassette deck back to life (5 comments)"]
    shown = _json(cli, db, "show", "1")
    assert shown["url"] == url
    assert shown["author"] == "Hanna Lindqvist"
    assert shown["site"] == "Workbench Notes"
    by_id = {c["id"]: c for c in shown["comments"]}
    thread = [
        (
            c["author"],
            by_id[c["parent_id"]]["author"] if c["parent_id"] else None,
            c["posted"],
        )
        for c in shown["comments"]
    ]
    assert thread == WPD_THREAD
    assert [c["depth"] for c in shown["comments"]] == [0, 1, 2, 0, 1]
    assert "Reply" not in shown["body"] and "Alice Moreau" not in shown["body"]
    # The raw page is kept (compressed) for the "what was stripped" view.
    with sqlite3.connect(db) as con:
        raw, fmt = con.execute("SELECT raw, raw_format FROM article").fetchone()
    assert fmt == "html" and len(raw) < (FIXTURES / "html" / "wpdiscuz.html").stat().st_size
    # Adding it again updates the same article: no duplicate rows.
    again = cli("--db", db, "--no-sample", "add", url)
    assert again.stdout.startswith("updated 1:")
    assert _count(db, "article") == 1 and _count(db, "comment") == 5


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/status/404", "HTTP 404 Not Found"),
        ("/to-ftp", "redirect to a non-http URL refused: ftp://files.example.com/pub/notes.txt"),
        ("/png", "not an HTML page (image/png)"),
    ],
)
def test_add_failure_is_one_line_and_no_rows(
    cli, db: str, server: LiveServer, path: str, message: str
) -> None:
    url = server.url(path)
    result = cli("--db", db, "--no-sample", "add", url)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {url}: {message}"]
    assert _count(db, "article") == 0


def test_add_several_reports_each_and_fails_if_one_fails(cli, db: str, server: LiveServer) -> None:
    urls = [server.url("/page"), server.url("/status/500"), server.url("/gzip")]
    result = cli("--db", db, "--no-sample", "add", *urls, "--json")
    assert result.exit_code == 1
    rows = json.loads(result.stdout)
    assert [r["url"] for r in rows] == urls
    assert [r["status"] for r in rows] == ["added", "failed", "added"]
    assert rows[1]["error"] == "HTTP 500 Internal Server Error" and rows[1]["id"] is None
    assert rows[2]["title"] == "Le café des pêcheurs"
    assert _count(db, "article") == 2


def test_add_non_utf8_page(cli, db: str, server: LiveServer) -> None:
    result = cli("--db", db, "--no-sample", "add", server.url("/cp1251-meta"))
    assert result.exit_code == 0, result.stderr
    shown = _json(cli, db, "show", "1")
    assert shown["title"] == "Рыбалка" or "Зимняя рыбалка" in shown["title"]
    assert "Окунь брал лучше всего утром" in shown["body"]


def test_stripped_shows_what_the_extractor_left_out(cli, db: str, server: LiveServer) -> None:
    cli("--db", db, "--no-sample", "add", server.url("/wpdiscuz"))
    result = cli("--db", db, "--no-sample", "stripped", "1")
    assert result.exit_code == 0, result.stderr
    report = result.stdout
    assert report.startswith("Stripped from the page:")
    assert "[navigation]" in report and "About the bench" in report
    assert "[comments]" in report and "Reply to Alice Moreau" in report
    # What the article kept is not listed as stripped.
    shown = _json(cli, db, "show", "1")
    first_paragraph = shown["body"].split("\n\n")[0].strip()
    assert first_paragraph and first_paragraph not in report
    assert _json(cli, db, "stripped", "1")["report"] == report.rstrip("\n")


def test_stripped_of_an_article_without_a_page(cli, db: str, tmp_path: Path) -> None:
    md = tmp_path / "note.md"
    md.write_text("---\ntitle: A note\n---\n\nJust text.\n", encoding="utf-8")
    assert cli("--db", db, "--no-sample", "import", str(md)).exit_code == 0
    result = cli("--db", db, "--no-sample", "stripped", "1")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: article 1 has no saved page to compare with (it was imported from markdown)"
    )
    missing = cli("--db", db, "--no-sample", "stripped", "99")
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: no article with id 99"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_fetch_pending_good_and_dead_then_retry(cli, db: str, server: LiveServer, tmp_path: Path):
    port = _free_port()  # nothing listens here yet: connection refused
    dead = f"http://127.0.0.1:{port}/wpdiscuz"
    export = tmp_path / "pocket.csv"
    export.write_text(
        "url,title,time_added,tags,status\n"
        f"{server.url('/page')},Saved for later,1700000000,lighthouses,unread\n"
        f"{dead},Dead for now,1700000100,audio|repair,archive\n",
        encoding="utf-8",
    )
    assert cli("--db", db, "--no-sample", "import", str(export)).exit_code == 0
    assert [a["title"] for a in _json(cli, db, "list")["articles"] if a["pending"]] == [
        "Dead for now",
        "Saved for later",
    ]
    first = cli("--db", db, "--no-sample", "fetch-pending")
    assert first.exit_code == 1
    assert f"error: {dead}: could not connect" in first.stderr
    assert first.stdout.splitlines()[-1] == "1 fetched, 1 failed (still pending)"
    good = _json(cli, db, "show", "1")
    assert good["pending"] is False and good["fetch_error"] is None
    assert "lighthouses" in good["body"].lower() and good["tags"] == ["lighthouses"]
    bad = _json(cli, db, "show", "2")
    assert bad["pending"] is True and bad["fetch_error"].startswith("could not connect")
    assert bad["archived"] is True and bad["tags"] == ["audio", "repair"]
    # Without --retry-failed the failure is not tried again.
    assert cli("--db", db, "--no-sample", "fetch-pending").stdout.startswith("nothing pending")
    with serve(port=port):  # the server comes back
        retry = cli("--db", db, "--no-sample", "fetch-pending", "--retry-failed")
    assert retry.exit_code == 0, retry.stderr
    assert retry.stdout.splitlines()[0] == (
        "fetched 2: Bringing a 1978 cassette deck back to life (5 comments)"
    )
    fixed = _json(cli, db, "show", "2")
    assert fixed["pending"] is False and fixed["fetch_error"] is None
    assert len(fixed["comments"]) == 5
    assert fixed["archived"] is True and fixed["tags"] == ["audio", "repair"]
    assert _count(db, "article") == 2


async def test_pending_article_keeps_its_notes_when_fetched(
    tmp_path: Path, server: LiveServer
) -> None:
    """A Hypothesis annotation's pending article gets its page; the note stays on it."""
    from tuireader.importers.model import ParsedArticle, ParsedNote

    lib = Library.open(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        url = server.url("/page")
        lib.save_article(
            ParsedArticle(
                title="From Hypothesis",
                url=url,
                pending=True,
                notes=[ParsedNote(text="why?", quote="blink", created=datetime.now(UTC))],
            )
        )
        results = await fetch_pending(lib, limits=FetchLimits(total_timeout=10))
        assert [(r.status, r.article_id) for r in results] == [("fetched", 1)]
        from tuireader.store.queries import get_article

        view = get_article(lib.db, 1)
        assert not view.pending and "lighthouses" in view.text.lower()
        assert [(n.text, n.quote) for n in view.notes] == [("why?", "blink")]
        # add of the same URL updates that article, it does not make a second one
        again = await add_urls(lib, [url])
        assert [(r.status, r.article_id) for r in again] == [("updated", 1)]
    finally:
        lib.close()


async def test_add_urls_reports_each_as_it_arrives(tmp_path: Path, server: LiveServer) -> None:
    lib = Library.open(f"sqlite:///{tmp_path / 'p.db'}")
    seen: list[tuple[str, int, int]] = []
    try:
        urls = [server.url("/page"), server.url("/status/404"), server.url("/page")]
        results = await add_urls(lib, urls, on_result=lambda r, d, t: seen.append((r.status, d, t)))
    finally:
        lib.close()
    assert [r.status for r in results] == ["added", "failed"]  # the duplicate URL is dropped
    assert sorted(seen) == [("added", 1, 2), ("failed", 2, 2)] or sorted(seen) == [
        ("added", 2, 2),
        ("failed", 1, 2),
    ]
