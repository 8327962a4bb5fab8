"""``tuireader serve ssh`` against a real SSH client (asyncssh) on 127.0.0.1.

The app here is the stand-in (tests/serve/standin_app.py, a tiny Textual app that
shows its size and environment and saves notes), run exactly as the real one is.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from termclient import connect, open_term

pytestmark = pytest.mark.timeout(120)


async def _quit(session: Any) -> None:
    session.send(b"\x11")  # ctrl+q
    await asyncio.wait_for(session.closed.wait(), 30)


async def _line_for(handle: Any, needle: str, timeout: float = 10) -> str:
    """The server's log line containing *needle* (log lines come when a connection ends)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in handle.lines:
            if needle in line:
                return line
        await asyncio.sleep(0.05)
    raise AssertionError(f"no log line with {needle!r}: {handle.lines}")


async def test_authorized_key_gets_the_app_in_a_remote_pty(serve: Any, client_key: Any) -> None:
    handle = await serve()
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 100, 30)
        screen = await session.wait_for("size=100x30")
        # The app knows it is remote and got nothing of the server's display or agent.
        assert "remote=ssh agent=False display=False term=xterm-256color conn=True" in screen
        session.send("hi")
        await session.wait_for("typed=hi len=2")
        await _quit(session)
        assert session.exit_status == 0
    fingerprint = client_key.get_fingerprint("sha256")
    line = await _line_for(handle, "outcome=")
    assert f"key={fingerprint}" in line
    assert "outcome=ok sessions=1" in line and "peer=127.0.0.1:" in line


async def test_unknown_key_is_refused(serve: Any, other_key: Any) -> None:
    handle = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(handle.port, other_key)
    line = await _line_for(handle, "outcome=")
    assert "outcome=auth-refused" in line and "key=-" in line


class _Recorder(asyncssh.SSHClient):  # type: ignore[misc]
    """A client that would gladly send a password or answer keyboard-interactive."""

    asked: list[str] = []

    def password_auth_requested(self) -> str:
        self.asked.append("password")
        return "secret"

    def kbdint_auth_requested(self) -> str:
        self.asked.append("kbdint")
        return ""

    def kbdint_challenge_received(self, *args: Any) -> list[str]:
        self.asked.append("challenge")
        return ["secret"]


async def test_password_keyboard_interactive_and_none_are_not_offered(serve: Any) -> None:
    handle = await serve()
    _Recorder.asked = []
    # No key: the client tries "none", then anything the server offers.
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(
            handle.port, None, client_factory=_Recorder, password="secret", kbdint_auth=True
        )
    assert _Recorder.asked == []  # the server never offered password or keyboard-interactive
    line = await _line_for(handle, "outcome=")
    assert "outcome=auth-refused" in line


async def test_exec_and_sftp_are_refused(serve: Any, client_key: Any) -> None:
    handle = await serve()
    async with await connect(handle.port, client_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("cat /etc/passwd", check=True)
        with pytest.raises((asyncssh.ChannelOpenError, asyncssh.SFTPError)):
            await conn.start_sftp_client()
    line = await _line_for(handle, "outcome=")
    assert "events=exec,subsystem" in line and "outcome=no-session" in line


async def test_port_and_socket_forwarding_are_refused(serve: Any, client_key: Any) -> None:
    handle = await serve()
    async with await connect(handle.port, client_key) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):  # ssh -L / -D
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", handle.port)
        with pytest.raises(asyncssh.ChannelListenError):  # ssh -R
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 9)
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_unix_connection(asyncssh.SSHUNIXSession, "/run/docker.sock")
    line = await _line_for(handle, "outcome=")
    for event in ("direct-tcpip", "tcpip-forward", "direct-streamlocal"):
        assert event in line


async def test_agent_and_x11_forwarding_are_refused(
    serve: Any, client_key: Any, tmp_path: Path
) -> None:
    handle = await serve()
    agent_sock = tmp_path / "agent.sock"

    async def empty_agent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """An SSH agent with no keys: every request gets "0 identities" or "failure"."""
        try:
            while True:
                length = int.from_bytes(await reader.readexactly(4), "big")
                request = await reader.readexactly(length)
                answer = b"\x0c\x00\x00\x00\x00" if request[:1] == b"\x0b" else b"\x05"
                writer.write(len(answer).to_bytes(4, "big") + answer)
        except asyncio.IncompleteReadError:
            writer.close()

    server = await asyncio.start_unix_server(empty_agent, path=str(agent_sock))
    try:
        async with await connect(
            handle.port, client_key, agent_path=str(agent_sock), agent_forwarding=True
        ) as conn:
            with pytest.raises(asyncssh.ChannelOpenError):
                await open_term(conn, x11_forwarding=True, x11_display="127.0.0.1:0")
            session = await open_term(
                conn, x11_forwarding="ignore_failure", x11_display="127.0.0.1:0"
            )
            screen = await session.wait_for("size=100x30")
            assert "agent=False display=False" in screen
            (served,) = [s for s in _sessions(handle) if s.process is not None]
            assert served.channel.get_agent_path() is None  # no agent socket was made
            assert served.channel.get_x11_display() is None
            await _quit(session)
    finally:
        server.close()


async def test_session_without_a_pty_gets_a_clear_message(serve: Any, client_key: Any) -> None:
    handle = await serve()
    async with await connect(handle.port, client_key) as conn:
        result = await conn.run(None, term_type=None, stdin=asyncssh.DEVNULL)  # like ssh -T
    assert result.exit_status == 1
    assert result.stderr.strip() == "tuireader needs a terminal: use ssh -t"
    assert "events=no-pty" in await _line_for(handle, "outcome=")


async def test_resizes_reach_the_app_and_silly_sizes_are_clamped(
    serve: Any, client_key: Any
) -> None:
    handle = await serve()
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 100, 30)
        await session.wait_for("size=100x30")
        session.resize(72, 20)
        await session.wait_for("size=72x20")
        session.chan.change_terminal_size(65535, 65535)
        session.screen.resize(500, 1000)
        await session.wait_for("size=1000x500")
        session.chan.change_terminal_size(0, 0)
        session.screen.resize(24, 80)
        await session.wait_for("size=80x24")
        await _quit(session)
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn, 0, 0)  # 0x0 from the start: the default size
        session.screen.resize(24, 80)
        await session.wait_for("size=80x24")
        await _quit(session)


async def test_two_sessions_at_once_each_save_a_note(
    serve: Any, client_key: Any, sample_db: str
) -> None:
    from tuireader.store.db import Database
    from tuireader.store.queries import all_notes

    before = {note.id for note in all_notes(Database(sample_db))}
    handle = await serve()
    conns = [await connect(handle.port, client_key) for _ in range(2)]
    try:
        sessions = [await open_term(c, 90 + i, 25) for i, c in enumerate(conns)]
        for i, session in enumerate(sessions):
            await session.wait_for(f"size={90 + i}x25")
        for i, session in enumerate(sessions):
            session.send(f"note from session {i}")
        for i, session in enumerate(sessions):
            await session.wait_for(f"typed=note from session {i}")
            session.send("\r")
        for session in sessions:
            await session.wait_for("saved note")
        for session in sessions:
            await _quit(session)
    finally:
        for c in conns:
            c.close()
    texts = sorted(n.text for n in all_notes(Database(sample_db)) if n.id not in before)
    assert texts == ["note from session 0", "note from session 1"]


async def test_login_timeout_closes_a_silent_connection(serve: Any) -> None:
    handle = await serve(login_timeout=1)
    reader, writer = await asyncio.open_connection("127.0.0.1", handle.port)
    banner = await asyncio.wait_for(reader.readline(), 10)
    assert banner.startswith(b"SSH-2.0-")
    started = time.monotonic()
    rest = await asyncio.wait_for(reader.read(), 15)  # the server hangs up: EOF
    assert time.monotonic() - started < 10
    assert isinstance(rest, bytes)
    writer.close()
    assert "outcome=login-timeout" in await _line_for(handle, "outcome=")


async def test_session_limit_turns_extra_sessions_away(serve: Any, client_key: Any) -> None:
    handle = await serve(max_sessions=1)
    async with await connect(handle.port, client_key) as first_conn:
        first = await open_term(first_conn)
        await first.wait_for("size=100x30")
        async with await connect(handle.port, client_key) as second_conn:
            second = await open_term(second_conn)
            await asyncio.wait_for(second.closed.wait(), 15)
            assert second.exit_status == 1
            assert b"the server is busy (1 sessions open)" in second.stderr
        await _quit(first)
    async with await connect(handle.port, client_key) as conn:  # the slot is free again
        third = await open_term(conn)
        await third.wait_for("size=100x30")
        await _quit(third)
    assert any("events=session-limit" in line for line in handle.lines)


async def test_idle_timeout_closes_a_session_without_input(serve: Any, client_key: Any) -> None:
    handle = await serve(idle_timeout=3)
    async with await connect(handle.port, client_key) as conn:
        session = await open_term(conn)
        await session.wait_for("size=100x30")
        for _ in range(3):  # input keeps it open
            await asyncio.sleep(1.5)
            session.send("x")
        await session.wait_for("typed=xxx")
        await asyncio.wait_for(session.closed.wait(), 15)
    assert b"closed after 3 s without input" in session.stderr
    assert session.raw.endswith(b"\x1b[0m" + b"\r\ntuireader: closed after 3 s without input\r\n")
    assert "events=idle-timeout" in await _line_for(handle, "outcome=")


async def test_a_10_mb_paste_does_not_block_the_server(serve: Any, client_key: Any) -> None:
    from tuireader.serve.pty_proc import INPUT_HIGH_WATER, READ_CHUNK

    handle = await serve()
    async with (
        await connect(handle.port, client_key) as paster_conn,
        await connect(handle.port, client_key) as other_conn,
    ):
        paster = await open_term(paster_conn)
        other = await open_term(other_conn)
        await paster.wait_for("size=100x30")
        await other.wait_for("size=100x30")
        paster.send(b"\x1b[200~" + b"p" * 10_000_000 + b"\x1b[201~")
        # The server stays responsive for everyone while the paste is pushed...
        started = time.monotonic()
        other.send("abc")
        await other.wait_for("typed=abc", timeout=20)
        assert time.monotonic() - started < 15
        # ...and holds at most about INPUT_HIGH_WATER of it, whatever the app's pace.
        most = 0
        deadline = time.monotonic() + 100
        while "pasted=" not in paster.text() and time.monotonic() < deadline:
            for session in _sessions(handle):
                if session.process is not None:
                    most = max(most, session.process.pending_input)
            await asyncio.sleep(0.05)
        assert "pasted=10000000" in paster.text()  # all of it arrived, in order
        assert INPUT_HIGH_WATER <= most <= INPUT_HIGH_WATER + 2 * READ_CHUNK
        await _quit(paster)
        await _quit(other)


def _sessions(handle: Any) -> list[Any]:
    return [s for h in handle.state.handlers for s in h.app_sessions]


async def test_library_per_key_gives_each_key_its_own_filled_library(
    serve: Any,
    client_key: Any,
    other_key: Any,
    authorized_keys: Path,
    sample_db: str,
    tmp_path: Path,
) -> None:
    from tuireader.serve.config import key_library_path
    from tuireader.store.db import Database
    from tuireader.store.queries import ListQuery, all_notes, count_articles

    authorized_keys.write_bytes(
        client_key.export_public_key("openssh") + other_key.export_public_key("openssh")
    )
    from tuireader.importing import import_paths
    from tuireader.paths import sample_data_dir
    from tuireader.store.library import Library

    samples = Library.open(f"sqlite:///{tmp_path / 'samples.db'}")
    expected = len(import_paths(samples, [sample_data_dir()]).imported)
    samples.close()
    assert expected >= 5
    handle = await serve(library_per_key=True)
    for key in (client_key, other_key):
        async with await connect(handle.port, key) as conn:
            session = await open_term(conn)
            await session.wait_for("size=100x30")
            session.send(f"mine {key.get_fingerprint()[-6:]}\r")
            await session.wait_for("saved note")
            await _quit(session)
    for key in (client_key, other_key):
        path = key_library_path(key.get_fingerprint("sha256"))
        assert path.is_file()
        db = Database(f"sqlite:///{path}")
        assert count_articles(db, ListQuery()) == expected  # the samples, imported on first use
        mine = [n.text for n in all_notes(db) if n.text.startswith("mine ")]
        assert mine == [f"mine {key.get_fingerprint()[-6:]}"]
    shared = [n for n in all_notes(Database(sample_db)) if n.text.startswith("mine ")]
    assert shared == []  # the shared library was not touched


async def test_authorized_keys_are_reread_when_the_file_changes(
    serve: Any, other_key: Any, authorized_keys: Path
) -> None:
    handle = await serve()
    with pytest.raises(asyncssh.PermissionDenied):
        await connect(handle.port, other_key)
    with authorized_keys.open("ab") as fh:
        fh.write(other_key.export_public_key("openssh"))
    async with await connect(handle.port, other_key) as conn:
        session = await open_term(conn)
        await session.wait_for("size=100x30")
        await _quit(session)


def test_odd_user_names_are_logged_inert(tmp_path: Path) -> None:
    """asyncssh's client will not send such a name; a hostile client may: check the line."""
    from tuireader.serve.config import SSHServeConfig
    from tuireader.serve.ssh_server import ConnectionHandler, ServerState

    lines: list[str] = []
    state = ServerState(SSHServeConfig("sqlite://", tmp_path / "keys", log=lines.append))
    handler = ConnectionHandler(state)
    assert handler.begin_auth("x\x1b]52;c;aGk=\x07\u202ey\x9b2J") is True  # never "none"
    assert not handler.password_auth_supported() and not handler.kbdint_auth_supported()
    assert not handler.host_based_auth_supported()
    assert handler.validate_public_key("x", object()) is False  # no keys file: nobody
    handler.connection_lost(None)
    (line,) = [line for line in lines if "outcome=" in line]
    assert not any(c in line for c in "\x1b\x07\u202e\x9b")
    assert "user='x]52;c;aGk=y2J'" in line and "outcome=auth-refused" in line


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_a_dropped_connection_leaves_no_app_behind(serve: Any, client_key: Any) -> None:
    handle = await serve()
    conn = await connect(handle.port, client_key)
    session = await open_term(conn)
    await session.wait_for("size=100x30")
    (app_session,) = _sessions(handle)
    pid = app_session.process.pid
    assert _alive(pid)
    conn.abort()  # the client vanishes without a goodbye
    deadline = time.monotonic() + 15
    while _alive(pid) or handle.state.active_sessions:
        assert time.monotonic() < deadline, "the app outlived its connection"
        await asyncio.sleep(0.1)
    assert "outcome=ok" in await _line_for(handle, "outcome=")


async def test_closing_the_server_ends_every_app(serve: Any, client_key: Any) -> None:
    handle = await serve()
    conn = await connect(handle.port, client_key)
    session = await open_term(conn)
    await session.wait_for("size=100x30")
    (app_session,) = _sessions(handle)
    pid = app_session.process.pid
    await handle.close()
    assert not _alive(pid)
    await asyncio.wait_for(session.closed.wait(), 10)
