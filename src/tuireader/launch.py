"""The ``tuireader`` entry point: open the reader quickly, or hand over to the CLI.

``tuireader`` with nothing but the launch options (``--db PATH``, ``--no-sample``,
``--no-mouse``) starts the app straight away, without importing typer or the
store: the app's first frame then waits only for Textual.  Anything else
(subcommands, ``--help``, ``--version``, unknown options) goes to the typer CLI
in :mod:`tuireader.cli`, which parses the same launch options.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main", "launch", "app_db_url", "plain_launch_options"]


def plain_launch_options(argv: Sequence[str]) -> dict[str, object] | None:
    """The launch options in *argv*, or None when *argv* holds anything else."""
    options: dict[str, object] = {"db": None, "sample": True, "mouse": True}
    args = list(argv)
    while args:
        arg = args.pop(0)
        if arg == "--db" and args and not args[0].startswith("-"):
            options["db"] = args.pop(0)
        elif arg.startswith("--db=") and len(arg) > 5:
            options["db"] = arg[5:]
        elif arg == "--no-sample":
            options["sample"] = False
        elif arg == "--no-mouse":
            options["mouse"] = False
        else:
            return None
    return options


def app_db_url(db: str | None) -> str:
    """``--db`` (a path or a URL), else ``$TUIREADER_DB``, else the default file, as a URL.

    The same rules as ``tuireader.store.db.resolve_db_url``, without importing
    SQLAlchemy; the app reports a bad URL or file when it opens the library.
    """
    from tuireader.paths import default_db_path

    value = str(db) if db else os.environ.get("TUIREADER_DB") or ""
    if not value:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def launch(db: str | None, *, sample: bool = True, mouse: bool = True) -> int:
    """Run the app on the library *db*; return its exit status."""
    from tuireader.store.quicklist import read_in_background

    url = app_db_url(db)
    # The list's first page is read (plain sqlite3) while Textual and the app import.
    early = read_in_background(url)
    from tuireader.app import make_app

    app = make_app(url, sample=sample, mouse=mouse, first_page=early)
    app.run(mouse=mouse)
    return app.return_code or 0


def main(argv: Sequence[str] | None = None) -> None:
    """The console script: the app for a plain launch, the CLI for everything else."""
    args = sys.argv[1:] if argv is None else list(argv)
    options = plain_launch_options(args)
    if options is None:
        from tuireader.cli import main as cli_main

        cli_main(args)
        return
    try:
        code = launch(options["db"], sample=bool(options["sample"]), mouse=bool(options["mouse"]))  # type: ignore[arg-type]
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback
        if os.environ.get("TUIREADER_DEBUG"):
            raise
        message = " ".join(f"unexpected error: {type(exc).__name__}: {exc}".split())
        sys.stderr.write(f"error: {message}\n")
        sys.exit(2)
    if code:
        sys.exit(code)
