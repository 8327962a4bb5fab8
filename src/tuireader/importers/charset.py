"""Find the character encoding of a web page and sniff binary data.

The order follows the WHATWG encoding rules in spirit: a byte order mark wins,
then the charset of the ``Content-Type`` header, then a ``<meta>`` or XML
declaration in the first few kilobytes, then valid UTF-8, then a statistical
guess (``charset_normalizer``, which trafilatura already depends on), then
windows-1252.  ``latin-1``, ``iso-8859-1`` and ``ascii`` labels are read as
windows-1252, as browsers do; ``utf-7`` labels are ignored.
"""

from __future__ import annotations

import codecs
import re

__all__ = [
    "bom_charset",
    "declared_charset",
    "decode_bytes",
    "detect_charset",
    "normalize_charset",
    "sniff_binary",
]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WINDOWS_1252_ALIASES = {"latin_1", "iso8859_1", "ascii", "cp1252"}
_REFUSED = {"utf_7"}
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]{0,512}?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]{1,40})""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([A-Za-z0-9._:-]{1,40})""")

# Leading bytes of common binary formats, with a name for the error message.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
    (b"BZh", "bzip2 data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"\x00asm", "WebAssembly"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"wOFF", "font"),
    (b"wOF2", "font"),
    (b"\x28\xb5\x2f\xfd", "zstd data"),
)
_SNIFF_BYTES = 1024
# C0 controls that text does not use (tab, newline, form feed, carriage return and
# escape are left out of the count).
_CONTROL_BYTES = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
_CONTROL_CHARS = frozenset(_CONTROL_BYTES.decode("ascii"))


def normalize_charset(label: str | bytes | None) -> str | None:
    """Return the Python codec name for *label*, or ``None`` when it is unknown or refused."""
    if label is None:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    if not label:
        return None
    try:
        name = codecs.lookup(label).name.replace("-", "_")
    except LookupError:
        return None
    if name in _REFUSED:
        return None
    if name in _WINDOWS_1252_ALIASES:
        return "cp1252"
    return codecs.lookup(name).name


def bom_charset(data: bytes) -> str | None:
    """Return the encoding named by a byte order mark at the start of *data*."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return None


def declared_charset(data: bytes) -> str | None:
    """Return the charset declared by a ``<meta>`` tag or an XML declaration near the start."""
    head = data[:_PRESCAN_BYTES]
    for pattern in (_XML_DECL, _META_CHARSET):
        match = pattern.search(head)
        if match:
            name = normalize_charset(match.group(1))
            if name and name.startswith("utf-16"):
                # A document whose bytes we can read ASCII-wise is not UTF-16.
                return "utf-8"
            if name:
                return name
    return None


def _guess(data: bytes) -> str:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a dependency of trafilatura
        return "cp1252"
    best = from_bytes(data[:65536]).best()
    name = normalize_charset(best.encoding) if best is not None else None
    return name or "cp1252"


def detect_charset(data: bytes, header_charset: str | None = None) -> str:
    """Return the codec to decode *data* with; never fails (falls back to windows-1252)."""
    found = bom_charset(data) or normalize_charset(header_charset) or declared_charset(data)
    if found:
        return found
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return _guess(data)
    return "utf-8"


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Decode *data* with *charset* (detected when ``None``), replacing invalid bytes."""
    name = normalize_charset(charset) or detect_charset(data)
    bom = bom_charset(data)
    if bom:
        data = data[len(codecs.BOM_UTF8) if bom == "utf-8" else 2 :]
    return data.decode(name, errors="replace")


def sniff_binary(data: bytes | str) -> str | None:
    """Name the binary format *data* starts with, or ``None`` when it looks like text.

    Known magic numbers are recognised; NUL bytes (at least four, and at least
    1% of the first kilobyte) or other control bytes (at least 10%) mark
    unknown binary data, unless a UTF-16 byte order mark explains them.
    """
    head = data[:_SNIFF_BYTES]
    if isinstance(head, bytes):
        for magic, name in _MAGIC:
            if head.startswith(magic):
                return name
        if bom_charset(head) in ("utf-16-le", "utf-16-be"):
            return None
        nuls = head.count(b"\x00")
        controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    else:
        nuls = head.count("\x00")
        controls = sum(1 for ch in head if ch in _CONTROL_CHARS)
    # A stray NUL or escape is text with a defect (safe_text drops it); many are binary.
    if (nuls >= 4 and nuls * 100 >= len(head)) or (controls >= 8 and controls * 10 >= len(head)):
        return "binary data"
    return None
