"""The real app in a pseudo-terminal: the bytes it writes carry none of the injected sequences.

The hostile article's fields are overwritten with raw bytes by SQL (past the
importer's stripping), then ``python -m tuireader`` runs in a 120x40 pty with
TERM=xterm-256color while keys are sent; everything it writes is collected.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from helpers import hostile_text

ROOT = Path(__file__).resolve().parents[2]

INJECTED = [
    b"\x1b]52;c;aGFja2Vk",  # OSC 52: clipboard write
    b"\x1b]8;;http://evil.example/",  # OSC 8: hyperlink
    b"\x1b]0;PWNED",  # OSC 0: window title
    b"\x1b[2JCLR",  # CSI: clear screen
    b"\x1bP+q544e",  # DCS: terminal query
    "\u009b31m".encode(),  # C1 CSI
    "\u202eRLO".encode(),  # right-to-left override
    b"\x00",  # NUL
]


class PtyApp:
    """A child process on a pty of a fixed size, with its output collected."""

    def __init__(self, args: list[str], env: dict[str, str], cols: int, rows: int) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.proc = subprocess.Popen(
            args, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self.output = bytearray()

    def read_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                self.output += chunk

    def wait_for(self, needle: bytes, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if needle in self.output:
                return True
            self.read_for(0.2)
        return needle in self.output

    def send(self, keys: bytes, settle: float = 0.6) -> None:
        os.write(self.master, keys)
        self.read_for(settle)

    def close(self) -> int | None:
        try:
            code = self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            code = None
        self.read_for(0.2)
        os.close(self.master)
        return code


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty")
def test_the_app_writes_no_injected_sequence_to_the_terminal(library_path: Path) -> None:
    # The sequences come first, so even a field cropped to a narrow column holds them.
    raw = "\x1b]0;PWNED\x07\x1b[2JCLR\u009b31m\x00\u202eRLO\x1bP+q544e\x1b\\ " + hostile_text()
    with sqlite3.connect(library_path) as conn:
        (article_id,) = conn.execute(
            "SELECT id FROM article WHERE site='hostile.example'"
        ).fetchone()
        conn.execute(
            "UPDATE article SET title=?, author=?, body_markdown=?, site=? WHERE id=?",
            ("Raw " + raw, raw, "# " + raw + "\n\n" + raw + "\n\n`" + raw + "`", raw, article_id),
        )
        conn.execute(
            "UPDATE comment SET author=?, text=? WHERE article_id=?", (raw, raw, article_id)
        )
        conn.execute("UPDATE tag SET name=? WHERE name='hostile'", (raw,))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(library_path.parent),
        "PYTHONPATH": str(ROOT / "src"),
        "TERM": "xterm-256color",
        "LANG": "C.UTF-8",
        "TUIREADER_CONFIG_DIR": str(library_path.parent / "config"),
    }
    args = [sys.executable, "-m", "tuireader", "--db", str(library_path), "--no-sample"]
    app = PtyApp(args, env, cols=120, rows=40)
    try:
        assert app.wait_for(b"Sample article 7", timeout=30), app.output[-2000:]
        app.send(b"j")
        app.send(b"G")
        app.send(b"\r", settle=1.5)  # open the hostile article
        assert app.wait_for(b"[@click=app.quit]", timeout=10)
        app.send(b"\t")  # to the comments
        app.send(b"j")
        app.send(b"k")
        app.send(b"/")
        app.send(b"PWNED\r", settle=1.5)  # a search whose snippet holds the hostile text
        app.send(b"\x1b")
        app.send(b"t", settle=1.0)  # the tag prompt, holding the raw tag name
        app.send(b"\x1b")
        app.send(b"q")
    finally:
        code = app.close()
    out = bytes(app.output)
    assert code == 0, out[-2000:]
    assert b"Hostile" in out or b"Raw " in out
    assert b"[@click=app.quit]click[/]" in out and b"[link=file:///etc/passwd]pw[/link]" in out
    for sequence in INJECTED:
        assert sequence not in out, sequence
