"""``tuireader db recover``: what to do with a damaged library, without touching it.

The damaged file is only ever read (``mode=ro``).  The command lists the
backups found beside it, and can copy every row it can still read into a new
library (``--salvage NEW``) or move the damaged file aside and start a new
library in its place (``--new``).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from tuireader.cli.common import JsonOpt, console, emit_json, fail, state
from tuireader.cli.db_cmds import db_app

__all__ = ["db_recover"]


@db_app.command("recover")
def db_recover(
    salvage_to: Annotated[
        Path | None,
        typer.Option("--salvage", help="Copy every readable row into a new library here."),
    ] = None,
    new: Annotated[
        bool,
        typer.Option("--new", help="Move the damaged file aside and start a new library."),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Diagnose a damaged library and offer the ways out: a backup, a salvage, a new library."""
    from tuireader.store.db import Database, StoreError, resolve_db_url

    try:
        db = Database(resolve_db_url(state.db))
    except StoreError as exc:
        fail(str(exc))
    path = db.path
    if path is None:
        fail("recover works on SQLite library files")
    if not path.is_file():
        fail(f"{path} does not exist")
    from tuireader.store.salvage import check_file, find_backups, salvage

    health = check_file(path)
    backups = [(b, check_file(b)) for b in find_backups(path)]
    result: dict[str, object] = {
        "path": str(path),
        "health": health,
        "backups": [{"path": str(b), "health": h} for b, h in backups],
    }
    if salvage_to is not None:
        if salvage_to.exists():
            fail(f"{salvage_to} exists; choose a new file for the salvaged library")
        try:
            counts = salvage(path, salvage_to)
        except (StoreError, sqlite3.Error, OSError) as exc:
            fail(f"salvage failed: {exc}")
        result["salvaged"] = {"path": str(salvage_to), **counts}
    if new:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        from tuireader.store.library import Library

        try:
            Library.open(resolve_db_url(str(path))).close()
        except StoreError as exc:
            fail(str(exc))
        result["moved_to"] = str(aside)
    if as_json:
        emit_json(result)
        return
    _print_report(path, health, backups, result)


def _print_report(
    path: Path, health: str, backups: list[tuple[Path, str]], result: dict[str, object]
) -> None:
    def say(text: str, **_: object) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    say(f"library: {path}", markup=False)
    say(f"state:   {health}", markup=False)
    if "moved_to" in result:
        say(f"the damaged file was moved to {result['moved_to']}", markup=False)
        say(f"a new, empty library is at {path}", markup=False)
    if "salvaged" in result:
        info = result["salvaged"]
        assert isinstance(info, dict)
        say(
            f"salvaged into {info['path']}: {info['article']} articles, "
            f"{info['comment']} comments, {info['note']} notes",
            markup=False,
        )
    if backups:
        say("backups beside it:", markup=False)
        for backup, state_ in backups:
            say(f"  {backup}  ({state_})", markup=False)
    if "moved_to" in result or health == "ok":
        return
    say("ways out (the damaged file is never changed by tuireader):", markup=False)
    if backups:
        say(f"  open a backup:        tuireader --db {backups[0][0]}", markup=False)
    say(f"  salvage what is left: tuireader --db {path} db recover --salvage NEW.db", markup=False)
    say(f"  start a new library:  tuireader --db {path} db recover --new", markup=False)
