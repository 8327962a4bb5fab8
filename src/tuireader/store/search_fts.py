"""Full-text search on SQLite: the FTS5 indexes, on the driver's own connection.

:func:`tuireader.store.search.search` hands over here on SQLite once the
query is parsed.  Each scope (articles, comments, notes) is answered by one
statement on the pooled ``sqlite3`` connection (SQLAlchemy's session and
``text()`` cost about 0.1 ms a statement, several per query).

*Broad* or *selective*: every distinct word of the query is first counted in
each scope, stopping at :data:`BROAD_ROWS`.  A scope where a term is in more
rows than that is *broad* and answered newest first: FTS5 walks its doclists
by rowid and stops at the limit, while bm25 would first read the whole
doclist of that word to learn that it says next to nothing.  A phrase counts
as broad when even its rarest word is (``"to the of"``: ranking it reads the
lists of all three words).  Other scopes are ranked by bm25.

Snippets are made in Python (:mod:`tuireader.store.snippet`) from the text
the statement already read, and only for the hits returned, after one hit per
article has been kept; FTS5's ``snippet()`` answers only for a row where
Python finds no term.
"""

from __future__ import annotations

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
SHORT_PREFIX = 3
"""A prefix search of at most this many characters (``in*``) is taken as broad unprobed:
FTS5 merges the lists of every word with that prefix, and a probe would do it twice."""

# Each scope: its FTS5 table (aliased ``f``), the joins to its article, the
# columns of a hit, the columns a snippet is cut from, the column FTS5's own
# snippet() uses (-1: the best), and the bm25 weights.
_SCOPES = {
    "articles": (
        "article_fts",
        " JOIN article a ON a.id = f.rowid",
        "'article', NULL, NULL, '', a.title, a.text",
        -1,
        "bm25(article_fts, 4.0, 1.0)",
    ),
    "comments": (
        "comment_fts",
        " JOIN comment c ON c.id = f.rowid JOIN article a ON a.id = c.article_id",
        "'comment', c.id, NULL, c.author || ': ', c.text, NULL",
        1,
        "bm25(comment_fts, 1.0, 1.0)",
    ),
    "notes": (
        "note_fts",
        " JOIN note n ON n.id = f.rowid JOIN article a ON a.id = n.article_id",
        "'note', n.comment_id, n.id, '', n.text, n.quote",
        -1,
        "bm25(note_fts, 1.0, 1.0)",
    ),
}
# The columns of every row: 0 rowid, 1 score, 2 article id, 3 title, 4 site,
# 5 sort_date, 6 kind, 7 comment id, 8 note id, 9 snippet prefix, 10-11 snippet text.
_HIT = "a.id, a.title, a.site, a.sort_date, {columns}"


def _scope_sql(scope: str, filters: str, broad: bool) -> str:
    """One statement: the hits of *scope*, newest first (*broad*) or best first by bm25."""
    fts, joins, columns, _col, rank = _SCOPES[scope]
    hit = _HIT.format(columns=columns)
    if broad:
        # Newest first: FTS5 walks its doclists in rowid order and stops at the limit.
        return (
            f"SELECT f.rowid, 0.0, {hit} FROM {fts} f{joins}"
            f" WHERE {fts} MATCH :q{filters} ORDER BY f.rowid DESC LIMIT :lim"
        )
    # Rank in a subquery (without joins unless a filter needs them), then join the
    # `lim` best rows only: the subquery's LIMIT keeps SQLite from flattening it.
    inner = (
        f"SELECT f.rowid AS rid, {rank} AS score FROM {fts} f{joins if filters else ''}"
        f" WHERE {fts} MATCH :q{filters} ORDER BY score LIMIT :lim"
    )
    return f"SELECT r.rid, r.score, {hit} FROM ({inner}) r{joins.replace('f.rowid', 'r.rid')}"


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


def _broad(
    con: sqlite3.Connection, order: list[str], terms: list[str], prefix: list[bool]
) -> set[str]:
    """The broad scopes: a word, or every word of a phrase, over BROAD_ROWS rows."""
    if any(p and len(t) <= SHORT_PREFIX for t, p in zip(terms, prefix, strict=True)):
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
    *note_filter* limits notes (alias ``n``) to those the user sees; *params*
    holds their values and ``q``, the FTS5 expression.
    """
    order = [scope for scope in ("articles", "comments", "notes") if scope in scopes]
    best: dict[int, tuple[float, str, tuple[Any, ...]]] = {}
    with _connection(db) as con:
        try:
            broad = _broad(con, order, parsed.terms, parsed.prefix)
            for scope in order:
                if scope in broad and len(best) >= limit:
                    # Its hits would score 0.0 and sort after the `limit` already found.
                    continue
                where = filters + (note_filter if scope == "notes" else "")
                for row in con.execute(_scope_sql(scope, where, scope in broad), params):
                    known = best.get(row[2])
                    if known is None or row[1] < known[0]:
                        best[row[2]] = (row[1], scope, row)
            ranked = sorted(best.values(), key=lambda hit: hit[0])[:limit]
            maker = Snippets(phrases(parsed.terms, parsed.prefix), params["ms"], params["me"])
            return [_hit(con, maker, scope, row, params) for _score, scope, row in ranked]
        except sqlite3.OperationalError as exc:  # pragma: no cover - quoting should prevent it
            raise SearchError(f"cannot search for these words: {exc}") from exc
        except sqlite3.Error as exc:
            # What a session would raise (a damaged file...): callers word it for the user.
            raise DBAPIError.instance(None, None, exc, sqlite3.Error) from exc


def _hit(
    con: sqlite3.Connection,
    maker: Snippets,
    scope: str,
    row: tuple[Any, ...],
    params: dict[str, Any],
) -> SearchHit:
    rid, score, article_id, title, site, sort_date, kind, cid, nid, lead, one, two = row
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
        where=kind,
        snippet=snippet,
        score=float(score or 0.0),
        comment_id=cid,
        note_id=nid,
    )


def _fts_snippet(con: sqlite3.Connection, scope: str, rid: int, params: dict[str, Any]) -> str:
    """FTS5's own snippet of one row (when Python found no term in its text)."""
    fts, _joins, _columns, column, _rank = _SCOPES[scope]
    row = con.execute(
        f"SELECT snippet({fts}, {column}, :ms, :me, '…', 12) FROM {fts}"
        f" WHERE {fts} MATCH :q AND rowid = :rid",
        {**params, "rid": rid},
    ).fetchone()
    return (row[0] if row else "") or ""
