"""``tuireader serve web``: the reader in a browser, with textual-serve.

textual-serve has no authentication: whoever reaches the port reads and
changes the library. It binds to 127.0.0.1 by default; anything else gets a
loud warning (:data:`NO_AUTH_WARNING`). Each browser tab runs the app as a child
process with ``TUIREADER_REMOTE=web`` (see :mod:`tuireader.remote`).
"""

from __future__ import annotations

import ipaddress
import shlex
from collections.abc import Sequence
from typing import Any

__all__ = ["NO_AUTH_WARNING", "is_loopback", "make_web_server", "web_command"]

NO_AUTH_WARNING = """\
WARNING: tuireader serve web has NO AUTHENTICATION.
Anyone who can reach {url} can read and change this library.
Keep it on 127.0.0.1 and reach it through an SSH tunnel
(ssh -L {port}:127.0.0.1:{port} THIS_HOST), or put it behind a proxy that checks who comes in."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses; False for ``0.0.0.0``, names, the rest."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def web_command(argv: Sequence[str]) -> str:
    """The shell command textual-serve runs for each visitor (it takes one string).

    *argv* is the app's (:func:`tuireader.serve.config.app_command`), quoted for
    ``/bin/sh`` and told it is served on the web.
    """
    return "TUIREADER_REMOTE=web exec " + shlex.join(argv)


def make_web_server(
    command: str, host: str = "127.0.0.1", port: int = 8000, public_url: str | None = None
) -> Any:
    """A ``textual_serve.server.Server`` for *command* (not started)."""
    from textual_serve.server import Server

    return Server(command, host=host, port=port, title="tuireader", public_url=public_url)
