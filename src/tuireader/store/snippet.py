"""Search snippets made in Python from the stored text, as FTS5's ``snippet()`` would.

FTS5's ``snippet()`` tokenises the whole column again and scores every window:
60-100 µs for a 3 KB article, most of a search's time when a hundred results
are shown.  The text is read anyway, so the snippet is cut here: the first
place in each column where a query term matches, a window of :data:`WINDOW`
tokens around it, every term instance in the window marked; the column whose
window holds the most distinct terms wins (the first on a tie).

Words are compared the way the index's tokenizer (``unicode61
remove_diacritics 2``) sees them: runs of letters and digits, lower-cased,
without diacritics.  For ASCII terms a literal pattern per term finds matches
in the lower-cased text (C speed); when that finds nothing, or a term is not
ASCII, every token is folded and compared.  :meth:`Snippets.make` returns
``None`` when no term is found at all (a word only the tokenizer's own tables
fold, say, or a comment matched by its author): the caller then asks FTS5.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Phrase", "Snippets", "fold", "phrases", "tokens", "WINDOW", "ELLIPSIS"]

WINDOW = 12
"""Tokens in a snippet (the ``12`` given to FTS5's ``snippet()``)."""
ELLIPSIS = "…"
_TOKEN = re.compile(r"[^\W_]+")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
BACK = (WINDOW - 1) // 2
"""Tokens shown before a match (as FTS5 centres a one-word match)."""
_LOOKBACK = 20
"""Characters read back per token wanted before a match."""
_TOKENS = {n: re.compile(rf"(?:[\W_]*[^\W_]+){{1,{n}}}") for n in range(1, WINDOW + 1)}
"""Up to n tokens (forwards, or backwards on reversed text)."""
_EXACTLY = {n: re.compile(rf"(?:[\W_]*[^\W_]+){{{n}}}(?![^\W_])") for n in range(1, WINDOW + 1)}
"""Exactly n whole tokens."""

Span = tuple[int, int]


def fold(token: str) -> str:
    """*token* as the index stores it: lower case, diacritics removed."""
    low = token.lower()
    if low.isascii():
        return low
    return "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))


def _token_char(char: str) -> bool:
    """True for a character the tokenizer keeps in words (letters, digits, private use)."""
    return char.isalnum() or unicodedata.category(char) == "Co"


def tokens(text: str) -> list[str]:
    """The folded tokens of *text*."""
    return [fold(t) for t in _TOKEN.findall(text)]


@dataclass(frozen=True, slots=True)
class Phrase:
    """A query term as tokens; with *prefix*, its last token is a prefix."""

    tokens: tuple[str, ...]
    prefix: bool = False

    def at(self, words: Sequence[str], i: int) -> bool:
        """True when this phrase starts at token *i* of *words*."""
        n = len(self.tokens)
        if i + n > len(words):
            return False
        for k, token in enumerate(self.tokens):
            word = words[i + k]
            if word != token and not (self.prefix and k == n - 1 and word.startswith(token)):
                return False
        return True


def phrases(terms: Sequence[str], prefix: Sequence[bool]) -> list[Phrase]:
    """The query's terms as :class:`Phrase` objects (terms without a token are dropped)."""
    out = []
    for term, is_prefix in zip(terms, prefix, strict=True):
        found = tuple(tokens(term))
        if found:
            out.append(Phrase(found, is_prefix))
    return out


class Snippets:
    """Makes the snippets of one query's results."""

    def __init__(self, query: Sequence[Phrase], start: str, end: str) -> None:
        self.query = list(query)
        self.start, self.end = start, end
        self._fast = self._patterns()

    def _patterns(self) -> list[re.Pattern[str]] | None:
        """A literal pattern per term over lower-cased text; None when a term is not ASCII.

        One pattern per term: Python's ``re`` finds a literal fast, an
        alternation or ``IGNORECASE`` several times slower.
        """
        if not self.query or not all(t.isascii() for p in self.query for t in p.tokens):
            return None
        return [
            re.compile(
                r"[\W_]+".join(re.escape(t) for t in p.tokens)
                + (r"[^\W_]*" if p.prefix else r"(?![^\W_])")
            )
            for p in self.query
        ]

    def contains(self, columns: Sequence[str | None]) -> bool | None:
        """True when every term is in one of *columns*, as the index would find it.

        None when unsure: a term or a column holds a letter or digit outside
        ASCII, where the tokenizer's own folding tables decide.
        """
        if self._fast is None:
            return None
        lows = []
        for text in columns:
            if text:
                if not text.isascii() and any(map(_token_char, set(_NON_ASCII.findall(text)))):
                    return None
                lows.append(text.lower())
        return all(
            any(self._find(pattern, low, 0, len(low)) is not None for low in lows)
            for pattern in self._fast
        )

    def make(self, columns: Sequence[str | None], prefix: str = "") -> str | None:
        """The snippet of the best of *columns*, or None when no term is found in them."""
        texts = [text for text in columns if text]
        for find in (self._fast_column, self._slow_column):
            best: tuple[int, str] | None = None
            for text in texts:
                found = find(text)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
            if best is not None:
                return prefix + best[1]
        return None

    # -- the fast path: ASCII terms, patterns over the lower-cased text ------------------

    def _find(self, pattern: re.Pattern[str], low: str, start: int, stop: int) -> Span | None:
        """The first match of *pattern* in ``low[start:stop]`` that begins a word."""
        while (match := pattern.search(low, start, stop)) is not None:
            at = match.start()
            if at == 0 or not _TOKEN.match(low, at - 1):
                return at, match.end()
            start = at + 1
        return None

    def _fast_column(self, text: str) -> tuple[int, str] | None:
        if self._fast is None:
            return None
        low = text.lower()
        if len(low) != len(text):
            return None  # lower() moved the offsets: the slow path decides
        first = len(low)
        for pattern in self._fast:
            found = self._find(pattern, low, 0, first)
            if found is not None:
                first = found[0]
        if first == len(low):
            return None
        lo, hi, at_start, at_end = self._bounds(text, first)
        marks: list[Span] = []
        seen = 0
        for pattern in self._fast:
            at, hit = lo, False
            while (span := self._find(pattern, low, at, hi)) is not None:
                marks.append(span)
                at, hit = span[1], True
            seen += hit
        return 1000 * seen + len(marks), self._render(text, lo, hi, marks, at_start, at_end)

    def _bounds(self, text: str, first: int) -> tuple[int, int, bool, bool]:
        """The window around the match at *first*: ``(start, end, at column start, at end)``.

        :data:`BACK` tokens before the match (more near the column's end, as
        FTS5 does), :data:`WINDOW` in all.  The usual case, a match with
        enough words on both sides, takes two regex calls.
        """
        lo = max(0, first - _LOOKBACK * BACK)
        back = _EXACTLY[BACK].match(text[lo:first][::-1])
        if back is not None and back.end() < first - lo:
            after = _EXACTLY[WINDOW - BACK].match(text, first)
            if after is not None:
                start, end = first - back.end(), after.end()
                return start, end, False, _TOKEN.search(text, end) is None
        return self._bounds_near_edge(text, first)

    def _bounds_near_edge(self, text: str, first: int) -> tuple[int, int, bool, bool]:
        """:meth:`_bounds` near either end of the column (or among very long words)."""
        ahead = _TOKENS[WINDOW].match(text, first)
        n_ahead = len(_TOKEN.findall(text, first, ahead.end())) if ahead else 0
        want = max(BACK, WINDOW - n_ahead)
        lo = max(0, first - _LOOKBACK * want)
        back = _TOKENS[want].match(text[lo:first][::-1])
        start = first - back.end() if back else first
        if start == lo and lo > 0 and _TOKEN.match(text, lo - 1):
            # The reversed slice began in the middle of a word: drop that piece.
            start = _TOKEN.match(text, lo).end()  # type: ignore[union-attr]
            start = next_token.start() if (next_token := _TOKEN.search(text, start)) else first
            start = min(start, first)
        n_before = len(_TOKEN.findall(text, start, first))
        after = _TOKENS[WINDOW - n_before].match(text, first) if n_before < WINDOW else None
        end = after.end() if after else first
        return start, end, _TOKEN.search(text, 0, start) is None, _TOKEN.search(text, end) is None

    # -- the slow path: every token folded ------------------------------------------------

    def _slow_column(self, text: str) -> tuple[int, str] | None:
        spans = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
        words = [fold(text[s:e]) for s, e in spans]
        first = next(
            (i for i in range(len(words)) if any(p.at(words, i) for p in self.query)), None
        )
        if first is None:
            return None
        n_after = min(len(words) - first, WINDOW - min((WINDOW - 1) // 2, first))
        lo = max(0, first - (WINDOW - n_after))
        hi = first + n_after
        marks: list[Span] = []
        seen: set[int] = set()
        i = lo
        while i < hi:
            hit = next((k for k, p in enumerate(self.query) if p.at(words, i)), None)
            n = len(self.query[hit].tokens) if hit is not None else 0
            if hit is None or i + n > hi:
                i += 1
                continue
            seen.add(hit)
            marks.append((spans[i][0], spans[i + n - 1][1]))
            i += n
        score = 1000 * len(seen) + len(marks)
        return score, self._render(
            text, spans[lo][0], spans[hi - 1][1], marks, lo == 0, hi == len(words)
        )

    def _render(
        self, text: str, lo: int, hi: int, marks: list[Span], at_start: bool, at_end: bool
    ) -> str:
        """``text[lo:hi]`` with the marks, and an ellipsis where the column goes on."""
        out = [] if at_start else [ELLIPSIS]
        at = lo
        for s, e in sorted(marks):
            if s < at:
                continue
            out += [text[at:s], self.start, text[s:e], self.end]
            at = e
        out.append(text[at:hi])
        if not at_end:
            out.append(ELLIPSIS)
        return "".join(out)
