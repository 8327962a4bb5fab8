"""Following links safely.

A link is opened in a browser only when it is ``http``/``https`` and the
browser would open where the reader sits: in the browser of a web session
(textual-serve), or on a machine with a display of its own that is not reached
over SSH.  Anywhere else the URL is shown and copied to the clipboard of the
reader's own terminal (OSC 52), never opened on the machine that runs the app.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from urllib.parse import urlsplit

from textual.app import App

from tuireader.remote import REMOTE_ENV
from tuireader.text import safe_line

__all__ = ["has_local_display", "is_web_url", "follow_url", "notify_plain"]

_SSH_VARS = ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY")


def has_local_display(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> bool:
    """True when a browser opened here would show on the user's own screen."""
    env = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if any(env.get(name) for name in _SSH_VARS) or env.get(REMOTE_ENV):
        return False  # over SSH, or served by ``tuireader serve``: the display is not the reader's
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def is_web_url(url: str) -> bool:
    """True for an ``http``/``https`` URL with a host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def notify_plain(
    app: App[object], message: str, *, title: str = "", severity: str = "information"
) -> None:
    """``app.notify`` for text that may hold untrusted parts: never parsed as markup."""
    app.notify(
        safe_line(message)[:500],
        title=safe_line(title)[:100],
        severity=severity,  # type: ignore[arg-type]
        markup=False,
    )


def follow_url(app: App[object], url: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Open *url* if that is safe here, else show and copy it; return what was done."""
    shown = safe_line(url)[:2000]
    if not shown:
        notify_plain(app, "This link has no address.", severity="warning")
        return "none"
    if is_web_url(shown) and (app.is_web or has_local_display(environ)):
        app.open_url(shown)
        notify_plain(app, shown, title="Opened in your browser")
        return "opened"
    app.copy_to_clipboard(shown)
    why = "Copied to the clipboard" if is_web_url(shown) else "Not a web link; copied as text"
    notify_plain(app, shown, title=why)
    return "copied"
