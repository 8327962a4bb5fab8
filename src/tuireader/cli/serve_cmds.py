"""``tuireader serve``: the reader for others, over SSH (public keys) or on a local web page."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import Annotated

import typer

from tuireader.cli.common import app, err_console, fail, state

serve_app = typer.Typer(
    help="Serve the reader: over SSH (public keys only) or on a local web page.",
    no_args_is_help=True,
)
app.add_typer(serve_app, name="serve")

NoMouse = Annotated[
    bool, typer.Option("--no-mouse", help="Run the app without mouse support (less traffic).")
]


def _prepared_db_url() -> str:
    """The server's library URL (``--db``, ``TUIREADER_DB`` or the default), created if new."""
    from tuireader.store.db import StoreError, resolve_db_url

    try:
        url = resolve_db_url(state.db)
    except StoreError as exc:
        fail(str(exc))
    state.library().close()
    return url


def _setup_log(log_file: Path) -> None:
    """Connection lines go to stderr and to *log_file* (mode 0600)."""
    logger = logging.getLogger("tuireader.serve")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(stream)
    try:
        log_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    except OSError as exc:
        err_console.print(f"warning: cannot write the log file {log_file}: {exc}", markup=False)


def _say(message: str, style: str | None = None) -> None:
    err_console.print(message, markup=False, highlight=False, style=style)


@serve_app.command("ssh")
def serve_ssh(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port (0: any free port).")] = 2222,
    authorized_keys: Annotated[
        Path | None,
        typer.Option(
            help="The readers' public keys, one per line as in ~/.ssh/authorized_keys "
            "(default: authorized_keys in the data directory)."
        ),
    ] = None,
    library_per_key: Annotated[
        bool, typer.Option("--library-per-key", help="Give each key its own library.")
    ] = False,
    max_sessions: Annotated[int, typer.Option(min=1, help="Sessions open at once.")] = 8,
    idle_timeout: Annotated[
        float,
        typer.Option(
            min=0, help="Close a session after this many seconds without input (0: never)."
        ),
    ] = 1800,
    login_timeout: Annotated[
        float, typer.Option(min=1, help="Seconds a client has to authenticate.")
    ] = 30,
    log_file: Annotated[
        Path | None,
        typer.Option(help="Connection log (default: serve-ssh.log in the data directory)."),
    ] = None,
    no_mouse: NoMouse = False,
) -> None:
    """Serve the reader over SSH: public keys only, one app per session, nothing else."""
    from tuireader.paths import data_dir
    from tuireader.serve.config import SSHServeConfig
    from tuireader.serve.ssh_server import ServeError, default_authorized_keys, start_ssh_server

    db_url = "" if library_per_key else _prepared_db_url()
    config = SSHServeConfig(
        db_url=db_url,
        authorized_keys=(authorized_keys or default_authorized_keys()).expanduser(),
        host=host,
        port=port,
        library_per_key=library_per_key,
        max_sessions=max_sessions,
        idle_timeout=idle_timeout,
        login_timeout=login_timeout,
        mouse=not no_mouse,
    )

    async def serve() -> None:
        handle = await start_ssh_server(config)
        _setup_log(log_file or data_dir() / "serve-ssh.log")
        where = "this machine only" if _loopback(host) else "other machines too"
        library = "one per key, in " + str(data_dir() / "libraries") if library_per_key else db_url
        _say(f"tuireader: serving over SSH on {host}:{handle.port} ({where})")
        _say(f"  host key:  {handle.host_key_fingerprint}")
        _say(f"  keys:      {config.authorized_keys}")
        _say(f"  library:   {library}")
        _say(f"  connect:   ssh -t -p {handle.port} {host}    (Ctrl+C here stops the server)")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await stop.wait()
        _say("tuireader: stopping; open sessions are closed")
        await handle.close()

    try:
        asyncio.run(serve())
    except ServeError as exc:
        fail(str(exc))


def _loopback(host: str) -> bool:
    from tuireader.serve.web import is_loopback

    return is_loopback(host)


@serve_app.command("web")
def serve_web(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port.")] = 8000,
    public_url: Annotated[
        str | None,
        typer.Option(help="The URL browsers use, if not http://HOST:PORT (behind a proxy)."),
    ] = None,
    no_mouse: NoMouse = False,
) -> None:
    """Serve the reader on a web page (textual-serve). It has NO authentication."""
    from tuireader.serve.config import app_command
    from tuireader.serve.web import NO_AUTH_WARNING, is_loopback, make_web_server, web_command

    db_url = _prepared_db_url()
    if not is_loopback(host):
        url = public_url or f"http://{host}:{port}"
        _say(NO_AUTH_WARNING.format(url=url, port=port), style="bold red")
    server = make_web_server(
        web_command(app_command(db_url, mouse=not no_mouse)), host, port, public_url
    )
    server.serve()
