"""Anchoring highlights in an article's plain text, and finding them again.

A highlight is stored as two W3C Web Annotation selectors: the TextQuote
selector (the quoted text ``exact`` with some context before it, ``prefix``,
and after it, ``suffix``) and the TextPosition selector (``start``/``end`` in
code points of the article's plain text).

When an article is re-imported or re-extracted its text may change.
:func:`reanchor` finds the passage again, in this order:

1. **kept** — the old position still holds the quote (and its context agrees);
2. **exact** — the quote occurs in the new text (differences in whitespace are
   ignored); among several occurrences the one whose context matches best,
   nearest the old position, wins;
3. **fuzzy** — a passage close to the quote (small edits inside it) is found
   with :class:`difflib.SequenceMatcher`, near the stored context or the
   longest pieces of the quote that still occur; it is accepted when its
   similarity ratio reaches :data:`FUZZY_THRESHOLD`, and the stored quote
   becomes the new text of the passage;
4. **orphaned** — nothing fits: the caller keeps the note and its old quote.

Everything here is pure: no database, no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate
from typing import Any, Literal

__all__ = [
    "CONTEXT_CHARS",
    "FUZZY_THRESHOLD",
    "TextAnchor",
    "Reanchored",
    "TextIndex",
    "make_anchor",
    "reanchor",
]

CONTEXT_CHARS = 32
"""How much context (prefix and suffix) a TextQuote selector keeps."""

FUZZY_THRESHOLD = 0.75
"""The least similarity ratio a changed passage needs to take over a highlight."""

CONTEXT_FUZZY_THRESHOLD = 0.6
"""The least ratio when the passage sits between its old prefix and suffix."""

MIN_FUZZY_CHARS = 12
"""Shorter quotes are only found exactly (a fuzzy match of a few letters means nothing)."""

MAX_FUZZY_CHARS = 20_000
"""Longer quotes are only found exactly (fuzzy matching them would be too slow)."""

_MAX_OCCURRENCES = 2_000
_WS = re.compile(r"\s+")

Status = Literal["kept", "exact", "fuzzy", "orphaned"]


@dataclass(frozen=True, slots=True)
class TextAnchor:
    """A passage of a text: the W3C TextQuote and TextPosition selectors together."""

    exact: str
    prefix: str
    suffix: str
    start: int
    end: int

    def selectors(self) -> list[dict[str, Any]]:
        """The two selectors as W3C Web Annotation JSON."""
        return [
            {
                "type": "TextQuoteSelector",
                "exact": self.exact,
                "prefix": self.prefix,
                "suffix": self.suffix,
            },
            {"type": "TextPositionSelector", "start": self.start, "end": self.end},
        ]


@dataclass(frozen=True, slots=True)
class Reanchored:
    """The outcome of :func:`reanchor`: where the passage is now, or ``None`` (orphaned)."""

    status: Status
    anchor: TextAnchor | None
    ratio: float = 1.0
    """How similar the passage found is to the old quote (1.0 for an exact match)."""

    @property
    def orphaned(self) -> bool:
        """True when the passage was not found."""
        return self.anchor is None


def make_anchor(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS) -> TextAnchor:
    """The selectors for ``text[start:end]``; raise :class:`ValueError` for an empty or bad span."""
    if not 0 <= start < end <= len(text):
        raise ValueError(f"bad span {start}..{end} in a text of {len(text)} characters")
    return TextAnchor(
        exact=text[start:end],
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
        start=start,
        end=end,
    )


def _fold(text: str) -> str:
    """Whitespace runs become one space (how quotes and context are compared)."""
    return _WS.sub(" ", text)


def _similar(a: str, b: str) -> float:
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


@dataclass(frozen=True, slots=True)
class _Candidate:
    start: int
    end: int
    ratio: float
    context: float
    score: float


class TextIndex:
    """A text prepared for re-anchoring many highlights against it.

    The text is folded (each whitespace run becomes one space) with a map back
    to the original positions, so a passage re-wrapped by a new extractor is
    still an exact match.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = _WS.sub(" ", text)
        spans = [m.span() for m in _WS.finditer(text)]
        self._run_starts = [s for s, _ in spans]
        self._run_ends = [e for _, e in spans]
        # _removed[k]: characters folding removed before the k-th whitespace run.
        self._removed = [0, *accumulate(e - s - 1 for s, e in spans)]
        self._fstarts = [s - self._removed[k] for k, (s, _) in enumerate(spans)]

    # -- coordinates -----------------------------------------------------------------------

    def _orig(self, fpos: int) -> int:
        """The original position of folded position *fpos*."""
        return fpos + self._removed[bisect.bisect_left(self._fstarts, fpos)]

    def to_original(self, fstart: int, fend: int) -> tuple[int, int]:
        """A folded span as a span of the original text."""
        last = fend - 1
        k = bisect.bisect_left(self._fstarts, last)
        if k < len(self._fstarts) and self._fstarts[k] == last:
            end = self._run_ends[k]  # the span ends on a folded whitespace run
        else:
            end = last + self._removed[k] + 1
        return self._orig(fstart), end

    def to_folded(self, pos: int) -> int:
        """The folded position of original position *pos* (a run's space inside a run)."""
        k = bisect.bisect_right(self._run_starts, pos)
        if k and pos < self._run_ends[k - 1]:
            return self._fstarts[k - 1]
        return pos - self._removed[k]

    # -- scoring -----------------------------------------------------------------------------

    def _before(self, prefix: str, at: int) -> float:
        """How well *prefix* matches the text before *at* ("" means: the text starts there)."""
        if not prefix:
            return 1.0 if at == 0 else 0.0
        return _similar(prefix, self.folded[max(0, at - len(prefix)) : at])

    def _after(self, suffix: str, at: int) -> float:
        """How well *suffix* matches the text from *at* ("" means: the text ends there)."""
        if not suffix:
            return 1.0 if at == len(self.folded) else 0.0
        return _similar(suffix, self.folded[at : at + len(suffix)])

    def _context(self, fstart: int, fend: int, prefix: str | None, suffix: str | None) -> float:
        """How well the stored context matches around a folded span (0..1; None is unknown)."""
        scores = []
        if prefix is not None:
            scores.append(self._before(prefix, fstart))
        if suffix is not None:
            scores.append(self._after(suffix, fend))
        return sum(scores) / len(scores) if scores else 0.5

    def _nearness(self, fstart: int, hint: int | None) -> float:
        if hint is None or not self.folded:
            return 0.0
        return abs(fstart - hint) / len(self.folded)

    # -- re-anchoring ----------------------------------------------------------------------

    def reanchor(
        self,
        exact: str,
        *,
        prefix: str | None = None,
        suffix: str | None = None,
        start: int | None = None,
        end: int | None = None,
    ) -> Reanchored:
        """Find the passage *exact* (with its old context and position) in this text.

        A context of ``None`` is unknown; an empty one means the passage was at
        the very start (prefix) or end (suffix) of the old text.
        """
        if not exact.strip():
            return Reanchored("orphaned", None, 0.0)
        fquote = _fold(exact)
        fprefix = None if prefix is None else _fold(prefix)
        fsuffix = None if suffix is None else _fold(suffix)
        hint = self.to_folded(start) if start is not None else None
        text = self.text
        if (
            start is not None
            and end is not None
            and 0 <= start < end <= len(text)
            and text[start:end] == exact
        ):
            fs, fe = hint or 0, self.to_folded(end - 1) + 1
            if self._context(fs, fe, fprefix, fsuffix) >= 0.75 or not (prefix or suffix):
                return Reanchored("kept", make_anchor(text, start, end))
        found = self._exact(fquote, fprefix, fsuffix, hint)
        if found is not None:
            s, e = self.to_original(found.start, found.end)
            return Reanchored("exact", make_anchor(text, s, e))
        if MIN_FUZZY_CHARS <= len(fquote) <= MAX_FUZZY_CHARS:
            fuzzy = self._fuzzy(fquote, fprefix, fsuffix, hint)
            if fuzzy is not None:
                s, e = self.to_original(fuzzy.start, fuzzy.end)
                return Reanchored("fuzzy", make_anchor(text, s, e), fuzzy.ratio)
        return Reanchored("orphaned", None, 0.0)

    def _occurrences(self, needle: str, limit: int = _MAX_OCCURRENCES) -> list[int]:
        found: list[int] = []
        i = self.folded.find(needle)
        while i != -1 and len(found) < limit:
            found.append(i)
            i = self.folded.find(needle, i + 1)
        return found

    def _exact(
        self,
        fquote: str,
        fprefix: str | None,
        fsuffix: str | None,
        hint: int | None,
    ) -> _Candidate | None:
        best: _Candidate | None = None
        for pos in self._occurrences(fquote):
            ctx = self._context(pos, pos + len(fquote), fprefix, fsuffix)
            score = ctx - 0.1 * self._nearness(pos, hint)
            if best is None or score > best.score:
                best = _Candidate(pos, pos + len(fquote), 1.0, ctx, score)
        return best

    def _fuzzy(
        self, fquote: str, fprefix: str | None, fsuffix: str | None, hint: int | None
    ) -> _Candidate | None:
        n = len(fquote)
        starts = self._starts_from_context(fprefix, fsuffix, n) + self._starts_from_seeds(fquote)
        best: _Candidate | None = None
        tried: set[tuple[int, int]] = set()
        for approx in starts:
            span = self._refine(fquote, approx, fprefix, fsuffix)
            if span is None or span in tried:
                continue
            tried.add(span)
            s, e = span
            ratio = _similar(fquote, self.folded[s:e])
            ctx = self._context(s, e, fprefix, fsuffix)
            enough = ratio >= FUZZY_THRESHOLD or (
                ratio >= CONTEXT_FUZZY_THRESHOLD and ctx >= 0.8 and bool(fprefix) and bool(fsuffix)
            )
            if not enough:
                continue
            score = ratio + 0.2 * ctx - 0.1 * self._nearness(s, hint)
            if best is None or score > best.score:
                best = _Candidate(s, e, ratio, ctx, score)
        return best

    def _starts_from_context(self, fprefix: str | None, fsuffix: str | None, n: int) -> list[int]:
        """Where the passage would start if its old prefix (or suffix) is still there."""
        starts: list[int] = []
        tail = (fprefix or "")[-16:]
        if len(tail.strip()) >= 6:
            starts += [p + len(tail) for p in self._occurrences(tail, 20)]
        head = (fsuffix or "")[:16]
        if len(head.strip()) >= 6:
            starts += [max(0, p - n) for p in self._occurrences(head, 20)]
        return starts

    def _starts_from_seeds(self, fquote: str, best: int = 4) -> list[int]:
        """Likely starts voted for by pieces of the quote that occur unchanged."""
        n = len(fquote)
        k = max(5, min(24, n // 6))
        votes: Counter[int] = Counter()
        for offset in range(0, n - k + 1, k):
            piece = fquote[offset : offset + k]
            if not piece.strip():
                continue
            for pos in self._occurrences(piece, 50):
                votes[(pos - offset) // k] += 1
        return [bucket * k for bucket, _ in votes.most_common(best)]

    def _refine(
        self, fquote: str, approx: int, fprefix: str | None, fsuffix: str | None
    ) -> tuple[int, int] | None:
        """The span of the folded text around *approx* that best lines up with the quote."""
        n = len(fquote)
        slack = n // 3 + 8
        lo = max(0, approx - slack)
        hi = min(len(self.folded), approx + n + slack)
        window = self.folded[lo:hi]
        matcher = SequenceMatcher(None, window, fquote, autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
        if not blocks:
            return None
        first, last = blocks[0], blocks[-1]
        s = max(lo, first.a + lo - first.b)
        e = min(hi, last.a + last.size + lo + (n - last.b - last.size))
        # The matcher's alignment is only a guess near the edges: try the word
        # boundaries around it and where the old context ends (or starts), judged
        # by likeness to the quote's edges and to the old context.
        before = None if fprefix is None else fprefix[-16:]
        after = None if fsuffix is None else fsuffix[:16]
        mid_start = before is not None and before[-1:].isalnum() and fquote[0].isalnum()
        mid_end = after is not None and after[:1].isalnum() and fquote[-1].isalnum()
        reach = min(24, max(4, n // 4))
        starts = range(max(lo, s - reach), min(e, s + reach + 1))
        options = [p for p in starts if self._word_start(p) or (mid_start and p == s)]
        options += [self._trim(p, fquote, True) for p in self._context_bounds(before, lo, hi, True)]
        s = self._best_bound(fquote, options, s, before, True)
        ends = range(max(s + 1, e - reach), min(hi, e + reach) + 1)
        options = [q for q in ends if self._word_end(q) or (mid_end and q == e)]
        bounds = self._context_bounds(after, lo, hi, False)
        options += [q for q in (self._trim(q, fquote, False) for q in bounds) if q > s]
        e = self._best_bound(fquote, options, e, after, False)
        return (s, e) if s < e else None

    def _context_bounds(self, context: str | None, lo: int, hi: int, is_start: bool) -> list[int]:
        """Where *context* (the prefix's tail or the suffix's head) ends or starts in lo..hi."""
        f = self.folded
        if context is None:
            return []
        if not context:  # the passage touched the start or the end of the old text
            edge = 0 if is_start else len(f)
            return [edge] if lo <= edge <= hi else []
        found: list[int] = []
        i = f.find(context, max(0, lo - len(context)), hi + len(context))
        while i != -1 and len(found) < 8:
            found.append(i + len(context) if is_start else i)
            i = f.find(context, i + 1, hi + len(context))
        return found

    def _trim(self, p: int, fquote: str, is_start: bool) -> int:
        """Move a bound off the space next to it, unless the quote has that space too."""
        f = self.folded
        if is_start and not fquote.startswith(" "):
            while p < len(f) and f[p] == " ":
                p += 1
        elif not is_start and not fquote.endswith(" "):
            while p > 0 and f[p - 1] == " ":
                p -= 1
        return p

    def _word_start(self, p: int) -> bool:
        f = self.folded
        return p < len(f) and f[p] != " " and (p == 0 or not f[p - 1].isalnum())

    def _word_end(self, q: int) -> bool:
        f = self.folded
        return q > 0 and f[q - 1] != " " and (q == len(f) or not f[q].isalnum())

    def _best_bound(
        self, fquote: str, options: list[int], default: int, context: str | None, is_start: bool
    ) -> int:
        """The start (or end) among *options* where the text best fits the quote's edge.

        The quote's first (or last) few dozen characters are compared with the
        text from (or up to) each option, and the old context next to it counts
        too, so a bound lands where the old context ends.  (An empty context,
        the old text's edge, only adds a candidate: text may have been put there.)
        """
        f = self.folded
        k = min(len(fquote), 40)
        best, best_key = default, (-1.0, 0)
        for p in options or [default]:
            if is_start:
                score = _similar(fquote[:k], f[p : p + k])
                if context:
                    score += 0.5 * self._before(context, p)
            else:
                score = _similar(fquote[-k:], f[max(0, p - k) : p])
                if context:
                    score += 0.5 * self._after(context, p)
            # On a tie, the shorter span: it takes in less that was not quoted.
            key = (round(score, 9), p if is_start else -p)
            if key > best_key:
                best, best_key = p, key
        return best


def reanchor(
    text: str,
    exact: str,
    *,
    prefix: str | None = None,
    suffix: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> Reanchored:
    """Find a highlighted passage in *text* (see the module's docstring for the order)."""
    return TextIndex(text).reanchor(exact, prefix=prefix, suffix=suffix, start=start, end=end)
