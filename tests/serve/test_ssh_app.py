"""The real reader over ``tuireader serve ssh``, driven by a real SSH client (asyncssh).

The library is filled as ``tuireader --db F import sample_data/`` does; the
server runs its default command, ``python -m tuireader --db URL --no-sample``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from termclient import TermSession, connect, open_term

pytestmark = pytest.mark.timeout(180)


def _titles(db_url: str) -> list[str]:
    from tuireader.store.db import Database
    from tuireader.store.queries import ListQuery, list_page

    return [item.title for item in list_page(Database(db_url), ListQuery(), limit=50)]


async def _settle(session: TermSession, gap: float = 0.5, limit: float = 20) -> None:
    """Wait until the app has written nothing for *gap* seconds."""
    seen, last, started = len(session.raw), time.monotonic(), time.monotonic()
    while time.monotonic() - started < limit:
        await asyncio.sleep(0.05)
        if len(session.raw) != seen:
            seen, last = len(session.raw), time.monotonic()
        elif time.monotonic() - last > gap:
            return


async def _quit(session: TermSession) -> None:
    session.send("q")
    await asyncio.wait_for(session.closed.wait(), 30)


async def test_the_reader_shows_the_sample_library(
    serve: Any, client_key: Any, sample_db: str
) -> None:
    handle = await serve(command=None)
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 120, 40)
        titles = _titles(sample_db)
        assert len(titles) >= 5
        await session.wait_until(
            lambda lines: all(t[:12] in "\n".join(lines) for t in titles),
            f"all of {titles} listed",
            timeout=60,
        )
        await _quit(session)
        assert session.exit_status == 0


def _laid_out(cols: int, rows: int) -> Any:
    """A check that the screen is the reader drawn for *cols* x *rows*.

    The header is on the first row, the footer on the last with its right-hand
    part ("^p Commands") against the right edge, and the list's frame closes on
    the row above the footer.
    """

    def check(lines: list[str]) -> bool:
        return (
            len(lines) == rows
            and "tuireader" in lines[0]
            and lines[-1].rstrip().endswith("Commands")
            and len(lines[-1].rstrip()) >= cols - 2
            and lines[1].startswith("╭")
            and lines[-2].startswith("╰")
        )

    return check


async def test_a_resize_lays_the_reader_out_again(serve: Any, client_key: Any) -> None:
    handle = await serve(command=None)
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 120, 40)
        await session.wait_until(_laid_out(120, 40), "laid out at 120x40", timeout=60)
        session.resize(80, 24)
        await session.wait_until(_laid_out(80, 24), "laid out again at 80x24")
        session.resize(100, 30)
        await session.wait_until(_laid_out(100, 30), "laid out again at 100x30")
        await _quit(session)


async def test_a_cursor_move_costs_under_a_kilobyte_at_120x40(serve: Any, client_key: Any) -> None:
    handle = await serve(command=None)
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 120, 40)
        await session.wait_until(_laid_out(120, 40), "laid out", timeout=60)
        await _settle(session, 1.0)
        costs = []
        for key in "jjjjkk":
            before = len(session.raw)
            session.send(key)
            await _settle(session)
            costs.append(len(session.raw) - before)
        assert all(cost > 0 for cost in costs)  # each move redrew something
        assert sum(costs) / len(costs) <= 1024, costs
        await _quit(session)
