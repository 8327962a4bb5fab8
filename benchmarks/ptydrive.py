"""Drive a terminal program in a real pseudo-terminal and watch what it writes.

The program's output is fed to a terminal emulator (pyte) so the benchmark can
tell when a frame shows a given text; CPU time comes from ``/proc/PID/stat``
and peak memory from ``/proc/PID/status`` (``VmHWM``), so nothing is measured
inside the program itself.
"""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Sequence

import pyte

__all__ = ["PtyApp", "KEYS"]

KEYS = {
    "enter": b"\r",
    "escape": b"\x1b",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "ctrl+q": b"\x11",
    "ctrl+c": b"\x03",
}
_CLK_TCK = os.sysconf("SC_CLK_TCK")
_ALT_SCREEN = b"\x1b[?1049h"
_SYNC_START = b"\x1b[?2026h"
_SYNC_END = b"\x1b[?2026l"


class PtyApp:
    """A program running in a pseudo-terminal of *columns* x *rows*."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        columns: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
    ) -> None:
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        full_env = dict(os.environ)
        full_env.update({"TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)})
        full_env.pop("TEXTUAL", None)
        full_env.update(env or {})
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=full_env,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.output = bytearray()
        self.bytes_read = 0
        self._open_sync = 0

    # -- reading ----------------------------------------------------------------------------

    def _read_once(self, timeout: float) -> int:
        ready, _, _ = select.select([self.master], [], [], max(0.0, timeout))
        if not ready:
            return 0
        try:
            data = os.read(self.master, 65536)
        except OSError:  # the program ended
            return -1
        if not data:
            return -1
        self.bytes_read += len(data)
        self.output += data
        self._open_sync += data.count(_SYNC_START) - data.count(_SYNC_END)
        self.stream.feed(data)
        return len(data)

    def text(self) -> str:
        """What the screen shows now."""
        return "\n".join(self.screen.display)

    def wait_for(self, needle: str, timeout: float = 60.0) -> float:
        """Read until a complete frame shows *needle*; return the seconds since start."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            n = self._read_once(deadline - time.perf_counter())
            if n < 0:
                raise RuntimeError(
                    f"the program ended before showing {needle!r}: "
                    + self.output[-400:].decode("utf-8", "replace")
                )
            if n and _ALT_SCREEN in self.output and self._open_sync <= 0 and needle in self.text():
                return time.perf_counter() - self.started
        raise TimeoutError(f"{needle!r} not shown within {timeout:.0f} s")

    def wait_quiet(self, quiet: float = 0.3, timeout: float = 30.0) -> int:
        """Read until nothing arrives for *quiet* seconds; return the bytes read meanwhile."""
        start = self.bytes_read
        deadline = time.perf_counter() + timeout
        last = time.perf_counter()
        while time.perf_counter() < deadline:
            n = self._read_once(quiet)
            if n < 0:
                break
            if n:
                last = time.perf_counter()
            elif time.perf_counter() - last >= quiet and self._open_sync <= 0:
                break
        return self.bytes_read - start

    # -- writing ----------------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """Send keys: names from :data:`KEYS` or literal characters."""
        for key in keys:
            os.write(self.master, KEYS.get(key, key.encode()))

    # -- the process -------------------------------------------------------------------------

    def cpu_seconds(self) -> float:
        """User + system CPU time the program used so far."""
        with open(f"/proc/{self.proc.pid}/stat", "rb") as fh:
            fields = fh.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLK_TCK

    def peak_rss_mb(self) -> float:
        """The program's peak resident memory so far (VmHWM), in MB."""
        with open(f"/proc/{self.proc.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        """End the program (quit key, then SIGTERM, then SIGKILL) and release the pty."""
        if self.proc.poll() is None:
            try:
                self.press("ctrl+q")
                self.proc.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                for sig in (signal.SIGTERM, signal.SIGKILL):
                    if self.proc.poll() is not None:
                        break
                    os.killpg(self.proc.pid, sig)
                    try:
                        self.proc.wait(timeout=3)
                    except subprocess.TimeoutExpired:
                        continue
        try:
            while self._read_once(0) > 0:
                pass
        finally:
            os.close(self.master)

    def __enter__(self) -> PtyApp:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
