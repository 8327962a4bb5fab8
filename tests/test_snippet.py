"""Snippets cut in Python: the matched words marked, as FTS5's own snippet() marks them."""

from __future__ import annotations

import sqlite3

import pytest

from tuireader.store.snippet import WINDOW, Snippets, fold, phrases, tokens


def make(
    terms: list[str], columns: list[str | None], prefix: list[bool] | None = None
) -> str | None:
    query = phrases(terms, prefix or [False] * len(terms))
    return Snippets(query, "[", "]").make(columns)


def test_words_fold_like_the_tokenizer() -> None:
    assert fold("CAFÉ") == "cafe"
    assert tokens("Don't-stop_now, Ünïcode!") == ["don", "t", "stop", "now", "unicode"]


def test_marks_whole_words_only() -> None:
    assert make(["cafe"], ["xcafe cafex Cafe"]) == "xcafe cafex [Cafe]"
    assert make(["nothing"], ["here is no such word"]) is None


def test_prefix_marks_the_whole_word() -> None:
    assert make(["oper"], ["Ground operations"], [True]) == "Ground [operations]"


def test_phrase_is_marked_as_one_and_only_in_order() -> None:
    text = "of the to one two to the of three"
    assert make(["to the of"], [text]) == "of the to one two [to the of] three"


def test_window_and_ellipses() -> None:
    text = " ".join(f"w{i}" for i in range(40))
    snippet = make(["w20"], [text])
    assert snippet is not None and snippet.startswith("…") and snippet.endswith("…")
    assert len(tokens(snippet)) == WINDOW and "[w20]" in snippet
    assert make(["w0"], [text]) == "[w0] " + " ".join(f"w{i}" for i in range(1, WINDOW)) + "…"
    assert make(["w39"], [text]) == "…" + " ".join(f"w{i}" for i in range(28, 39)) + " [w39]"


def test_diacritics_and_non_ascii_terms() -> None:
    assert make(["cafe"], ["un “Café” noir"]) == "un “[Café]” noir"
    assert make(["CAFÉ"], ["a cafe there"]) == "a [cafe] there"


def test_best_column_has_the_most_terms() -> None:
    assert make(["ground", "report"], ["Ground news", "a ground report"]) == "a [ground] [report]"
    assert make(["ground"], ["Ground news", "a ground report"]) == "[Ground] news"


@pytest.mark.parametrize(
    "terms",
    [["the"], ["river"], ["the", "river"], ["river bank"], ["riv"], ["été"]],
)
def test_marks_the_words_fts5_marks(terms: list[str]) -> None:
    """The marked words are the ones FTS5's snippet() marks in the same window."""
    text = (
        "The river bank was wide. On the bank of the river, an été of rivers and the "
        "riverside; far from the river, the bank closed. Été again by the river bank."
    )
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    con.execute("INSERT INTO t VALUES (?)", (text,))
    prefix = [t == "riv" for t in terms]
    expr = " ".join('"' + t + '"' + ("*" if p else "") for t, p in zip(terms, prefix, strict=True))
    (theirs,) = con.execute(
        "SELECT snippet(t, 0, '[', ']', '…', 64) FROM t WHERE t MATCH ?", (expr,)
    ).fetchone()
    ours = Snippets(phrases(terms, prefix), "[", "]").make([text])
    assert ours is not None

    def marked(s: str) -> list[str]:
        return [fold(part.split("]")[0]) for part in s.split("[")[1:]]

    assert marked(ours) and set(marked(ours)) <= set(marked(theirs))
