"""The safe-text function every importer and widget uses."""

import re

from hypothesis import given
from hypothesis import strategies as st

from tuireader.text import UNSAFE_CHARS, safe_line, safe_text, word_count


def test_drops_terminal_controls_and_keeps_brackets() -> None:
    hostile = (
        "[@click=app.quit]x[/] \x1b]52;c;SGVsbG8=\x07 \x1b[2J \x1bP+q544e\x1b\\ \x9b31m"
        " \x00nul \u202eevil\u202c \u2066iso\u2069 \x7fdel [link=file:///etc/passwd]y[/link]"
    )
    out = safe_text(hostile)
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert "\x9b" not in out and "\u202e" not in out and "\u2066" not in out and "\x7f" not in out
    assert "[@click=app.quit]x[/]" in out
    assert "[link=file:///etc/passwd]y[/link]" in out
    # The printable remains of the sequences stay as plain text.
    assert "]52;c;SGVsbG8=" in out


def test_newlines_normalised_tabs_kept() -> None:
    assert safe_text("a\r\nb\rc\u2028d\u2029e\x85f\tg") == "a\nb\nc\nd\ne\nf\tg"


def test_keeps_unicode_text() -> None:
    text = "Café naïve — 東京 😀 e\u0301 zero\u200bwidth"
    assert safe_text(text) == text


def test_none_and_non_strings() -> None:
    assert safe_text(None) == ""
    assert safe_text(42) == "42"


def test_safe_line_collapses_whitespace() -> None:
    assert safe_line("  a\n b\u00a0\tc  ") == "a b c"


def test_word_count_counts_cjk_per_character() -> None:
    assert word_count("one two three") == 3
    assert word_count("東京都") == 3


@given(st.text())
def test_property_no_unsafe_chars_and_idempotent(text: str) -> None:
    out = safe_text(text)
    assert not (set(out) & UNSAFE_CHARS)
    assert "\r" not in out
    assert safe_text(out) == out


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Zl", "Zp"))))
def test_property_printable_text_unchanged(text: str) -> None:
    assert safe_text(text) == text


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_ascii_fast_paths_agree_with_the_general_rules(text: str) -> None:
    """ASCII text takes byte-level fast paths; they must give what the regexes give."""
    assert word_count(text) == len(re.findall(r"\w+", text))
    expected = re.sub(r"\r\n?", "\n", text).translate(dict.fromkeys(map(ord, UNSAFE_CHARS)))
    assert safe_text(text) == expected
