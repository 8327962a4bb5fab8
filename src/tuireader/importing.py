"""Importing files into the library: the path shared by the CLI and the app.

Each file is parsed and saved in its own transaction, so one bad file never
stops the others and never leaves half an article behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tuireader.importers.files import iter_input_files, parse_input, read_input
from tuireader.importers.model import ImportError_
from tuireader.store.db import StoreError
from tuireader.store.feeds import add_feed
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
        parsed = parse_input(read_input(path), path.name)
        outcome.warnings.extend((str(path), warning) for warning in parsed.warnings)
        if not parsed.articles and not parsed.feeds:
            raise ImportError_("no feeds found" if parsed.format == "opml" else "no articles found")
        if parsed.articles:
            for article_id, created in library.save_many(parsed.articles):
                (outcome.imported if created else outcome.updated).append(article_id)
        for feed in parsed.feeds:
            feed_id, created = add_feed(
                library.db,
                feed.xml_url,
                title=feed.title,
                site_url=feed.html_url,
                categories=feed.categories,
            )
            (outcome.feeds if created else outcome.feeds_known).append(feed_id)
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
