"""One app process in a pseudo-terminal of its own, its bytes pumped both ways with asyncio.

Textual's driver owns the terminal of the process it runs in, so every served
session gets its own child process whose stdin/stdout/stderr are the slave side
of a fresh pty (and its controlling terminal, so window changes arrive as
SIGWINCH).  The server keeps the master side non-blocking and moves bytes with
back-pressure in both directions:

- client → app: bytes the pty will not take yet wait in a buffer; past
  :data:`INPUT_HIGH_WATER` the caller is told to stop reading from the client
  (SSH flow control then holds the sender), and told to resume below
  :data:`INPUT_LOW_WATER`.  A 10 MB paste never grows the server's memory past that.
- app → client: :meth:`PtyProcess.pause_output` stops reading the pty while the
  client is slow; the app then blocks on its own writes.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import signal
import struct
import termios
from collections.abc import Callable, Mapping, Sequence

__all__ = ["PtyProcess", "INPUT_HIGH_WATER", "INPUT_LOW_WATER", "TERMINAL_RESET"]

INPUT_HIGH_WATER = 1 << 20
INPUT_LOW_WATER = 1 << 16
READ_CHUNK = 1 << 16
HANGUP_GRACE = 3.0
"""Seconds between SIGHUP and SIGKILL when a session ends under a running app."""

TERMINAL_RESET = (
    b"\x1b[?1049l"  # leave the alternate screen
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l"  # mouse reporting off
    b"\x1b[?2004l"  # bracketed paste off
    b"\x1b[?25h"  # cursor visible
    b"\x1b[0m"
)
"""Sent after the app ends, so a killed app never leaves the client's terminal odd."""


def _make_controlling_tty() -> None:  # pragma: no cover - runs in the child
    """In the child, after setsid(): make stdin (the pty slave) the controlling terminal."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def set_window_size(fd: int, cols: int, rows: int) -> None:
    """Set a pty's window size (the kernel signals SIGWINCH to its foreground group)."""
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class PtyProcess:
    """A child process on a new pty; output goes to *on_output* as bytes.

    *on_input_pressure(True)* asks the caller to stop sending input,
    *on_input_pressure(False)* to send again.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: str | None,
        size: tuple[int, int],
        on_output: Callable[[bytes], None],
        on_input_pressure: Callable[[bool], None] | None = None,
    ) -> None:
        self.argv = list(argv)
        self.env = dict(env)
        self.cwd = cwd
        self.size = size
        self._on_output = on_output
        self._on_pressure = on_input_pressure or (lambda _paused: None)
        self._loop = asyncio.get_running_loop()
        self._master: int | None = None
        self._proc: asyncio.subprocess.Process | None = None
        self._pending = bytearray()
        self._input_paused = False
        self._writer_on = False
        self._reader_on = False
        self._output_paused = False
        self._eof = asyncio.Event()
        self._closed = False
        self.bytes_out = 0
        """Bytes the app wrote to its terminal (measured for the report)."""

    @property
    def pid(self) -> int | None:
        """The child's process id (and process group id), once started."""
        return self._proc.pid if self._proc else None

    @property
    def returncode(self) -> int | None:
        """The child's exit code once it ended (negative: killed by that signal)."""
        return self._proc.returncode if self._proc else None

    async def start(self) -> None:
        """Open the pty, start the child on it, start pumping."""
        master, slave = os.openpty()
        try:
            set_window_size(slave, *self.size)
            self._proc = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=slave,
                stdout=slave,
                stderr=slave,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
                preexec_fn=_make_controlling_tty,
            )
        except BaseException:
            os.close(master)
            raise
        finally:
            os.close(slave)
        os.set_blocking(master, False)
        self._master = master
        self._set_reader(True)
        if self._pending:
            self._set_writer(True)

    # -- app → client ---------------------------------------------------------------------

    def _set_reader(self, on: bool) -> None:
        if self._master is None or self._closed or on == self._reader_on:
            return
        if on:
            self._loop.add_reader(self._master, self._on_readable)
        else:
            self._loop.remove_reader(self._master)
        self._reader_on = on

    def _on_readable(self) -> None:
        assert self._master is not None
        try:
            data = os.read(self._master, READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO: every holder of the slave side has gone
            data = b""
        if not data:
            self._set_reader(False)
            self._eof.set()
            return
        self.bytes_out += len(data)
        self._on_output(data)

    def pause_output(self) -> None:
        """Stop reading the app's output (the client is not keeping up)."""
        self._output_paused = True
        self._set_reader(False)

    def resume_output(self) -> None:
        """Read the app's output again."""
        self._output_paused = False
        if not self._eof.is_set():
            self._set_reader(True)

    # -- client → app ---------------------------------------------------------------------

    def write(self, data: bytes) -> None:
        """Send *data* to the app's terminal, buffering what it cannot take yet."""
        if self._closed or not data:
            return
        if self._master is not None and not self._pending:
            try:
                written = os.write(self._master, data)
            except BlockingIOError:
                written = 0
            except OSError:  # the app has gone: nobody reads any more
                return
            data = data[written:]
        if data:
            self._pending += data
            self._set_writer(True)
            if len(self._pending) > INPUT_HIGH_WATER and not self._input_paused:
                self._input_paused = True
                self._on_pressure(True)

    def _set_writer(self, on: bool) -> None:
        if self._master is None or self._closed or on == self._writer_on:
            return
        if on:
            self._loop.add_writer(self._master, self._on_writable)
        else:
            self._loop.remove_writer(self._master)
        self._writer_on = on

    def _on_writable(self) -> None:
        assert self._master is not None
        try:
            written = os.write(self._master, self._pending[:READ_CHUNK])
        except BlockingIOError:
            return
        except OSError:
            written = len(self._pending)  # the app has gone: drop what it will never read
        del self._pending[:written]
        if not self._pending:
            self._set_writer(False)
        if self._input_paused and len(self._pending) < INPUT_LOW_WATER:
            self._input_paused = False
            self._on_pressure(False)

    @property
    def pending_input(self) -> int:
        """Bytes from the client the app has not taken yet."""
        return len(self._pending)

    # -- size, end ------------------------------------------------------------------------

    def resize(self, cols: int, rows: int) -> None:
        """Give the app a new window size."""
        self.size = (cols, rows)
        if self._master is not None and not self._closed:
            with contextlib.suppress(OSError):
                set_window_size(self._master, cols, rows)

    async def wait(self, drain: float = 2.0) -> int:
        """Wait for the child to end and its last output to be read; return its exit code."""
        assert self._proc is not None
        code = await self._proc.wait()
        if not self._output_paused:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._eof.wait(), drain)
        self.close()
        return code

    def hangup(self) -> None:
        """End the app as a terminal hang-up does: SIGHUP now, SIGKILL if it lingers."""
        if self._proc is None or self._proc.returncode is not None:
            self.close()
            return
        self._signal(signal.SIGHUP)
        self._loop.call_later(HANGUP_GRACE, self._signal, signal.SIGKILL)

    def _signal(self, sig: int) -> None:
        if self._proc is not None and self._proc.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, sig)

    def close(self) -> None:
        """Stop pumping and close the master side (idempotent)."""
        if self._closed:
            return
        self._set_reader(False)
        self._set_writer(False)
        self._closed = True
        self._pending.clear()
        if self._master is not None:
            with contextlib.suppress(OSError):
                os.close(self._master)
            self._master = None
