"""``tuireader export``: a whole-library backup or Markdown pages, and ``export notes``."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from tuireader.cli.common import app, err_console, fail, state

export_app = typer.Typer(
    no_args_is_help=False,
    invoke_without_command=True,
)
app.add_typer(export_app, name="export")


def _write_atomic(path: Path, write: object) -> None:
    """Write a file through a temporary sibling, fsync it and move it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)  # type: ignore[operator]
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@export_app.callback()
def export_library(
    ctx: typer.Context,
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json (a full backup) or markdown.")
    ] = "json",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File (json) or folder (markdown); default stdout."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
    no_raw: Annotated[
        bool, typer.Option("--no-raw", help="Leave out the pages articles were extracted from.")
    ] = False,
) -> None:
    """Export the library: a JSON backup that `import` restores, or Markdown files.

    `tuireader export notes` exports only your notes and highlights.
    """
    if ctx.invoked_subcommand is not None:
        return
    from tuireader.export.backup import write_library
    from tuireader.export.markdown import article_markdown, safe_filename, write_unique
    from tuireader.store.queries import get_article

    db = state.library().db
    if fmt == "json":
        if out is None:
            write_library(db, sys.stdout, include_raw=not no_raw)
            return
        if out.is_dir():
            fail(f"{out} is a folder: give a file name for the backup")
        if (out.exists() or out.is_symlink()) and not force:
            fail(f"{out} exists (use --force to overwrite)")
        try:
            holder: list[int] = []
            _write_atomic(
                out, lambda fh: holder.append(write_library(db, fh, include_raw=not no_raw))
            )
        except OSError as exc:
            fail(f"cannot write {out}: {exc.strerror or exc}")
        err_console.print(f"library ({holder[0]} articles) written to {out}", markup=False)
    elif fmt in ("markdown", "md"):
        from tuireader.export.backup import iter_article_records

        if out is None:
            for record in iter_article_records(db):
                sys.stdout.write(article_markdown(get_article(db, record["id"])) + "\n")
            return
        try:
            out.mkdir(parents=True, exist_ok=True)
            count = 0
            for record in iter_article_records(db):
                view = get_article(db, record["id"])
                write_unique(out, safe_filename(view.title), article_markdown(view), force=force)
                count += 1
        except OSError as exc:
            fail(f"cannot write to {out}: {exc.strerror}")
        except ValueError as exc:
            fail(str(exc))
        err_console.print(f"{count} articles written to {out}", markup=False)
    else:
        fail(f"unknown format {fmt!r}: use json or markdown")


@export_app.command("notes")
def export_notes(
    fmt: Annotated[
        str,
        typer.Option("--format", "-f", help="markdown (one file per article) or json (W3C)."),
    ] = "markdown",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The folder to write into (json: default stdout)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite files that are already there.")] = False,
) -> None:
    """Export your notes and highlights: Markdown for Obsidian/Logseq, or W3C Web Annotations."""
    import json

    from tuireader.export.notes import notes_collection, write_notes_json, write_notes_markdown

    db = state.library().db
    if fmt not in ("markdown", "md", "json"):
        fail(f"unknown format {fmt!r}: use markdown or json")
    if out is None:
        if fmt == "json":
            sys.stdout.write(json.dumps(notes_collection(db), ensure_ascii=False, indent=2) + "\n")
            return
        fail("give a folder with --out for the Markdown files")
    if out.exists() and not out.is_dir():
        fail(f"{out} is not a folder")
    try:
        if fmt == "json":
            path = write_notes_json(db, out, force=force)
            err_console.print(f"notes written to {path}", markup=False)
        else:
            files = write_notes_markdown(db, out, force=force)
            err_console.print(f"{len(files)} note files written to {out}", markup=False)
    except FileExistsError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot write to {out}: {exc.strerror or exc}")
