"""The app, told it is served (``TUIREADER_REMOTE``), does nothing on the server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tuireader.app import make_app
from tuireader.app.config import Settings
from tuireader.app.links import follow_url


@pytest.fixture
def app_url(sample_db: str) -> str:
    return sample_db


def _app(url: str) -> Any:
    return make_app(url, sample=False, config=Settings())


async def _ready(app: Any, pilot: Any) -> None:
    """Let the library open before the test leaves (its worker reports to the screen)."""
    for _ in range(100):
        if app.backend is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()


@pytest.mark.parametrize(("served", "listed"), [(None, True), ("ssh", False), ("web", True)])
async def test_screenshot_command_only_where_it_does_not_write_on_the_server(
    app_url: str, monkeypatch: pytest.MonkeyPatch, served: str | None, listed: bool
) -> None:
    monkeypatch.delenv("TUIREADER_REMOTE", raising=False)
    if served:
        monkeypatch.setenv("TUIREADER_REMOTE", served)
    app = _app(app_url)
    async with app.run_test() as pilot:
        await _ready(app, pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    assert ("Screenshot" in titles) is listed
    assert "Quit" in titles


async def test_served_over_ssh_no_screenshot_file_no_suspend(
    app_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TUIREADER_REMOTE", "ssh")
    sent: list[tuple[int, int]] = []
    monkeypatch.setattr(os, "kill", lambda pid, sig: sent.append((pid, sig)))
    shots = tmp_path / "shots"
    shots.mkdir()
    app = _app(app_url)
    async with app.run_test() as pilot:
        await _ready(app, pilot)
        assert app.deliver_screenshot(path=str(shots)) is None
        app.action_suspend_process()
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
    assert list(shots.iterdir()) == []
    assert sent == []  # no SIGTSTP
    assert any("Screenshots are off" in m for m in messages)
    assert any("Suspending is off" in m for m in messages)


async def test_locally_a_screenshot_is_still_saved(
    app_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("TUIREADER_REMOTE", raising=False)
    app = _app(app_url)
    async with app.run_test() as pilot:
        await _ready(app, pilot)
        app.deliver_screenshot(filename="shot.svg", path=str(tmp_path))
        for _ in range(50):
            await pilot.pause(0.1)
            if (tmp_path / "shot.svg").is_file():
                break
    assert (tmp_path / "shot.svg").read_text().startswith("<svg")


@pytest.mark.parametrize("served", ["ssh", "web"])
async def test_a_served_app_never_opens_a_browser_on_the_server(
    app_url: str, monkeypatch: pytest.MonkeyPatch, served: str
) -> None:
    monkeypatch.setenv("TUIREADER_REMOTE", served)
    monkeypatch.setenv("DISPLAY", ":0")  # the server has a display: still not the reader's
    for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    app = _app(app_url)
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test() as pilot:
        await _ready(app, pilot)
        done = follow_url(app, "https://example.org/a")
    # Over SSH: copied (OSC 52), never opened. On the web (not is_web in a test run): the same.
    assert done == "copied" and opened == []
    assert app.clipboard == "https://example.org/a"
