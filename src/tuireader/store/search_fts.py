"""Full-text search on SQLite: the FTS5 indexes, on the driver's own connection.

:func:`tuireader.store.search.search` hands over here on SQLite once the
query is parsed.  The statements run on the pooled ``sqlite3`` connection
(SQLAlchemy's session and ``text()`` cost about 0.1 ms a statement): a probe,
one statement per scope (articles, comments, notes) giving ``(rowid, score,
article id)``, and once one hit per article is kept, one per scope reading
the rows shown.

*Broad* or *ranked*: every distinct word of the query is first counted in
each scope, stopping at :data:`BROAD_ROWS`.  A scope where a term is in more
rows than that is *broad* and answered newest first: FTS5 walks its doclists
by rowid and stops at the limit, while bm25 would first read the whole
doclist of that word to learn that it says next to nothing.  A phrase counts
as broad when even its rarest word is (``"to the of"``: ranking it reads the
lists of all three words).  Other scopes are ranked by bm25 (over at most
:data:`RANK_ROWS` newest matches, when that is set).

Snippets are made in Python (:mod:`tuireader.store.snippet`) from the text
read for the hits returned; FTS5's ``snippet()`` answers only for a row where
Python finds no term.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy.exc import DBAPIError

from tuireader.store.db import Database
from tuireader.store.search import ParsedQuery, SearchError
from tuireader.store.snippet import Snippets, phrases
from tuireader.store.types import as_utc
from tuireader.store.views import SearchHit

__all__ = ["search_fts", "BROAD_ROWS", "SHORT_PREFIX", "broad_scopes"]

BROAD_ROWS = 2000
"""A word found in more rows than this makes a scope *broad*."""
RANK_ROWS: int | None = None
"""When set, a ranked scope ranks only the newest this many matches (or *limit*, if more).

bm25 looks up each row's length, ≈5 µs a row in a large library: 500 would make a
ranked scope of 2,000 rows four times cheaper, but would change the hits of a third
of the benchmark's queries for about 1 ms at the median (benchmarks/README.md)."""
SHORT_PREFIX = 3
"""A prefix search of at most this many characters (``in*``) is taken as broad unprobed:
FTS5 merges the lists of every word with that prefix, and a probe would do it twice."""

# Each scope: its FTS5 table (aliased ``f``), its own table (``x``) and that row's
# article, the bm25 weights, the column FTS5's own snippet() uses (-1: the best),
# and the columns of a hit: comment id, note id, snippet prefix, snippet texts.
_SCOPES = {
    "articles": (
        "article_fts",
        "article",
        "x.id",
        "bm25(article_fts, 4.0, 1.0)",
        -1,
        "NULL, NULL, '', x.title, x.text",
    ),
    "comments": (
        "comment_fts",
        "comment",
        "x.article_id",
        "bm25(comment_fts, 1.0, 1.0)",
        1,
        "x.id, NULL, x.author || ': ', x.text, NULL",
    ),
    "notes": (
        "note_fts",
        "note",
        "x.article_id",
        "bm25(note_fts, 1.0, 1.0)",
        -1,
        "x.comment_id, x.id, '', x.text, x.quote",
    ),
}


def _scope_sql(scope: str, filters: str, own_filter: str, broad: bool) -> str:
    """The rows of *scope* as ``(rowid, score, article id)``: newest first, or by bm25.

    *filters* are over the article ``a``, *own_filter* over the scope's row ``x``
    (a comment, a note); a table is joined only when a filter needs it, or (own
    rows, ranked) only for the rows returned.
    """
    fts, table, article, rank, _col, _hit = _SCOPES[scope]
    own = table != "article" and bool(filters or own_filter or broad)
    joins = f" JOIN {table} x ON x.id = f.rowid" if own else ""
    art = article if own else "f.rowid"
    if filters:
        joins += f" JOIN article a ON a.id = {art}"
    where = f" WHERE {fts} MATCH :q{filters}{own_filter}"
    if broad:
        # Newest first: FTS5 walks its doclists in rowid order and stops at the limit.
        newest = " ORDER BY f.rowid DESC LIMIT :lim"
        return f"SELECT f.rowid, 0.0, {art} FROM {fts} f{joins}{where}{newest}"
    inner = f"SELECT f.rowid AS rid, {rank} AS score, {art} AS aid FROM {fts} f{joins}{where}"
    if RANK_ROWS is not None:  # only the newest RANK_ROWS (filters applied first)
        bound = f"SELECT f.rowid FROM {fts} f{joins}{where} ORDER BY f.rowid DESC"
        inner += f" AND f.rowid >= coalesce(({bound} LIMIT 1 OFFSET :skip), 0)"
    inner += " ORDER BY score LIMIT :lim"
    if own or table == "article":
        return inner
    # The subquery's LIMIT keeps SQLite from flattening it: only its rows are joined.
    return f"SELECT r.rid, r.score, x.article_id FROM ({inner}) r JOIN {table} x ON x.id = r.rid"


SCAN_ROWS = 1000
"""Rows read newest first for a short prefix before FTS5 is asked instead."""
_SCAN_BATCH = 200


def _scan_sql(scope: str, filters: str, own_filter: str) -> str:
    """The newest rows of *scope* below ``:below`` that pass the filters, with their text."""
    _fts, table, article, _rank, _col, _hit = _SCOPES[scope]
    if table == "article":
        alias, source, art, columns = "a", "article a", "a.id", "a.title, a.text"
    else:
        alias, art = "x", article
        source = f"{table} x" + (f" JOIN article a ON a.id = {article}" if filters else "")
        columns = "x.author, x.text" if table == "comment" else "x.text, x.quote"
    return (
        f"SELECT {art}, {columns}, {alias}.id FROM {source}"
        f" WHERE {alias}.id < :below{filters}{own_filter}"
        f" ORDER BY {alias}.id DESC LIMIT {_SCAN_BATCH}"
    )


def _scan_newest(
    con: sqlite3.Connection, scope: str, sql: str, maker: Snippets, params: dict[str, Any]
) -> list[tuple[int, float, int]] | None:
    """The newest rows of *scope* holding every term, found by reading them.

    A short prefix (``in*``) makes FTS5 merge the lists of every word it begins,
    ~0.2 s for ``the*`` in 100,000 articles, even for the newest 100 rows.  When
    the newest :data:`SCAN_ROWS` rows hold enough matches, reading them is much
    cheaper.  None when they do not, or when a row's words are not plain ASCII
    (the tokenizer's own tables decide there): FTS5 answers then.
    """
    found: list[tuple[int, float, int]] = []
    below, read = 1 << 62, 0
    while read < SCAN_ROWS:
        rows = con.execute(sql, {**params, "below": below}).fetchall()
        for article_id, one, two, rid in rows:
            verdict = maker.contains((one, two))
            if verdict is None:
                return None
            if verdict:
                found.append((rid, 0.0, article_id))
                if len(found) >= params["lim"]:
                    return found
        if len(rows) < _SCAN_BATCH:
            return found  # every row was read
        read += len(rows)
        if len(found) * SCAN_ROWS < params["lim"] * read:
            return None  # at this rate SCAN_ROWS rows would not be enough
        below = rows[-1][3]
    return None


def _rows_sql(scope: str) -> str:
    """The hits of the rowids in ``:ids`` (a JSON list): ``rowid, article, columns...``."""
    _fts, table, article, _rank, _col, hit = _SCOPES[scope]
    return (
        f"SELECT x.id, a.id, a.title, a.site, a.sort_date, {hit} FROM {table} x"
        f" JOIN article a ON a.id = {article} WHERE x.id IN (SELECT value FROM json_each(:ids))"
    )


def broad_scopes(con: sqlite3.Connection, scopes: list[str], terms: list[str]) -> set[str]:
    """The scopes of *scopes* where a word of *terms* (FTS5 strings) is in over BROAD_ROWS rows.

    One statement per word counts in every scope at once, and each count stops at
    the threshold, so a probe reads at most that many rowids per scope.
    """
    counts = ", ".join(
        f"(SELECT count(*) FROM (SELECT 1 FROM {fts} WHERE {fts} MATCH :t LIMIT :n))"
        for fts in (_SCOPES[scope][0] for scope in scopes)
    )
    probe = f"SELECT {counts}"
    broad: set[str] = set()
    for term in terms:
        row = con.execute(probe, {"t": term, "n": BROAD_ROWS + 1}).fetchone()
        broad.update(scope for scope, n in zip(scopes, row, strict=True) if n > BROAD_ROWS)
        if len(broad) == len(scopes):
            break
    return broad


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def _probe_terms(terms: list[str], prefix: list[bool]) -> tuple[list[str], list[list[str]]]:
    """What to count: each plain word or prefix; each phrase's words (all must be broad)."""
    single: list[str] = []
    groups: list[list[str]] = []
    for term, is_prefix in zip(terms, prefix, strict=True):
        words = phrases([term], [is_prefix])
        tokens = list(words[0].tokens) if words else []
        if is_prefix or len(tokens) <= 1:
            single.append(_quoted(term) + ("*" if is_prefix else ""))
        else:
            groups.append([_quoted(t) for t in dict.fromkeys(tokens)])
    return single, groups


def _short_prefix(terms: list[str], prefix: list[bool]) -> bool:
    """True when a term is a prefix of at most :data:`SHORT_PREFIX` characters."""
    return any(p and len(t) <= SHORT_PREFIX for t, p in zip(terms, prefix, strict=True))


def _broad(
    con: sqlite3.Connection, order: list[str], terms: list[str], prefix: list[bool]
) -> set[str]:
    """The broad scopes: a word, or every word of a phrase, over BROAD_ROWS rows."""
    if _short_prefix(terms, prefix):
        return set(order)
    single, groups = _probe_terms(terms, prefix)
    broad = broad_scopes(con, order, single) if single else set()
    for group in groups:
        rest = [scope for scope in order if scope not in broad]
        if not rest:
            break
        every = set(rest)
        for word in group:
            every &= broad_scopes(con, sorted(every, key=order.index), [word])
            if not every:
                break
        broad |= every
    return broad


@contextmanager
def _connection(db: Database) -> Iterator[sqlite3.Connection]:
    """The driver connection of a pooled SQLAlchemy connection."""
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        yield raw


def search_fts(
    db: Database,
    parsed: ParsedQuery,
    scopes: set[str],
    filters: str,
    note_filter: str,
    params: dict[str, Any],
    limit: int,
) -> list[SearchHit]:
    """Search the FTS5 indexes of *scopes*; one hit per article, best first.

    *filters* are the operators as ``AND ...`` over the article ``a``;
    *note_filter* limits notes (alias ``x``) to those the user sees; *params*
    holds their values and ``q``, the FTS5 expression.
    """
    order = [scope for scope in ("articles", "comments", "notes") if scope in scopes]
    best: dict[int, tuple[float, str, int]] = {}
    with _connection(db) as con:
        try:
            broad = _broad(con, order, parsed.terms, parsed.prefix)
            short = _short_prefix(parsed.terms, parsed.prefix)
            maker = Snippets(phrases(parsed.terms, parsed.prefix), params["ms"], params["me"])
            params["skip"] = max(RANK_ROWS or 0, limit) - 1
            for scope in order:
                if scope in broad and len(best) >= limit:
                    # Its hits would score 0.0 and sort after the `limit` already found.
                    continue
                own = note_filter if scope == "notes" else ""
                rows = None
                if short:
                    rows = _scan_newest(con, scope, _scan_sql(scope, filters, own), maker, params)
                if rows is None:
                    rows = con.execute(_scope_sql(scope, filters, own, scope in broad), params)
                for rid, score, article_id in rows:
                    known = best.get(article_id)
                    if known is None or score < known[0]:
                        best[article_id] = (score, scope, rid)
            ranked = sorted(best.values(), key=lambda hit: hit[0])[:limit]
            return _hits(con, maker, ranked, params)
        except sqlite3.OperationalError as exc:  # pragma: no cover - quoting should prevent it
            raise SearchError(f"cannot search for these words: {exc}") from exc
        except sqlite3.Error as exc:
            # What a session would raise (a damaged file...): callers word it for the user.
            raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc


def _hits(
    con: sqlite3.Connection,
    maker: Snippets,
    ranked: list[tuple[float, str, int]],
    params: dict[str, Any],
) -> list[SearchHit]:
    """The hits of the *ranked* ``(score, scope, rowid)``, read and given snippets."""
    rows: dict[tuple[str, int], tuple[Any, ...]] = {}
    for scope in _SCOPES:
        ids = [rid for _score, where, rid in ranked if where == scope]
        if ids:
            for row in con.execute(_rows_sql(scope), {"ids": json.dumps(ids)}):
                rows[scope, row[0]] = row
    return [
        _hit(con, maker, scope, score, rows[scope, rid], params)
        for score, scope, rid in ranked
        if (scope, rid) in rows
    ]


def _hit(
    con: sqlite3.Connection,
    maker: Snippets,
    scope: str,
    score: float,
    row: tuple[Any, ...],
    params: dict[str, Any],
) -> SearchHit:
    rid, article_id, title, site, sort_date, cid, nid, lead, one, two = row
    snippet = maker.make((one, two), lead)
    if snippet is None:
        snippet = lead + _fts_snippet(con, scope, rid, params)
    if isinstance(sort_date, str):
        sort_date = datetime.fromisoformat(sort_date)
    return SearchHit(
        article_id=article_id,
        title=title,
        site=site,
        sort_date=as_utc(sort_date),  # type: ignore[arg-type]
        where=scope.rstrip("s"),
        snippet=snippet,
        score=float(score or 0.0),
        comment_id=cid,
        note_id=nid,
    )


def _fts_snippet(con: sqlite3.Connection, scope: str, rid: int, params: dict[str, Any]) -> str:
    """FTS5's own snippet of one row (when Python found no term in its text)."""
    fts, _table, _article, _rank, column, _hit = _SCOPES[scope]
    row = con.execute(
        f"SELECT snippet({fts}, {column}, :ms, :me, '…', 12) FROM {fts}"
        f" WHERE {fts} MATCH :q AND rowid = :rid",
        {**params, "rid": rid},
    ).fetchone()
    return (row[0] if row else "") or ""
