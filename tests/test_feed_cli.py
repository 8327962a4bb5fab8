"""`tuireader feed ...` and `tuireader sync` against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from httpserver import LiveServer, serve

from tuireader.importers.opml import parse_opml

FIXTURES = Path(__file__).parent / "fixtures"
RSS = "application/rss+xml"


def rss(title: str, items: list[tuple[str, str, str]], *, full: bool = False) -> str:
    """An RSS 2.0 feed: items are (title, link, body); the body is a short
    description, or content:encoded when *full*."""
    parts = []
    for item_title, link, body in items:
        if full:
            text = f"<content:encoded>{escape(body)}</content:encoded>"
        else:
            text = f"<description>{escape(body)}</description>"
        parts.append(
            f"<item><title>{escape(item_title)}</title><link>{escape(link)}</link>"
            f"<guid>{escape(link)}</guid>{text}</item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{escape(title)}</title><link>https://{title.lower().replace(' ', '')}.example/"
        f"</link>{''.join(parts)}</channel></rss>"
    )


LONG = "<p>" + "A full entry body with enough words to count as the whole article. " * 12 + "</p>"


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with serve() as live:
        yield live


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "feeds.db")


def run_json(cli, db: str, *args: str, code: int = 0):  # type: ignore[no-untyped-def]
    result = cli("--db", db, "--no-sample", *args, "--json")
    assert result.exit_code == code, result.stderr
    return json.loads(result.stdout)


def _articles(db: str) -> list[tuple[str, str, int | None, int]]:
    with sqlite3.connect(db) as con:
        return con.execute(
            "SELECT title, site, source_id, pending FROM article ORDER BY title"
        ).fetchall()


def test_feed_add_then_sync_twice_uses_the_etag(cli, db: str, server: LiveServer) -> None:
    items = [(f"Entry {n}", f"https://blog.example/{n}", LONG) for n in (1, 2, 3)]
    server.route("/feed.xml", rss("Good Blog", items, full=True), content_type=RSS, etag='"v1"')
    added = cli("--db", db, "--no-sample", "feed", "add", server.url("/feed.xml"))
    assert added.exit_code == 0, added.stderr
    assert added.stdout.splitlines() == [
        "following feed 1: Good Blog",
        "Good Blog: 3 new, 0 updated",
    ]
    assert _articles(db) == [(f"Entry {n}", "Good Blog", 1, 0) for n in (1, 2, 3)]
    # Unchanged: the server answers 304 to the stored ETag; nothing is written.
    first = run_json(cli, db, "sync")
    assert [f["status"] for f in first["feeds"]] == ["not_modified"]
    assert server.requests[-1][1].get("If-None-Match") == '"v1"'
    # The feed changes: one new entry; the others are found again, not duplicated.
    items.append(("Entry 4", "https://blog.example/4", LONG))
    server.route("/feed.xml", rss("Good Blog", items, full=True), content_type=RSS, etag='"v2"')
    second = run_json(cli, db, "sync")["feeds"][0]
    assert second["status"] == "synced" and len(second["new"]) == 1 and len(second["updated"]) == 3
    third = run_json(cli, db, "sync")["feeds"][0]
    assert third["status"] == "not_modified"
    assert server.requests[-1][1].get("If-None-Match") == '"v2"'
    assert len(_articles(db)) == 4
    listed = run_json(cli, db, "feed", "list")
    assert listed[0]["articles"] == 4 and listed[0]["last_error"] is None
    assert listed[0]["last_synced"] is not None


def test_last_modified_is_sent_back(cli, db: str, server: LiveServer) -> None:
    stamp = "Wed, 01 May 2024 10:00:00 GMT"
    body = rss("Dated", [("One", "https://dated.example/1", LONG)], full=True)
    server.route("/dated.xml", body, content_type=RSS, last_modified=stamp)
    run_json(cli, db, "feed", "add", server.url("/dated.xml"))
    assert run_json(cli, db, "sync")["feeds"][0]["status"] == "not_modified"
    assert server.requests[-1][1].get("If-Modified-Since") == stamp


def test_a_broken_feed_does_not_stop_the_others(cli, db: str, server: LiveServer) -> None:
    names = {"a": "Alpha", "b": "Beta", "c": "Gamma", "d": "Delta"}
    for key, title in names.items():
        body = rss(title, [(f"{key}1", f"https://{key}.example/1", LONG)], full=True)
        server.route(f"/{key}.xml", body, content_type=RSS)
        run_json(cli, db, "feed", "add", server.url(f"/{key}.xml"))
    body = rss("Alpha", [("a2", "https://a.example/2", LONG)], full=True)
    server.route("/a.xml", body, content_type=RSS)
    server.route("/b.xml", b"<html><body><p>We moved!</p></body></html>", content_type="text/html")
    server.route("/c.xml", b"", status=500)
    server.route("/d.xml", b'<?xml version="1.0"?><note>hi</note>', content_type="text/xml")
    result = cli("--db", db, "--no-sample", "sync")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Alpha: 1 new, 0 updated",
        "4 feeds: 1 new, 0 updated, 0 not modified, 3 failed",
    ]
    assert sorted(result.stderr.splitlines()) == [
        "error: Beta: not a feed (text/html)",
        "error: Delta: not an RSS or Atom feed",
        "error: Gamma: HTTP 500 Internal Server Error",
    ]
    errors = {f["title"]: f["last_error"] for f in run_json(cli, db, "feed", "list")}
    assert errors == {
        "Alpha": None,
        "Beta": "not a feed (text/html)",
        "Delta": "not an RSS or Atom feed",
        "Gamma": "HTTP 500 Internal Server Error",
    }
    assert {t for t, *_ in _articles(db)} == {"a1", "a2", "b1", "c1", "d1"}
    # The server mends: the next sync of that feed clears its stored error.
    body = rss("Gamma", [("c1", "https://c.example/1", LONG)], full=True)
    server.route("/c.xml", body, content_type=RSS)
    assert cli("--db", db, "--no-sample", "sync", server.url("/c.xml")).exit_code == 0
    errors = {f["title"]: f["last_error"] for f in run_json(cli, db, "feed", "list")}
    assert errors["Gamma"] is None and errors["Beta"] == "not a feed (text/html)"


def test_summary_only_entries_pending_or_full_text(cli, db: str, server: LiveServer) -> None:
    items = [
        ("Cassette deck", server.url("/wpdiscuz"), "A short summary."),
        ("Lighthouses", server.url("/page"), "Another short one."),
        ("Gone", server.url("/status/404"), "This page is gone."),
    ]
    server.route("/summary.xml", rss("Summaries", items), content_type=RSS)
    added = run_json(cli, db, "feed", "add", server.url("/summary.xml"), "--tag", "workshop")
    assert added["pending"] == 3 and added["full_text"] == 0
    assert [p for *_, p in _articles(db)] == [1, 1, 1]
    synced = run_json(cli, db, "sync", "--full-text")["feeds"][0]
    assert synced["full_text"] == 2 and synced["pending"] == 1
    assert synced["warnings"] == [
        "the full text of 1 entries could not be fetched "
        "(`tuireader fetch-pending --retry-failed` tries again)"
    ]
    listed = {a["title"]: a for a in run_json(cli, db, "list")["articles"]}
    deck = run_json(
        cli, db, "show", str(listed["Bringing a 1978 cassette deck back to life"]["id"])
    )
    assert len(deck["comments"]) == 5 and deck["site"] == "Summaries"
    assert deck["tags"] == ["workshop"] and deck["pending"] is False
    gone = run_json(cli, db, "show", str(listed["Gone"]["id"]))
    assert gone["pending"] is True and gone["fetch_error"] == "HTTP 404 Not Found"
    assert gone["body"] == "This page is gone."
    assert len(_articles(db)) == 3  # the full pages replaced their entries
    # A second full-text sync fetches only what is still pending.
    before = server.hits("/summary.xml")
    again = run_json(cli, db, "sync", "--full-text")["feeds"][0]
    assert server.hits("/summary.xml") == before + 1
    assert again["full_text"] == 0 and len(again["updated"]) == 3 and len(_articles(db)) == 3
    pages = [p for p, _ in server.requests if p in ("/wpdiscuz", "/page")]
    assert len(pages) == 2


def test_feed_add_finds_the_feed_a_page_names(cli, db: str, server: LiveServer) -> None:
    server.route(
        "/news.xml", rss("News", [("N1", "https://n.example/1", LONG)], full=True), content_type=RSS
    )
    server.route(
        "/home",
        '<!DOCTYPE html><html><head><title>Home</title><link rel="alternate" '
        'type="application/rss+xml" href="/news.xml"></head><body><p>hi</p></body></html>',
    )
    added = run_json(cli, db, "feed", "add", server.url("/home"))
    assert added["feed_url"] == server.url("/news.xml") and added["created"] is True
    again = cli("--db", db, "--no-sample", "feed", "add", server.url("/news.xml"))
    assert again.stdout.startswith("already following feed 1: News")
    plain = cli("--db", db, "--no-sample", "feed", "add", server.url("/page"))
    assert plain.exit_code == 1
    assert plain.stderr.strip() == (
        f"error: {server.url('/page')}: not a feed, and the page names no RSS or Atom feed"
    )
    assert len(run_json(cli, db, "feed", "list")) == 1


def test_feed_remove_keeps_the_articles(cli, db: str, server: LiveServer) -> None:
    server.route(
        "/r.xml",
        rss("Removable", [("R1", "https://r.example/1", LONG)], full=True),
        content_type=RSS,
    )
    run_json(cli, db, "feed", "add", server.url("/r.xml"))
    removed = cli("--db", db, "--no-sample", "feed", "remove", server.url("/r.xml"))
    assert removed.stdout.strip() == "removed feed 1: Removable (1 articles kept)"
    assert run_json(cli, db, "feed", "list") == []
    assert _articles(db) == [("R1", "Removable", None, 0)]
    missing = cli("--db", db, "--no-sample", "feed", "remove", "7")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "error: no feed '7' (see `tuireader feed list`)"
    assert cli("--db", db, "--no-sample", "sync").stdout.startswith("no feeds to sync")


def test_opml_round_trip_through_the_cli(cli, db: str, tmp_path: Path) -> None:
    source = FIXTURES / "opml" / "subscriptions.opml"
    result = cli("--db", db, "--no-sample", "feed", "import-opml", str(source))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("3 feeds followed, 0 already followed, 3 skipped")
    assert "skipped: Local file: not an http(s) feed URL: file:///home/me/feed.xml" in result.stderr
    feeds = {f["title"]: f for f in run_json(cli, db, "feed", "list")}
    assert feeds["Snake News"]["categories"] == ["Tech", "Python"]
    assert feeds["Kernel Log"]["categories"] == ["Tech", "linux", "os", "low-level"]
    assert feeds["Cooking <daily>"]["feed_url"] == "http://cook.example.net/rss?a=1&b=2"
    assert feeds["Cooking <daily>"]["site_url"] is None  # javascript: dropped
    out = tmp_path / "out.opml"
    assert cli("--db", db, "--no-sample", "feed", "export-opml", "--out", str(out)).exit_code == 0
    exported = parse_opml(out.read_bytes())
    assert {(f.title, f.xml_url, tuple(f.categories)) for f in exported} == {
        (t, f["feed_url"], tuple(f["categories"])) for t, f in feeds.items()
    }
    # Into a fresh library through `import` (content-sniffed); then again: nothing new.
    other = str(tmp_path / "other.db")
    imported = run_json(cli, other, "import", str(out))
    assert len(imported["feeds"]) == 3 and imported["imported"] == []
    again = run_json(cli, other, "import", str(out))
    assert again["feeds"] == [] and len(again["feeds_known"]) == 3

    def shape(rows: list[dict]) -> set[tuple]:
        return {(f["title"], f["feed_url"], f["site_url"], tuple(f["categories"])) for f in rows}

    assert shape(run_json(cli, other, "feed", "list")) == shape(list(feeds.values()))
    # Refuses to overwrite without --force.
    clash = cli("--db", db, "--no-sample", "feed", "export-opml", "--out", str(out))
    assert clash.exit_code == 1 and "exists (use --force" in clash.stderr
    stdout = cli("--db", db, "--no-sample", "feed", "export-opml")
    assert stdout.stdout.startswith("<?xml") and "Snake News" in stdout.stdout


def test_sync_with_opml_categories_tags_the_entries(cli, db: str, server: LiveServer, tmp_path):
    server.route(
        "/t.xml", rss("Tagged", [("T1", "https://t.example/1", LONG)], full=True), content_type=RSS
    )
    opml = tmp_path / "subs.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>'
        f'<outline text="Reading"><outline type="rss" text="Tagged" xmlUrl="{server.url("/t.xml")}"'
        ' category="/slow"/></outline></body></opml>',
        encoding="utf-8",
    )
    assert cli("--db", db, "--no-sample", "import", str(opml)).exit_code == 0
    assert cli("--db", db, "--no-sample", "sync").exit_code == 0
    shown = run_json(cli, db, "show", "1")
    assert shown["title"] == "T1" and shown["tags"] == ["Reading", "slow"]
    assert shown["site"] == "Tagged"


def test_a_backup_restores_the_feeds(cli, db: str, tmp_path: Path) -> None:
    source = FIXTURES / "opml" / "subscriptions.opml"
    assert cli("--db", db, "--no-sample", "feed", "import-opml", str(source)).exit_code == 0
    backup = tmp_path / "backup.json"
    assert cli("--db", db, "--no-sample", "export", "--out", str(backup)).exit_code == 0
    restored = str(tmp_path / "restored.db")
    result = run_json(cli, restored, "import", str(backup))  # feeds only, no articles
    assert len(result["feeds"]) == 3

    def shape(rows: list[dict]) -> set[tuple]:
        return {(f["title"], f["feed_url"], f["site_url"], tuple(f["categories"])) for f in rows}

    assert shape(run_json(cli, restored, "feed", "list")) == shape(
        run_json(cli, db, "feed", "list")
    )
