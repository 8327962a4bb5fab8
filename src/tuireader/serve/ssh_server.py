"""``tuireader serve ssh``: an SSH server, public keys only, that runs the reader and nothing else.

- Authentication: public keys listed in an ``authorized_keys`` file (re-read when it
  changes); password, keyboard-interactive, host-based, GSS and ``none`` are not offered.
- A session is an interactive pty running the app (:mod:`tuireader.serve.ssh_session`);
  exec, subsystems (sftp), TCP/IP and UNIX forwarding, agent and X11 forwarding are refused.
- Limits: a login timeout, a number of sessions at once, an idle timeout per session.
- One log line per connection: time, peer, user name, key fingerprint, outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncssh

from tuireader.paths import data_dir
from tuireader.serve.config import SSHServeConfig, key_library_path
from tuireader.serve.hostkey import load_or_create_host_key
from tuireader.serve.pty_proc import HANGUP_GRACE
from tuireader.serve.ssh_session import AppSession
from tuireader.text import safe_line

__all__ = ["ConnectionHandler", "ServeError", "ServerState", "SSHServerHandle", "start_ssh_server"]

log = logging.getLogger("tuireader.serve")


class ServeError(RuntimeError):
    """The server cannot start (a one-line message for the user)."""


class ServerState:
    """What all connections share: the config, the session count, the authorized keys."""

    def __init__(self, config: SSHServeConfig) -> None:
        self.config = config
        self.active_sessions = 0
        self.handlers: set[ConnectionHandler] = set()
        self.workdir = data_dir()
        self._keys: Any = None
        self._keys_stamp: tuple[int, int] | None = None
        self._library_locks: dict[str, asyncio.Lock] = {}

    def emit(self, line: str) -> None:
        """Write one log line."""
        (self.config.log or log.info)(line)

    def acquire_slot(self) -> bool:
        """Take a session slot if one is free."""
        if self.active_sessions >= self.config.max_sessions:
            return False
        self.active_sessions += 1
        return True

    def release_slot(self) -> None:
        """Give a session slot back."""
        self.active_sessions = max(0, self.active_sessions - 1)

    def authorized_keys(self) -> Any:
        """The authorized keys, re-read when the file changes; None if unreadable."""
        path = self.config.authorized_keys
        try:
            st = path.stat()
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp != self._keys_stamp:
                self._keys = asyncssh.read_authorized_keys(str(path))
                self._keys_stamp = stamp
        except (OSError, ValueError) as exc:
            self.emit(f"ssh error=cannot-read-authorized-keys path={path} detail={exc}")
            self._keys, self._keys_stamp = None, None
        return self._keys

    async def key_library(self, fingerprint: str) -> str:
        """The URL of this key's own library, made (and filled with the samples) on first use."""
        path = key_library_path(fingerprint)
        lock = self._library_locks.setdefault(str(path), asyncio.Lock())
        async with lock:
            if not path.exists():
                await asyncio.get_running_loop().run_in_executor(None, _make_library, path)
        return f"sqlite:///{path}"


def _make_library(path: Path) -> None:
    """Create and migrate a key's library and import the sample articles into it."""
    from tuireader.importing import import_paths
    from tuireader.paths import sample_data_dir
    from tuireader.store.library import Library

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    library = Library.open(f"sqlite:///{path}")
    try:
        if library.migration.created and sample_data_dir().is_dir():
            import_paths(library, [sample_data_dir()])
    finally:
        library.close()


def key_reader_name(options: Any) -> str:
    """The reader a key belongs to: ``environment="TUIREADER_USER=alice"`` in authorized_keys.

    OpenSSH's own per-key option, set by whoever edits the file — never by the
    client — so in a shared library each key's notes and states are its own.
    """
    from tuireader.store.users import MAX_USER_CHARS

    environment = options.get("environment") if isinstance(options, dict) else None
    if not isinstance(environment, dict):
        return ""
    return safe_line(str(environment.get("TUIREADER_USER", "")))[:MAX_USER_CHARS]


class ConnectionHandler(asyncssh.SSHServer):  # type: ignore[misc]
    """One client connection: authentication, what it may open, and its log line."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self.conn: Any = None
        self.peer = ("?", 0)
        self.local = ("?", 0)
        self.username = ""
        self.fingerprint: str | None = None
        self.reader_name = ""
        """The key's ``TUIREADER_USER`` from its authorized_keys ``environment=`` option, or ""."""
        self._candidate: str | None = None
        self._candidate_reader = ""
        self.started = time.monotonic()
        self.when = datetime.now(UTC)
        self.sessions = 0
        self.bytes_out = 0
        self.events: list[str] = []
        self.app_sessions: list[AppSession] = []

    # -- connection ------------------------------------------------------------------------

    def connection_made(self, conn: Any) -> None:
        """Note who connected."""
        self.conn = conn
        self.peer = (conn.get_extra_info("peername") or ("?", 0))[:2]
        self.local = (conn.get_extra_info("sockname") or ("?", 0))[:2]
        self.state.handlers.add(self)

    @property
    def ssh_connection(self) -> str:
        """The ``SSH_CONNECTION`` value: client address and port, server address and port."""
        return f"{self.peer[0]} {self.peer[1]} {self.local[0]} {self.local[1]}"

    def connection_lost(self, exc: Exception | None) -> None:
        """Write the connection's log line."""
        self.state.handlers.discard(self)
        if self.fingerprint is None:
            timed_out = exc is not None and "timeout" in str(exc).lower()
            outcome = "login-timeout" if timed_out else "auth-refused"
        elif self.sessions:
            outcome = "ok"
        else:
            outcome = "no-session"
        user = safe_line(self.username)[:64]
        refused = ",".join(dict.fromkeys(self.events)) or "-"
        self.state.emit(
            f"ssh time={self.when.isoformat(timespec='seconds')}"
            f" peer={self.peer[0]}:{self.peer[1]} user={user!r} key={self.fingerprint or '-'}"
            f" outcome={outcome} sessions={self.sessions}"
            f" events={refused} bytes_out={self.bytes_out}"
            f" duration={time.monotonic() - self.started:.1f}s"
        )

    def note(self, event: str) -> None:
        """Record a refusal or an event for the log line."""
        self.events.append(event)

    def note_error(self, detail: str) -> None:
        """Record an error starting a session."""
        self.events.append("error")
        self.state.emit(f"ssh error peer={self.peer[0]}:{self.peer[1]} detail={safe_line(detail)}")

    def note_session(self) -> None:
        """Count a session that started the app."""
        self.sessions += 1

    def note_bytes(self, count: int) -> None:
        """Add the bytes a session's app wrote."""
        self.bytes_out += count

    async def library_url(self) -> str:
        """The library this connection's sessions use."""
        if self.state.config.library_per_key and self.fingerprint:
            return await self.state.key_library(self.fingerprint)
        return self.state.config.db_url

    # -- authentication: public keys only ---------------------------------------------------

    def begin_auth(self, username: str) -> bool:
        """Every user name needs authentication (``none`` is never accepted)."""
        self.username = username
        return True

    def password_auth_supported(self) -> bool:
        """No passwords."""
        return False

    def kbdint_auth_supported(self) -> bool:
        """No keyboard-interactive."""
        return False

    def host_based_auth_supported(self) -> bool:
        """No host-based authentication."""
        return False

    def public_key_auth_supported(self) -> bool:
        """Public keys only."""
        return True

    def validate_public_key(self, username: str, key: Any) -> bool:
        """Accept a key listed in the authorized keys file (its ``from=`` honoured)."""
        keys = self.state.authorized_keys()
        if keys is None:
            return False
        options = keys.validate(key, str(self.peer[0]), str(self.peer[0]))
        if options is None:
            return False
        self._candidate = key.get_fingerprint("sha256")
        self._candidate_reader = key_reader_name(options)
        return True

    def validate_ca_key(self, username: str, key: Any) -> bool:
        """No certificate authorities."""
        return False

    def auth_completed(self) -> None:
        """Remember which key got in, and whose it is."""
        self.fingerprint = self._candidate
        self.reader_name = self._candidate_reader

    # -- what a client may open -------------------------------------------------------------

    def session_requested(self) -> AppSession:
        """A session channel: the app (or a clear refusal, see :class:`AppSession`)."""
        session = AppSession(self)
        self.app_sessions.append(session)
        return session

    def connection_requested(self, *_args: Any) -> bool:
        """Refuse direct TCP/IP (``ssh -L``, ``-D``)."""
        self.note("direct-tcpip")
        return False

    def server_requested(self, *_args: Any) -> bool:
        """Refuse remote forwarding (``ssh -R``)."""
        self.note("tcpip-forward")
        return False

    def unix_connection_requested(self, *_args: Any) -> bool:
        """Refuse UNIX socket forwarding."""
        self.note("direct-streamlocal")
        return False

    def unix_server_requested(self, *_args: Any) -> bool:
        """Refuse remote UNIX socket forwarding."""
        self.note("streamlocal-forward")
        return False

    def tun_requested(self, *_args: Any) -> bool:
        """Refuse tunnels."""
        self.note("tun")
        return False

    def tap_requested(self, *_args: Any) -> bool:
        """Refuse tap tunnels."""
        self.note("tap")
        return False


class SSHServerHandle:
    """A running server: its port, its shared state, and a way to stop it."""

    def __init__(self, acceptor: Any, state: ServerState, host_key: Any) -> None:
        self.acceptor = acceptor
        self.state = state
        self.host_key_fingerprint: str = host_key.get_fingerprint("sha256")

    @property
    def port(self) -> int:
        """The port it listens on (useful with port 0)."""
        return int(self.acceptor.get_port())

    async def close(self) -> None:
        """Stop listening, close every connection, and see every app process end."""
        self.acceptor.close()
        processes = [
            s.process for h in self.state.handlers for s in h.app_sessions if s.process is not None
        ]
        for handler in list(self.state.handlers):
            if handler.conn is not None:
                handler.conn.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.acceptor.wait_closed(), 5)
        for process in processes:
            process.hangup()
        waits = [asyncio.ensure_future(p.wait()) for p in processes if p.pid is not None]
        if waits:
            _done, pending = await asyncio.wait(waits, timeout=HANGUP_GRACE + 2)
            for task in pending:
                task.cancel()


def _check_authorized_keys(path: Path) -> None:
    if not path.is_file():
        raise ServeError(f"no authorized keys file at {path}: put the readers' public keys there")
    try:
        asyncssh.read_authorized_keys(str(path))
    except (OSError, ValueError) as exc:
        raise ServeError(f"cannot read authorized keys {path}: {exc}") from exc


def _prepare_shared_library(url: str) -> None:
    from tuireader.store.library import Library

    Library.open(url).close()


async def start_ssh_server(config: SSHServeConfig) -> SSHServerHandle:
    """Check the keys and the library, then listen; raises :class:`ServeError` with a message."""
    from tuireader.serve.hostkey import HostKeyError
    from tuireader.store.db import StoreError

    _check_authorized_keys(config.authorized_keys)
    try:
        host_key = load_or_create_host_key(config.host_key)
    except HostKeyError as exc:
        raise ServeError(str(exc)) from exc
    if not config.library_per_key:
        try:
            await asyncio.get_running_loop().run_in_executor(
                None, _prepare_shared_library, config.db_url
            )
        except StoreError as exc:
            raise ServeError(str(exc)) from exc
    state = ServerState(config)
    state.workdir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        acceptor = await asyncssh.create_server(
            lambda: ConnectionHandler(state),
            config.host,
            config.port,
            server_host_keys=[host_key],
            authorized_client_keys=None,
            public_key_auth=True,
            password_auth=False,
            kbdint_auth=False,
            host_based_auth=False,
            gss_host=None,
            gss_kex=False,
            gss_auth=False,
            allow_pty=True,
            line_editor=False,
            x11_forwarding=False,
            agent_forwarding=False,
            allow_scp=False,
            encoding=None,
            login_timeout=config.login_timeout,
            keepalive_interval=30,
            keepalive_count_max=4,
        )
    except OSError as exc:
        raise ServeError(
            f"cannot listen on {config.host}:{config.port}: {exc.strerror or exc}"
        ) from exc
    return SSHServerHandle(acceptor, state, host_key)


def default_authorized_keys() -> Path:
    """``data_dir()/authorized_keys`` (a file the owner fills with the readers' public keys)."""
    return data_dir() / "authorized_keys"
