"""Full-text search over articles, comments and notes.

User text never reaches ``MATCH`` raw: :func:`parse_query` splits it into
operators (``is:unread``, ``is:starred``, ``is:read``, ``is:archived``,
``tag:x``, ``site:x``, ``has:note``, ``in:comments``, ``in:notes``,
``in:articles``) and words; :func:`fts_expression` quotes every word as an FTS5
string, so ``"``, ``AND``, ``*``, ``NEAR(``, ``(`` and ``-x`` are searched as
words.  A trailing ``*`` on a word is kept as a prefix search.  On SQLite the
FTS5 indexes answer (:mod:`tuireader.store.search_fts`); on PostgreSQL its own
full-text engine (:mod:`tuireader.store.search_pg`); on other engines a
case-insensitive substring match answers.  ``is:`` filters use the searching
user's own state, and only the notes they see are searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text as sql_text

from tuireader.store.db import Database
from tuireader.store.types import as_utc
from tuireader.store.users import Reader, reader_for
from tuireader.store.userstate import note_visible_sql, state_sql
from tuireader.store.views import SearchHit

__all__ = [
    "SearchError",
    "ParsedQuery",
    "parse_query",
    "fts_expression",
    "search",
    "MATCH_START",
    "MATCH_END",
    "split_snippet",
]

MATCH_START = "\ue000"
"""Marks the start of a matched word in a snippet (a private-use character)."""
MATCH_END = "\ue001"
"""Marks the end of a matched word in a snippet."""
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32

_OPERATOR = re.compile(r"^(is|tag|site|has|in):(.*)$", re.IGNORECASE)
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORDCHAR = re.compile(r"\w", re.UNICODE)


class SearchError(ValueError):
    """A query that cannot be searched; the message is fit for the user."""


@dataclass(slots=True)
class ParsedQuery:
    """A user's query: the words and phrases to find, and the operators."""

    terms: list[str] = field(default_factory=list)
    prefix: list[bool] = field(default_factory=list)
    unread: bool | None = None
    starred: bool | None = None
    archived: bool | None = None
    tags: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    has_note: bool = False
    scopes: set[str] = field(default_factory=set)

    @property
    def has_filters(self) -> bool:
        """True when an operator narrows the results."""
        return bool(
            self.unread is not None
            or self.starred is not None
            or self.archived is not None
            or self.tags
            or self.sites
            or self.has_note
        )


def parse_query(query: str) -> ParsedQuery:
    """Split *query* into operators and search terms; raise :class:`SearchError` if empty."""
    query = query.replace("\x00", " ")
    if len(query) > MAX_QUERY_CHARS:
        raise SearchError(f"the query is too long (over {MAX_QUERY_CHARS} characters)")
    parsed = ParsedQuery()
    for match in _TOKEN.finditer(query):
        phrase, word = match.group(1), match.group(2)
        if word is not None and (op := _OPERATOR.match(word)) and op.group(2):
            _apply_operator(parsed, op.group(1).lower(), op.group(2))
            continue
        term = phrase if phrase is not None else word
        if term is None or not _WORDCHAR.search(term):
            continue
        is_prefix = word is not None and word.endswith("*") and len(word.rstrip("*")) > 0
        parsed.terms.append(term.rstrip("*") if is_prefix else term)
        parsed.prefix.append(is_prefix)
    if len(parsed.terms) > MAX_TERMS:
        raise SearchError(f"too many words in the query (at most {MAX_TERMS})")
    if not parsed.terms and not parsed.has_filters:
        raise SearchError("nothing to search for: the query has no words")
    return parsed


def _apply_operator(parsed: ParsedQuery, name: str, value: str) -> None:
    low = value.lower()
    if name == "is":
        if low in ("unread", "new"):
            parsed.unread = True
        elif low == "read":
            parsed.unread = False
        elif low in ("starred", "star"):
            parsed.starred = True
        elif low == "archived":
            parsed.archived = True
        else:
            raise SearchError(f"unknown filter is:{value} (try is:unread, is:starred, is:archived)")
    elif name == "tag":
        parsed.tags.append(value)
    elif name == "site":
        parsed.sites.append(value)
    elif name == "has":
        if low not in ("note", "notes"):
            raise SearchError(f"unknown filter has:{value} (try has:note)")
        parsed.has_note = True
    elif name == "in":
        scope = {"comment": "comments", "note": "notes", "article": "articles"}.get(low, low)
        if scope not in ("comments", "notes", "articles"):
            raise SearchError(f"unknown filter in:{value} (try in:comments, in:notes)")
        parsed.scopes.add(scope)


def fts_expression(parsed: ParsedQuery) -> str:
    """The FTS5 ``MATCH`` expression: every term quoted, joined with AND."""
    parts = []
    for term, is_prefix in zip(parsed.terms, parsed.prefix, strict=True):
        quoted = '"' + term.replace('"', '""') + '"'
        parts.append(quoted + ("*" if is_prefix else ""))
    return " ".join(parts)


def split_snippet(snippet: str) -> list[tuple[str, bool]]:
    """Split a snippet into ``(text, is_match)`` pieces using the match markers."""
    pieces: list[tuple[str, bool]] = []
    for i, chunk in enumerate(re.split(f"[{MATCH_START}{MATCH_END}]", snippet)):
        if chunk:
            pieces.append((chunk, i % 2 == 1))
    return pieces


def _filter_sql(parsed: ParsedQuery, params: dict[str, Any], reader: Reader | None = None) -> str:
    """The operators as ``AND ...`` clauses over the article ``a`` (*reader*'s state)."""
    reader = reader or Reader(name="", primary=True)
    clauses = []
    if parsed.unread is not None:
        clauses.append(f"{state_sql(reader, 'read', params)} = :f_read")
        params["f_read"] = not parsed.unread
    if parsed.starred is not None:
        clauses.append(f"{state_sql(reader, 'starred', params)} = :f_starred")
        params["f_starred"] = parsed.starred
    if parsed.archived is not None:
        clauses.append(f"{state_sql(reader, 'archived', params)} = :f_archived")
        params["f_archived"] = parsed.archived
    if parsed.has_note and not reader.name:
        clauses.append("a.note_count > 0")
    elif parsed.has_note:
        visible = note_visible_sql(reader, params, "hn")
        clauses.append(f"EXISTS (SELECT 1 FROM note hn WHERE hn.article_id = a.id AND {visible})")
    for i, tag in enumerate(parsed.tags):
        params[f"f_tag{i}"] = tag.lower()
        clauses.append(
            "EXISTS (SELECT 1 FROM article_tag at JOIN tag t ON t.id = at.tag_id "
            f"WHERE at.article_id = a.id AND lower(t.name) = :f_tag{i})"
        )
    for i, site in enumerate(parsed.sites):
        params[f"f_site{i}"] = "%" + _escape_like(site.lower()) + "%"
        clauses.append(f"lower(a.site) LIKE :f_site{i} ESCAPE '\\'")
    return "".join(f" AND {c}" for c in clauses)


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _hit(row: Any, score: float | None = None) -> SearchHit:
    sort_date = row.sort_date
    if isinstance(sort_date, str):  # raw SQL on SQLite returns the stored text
        sort_date = datetime.fromisoformat(sort_date)
    return SearchHit(
        article_id=row.id,
        title=row.title,
        site=row.site,
        sort_date=as_utc(sort_date),  # type: ignore[arg-type]
        where=row.kind,
        snippet=row.snip or "",
        score=float((row.score if score is None else score) or 0.0),
        comment_id=row.cid,
        note_id=row.nid,
    )


def search(
    db: Database, query: str, *, limit: int = 100, user: str | None = None
) -> list[SearchHit]:
    """Search the library as *user* (None: the current user); one hit per article, best first.

    On SQLite (:mod:`tuireader.store.search_fts`) each scope (articles,
    comments, notes) is ranked by bm25 when the query is *selective* there, and
    answered newest first when it is *broad* (a word such as "the", in most
    rows).  Either way only the hits returned get a snippet.

    Raises :class:`SearchError` for a query with nothing to search.
    """
    parsed = parse_query(query)
    scopes = parsed.scopes or {"articles", "comments", "notes"}
    params: dict[str, Any] = {"ms": MATCH_START, "me": MATCH_END, "lim": limit}
    reader = reader_for(db, user)
    filters = _filter_sql(parsed, params, reader)
    note_filter = " AND " + note_visible_sql(reader, params, "n")
    if not parsed.terms:
        return _filter_only(db, filters, params, limit)
    if db.engine.dialect.name == "postgresql":
        from tuireader.store.search_pg import search_pg

        return search_pg(db, parsed, scopes, filters, note_filter, params, limit)
    if not db.is_sqlite:
        like_notes = " AND " + note_visible_sql(reader, params, "x")
        return _search_like(db, parsed, scopes, filters, params, limit, like_notes)
    from tuireader.store.search_fts import search_fts

    params["q"] = fts_expression(parsed)
    own_notes = " AND " + note_visible_sql(reader, params, "x")
    return search_fts(db, parsed, scopes, filters, own_notes, params, limit)


def _filter_only(db: Database, filters: str, params: dict[str, Any], limit: int) -> list[SearchHit]:
    stmt = (
        "SELECT a.id, a.title, a.site, a.sort_date, 'article' AS kind, NULL AS cid, NULL AS nid,"
        " '' AS snip, 0.0 AS score FROM article a WHERE 1=1"
        + filters
        + " ORDER BY a.sort_date DESC, a.id DESC LIMIT :lim"
    )
    with db.session() as s:
        return [_hit(row) for row in s.execute(sql_text(stmt), params)]


def _search_like(
    db: Database,
    parsed: ParsedQuery,
    scopes: set[str],
    filters: str,
    params: dict[str, Any],
    limit: int,
    note_filter: str = "",
) -> list[SearchHit]:
    """Search on engines without FTS5: every term must appear (case-insensitive)."""
    sources = {
        "articles": ("article", "a.title || ' ' || a.text", "a.id", "NULL", "NULL", "a.title"),
        "comments": (
            "comment",
            "x.author || ' ' || x.text",
            "x.article_id",
            "x.id",
            "NULL",
            "x.author || ': ' || x.text",
        ),
        "notes": (
            "note",
            "x.text || ' ' || coalesce(x.quote, '')",
            "x.article_id",
            "x.comment_id",
            "x.id",
            "x.text",
        ),
    }
    best: dict[int, SearchHit] = {}
    with db.session() as s:
        for scope, (table, haystack, article_col, cid, nid, snip) in sources.items():
            if scope not in scopes:
                continue
            conds = []
            for i, term in enumerate(parsed.terms):
                params[f"t{i}"] = "%" + _escape_like(term.lower()) + "%"
                conds.append(f"lower({haystack}) LIKE :t{i} ESCAPE '\\'")
            join = "" if table == "article" else f" JOIN article a ON a.id = {article_col}"
            alias = "a" if table == "article" else "x"
            stmt = (
                f"SELECT a.id, a.title, a.site, a.sort_date, '{scope.rstrip('s')}' AS kind,"
                f" {cid} AS cid, {nid} AS nid, substr({snip}, 1, 160) AS snip, 0.0 AS score"
                f" FROM {table} {alias}{join} WHERE "
                + " AND ".join(conds)
                + filters
                + (note_filter if scope == "notes" else "")
                + " ORDER BY a.sort_date DESC LIMIT :lim"
            )
            for row in s.execute(sql_text(stmt), params):
                best.setdefault(row.id, _hit(row))
    return list(best.values())[:limit]
