"""What a served session runs, and with what: the app command, its environment, its size.

Nothing here imports Textual: the app runs in a child process of the server,
in a pseudo-terminal of its own (Textual's driver owns its process's terminal).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tuireader.paths import config_dir, data_dir

__all__ = [
    "AppCommand",
    "SSHServeConfig",
    "app_command",
    "child_environment",
    "clamp_size",
    "key_library_path",
    "safe_term",
    "DEFAULT_SIZE",
    "MAX_COLS",
    "MAX_ROWS",
]

AppCommand = Callable[[str], Sequence[str]]
"""Turns a library URL into the argv of one session's app process."""

DEFAULT_SIZE = (80, 24)
"""Columns and rows used when the client gives 0 (SSH's "unknown")."""
MAX_COLS = 1000
MAX_ROWS = 500
"""A 65535x65535 request would make the app allocate billions of cells: clamp."""

_TERM_OK = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
_PASSED_THROUGH = ("PATH", "HOME", "PYTHONPATH", "VIRTUAL_ENV", "TZ")


def app_command(db_url: str, *, sample: bool = False, mouse: bool = True) -> list[str]:
    """The real app: ``python -m tuireader --db URL [--no-sample] [--no-mouse]``."""
    argv = [sys.executable, "-m", "tuireader", "--db", db_url]
    if not sample:
        argv.append("--no-sample")
    if not mouse:
        argv.append("--no-mouse")
    return argv


@dataclass
class SSHServeConfig:
    """Everything ``tuireader serve ssh`` was asked for."""

    db_url: str
    """The shared library (the server's ``--db`` / ``TUIREADER_DB`` / default)."""
    authorized_keys: Path
    host: str = "127.0.0.1"
    port: int = 2222
    host_key: Path | None = None
    """None: ``data_dir()/ssh_host_ed25519_key``, made on first start."""
    library_per_key: bool = False
    max_sessions: int = 8
    idle_timeout: float = 1800.0
    """Seconds without a key press before a session is closed (0: never)."""
    login_timeout: float = 30.0
    mouse: bool = True
    command: AppCommand | None = None
    """None: :func:`app_command` (with ``mouse``); tests give a stand-in."""
    log: Callable[[str], None] | None = None
    """Where the per-connection lines go (None: the ``tuireader.serve`` logger)."""
    extra_env: Mapping[str, str] = field(default_factory=dict)

    def argv_for(self, db_url: str) -> list[str]:
        """The argv of one session's app process."""
        if self.command is not None:
            return list(self.command(db_url))
        return app_command(db_url, sample=False, mouse=self.mouse)


def clamp_size(cols: int, rows: int) -> tuple[int, int]:
    """A window size the app can live with: 0 means the default, huge is capped."""
    cols = DEFAULT_SIZE[0] if cols <= 0 else min(cols, MAX_COLS)
    rows = DEFAULT_SIZE[1] if rows <= 0 else min(rows, MAX_ROWS)
    return cols, rows


def safe_term(term: str | None) -> str:
    """The client's ``TERM`` when it is a plain terminal name, else ``xterm-256color``."""
    if term and _TERM_OK.fullmatch(term):
        return term
    return "xterm-256color"


def key_library_path(fingerprint: str) -> Path:
    """``data_dir()/libraries/<name>.db`` for a key fingerprint such as ``SHA256:ab+/cd``.

    The name is the fingerprint's base64 made file-safe (``+`` → ``-``, ``/`` → ``_``),
    so an administrator can match a file to the fingerprint in the log.
    """
    digest = fingerprint.split(":", 1)[-1].rstrip("=")
    safe = digest.replace("+", "-").replace("/", "_")
    if not safe or not re.fullmatch(r"[A-Za-z0-9_-]+", safe):
        raise ValueError(f"not a key fingerprint: {fingerprint!r}")
    return data_dir() / "libraries" / f"{safe}.db"


def child_environment(
    *,
    term: str | None,
    ssh_connection: str,
    fingerprint: str,
    client_env: Mapping[str, str] | None = None,
    server_env: Mapping[str, str] | None = None,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """A small, clean environment for one session's app.

    Nothing of the server's display leaks in (no ``DISPLAY``, ``WAYLAND_DISPLAY``,
    ``SSH_AUTH_SOCK``...): the app must believe it is remote, because it is.
    From the client only a truecolor ``COLORTERM`` is taken (its locale may not
    exist here: the app runs in C.UTF-8 with Python's UTF-8 mode).
    """
    server_env = os.environ if server_env is None else server_env
    env = {name: server_env[name] for name in _PASSED_THROUGH if server_env.get(name)}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    if env.get("PYTHONPATH"):  # the app runs in another directory: make the entries absolute
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(str(Path(p).resolve()) for p in parts if p)
    env.setdefault("HOME", str(data_dir()))
    env["TUIREADER_DATA_DIR"] = str(data_dir())  # the server's own directories, whatever HOME says
    env["TUIREADER_CONFIG_DIR"] = str(config_dir())
    env["LANG"] = "C.UTF-8"
    env["PYTHONUTF8"] = "1"
    if (client_env or {}).get("COLORTERM") in ("truecolor", "24bit"):
        env["COLORTERM"] = str((client_env or {})["COLORTERM"])
    env["TERM"] = safe_term(term)
    env["TUIREADER_REMOTE"] = "ssh"
    env["SSH_CONNECTION"] = ssh_connection
    env["TUIREADER_SSH_KEY"] = fingerprint
    env.update(extra or {})
    return env
