"""The Textual app: ``make_app(db_url, ...)`` builds it for the CLI and the tests.

Layout: ``app.py`` (the small App), ``screens/`` (main, help, prompts, error),
``widgets/`` (article list, reader, comment tree, header), ``commands.py`` (the
palette), ``keymap.py`` (every binding with its id), ``config.py`` (settings),
``messages.py`` (what workers post back), ``backend.py`` (the store, from threads).
"""

from tuireader.app.app import ReaderApp, make_app

__all__ = ["ReaderApp", "make_app"]
