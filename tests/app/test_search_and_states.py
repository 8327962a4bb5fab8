"""Pilot tests: search, states and tags, help, the palette, themes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from helpers import settle

from tuireader.app.keymap import KEYS
from tuireader.app.screens.help import HelpScreen
from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.reader import ReaderView


def flags(path: Path, article_id: int) -> tuple[int, int, int]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT read, starred, archived FROM article WHERE id=?", (article_id,)
        ).fetchone()


async def search(pilot, query: str) -> None:
    await pilot.press("slash")
    await pilot.press(*query)
    await pilot.press("enter")
    await settle(pilot)


async def test_search_replaces_the_list_and_escape_brings_it_back(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j", "j")
        await search(pilot, "second")
        assert articles.in_search and articles.row_height == 2
        assert articles.total == 7  # every sample article has "second point"; so do comments
        assert articles.result.terms == (("second", False),)
        assert app.screen.pane_title("list").title == "Search (7)"
        assert "results for: second" in str(app.screen.query_one("#list-status").render())
        assert app.focused is articles
        await pilot.press("escape")
        assert not articles.in_search and articles.cursor == 2 and articles.total == 8


async def test_a_search_keeps_the_best_hits_and_says_so(make, monkeypatch) -> None:
    from tuireader.app import backend

    monkeypatch.setattr(backend, "SEARCH_LIMIT", 3)  # the app keeps the best 100 hits
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await search(pilot, "second")  # in all 7 sample articles
        assert articles.total == 3 and articles.result.capped
        assert app.screen.pane_title("list").title == "Search (best 3)"


async def test_search_operators_and_snippets(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await search(pilot, "is:starred")
        assert [articles.row(i).title for i in range(articles.total)] == [
            "Sample article 3: terminals and reading"
        ]
        await pilot.press("escape")
        await search(pilot, "agree in:comments")
        hit = articles.current_hit
        assert hit.where == "comment" and "\ue000" in hit.snippet
        strip = articles.render_line(1)  # the snippet line of the first hit
        text = "".join(seg.text for seg in strip)
        assert "in a comment:" in text and "agree" in text and "\ue000" not in text


async def test_bad_queries_warn_and_the_app_keeps_running(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "is:bogus")
        assert any("unknown filter" in n.message for n in app._notifications)
        await search(pilot, '"AND NEAR( * -x')
        assert app.is_running


async def test_opening_a_result_highlights_matches_and_n_moves_between_them(make) -> None:
    app = make()
    async with app.run_test(size=(80, 30)) as pilot:
        await settle(pilot)
        await search(pilot, "reading")
        articles = app.screen.query_one(ArticleList)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        assert reader.article.id == articles.current.id
        match_lines = [
            i for i, line in enumerate(reader.lines) if "reading" in line.text.plain.lower()
        ]
        assert len(match_lines) >= 2
        strip = reader._render_document_line(match_lines[0])
        match_style = reader.style_of("reader.match")
        assert any(s.text.lower() == "reading" and s.style == match_style for s in strip)
        await pilot.press("n")
        assert reader.scroll_y == min(match_lines[1], reader.max_scroll_y)
        await pilot.press("N")
        assert reader.scroll_y == match_lines[0]
        # From the list, n and N step through the results.
        await pilot.press("h", "n")
        assert articles.cursor == 1
        await pilot.press("N")
        assert articles.cursor == 0


async def test_star_read_archive_update_the_store_and_the_row(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        generation = articles.cache.generation
        article_id = articles.current.id
        assert flags(library_path, article_id) == (0, 0, 0)
        await pilot.press("s")
        await settle(pilot)
        assert articles.current.starred and flags(library_path, article_id) == (0, 1, 0)
        await pilot.press("r")
        await settle(pilot)
        assert articles.current.read and flags(library_path, article_id) == (1, 1, 0)
        await pilot.press("a")
        await settle(pilot)
        assert articles.current.archived and flags(library_path, article_id) == (1, 1, 1)
        await pilot.press("s", "r", "a")
        await settle(pilot)
        assert flags(library_path, article_id) == (0, 0, 0)
        assert articles.cache.generation == generation  # no reload happened
        text = "".join(seg.text for seg in articles.render_line(0))
        assert text.startswith(" ●   Sample article 7")
        header = str(app.screen.query_one("#header").render())
        assert "6 unread · 1 starred · 1 archived" in header


async def test_states_apply_to_the_open_article_from_the_reader(make, library_path) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ReaderView)
        article_id = reader.article.id
        await pilot.press("s")
        await settle(pilot)
        assert flags(library_path, article_id) == (1, 1, 0) and reader.article.starred
        await pilot.press("r")  # read → unread again
        await settle(pilot)
        assert flags(library_path, article_id) == (0, 1, 0)


async def test_tags_are_edited_in_a_prompt(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        field = app.screen.query_one("#prompt-input")
        assert field.value == "reading, terminal"
        field.value = "reading, [bold]new[/bold]"
        await pilot.press("enter")
        await settle(pilot)
        backend = app.backend
        article_id = app.screen.query_one(ArticleList).current.id
        assert backend.article_tags(article_id) == ("[bold]new[/bold]", "reading")
        await pilot.press("t")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert backend.article_tags(article_id) == ("[bold]new[/bold]", "reading")


async def test_help_screen_lists_every_binding_with_live_keys(make) -> None:
    from tuireader.app.config import Settings

    app = make(config=Settings(keys={"screen.archive": "A"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table")
        from rich.console import Console

        console = Console(width=110, record=True, file=__import__("io").StringIO())
        console.print(table.content)
        text = console.export_text()
        for spec in KEYS:
            assert spec.id in text
        archive = next(line for line in text.splitlines() if "screen.archive" in line)
        assert archive.strip().startswith("A ")
        await pilot.press("j", "k", "escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "q")
        await pilot.pause()
        assert app.is_running and not isinstance(app.screen, HelpScreen)


async def test_palette_lists_every_action_and_runs_them(make) -> None:
    from tuireader.app.commands import ActionsProvider, command_text

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = ActionsProvider(app.screen)
        found = [command_text(s) for s, _ in provider._commands()]
        # Keys of dialogs, the help screen, the note editor and selection mode work
        # only inside them; everything else is listed.
        panes = ("app", "screen", "list", "reader", "comments")
        expected = [command_text(s) for s in KEYS if s.id != "app.palette" and s.target in panes]
        assert len(expected) > 30
        assert found == expected
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"main screen: star")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(ArticleList).current.starred


async def test_ctrl_t_switches_light_and_dark(make) -> None:
    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "tuireader-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "tuireader-light"
        await pilot.press("ctrl+t")
        assert app.theme == "tuireader-dark"


async def test_a_comment_hit_selects_the_matching_comment(make) -> None:
    from tuireader.app.widgets.comment_tree import CommentTree

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await search(pilot, "detail in:comments")
        hit = app.screen.query_one(ArticleList).current_hit
        assert hit.where == "comment" and hit.comment_id is not None
        await pilot.press("enter")
        await settle(pilot)
        tree = app.screen.query_one(CommentTree)
        assert tree.cursor_node.data.id == hit.comment_id
        assert any("match is in a comment" in n.message for n in app._notifications)
