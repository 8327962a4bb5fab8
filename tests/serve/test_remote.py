"""tuireader.remote: where the app runs, what it may do there, OSC 52 and OSC 8."""

from __future__ import annotations

import base64
import re

import pytest

from tuireader.remote import (
    is_remote,
    is_server_mode,
    may_open_browser,
    osc8_link,
    osc52,
    policy,
    remote_mode,
    safe_link_url,
)


@pytest.mark.parametrize(
    ("env", "mode"),
    [
        ({}, "local"),
        ({"DISPLAY": ":0"}, "local"),
        ({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}, "ssh"),
        ({"SSH_TTY": "/dev/pts/3"}, "ssh"),
        ({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22", "DISPLAY": "localhost:10.0"}, "local"),
        ({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22", "WAYLAND_DISPLAY": "wayland-0"}, "local"),
        ({"TUIREADER_REMOTE": "ssh", "DISPLAY": ":0"}, "ssh"),  # served: never the server's display
        ({"TUIREADER_REMOTE": "web"}, "web"),
        ({"TUIREADER_REMOTE": "something-new"}, "ssh"),
        ({"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"}, "web"),
    ],
)
def test_remote_mode(env: dict[str, str], mode: str) -> None:
    assert remote_mode(env) == mode
    assert is_remote(env) == (mode != "local")
    assert may_open_browser(env) == (mode in ("local", "web"))


def test_policy_in_each_situation() -> None:
    local = policy({})
    assert (local.open_browser, local.suspend, local.screenshot, local.server_files) == (
        True,
        True,
        "file",
        True,
    )
    plain_ssh = policy({"SSH_CONNECTION": "a b c d"})  # the reader's own account: only no browser
    assert not plain_ssh.open_browser and plain_ssh.suspend and not plain_ssh.server
    assert plain_ssh.screenshot == "file" and plain_ssh.server_files
    served = policy({"TUIREADER_REMOTE": "ssh", "DISPLAY": ":0"})
    assert served.server and not served.open_browser and not served.suspend
    assert served.screenshot == "off" and not served.server_files and not served.private_network
    web = policy({"TUIREADER_REMOTE": "web"})
    assert web.server and web.open_browser and not web.suspend and web.screenshot == "browser"
    assert not web.server_files and not web.private_network
    assert is_server_mode({"TUIREADER_REMOTE": "ssh"}) and not is_server_mode({"SSH_TTY": "x"})


def test_osc52_is_the_sequence_textual_writes() -> None:
    text = "https://example.org/ü?q=1"
    seq = osc52(text)
    match = re.fullmatch(r"\x1b\]52;c;([A-Za-z0-9+/=]+)\x07", seq)
    assert match and base64.b64decode(match.group(1)).decode() == text


def test_osc52_tmux_passthrough_doubles_escapes() -> None:
    inner = osc52("x")
    wrapped = osc52("x", tmux_passthrough=True)
    assert wrapped == "\x1bPtmux;" + "\x1b" + inner + "\x1b\\"  # the one ESC inside doubled


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "%66ile:///etc/passwd",
        "ssh://host",
        "smb://host/share",
        "/etc/passwd",
        "http://",
        "https://ex\x1bample.org",
        "https://example.org/\x07",
        "https://example.org/a\x1b\\b",
        "https://example.org/\x9c",
        "https://example.org/\u202egnp.exe",
        "https://example.org/a b",
        "https://example.org/a\nb",
        "https://example.org/" + "a" * 3000,
        "",
        None,
    ],
)
def test_unsafe_links_are_refused(url: str | None) -> None:
    assert safe_link_url(url) is None
    assert osc8_link(url, "label") == "label"


def test_safe_links_are_kept_and_made_ascii() -> None:
    assert safe_link_url("https://example.org/a?b=c#d") == "https://example.org/a?b=c#d"
    assert safe_link_url("  HTTP://example.org/x  ") == "http://example.org/x"
    assert safe_link_url("https://example.org/café?q=ü") == "https://example.org/caf%C3%A9?q=%C3%BC"
    assert safe_link_url("https://bücher.example/") == "https://xn--bcher-kva.example/"
    assert safe_link_url("https://example.org:8443/p") == "https://example.org:8443/p"


def test_osc8_link_wraps_a_clean_label() -> None:
    link = osc8_link("https://example.org/", "a\x1b]2;pwned\x07 title\u202e")
    assert link == "\x1b]8;;https://example.org/\x1b\\a]2;pwned title\x1b]8;;\x1b\\"
