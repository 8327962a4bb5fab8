"""The keymap table, the config file, and user overrides reaching the live app."""

from __future__ import annotations

from pathlib import Path

from helpers import settle
from textual.binding import Binding

from tuireader.app.config import Settings, load_settings
from tuireader.app.keymap import KEYS, TARGETS, key_display, keys_for
from tuireader.app.screens.help import help_table
from tuireader.app.screens.main import MainScreen
from tuireader.app.widgets.article_list import ArticleList
from tuireader.app.widgets.comment_tree import CommentTree
from tuireader.app.widgets.reader import ReaderView


def test_every_binding_of_the_app_has_an_id_in_the_table() -> None:
    from tuireader.app.app import ReaderApp
    from tuireader.app.screens.help import HelpScreen
    from tuireader.app.screens.prompts import TextPrompt

    ids = {k.id for k in KEYS}
    for cls in (
        ReaderApp,
        MainScreen,
        ArticleList,
        ReaderView,
        CommentTree,
        HelpScreen,
        TextPrompt,
    ):
        for binding in cls.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id in ids, (cls.__name__, binding)
    assert {k.target for k in KEYS} == set(TARGETS)


def test_every_action_exists_on_its_target() -> None:
    from tuireader.app.app import ReaderApp
    from tuireader.app.screens.help import HelpScreen

    targets = {
        "app": ReaderApp,
        "screen": MainScreen,
        "list": ArticleList,
        "reader": ReaderView,
        "comments": CommentTree,
        "help": HelpScreen,
    }
    for spec in KEYS:
        cls = targets.get(spec.target)
        if cls is not None:
            assert hasattr(cls, f"action_{spec.action}"), spec


def test_config_file_is_read_with_dotted_and_table_keys(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'theme = "tuireader-light"\nmark_read_on_open = false\nmouse = false\n'
        "line_scroll = true\n"
        '[keys]\n"screen.star" = "S, x"\nlist.down = "ctrl+n"\n'
        '[keys.reader]\nup = "ctrl+u"\n',
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded.warnings == []
    s = loaded.settings
    assert (s.theme, s.mark_read_on_open, s.mouse) == ("tuireader-light", False, False)
    assert s.line_scroll
    assert s.keys == {"screen.star": "S,x", "list.down": "ctrl+n", "reader.up": "ctrl+u"}


def test_bad_config_values_become_warnings(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('mouse = "yes"\ncolour = 1\n[keys]\n"no.such" = "x"\n"list.up" = 3\n')
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    text = " ".join(loaded.warnings)
    for part in ("mouse", "colour", "no.such", "list.up"):
        assert part in text
    path.write_text("this is = = not toml")
    assert load_settings(path).warnings[0].startswith("cannot read")
    assert load_settings(tmp_path / "missing.toml").warnings == []


def test_help_table_shows_the_overridden_keys() -> None:
    from rich.console import Console

    console = Console(width=140, record=True, file=__import__("io").StringIO())
    console.print(help_table({"screen.star": "x"}))
    text = console.export_text()
    star_line = next(line for line in text.splitlines() if "screen.star" in line)
    assert star_line.strip().startswith("x ")
    assert key_display("question_mark,slash") == "? / /"
    assert keys_for("screen.star", {}) == "s"


async def test_a_remapped_key_works_and_the_old_one_does_not(make) -> None:
    app = make(config=Settings(keys={"screen.star": "x", "list.down": "ctrl+n"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j")
        assert articles.cursor == 0
        await pilot.press("ctrl+n")
        assert articles.cursor == 1
        first = articles.current
        await pilot.press("s")
        await settle(pilot)
        assert not articles.current.starred
        await pilot.press("x")
        await settle(pilot)
        assert articles.current.starred and articles.current.id == first.id


async def test_config_file_warnings_are_shown_and_the_app_runs(make, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "no-such-theme"\n[keys]\n"bogus.id" = "x"\n')
    app = make(config=path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        messages = " ".join(n.message for n in app._notifications)
        assert "bogus.id" in messages and "no-such-theme" in messages
        assert app.theme == "tuireader-dark"
