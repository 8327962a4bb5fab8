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


@pytest.fixture
def web_server(sample_db: str) -> Iterator[int]:
    """textual-serve on 127.0.0.1 running the stand-in app; yields its port."""
    port = _free_port()
    launcher = (
        "import sys; from tuireader.serve.web import make_web_server, web_command; "
        "make_web_server(web_command(sys.argv[2:]), '127.0.0.1', int(sys.argv[1])).serve()"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-c", launcher, str(port), *standin_command(sample_db)],
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
        yield port
    finally:
        proc.terminate()
        proc.wait(10)


async def test_web_mode_serves_its_page_and_websocket(web_server: int) -> None:
    port = web_server
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
        deadline = time.monotonic() + 60
        while b"size=90x20" not in received or b"remote=web" not in received:
            assert time.monotonic() < deadline, bytes(received[-2000:])
            try:
                message = await ws.receive(timeout=5)
            except TimeoutError:
                continue
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
        assert b"size=90x20" in received  # the app runs, at the browser's size
        assert b"remote=web" in received  # and knows it is served on the web
        await ws.send_json(["resize", {"width": 70, "height": 15}])
        while b"size=70x15" not in received:
            assert time.monotonic() < deadline
            message = await ws.receive(timeout=10)
            if message.type == aiohttp.WSMsgType.BINARY:
                received += message.data


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
