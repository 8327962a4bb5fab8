"""Where the reader runs, and what it may do there: small UI-free helpers for remote use.

Three situations:

- ``local``: a terminal on the reader's own machine. Everything is allowed.
- ``ssh``: the app's screen is on another machine. Either plain SSH (``ssh host
  tuireader``: ``SSH_CONNECTION`` is set and there is no ``DISPLAY``/``WAYLAND_DISPLAY``)
  or ``tuireader serve ssh`` (``TUIREADER_REMOTE=ssh``). A browser opened here
  would open on the server, so links are shown, copied with OSC 52 and offered as
  OSC 8 hyperlinks (the *client's* terminal opens those).
- ``web``: ``tuireader serve web`` (``TUIREADER_REMOTE=web``, Textual's web driver).
  ``App.open_url`` and ``App.deliver_screenshot`` already go to the visitor's browser.

In the two *server* modes (``TUIREADER_REMOTE`` set) the person reading is not
the server's owner: nothing may act on the server (suspend, files written to
or read from server paths, fetches of the server's private network).
"""

from __future__ import annotations

import base64
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit, urlunsplit

from tuireader.text import safe_line

__all__ = [
    "REMOTE_ENV",
    "RemotePolicy",
    "Mode",
    "is_remote",
    "is_server_mode",
    "may_open_browser",
    "osc52",
    "osc8_link",
    "policy",
    "remote_mode",
    "safe_link_url",
]

REMOTE_ENV = "TUIREADER_REMOTE"
"""Set by the servers for the app they run: ``ssh`` or ``web``."""

Mode = Literal["local", "ssh", "web"]

MAX_URL = 2048
"""Longer URLs are not offered as links (terminals cap OSC 8 URIs near this)."""

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]~_"


def _env(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def remote_mode(environ: Mapping[str, str] | None = None) -> Mode:
    """``local``, ``ssh`` or ``web`` (see the module's docstring)."""
    env = _env(environ)
    served = env.get(REMOTE_ENV, "").strip().lower()
    if served == "web" or "web_driver" in env.get("TEXTUAL_DRIVER", ""):
        return "web"
    if served:
        return "ssh"  # any other value: the safe choice
    has_display = bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    if (env.get("SSH_CONNECTION") or env.get("SSH_CLIENT") or env.get("SSH_TTY")) and (
        not has_display
    ):
        return "ssh"
    return "local"


def is_remote(environ: Mapping[str, str] | None = None) -> bool:
    """True when the screen is not on this machine (plain SSH or a server mode)."""
    return remote_mode(environ) != "local"


def is_server_mode(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``tuireader serve`` runs this app for someone (``TUIREADER_REMOTE`` set)."""
    return bool(_env(environ).get(REMOTE_ENV, "").strip()) or remote_mode(environ) == "web"


def may_open_browser(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``App.open_url`` reaches the reader's own browser.

    True locally and in web mode (Textual's web driver sends it to the visitor's
    browser); False over SSH, where it would start a browser on the server.
    """
    return remote_mode(environ) in ("local", "web")


@dataclass(frozen=True)
class RemotePolicy:
    """What the app may do where it runs: one object to consult, from :func:`policy`."""

    mode: Mode
    server: bool
    """Run by ``tuireader serve`` for someone who does not own this machine."""
    open_browser: bool
    """``App.open_url`` is allowed (else: show the URL, copy it, offer an OSC 8 link)."""
    suspend: bool
    """Ctrl+Z may suspend to a shell (never in a server mode: there is no shell)."""
    screenshot: Literal["file", "browser", "off"]
    """Where ``App.deliver_screenshot`` goes: a file here, the visitor's browser, nowhere."""
    server_files: bool
    """Import from / export to paths on this machine (off in server modes)."""
    private_network: bool
    """Fetch loopback/private addresses (off in server modes: the server's network)."""


def policy(environ: Mapping[str, str] | None = None) -> RemotePolicy:
    """The :class:`RemotePolicy` for this process's environment."""
    mode = remote_mode(environ)
    server = is_server_mode(environ)
    if mode == "web":
        screenshot: Literal["file", "browser", "off"] = "browser"
    else:
        screenshot = "off" if server else "file"
    return RemotePolicy(
        mode=mode,
        server=server,
        open_browser=may_open_browser(environ),
        suspend=not server and mode != "web",
        screenshot=screenshot,
        server_files=not server,
        private_network=not server,
    )


def osc52(text: str, *, tmux_passthrough: bool = False) -> str:
    """The OSC 52 sequence that puts *text* on the terminal's clipboard.

    Inside the app prefer ``App.copy_to_clipboard`` (Textual writes this same
    sequence, ``ESC ] 52 ; c ; <base64> BEL``, and keeps ``App.clipboard``).
    tmux forwards it to the outer terminal with ``set -g set-clipboard on``; only
    with ``allow-passthrough on`` and no ``set-clipboard`` is *tmux_passthrough*
    (the DCS ``tmux;`` wrapper) needed.
    """
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if tmux_passthrough:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def safe_link_url(url: str | None) -> str | None:
    """*url* made fit for an OSC 8 link or a link style, or None.

    Only ``http``/``https`` with a host; no control characters, spaces, ESC, BEL
    or ST anywhere (they would end the sequence or act on the terminal); non-ASCII
    is IDNA-encoded in the host and percent-encoded elsewhere, as OSC 8 wants
    printable ASCII; at most :data:`MAX_URL` characters.
    """
    if not url:
        return None
    url = url.strip()
    if _CONTROL.search(url) or len(url) > MAX_URL:
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = parts.netloc
    if not netloc.isascii():
        try:
            userinfo, _, hostport = netloc.rpartition("@")
            name, colon, port = (
                hostport.partition(":") if "]" not in hostport else (hostport, "", "")
            )
            netloc = (
                (userinfo + "@" if userinfo else "") + name.encode("idna").decode() + colon + port
            )
        except UnicodeError:
            return None
    rebuilt = urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            quote(parts.path, safe=_URL_SAFE),
            quote(parts.query, safe=_URL_SAFE),
            quote(parts.fragment, safe=_URL_SAFE),
        )
    )
    return rebuilt if len(rebuilt) <= MAX_URL else None


def osc8_link(url: str | None, label: str) -> str:
    """*label* as an OSC 8 hyperlink to *url*; the bare label when the URL is not safe.

    The label goes through :func:`tuireader.text.safe_line`. In a Textual widget
    use a link style instead, with the same check: ``Style(link=safe_link_url(url))``
    (Textual writes the OSC 8 sequence itself, with the URL unchecked).
    """
    text = safe_line(label)
    safe = safe_link_url(url)
    if safe is None:
        return text
    return f"\x1b]8;;{safe}\x1b\\{text}\x1b]8;;\x1b\\"
