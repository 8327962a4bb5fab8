"""Launch the Textual app from the CLI.

The store (SQLAlchemy, SQLModel, Alembic) is not imported here: the app opens
the library in a worker so its first frame does not wait for those imports, and
shows any problem with the library (missing folder, not a database, newer
schema...) on an error screen, then exits with status 1 and the message.
"""

from __future__ import annotations

import os
from pathlib import Path

from tuireader.cli.common import State
from tuireader.paths import default_db_path


def app_db_url(db: str | None) -> str:
    """``--db`` (a path or a URL), else ``$TUIREADER_DB``, else the default file, as a URL.

    The same rules as ``tuireader.store.db.resolve_db_url``, without importing
    SQLAlchemy; a malformed URL is reported by the app when it opens the library.
    """
    value = str(db) if db else os.environ.get("TUIREADER_DB") or ""
    if not value:
        path = default_db_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{path}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def run_app(state: State) -> None:
    """Run the app on the library; exit with the app's return code."""
    from tuireader.app import make_app

    app = make_app(app_db_url(state.db), sample=state.sample, mouse=state.mouse)
    app.run(mouse=state.mouse)
    if app.return_code:
        raise SystemExit(app.return_code)
