"""A real SSH client for the tests: asyncssh, its output fed to a terminal emulator."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncssh
import pyte

ROOT = Path(__file__).resolve().parents[2]
STANDIN = Path(__file__).with_name("standin_app.py")


def standin_command(db_url: str) -> list[str]:
    """The stand-in app (tests/serve/standin_app.py), with the real app's options."""
    return [sys.executable, str(STANDIN), "--db", db_url, "--no-sample"]


class TermSession(asyncssh.SSHClientSession):  # type: ignore[misc]
    """Keeps a pyte screen of what the server sent, and the raw bytes."""

    def __init__(self, cols: int, rows: int) -> None:
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        self.stderr = bytearray()
        self.closed = asyncio.Event()
        self.exit_status: int | None = None
        self.chan: Any = None

    def connection_made(self, chan: Any) -> None:
        self.chan = chan

    def data_received(self, data: bytes, datatype: Any) -> None:
        if datatype == asyncssh.EXTENDED_DATA_STDERR:
            self.stderr += data
        self.raw += data
        self.stream.feed(data)

    def exit_status_received(self, status: int) -> None:
        self.exit_status = status

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed.set()

    def text(self) -> str:
        """The screen as lines of text."""
        return "\n".join(self.screen.display)

    async def wait_for(self, needle: str, timeout: float = 30.0) -> str:
        """Wait until *needle* is on the screen; return the screen."""
        deadline = time.monotonic() + timeout
        while needle not in self.text():
            if self.closed.is_set() or time.monotonic() > deadline:
                raise AssertionError(
                    f"{needle!r} not on screen; screen:\n{self.text()}\n"
                    f"stderr: {bytes(self.stderr)!r}"
                )
            await asyncio.sleep(0.05)
        return self.text()

    async def wait_until(
        self, check: Callable[[list[str]], bool], what: str, timeout: float = 30.0
    ) -> list[str]:
        """Wait until *check* holds for the screen's lines; return them."""
        deadline = time.monotonic() + timeout
        while not check(self.screen.display):
            if self.closed.is_set() or time.monotonic() > deadline:
                raise AssertionError(f"never {what}; screen:\n{self.text()}")
            await asyncio.sleep(0.05)
        return list(self.screen.display)

    def resize(self, cols: int, rows: int) -> None:
        """Resize the local screen and tell the server."""
        self.screen.resize(rows, cols)
        self.chan.change_terminal_size(cols, rows)

    def send(self, data: str | bytes) -> None:
        """Type or paste."""
        self.chan.write(data.encode() if isinstance(data, str) else data)


async def connect(port: int, key: Any, **kwargs: Any) -> asyncssh.SSHClientConnection:
    """Connect to the test server on 127.0.0.1 with one key and nothing else."""
    options: dict[str, Any] = {
        "username": "reader",
        "client_keys": [key] if key is not None else [],
        "known_hosts": None,
        "agent_path": None,
        "password": None,
        "kbdint_auth": False,
        "config": None,
    }
    options.update(kwargs)
    return await asyncssh.connect("127.0.0.1", port, **options)


async def open_term(
    conn: asyncssh.SSHClientConnection, cols: int = 100, rows: int = 30, **kwargs: Any
) -> TermSession:
    """Open an interactive pty session of *cols* x *rows*."""
    chan, session = await conn.create_session(
        lambda: TermSession(cols, rows),
        term_type="xterm-256color",
        term_size=(cols, rows),
        encoding=None,
        **kwargs,
    )
    return session
