"""Property tests: the search-query builder against a real FTS5 table, and safe_text."""

from __future__ import annotations

import re
import sqlite3
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tuireader.store.search import SearchError, fts_expression, parse_query
from tuireader.text import UNSAFE_CHARS, safe_line, safe_text, word_count

TOKENIZE = "unicode61 remove_diacritics 2"

# Text that leans towards what breaks FTS5 and SQL: quotes, operators, wildcards.
_NASTY = st.sampled_from(
    [
        '"',
        "'",
        "*",
        "(",
        ")",
        "-",
        ":",
        "^",
        "{",
        "}",
        "%",
        "_",
        "\\",
        "\x00",
        " AND ",
        " OR ",
        " NOT ",
        "NEAR(",
        "is:",
        "tag:",
        "in:",
        "site:",
        "has:",
        ";",
        "--",
        "\u202e",
    ]
)
_QUERY = st.lists(st.one_of(st.text(max_size=8), _NASTY), max_size=12).map("".join)


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='{TOKENIZE}')")
    con.execute("INSERT INTO t VALUES ('the quick brown fox', 'jumps over \"the\" lazy dog')")
    return con


@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_QUERY)
@example('"unterminated')
@example("NEAR(a b) AND -x col:y")
@example("a\x00b")
@example("*")
@example("x" * 999)
def test_query_is_refused_or_accepted_by_fts5(fts: sqlite3.Connection, query: str) -> None:
    try:
        parsed = parse_query(query)
    except SearchError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    if not parsed.terms:
        return  # only filters: no MATCH is made
    expression = fts_expression(parsed)
    assert "\x00" not in expression
    fts.execute("SELECT count(*) FROM t WHERE t MATCH ?", (expression,)).fetchone()


_WORDS = st.lists(
    st.text(alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Lo", "Nd")), min_size=1),
    min_size=1,
    max_size=6,
)


@given(_WORDS)
def test_plain_words_are_found(words: list[str]) -> None:
    """A word typed as it appears in the text is found (quoting never changes it)."""
    con = sqlite3.connect(":memory:")
    con.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{TOKENIZE}')")
    con.execute("INSERT INTO t VALUES (?)", (" ".join(words),))
    for word in words:
        parsed = parse_query(word)
        match = "SELECT count(*) FROM t WHERE t MATCH ?"
        assert con.execute(match, (fts_expression(parsed),)).fetchone()[0] == 1, word


@given(st.text())
def test_safe_text_idempotent_and_inert(text: str) -> None:
    out = safe_text(text)
    assert safe_text(out) == out
    assert not set(out) & UNSAFE_CHARS
    assert "\r" not in out


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")) | st.sampled_from("[]\t\n"))
)
def test_safe_text_keeps_printable_and_brackets(text: str) -> None:
    out = safe_text(text)
    kept = "".join(ch for ch in text if ch not in UNSAFE_CHARS and ch not in "\u2028\u2029\r")
    assert out == kept
    assert out.count("[") == text.count("[") and out.count("]") == text.count("]")


@given(st.text())
def test_safe_line_is_one_line(text: str) -> None:
    out = safe_line(text)
    assert "\n" not in out and "\t" not in out
    assert out == out.strip()


def _slow_word_count(text: str) -> int:
    count = 0
    for token in re.findall(r"\w+", text):
        cjk = sum(1 for ch in token if unicodedata.east_asian_width(ch) == "W")
        count += cjk + (1 if cjk < len(token) else 0)
    return count


@given(st.text())
@example("plain ascii words only")
@example("mixed 東京 and café")
def test_word_count_fast_paths_agree(text: str) -> None:
    assert word_count(text) == _slow_word_count(text)
