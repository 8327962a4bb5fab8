"""Importers turn outside formats into :class:`ParsedArticle` values.

Nothing in this package imports ``textual``: the CLI, the app and the tests
share it.  Every importer passes every field through :func:`tuireader.text.safe_text`.
"""
