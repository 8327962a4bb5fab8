"""The ``tuireader`` command (typer).

``tuireader`` alone opens the app; the subcommands script the library.  Every
command has ``--help``, prints Rich tables by default and JSON with ``--json``,
and exits 0 on success or non-zero with a one-line message on failure.
"""

from __future__ import annotations

import os
import sys

from tuireader.cli.common import app, err_console

# Register the commands (each module adds its own to ``app``).
from tuireader.cli import (  # noqa: E402,F401  isort: skip
    db_cmds,
    export_cmds,
    feed_cmds,
    library_cmds,
    note_cmds,
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
        message = " ".join(f"unexpected error: {type(exc).__name__}: {exc}".split())
        err_console.print(f"error: {message}", markup=False, highlight=False)
        sys.exit(2)
