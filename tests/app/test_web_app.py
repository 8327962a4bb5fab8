"""Pilot tests of the web actions: Add URL (key and palette), import, sync, fetch pending,
and the "what was stripped" view, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import screen_text, settle
from httpserver import LiveServer, serve
from textual.widgets import Input

from tuireader.app.commands import ActionsProvider, command_text
from tuireader.app.keymap import spec
from tuireader.app.screens.prompts import TextPrompt
from tuireader.app.screens.stripped import StrippedScreen
from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.comment_tree import CommentTree
from tuireader.importers.model import ParsedArticle
from tuireader.store.feeds import add_feed
from tuireader.store.library import Library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
RSS = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Workshop Feed</title>'
    "<link>https://workshop.example/</link>{items}</channel></rss>"
)
ITEM = "<item><title>{t}</title><link>https://workshop.example/{n}</link><description>{b}</description></item>"
LONG = "A complete entry, long enough to be the whole article. " * 12


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with serve() as live:
        yield live


def notes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.message for n in app._notifications]


def db_value(path: Path, sql: str) -> object:
    with sqlite3.connect(path) as con:
        return con.execute(sql).fetchone()[0]


async def submit(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into the open prompt and press Enter."""
    assert isinstance(pilot.app.screen, TextPrompt)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")


async def test_add_url_key_saves_the_page_with_its_thread_and_opens_it(
    make, server: LiveServer, library_path: Path
) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 8
        await pilot.press("plus")
        await pilot.pause()
        await submit(pilot, server.url("/wpdiscuz"))
        await settle(pilot)
        assert articles.total == 9
        assert "Added: Bringing a 1978 cassette deck back to life (5 comments)" in notes(app)
        main = app.screen
        assert main.reader.article is not None
        assert main.reader.article.title == "Bringing a 1978 cassette deck back to life"
        assert len(main.query_one(CommentTree).comments) == 5
        assert "8 articles" not in screen_text(app) and "9 articles" in screen_text(app)
    assert db_value(library_path, "SELECT count(*) FROM comment WHERE article_id = 9") == 5


async def test_add_url_failure_and_bad_address(make, server: LiveServer) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("plus")
        await pilot.pause()
        await submit(pilot, "ftp://files.example.com/x")
        await settle(pilot)
        assert "Not an http(s) address: ftp://files.example.com/x" in notes(app)
        await pilot.press("plus")
        await pilot.pause()
        await submit(pilot, f"{server.url('/status/404')} {server.url('/to-ftp')}")
        await settle(pilot)
        message = notes(app)[-1]
        assert message.startswith("0 added, 0 updated, 2 failed")
        assert f"{server.url('/status/404')}: HTTP 404 Not Found" in message
        assert "redirect to a non-http URL refused" in message
        assert app.screen.query_one(ArticleList).total == 8


async def test_palette_offers_the_web_commands(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = ActionsProvider(app.screen)
        texts = [command_text(s) for s, _node in provider._commands()]
        for binding_id in ("screen.add_url", "screen.sync", "screen.fetch_pending"):
            assert command_text(spec(binding_id)) in texts
        # Running the palette's "Add URL" opens the same prompt as the key.
        found = [(s, n) for s, n in provider._commands() if s.id == "screen.add_url"]
        await provider._run(*found[0])
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)


async def test_new_articles_appear_while_the_job_runs(make, server: LiveServer) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("plus")
        await pilot.pause()
        await submit(pilot, f"{server.url('/page')} {server.url('/slow?s=2')}")
        for _ in range(60):  # the fast page arrives while the slow one is still loading
            await asyncio.sleep(0.05)
            await pilot.pause()
            if articles.total == 9:
                break
        assert articles.total == 9
        assert "Adding 1/2" in str(app.screen.query_one("#header").render())
        assert not any("added" in n for n in notes(app))  # the job has not finished
        await settle(pilot)
        assert articles.total == 10
        assert "2 added, 0 updated, 0 failed" in notes(app)
        assert "Adding" not in str(app.screen.query_one("#header").render())


def _add_feed(library_path: Path, url: str) -> None:
    lib = Library.open(f"sqlite:///{library_path}")
    try:
        add_feed(lib.db, url, title="Workshop Feed")
        lib.save_article(
            ParsedArticle(title="Pending one", url="http://127.0.0.1:9/x", pending=True)
        )
    finally:
        lib.close()


async def test_sync_and_fetch_pending_keys(make, server: LiveServer, library_path: Path) -> None:
    items = "".join(ITEM.format(t=f"Entry {n}", n=n, b=LONG) for n in range(3))
    server.route("/workshop.xml", RSS.format(items=items), content_type="application/rss+xml")
    _add_feed(library_path, server.url("/workshop.xml"))
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 9
        await pilot.press("U")
        await settle(pilot)
        assert "1 feeds: 3 new, 0 updated, 0 not modified, 0 failed" in notes(app)
        assert articles.total == 12
        await pilot.press("P")
        await settle(pilot)
        message = notes(app)[-1]
        assert message.startswith("0 fetched, 1 failed (still pending)")
        assert "http://127.0.0.1:9/x: could not connect" in message
    error = db_value(library_path, "SELECT fetch_error FROM article WHERE title = 'Pending one'")
    assert str(error).startswith("could not connect")


async def test_import_key_imports_a_file(make, library_path: Path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await pilot.pause()
        await submit(pilot, str(FIXTURES / "services" / "pocket_malformed.csv"))
        await settle(pilot)
        message = notes(app)[-1]
        assert message.startswith("5 imported, 0 updated, 0 failed")
        assert "pocket_malformed.csv: line 3: not an http(s) URL: 'not a url'" in message
        assert app.screen.query_one(ArticleList).total == 13


async def test_import_can_be_turned_off(make) -> None:
    app = make()
    app.local_files = False  # type: ignore[attr-defined]  (server modes)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await pilot.pause()
        assert not isinstance(app.screen, TextPrompt)
        assert "Importing files is off in this session." in notes(app)


async def test_stripped_view(make, server: LiveServer, library_path: Path) -> None:
    from tuireader.webimport import add_urls

    lib = Library.open(f"sqlite:///{library_path}")
    try:
        await add_urls(lib, [server.url("/wpdiscuz")])
    finally:
        lib.close()
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        index = next(i for i in range(articles.total) if articles.row(i).id == 9)
        articles.move_cursor(index)
        await pilot.press("X")
        await settle(pilot)
        assert isinstance(app.screen, StrippedScreen)
        assert "[navigation]" in app.screen.report and "About the bench" in app.screen.report
        text = screen_text(app)
        assert "What was stripped: Bringing a 1978 cassette deck" in text
        assert "Stripped from the page:" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StrippedScreen)
        # An article imported without a page has nothing to compare with.
        articles.move_cursor(next(i for i in range(articles.total) if articles.row(i).id == 1))
        await pilot.press("X")
        await settle(pilot)
        assert not isinstance(app.screen, StrippedScreen)
        assert "article 1 has no saved page to compare with (no page was kept)" in notes(app)


async def test_served_to_someone_no_server_files_no_private_network(
    make, server: LiveServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TUIREADER_REMOTE", "ssh")  # as `tuireader serve ssh` runs it
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await pilot.pause()
        assert not isinstance(app.screen, TextPrompt)
        assert "Importing files is off in this session." in notes(app)
        await pilot.press("plus")
        await pilot.pause()
        await submit(pilot, server.url("/page"))
        await settle(pilot)
        message = notes(app)[-1]
        assert message.startswith("0 added, 0 updated, 1 failed")
        assert "refused: 127.0.0.1 is a local or private address (127.0.0.1)" in message
        assert app.screen.query_one(ArticleList).total == 8
