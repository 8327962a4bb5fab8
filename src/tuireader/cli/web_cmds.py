"""Web commands: add URLs, fetch pending articles, show what was stripped, list kept images.

The feed commands are in :mod:`tuireader.cli.feed_cmds`; both share the output helpers here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer
from rich.text import Text

from tuireader.cli.common import JsonOpt, app, console, emit_json, err_console, fail, state
from tuireader.text import safe_line

ImagesOpt = Annotated[
    bool,
    typer.Option("--images", help="Keep the articles' images offline (in the data directory)."),
]


def say(line: Text | str) -> None:
    """One line on stdout, never wrapped (scripts read these lines)."""
    console.print(line if isinstance(line, Text) else Text(line), soft_wrap=True)


def warn(prefix: str, message: str) -> None:
    """``prefix: message`` on one line of stderr (``error``, ``warning``, ``skipped``)."""
    err_console.print(Text(f"{prefix}: {safe_line(message)}"))


@contextmanager
def progress_bar(label: str, show: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A transient Rich progress bar on stderr (only on a terminal): yields an update
    function ``(description, done, total)``, or ``None`` when there is no bar."""
    if not show or not err_console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(description: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, description=Text(description[:40]))

        yield update


def _result_json(r: Any) -> dict[str, Any]:
    return {
        "url": r.url,
        "status": r.status,
        "id": r.article_id,
        "title": r.title,
        "comments": r.comments,
        "final_url": r.final_url,
        "images": r.images,
        "error": r.error,
    }


def _print_result(r: Any) -> None:
    if r.ok:
        line = Text(f"{r.status} {r.article_id}: ")
        line.append(r.title, style="bold")
        extra = [f"{r.comments} comments"] if r.comments else []
        if r.images:
            extra.append(f"{r.images} images")
        if extra:
            line.append(f" ({', '.join(extra)})")
        say(line)
    else:
        warn("error", f"{r.url}: {r.error}")


@app.command("add")
def add_cmd(
    urls: Annotated[list[str], typer.Argument(help="Web pages to save (http or https).")],
    images: ImagesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Save web pages with their comment threads (one line per URL; exit 1 if any failed)."""
    from tuireader.webimport import add_urls

    library = state.library()
    with progress_bar("Fetching", len(urls) > 1 and not as_json) as update:
        on_result = (lambda r, d, t: update(r.url, d, t)) if update else None
        results = asyncio.run(add_urls(library, urls, on_result=on_result, images=images))
    if as_json:
        emit_json([_result_json(r) for r in results])
    else:
        for r in results:
            _print_result(r)
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@app.command("fetch-pending")
def fetch_pending_cmd(
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed", help="Also try again the pages that failed before.")
    ] = False,
    images: ImagesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Fetch the pages of pending articles (URL-only rows of exports, summary-only entries).

    A page that fails leaves its article pending with the error; `--retry-failed`
    tries those again.  Exit 1 if any failed.
    """
    from tuireader.webimport import fetch_pending

    library = state.library()
    with progress_bar("Fetching", not as_json) as update:
        on_result = (lambda r, d, t: update(r.url, d, t)) if update else None
        results = asyncio.run(
            fetch_pending(library, retry_failed=retry_failed, on_result=on_result, images=images)
        )
    if as_json:
        emit_json([_result_json(r) for r in results])
    else:
        if not results:
            say("nothing pending" + ("" if retry_failed else " (--retry-failed retries failures)"))
        for r in results:
            _print_result(r)
        if results:
            failed = sum(1 for r in results if not r.ok)
            say(f"{len(results) - failed} fetched, {failed} failed (still pending)")
    if any(not r.ok for r in results):
        raise typer.Exit(1)


@app.command("stripped")
def stripped_cmd(
    article_id: Annotated[int, typer.Argument(help="The article's id.")],
    as_json: JsonOpt = False,
) -> None:
    """Show what the extractor left out of a saved page (menus, sidebars, footers...)."""
    from tuireader.importers.model import ImportError_
    from tuireader.store.db import StoreError
    from tuireader.webimport import stripped_text

    try:
        report = stripped_text(state.library(), article_id)
    except (StoreError, ImportError_) as exc:
        fail(str(exc))
    if as_json:
        emit_json({"id": article_id, "report": report})
    else:
        console.print(Text(report))


@app.command("images")
def images_cmd(
    article_id: Annotated[int, typer.Argument(help="The article's id.")],
    as_json: JsonOpt = False,
) -> None:
    """List the images an article keeps offline (number n is [image n] in the reader)."""
    from tuireader.images import image_path
    from tuireader.store.db import StoreError
    from tuireader.store.images import article_images
    from tuireader.store.queries import get_raw

    db = state.library().db
    try:
        get_raw(db, article_id)  # an unknown id is an error
    except StoreError as exc:
        fail(str(exc))
    rows = article_images(db, article_id)

    def path_of(r: Any) -> str | None:
        return str(image_path(r.sha256, r.content_type)) if r.sha256 else None

    if as_json:
        emit_json(
            [
                {
                    "number": r.number,
                    "url": r.url,
                    "alt": r.alt,
                    "path": path_of(r),
                    "content_type": r.content_type,
                    "size": r.size,
                    "error": r.error,
                }
                for r in rows
            ]
        )
        return
    if not rows:
        say(f"article {article_id} keeps no images (add it with --images)")
    for r in rows:
        where = path_of(r) or f"not kept: {r.error}"
        say(Text(f"[image {r.number}] {r.alt or '(no description)'}: {where}"))
