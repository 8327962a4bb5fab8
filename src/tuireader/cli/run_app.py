"""Launch the Textual app from the CLI."""

from __future__ import annotations

from tuireader.cli.common import State, fail


def run_app(state: State) -> None:
    """Check the library location, then run the app on it."""
    from tuireader.store.db import Database, StoreError, resolve_db_url

    try:
        url = resolve_db_url(state.db)
        db = Database(url)
        if db.path is not None:
            db.path.parent.mkdir(parents=True, exist_ok=True) if state.db is None else None
        db.check_location()
    except (StoreError, OSError) as exc:
        fail(str(exc))
    from tuireader.app import make_app

    app = make_app(url, sample=state.sample, mouse=state.mouse)
    app.run(mouse=state.mouse)
    if app.return_code:
        raise SystemExit(app.return_code)
