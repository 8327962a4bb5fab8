"""Shared pieces of the CLI: the typer app, the library option, output helpers."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from tuireader import __version__

__all__ = ["app", "State", "state", "fail", "emit_json", "console", "err_console", "JsonOpt"]

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="tuireader",
    help="A terminal reader with offline storage: articles, their comment threads and your notes.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


@dataclass
class State:
    """Options given before the command, and the library opened from them."""

    db: str | None = None
    sample: bool = True
    mouse: bool = True
    _library: Any = field(default=None, repr=False)

    def library(self) -> Any:
        """Open the library once (creating or upgrading it); exit with a message on failure."""
        if self._library is None:
            from tuireader.store.db import StoreError, resolve_db_url
            from tuireader.store.library import Library

            try:
                self._library = Library.open(resolve_db_url(self.db))
            except StoreError as exc:
                fail(str(exc))
        return self._library


state = State()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print ``error: message`` on one line to stderr and exit with *code*."""
    first = " ".join(str(message).split()) or "failed"
    err_console.print(f"error: {first}", markup=False, highlight=False)
    raise typer.Exit(code)


def emit_json(data: Any) -> None:
    """Print *data* as JSON on stdout."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def _version(value: bool) -> None:
    if value:
        console.print(f"tuireader {__version__}", markup=False)
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Library file or SQLAlchemy URL (default: $TUIREADER_DB, else a file in the "
            "user data directory).",
            metavar="PATH_OR_URL",
        ),
    ] = None,
    no_sample: Annotated[
        bool, typer.Option("--no-sample", help="Do not fill a new library with the samples.")
    ] = False,
    no_mouse: Annotated[
        bool, typer.Option("--no-mouse", help="Turn off mouse support (less traffic over SSH).")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Open the reader, or run a command on the library."""
    state._library = None
    state.db = db
    state.sample = not no_sample
    state.mouse = not no_mouse
    if ctx.invoked_subcommand is None:
        from tuireader.cli.run_app import run_app

        run_app(state)
