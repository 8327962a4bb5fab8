"""Launch the Textual app from the CLI (``tuireader`` with launch options only).

A plain ``tuireader`` is started by :func:`tuireader.launch.main` without going
through typer; this is the same launch when typer parsed the options.  The store
is not imported here: the app opens the library in a worker, shows any problem
with it on an error screen, then exits with status 1 and the message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tuireader.launch import app_db_url, launch

if TYPE_CHECKING:
    from tuireader.cli.common import State

__all__ = ["run_app", "app_db_url"]


def run_app(state: State) -> None:
    """Run the app on the library; exit with the app's return code."""
    code = launch(state.db, sample=state.sample, mouse=state.mouse)
    if code:
        raise SystemExit(code)
