"""Text helpers shared by every importer and every widget.

Everything the reader shows comes from strangers.  :func:`safe_text` is the one
function that makes such text inert for a terminal: it removes the characters a
terminal would act on (C0 controls except tab and newline, DEL, C1 controls) and
the bidirectional overrides and isolates that can disguise text, normalises
newlines, and keeps everything else — markup brackets included, because the
widgets never parse untrusted text as markup.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["safe_text", "safe_line", "collapse_ws", "word_count", "UNSAFE_CHARS"]

# C0 except TAB (0x09) and LF (0x0A); CR is handled by newline normalisation.
_C0 = "".join(chr(c) for c in range(0x00, 0x20) if c not in (0x09, 0x0A, 0x0D))
_DEL_C1 = "".join(chr(c) for c in range(0x7F, 0xA0))
_BIDI = "".join(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
UNSAFE_CHARS = frozenset(_C0 + _DEL_C1 + _BIDI)
"""Every character :func:`safe_text` removes (CR aside, which it turns into LF)."""

_DROP = str.maketrans(dict.fromkeys(UNSAFE_CHARS))
_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x85]")
# Anything safe_text would change: most text has none, and is returned as it is.
_CHANGED = re.compile(
    "[" + re.escape("".join(sorted(UNSAFE_CHARS | {"\r", "\u2028", "\u2029"}))) + "]"
)
# The ASCII bytes safe_text changes (C0 but TAB and LF, CR, DEL): for ASCII text a
# bytes.translate that deletes them is several times faster than the regex scan.
_ASCII_CHANGED = bytes(c for c in range(0x80) if chr(c) in UNSAFE_CHARS or c == 0x0D)


def safe_text(value: object | None) -> str:
    """Return *value* as text that is safe to store and to show in a terminal.

    - ``None`` becomes ``""``; other non-strings are converted with ``str``.
    - CRLF, lone CR, NEL, U+2028 and U+2029 become ``\\n``.
    - C0 controls other than tab and newline, DEL, C1 controls (U+0080–U+009F)
      and bidi overrides/isolates (U+202A–U+202E, U+2066–U+2069) are dropped.
    - Everything else, including ``[``, ``]``, zero-width and combining
      characters, is kept unchanged.
    """
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if text.isascii():  # O(1) in CPython: a flag of the string
        raw = text.encode("ascii")
        if len(raw.translate(None, _ASCII_CHANGED)) == len(raw):
            return text
    elif _CHANGED.search(text) is None:
        return text
    text = _NEWLINES.sub("\n", text)
    return text.translate(_DROP)


def safe_line(value: object | None) -> str:
    """Like :func:`safe_text`, for one-line fields: whitespace runs become one space."""
    return collapse_ws(safe_text(value))


def collapse_ws(text: str) -> str:
    """Collapse every run of whitespace (non-breaking spaces included) to one space."""
    return " ".join(text.split())


_WORD = re.compile(r"\w+", re.UNICODE)
# For ASCII text, every byte that is not a word character (``\w``) becomes a space:
# splitting the result counts the words several times faster than the regex.
_ASCII_NON_WORD = bytes(
    c if (chr(c).isalnum() or c == 0x5F) and c < 0x80 else 0x20 for c in range(256)
)


def word_count(text: str) -> int:
    """Count words; CJK ideographs count one word each, as readers do."""
    if text.isascii():
        return len(text.encode("ascii").translate(_ASCII_NON_WORD).split())
    count = 0
    for match in _WORD.finditer(text):
        token = match.group()
        if token.isascii():
            count += 1
            continue
        cjk = sum(1 for ch in token if unicodedata.east_asian_width(ch) == "W")
        count += cjk + (1 if cjk < len(token) else 0)
    return count
