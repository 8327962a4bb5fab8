"""Start-up: opening in a worker, failures shown, samples imported, worker errors reported."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXED_NOW, fixture_data, settle

from tuireader.app import make_app
from tuireader.app.config import Settings
from tuireader.app.screens.error import ErrorScreen
from tuireader.app.widgets.article_list import ArticleList

ROOT = Path(__file__).resolve().parents[2]


def new_app(url: str, **kw):
    kw.setdefault("config", Settings())
    return make_app(url, clock=lambda: FIXED_NOW, **kw)


async def test_not_a_library_shows_an_error_and_q_exits_with_it(tmp_path, capsys) -> None:
    bad = tmp_path / "notes.db"
    bad.write_bytes(b"just some text, not a database at all")
    app = new_app(f"sqlite:///{bad}", sample=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "not a tuireader library" in str(app.screen.query_one("#error-message").render())
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 1
    printed = " ".join(capsys.readouterr().err.split())
    assert printed.startswith("error: ") and "is not a tuireader library" in printed
    assert bad.read_bytes() == b"just some text, not a database at all"


async def test_a_library_from_a_newer_version_is_refused(library_path) -> None:
    with sqlite3.connect(library_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    app = new_app(f"sqlite:///{library_path}", sample=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "newer tuireader" in str(app.screen.query_one("#error-message").render())


async def test_a_missing_folder_is_reported(tmp_path) -> None:
    app = new_app(f"sqlite:///{tmp_path}/no/such/dir/lib.db", sample=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "does not exist" in str(app.screen.query_one("#error-message").render())


async def test_a_new_library_gets_the_samples(tmp_path, monkeypatch) -> None:
    samples = tmp_path / "samples"
    samples.mkdir()
    bundle = {"format": "tuireader-bundle", "articles": fixture_data()["articles"][:3]}
    (samples / "samples.json").write_text(json.dumps(bundle), encoding="utf-8")
    monkeypatch.setattr("tuireader.app.app.sample_data_dir", lambda: samples)
    app = new_app(f"sqlite:///{tmp_path}/new.db", sample=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.backend.created
        assert app.screen.query_one(ArticleList).total == 3
        assert any("3 imported" in n.message for n in app._notifications)
    # The second start finds the library made: no second import.
    app = new_app(f"sqlite:///{tmp_path}/new.db", sample=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.backend.created
        assert app.screen.query_one(ArticleList).total == 3


async def test_no_samples_without_the_option_or_the_folder(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr("tuireader.app.app.sample_data_dir", lambda: tmp_path / "absent")
    app = new_app(f"sqlite:///{tmp_path}/new.db", sample=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 0 and "Nothing here" in articles.message


async def test_a_failed_worker_is_a_notification_and_the_app_keeps_running(make) -> None:
    from tuireader.store.db import StoreError

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def broken(*_args, **_kwargs):
            raise StoreError("/tmp/x.db is read-only (attempt to write a readonly database)")

        app.backend.set_flag = broken
        app.backend.article = broken
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 2
        assert all("read-only" in n.message for n in errors)
        assert errors[0].title == "Could not complete: set flag"
        assert app.is_running
        reader = app.screen.query_one("#reader")
        assert "could not be opened" in reader._placeholder.plain
        await pilot.press("h", "j")
        assert app.screen.query_one(ArticleList).cursor == 2


def test_importing_the_app_and_the_cli_does_not_import_the_store() -> None:
    code = (
        "import sys, tuireader.cli, tuireader.app, tuireader.cli.run_app;"
        "bad = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic', 'markdown_it', 'trafilatura')"
        " if m in sys.modules]; print(','.join(bad))"
    )
    env = {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert out.stdout.strip() == ""


def test_plain_launch_options_skip_the_cli_only_for_a_plain_launch() -> None:
    from tuireader.launch import app_db_url, plain_launch_options

    assert plain_launch_options([]) == {"db": None, "sample": True, "mouse": True}
    assert plain_launch_options(["--db", "x.db", "--no-sample", "--no-mouse"]) == {
        "db": "x.db",
        "sample": False,
        "mouse": False,
    }
    assert plain_launch_options(["--db=y.db"])["db"] == "y.db"
    for other in (["list"], ["--help"], ["--version"], ["--db"], ["--db", "--no-sample"], ["-x"]):
        assert plain_launch_options(other) is None, other
    assert app_db_url("postgresql://u@h/db") == "postgresql://u@h/db"
    assert app_db_url("rel.db").startswith("sqlite:////") and app_db_url("rel.db").endswith(
        "rel.db"
    )


async def test_ctrl_r_reloads_the_list_and_counts(make, library_path) -> None:
    from tuireader.importers.model import ParsedArticle
    from tuireader.store.library import Library

    app = make()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        articles = app.screen.query_one(ArticleList)
        assert articles.total == 8
        library = Library.open(f"sqlite:///{library_path}")
        library.save_article(ParsedArticle(title="Arrived meanwhile", body_markdown="new"))
        library.close()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert articles.total == 9
        assert "9 articles" in str(app.screen.query_one("#header").render())


@pytest.mark.parametrize("early", [False, True])
async def test_first_page_shows_before_the_library_opens_and_enter_waits(
    make, monkeypatch, library_path, early
) -> None:
    """The newest rows show while the store loads; Enter then opens once the library is open.

    *early*: the page was read before the app started (as ``launch`` does).
    """
    import threading

    from tuireader.app.backend import Backend
    from tuireader.store.quicklist import read_in_background

    release = threading.Event()
    real_open = Backend.open.__func__  # type: ignore[attr-defined]

    def slow_open(cls, url):  # type: ignore[no-untyped-def]
        release.wait(30)
        return real_open(cls, url)

    monkeypatch.setattr(Backend, "open", classmethod(slow_open))
    future = read_in_background(f"sqlite:///{library_path}") if early else None
    if future is not None:
        future.result(timeout=30)
    app = make(first_page=future)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            if app.first_page is not None:
                break
        await pilot.pause()
        articles = app.screen.query_one(ArticleList)
        assert app.backend is None and articles.total == 8
        first = articles.current
        assert first is not None
        await pilot.press("j", "enter")
        await pilot.pause()
        assert app.backend is None and articles.cursor == 1
        release.set()
        await settle(pilot)
        reader = app.screen.query_one("#reader")
        assert app.backend is not None
        assert reader.article is not None and reader.article.id == articles.row(1).id
