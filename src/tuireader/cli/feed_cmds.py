"""Feed commands: feed add/list/remove/import-opml/export-opml, and sync."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from tuireader.cli.common import JsonOpt, app, console, emit_json, err_console, fail, state
from tuireader.cli.web_cmds import ImagesOpt, progress_bar, say, warn

feed_app = typer.Typer(help="Follow RSS and Atom feeds.", no_args_is_help=True)
app.add_typer(feed_app, name="feed")


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
        warn("error", f"{r.title}: {r.error}")
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
    say(line)
    for warning in r.warnings:
        warn("warning", f"{r.title}: {warning}")


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
        say(Text(f"{verb} feed {result.feed_id}: {result.title}"))
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
        say("no feeds (add one with `tuireader feed add URL`)")
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
        say(Text(f"removed feed {removed.id}: {removed.title} ({kept})"))


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
    say(
        f"{len(added)} feeds followed, {len(known)} already followed, "
        f"{len(found.skipped)} skipped (`tuireader sync` fetches them)"
    )
    for message in found.skipped:
        warn("skipped", message)


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
        with progress_bar("Syncing", not as_json) as update:
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
            say("no feeds to sync (add one with `tuireader feed add URL`)")
            return
        for r in outcome.feeds:
            _print_sync(r)
        say(outcome.summary)
    if outcome.failed:
        raise typer.Exit(1)
