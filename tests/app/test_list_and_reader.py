"""Pilot tests: the list's keys, opening articles, the reader's keys, positions."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import settle

from tuireader.app.config import Settings
from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.reader import ReaderView


def db_row(path: Path, sql: str, *args: object) -> tuple:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql, args).fetchone()


async def test_list_loads_in_date_order_with_a_position_count(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 8
        titles = [articles.row(i).title for i in range(8)]
        assert titles[0].startswith("Sample article 7") and titles[-1].startswith("Hostile")
        status = app.screen.query_one("#list-status").render()
        assert "1 / 8" in str(status) and "by date" in str(status)
        assert str(app.screen.query_one("#header").render()).count("8 articles") == 1


async def test_list_movement_keys(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j", "down")
        assert articles.cursor == 2
        await pilot.press("k")
        assert articles.cursor == 1
        await pilot.press("up", "up")
        assert articles.cursor == 0
        await pilot.press("G")
        assert articles.cursor == 7
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("end")
        assert articles.cursor == 7
        await pilot.press("home", "pagedown")
        assert articles.cursor == 7  # one screen is more than 8 rows
        await pilot.press("pageup")
        assert articles.cursor == 0
        await pilot.press("space")
        assert articles.cursor == 7
        await pilot.press("b")
        assert articles.cursor == 0


@pytest.mark.parametrize("line_scroll", [False, True])
async def test_the_list_scrolls_by_half_a_page_unless_line_scroll(make, line_scroll) -> None:
    app = make(config=Settings(line_scroll=line_scroll))
    async with app.run_test(size=(80, 10)) as pilot:  # a few rows of the 8 show
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        view = articles.scrollable_content_region.height
        assert 2 <= view < 8
        await pilot.press(*["j"] * (view - 1))
        assert articles.cursor == view - 1 and articles.scroll_y == 0  # still on screen
        await pilot.press("j")  # one row past the bottom
        await pilot.pause()
        expected = view - view // 2 if not line_scroll else 1
        assert articles.scroll_y == min(expected, articles.max_scroll_y)
        await pilot.press("g")
        await pilot.pause()
        assert articles.cursor == 0 and articles.scroll_y == 0


async def test_cursor_move_repaints_only_the_two_rows(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        refreshed: list[tuple[int, int]] = []
        original = articles.refresh_lines
        articles.refresh_lines = lambda y, n=1: (refreshed.append((y, n)), original(y, n))  # type: ignore[method-assign]
        await pilot.press("j")
        assert refreshed == [(0, 1), (1, 1)]


async def test_enter_opens_the_article_marks_it_read_and_focuses_the_reader(
    make, library_path
) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        summary = articles.current
        assert not summary.read
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        assert app.focused is reader
        assert reader.article.id == summary.id and reader.complete
        text = " ".join(" ".join(line.text.plain for line in reader.lines).split())
        assert summary.title in text and "Links" in text
        assert articles.row(0).read  # the marker changed without a reload
        assert db_row(library_path, "SELECT read FROM article WHERE id=?", summary.id) == (1,)
        assert db_row(
            library_path, "SELECT last_opened IS NOT NULL FROM article WHERE id=?", summary.id
        ) == (1,)


async def test_mark_read_on_open_can_be_turned_off(make, library_path) -> None:
    app = make(config=Settings(mark_read_on_open=False))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        summary = app.screen.query_one(ArticleList).current
        await pilot.press("enter")
        await settle(pilot)
        assert db_row(library_path, "SELECT read FROM article WHERE id=?", summary.id) == (0,)


async def test_reader_scroll_keys(make) -> None:
    app = make()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        assert reader.max_scroll_y > 5
        await pilot.press("j", "down")
        assert reader.scroll_y == 2
        await pilot.press("k")
        assert reader.scroll_y == 1
        await pilot.press("G")
        assert reader.scroll_y == reader.max_scroll_y
        await pilot.press("g")
        assert reader.scroll_y == 0
        await pilot.press("space")
        assert reader.scroll_y > 5
        await pilot.press("b")
        assert reader.scroll_y == 0
        await pilot.press("pagedown", "pageup", "end")
        assert reader.scroll_y == reader.max_scroll_y
        await pilot.press("home")
        assert reader.scroll_y == 0


async def test_reading_position_is_saved_on_leave_and_restored(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("G", "k", "k", "enter")  # Sample article 2
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        first = reader.article.id
        for _ in range(12):
            await pilot.press("j")
        offset = reader.top_offset()
        assert offset > 0
        await pilot.press("h", "j", "enter")  # back to the list, open another one
        await settle(pilot)
        assert reader.article.id != first
        assert db_row(library_path, "SELECT reading_position FROM article WHERE id=?", first) == (
            offset,
        )
        await pilot.press("h", "k", "enter")
        await settle(pilot)
        assert reader.article.id == first
        assert reader.scroll_y == 12
        assert reader.top_offset() == offset


async def test_quit_saves_the_reading_position(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        article_id = reader.article.id
        for _ in range(8):
            await pilot.press("j")
        offset = reader.top_offset()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
    assert db_row(library_path, "SELECT reading_position FROM article WHERE id=?", article_id) == (
        offset,
    )


async def test_sort_view_and_filter(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("S")  # by title
        await settle(pilot)
        assert articles.spec.sort == "title"
        assert articles.row(0).title.startswith("Hostile")
        await pilot.press("S", "S")  # site, back to date
        await settle(pilot)
        assert articles.spec.sort == "date"
        await pilot.press("v")  # unread
        await settle(pilot)
        assert articles.spec.view == "unread" and articles.total == 6
        await pilot.press("v", "v")  # starred, archived
        await settle(pilot)
        assert articles.spec.view == "archived" and articles.total == 1
        await pilot.press("v")
        await settle(pilot)
        assert articles.spec.view == "all" and articles.total == 8
        await pilot.press("F")
        await settle(pilot)
        options = app.screen.query_one("#choices")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert "Tag: terminal (4)" in labels and "Site: hostile.example (1)" in labels
        options.highlighted = labels.index("Tag: terminal (4)")
        await pilot.press("enter")
        await settle(pilot)
        assert articles.spec.tag == "terminal" and articles.total == 4
        await pilot.press("F", "escape")
        await settle(pilot)
        assert articles.spec.tag == "terminal"


async def test_follow_link_copies_when_no_local_display(make, monkeypatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "1.2.3.4 5 6.7.8.9 22")
    app = make()
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f")
        await pilot.press("2", "enter")
        await pilot.pause()
        assert opened == []
        assert app.clipboard == "http://example.com/7"
        await pilot.press("f", "9", "9", "enter")
        await pilot.pause()
        assert "No link 99" in [n.message for n in app._notifications]
        await pilot.press("o")
        assert app.clipboard == "https://example.org/articles/7"


async def test_follow_link_opens_a_browser_with_a_local_display(make, monkeypatch) -> None:
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")
    app = make()
    opened: list[str] = []
    app.open_url = lambda url, **kw: opened.append(url)  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G", "enter")  # the hostile article: file: and javascript: links
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        # markdown-it refuses file: and javascript: links: they stay visible text.
        assert reader.links == ["smb://evil.example/share"]
        text = " ".join(line.text.plain for line in reader.lines)
        assert "[click me](file:///etc/passwd)" in text
        await pilot.press("f", "1", "enter")
        await pilot.pause()
        assert opened == [] and app.clipboard == "smb://evil.example/share"
        await pilot.press("o")
        assert opened == ["https://hostile.example/a"]
