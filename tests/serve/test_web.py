"""``tuireader serve web``: the page, its websocket, and the warning when bound elsewhere."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
from termclient import ROOT, standin_command

from tuireader.serve.web import is_loopback, web_command

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_web_command_quotes_the_argv_for_the_shell() -> None:
    argv = [sys.executable, "-m", "tuireader", "--db", "sqlite:////tmp/it's here; rm -rf ~.db"]
    command = web_command(argv)
    assert shlex.split(command) == ["TUIREADER_REMOTE=web", "exec", *argv]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(params=["standin", "app"])
def web_server(request: pytest.FixtureRequest, sample_db: str) -> Iterator[tuple[int, str]]:
    """textual-serve on 127.0.0.1 running the stand-in or the real app; yields (port, kind)."""
    from tuireader.serve.config import app_command

    kind = request.param
    argv = standin_command(sample_db) if kind == "standin" else app_command(sample_db)
    port = _free_port()
    launcher = (
        "import sys; from tuireader.serve.web import make_web_server, web_command; "
        "make_web_server(web_command(sys.argv[2:]), '127.0.0.1', int(sys.argv[1])).serve()"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, str(port), *argv],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield port, kind
    finally:
        proc.terminate()
        proc.wait(10)


async def _receive_until(ws: Any, received: bytearray, needles: list[bytes], limit: float) -> None:
    deadline = time.monotonic() + limit
    while not all(n in received for n in needles):
        assert time.monotonic() < deadline, (needles, bytes(received[-2000:]))
        try:
            message = await ws.receive(timeout=5)
        except TimeoutError:
            continue
        if message.type == aiohttp.WSMsgType.BINARY:
            received += message.data
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
            raise AssertionError(f"websocket closed; got {bytes(received[-2000:])!r}")


async def test_web_mode_serves_its_page_and_websocket(
    web_server: tuple[int, str], sample_db: str
) -> None:
    port, kind = web_server
    async with httpx.AsyncClient() as client:
        page = await client.get(f"http://127.0.0.1:{port}/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    ws_url = f"ws://127.0.0.1:{port}/ws"
    assert ws_url in page.text
    received = bytearray()
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(ws_url + "?width=90&height=20") as ws,
    ):
        if kind == "standin":
            # The app runs at the browser's size, knows it is served, and follows resizes.
            await _receive_until(ws, received, [b"size=90x20", b"remote=web"], 60)
            await ws.send_json(["resize", {"width": 70, "height": 15}])
            await _receive_until(ws, received, [b"size=70x15"], 30)
        else:
            from tuireader.store.db import Database
            from tuireader.store.queries import ListQuery, list_page

            first = list_page(Database(sample_db), ListQuery(), limit=1)[0].title
            await _receive_until(ws, received, [b"Articles", first[:10].encode()], 60)


def test_cli_warns_loudly_when_bound_beyond_loopback(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual_serve.server import Server

    started: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: started.append(self))
    db = str(tmp_path / "web.db")
    result = cli("--db", db, "serve", "web", "--host", "0.0.0.0", "--port", "8123")
    assert result.exit_code == 0, result.stderr
    assert "NO AUTHENTICATION" in result.stderr and "http://0.0.0.0:8123" in result.stderr
    (server,) = started
    assert (server.host, server.port) == ("0.0.0.0", 8123)
    argv = shlex.split(server.command)
    assert argv[:2] == ["TUIREADER_REMOTE=web", "exec"]
    assert argv[3:] == ["-m", "tuireader", "--db", f"sqlite:///{Path(db).resolve()}", "--no-sample"]

    result = cli("--db", db, "serve", "web")
    assert result.exit_code == 0
    assert "AUTHENTICATION" not in result.stderr
    assert (started[-1].host, started[-1].port) == ("127.0.0.1", 8000)
