"""The engine: made lazily, once, from ``--db``, ``TUIREADER_DB`` or the default file.

SQLite connections get WAL, foreign keys and a busy timeout.  Opening a library
runs the migrations (:mod:`tuireader.store.migrate`) so every caller sees the
current schema.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tuireader.paths import default_db_path

__all__ = ["Database", "StoreError", "resolve_db_url", "BUSY_TIMEOUT_MS"]

BUSY_TIMEOUT_MS = 10_000
"""How long a SQLite connection waits for a lock before giving up."""


class StoreError(RuntimeError):
    """A problem with the library database, worded for the user (one line)."""


def resolve_db_url(db: str | os.PathLike[str] | None = None) -> str:
    """Turn ``--db`` (a path or an SQLAlchemy URL), ``TUIREADER_DB`` or the default into a URL."""
    value = str(db) if db else os.environ.get("TUIREADER_DB") or ""
    if not value:
        return f"sqlite:///{default_db_path()}"
    if "://" in value:
        try:
            make_url(value)
        except ArgumentError as exc:
            raise StoreError(f"not a database URL: {value!r}") from exc
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def _default_driver(url: URL) -> URL:
    """A PostgreSQL URL without a driver (``postgresql://``, ``postgres://``) uses psycopg 3."""
    if url.drivername in ("postgresql", "postgres"):
        return url.set(drivername="postgresql+psycopg")
    return url


PAGE_SIZE = 16384
"""The page size of a new SQLite library."""


def _sqlite_pragmas(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    cur = dbapi_conn.cursor()
    try:
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = NORMAL")
        # A new library gets 16 KB pages (an existing one keeps its own: the size is fixed
        # once the first table is written).  An article row — text, Markdown, raw page —
        # spills over several 4 KB pages; with 16 KB pages a bulk import of 100,000
        # articles takes about a quarter less CPU (benchmarks/README.md).
        cur.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        # A read-only file or directory cannot switch to WAL; it keeps its mode.
        with contextlib.suppress(sqlite3.OperationalError):
            cur.execute("PRAGMA journal_mode = WAL")
    finally:
        cur.close()


class Database:
    """A library database: its URL, a lazily made engine and one sessionmaker."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._url: URL = _default_driver(make_url(url))
        self._engine: Engine | None = None
        self._read_only: bool | None = None
        self._sessionmaker: sessionmaker[Session] | None = None

    @property
    def is_sqlite(self) -> bool:
        """True for a SQLite library."""
        return self._url.get_backend_name() == "sqlite"

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None for another engine or an in-memory database."""
        if not self.is_sqlite or not self._url.database or self._url.database == ":memory:":
            return None
        return Path(self._url.database)

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        if self.path is not None:
            return str(self.path)
        return self._url.render_as_string(hide_password=True)

    def check_location(self) -> None:
        """Raise :class:`StoreError` if the SQLite file cannot be opened or made."""
        path = self.path
        if path is None:
            return
        try:
            self._check_file(path)
        except PermissionError as exc:
            raise StoreError(
                f"cannot open the library: permission denied ({exc.filename})"
            ) from exc

    @staticmethod
    def _check_file(path: Path) -> None:
        if not path.parent.is_dir():
            raise StoreError(f"cannot open the library: folder {path.parent} does not exist")
        if path.exists():
            if path.is_dir():
                raise StoreError(f"cannot open the library: {path} is a folder")
            with path.open("rb") as fh:
                head = fh.read(16)
            if head and head != b"SQLite format 3\x00":
                raise StoreError(f"{path} is not a tuireader library (not a SQLite database)")
        elif not os.access(path.parent, os.W_OK):
            raise StoreError(f"cannot create the library: folder {path.parent} is not writable")

    @property
    def read_only(self) -> bool:
        """True for a SQLite file this process may read but not change.

        A file without write permission, or in a folder where SQLite cannot
        make its ``-wal`` and ``-shm`` files, is opened read-only
        (``mode=ro``): reading works, and every write fails with a
        :class:`StoreError` saying the library is read-only.
        """
        if self._read_only is None:
            path = self.path
            self._read_only = bool(
                path is not None
                and path.is_file()
                and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))
            )
        return self._read_only

    def _read_only_options(self) -> str:
        """URI options for a read-only file.

        SQLite reads a WAL library through its ``-shm`` file; in a folder where
        that file cannot be made (and is not there), nothing can write the
        library either, so it is opened as immutable.
        """
        path = self.path
        assert path is not None
        options = "mode=ro&uri=true"
        if not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists():
            options += "&immutable=1"
        return options

    @property
    def engine(self) -> Engine:
        """The engine, made on first use."""
        if self._engine is None:
            from sqlalchemy import create_engine

            kwargs: dict[str, object] = {}
            url: URL | str = self._url
            if self.is_sqlite:
                kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
                if self.read_only and self.path is not None:
                    url = f"sqlite:///file:{quote(str(self.path))}?{self._read_only_options()}"
            else:
                kwargs["pool_pre_ping"] = True
            try:
                engine = create_engine(url, **kwargs)
            except (ModuleNotFoundError, NoSuchModuleError) as exc:
                hint = " (pip install 'tuireader[postgres]')" if "postgres" in self.url else ""
                raise StoreError(f"no database driver for {self.display_url}: {exc}{hint}") from exc
            if self.is_sqlite:
                event.listen(engine, "connect", _sqlite_pragmas)
            self._engine = engine
        return self._engine

    def session(self) -> Session:
        """A new ORM session (use as a context manager)."""
        if self._sessionmaker is None:
            self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        return self._sessionmaker()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end of the block, or rolled back.

        Driver errors (disk full, read-only, damaged file) become :class:`StoreError`.
        On SQLite the transaction starts with ``BEGIN IMMEDIATE``: it waits (up to
        the busy timeout) for another writer to finish instead of failing midway.
        """
        try:
            with self.session() as session, session.begin():
                if self.is_sqlite:
                    # Take the write lock now: a read that later turns into a write
                    # fails at once with "database is locked" when another process
                    # wrote in between, whatever the busy timeout.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                yield session
        except (OperationalError, DatabaseError) as exc:
            raise StoreError(describe_db_error(exc, self)) from exc

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._engine is not None:
            self._engine.dispose()


def describe_db_error(exc: BaseException, db: Database) -> str:
    """Turn a driver error into a one-line message for the user."""
    text = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
    low = text.lower()
    if "not a database" in low or "malformed" in low or "file is encrypted" in low:
        return (
            f"{db.display_url} is damaged or not a tuireader library ({text}); "
            "the file was left as it is: see `tuireader db recover`"
        )
    if "readonly" in low or "read-only" in low:
        return f"{db.display_url} is read-only: it can be read but not changed ({text})"
    if "unable to open" in low:
        return f"cannot open {db.display_url} ({text})"
    if "locked" in low:
        return f"{db.display_url} is busy: another program holds a lock ({text})"
    if "disk is full" in low or "no space" in low:
        return f"the disk holding {db.display_url} is full"
    if isinstance(exc, OperationalError | DatabaseError):
        return f"database error on {db.display_url}: {text}"
    return f"{type(exc).__name__}: {text}"
