"""One SSH session channel: an interactive pty session running the app, or a clear refusal."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING, Any

import asyncssh

from tuireader.serve.config import DEFAULT_SIZE, child_environment, clamp_size
from tuireader.serve.pty_proc import TERMINAL_RESET, PtyProcess

if TYPE_CHECKING:
    from tuireader.serve.ssh_server import ConnectionHandler

__all__ = ["AppSession", "NEEDS_TERMINAL", "BUSY"]

NEEDS_TERMINAL = "tuireader needs a terminal: use ssh -t\r\n"
BUSY = "tuireader: the server is busy ({n} sessions open); try again later\r\n"
IDLE = "\r\ntuireader: closed after {s:g} s without input\r\n"


class AppSession(asyncssh.SSHServerSession):  # type: ignore[misc]
    """A session channel: one app process in its own pty, or a message and exit 1."""

    def __init__(self, handler: ConnectionHandler) -> None:
        self._handler = handler
        self._chan: Any = None
        self._term: str | None = None
        self._size = DEFAULT_SIZE
        self._refusal: tuple[str, str] | None = None
        self._has_slot = False
        self._proc: PtyProcess | None = None
        self._task: asyncio.Task[None] | None = None
        self._idle_timer: asyncio.TimerHandle | None = None
        self._last_input = time.monotonic()
        self._idled_out = False
        self._seen_output = False
        self._ended = False

    @property
    def channel(self) -> Any:
        """The SSH channel (``asyncssh.SSHServerChannel``)."""
        return self._chan

    @property
    def process(self) -> PtyProcess | None:
        """The app's process, once started."""
        return self._proc

    # -- requests -------------------------------------------------------------------------

    def connection_made(self, chan: Any) -> None:
        """Keep the channel."""
        self._chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], _modes: Any
    ) -> bool:
        """Accept a pty; remember its type and (clamped) size."""
        self._term = term_type or "xterm-256color"
        self._size = clamp_size(term_size[0], term_size[1])
        return True

    def shell_requested(self) -> bool:
        """Accept a shell request; without a pty or a free slot it only gets a message."""
        if self._term is None:
            self._refusal = ("no-pty", NEEDS_TERMINAL)
        elif not self._handler.state.acquire_slot():
            self._refusal = ("session-limit", BUSY.format(n=self._handler.state.active_sessions))
        else:
            self._has_slot = True
        return True

    def exec_requested(self, command: str) -> bool:
        """Refuse commands (``ssh host cmd``, scp): the client reports the failed request."""
        self._handler.note("exec")
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        """Refuse subsystems (sftp)."""
        self._handler.note("subsystem")
        return False

    def break_received(self, msec: int) -> bool:
        """Ignore breaks."""
        return False

    def signal_received(self, signal: str) -> None:
        """Ignore signals from the client: the app is ended by hanging up."""

    # -- running --------------------------------------------------------------------------

    def session_started(self) -> None:
        """Start the app, or say why not and exit 1."""
        if self._refusal is not None:
            reason, message = self._refusal
            self._handler.note(reason)
            self._finish(1, message)
            return
        self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        handler = self._handler
        try:
            db_url = await handler.library_url()
            env = child_environment(
                term=self._term,
                ssh_connection=handler.ssh_connection,
                fingerprint=handler.fingerprint or "",
                client_env=self._chan.get_environment(),
                extra=handler.state.config.extra_env,
            )
            if handler.reader_name:
                env["TUIREADER_USER"] = handler.reader_name
            self._proc = PtyProcess(
                handler.state.config.argv_for(db_url),
                env=env,
                cwd=str(handler.state.workdir),
                size=self._size,
                on_output=self._to_client,
                on_input_pressure=self._input_pressure,
            )
            await self._proc.start()
        except Exception as exc:  # noqa: BLE001 - told to the client and logged, never raised
            handler.note_error(f"{type(exc).__name__}: {exc}")
            self._finish(1, "tuireader: the reader could not start; see the server log\r\n")
            return
        handler.note_session()
        self._arm_idle()
        code = await self._proc.wait()
        handler.note_bytes(self._proc.bytes_out)
        message = IDLE.format(s=handler.state.config.idle_timeout) if self._idled_out else ""
        self._finish(code if code >= 0 else 128 - code, message, reset=True)

    def _finish(self, code: int, message: str = "", *, reset: bool = False) -> None:
        if self._ended:
            return
        self._ended = True
        self._cancel_idle()
        with contextlib.suppress(Exception):
            if reset:
                self._chan.write(TERMINAL_RESET)
            if message:
                self._chan.write_stderr(message.encode())
            self._chan.exit(min(code, 255))

    def _to_client(self, data: bytes) -> None:
        if not self._seen_output:  # the idle clock starts when the reader sees something
            self._seen_output = True
            self._last_input = time.monotonic()
        with contextlib.suppress(Exception):
            self._chan.write(data)

    def _input_pressure(self, paused: bool) -> None:
        with contextlib.suppress(Exception):
            (self._chan.pause_reading if paused else self._chan.resume_reading)()

    def data_received(self, data: bytes, datatype: Any) -> None:
        """Keys and pastes from the client go to the app."""
        self._last_input = time.monotonic()
        if self._proc is not None:
            self._proc.write(data)

    def terminal_size_changed(self, width: int, height: int, _pw: int, _ph: int) -> None:
        """A window change: clamp it and pass it on."""
        self._size = clamp_size(width, height)
        if self._proc is not None:
            self._proc.resize(*self._size)

    def pause_writing(self) -> None:
        """The client is slow: stop reading the app's output."""
        if self._proc is not None:
            self._proc.pause_output()

    def resume_writing(self) -> None:
        """The client caught up."""
        if self._proc is not None:
            self._proc.resume_output()

    def eof_received(self) -> bool:
        """The client closed its input: hang up the app."""
        if self._proc is not None:
            self._proc.hangup()
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        """The channel closed: hang up the app and free the slot."""
        self._ended = True
        self._cancel_idle()
        if self._proc is not None:
            self._proc.hangup()
        if self._has_slot:
            self._has_slot = False
            self._handler.state.release_slot()

    # -- idle timeout ---------------------------------------------------------------------

    def _arm_idle(self, delay: float | None = None) -> None:
        timeout = self._handler.state.config.idle_timeout
        if timeout > 0 and not self._ended:
            loop = asyncio.get_running_loop()
            self._idle_timer = loop.call_later(
                timeout if delay is None else delay, self._check_idle
            )

    def _check_idle(self) -> None:
        timeout = self._handler.state.config.idle_timeout
        left = self._last_input + timeout - time.monotonic()
        if left > 0:
            self._arm_idle(left)
            return
        self._idled_out = True
        self._handler.note("idle-timeout")
        if self._proc is not None:
            self._proc.hangup()

    def _cancel_idle(self) -> None:
        if self._idle_timer is not None:
            self._idle_timer.cancel()
            self._idle_timer = None
