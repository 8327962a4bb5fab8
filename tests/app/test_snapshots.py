"""SVG snapshots (pytest-textual-snapshot) of the main screens, with fixed data and clock.

Update them after an intended change with ``pytest tests/app/test_snapshots.py
--snapshot-update`` and look at the report before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from helpers import settle

Steps = Callable[..., Awaitable[None]]


def steps(*keys: str) -> Steps:
    """Press *keys* one group at a time ("|" separates groups), waiting for the workers."""

    async def run(pilot) -> None:
        await settle(pilot)
        for group in " ".join(keys).split("|"):
            if group.strip():
                await pilot.press(*group.split())
                await settle(pilot)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run


def test_main_screen_wide(make, snap_compare) -> None:
    """120x40: three panes; Sample article 1 open, its comments beside it."""
    assert snap_compare(make(), terminal_size=(120, 40), run_before=steps("G k enter"))


def test_main_screen_medium(make, snap_compare) -> None:
    """100x30: list and reader."""
    assert snap_compare(make(), terminal_size=(100, 30), run_before=steps("j enter"))


def test_main_screen_medium_comments(make, snap_compare) -> None:
    """100x30: the comments toggled with c in place of the reader."""
    assert snap_compare(make(), terminal_size=(100, 30), run_before=steps("G k enter | c | j j"))


def test_main_screen_narrow(make, snap_compare) -> None:
    """80x24: one pane, the list."""
    assert snap_compare(make(), terminal_size=(80, 24), run_before=steps("j j"))


def test_main_screen_narrow_reader(make, snap_compare) -> None:
    """80x24: one pane, the reader after Enter."""
    assert snap_compare(make(), terminal_size=(80, 24), run_before=steps("enter"))


def test_help_screen(make, snap_compare) -> None:
    """The help screen built from the keymap."""
    assert snap_compare(make(), terminal_size=(120, 40), run_before=steps("question_mark"))


def test_search_result(make, snap_compare) -> None:
    """Results replacing the list, the first one open with its matches highlighted."""
    keys = "slash q u i e t enter | enter"
    assert snap_compare(make(), terminal_size=(120, 40), run_before=steps(keys))


def test_light_theme(make, snap_compare) -> None:
    """The light default theme."""
    assert snap_compare(make(), terminal_size=(120, 40), run_before=steps("ctrl+t | enter"))
