"""The server's small parts: host key, sizes, TERM, the child's environment, per-key files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import asyncssh
import pytest

from tuireader.serve.config import (
    MAX_COLS,
    MAX_ROWS,
    app_command,
    child_environment,
    clamp_size,
    key_library_path,
    safe_term,
)
from tuireader.serve.hostkey import HostKeyError, default_host_key_path, load_or_create_host_key


def test_host_key_is_made_once_private_and_reused() -> None:
    path = default_host_key_path()
    assert not path.exists()
    first = load_or_create_host_key()
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert first.algorithm == b"ssh-ed25519"
    again = load_or_create_host_key()
    assert again.get_fingerprint() == first.get_fingerprint()


def test_a_host_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "key"
    load_or_create_host_key(path)
    os.chmod(path, 0o644)
    with pytest.raises(HostKeyError, match="chmod 600"):
        load_or_create_host_key(path)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((0, 0), (80, 24)),
        ((120, 40), (120, 40)),
        ((65535, 65535), (MAX_COLS, MAX_ROWS)),
        ((-5, 3), (80, 3)),
    ],
)
def test_clamp_size(size: tuple[int, int], expected: tuple[int, int]) -> None:
    assert clamp_size(*size) == expected


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("xterm-256color", "xterm-256color"),
        ("tmux-256color", "tmux-256color"),
        ("screen.xterm", "screen.xterm"),
        ("", "xterm-256color"),
        (None, "xterm-256color"),
        ("x\x1b[2J", "xterm-256color"),
        ("../../etc/x", "xterm-256color"),
        ("a" * 100, "xterm-256color"),
    ],
)
def test_safe_term(term: str | None, expected: str) -> None:
    assert safe_term(term) == expected


def test_child_environment_is_small_and_says_remote() -> None:
    server_env = {
        "PATH": "/usr/bin",
        "DISPLAY": ":0",
        "WAYLAND_DISPLAY": "wayland-0",
        "SSH_AUTH_SOCK": "/tmp/agent",
        "AWS_SECRET_ACCESS_KEY": "x",
        "PYTHONPATH": "src",
    }
    env = child_environment(
        term="screen-256color",
        ssh_connection="10.0.0.2 5555 10.0.0.1 2222",
        fingerprint="SHA256:abc",
        client_env={"COLORTERM": "truecolor", "LD_PRELOAD": "/tmp/evil.so", "LANG": "xx"},
        server_env=server_env,
    )
    for name in (
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "SSH_AUTH_SOCK",
        "AWS_SECRET_ACCESS_KEY",
        "LD_PRELOAD",
    ):
        assert name not in env
    assert env["TUIREADER_REMOTE"] == "ssh" and env["TERM"] == "screen-256color"
    assert env["SSH_CONNECTION"] == "10.0.0.2 5555 10.0.0.1 2222"
    assert env["COLORTERM"] == "truecolor" and env["LANG"] == "C.UTF-8"
    assert env["PYTHONPATH"] == str(Path("src").resolve())
    assert env["TUIREADER_DATA_DIR"] == os.environ["TUIREADER_DATA_DIR"]
    assert env["TUIREADER_CONFIG_DIR"] == os.environ["TUIREADER_CONFIG_DIR"]


def test_key_library_path_is_file_safe() -> None:
    path = key_library_path("SHA256:ab+/cd")
    assert path.name == "ab-_cd.db" and path.parent.name == "libraries"
    with pytest.raises(ValueError):
        key_library_path("SHA256:../../x")


def test_app_command_is_the_real_app() -> None:
    argv = app_command("sqlite:///x.db", mouse=False)
    assert argv[1:] == ["-m", "tuireader", "--db", "sqlite:///x.db", "--no-sample", "--no-mouse"]


def test_a_key_names_its_reader_through_its_environment_option() -> None:
    from tuireader.serve.ssh_server import key_reader_name

    key = asyncssh.generate_private_key("ssh-ed25519")
    line = b'environment="TUIREADER_USER=alice" ' + key.export_public_key("openssh")
    keys = asyncssh.import_authorized_keys(line.decode())
    options = keys.validate(key.convert_to_public(), "127.0.0.1", "127.0.0.1")
    assert key_reader_name(options) == "alice"
    assert key_reader_name({}) == ""
    assert key_reader_name({"environment": {"OTHER": "x"}}) == ""
    hostile = {"environment": {"TUIREADER_USER": "\x1b[2Jmallory\u202e  x" + "y" * 500}}
    name = key_reader_name(hostile)
    assert name.startswith("[2Jmallory x") and "\x1b" not in name and len(name) == 200
