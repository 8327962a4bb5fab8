"""Importing files into the library: the path shared by the CLI and the app.

Each file is parsed and saved in its own transaction, so one bad file never
stops the others and never leaves half an article behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tuireader.importers.bundle import is_bundle, parse_bundle_document
from tuireader.importers.files import ParsedInput, iter_input_files, parse_input, read_input
from tuireader.importers.model import ImportError_
from tuireader.store.db import StoreError
from tuireader.store.feeds import add_feed, list_feeds
from tuireader.store.library import Library
from tuireader.store.views import ImportOutcome

__all__ = ["import_paths", "import_file"]

Progress = Callable[[Path, int, int], None]


def import_file(library: Library, path: Path, outcome: ImportOutcome) -> None:
    """Import one file, recording what happened in *outcome*.

    An OPML file makes the library follow its feeds (they are fetched by
    ``sync``); an export's bad rows and a feed's problems become warnings.
    """
    try:
        data = read_input(path)
        known_feeds = {f.feed_url for f in list_feeds(library.db)}
        if is_bundle(data):
            # A bundle or backup: its sources, tags and followed feeds come along.
            from tuireader.importers.formats import feeds_of_backup

            doc = parse_bundle_document(data)
            parsed = ParsedInput(articles=[], feeds=feeds_of_backup(data), format="bundle")
            if not (doc.articles or doc.sources or doc.tags):
                raise ImportError_("no articles found")
            saved = library.save_many(doc.articles, sources=doc.sources, tags=doc.tags)
        else:
            parsed = parse_input(data, path.name)
            outcome.warnings.extend((str(path), warning) for warning in parsed.warnings)
            if not parsed.articles and not parsed.feeds:
                raise ImportError_(
                    "no feeds found" if parsed.format == "opml" else "no articles found"
                )
            saved = library.save_many(parsed.articles) if parsed.articles else []
        for article_id, created in saved:
            (outcome.imported if created else outcome.updated).append(article_id)
        for feed in parsed.feeds:
            feed_id, _created = add_feed(
                library.db,
                feed.xml_url,
                title=feed.title,
                site_url=feed.html_url,
                categories=feed.categories,
            )
            # A backup's feeds are restored with its sources: new is "not known before".
            new = feed.xml_url not in known_feeds
            (outcome.feeds if new else outcome.feeds_known).append(feed_id)
    except (ImportError_, StoreError) as exc:
        outcome.failed.append((str(path), str(exc)))
    except RecursionError:
        outcome.failed.append((str(path), "nested too deeply"))
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the others
        outcome.failed.append((str(path), f"unexpected error: {type(exc).__name__}: {exc}"))


def import_paths(
    library: Library, paths: Iterable[Path], progress: Progress | None = None
) -> ImportOutcome:
    """Import files and folders; *progress* is called with (path, done, total)."""
    files = list(iter_input_files(paths))
    outcome = ImportOutcome()
    for done, path in enumerate(files, start=1):
        import_file(library, path, outcome)
        if progress is not None:
            progress(path, done, len(files))
    return outcome
