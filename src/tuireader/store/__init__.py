"""The library store: SQLModel tables, the engine, migrations, queries and search.

Nothing in this package imports ``textual``.  Widgets never see table rows: the
query functions return the small frozen dataclasses of :mod:`tuireader.store.views`.
Import what you need from the submodules (``db``, ``library``, ``search``...).
"""
