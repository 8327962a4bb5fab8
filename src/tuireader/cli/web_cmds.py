"""Web commands: add URLs, fetch pending articles, show what was stripped, feeds and sync."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from tuireader.cli.common import JsonOpt, app, console, emit_json, err_console, fail, state

feed_app = typer.Typer(help="Follow RSS and Atom feeds.", no_args_is_help=True)
app.add_typer(feed_app, name="feed")

ImagesOpt = Annotated[
    bool,
    typer.Option("--images", help="Keep the articles' images offline (in the data directory)."),
]


def _say(line: Text | str) -> None:
    """One line on stdout, never wrapped (scripts read these lines)."""
    console.print(line if isinstance(line, Text) else Text(line), soft_wrap=True)


def _warn(prefix: str, message: str) -> None:
    err_console.print(Text(f"{prefix}: {' '.join(message.split())}"))


@contextmanager
def _progress(label: str, show: bool) -> Iterator[Callable[[str, int, int], None] | None]:
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
        _say(line)
    else:
        _warn("error", f"{r.url}: {r.error}")


@app.command("add")
def add_cmd(
    urls: Annotated[list[str], typer.Argument(help="Web pages to save (http or https).")],
    images: ImagesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Save web pages with their comment threads (one line per URL; exit 1 if any failed)."""
    from tuireader.webimport import add_urls

    library = state.library()
    with _progress("Fetching", len(urls) > 1 and not as_json) as update:
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
    with _progress("Fetching", not as_json) as update:
        on_result = (lambda r, d, t: update(r.url, d, t)) if update else None
        results = asyncio.run(
            fetch_pending(library, retry_failed=retry_failed, on_result=on_result, images=images)
        )
    if as_json:
        emit_json([_result_json(r) for r in results])
    else:
        if not results:
            _say("nothing pending" + ("" if retry_failed else " (--retry-failed retries failures)"))
        for r in results:
            _print_result(r)
        if results:
            failed = sum(1 for r in results if not r.ok)
            _say(f"{len(results) - failed} fetched, {failed} failed (still pending)")
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
        _say(f"article {article_id} keeps no images (add it with --images)")
    for r in rows:
        where = path_of(r) or f"not kept: {r.error}"
        _say(Text(f"[image {r.number}] {r.alt or '(no description)'}: {where}"))


# -- feeds -----------------------------------------------------------------------------------


def _feed_json(f: Any) -> dict[str, Any]:
    from tuireader.export.backup import iso

    return {
        "id": f.id,
        "title": f.title,
        "feed_url": f.feed_url,
        "site_url": f.site_url,
        "categories": list(f.categories),
        "full_text": f.full_text,
        "articles": f.article_count,
        "last_synced": iso(f.last_synced),
        "last_error": f.last_error,
    }


def _sync_json(r: Any) -> dict[str, Any]:
    return {
        "id": r.feed_id,
        "title": r.title,
        "feed_url": r.feed_url,
        "status": r.status,
        "new": r.new,
        "updated": r.updated,
        "pending": r.pending,
        "full_text": r.full_text,
        "warnings": r.warnings,
        "error": r.error,
    }


def _print_sync(r: Any) -> None:
    if r.status == "failed":
        _warn("error", f"{r.title}: {r.error}")
        return
    line = Text()
    line.append(r.title, style="bold")
    if r.status == "not_modified":
        line.append(": not modified")
    else:
        parts = [f"{len(r.new)} new", f"{len(r.updated)} updated"]
        if r.full_text:
            parts.append(f"{r.full_text} full pages fetched")
        if r.pending:
            parts.append(f"{r.pending} pending")
        line.append(": " + ", ".join(parts))
    _say(line)
    for warning in r.warnings:
        _warn("warning", f"{r.title}: {warning}")


@feed_app.command("add")
def feed_add(
    url: Annotated[str, typer.Argument(help="The feed's URL, or a page that links to its feed.")],
    full_text: Annotated[
        bool, typer.Option("--full-text", help="Fetch the full page of summary-only entries.")
    ] = False,
    tag: Annotated[
        list[str] | None, typer.Option("--tag", help="Tag the feed's articles (repeatable).")
    ] = None,
    images: ImagesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Follow a feed and import its entries."""
    from tuireader.feedsync import follow_feed
    from tuireader.importers.model import ImportError_
    from tuireader.store.db import StoreError

    try:
        result = asyncio.run(
            follow_feed(
                state.library(), url, full_text=full_text, categories=tag or (), images=images
            )
        )
    except (ImportError_, StoreError) as exc:
        fail(f"{url}: {exc}")
    if as_json:
        emit_json({**_sync_json(result), "created": result.created})
    else:
        verb = "following" if result.created else "already following"
        _say(Text(f"{verb} feed {result.feed_id}: {result.title}"))
        _print_sync(result)
    if result.status == "failed":
        raise typer.Exit(1)


@feed_app.command("list")
def feed_list(as_json: JsonOpt = False) -> None:
    """List the feeds the library follows, with their last sync and error."""
    from tuireader.store.feeds import list_feeds

    feeds = list_feeds(state.library().db)
    if as_json:
        emit_json([_feed_json(f) for f in feeds])
        return
    if not feeds:
        _say("no feeds (add one with `tuireader feed add URL`)")
        return
    table = Table(box=None, pad_edge=False, header_style="bold")
    for name, justify in (("ID", "right"), ("Title", "left"), ("Articles", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("Last sync", no_wrap=True)
    table.add_column("Status / URL", overflow="fold")
    for f in feeds:
        synced = f.last_synced.strftime("%Y-%m-%d %H:%M") if f.last_synced else "never"
        status = Text(f"error: {f.last_error}", style="red") if f.last_error else Text(f.feed_url)
        title = Text(f.title)
        if f.full_text:
            title.append(" (full text)", style="dim")
        table.add_row(str(f.id), title, str(f.article_count), synced, status)
    console.print(table)


@feed_app.command("remove")
def feed_remove(
    feed: Annotated[str, typer.Argument(help="The feed's id or URL (see `feed list`).")],
    as_json: JsonOpt = False,
) -> None:
    """Stop following a feed (its articles stay in the library)."""
    from tuireader.store.db import StoreError
    from tuireader.store.feeds import remove_feed

    try:
        removed = remove_feed(state.library().db, feed)
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json(_feed_json(removed))
    else:
        kept = f"{removed.article_count} articles kept"
        _say(Text(f"removed feed {removed.id}: {removed.title} ({kept})"))


@feed_app.command("import-opml")
def feed_import_opml(
    path: Annotated[Path, typer.Argument(help="An OPML subscription list.")],
    as_json: JsonOpt = False,
) -> None:
    """Follow the feeds of an OPML file (its folders and categories become tags)."""
    from tuireader.importers.files import read_input
    from tuireader.importers.model import ImportError_
    from tuireader.importers.opml import parse_opml
    from tuireader.store.db import StoreError
    from tuireader.store.feeds import add_feed

    library = state.library()
    try:
        found = parse_opml(read_input(path))
        added: list[int] = []
        known: list[int] = []
        for item in found.feeds:
            feed_id, created = add_feed(
                library.db,
                item.xml_url,
                title=item.title,
                site_url=item.html_url,
                categories=item.categories,
            )
            (added if created else known).append(feed_id)
    except (ImportError_, StoreError) as exc:
        fail(f"{path}: {exc}")
    if as_json:
        emit_json({"added": added, "known": known, "skipped": found.skipped})
        return
    _say(
        f"{len(added)} feeds followed, {len(known)} already followed, "
        f"{len(found.skipped)} skipped (`tuireader sync` fetches them)"
    )
    for message in found.skipped:
        _warn("skipped", message)


@feed_app.command("export-opml")
def feed_export_opml(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write (default stdout).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write the feeds the library follows as an OPML file."""
    from tuireader.importers.opml import OpmlFeed, write_opml
    from tuireader.store.feeds import list_feeds

    feeds = list_feeds(state.library().db)
    data = write_opml(
        OpmlFeed(
            title=f.title, xml_url=f.feed_url, html_url=f.site_url, categories=list(f.categories)
        )
        for f in feeds
    )
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    if out.exists() and not force:
        fail(f"{out} exists (use --force to overwrite)")
    try:
        out.write_bytes(data)
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror}")
    err_console.print(Text(f"{len(feeds)} feeds written to {out}"))


@app.command("sync")
def sync_cmd(
    feeds: Annotated[
        list[str] | None, typer.Argument(help="Only these feeds (ids or URLs); default all.")
    ] = None,
    full_text: Annotated[
        bool | None,
        typer.Option(
            "--full-text/--no-full-text",
            help="Fetch (or not) the full page of summary-only entries; default: as each "
            "feed was added.",
        ),
    ] = None,
    images: ImagesOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Fetch every feed (conditional GET); a feed's error is reported and kept, never fatal."""
    from tuireader.feedsync import sync_feeds
    from tuireader.store.db import StoreError

    library = state.library()
    try:
        with _progress("Syncing", not as_json) as update:
            on_feed = (lambda r, d, t: update(r.title, d, t)) if update else None
            outcome = asyncio.run(
                sync_feeds(
                    library,
                    feeds=feeds or None,
                    full_text=full_text,
                    on_feed=on_feed,
                    images=images,
                )
            )
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"feeds": [_sync_json(r) for r in outcome.feeds]})
    else:
        if not outcome.feeds:
            _say("no feeds to sync (add one with `tuireader feed add URL`)")
            return
        for r in outcome.feeds:
            _print_sync(r)
        _say(outcome.summary)
    if outcome.failed:
        raise typer.Exit(1)
