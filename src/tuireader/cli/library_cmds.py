"""Library commands: import, list, show, search, note."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from tuireader.cli.common import JsonOpt, app, console, emit_json, err_console, fail, state
from tuireader.cli.render import article_json, print_article, summary_json

note_app = typer.Typer(help="Add notes to articles.", no_args_is_help=True)
app.add_typer(note_app, name="note")


@app.command("import")
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    as_json: JsonOpt = False,
) -> None:
    """Import saved pages, Markdown, feeds, OPML, service exports, text dumps and bundles.

    The format is found from each file's content.  Exports of Pocket, Instapaper,
    Wallabag, Omnivore and Hypothesis import their good rows and report the others
    by line; an OPML file makes the library follow its feeds.
    """
    from rich.progress import Progress

    from tuireader.importing import import_paths

    library = state.library()
    show_bar = not as_json and err_console.is_terminal and (len(paths) > 1 or paths[0].is_dir())
    if show_bar:
        with Progress(console=err_console, transient=True) as bar:
            task = bar.add_task("Importing", total=None)

            def progress(path: Path, done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description=path.name[:40])

            outcome = import_paths(library, paths, progress)
    else:
        outcome = import_paths(library, paths)
    if as_json:
        emit_json(
            {
                "imported": outcome.imported,
                "updated": outcome.updated,
                "failed": [{"path": p, "error": e} for p, e in outcome.failed],
                "warnings": [{"path": p, "warning": w} for p, w in outcome.warnings],
                "feeds": outcome.feeds,
                "feeds_known": outcome.feeds_known,
            }
        )
    else:
        if (
            len(outcome.failed) == 1
            and not outcome.imported
            and not outcome.updated
            and not outcome.feeds
            and not outcome.feeds_known
        ):
            path, error = outcome.failed[0]
            for where, warning in outcome.warnings:
                err_console.print(f"warning: {where}: {warning}", markup=False)
            fail(f"{path}: {error}")
        console.print(outcome.summary, markup=False)
        if outcome.feeds or outcome.feeds_known:
            console.print(
                f"{len(outcome.feeds)} feeds followed, {len(outcome.feeds_known)} already "
                "followed (`tuireader sync` fetches them)",
                markup=False,
            )
        for path, warning in outcome.warnings:
            err_console.print(f"warning: {path}: {warning}", markup=False)
        for path, error in outcome.failed:
            err_console.print(f"failed: {path}: {error}", markup=False)
    if outcome.failed:
        raise typer.Exit(1)


@app.command("list")
def list_cmd(
    sort: Annotated[str, typer.Option(help="date, title or site.")] = "date",
    view: Annotated[str, typer.Option(help="all, inbox, unread, starred or archived.")] = "all",
    tag: Annotated[str | None, typer.Option(help="Only articles with this tag.")] = None,
    site: Annotated[str | None, typer.Option(help="Only articles from this site.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many rows.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List articles, newest first."""
    from tuireader.store.queries import ListQuery, count_articles, list_page

    if sort not in ("date", "title", "site"):
        fail(f"unknown sort {sort!r}: use date, title or site")
    if view not in ("all", "inbox", "unread", "starred", "archived"):
        fail(f"unknown view {view!r}: use all, inbox, unread, starred or archived")
    db = state.library().db
    query = ListQuery(sort=sort, view=view, tag=tag, site=site)  # type: ignore[arg-type]
    rows = list_page(db, query, limit=limit)
    if as_json:
        emit_json({"total": count_articles(db, query), "articles": [summary_json(r) for r in rows]})
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify in (
        ("ID", "right"),
        ("", "left"),
        ("Title", "left"),
        ("Site", "left"),
        ("Date", "left"),
        ("Comments", "right"),
    ):
        table.add_column(name, justify=justify, overflow="ellipsis", no_wrap=name != "Title")  # type: ignore[arg-type]
    for r in rows:
        marks = (
            ("•" if not r.read else " ")
            + ("★" if r.starred else " ")
            + ("✎" if r.note_count else " ")
        )
        table.add_row(
            str(r.id),
            marks,
            Text(r.title),
            Text(r.site),
            r.sort_date.strftime("%Y-%m-%d"),
            str(r.comment_count),
        )
    console.print(table)
    total = count_articles(db, query)
    if total > len(rows):
        console.print(f"{len(rows)} of {total} shown (use --limit)", markup=False, style="dim")


@app.command("show")
def show_cmd(
    article_id: Annotated[int, typer.Argument(help="The article's id (see `tuireader list`).")],
    as_json: JsonOpt = False,
) -> None:
    """Show an article with its comments as a thread and its notes."""
    from tuireader.store.db import StoreError
    from tuireader.store.queries import get_article

    try:
        view = get_article(state.library().db, article_id)
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json(article_json(view))
    else:
        print_article(console, view)


@app.command("search")
def search_cmd(
    query: Annotated[
        str, typer.Argument(help='Words, "phrases", and is:/tag:/site:/has:/in: filters.')
    ],
    limit: Annotated[int, typer.Option(min=1, help="At most this many results.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Search articles, comments and notes."""
    from tuireader.store.search import SearchError, search, split_snippet

    try:
        hits = search(state.library().db, query, limit=limit)
    except SearchError as exc:
        fail(str(exc))
    if as_json:
        emit_json(
            [
                {
                    "article_id": h.article_id,
                    "title": h.title,
                    "site": h.site,
                    "where": h.where,
                    "snippet": "".join(t for t, _ in split_snippet(h.snippet)),
                    "comment_id": h.comment_id,
                    "note_id": h.note_id,
                }
                for h in hits
            ]
        )
        return
    if not hits:
        console.print("no matches", markup=False)
        return
    for h in hits:
        line = Text(f"{h.article_id:>6}  ")
        line.append(h.title, style="bold")
        line.append(f"  ({h.where})", style="dim")
        console.print(line)
        snippet = Text("        ")
        for chunk, matched in split_snippet(h.snippet):
            snippet.append(" ".join(chunk.split()), style="reverse" if matched else "")
        if h.snippet:
            console.print(snippet)


@note_app.command("add")
def note_add(
    article_id: Annotated[int, typer.Argument(help="The article's id.")],
    text: Annotated[str, typer.Argument(help="The note's text (Markdown); '-' reads stdin.")],
    comment: Annotated[int | None, typer.Option(help="Attach the note to this comment id.")] = None,
    shared: Annotated[
        bool, typer.Option("--shared", help="Show it to the library's other users too.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Add a note to an article (or to one of its comments); it is yours ($TUIREADER_USER)."""
    from tuireader.store.db import StoreError

    if text == "-":
        text = sys.stdin.read()
    if not text.strip():
        fail("the note is empty")
    try:
        note_id = state.library().add_note(article_id, text, comment_id=comment, shared=shared)
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"id": note_id, "article_id": article_id, "comment_id": comment})
    else:
        console.print(f"note {note_id} saved on article {article_id}", markup=False)


@note_app.command("share")
def note_share(
    note_id: Annotated[int, typer.Argument(help="The note's id (see `tuireader show`).")],
    unshare: Annotated[bool, typer.Option("--unshare", help="Make it private again.")] = False,
) -> None:
    """Show one of your notes to the library's other users (or stop showing it)."""
    from tuireader.store.db import StoreError

    try:
        state.library().set_note_shared(note_id, not unshare)
    except StoreError as exc:
        fail(str(exc))
    console.print(f"note {note_id} is {'private' if unshare else 'shared'}", markup=False)
