"""Bulk import: many articles with their threads, fast, one transaction per batch.

:func:`bulk_import` is the path for large imports (a 100,000-article backup, a
benchmark library).  It writes with SQLAlchemy Core ``executemany`` instead of
the ORM, and gives rows their ids itself: under SQLite's write lock (``BEGIN
IMMEDIATE``) it reads the largest ids and numbers the batch's articles,
comments and notes from there, so a reply can name its parent's id before
either is written.

Guarantees:

- **Atomic articles.** Each batch is one transaction holding whole articles
  (an article, its comments, tags and notes are always in the same batch), so
  a crash or ``kill -9`` leaves every article either complete or absent.
- **The same result as** :meth:`Library.save_article`: the same cleaning
  (:func:`~tuireader.text.safe_text`), dedup keys
  (:func:`~tuireader.store.library.dedup_key_for`), comment depths and parents,
  counts, tags and notes.  The full-text index is kept in step in the same
  transaction: for a batch's new rows the per-row insert triggers of migration
  0002 are swapped for one ``INSERT … SELECT`` per index (see
  :class:`_IndexLater`; about three times faster), and merges into existing
  articles go through the triggers as usual.
- **Existing articles.** An article whose dedup key is already in the library
  (or appears twice in the input) is not inserted again: with
  ``on_existing="update"`` (the default) it goes through
  :meth:`Library.save_article`'s merge in the same transaction (comments merged
  by key, notes kept); with ``on_existing="skip"`` it is left alone and counted
  in :attr:`BulkCounts.skipped`.
- **Comment keys repeated within one article**: the first comment with a key
  is kept, later ones are counted in :attr:`BulkCounts.duplicate_comments`
  (:meth:`Library.save_article` refuses such a thread with an integrity error).
- **Input read ahead.** A helper thread reads and cleans the next batch while
  SQLite writes this one (SQLite releases the GIL while it works).

On engines other than SQLite the batches go through :meth:`Library.save_many`
(correct, but without the speed-up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Connection, Table, func, select
from sqlalchemy.exc import DatabaseError, IntegrityError, OperationalError
from sqlalchemy.orm import Session

from tuireader.importers.model import ParsedArticle
from tuireader.store.bulk_prepare import Batch, Prepared, batches, prepared_ahead
from tuireader.store.db import Database, StoreError, describe_db_error
from tuireader.store.library import Library, dedup_key_for
from tuireader.store.models import Article, ArticleTag, Comment, Note, Source, Tag

__all__ = ["BulkCounts", "bulk_import", "Progress"]

Progress = Callable[[int], None]
"""Called after each committed batch with the number of input articles handled so far."""

_ARTICLE: Table = Article.__table__  # type: ignore[attr-defined]
_COMMENT: Table = Comment.__table__  # type: ignore[attr-defined]
_NOTE: Table = Note.__table__  # type: ignore[attr-defined]
_SOURCE: Table = Source.__table__  # type: ignore[attr-defined]
_TAG: Table = Tag.__table__  # type: ignore[attr-defined]
_ARTICLE_TAG: Table = ArticleTag.__table__  # type: ignore[attr-defined]


@dataclass(slots=True)
class BulkCounts:
    """What :func:`bulk_import` did."""

    articles: int = 0
    """New articles inserted."""
    updated: int = 0
    """Articles already in the library (or repeated in the input) merged in place."""
    skipped: int = 0
    """Articles already in the library left alone (``on_existing="skip"``)."""
    comments: int = 0
    """Comments inserted with new articles."""
    notes: int = 0
    """Notes inserted with new articles."""
    tags: int = 0
    """Article-tag links made for new articles."""
    duplicate_comments: int = 0
    """Comments dropped because an earlier comment of the same article had their key."""
    failed: list[tuple[str, str]] = field(default_factory=list)
    """Articles (title, reason) whose merge into an existing article failed; others went on."""
    batches: int = 0
    """Transactions committed."""
    ids: list[int] = field(default_factory=list, repr=False)
    """The ids of the articles inserted or updated, in input order (when ``keep_ids``)."""


def _max_id(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def _ids_by_name(conn: Connection, table: Table, names: set[str]) -> dict[str, int]:
    """The smallest id for each of *names* in *table* (chunked under SQLite's variable limit)."""
    found: dict[str, int] = {}
    ordered = sorted(names)
    for i in range(0, len(ordered), 500):
        chunk = ordered[i : i + 500]
        stmt = (
            select(table.c.name, func.min(table.c.id))
            .where(table.c.name.in_(chunk))
            .group_by(table.c.name)
        )
        found.update({name: int(id_) for name, id_ in conn.execute(stmt)})
    return found


def _existing_keys(conn: Connection, keys: list[str]) -> set[str]:
    found: set[str] = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        stmt = select(_ARTICLE.c.dedup_key).where(_ARTICLE.c.dedup_key.in_(chunk))
        found.update(conn.execute(stmt).scalars())
    return found


def _source_ids(conn: Connection, new: list[Prepared], now: datetime) -> dict[str, int]:
    names = {p.source_name for p in new if p.source_name}
    if not names:
        return {}
    ids = _ids_by_name(conn, _SOURCE, names)
    missing: dict[str, str | None] = {}
    for p in new:
        if p.source_name and p.source_name not in ids and p.source_name not in missing:
            missing[p.source_name] = p.parsed.site_url
    if missing:
        conn.execute(
            _SOURCE.insert(),
            [
                {"name": name, "kind": "site", "url": url, "created": now}
                for name, url in missing.items()
            ],
        )
        ids.update(_ids_by_name(conn, _SOURCE, set(missing)))
    return ids


def _tag_ids(conn: Connection, new: list[Prepared]) -> dict[str, int]:
    names = {t for p in new for t in p.tags}
    if not names:
        return {}
    ids = _ids_by_name(conn, _TAG, names)
    missing = names - ids.keys()
    if missing:
        conn.execute(_TAG.insert(), [{"name": n} for n in sorted(missing)])
        ids.update(_ids_by_name(conn, _TAG, missing))
    return ids


# The full-text indexes of migration 0002: (table, its FTS table, the indexed columns).
_FTS_INDEXES = (
    ("article", "article_fts", ("title", "text")),
    ("comment", "comment_fts", ("author", "text")),
    ("note", "note_fts", ("text", "quote")),
)


FTS_HASHSIZE = 32 * 1024 * 1024
"""Bytes of pending full-text terms FTS5 keeps in memory before writing a segment."""


class _IndexLater:
    """Index a batch's new rows with one ``INSERT … SELECT`` per table instead of per-row triggers.

    Inside the batch transaction the insert triggers are dropped, the rows
    written, the new id ranges indexed, and the triggers made again from their
    stored SQL — so another connection never sees the library without them, and
    a crash rolls all of it back.  One statement per table is about three times
    faster than a trigger per row (measured: benchmarks/README.md).
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.triggers: list[tuple[str, str, str, tuple[str, ...], str]] = []
        for table, fts, columns in _FTS_INDEXES:
            name = f"{fts}_ai"
            sql = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
            ).scalar()
            if sql:
                self.triggers.append((name, table, fts, columns, sql))

    def __enter__(self) -> _IndexLater:
        for name, _table, fts, _columns, _sql in self.triggers:
            self.conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            # FTS5 flushes its in-memory term table to a new segment whenever it
            # outgrows "hashsize" (1 MB by default): a batch's megabytes of text then
            # make dozens of small segments to merge.  One flush per batch is about
            # 35 % faster (measured: benchmarks/README.md); the setting is stored.
            self.conn.exec_driver_sql(
                f"INSERT INTO {fts}({fts}, rank) VALUES ('hashsize', {FTS_HASHSIZE})"
            )
        return self

    def index(self, table: str, first_id: int, last_id: int) -> None:
        """Add rows ``first_id..last_id`` of *table* to its full-text index."""
        if last_id < first_id:
            return
        for _name, tbl, fts, columns, _sql in self.triggers:
            if tbl == table:
                cols = ", ".join(columns)
                self.conn.exec_driver_sql(
                    f"INSERT INTO {fts}(rowid, {cols}) SELECT id, {cols} FROM {tbl}"
                    " WHERE id BETWEEN ? AND ?",
                    (first_id, last_id),
                )

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            for _name, *_rest, sql in self.triggers:
                self.conn.exec_driver_sql(sql)


def _insert_sql(table: Table) -> str:
    """``INSERT`` of every column of *table* from named parameters, for the driver's executemany.

    The rows come ready for SQLite (:mod:`~tuireader.store.bulk_prepare`), so they
    skip SQLAlchemy's per-row parameter processing — the largest cost of the
    import after the full-text index (measured: benchmarks/README.md).
    """
    columns = [c.name for c in table.columns]
    names = ", ".join(f'"{c}"' for c in columns)
    values = ", ".join(f":{c}" for c in columns)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({values})'


def _insert_new(conn: Connection, new: list[Prepared], now: datetime, counts: BulkCounts) -> None:
    """Number and insert the new articles of a batch (the write lock is held)."""
    sources = _source_ids(conn, new, now)
    tags = _tag_ids(conn, new)
    next_article = _max_id(conn, _ARTICLE) + 1
    next_comment = _max_id(conn, _COMMENT) + 1
    next_note = _max_id(conn, _NOTE) + 1
    articles: list[dict[str, Any]] = []
    comments: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for p in new:
        aid = next_article
        next_article += 1
        row = p.article
        row["id"] = aid
        if p.source_name:
            row["source_id"] = sources[p.source_name]
            row["site"] = p.source_name
        row["comment_count"] = len(p.comments)
        row["note_count"] = len(p.notes)
        articles.append(row)
        first = next_comment
        for c, parent in zip(p.comments, p.comment_parents, strict=True):
            c["id"] = next_comment
            c["article_id"] = aid
            c["parent_id"] = first + parent if parent >= 0 else None
            next_comment += 1
            comments.append(c)
        for n, on_comment in zip(p.notes, p.note_comments, strict=True):
            n["id"] = next_note
            n["article_id"] = aid
            n["comment_id"] = first + on_comment if on_comment >= 0 else None
            next_note += 1
            notes.append(n)
        links.extend({"article_id": aid, "tag_id": tags[t]} for t in p.tags)
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    with _IndexLater(conn) as fts:
        cursor.executemany(_insert_sql(_ARTICLE), articles)
        fts.index("article", articles[0]["id"], articles[-1]["id"])
        if comments:
            cursor.executemany(_insert_sql(_COMMENT), comments)
            fts.index("comment", comments[0]["id"], comments[-1]["id"])
        if notes:
            cursor.executemany(_insert_sql(_NOTE), notes)
            fts.index("note", notes[0]["id"], notes[-1]["id"])
    cursor.close()
    if links:
        conn.execute(_ARTICLE_TAG.insert(), links)
    counts.articles += len(articles)
    counts.comments += len(comments)
    counts.notes += len(notes)
    counts.tags += len(links)


def _merge(
    conn: Connection,
    library: Library,
    merge: list[Prepared],
    ids: dict[str, int],
    counts: BulkCounts,
) -> None:
    """Merge articles already in the library through the ORM path, each in a savepoint."""
    with Session(bind=conn) as session:
        for p in merge:
            try:
                with session.begin_nested():
                    ids[p.key] = library._save(session, p.parsed)[0]
            except IntegrityError as exc:
                counts.failed.append((p.article["title"], describe_db_error(exc, library.db)))
                continue
            counts.updated += 1


def _run_batch(
    db: Database,
    library: Library,
    batch: Batch,
    on_existing: Literal["update", "skip"],
    counts: BulkCounts,
    keep_ids: bool,
) -> None:
    prepared = batch.prepared
    with db.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            existing = _existing_keys(conn, list({p.key for p in prepared}))
            new: list[Prepared] = []
            merge: list[Prepared] = []
            seen: set[str] = set()
            for p in prepared:
                if p.key in existing or p.key in seen:
                    merge.append(p)
                else:
                    seen.add(p.key)
                    new.append(p)
            if new:
                _insert_new(conn, new, batch.now, counts)
            ids = {p.key: p.article["id"] for p in new}
            if merge and on_existing == "update":
                _merge(conn, library, merge, ids, counts)
            elif merge:
                counts.skipped += len(merge)
            conn.commit()
        except BaseException:
            conn.rollback()
            raise
    counts.duplicate_comments += batch.duplicate_comments
    if keep_ids:
        counts.ids.extend(ids[p.key] for p in prepared if p.key in ids)
    counts.batches += 1


def bulk_import(
    db: Database | Library,
    articles: Iterable[ParsedArticle],
    *,
    batch: int = 2000,
    progress: Progress | None = None,
    on_existing: Literal["update", "skip"] = "update",
    keep_ids: bool = False,
) -> BulkCounts:
    """Import *articles* in transactions of *batch* articles; return the counts.

    *db* must be at the current schema (open it with :meth:`Library.open`).
    *articles* is read in a helper thread (one batch ahead), so it must not
    need the calling thread.  Raises :class:`StoreError` (one line) when the
    database refuses a write — disk full, read-only, damaged — after rolling
    back the batch in progress; the batches committed before it stay.  An error
    raised by *articles* itself propagates unchanged, also after the batches
    before it were committed.
    """
    if batch < 1:
        raise ValueError("batch must be at least 1")
    library = db if isinstance(db, Library) else Library(db)
    database = library.db
    counts = BulkCounts()
    handled = 0
    try:
        if database.is_sqlite:
            for ready in prepared_ahead(articles, batch):
                _run_batch(database, library, ready, on_existing, counts, keep_ids)
                handled += len(ready.chunk)
                if progress is not None:
                    progress(handled)
        else:
            for chunk in batches(articles, batch):
                _run_generic(library, chunk, on_existing, counts, keep_ids)
                handled += len(chunk)
                if progress is not None:
                    progress(handled)
    except (OperationalError, IntegrityError, DatabaseError) as exc:
        raise StoreError(describe_db_error(exc, database)) from exc
    return counts


def _run_generic(
    library: Library,
    chunk: list[ParsedArticle],
    on_existing: Literal["update", "skip"],
    counts: BulkCounts,
    keep_ids: bool,
) -> None:
    """The batch through the ORM, for engines without the SQLite fast path."""
    with library.db.transaction() as s:
        for parsed in chunk:
            key = dedup_key_for(parsed)
            exists = s.execute(select(Article.id).where(Article.dedup_key == key)).first()
            if exists is not None and on_existing == "skip":
                counts.skipped += 1
                continue
            article_id, created = library._save(s, parsed)
            if created:
                counts.articles += 1
                counts.comments += len(parsed.comments)
                counts.notes += len(parsed.notes)
            else:
                counts.updated += 1
            if keep_ids:
                counts.ids.append(article_id)
    counts.batches += 1
