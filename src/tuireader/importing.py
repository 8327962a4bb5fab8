"""Importing files into the library: the path shared by the CLI and the app.

Each file is parsed and saved in its own transaction, so one bad file never
stops the others and never leaves half an article behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from tuireader.importers.bundle import is_bundle, parse_bundle_document
from tuireader.importers.files import iter_input_files, parse_bytes, read_input
from tuireader.importers.model import ImportError_
from tuireader.store.db import StoreError
from tuireader.store.library import Library
from tuireader.store.views import ImportOutcome

__all__ = ["import_paths", "import_file"]

Progress = Callable[[Path, int, int], None]


def import_file(library: Library, path: Path, outcome: ImportOutcome) -> None:
    """Import one file, recording what happened in *outcome*."""
    try:
        data = read_input(path)
        if is_bundle(data):
            # A bundle or backup: its sources and tags come with the articles.
            doc = parse_bundle_document(data)
            if not (doc.articles or doc.sources or doc.tags):
                raise ImportError_("no articles found")
            saved = library.save_many(doc.articles, sources=doc.sources, tags=doc.tags)
        else:
            articles = parse_bytes(data, path.name)
            if not articles:
                raise ImportError_("no articles found")
            saved = library.save_many(articles)
        for article_id, created in saved:
            (outcome.imported if created else outcome.updated).append(article_id)
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
