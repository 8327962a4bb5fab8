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
from itertools import islice

__all__ = ["Phrase", "Snippets", "fold", "phrases", "tokens", "WINDOW", "ELLIPSIS"]

WINDOW = 12
"""Tokens in a snippet (the ``12`` given to FTS5's ``snippet()``)."""
ELLIPSIS = "…"
_TOKEN = re.compile(r"[^\W_]+")
_LOOKBACK = 100
"""Characters read back for the tokens shown before a match."""

Span = tuple[int, int]


def fold(token: str) -> str:
    """*token* as the index stores it: lower case, diacritics removed."""
    low = token.lower()
    if low.isascii():
        return low
    return "".join(c for c in unicodedata.normalize("NFD", low) if not unicodedata.combining(c))


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
        """The window around the match at *first*: ``(start, end, at column start, at end)``."""
        lo = max(0, first - _LOOKBACK)
        starts = [m.start() for m in _TOKEN.finditer(text, lo, first)]
        if lo > 0 and starts and starts[0] == lo and _TOKEN.match(text, lo - 1):
            del starts[0]  # cut in the middle of a word
        ends = [m.end() for m in islice(_TOKEN.finditer(text, first), WINDOW)]
        n_after = min(len(ends), WINDOW - min((WINDOW - 1) // 2, len(starts)))
        n_before = min(len(starts), WINDOW - n_after)
        start = starts[len(starts) - n_before] if n_before else first
        end = ends[n_after - 1] if n_after else first
        at_end = n_after == len(ends) and (len(ends) < WINDOW or _TOKEN.search(text, end) is None)
        return start, end, lo == 0 and n_before == len(starts), at_end

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
