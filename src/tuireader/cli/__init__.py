"""The ``tuireader`` command (typer).

``tuireader`` alone opens the app; the subcommands script the library.  Every
command has ``--help``, prints Rich tables by default and JSON with ``--json``,
and exits 0 on success or non-zero with a one-line message on failure.
"""

from __future__ import annotations

import os
import sys

import typer

from tuireader.cli.common import app, fail

# Register the commands (each module adds its own to ``app``).
from tuireader.cli import (  # noqa: E402,F401  isort: skip
    db_cmds,
    export_cmds,
    feed_cmds,
    library_cmds,
    note_cmds,
    recover_cmds,
    serve_cmds,
    web_cmds,
)

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; an unexpected error is one line on stderr unless TUIREADER_DEBUG is set."""
    try:
        app(args=argv, prog_name="tuireader", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        if os.environ.get("TUIREADER_DEBUG"):
            raise
        try:
            fail(_describe(exc), code=2)
        except typer.Exit as done:  # outside typer's own handling: exit here
            sys.exit(done.exit_code)


def _describe(exc: Exception) -> str:
    """One line for an error no command handled: database errors in the store's words."""
    from sqlalchemy.exc import DBAPIError

    from tuireader.cli.common import state

    if isinstance(exc, DBAPIError):
        from tuireader.store.db import Database, describe_db_error, resolve_db_url

        try:
            db = (
                state._library.db
                if state._library is not None
                else Database(resolve_db_url(state.db))
            )
            return describe_db_error(exc, db)
        except Exception:  # noqa: BLE001 - fall back to the plain message
            pass
    first = str(exc).splitlines()[0] if str(exc) else ""
    return f"unexpected error: {type(exc).__name__}: {first}"
