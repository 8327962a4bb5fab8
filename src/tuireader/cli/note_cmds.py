"""``tuireader note``: list, highlight, edit and delete notes (``note add`` is in library_cmds)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.text import Text

from tuireader.cli.common import JsonOpt, console, emit_json, fail, state
from tuireader.cli.library_cmds import note_app
from tuireader.cli.render import iso


def _read_text(text: str) -> str:
    return sys.stdin.read() if text == "-" else text


@note_app.command("list")
def note_list(
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Only notes containing this text.")
    ] = None,
    tag: Annotated[str | None, typer.Option(help="Only notes on articles with this tag.")] = None,
    article: Annotated[int | None, typer.Option(help="Only the notes of this article.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="At most this many notes.")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """List notes and highlights, newest first."""
    from tuireader.store.queries import all_notes

    notes = all_notes(state.library().db, text=search, tag=tag, article_id=article, limit=limit)
    if as_json:
        emit_json(
            [
                {
                    "id": n.id,
                    "article_id": n.article_id,
                    "article_title": n.article_title,
                    "text": n.text,
                    "quote": n.quote,
                    "start": n.start,
                    "end": n.end,
                    "orphaned": n.orphaned,
                    "comment_id": n.comment_id,
                    "comment_author": n.comment_author,
                    "created": iso(n.created),
                    "updated": iso(n.updated),
                }
                for n in notes
            ]
        )
        return
    if not notes:
        console.print("no notes", markup=False)
        return
    for n in notes:
        head = Text(f"{n.id:>5}  ", style="bold")
        head.append(n.created.strftime("%Y-%m-%d"), style="dim")
        head.append("  ")
        head.append(n.article_title)
        head.append(f"  (article {n.article_id})", style="dim")
        if n.comment_author:
            head.append(f"  on the comment by {n.comment_author}", style="dim")
        if n.orphaned:
            head.append("  [orphaned]", style="yellow")
        console.print(head)
        if n.quote:
            console.print(Text("       > " + " ".join(n.quote.split())[:200], style="italic"))
        if n.text.strip():
            console.print(Text("       " + " ".join(n.text.split())[:300]))


@note_app.command("highlight")
def note_highlight(
    article_id: Annotated[int, typer.Argument(help="The article's id.")],
    passage: Annotated[str, typer.Argument(help="The exact passage to highlight.")],
    note: Annotated[str, typer.Option("--note", "-n", help="A note on the passage.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Highlight a passage of an article (found in its text; spacing may differ)."""
    from tuireader.store.anchoring import TextIndex
    from tuireader.store.db import StoreError
    from tuireader.store.queries import get_article

    library = state.library()
    try:
        view = get_article(library.db, article_id)
    except StoreError as exc:
        fail(str(exc))
    found = TextIndex(view.text).reanchor(passage)
    if found.anchor is None or found.status == "fuzzy":
        fail(f"the passage is not in article {article_id}")
    try:
        note_id = library.add_highlight(
            article_id, found.anchor.start, found.anchor.end, _read_text(note)
        )
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        a = found.anchor
        emit_json({"id": note_id, "article_id": article_id, "start": a.start, "end": a.end})
    else:
        console.print(f"highlight {note_id} saved on article {article_id}", markup=False)


@note_app.command("edit")
def note_edit(
    note_id: Annotated[int, typer.Argument(help="The note's id (see `note list`).")],
    text: Annotated[str, typer.Argument(help="The new text; '-' reads stdin.")],
) -> None:
    """Replace a note's text."""
    from tuireader.store.db import StoreError

    try:
        state.library().update_note(note_id, _read_text(text))
    except StoreError as exc:
        fail(str(exc))
    console.print(f"note {note_id} saved", markup=False)


@note_app.command("delete")
def note_delete(
    note_id: Annotated[int, typer.Argument(help="The note's id (see `note list`).")],
) -> None:
    """Delete a note or highlight."""
    from tuireader.store.db import StoreError

    try:
        state.library().delete_note(note_id)
    except StoreError as exc:
        fail(str(exc))
    console.print(f"note {note_id} deleted", markup=False)
