"""Reading input files safely and finding their format from their content.

Limits: regular files only (no FIFOs or devices), at most :data:`MAX_FILE_BYTES`,
not empty, not binary.  Text is decoded as UTF-8 with replacement characters for
invalid bytes (a BOM is honoured), never rejected for bad encoding.
"""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from tuireader.importers.formats import ParsedInput
from tuireader.importers.model import ImportError_, ParsedArticle

__all__ = [
    "MAX_FILE_BYTES",
    "read_input",
    "decode_text",
    "detect_format",
    "parse_bytes",
    "parse_input",
    "ParsedInput",
    "iter_input_files",
    "register_format",
]

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest file ``import`` reads (20 MB)."""

_SKIP_NAMES = {".DS_Store", "Thumbs.db", "README.md"}

Parser = Callable[[bytes, str], list[ParsedArticle] | ParsedInput]
Sniffer = Callable[[bytes, str], bool]
_FORMATS: list[tuple[str, Sniffer, Parser]] = []


def register_format(name: str, sniff: Sniffer, parse: Parser) -> None:
    """Add an importer: *sniff* recognises its content, *parse* reads it.

    Formats are tried in the order they were registered; the text dump is the
    fallback when none matches.
    """
    _FORMATS.append((name, sniff, parse))


def read_input(path: Path) -> bytes:
    """Read *path* within the limits; raise :class:`ImportError_` with the reason."""
    try:
        st = path.stat()
    except FileNotFoundError as exc:
        raise ImportError_("no such file") from exc
    except OSError as exc:
        raise ImportError_(f"cannot read: {exc.strerror}") from exc
    if not stat.S_ISREG(st.st_mode):
        raise ImportError_("not a regular file (a device, FIFO or socket)")
    if st.st_size == 0:
        raise ImportError_("empty file")
    if st.st_size > MAX_FILE_BYTES:
        raise ImportError_(
            f"too large: {st.st_size / 1e6:.1f} MB (the limit is {MAX_FILE_BYTES // 2**20} MB)"
        )
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportError_(f"cannot read: {exc.strerror}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ImportError_(f"too large (the limit is {MAX_FILE_BYTES // 2**20} MB)")
    if not data.strip():
        raise ImportError_("empty file")
    return data


_TEXT_CONTROLS = set(range(0, 32)) - {9, 10, 12, 13}


def looks_binary(data: bytes) -> bool:
    """True for content that is not text: NUL bytes, known magic, or many control bytes."""
    head = data[:8192]
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if head.startswith(
        (b"\x89PNG", b"GIF8", b"%PDF", b"\x7fELF", b"\x1f\x8b", b"BZh", b"\xff\xd8")
    ):
        return True
    controls = sum(1 for b in head if b in _TEXT_CONTROLS)
    return controls > max(8, len(head) // 20)


def decode_text(data: bytes) -> str:
    """Decode text input: a UTF BOM if present, else UTF-8 with replacement characters."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def detect_format(data: bytes, name: str = "") -> str:
    """The name of the format of *data* (``"textdump"`` when nothing else matches)."""
    for fmt, sniff, _parse in _FORMATS:
        if sniff(data, name):
            return fmt
    return "textdump"


def _parse_textdump(data: bytes, name: str) -> list[ParsedArticle]:
    from tuireader.importers.textdump import parse_textdump

    return [parse_textdump(decode_text(data), name=Path(name).stem if name else None)]


def parse_input(data: bytes, name: str = "") -> ParsedInput:
    """Parse input of any supported format: its articles, feeds and warnings."""
    fmt = detect_format(data, name)
    if fmt == "textdump":
        if looks_binary(data):
            raise ImportError_("a binary file, not text or a known format")
        return ParsedInput(articles=_parse_textdump(data, name), format=fmt)
    for known, _sniff, parse in _FORMATS:
        if known == fmt:
            result = parse(data, name)
            if isinstance(result, ParsedInput):
                result.format = result.format or fmt
                return result
            return ParsedInput(articles=list(result), format=fmt)
    raise AssertionError(fmt)  # pragma: no cover


def parse_bytes(data: bytes, name: str = "") -> list[ParsedArticle]:
    """Parse input of any supported format into articles."""
    return parse_input(data, name).articles


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders (recursively, sorted) into the files they hold."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and not child.name.startswith(".")
                    and (child.name not in _SKIP_NAMES)
                ):
                    yield child
        else:
            yield path


def _register_builtin() -> None:
    from tuireader.importers import bundle
    from tuireader.importers.formats import parse_bundle_input, register_builtin_formats

    register_format("bundle", lambda data, _name: bundle.is_bundle(data), parse_bundle_input)

    register_builtin_formats(register_format)


_register_builtin()
