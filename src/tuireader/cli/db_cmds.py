"""``tuireader db``: where the library is, is it healthy, and a backup copy."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from tuireader.cli.common import JsonOpt, app, console, emit_json, err_console, fail, state

db_app = typer.Typer(help="The library database: path, check, backup, copy.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("path")
def db_path(as_json: JsonOpt = False) -> None:
    """Print where the library is."""
    from tuireader.store.db import Database, StoreError, resolve_db_url

    try:
        db = Database(resolve_db_url(state.db))
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"url": db.display_url, "path": str(db.path) if db.path else None})
    else:
        console.print(db.display_url, markup=False)


@db_app.command("check")
def db_check(as_json: JsonOpt = False) -> None:
    """Check the library: schema version, integrity, counts."""
    from sqlalchemy import text

    from tuireader.store.migrate import head_revision
    from tuireader.store.queries import library_counts

    library = state.library()
    db = library.db
    integrity = "not checked (not SQLite)"
    if db.is_sqlite:
        with db.engine.connect() as conn:
            rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            fts_ok = True
            # FTS5 checks itself through an INSERT: not possible on a read-only file.
            for table in () if db.read_only else ("article_fts", "comment_fts", "note_fts"):
                try:
                    conn.execute(
                        text(f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)")
                    )
                except Exception:  # noqa: BLE001 - reported, not raised
                    fts_ok = False
            conn.rollback()
        integrity = (
            "ok"
            if rows == ["ok"] and fts_ok
            else "; ".join(rows[:5]) + ("" if fts_ok else " (search index damaged)")
        )
    counts = library_counts(db)
    result = {
        "url": db.display_url,
        "schema": head_revision(),
        "integrity": integrity,
        "articles": counts.total,
        "unread": counts.unread,
        "starred": counts.starred,
        "archived": counts.archived,
        "notes": counts.notes,
    }
    if as_json:
        emit_json(result)
    else:
        for key, value in result.items():
            console.print(f"{key:>10}: {value}", markup=False)
    if integrity not in ("ok", "not checked (not SQLite)"):
        raise typer.Exit(1)


@db_app.command("backup")
def db_backup(
    dest: Annotated[Path | None, typer.Argument(help="Where to write the copy.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write a consistent copy of a SQLite library (safe while the app runs)."""
    from datetime import UTC, datetime

    from tuireader.store.migrate import backup_sqlite

    library = state.library()
    path = library.db.path
    if path is None:
        fail("backup copies SQLite libraries; use `tuireader export --format json` for others")
    if dest is None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        dest = path.with_name(f"{path.stem}-backup-{stamp}.db")
    if dest.exists():
        fail(f"{dest} exists; choose another name")
    try:
        backup_sqlite(path, dest)
    except Exception as exc:  # noqa: BLE001
        fail(f"cannot write {dest}: {exc}")
    if as_json:
        emit_json({"backup": str(dest)})
    else:
        console.print(f"backup written to {dest}", markup=False)


@db_app.command("copy")
def db_copy(
    source: Annotated[
        str, typer.Option("--from", help="The library to copy: a file or a database URL.")
    ],
    target: Annotated[
        str, typer.Option("--to", help="Where to copy it: a file or a database URL.")
    ],
    merge: Annotated[
        bool, typer.Option("--merge", help="Merge into a library that is not empty.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Copy a whole library, every user's notes and state included (SQLite ⇄ PostgreSQL)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from tuireader.store.copy import copy_library
    from tuireader.store.db import Database, StoreError, resolve_db_url
    from tuireader.store.library import Library

    opened: list[Library] = []
    try:
        src_url, dst_url = resolve_db_url(source), resolve_db_url(target)
        if src_url == dst_url:
            fail("the source and the target are the same library")
        src_db = Database(src_url)
        if src_db.path is not None and not src_db.path.exists():
            fail(f"the library {src_db.path} does not exist")
        Database(dst_url).check_location()
        opened.append(Library.open(src_url))
        opened.append(Library.open(dst_url))
        if as_json or not err_console.is_terminal:
            result = copy_library(opened[0], opened[1], merge=merge)
        else:
            columns = (
                *Progress.get_default_columns()[:1],
                BarColumn(),
                MofNCompleteColumn(),
                TimeRemainingColumn(),
            )
            with Progress(*columns, console=err_console, transient=True) as bar:
                task = bar.add_task("Copying articles", total=None)
                result = copy_library(
                    opened[0],
                    opened[1],
                    merge=merge,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
    except StoreError as exc:
        fail(str(exc))
    finally:
        for lib in opened:
            lib.close()
    report = {
        "from": opened[0].db.display_url,
        "to": opened[1].db.display_url,
        "articles": result.articles,
        "merged": result.merged,
        "comments": result.comments,
        "notes": result.notes,
        "tags": result.tags,
        "sources": result.sources,
        "states": result.states,
        "users": sorted(result.users),
    }
    if as_json:
        emit_json(report)
    else:
        console.print(
            f"copied {result.articles} articles ({result.merged} merged), {result.comments} "
            f"comments, {result.notes} notes, {result.states} reading states of "
            f"{len(result.users)} users to {report['to']}",
            markup=False,
        )
