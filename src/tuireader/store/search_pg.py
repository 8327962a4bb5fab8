"""Full-text search on PostgreSQL: tsvector columns, GIN indexes, ``ts_rank``, ``ts_headline``.

The columns and indexes come from migration ``0003_pg_search`` (the ``simple``
configuration: no stemming, no stop words, like SQLite's unicode61).  The
user's words arrive here already split by
:func:`tuireader.store.search.parse_query`, and each one becomes a tsquery on
its own through a function that treats its argument as text, never as query
syntax: ``phraseto_tsquery('simple', :term)`` for a word or a quoted phrase,
and for a prefix (``word*``) ``to_tsquery('simple', :lexemes)`` whose argument
is built here from the term's ``\\w+`` runs only, each single-quoted and
suffixed with ``:*``.  The terms are joined with ``&&`` (all must match).  So
``&``, ``|``, ``!``, ``<->``, ``:``, quotes and parentheses typed by the user are
never operators.

Ranking is ``ts_rank`` (title words weigh more than body words); the score of
a hit is ``-ts_rank`` so that, as with SQLite's bm25, lower is better.
Snippets are ``ts_headline`` with the same match markers as on SQLite,
computed only for the rows returned.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import text as sql_text
from sqlalchemy.exc import DBAPIError

from tuireader.store.db import Database
from tuireader.store.search import MATCH_END, MATCH_START, ParsedQuery, SearchError, _hit
from tuireader.store.views import SearchHit

__all__ = ["search_pg", "tsquery_sql", "HEADLINE_OPTIONS", "HEADLINE_CHARS"]

HEADLINE_OPTIONS = (
    f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=18, MinWords=6, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
"""``ts_headline`` options: the snippet markers of :mod:`tuireader.store.search`."""
HEADLINE_CHARS = 100_000
"""Snippets are cut from this many characters of a body at most (``ts_headline`` is costly)."""

_WORD = re.compile(r"\w+", re.UNICODE)


def tsquery_sql(parsed: ParsedQuery, params: dict[str, Any]) -> str:
    """The tsquery of *parsed* as SQL, its values bound as ``:t0``, ``:t1``... in *params*."""
    parts = []
    for i, (term, is_prefix) in enumerate(zip(parsed.terms, parsed.prefix, strict=True)):
        key = f"t{i}"
        if is_prefix:
            # \w never matches a quote or a backslash: each lexeme is a plain quoted word.
            params[key] = " & ".join(f"'{w}':*" for w in _WORD.findall(term)) or "''"
            parts.append(f"to_tsquery('simple', :{key})")
        else:
            params[key] = term
            parts.append(f"phraseto_tsquery('simple', :{key})")
    return " && ".join(parts)


_QUERIES = {
    "articles": """
        WITH q AS (SELECT {tsq} AS q),
        top AS (
            SELECT a.id, ts_rank(a.search_vector, q.q) AS rank
            FROM article a, q
            WHERE a.search_vector @@ q.q{filters}
            ORDER BY rank DESC, a.id DESC
            LIMIT :lim)
        SELECT a.id, a.title, a.site, a.sort_date, 'article' AS kind,
            NULL::integer AS cid, NULL::integer AS nid,
            ts_headline('simple', a.title || E'\\n' || left(a.text, :hl_chars), q.q, :hl) AS snip,
            -top.rank AS score
        FROM top JOIN article a ON a.id = top.id, q""",
    "comments": """
        WITH q AS (SELECT {tsq} AS q),
        best AS (
            SELECT DISTINCT ON (c.article_id) c.id, ts_rank(c.search_vector, q.q) AS rank
            FROM comment c JOIN article a ON a.id = c.article_id, q
            WHERE c.search_vector @@ q.q{filters}
            ORDER BY c.article_id, rank DESC, c.id),
        top AS (SELECT id, rank FROM best ORDER BY rank DESC, id DESC LIMIT :lim)
        SELECT a.id, a.title, a.site, a.sort_date, 'comment' AS kind,
            c.id AS cid, NULL::integer AS nid,
            c.author || ': ' || ts_headline('simple', left(c.text, :hl_chars), q.q, :hl) AS snip,
            -top.rank AS score
        FROM top JOIN comment c ON c.id = top.id JOIN article a ON a.id = c.article_id, q""",
    "notes": """
        WITH q AS (SELECT {tsq} AS q),
        best AS (
            SELECT DISTINCT ON (n.article_id) n.id, ts_rank(n.search_vector, q.q) AS rank
            FROM note n JOIN article a ON a.id = n.article_id, q
            WHERE n.search_vector @@ q.q{filters}
            ORDER BY n.article_id, rank DESC, n.id),
        top AS (SELECT id, rank FROM best ORDER BY rank DESC, id DESC LIMIT :lim)
        SELECT a.id, a.title, a.site, a.sort_date, 'note' AS kind,
            n.comment_id AS cid, n.id AS nid,
            ts_headline('simple', n.text || coalesce(E'\\n' || n.quote, ''), q.q, :hl) AS snip,
            -top.rank AS score
        FROM top JOIN note n ON n.id = top.id JOIN article a ON a.id = n.article_id, q""",
}


def search_pg(
    db: Database,
    parsed: ParsedQuery,
    scopes: set[str],
    filters: str,
    note_filter: str,
    params: dict[str, Any],
    limit: int,
) -> list[SearchHit]:
    """Search articles, comments and notes in *scopes*; one hit per article, best first.

    *filters* are the operators as ``AND ...`` over the article ``a``;
    *note_filter* limits notes (alias ``n``) to those the user sees.
    """
    params = {**params, "hl": HEADLINE_OPTIONS, "hl_chars": HEADLINE_CHARS}
    tsq = tsquery_sql(parsed, params)
    best: dict[int, SearchHit] = {}
    with db.session() as s:
        for scope in ("articles", "comments", "notes"):
            if scope not in scopes:
                continue
            where = filters + (note_filter if scope == "notes" else "")
            stmt = sql_text(_QUERIES[scope].format(tsq=tsq, filters=where))
            try:
                rows = s.execute(stmt, params).all()
            except DBAPIError as exc:  # pragma: no cover - the terms are bound, never parsed
                raise SearchError(f"cannot search for these words: {exc.orig}") from exc
            for row in rows:
                hit = _hit(row)
                if hit.article_id not in best or hit.score < best[hit.article_id].score:
                    best[hit.article_id] = hit
    return sorted(best.values(), key=lambda h: (h.score, -h.article_id))[:limit]
