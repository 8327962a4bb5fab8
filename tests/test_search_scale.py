"""Search in a large library: broad queries newest first, selective ones by bm25."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.importers.model import ParsedArticle, ParsedComment
from tuireader.store import search_fts
from tuireader.store.library import Library
from tuireader.store.search import MATCH_END, MATCH_START, search


@pytest.fixture
def lib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Library:
    monkeypatch.setattr(search_fts, "BROAD_ROWS", 5)
    library = Library.open(f"sqlite:///{tmp_path / 'l.db'}")
    for i in range(12):
        rare = " zebra" * (i % 4) if i < 4 else ""
        library.save_article(
            ParsedArticle(
                title=f"Article {i}",
                text=f"common words in article {i}{rare}",
                url=f"https://s.example/{i}",
                starred=i % 3 == 0,
                comments=[ParsedComment(key="1", author="c", text=f"common reply {i} yak")],
            )
        )
    return library


def test_broad_query_is_newest_first(lib: Library) -> None:
    hits = search(lib.db, "common")
    assert [h.article_id for h in hits] == list(range(12, 0, -1))
    assert all(h.score == 0.0 and h.where == "article" for h in hits)
    assert all(MATCH_START in h.snippet for h in hits)


def test_broad_query_limit_and_filters(lib: Library) -> None:
    assert [h.article_id for h in search(lib.db, "common", limit=3)] == [12, 11, 10]
    starred = search(lib.db, "common is:starred")
    assert [h.article_id for h in starred] == [10, 7, 4, 1]


def test_selective_query_is_ranked(lib: Library) -> None:
    hits = search(lib.db, "zebra")
    assert [h.article_id for h in hits] == [4, 3, 2]  # more zebras rank higher
    assert all(h.score < 0 for h in hits)
    assert hits == sorted(hits, key=lambda h: h.score)


def test_broad_word_with_a_selective_one(lib: Library) -> None:
    """A common word next to a rare one: matches need both, newest first."""
    hits = search(lib.db, "common zebra")
    assert [h.article_id for h in hits] == [4, 3, 2]


def test_comments_found_when_articles_leave_room(lib: Library) -> None:
    hits = search(lib.db, "yak")
    assert len(hits) == 12 and {h.where for h in hits} == {"comment"}
    assert all(h.comment_id is not None for h in hits)
    assert len(search(lib.db, "reply in:comments", limit=5)) == 5


def test_selective_threshold_is_per_scope(lib: Library) -> None:
    """ "yak" is broad among comments (12 > 5) but absent from articles."""
    with search_fts._connection(lib.db) as con:
        broad = search_fts.broad_scopes(con, ["articles", "comments"], ['"yak"'])
    assert broad == {"comments"}


def test_short_prefix_is_broad_without_a_probe(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_probe(*_args: object) -> set[str]:
        raise AssertionError("a short prefix needs no probe")

    monkeypatch.setattr(search_fts, "broad_scopes", no_probe)
    hits = search(lib.db, "zeb*")
    assert [h.article_id for h in hits] == [4, 3, 2]
    assert all(h.score == 0.0 for h in hits)


def test_phrase_of_broad_words_is_newest_first(lib: Library) -> None:
    """Every word of the phrase is broad: no bm25 (it would read all their lists)."""
    hits = search(lib.db, '"common words"')
    assert [h.article_id for h in hits] == list(range(12, 0, -1))
    assert all(h.score == 0.0 for h in hits)
    assert all(f"{MATCH_START}common words{MATCH_END}" in h.snippet for h in hits)


def test_phrase_with_a_rare_word_is_ranked(lib: Library) -> None:
    hits = search(lib.db, '"1 zebra"')
    assert [h.article_id for h in hits] == [2]
    assert hits[0].score < 0 and f"{MATCH_START}1 zebra{MATCH_END}" in hits[0].snippet


def test_selective_snippets_are_marked(lib: Library) -> None:
    for hit in search(lib.db, "zebra"):
        assert f"{MATCH_START}zebra{MATCH_END}" in hit.snippet


def test_comment_found_by_its_author_gets_fts5_snippet(lib: Library) -> None:
    """The snippet shows the comment's text: FTS5 answers when Python finds no term there."""
    hits = search(lib.db, "c in:comments")
    assert len(hits) == 12
    assert all(h.snippet.startswith("c: common reply") for h in hits)


def test_ranking_looks_at_the_newest_rows(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """With RANK_ROWS set, bm25 ranks the newest matches (filters first), never fewer than asked."""
    late = "one zebra in a long text " + "of filler words " * 40
    lib.save_article(ParsedArticle(title="Late", text=late, url="https://s.example/late"))
    assert [h.article_id for h in search(lib.db, "zebra", limit=2)] == [4, 3]
    monkeypatch.setattr(search_fts, "RANK_ROWS", 2)
    assert [h.article_id for h in search(lib.db, "zebra", limit=2)] == [4, 13]
    assert len(search(lib.db, "zebra", limit=4)) == 4  # the limit widens the window
    assert [h.article_id for h in search(lib.db, "zebra is:starred", limit=1)] == [4]


def test_short_prefix_read_newest_first_agrees_with_fts5(
    lib: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A short prefix is answered by reading the newest rows; FTS5 gives the same hits."""
    queries = ["com*", "zeb*", "com* zebra", "rep* in:comments", "com* is:starred", "yak c*"]
    fts_statement = search_fts._scope_sql

    def no_fts(*_args: object) -> str:
        raise AssertionError("the newest rows hold the answer")

    monkeypatch.setattr(search_fts, "_scope_sql", no_fts)
    scanned = {q: search(lib.db, q, limit=5) for q in queries}
    monkeypatch.setattr(search_fts, "_scope_sql", fts_statement)
    monkeypatch.setattr(search_fts, "SCAN_ROWS", 0)  # never read: FTS5 answers
    for q in queries:
        assert search(lib.db, q, limit=5) == scanned[q], q
    assert [h.article_id for h in scanned["com* is:starred"]] == [10, 7, 4, 1]
    assert all(MATCH_START in h.snippet for h in scanned["zeb*"])


def test_short_prefix_leaves_non_ascii_words_to_fts5(lib: Library) -> None:
    """The tokenizer folds "Zébra" to "zebra": reading in Python gives up, FTS5 finds it."""
    lib.save_article(ParsedArticle(title="Crossing", text="a Zébra", url="https://s.example/z"))
    hits = search(lib.db, "zeb*")
    assert [h.article_id for h in hits] == [13, 4, 3, 2]
    assert f"{MATCH_START}Zébra{MATCH_END}" in hits[0].snippet
