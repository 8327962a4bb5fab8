"""Fixtures for the server tests: keys, an authorized_keys file, a filled library, a server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from termclient import ROOT, standin_command


@pytest.fixture(scope="session")
def client_key() -> Any:
    """The reader's key (listed in authorized_keys)."""
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture(scope="session")
def other_key() -> Any:
    """A key nobody authorized."""
    return asyncssh.generate_private_key("ssh-ed25519")


@pytest.fixture
def authorized_keys(tmp_path: Path, client_key: Any) -> Path:
    """An authorized_keys file with the reader's key."""
    path = tmp_path / "authorized_keys"
    path.write_bytes(client_key.export_public_key("openssh"))
    return path


@pytest.fixture
def sample_db(tmp_path: Path) -> str:
    """A library filled with the sample articles (as ``tuireader import sample_data/`` does)."""
    from tuireader.importing import import_paths
    from tuireader.store.library import Library

    url = f"sqlite:///{tmp_path / 'shared.db'}"
    library = Library.open(url)
    outcome = import_paths(library, sorted((ROOT / "sample_data").glob("*.json")))
    library.close()
    assert len(outcome.imported) >= 5 and not outcome.failed
    return url


@pytest.fixture
async def serve(authorized_keys: Path, sample_db: str) -> AsyncIterator[Callable[..., Any]]:
    """Start a server on 127.0.0.1 on a free port: ``handle = await serve(**config)``."""
    from tuireader.serve.config import SSHServeConfig
    from tuireader.serve.ssh_server import start_ssh_server

    handles = []

    async def start(**overrides: Any) -> Any:
        lines: list[str] = []
        options: dict[str, Any] = {
            "db_url": sample_db,
            "authorized_keys": authorized_keys,
            "host": "127.0.0.1",
            "port": 0,
            "command": standin_command,
            "log": lines.append,
            "login_timeout": 20,
        }
        options.update(overrides)
        handle = await start_ssh_server(SSHServeConfig(**options))
        handle.lines = lines
        handles.append(handle)
        return handle

    yield start
    for handle in handles:
        await handle.close()
