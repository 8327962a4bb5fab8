"""Reading and cleaning the input of :func:`tuireader.store.bulk.bulk_import`.

Each article is cleaned exactly as :meth:`Library.save_article` cleans a new
article, into plain row dicts numbered from 0 within the article; the writer
gives them their ids under the write lock.  :func:`prepared_ahead` does this in
a helper thread, one batch ahead of the writer.

The rows hold values as SQLite stores them (what SQLAlchemy's column types would
bind): timestamps as naive-UTC text (:func:`sqlite_time`), ``raw`` compressed, so
the writer hands them to the driver's ``executemany`` untouched.
"""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from queue import Full, Queue
from types import SimpleNamespace
from typing import Any

from tuireader.importers.model import ParsedArticle, ParsedNote
from tuireader.store.library import MAX_COMMENT_DEPTH, dedup_key_for
from tuireader.store.notes import place_highlight
from tuireader.store.types import as_utc, utcnow
from tuireader.store.users import current_user
from tuireader.text import safe_line, safe_text, word_count

__all__ = [
    "Prepared",
    "Batch",
    "prepare_article",
    "prepare_batch",
    "batches",
    "prepared_ahead",
    "sqlite_time",
    "Turn",
]


@dataclass(slots=True)
class Prepared:
    """One new article's rows, numbered from 0 until the batch gets its ids."""

    key: str
    parsed: ParsedArticle
    article: dict[str, Any]
    source_name: str
    comments: list[dict[str, Any]]
    comment_parents: list[int]
    """For each comment, the index of its parent comment in this article, or -1."""
    notes: list[dict[str, Any]]
    note_comments: list[int]
    """For each note, the index of its comment in this article, or -1."""
    tags: list[str]


def batches(
    items: Iterable[ParsedArticle],
    size: int,
    turn: AbstractContextManager[Any] | None = None,
) -> Iterator[list[ParsedArticle]]:
    """*items* in lists of *size* (the last one shorter), each item read inside *turn*."""
    it = iter(items)
    turn = turn or nullcontext()
    while True:
        chunk: list[ParsedArticle] = []
        for _ in range(size):
            with turn:
                item = next(it, None)
            if item is None:
                break
            chunk.append(item)
        if not chunk:
            return
        yield chunk


def sqlite_time(value: datetime | None) -> str | None:
    """*value* as the text SQLAlchemy stores for a ``UTCDateTime`` on SQLite (naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", "microseconds")


def prepare_article(parsed: ParsedArticle, now: datetime) -> tuple[Prepared, int]:
    """Clean one article the way :meth:`Library._save` does for a new article."""
    key = dedup_key_for(parsed)
    text = safe_text(parsed.text or parsed.body_markdown)
    stamp = sqlite_time(now)
    added = sqlite_time(as_utc(parsed.added)) or stamp
    published = sqlite_time(as_utc(parsed.published))
    article = {
        "dedup_key": key,
        "site": "",
        "source_id": None,
        "url": parsed.url or None,
        "canonical_url": parsed.canonical_url or None,
        "title": safe_line(parsed.title) or "(untitled)",
        "author": safe_line(parsed.author) or None,
        "published": published,
        "added": added,
        "updated": stamp,
        "sort_date": published or added,
        "body_markdown": safe_text(parsed.body_markdown),
        "text": text,
        "word_count": word_count(text),
        "language": parsed.language or None,
        "content_hash": hashlib.sha256(text.encode("utf-8", "replace")).hexdigest(),
        "raw": None if parsed.raw is None else zlib.compress(parsed.raw, 6),
        "raw_format": parsed.raw_format or None,
        "read": bool(parsed.read),
        "starred": bool(parsed.starred),
        "archived": bool(parsed.archived),
        "reading_position": 0,
        "last_opened": None,
        "pending": parsed.pending,
        "fetch_error": None,
    }
    comments: list[dict[str, Any]] = []
    parents: list[int] = []
    index: dict[str, int] = {}
    depth: dict[str, int] = {}
    duplicates = 0
    for position, pc in enumerate(parsed.comments):
        ckey = safe_line(pc.key) or f"c{position + 1}"
        if ckey in index:
            duplicates += 1
            continue
        parent = index.get(pc.parent_key, -1) if pc.parent_key is not None else -1
        level = min(depth[pc.parent_key] + 1, MAX_COMMENT_DEPTH) if parent >= 0 else 0
        index[ckey] = len(comments)
        depth[ckey] = level
        parents.append(parent)
        comments.append(
            {
                "key": ckey,
                "author": safe_line(pc.author) or "anonymous",
                "posted": sqlite_time(pc.posted),
                "text": safe_text(pc.text).strip(),
                "position": position,
                "depth": level,
                "flat": bool(pc.flat),
                "added": stamp,
            }
        )
    notes: list[dict[str, Any]] = []
    note_comments: list[int] = []
    seen_notes: set[tuple[str, str | None]] = set()
    for pn in parsed.notes:
        row = _note_row(pn, now)
        if row is None or (row["text"], row["quote"]) in seen_notes:
            continue
        seen_notes.add((row["text"], row["quote"]))
        note_comments.append(index.get(pn.comment_key, -1) if pn.comment_key else -1)
        if row["quote"] is not None and not pn.comment_key:
            # The same placement as Library.save_article: by position, quote and context.
            spot = SimpleNamespace(**{k: row[k] for k in _ANCHOR_FIELDS})
            place_highlight(spot, article["text"], trust_position=not pn.orphaned)
            row.update({k: getattr(spot, k) for k in _ANCHOR_FIELDS})
        row["created"] = row["updated"] = sqlite_time(row["created"])
        notes.append(row)
    tags = list(dict.fromkeys(t for t in (safe_line(raw)[:100] for raw in parsed.tags) if t))
    prepared = Prepared(
        key=key,
        parsed=parsed,
        article=article,
        source_name=safe_line(parsed.source_name or parsed.site),
        comments=comments,
        comment_parents=parents,
        notes=notes,
        note_comments=note_comments,
        tags=tags,
    )
    return prepared, duplicates


_ANCHOR_FIELDS = ("quote", "prefix", "suffix", "start", "end", "orphaned")


def _note_row(note: ParsedNote, now: datetime) -> dict[str, Any] | None:
    text = safe_text(note.text).strip()
    quote = safe_text(note.quote).strip() or None
    if not text and not quote:
        return None
    created = as_utc(note.created) or now
    return {
        "text": text,
        "quote": quote,
        "prefix": safe_text(note.prefix) or None,
        "suffix": safe_text(note.suffix) or None,
        "start": note.start,
        "end": note.end,
        "orphaned": False,
        "owner": current_user(),
        "shared": bool(note.shared),
        "created": created,
        "updated": created,
    }


@dataclass(slots=True)
class Batch:
    """A batch of input articles, cleaned and ready to write."""

    chunk: list[ParsedArticle]
    prepared: list[Prepared]
    duplicate_comments: int
    now: datetime


def prepare_batch(
    chunk: list[ParsedArticle], turn: AbstractContextManager[Any] | None = None
) -> Batch:
    """Clean every article of *chunk*, each inside *turn* (see :func:`prepared_ahead`)."""
    now = utcnow()
    prepared: list[Prepared] = []
    duplicates = 0
    for parsed in chunk:
        with turn or nullcontext():
            p, dups = prepare_article(parsed, now)
        prepared.append(p)
        duplicates += dups
    return Batch(chunk, prepared, duplicates, now)


_DONE = object()


class Turn:
    """Whose turn it is to run Python: the writer's, or the thread reading ahead.

    The writer holds it for a whole batch and gives it away (:meth:`away`) only
    for the long statements SQLite runs without the GIL — indexing the batch,
    committing it.  The reading thread takes it for each article it reads and
    cleans.  Without it the two fight over the GIL: every row the writer hands
    to ``executemany`` and every row it fetches gives the GIL back and waits for
    the other thread's time slice (5 ms), so the threads ran one after the
    other instead of side by side (measured: 15 s of a 34 s import spent
    waiting; benchmarks/README.md).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def __enter__(self) -> Turn:
        self._lock.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()

    @contextmanager
    def away(self) -> Iterator[None]:
        """Let the reading thread run while the holder waits on SQLite."""
        self._lock.release()
        try:
            yield
        finally:
            self._lock.acquire()


def prepared_ahead(
    articles: Iterable[ParsedArticle], size: int, turn: AbstractContextManager[Any] | None = None
) -> Iterator[Batch]:
    """Yield prepared batches, reading and cleaning the next one in a thread meanwhile.

    SQLite releases the GIL while it writes and indexes, so the input's parsing
    and cleaning overlap the database work.  An error in the input is raised
    here, in the caller's thread; stopping early stops the thread.

    *turn* (a :class:`Turn`) is taken around each article read and cleaned.
    """
    turn = turn or nullcontext()
    queue: Queue[Any] = Queue(maxsize=2)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in batches(articles, size, turn):
                if not put(prepare_batch(chunk, turn)):
                    return
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer
            put(exc)
            return
        put(_DONE)

    thread = threading.Thread(target=produce, name="bulk-import-prepare", daemon=True)
    thread.start()
    try:
        while (item := queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        thread.join()
