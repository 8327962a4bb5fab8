"""A forgiving CSV reader for service exports, which reports bad rows by line.

Python's :mod:`csv` is used record by record over the physical lines of the
file.  A record that fails (a csv error, a field too large, or the caller's
check) and spans several lines — the mark of an unterminated quote — is
reported at its first line and reading starts again on the next line, so one
stray quote does not swallow the rest of the file.  Work is bounded: a record
may span at most :data:`MAX_RECORD_CHARS` characters, a field at most
:data:`MAX_FIELD_CHARS`, and after :data:`MAX_ERRORS` bad rows the file is
refused.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from tuireader.importers.common import check_size, decode_text
from tuireader.importers.model import ImportError_
from tuireader.importers.services import MAX_ROWS, RowError

__all__ = ["MAX_CSV_BYTES", "MAX_FIELD_CHARS", "read_csv"]

MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_FIELD_CHARS = 65_536
MAX_RECORD_CHARS = 262_144
MAX_ERRORS = 1_000

Check = Callable[[list[str]], str | None]
"""Given a record's fields, return why it is unusable, or ``None``."""
MakeCheck = Callable[[list[str]], Check]
"""Given the header (lower-cased), return the row check; may raise :class:`ImportError_`."""


class _Lines:
    """Physical lines handed to :mod:`csv`, with a cap on the size of one record."""

    def __init__(self, lines: list[str], start: int) -> None:
        self.lines = lines
        self.pos = start
        self.record_start = start
        self.record_chars = 0

    def begin(self) -> None:
        self.record_start = self.pos
        self.record_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.pos >= len(self.lines) or self.record_chars > MAX_RECORD_CHARS:
            raise StopIteration
        line = self.lines[self.pos]
        self.pos += 1
        self.record_chars += len(line)
        return line


def read_csv(
    data: bytes, what: str, make_check: MakeCheck
) -> tuple[list[str], list[tuple[int, list[str]]], list[RowError]]:
    """Read a CSV export: ``(header, [(line, fields)...], errors)``.

    *header* is the first record, stripped and lower-cased; ``make_check(header)``
    gives the check that decides which later records are unusable.  Raises
    :class:`ImportError_` for an empty file, a file without a header or one
    with too many bad rows.
    """
    text = decode_text(check_size(data, MAX_CSV_BYTES, what))
    lines = list(io.StringIO(text, newline=""))
    source = _Lines(lines, 0)
    reader = csv.reader(source, strict=True)
    header: list[str] | None = None
    check: Check = _no_check
    rows: list[tuple[int, list[str]]] = []
    errors: list[RowError] = []
    while source.pos < len(lines):
        source.begin()
        start = source.pos
        problem: str | None
        try:
            fields = next(reader)
        except StopIteration:
            if source.pos == start:
                break
            fields, problem = [], "unterminated quote or a record that is too large"
        except csv.Error as exc:
            fields, problem = [], f"malformed CSV: {exc}"
        else:
            if not any(f.strip() for f in fields):
                continue  # a blank line
            problem = _too_large(fields)
        if header is None:
            if problem:
                raise ImportError_(f"the {what} has no readable header line")
            header = [f.strip().lstrip("\ufeff").lower() for f in fields]
            check = make_check(header)
            continue
        # A csv-level failure or a wrong field count may come from a stray quote.
        structural = problem is not None or len(fields) != len(header)
        if problem is None:
            problem = check(fields)
        if problem is None:
            rows.append((start + 1, fields))
            if len(rows) >= MAX_ROWS and source.pos < len(lines):
                errors.append(
                    RowError(source.pos + 1, f"more than {MAX_ROWS:,} rows; the rest was skipped")
                )
                break
            continue
        errors.append(RowError(start + 1, problem))
        if len(errors) > MAX_ERRORS:
            raise ImportError_(f"the {what} has more than {MAX_ERRORS:,} malformed rows")
        if structural and source.pos - start > 1:
            # Maybe an unterminated quote swallowed the next lines: read them again.
            source.pos = start + 1
            reader = csv.reader(source, strict=True)
        elif source.pos == start:
            source.pos += 1
    if header is None:
        raise ImportError_(f"the {what} has no header line")
    return header, rows, errors


def _no_check(fields: list[str]) -> str | None:
    return None


def _too_large(fields: list[str]) -> str | None:
    for field in fields:
        if len(field) > MAX_FIELD_CHARS:
            return f"a field is too large ({len(field):,} characters)"
    return None


def column(header: list[str], *names: str) -> int | None:
    """The index of the first of *names* found in *header* (lower-case names)."""
    for name in names:
        if name in header:
            return header.index(name)
    return None


def cell(fields: list[str], index: int | None) -> str:
    """The field at *index*, or ``""`` when the column is missing or the row is short."""
    if index is None or index >= len(fields):
        return ""
    return fields[index]
