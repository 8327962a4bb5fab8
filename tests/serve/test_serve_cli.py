"""``tuireader serve ssh`` as a command: it starts, tells where it listens, logs, and stops."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import asyncssh
import pytest
from termclient import ROOT, connect

pytestmark = pytest.mark.timeout(90)


def test_missing_authorized_keys_is_a_one_line_error(cli: Any, tmp_path: Path) -> None:
    result = cli("--db", str(tmp_path / "x.db"), "serve", "ssh", "--port", "0")
    assert result.exit_code == 1
    assert result.stderr.startswith("error: no authorized keys file at ")
    assert len(result.stderr.strip().splitlines()) == 1


async def test_serve_ssh_command_runs_logs_and_stops(
    tmp_path: Path, client_key: Any, other_key: Any, authorized_keys: Path
) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--db", str(tmp_path / "lib.db"), "serve", "ssh"]
        + ["--port", "0", "--authorized-keys", str(authorized_keys)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        banner = [proc.stderr.readline() for _ in range(5)]
        match = re.search(
            r"serving over SSH on 127\.0\.0\.1:(\d+) \(this machine only\)", banner[0]
        )
        assert match, banner
        port = int(match.group(1))
        assert banner[1].split()[-1].startswith("SHA256:")
        async with await connect(port, client_key) as conn:  # like ssh -T
            result = await conn.run(None, term_type=None, stdin=asyncssh.DEVNULL)
        assert result.exit_status == 1 and "needs a terminal" in str(result.stderr)
        with pytest.raises(asyncssh.PermissionDenied):
            await connect(port, other_key)
        proc.send_signal(signal.SIGTERM)
        out = proc.stderr.read()
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    lines = [ln for ln in out.splitlines() if ln.startswith("ssh time=")]
    assert "outcome=no-session" in lines[0] and "events=no-pty" in lines[0]
    assert "outcome=auth-refused" in lines[1]
    logged = (Path(os.environ["TUIREADER_DATA_DIR"]) / "serve-ssh.log").read_text()
    assert logged.splitlines() == lines
    host_key = Path(os.environ["TUIREADER_DATA_DIR"]) / "ssh_host_ed25519_key"
    assert host_key.stat().st_mode & 0o777 == 0o600
    assert "stopping" in out
