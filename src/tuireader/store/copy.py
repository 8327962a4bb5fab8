"""Copy a whole library between databases (SQLite ⇄ PostgreSQL), losslessly.

Everything is copied: sources and feeds, articles (with their raw input),
comments with their tree, tags, notes with their owners and selectors, and
every user's reading state.  The target is written in one transaction, so a
failed copy leaves it as it was.

* Into an **empty** library (the default) the copy keeps every id, so article
  numbers stay the same, and the target's primary user becomes the source's.
* With ``merge=True`` the source is merged into a library that already has
  articles: an article already there (same identity key) keeps its content
  and gains the comments (by key), tags and notes it lacks; each user's
  flags are combined (read/starred/archived if set on either side, the
  furthest reading position, the latest opening).

Articles are read in batches by id inside one snapshot of the source, so a
library of any size copies in bounded memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from tuireader.store.db import StoreError, describe_db_error
from tuireader.store.library import Library
from tuireader.store.models import (
    Article,
    ArticleTag,
    Comment,
    LibraryMeta,
    Note,
    Source,
    Tag,
    UserState,
)
from tuireader.store.users import PRIMARY_USER_KEY, forget_primary_user

__all__ = ["copy_library", "CopyResult", "BATCH", "STATE_FIELDS"]

BATCH = 500
"""Articles per batch."""
STATE_FIELDS = ("read", "starred", "archived", "reading_position", "last_opened")
Progress = Callable[[int, int], None]

_T_SOURCE: Table = Source.__table__  # type: ignore[attr-defined]
_T_ARTICLE: Table = Article.__table__  # type: ignore[attr-defined]
_T_COMMENT: Table = Comment.__table__  # type: ignore[attr-defined]
_T_TAG: Table = Tag.__table__  # type: ignore[attr-defined]
_T_ARTICLE_TAG: Table = ArticleTag.__table__  # type: ignore[attr-defined]
_T_NOTE: Table = Note.__table__  # type: ignore[attr-defined]
_T_STATE: Table = UserState.__table__  # type: ignore[attr-defined]
_T_META: Table = LibraryMeta.__table__  # type: ignore[attr-defined]
_DEFAULT_STATE = {
    "read": False,
    "starred": False,
    "archived": False,
    "reading_position": 0,
    "last_opened": None,
}


@dataclass
class CopyResult:
    """What a copy wrote (``merged``: source articles already in the target)."""

    articles: int = 0
    merged: int = 0
    comments: int = 0
    notes: int = 0
    tags: int = 0
    sources: int = 0
    states: int = 0
    users: set[str] = field(default_factory=set)


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _rows(conn: Connection, stmt: Any) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(stmt)]


def _insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert *rows*; return their ids in order."""
    if not rows:
        return []
    result = conn.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), rows)
    return [row[0] for row in result]


def _primary(conn: Connection) -> str | None:
    return conn.execute(select(_T_META.c.value).where(_T_META.c.key == PRIMARY_USER_KEY)).scalar()


def _merge_state(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Two states of one user combined: flags set on either side, furthest, latest."""
    opened = [v for v in (old["last_opened"], new["last_opened"]) if v is not None]
    return {
        "read": bool(old["read"] or new["read"]),
        "starred": bool(old["starred"] or new["starred"]),
        "archived": bool(old["archived"] or new["archived"]),
        "reading_position": max(old["reading_position"], new["reading_position"]),
        "last_opened": max(opened) if opened else None,
    }


class _Copier:
    """One copy: the source snapshot, the target transaction and the id maps."""

    def __init__(self, src: Connection, dst: Connection, merge: bool) -> None:
        self.src, self.dst, self.merge = src, dst, merge
        self.result = CopyResult()
        self.src_primary = _primary(src)
        self.dst_primary = _primary(dst)
        self.sources: dict[int, int] = {}
        self.tags: dict[int, int] = {}

    # -- sources, tags, meta --------------------------------------------------------------

    def copy_meta(self) -> None:
        if self.merge:
            return
        if self.src_primary is not None:
            self.dst.execute(_T_META.delete().where(_T_META.c.key == PRIMARY_USER_KEY))
        for row in _rows(self.src, select(_T_META)):
            self.dst.execute(_T_META.delete().where(_T_META.c.key == row["key"]))
            self.dst.execute(insert(_T_META).values(**row))
        self.dst_primary = _primary(self.dst)

    def copy_sources(self) -> None:
        for row in _rows(self.src, select(_T_SOURCE).order_by(_T_SOURCE.c.id)):
            src_id = row.pop("id")
            if self.merge:
                match = (
                    _T_SOURCE.c.feed_url == row["feed_url"]
                    if row["feed_url"] is not None
                    else (_T_SOURCE.c.name == row["name"]) & (_T_SOURCE.c.kind == row["kind"])
                )
                found = self.dst.execute(select(_T_SOURCE.c.id).where(match)).scalar()
                if found is not None:
                    self.sources[src_id] = found
                    continue
            else:
                row["id"] = src_id
            self.sources[src_id] = _insert(self.dst, _T_SOURCE, [row])[0]
            self.result.sources += 1

    def copy_tags(self) -> None:
        existing = {name: i for i, name in self.dst.execute(select(_T_TAG.c.id, _T_TAG.c.name))}
        for row in _rows(self.src, select(_T_TAG).order_by(_T_TAG.c.id)):
            src_id = row.pop("id")
            if row["name"] in existing:
                self.tags[src_id] = existing[row["name"]]
                continue
            if not self.merge:
                row["id"] = src_id
            self.tags[src_id] = _insert(self.dst, _T_TAG, [row])[0]
            self.result.tags += 1

    # -- articles and what hangs on them ---------------------------------------------------

    def copy_articles(self, progress: Progress | None) -> None:
        total = _count(self.src, _T_ARTICLE)
        done, last = 0, 0
        while True:
            batch = _rows(
                self.src,
                select(_T_ARTICLE)
                .where(_T_ARTICLE.c.id > last)
                .order_by(_T_ARTICLE.c.id)
                .limit(BATCH),
            )
            if not batch:
                break
            last = batch[-1]["id"]
            self._copy_batch(batch)
            done += len(batch)
            if progress is not None:
                progress(done, total)

    def _copy_batch(self, batch: list[dict[str, Any]]) -> None:
        src_ids = [row["id"] for row in batch]
        states = self._source_states(batch)
        existing: dict[str, int] = {}
        if self.merge:
            keys = [row["dedup_key"] for row in batch]
            existing = dict(
                self.dst.execute(
                    select(_T_ARTICLE.c.dedup_key, _T_ARTICLE.c.id).where(
                        _T_ARTICLE.c.dedup_key.in_(keys)
                    )
                ).all()
            )
        ids: dict[int, int] = {}
        new_rows = []
        for row in batch:
            if row["dedup_key"] in existing:
                ids[row["id"]] = existing[row["dedup_key"]]
                self.result.merged += 1
                continue
            values = dict(row)
            if self.merge:
                values.pop("id")
            values["source_id"] = self.sources.get(row["source_id"]) if row["source_id"] else None
            values.update(states.get((self.dst_primary, row["id"]), _DEFAULT_STATE))
            new_rows.append((row["id"], values))
        for (src_id, _), dst_id in zip(
            new_rows, _insert(self.dst, _T_ARTICLE, [v for _, v in new_rows]), strict=True
        ):
            ids[src_id] = dst_id
        self.result.articles += len(new_rows)
        new_ids = {src_id for src_id, _ in new_rows}
        comments = self._copy_comments(src_ids, ids)
        self._copy_tags_of(src_ids, ids)
        self._copy_notes(src_ids, ids, comments)
        self._copy_states(states, ids, new_ids)
        if self.merge:
            self._refresh_counts(ids[i] for i in src_ids if i not in new_ids)

    def _source_states(self, batch: list[dict[str, Any]]) -> dict[tuple[str | None, int], dict]:
        """Every user's state of the batch's articles, keyed by (user, source article id)."""
        states: dict[tuple[str | None, int], dict] = {}
        for row in batch:
            state = {f: row[f] for f in STATE_FIELDS}
            if state != _DEFAULT_STATE:
                states[(self.src_primary, row["id"])] = state
        rows = _rows(
            self.src,
            select(_T_STATE).where(_T_STATE.c.article_id.in_([r["id"] for r in batch])),
        )
        for row in rows:
            states[(row["username"], row["article_id"])] = {f: row[f] for f in STATE_FIELDS}
        return states

    def _copy_comments(self, src_ids: list[int], ids: dict[int, int]) -> dict[int, int]:
        """Copy the comments (the tree by a second pass); return source id → target id."""
        rows = _rows(
            self.src,
            select(_T_COMMENT)
            .where(_T_COMMENT.c.article_id.in_(src_ids))
            .order_by(_T_COMMENT.c.article_id, _T_COMMENT.c.position, _T_COMMENT.c.id),
        )
        mapping: dict[int, int] = {}
        if self.merge and rows:
            there = {
                (aid, key): cid
                for cid, aid, key in self.dst.execute(
                    select(_T_COMMENT.c.id, _T_COMMENT.c.article_id, _T_COMMENT.c.key).where(
                        _T_COMMENT.c.article_id.in_([ids[i] for i in src_ids])
                    )
                )
            }
            for row in rows:
                found = there.get((ids[row["article_id"]], row["key"]))
                if found is not None:
                    mapping[row["id"]] = found
        new = [row for row in rows if row["id"] not in mapping]
        values = []
        for row in new:
            value = dict(row, article_id=ids[row["article_id"]], parent_id=None)
            if self.merge:
                value.pop("id")
            values.append(value)
        for row, dst_id in zip(new, _insert(self.dst, _T_COMMENT, values), strict=True):
            mapping[row["id"]] = dst_id
        parents = [
            {"cid": mapping[row["id"]], "pid": mapping[row["parent_id"]]}
            for row in new
            if row["parent_id"] is not None and row["parent_id"] in mapping
        ]
        if parents:
            # A second pass: a parent may have a larger id than its reply (re-imports).
            self.dst.execute(text("UPDATE comment SET parent_id = :pid WHERE id = :cid"), parents)
        self.result.comments += len(new)
        return mapping

    def _copy_tags_of(self, src_ids: list[int], ids: dict[int, int]) -> None:
        links = {
            (ids[a], self.tags[t])
            for a, t in self.src.execute(
                select(_T_ARTICLE_TAG.c.article_id, _T_ARTICLE_TAG.c.tag_id).where(
                    _T_ARTICLE_TAG.c.article_id.in_(src_ids)
                )
            )
        }
        if self.merge and links:
            links -= set(
                self.dst.execute(
                    select(_T_ARTICLE_TAG.c.article_id, _T_ARTICLE_TAG.c.tag_id).where(
                        _T_ARTICLE_TAG.c.article_id.in_({a for a, _ in links})
                    )
                ).all()
            )
        if links:
            self.dst.execute(
                insert(_T_ARTICLE_TAG),
                [{"article_id": a, "tag_id": t} for a, t in sorted(links)],
            )

    def _copy_notes(
        self, src_ids: list[int], ids: dict[int, int], comments: dict[int, int]
    ) -> None:
        rows = _rows(
            self.src,
            select(_T_NOTE).where(_T_NOTE.c.article_id.in_(src_ids)).order_by(_T_NOTE.c.id),
        )
        seen: set[tuple] = set()
        if self.merge and rows:
            seen = {
                tuple(r)
                for r in self.dst.execute(
                    select(
                        _T_NOTE.c.article_id, _T_NOTE.c.owner, _T_NOTE.c.text, _T_NOTE.c.quote
                    ).where(_T_NOTE.c.article_id.in_({ids[r["article_id"]] for r in rows}))
                )
            }
        values = []
        for row in rows:
            value = dict(row, article_id=ids[row["article_id"]])
            value["comment_id"] = comments.get(row["comment_id"]) if row["comment_id"] else None
            if self.merge:
                key = (value["article_id"], value["owner"], value["text"], value["quote"])
                if key in seen:
                    continue
                seen.add(key)
                value.pop("id")
            values.append(value)
            self.result.users.add(row["owner"])
        _insert(self.dst, _T_NOTE, values)
        self.result.notes += len(values)

    def _copy_states(
        self, states: dict[tuple[str | None, int], dict], ids: dict[int, int], new: set[int]
    ) -> None:
        for (user, src_id), state in states.items():
            if user is None:
                continue
            self.result.users.add(user)
            dst_id = ids[src_id]
            if user == self.dst_primary:
                if src_id in new:
                    continue  # written with the article
                cols = [getattr(_T_ARTICLE.c, f) for f in STATE_FIELDS]
                old = dict(
                    self.dst.execute(select(*cols).where(_T_ARTICLE.c.id == dst_id)).one()._mapping
                )
                self.dst.execute(
                    update(_T_ARTICLE)
                    .where(_T_ARTICLE.c.id == dst_id)
                    .values(_merge_state(old, state))
                )
            else:
                where = (_T_STATE.c.username == user) & (_T_STATE.c.article_id == dst_id)
                old_row = self.dst.execute(select(_T_STATE).where(where)).first()
                if old_row is None:
                    self.dst.execute(
                        insert(_T_STATE).values(username=user, article_id=dst_id, **state)
                    )
                else:
                    merged = _merge_state({f: old_row._mapping[f] for f in STATE_FIELDS}, state)
                    self.dst.execute(update(_T_STATE).where(where).values(merged))
            self.result.states += 1

    def _refresh_counts(self, article_ids: Iterable[int]) -> None:
        for article_id in article_ids:
            comments = select(func.count()).where(_T_COMMENT.c.article_id == article_id)
            notes = select(func.count()).where(_T_NOTE.c.article_id == article_id)
            self.dst.execute(
                update(_T_ARTICLE)
                .where(_T_ARTICLE.c.id == article_id)
                .values(
                    comment_count=comments.scalar_subquery(), note_count=notes.scalar_subquery()
                )
            )

    def fix_sequences(self) -> None:
        """After explicit ids, PostgreSQL's sequences must continue after the largest."""
        if self.dst.dialect.name != "postgresql":
            return
        for table in ("source", "article", "comment", "tag", "note"):
            self.dst.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" coalesce(max(id), 1), max(id) IS NOT NULL) FROM {table}"
                )
            )


def is_empty(conn: Connection) -> bool:
    """True when a library holds no article, source, tag, note or user state."""
    tables = (_T_ARTICLE, _T_SOURCE, _T_TAG, _T_NOTE, _T_STATE)
    return all(conn.execute(select(t).limit(1)).first() is None for t in tables)


def copy_library(
    source: Library, target: Library, *, merge: bool = False, progress: Progress | None = None
) -> CopyResult:
    """Copy everything in *source* into *target* (see the module's docstring).

    Raises :class:`StoreError` when *target* is not empty and *merge* is false,
    or when both are the same database.
    """
    if source.db.url == target.db.url:
        raise StoreError("the source and the target are the same library")
    try:
        with source.db.engine.connect() as src, target.db.engine.begin() as dst:
            if src.dialect.name == "postgresql":
                src.execution_options(isolation_level="REPEATABLE READ")
            with src.begin():
                if src.dialect.name == "sqlite":
                    src.exec_driver_sql("BEGIN")  # one snapshot (pysqlite begins only on writes)
                if not merge and not is_empty(dst):
                    articles = _count(dst, _T_ARTICLE)
                    raise StoreError(
                        f"{target.db.display_url} is not empty ({articles} articles); "
                        "use --merge to merge into it"
                    )
                copier = _Copier(src, dst, merge)
                copier.copy_meta()
                copier.copy_sources()
                copier.copy_tags()
                copier.copy_articles(progress)
                if not merge:
                    copier.fix_sequences()
    except SQLAlchemyError as exc:
        raise StoreError(describe_db_error(exc, target.db)) from exc
    finally:
        forget_primary_user(target.db)
    return copier.result
