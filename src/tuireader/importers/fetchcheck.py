"""The checks a fetch makes, and the one-line messages it fails with.

Split from :mod:`tuireader.importers.fetch`: content types (declared and
sniffed), addresses (for ``allow_private=False``), sizes and httpx errors.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import httpx

from tuireader.importers.charset import sniff_binary
from tuireader.importers.model import ImportError_
from tuireader.text import safe_line

__all__ = [
    "FetchError",
    "KINDS",
    "accept_header",
    "check_address",
    "check_body",
    "check_host",
    "check_type",
    "describe",
    "parse_kinds",
    "human_seconds",
    "short",
    "human_size",
]

_MB = 1024 * 1024
KINDS = ("html", "feed", "any")
_TYPES = {
    "html": {"text/html", "application/xhtml+xml"},
    "feed": {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        "application/json",
    },
}
# Types servers send when they do not know better: decided by sniffing the body.
_VAGUE = {"", "text/plain", "application/octet-stream", "binary/octet-stream", "unknown/unknown"}
_SNIFF_MARKERS = {
    "html": (b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<meta", b"<p>", b"<div"),
    "feed": (b"<?xml", b"<rss", b"<feed", b"<rdf:rdf", b'{"version"'),
}
_ACCEPT = {
    "html": "text/html,application/xhtml+xml;q=0.9",
    "feed": "application/rss+xml,application/atom+xml,application/rdf+xml;q=0.9,"
    "application/xml;q=0.8,text/xml;q=0.8",
}
_NAMES = {"html": "an HTML page", "feed": "a feed"}


class FetchError(ImportError_):
    """A fetch that failed; the message is one line, fit for a user."""

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None):
        super().__init__(message)
        self.url = url
        self.status = status


def short(url: object, limit: int = 120) -> str:
    """*url* (or any text) made safe and cut to *limit* characters, for a message."""
    text = safe_line(url)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def human_seconds(value: float) -> str:
    """``30`` -> ``"30 s"``."""
    return f"{value:g} s"


def human_size(limit: int) -> str:
    """``20 * 1024 * 1024`` -> ``"20 MB"``."""
    if limit >= _MB:
        return f"{limit / _MB:g} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit} bytes"


def parse_kinds(accept: tuple[str, ...] | str) -> tuple[str, ...]:
    """Validate *accept* and return it as a tuple of kinds."""
    kinds = (accept,) if isinstance(accept, str) else tuple(accept)
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        raise ValueError(f"accept must name some of {KINDS}, not {kinds!r}")
    return kinds


def _what(kinds: tuple[str, ...]) -> str:
    return " or ".join(_NAMES[k] for k in kinds if k in _NAMES)


def check_type(content_type: str, kinds: tuple[str, ...]) -> bool:
    """Refuse a declared type that fits none of *kinds*; return True when the body
    must be sniffed because the declared type is vague."""
    if "any" in kinds:
        return False
    if content_type in _VAGUE:
        return True
    if any(content_type in _TYPES[k] for k in kinds):
        return False
    if "feed" in kinds and content_type.endswith(("+xml", "/xml")):
        return False
    raise FetchError(f"not {_what(kinds)} ({short(content_type, 60)})")


def check_body(head: bytes, kinds: tuple[str, ...], vague: bool, content_type: str) -> None:
    """Refuse a body that is binary (whatever the header said), or that does not look
    like what was asked for when the header was vague."""
    if "any" in kinds:
        return
    binary = sniff_binary(head)
    if binary:
        raise FetchError(f"not {_what(kinds)} (the body is {binary})")
    if vague:
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if not any(marker in start for k in kinds for marker in _SNIFF_MARKERS[k]):
            raise FetchError(f"not {_what(kinds)} ({content_type or 'no content type'})")


async def check_host(host: str, port: int) -> None:
    """Refuse *host* when any address it resolves to is not a global unicast one."""
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not resolve {short(host, 80)}") from exc
    for info in infos:
        check_address(host, str(info[4][0]))


def check_address(host: str, address: str) -> None:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        raise FetchError(f"refused: {short(host, 80)} has an unusable address") from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not ip.is_global or ip.is_multicast:
        raise FetchError(f"refused: {short(host, 80)} is a local or private address ({ip})")


def describe(exc: httpx.HTTPError, connect: float, read: float, total: float) -> str:
    """A one-line message for an httpx failure (deadlines in seconds)."""
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out connecting after {human_seconds(connect)}"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out: no data for {human_seconds(read)}"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {human_seconds(total)}"
    if isinstance(exc, httpx.ConnectError):
        detail = safe_line(exc)
        if "ssl" in detail.lower() or "certificate" in detail.lower():
            return f"TLS error: {short(detail, 100)}"
        return f"could not connect: {short(detail, 100) or 'connection refused'}"
    if isinstance(exc, httpx.DecodingError):
        return "could not decode the response (bad compression)"
    if isinstance(exc, httpx.RemoteProtocolError):
        return f"the server broke the connection: {short(exc, 100)}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "only http and https URLs can be fetched"
    return f"network error: {short(exc, 100) or type(exc).__name__}"


def accept_header(kinds: tuple[str, ...]) -> str:
    """The ``Accept`` header for *kinds*."""
    return ",".join(_ACCEPT.get(k, "*/*") for k in kinds) + ",*/*;q=0.5"
