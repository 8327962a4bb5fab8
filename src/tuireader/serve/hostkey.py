"""The SSH server's host key: made once (ed25519, mode 0600) and reused."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import asyncssh

from tuireader.paths import data_dir

__all__ = ["HostKeyError", "default_host_key_path", "load_or_create_host_key"]

HOST_KEY_NAME = "ssh_host_ed25519_key"


class HostKeyError(RuntimeError):
    """The host key cannot be read, made or trusted (a one-line message)."""


def default_host_key_path() -> Path:
    """Where the host key lives: ``data_dir()/ssh_host_ed25519_key``."""
    return data_dir() / HOST_KEY_NAME


def load_or_create_host_key(path: Path | None = None) -> asyncssh.SSHKey:
    """Return the host key at *path*, making it first if there is none.

    A new key is written to a private temporary file and linked into place, so
    two servers starting at once agree on one key and nobody sees half a file.
    An existing key that others may read is refused, as OpenSSH does.
    """
    path = path or default_host_key_path()
    if not path.exists():
        _create(path)
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise HostKeyError(f"host key {path} is not a regular file")
    if mode & 0o077:
        raise HostKeyError(
            f"host key {path} can be read by others (mode {stat.S_IMODE(mode):o}): chmod 600 it"
        )
    try:
        return asyncssh.read_private_key(path)
    except (OSError, ValueError, asyncssh.KeyImportError) as exc:
        raise HostKeyError(f"cannot read host key {path}: {exc}") from exc


def _create(path: Path) -> None:
    """Write a new ed25519 key to *path* (mode 0600) unless another process just did."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = asyncssh.generate_private_key("ssh-ed25519", comment="tuireader host key")
        data = key.export_private_key("openssh")
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        pub = path.with_name(path.name + ".pub")
        if not pub.exists():
            pub.write_bytes(asyncssh.read_private_key(path).export_public_key("openssh"))
    except OSError as exc:
        raise HostKeyError(f"cannot create host key {path}: {exc.strerror or exc}") from exc
