"""Hostile text in every pane: shown literally, never run, never reaching the terminal raw.

The fixture's hostile article puts markup (``[@click=app.quit]``, ``[/]``,
``[link=file:///etc/passwd]``), OSC 52 / 8 / 0, ``ESC[2J``, DCS, C1, NUL and RLO
in its title, body, author, a comment author and a comment.  The import strips
the control characters; a second test writes raw bytes straight into the
database to prove the widgets strip them again at render time.
"""

from __future__ import annotations

import sqlite3

from helpers import hostile_text, screen_segments, screen_text, settle

from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.comment_tree import CommentTree
from tuireader.app.widgets.reader import ReaderView
from tuireader.text import UNSAFE_CHARS

MARKUP = ("[@click=app.quit]click[/]", "[link=file:///etc/passwd]pw[/link]")


def assert_screen_is_inert(app) -> None:
    for seg in screen_segments(app):
        assert not UNSAFE_CHARS.intersection(seg.text), repr(seg.text)
        style = seg.style
        if style is not None:
            assert not style.link, style  # no hyperlink made from text
            assert "@click" not in (style.meta or {}), style.meta


async def open_hostile(pilot) -> None:
    await settle(pilot)
    await pilot.press("G", "enter")
    await settle(pilot)


async def test_hostile_text_shows_literally_in_every_pane(make) -> None:
    app = make()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_hostile(pilot)
        text = screen_text(app)
        # the list row, the reader's title and byline, the comment tree and the detail
        assert "\n│     Hostile [@click=app.quit]click[/]" in text  # the list row
        assert "│ Hostile [@click=app.quit]click[/] [/]" in text
        assert "Mallory [@click=app.quit]" in text
        assert "Eve [@click=app.quit]" in text
        reader = app.screen.query_one(ReaderView)
        body = " ".join(line.text.plain for line in reader.lines)
        for piece in MARKUP:
            assert piece in body
        assert "[bold]not bold[/bold]" in " ".join(c.text for c in reader.article.comments)
        assert_screen_is_inert(app)
        await pilot.press("tab")  # from the reader to the comments
        await pilot.press("j")
        detail = app.screen.query_one("#comment-detail").plain
        assert "reply [bold]not bold[/bold]" in detail
        await pilot.press("k")
        detail = app.screen.query_one("#comment-detail").plain
        assert "Comment [@click=app.quit]click[/] [/]" in detail
        assert_screen_is_inert(app)
        assert app.is_running


async def test_clicking_hostile_text_runs_no_action(make, tmp_path, monkeypatch) -> None:
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)  # where a markup-made screenshot action would write
    app = make()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_hostile(pilot)
        text = screen_text(app).splitlines()
        for y, line in enumerate(text):
            x = line.find("[@click")
            if x >= 0:
                await pilot.click(offset=(x + 3, y))
                await pilot.pause()
        assert app.is_running and app.return_code is None
        assert list(cwd.iterdir()) == []


async def test_hostile_search_snippets_tags_and_notifications(make) -> None:
    app = make()
    async with app.run_test(size=(160, 50)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"Mallory", "enter")
        await settle(pilot)
        await pilot.press("slash", *"click", "enter")
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total >= 1
        assert_screen_is_inert(app)
        await pilot.press("escape", "G", "t")
        await settle(pilot)
        field = app.screen.query_one("#prompt-input")
        field.value = "[@click=app.quit]x[/], [link=file:///etc/passwd]t"
        await pilot.press("enter")
        await settle(pilot)
        saved = [n for n in app._notifications if n.title == "Tags saved"]
        assert saved and "[@click=app.quit]x[/]" in saved[-1].message and not saved[-1].markup
        await pilot.press("F")
        await settle(pilot)
        assert_screen_is_inert(app)
        assert "Tag: [@click=app.quit]x[/] (1)" in screen_text(app)
        await pilot.press("escape")
        assert app.is_running


async def test_raw_bytes_past_the_importer_are_stripped_at_render(make, library_path) -> None:
    raw = hostile_text()
    assert "\x1b" in raw and "\x00" in raw and "\u009b" in raw and "\u202e" in raw
    with sqlite3.connect(library_path) as conn:
        (article_id,) = conn.execute(
            "SELECT id FROM article WHERE site='hostile.example'"
        ).fetchone()
        conn.execute(
            "UPDATE article SET title=?, author=?, body_markdown=?, text=?, site=? WHERE id=?",
            ("Raw " + raw, "Raw " + raw, "# Raw " + raw + "\n\n" + raw, raw, raw, article_id),
        )
        conn.execute(
            "UPDATE comment SET author=?, text=? WHERE article_id=?", (raw, raw, article_id)
        )
    app = make()
    async with app.run_test(size=(160, 50)) as pilot:
        await open_hostile(pilot)
        reader = app.screen.query_one(ReaderView)
        assert "\x1b" in reader.article.title  # the store handed the raw bytes over
        tree = app.screen.query_one(CommentTree)
        assert "\x1b" in tree.comments[0].author
        assert "Raw [@click=app.quit]click[/]" in screen_text(app)
        assert_screen_is_inert(app)
        await pilot.press("tab", "j", "k")
        assert_screen_is_inert(app)
        assert app.is_running
