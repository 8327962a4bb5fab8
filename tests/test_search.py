"""Search on both engines: ranked, with snippets; hostile queries are words or a clear message."""

from __future__ import annotations

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.store.library import Library
from tuireader.store.search import SearchError, fts_expression, parse_query, search, split_snippet


@pytest.fixture
def library(any_library: Library) -> Library:
    """Every search test runs on SQLite (FTS5) and on PostgreSQL (tsvector)."""
    return any_library


@pytest.fixture
def filled(library: Library) -> Library:
    a, _ = library.save_article(
        ParsedArticle(
            title="Ground operation report",
            text="The army will not launch a ground operation. NEAR( the border AND more.",
            site="South",
            tags=["war"],
            comments=[ParsedComment("c1", "Brother Ma", "Don't make me laugh! Five km in Syria.")],
        )
    )
    b, _ = library.save_article(
        ParsedArticle(
            title="Gardening notes", text="Tomatoes need sun. Operation compost.", site="Garden"
        )
    )
    library.add_note(b, "remember the okapi operation")
    library.set_flag(b, "starred", True)
    return library


def test_ranked_with_snippet(filled: Library) -> None:
    hits = search(filled.db, "ground operation")
    assert [h.title for h in hits] == ["Ground operation report"]
    pieces = split_snippet(hits[0].snippet)
    assert ("ground", True) in [(t.lower(), m) for t, m in pieces]
    both = search(filled.db, "operation")
    assert {h.title for h in both} == {"Ground operation report", "Gardening notes"}
    assert both == sorted(both, key=lambda h: h.score)


def test_comments_and_notes_are_searched(filled: Library) -> None:
    hits = search(filled.db, "laugh")
    assert hits[0].where == "comment" and hits[0].comment_id is not None
    assert "Brother Ma" in hits[0].snippet
    notes = search(filled.db, "okapi")
    assert notes[0].where == "note" and notes[0].note_id is not None
    assert search(filled.db, "laugh in:notes") == []


def test_operators(filled: Library) -> None:
    assert [h.title for h in search(filled.db, "operation is:starred")] == ["Gardening notes"]
    assert [h.title for h in search(filled.db, "operation tag:war")] == ["Ground operation report"]
    assert [h.title for h in search(filled.db, "site:gard")] == ["Gardening notes"]
    assert [h.title for h in search(filled.db, "has:note")] == ["Gardening notes"]
    assert len(search(filled.db, "is:unread")) == 2
    with pytest.raises(SearchError, match="unknown filter"):
        search(filled.db, "is:bogus")


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "AND",
        "*",
        "NEAR(",
        "(",
        "-x",
        "'",
        "\x00",
        'AND "(',
        "col:x",
        "a OR b NOT c",
        "title:ground",
        "'; DROP TABLE article; --",
        "100%_",
        "\\",
        "ground\x00operation",
        "x" * 900,
        "[@click=app.quit]",
        ")))",
        "NEAR(ground operation, 2)",
        "^ground",
        "ground*",
    ],
)
def test_hostile_queries_never_raise_sqlite_errors(filled: Library, query: str) -> None:
    try:
        hits = search(filled.db, query)
    except SearchError as exc:
        assert str(exc)  # a clear message
    else:
        assert isinstance(hits, list)
    # The library is intact.
    assert len(search(filled.db, "operation")) == 2


def test_words_are_quoted() -> None:
    parsed = parse_query('AND "(" -x NEAR( ground* "two words"')
    assert fts_expression(parsed) == '"AND" "-x" "NEAR(" "ground"* "two words"'


def test_empty_and_huge_queries_give_messages() -> None:
    with pytest.raises(SearchError, match="nothing to search"):
        parse_query('" * ( )')
    with pytest.raises(SearchError, match="too long"):
        parse_query("x" * 5000)


def test_postgres_terms_are_bound_never_parsed() -> None:
    from tuireader.store.search_pg import tsquery_sql

    params: dict[str, object] = {}
    parsed = parse_query("""ground* "two & words" a'b|c* !x <-> y:*""")
    sql = tsquery_sql(parsed, params)
    # Only fixed SQL around bound values; a prefix is rebuilt from its \\w runs alone.
    assert sql == " && ".join(
        [
            "to_tsquery('simple', :t0)",
            "phraseto_tsquery('simple', :t1)",
            "to_tsquery('simple', :t2)",
            "phraseto_tsquery('simple', :t3)",
            "to_tsquery('simple', :t4)",
        ]
    )
    assert params == {
        "t0": "'ground':*",
        "t1": "two & words",
        "t2": "'a':* & 'b':* & 'c':*",
        "t3": "!x",
        "t4": "'y':*",
    }
