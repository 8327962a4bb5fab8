"""Anchoring highlights: TextQuote/TextPosition selectors and re-anchoring after changes."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tuireader.store.anchoring import (
    CONTEXT_CHARS,
    TextIndex,
    make_anchor,
    reanchor,
)

ARTICLE = (
    "Chapter one.\n\n"
    "The old ferry left the pier at dawn, carrying salt, letters and two goats. "
    "Nobody on board knew the river would rise that night.\n\n"
    "Chapter two.\n\n"
    "By noon the water had reached the second step of the temple. "
    "The monks moved the books upstairs, one shelf at a time."
)
PASSAGE = "The monks moved the books upstairs, one shelf at a time."


def anchor_of(text: str, passage: str):
    start = text.index(passage)
    return make_anchor(text, start, start + len(passage))


def again(text: str, anchor):
    return reanchor(
        text,
        anchor.exact,
        prefix=anchor.prefix,
        suffix=anchor.suffix,
        start=anchor.start,
        end=anchor.end,
    )


def test_make_anchor_keeps_quote_context_and_position():
    a = anchor_of(ARTICLE, "the river would rise")
    assert a.exact == "the river would rise"
    assert ARTICLE[a.start : a.end] == a.exact
    assert a.prefix == ARTICLE[a.start - CONTEXT_CHARS : a.start]
    assert a.suffix == ARTICLE[a.end : a.end + CONTEXT_CHARS]
    quote, position = a.selectors()
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": "the river would rise",
        "prefix": a.prefix,
        "suffix": a.suffix,
    }
    assert position == {"type": "TextPositionSelector", "start": a.start, "end": a.end}


def test_make_anchor_context_is_clipped_at_the_edges():
    a = make_anchor("short text", 0, 5)
    assert (a.prefix, a.exact, a.suffix) == ("", "short", " text")


def test_make_anchor_rejects_empty_or_outside_spans():
    for start, end in ((3, 3), (5, 2), (-1, 2), (0, 99)):
        try:
            make_anchor("short text", start, end)
        except ValueError:
            continue
        raise AssertionError(f"{start}..{end} was accepted")


def test_unchanged_text_keeps_the_highlight():
    a = anchor_of(ARTICLE, PASSAGE)
    r = again(ARTICLE, a)
    assert r.status == "kept"
    assert r.anchor == a


def test_text_inserted_before_moves_the_highlight():
    a = anchor_of(ARTICLE, PASSAGE)
    changed = "Editor's note: this story was updated.\n\n" + ARTICLE
    r = again(changed, a)
    assert r.status == "exact"
    assert r.anchor is not None
    assert r.anchor.exact == PASSAGE
    assert changed[r.anchor.start : r.anchor.end] == PASSAGE
    assert r.anchor.start == a.start + len("Editor's note: this story was updated.\n\n")


def test_rewrapped_whitespace_still_matches_exactly():
    a = anchor_of(ARTICLE, PASSAGE)
    changed = ARTICLE.replace("moved the books", "moved\n   the books")
    r = again(changed, a)
    assert r.status == "exact"
    assert r.anchor is not None
    assert r.anchor.exact == "The monks moved\n   the books upstairs, one shelf at a time."


def test_repeated_quote_is_told_apart_by_context():
    text = "Rule one: check the valve. Later, after lunch: check the valve. End."
    second = text.rindex("check the valve")
    a = make_anchor(text, second, second + len("check the valve"))
    changed = "Preface added here. " + text
    r = again(changed, a)
    assert r.anchor is not None
    assert r.anchor.start == changed.rindex("check the valve")


def test_repeated_quote_with_no_context_prefers_the_old_position():
    text = "aaa check bbb check ccc check ddd"
    third = text.rindex("check")
    r = reanchor("x" + text, "check", start=third, end=third + 5)
    assert r.anchor is not None
    assert r.anchor.start == third + 1


def test_slightly_edited_passage_is_found_and_its_quote_updated():
    a = anchor_of(ARTICLE, PASSAGE)
    edited = PASSAGE.replace("moved the books", "carried the books")
    changed = "A new first line.\n\n" + ARTICLE.replace(PASSAGE, edited)
    r = again(changed, a)
    assert r.status == "fuzzy"
    assert r.anchor is not None
    assert r.anchor.exact == edited
    assert changed[r.anchor.start : r.anchor.end] == edited
    assert 0.75 <= r.ratio < 1.0


def test_edit_of_the_first_and_last_words_snaps_to_word_boundaries():
    text = (
        "Some words before it all. "
        "The quick brown fox jumps over the lazy dog near the river. After."
    )
    a = anchor_of(text, "The quick brown fox jumps over the lazy dog near the river.")
    for old, new, expected in (
        ("The quick", "A quick", "A quick brown fox jumps over the lazy dog near the river."),
        ("river.", "riverbank.", "The quick brown fox jumps over the lazy dog near the riverbank."),
    ):
        r = again(text.replace(old, new), a)
        assert r.anchor is not None, old
        assert r.anchor.exact == expected


def test_deleted_passage_is_orphaned():
    a = anchor_of(ARTICLE, PASSAGE)
    changed = ARTICLE.replace(" " + PASSAGE, "")
    assert PASSAGE not in changed
    r = again(changed, a)
    assert r.status == "orphaned"
    assert r.anchor is None
    assert r.orphaned


def test_heavily_rewritten_passage_is_orphaned_not_misplaced():
    a = anchor_of(ARTICLE, PASSAGE)
    changed = ARTICLE.replace(PASSAGE, "Everyone left for the hills before the bells rang.")
    assert again(changed, a).orphaned


def test_short_quote_is_not_fuzzy_matched():
    a = anchor_of(ARTICLE, "two goats")
    changed = ARTICLE.replace("two goats", "two goads")
    assert again(changed, a).orphaned


def test_blank_quote_is_orphaned():
    assert reanchor(ARTICLE, "   ").orphaned


def test_quote_found_without_position():
    r = reanchor(ARTICLE, "second step of the temple")
    assert r.anchor is not None
    assert ARTICLE[r.anchor.start : r.anchor.end] == "second step of the temple"


text_chars = st.text(alphabet=st.sampled_from("abcde \n\t.,"), min_size=1, max_size=200)


@settings(max_examples=200, deadline=None)
@given(text_chars)
def test_folded_spans_map_back_to_the_same_text(text):
    index = TextIndex(text)
    folded = index.folded
    assert folded == re.sub(r"\s+", " ", text)
    for i in range(len(folded)):
        for j in range(i + 1, min(len(folded), i + 6) + 1):
            s, e = index.to_original(i, j)
            assert re.sub(r"\s+", " ", text[s:e]) == folded[i:j]
            assert index.to_folded(s) == i


@settings(max_examples=150, deadline=None)
@given(
    st.text(min_size=20, max_size=300),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=60),
    st.text(max_size=80),
)
def test_any_highlight_survives_an_insertion_before_it(text, at, length, inserted):
    start = at % (len(text) - 1)
    end = min(len(text), start + length)
    if not text[start:end].strip():
        return
    a = make_anchor(text, start, end)
    assert again(text, a).anchor == a
    changed = inserted + text
    r = again(changed, a)
    assert r.anchor is not None
    assert re.sub(r"\s+", " ", r.anchor.exact) == re.sub(r"\s+", " ", a.exact)
    assert changed[r.anchor.start : r.anchor.end] == r.anchor.exact


WORDS = ["river", "ferry", "temple", "monks", "books", "salt", "letters", "goats", "dawn"]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=60, max_size=120),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.sampled_from(["quay", "harbour", "X", "grain"]),
    st.text(alphabet="abc .\n", max_size=50),
)
def test_a_word_changed_inside_a_passage_is_followed(words, at, which, replacement, inserted):
    text = " ".join(f"{w}{i}" for i, w in enumerate(words))  # every word unique
    tokens = text.split(" ")
    first = at % (len(tokens) - 12)
    passage_tokens = tokens[first : first + 10]
    passage = " ".join(passage_tokens)
    start = text.index(passage)
    a = make_anchor(text, start, start + len(passage))
    edited_tokens = list(passage_tokens)
    edited_tokens[which % 10] = replacement
    edited = " ".join(edited_tokens)
    changed = inserted + "\n\n" + text.replace(passage, edited)
    r = again(changed, a)
    assert r.anchor is not None and r.status == "fuzzy"
    assert r.anchor.exact == edited
