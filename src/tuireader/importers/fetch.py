"""Fetch web pages and feeds with httpx, defensively.

- Only ``http`` and ``https``, checked on the first URL and on every redirect
  hop (redirects are followed by hand, at most ``max_redirects``).
- Connect and read deadlines (httpx), and a *total* deadline around the whole
  fetch, redirects included, so a server that trickles a byte every few seconds
  is cut off.  Time spent waiting for the per-host concurrency limit does not
  count against it.
- The body is streamed and capped at ``max_bytes`` *after* decompression (a
  ``Content-Length`` above the cap is refused before reading).  httpx decodes
  gzip/deflate one network chunk at a time, so a decompression bomb costs at
  most one decoded chunk beyond the cap before it is refused.
- The content type is checked from the header and by sniffing the first bytes
  (PNG, GIF, PDF, ZIP... or NUL bytes are refused whatever the header says).
- ``allow_private=False`` (meant for the server modes, where the fetcher runs
  on someone else's machine) refuses hosts that resolve to loopback, private,
  link-local or otherwise non-global addresses, checks the address actually
  connected to, and ignores proxy settings from the environment.  It is off by
  default because a reader on your own machine may well read your intranet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from tuireader import __version__
from tuireader.importers.charset import decode_bytes, detect_charset, normalize_charset
from tuireader.importers.fetchcheck import (
    FetchError,
    accept_header,
    check_address,
    check_body,
    check_host,
    check_type,
    describe,
    human_seconds,
    human_size,
    parse_kinds,
    short,
)
from tuireader.text import safe_line

__all__ = [
    "USER_AGENT",
    "FetchLimits",
    "FetchResult",
    "FetchError",
    "Fetcher",
    "fetch",
    "fetch_sync",
]

USER_AGENT = f"tuireader/{__version__.rsplit('.', 1)[0]} (+https://github.com/tuireader)"
_MB = 1024 * 1024
_REDIRECTS = {301, 302, 303, 307, 308}
_SNIFF_BYTES = 1024


@dataclass(frozen=True, slots=True)
class FetchLimits:
    """Deadlines (seconds), sizes and politeness settings of a fetch."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 20 * _MB
    user_agent: str = USER_AGENT
    per_host: int = 4
    """At most this many requests to one host at a time (per :class:`Fetcher`)."""
    allow_private: bool = True
    """False in server modes: refuse loopback, private and other non-global addresses."""


@dataclass(slots=True)
class FetchResult:
    """A fetched response.  ``body`` is decompressed; ``charset`` is the codec the
    body should be decoded with (header, BOM, ``<meta>``, or a guess)."""

    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    headers: dict[str, str]
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    url: str = ""
    """The URL asked for (``final_url`` is where the redirects ended)."""
    redirects: list[str] = field(default_factory=list)
    """The URLs redirected through, in order (excluding ``final_url``)."""

    def text(self) -> str:
        """The body decoded with :attr:`charset` (invalid bytes replaced)."""
        return decode_bytes(self.body, self.charset)


class Fetcher:
    """Owns an ``httpx.AsyncClient`` and a per-host concurrency limit.

    Use as ``async with Fetcher(limits) as fetcher: await fetcher.fetch(url)``.
    A *client* given by the caller is used as is and not closed.
    """

    def __init__(
        self, limits: FetchLimits | None = None, *, client: httpx.AsyncClient | None = None
    ):
        self.limits = limits or FetchLimits()
        self._owns_client = client is None
        self._timeout = httpx.Timeout(
            connect=self.limits.connect_timeout,
            read=self.limits.read_timeout,
            write=self.limits.read_timeout,
            pool=None,
        )
        self.client = client or httpx.AsyncClient(
            follow_redirects=False,
            timeout=self._timeout,
            headers={"User-Agent": self.limits.user_agent},
            trust_env=self.limits.allow_private,
        )
        self._gates: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the client if this fetcher created it."""
        if self._owns_client:
            await self.client.aclose()

    def _gate(self, url: httpx.URL) -> asyncio.Semaphore:
        key = f"{url.host}:{url.port or ''}".lower()
        gate = self._gates.get(key)
        if gate is None:
            gate = self._gates[key] = asyncio.Semaphore(max(1, self.limits.per_host))
        return gate

    async def fetch(
        self,
        url: str,
        *,
        accept: tuple[str, ...] | str = ("html",),
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch *url*; see the module documentation.  Raises :class:`FetchError`.

        *accept* names what the caller can use: ``"html"``, ``"feed"`` and/or
        ``"any"``.  *etag* / *last_modified* make the request conditional; an
        unchanged resource gives ``not_modified=True`` and an empty body.
        """
        kinds = parse_kinds(accept)
        limits = self.limits
        try:
            current = httpx.URL(url.strip())
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError(f"not a valid URL: {short(url)}", url=url) from exc
        if current.scheme not in ("http", "https") or not current.host:
            raise FetchError(f"only http and https URLs can be fetched: {short(url)}", url=url)
        headers = {"Accept": accept_header(kinds), "User-Agent": limits.user_agent}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        loop = asyncio.get_running_loop()
        budget = limits.total_timeout
        redirects: list[str] = []
        try:
            async with asyncio.timeout(None) as deadline:
                for hop in range(limits.max_redirects + 1):
                    deadline.reschedule(None)
                    async with self._gate(current):
                        started = loop.time()
                        deadline.reschedule(started + budget)
                        result = await self._request(current, headers, kinds)
                        budget -= loop.time() - started
                    if isinstance(result, FetchResult):
                        result.url, result.redirects = url, redirects
                        return result
                    if hop == limits.max_redirects:
                        break
                    redirects.append(str(current))
                    current = result
        except TimeoutError:
            raise FetchError(
                f"timed out after {human_seconds(limits.total_timeout)}", url=url
            ) from None
        except FetchError as exc:
            exc.url = exc.url or url
            raise
        except httpx.HTTPError as exc:
            raise FetchError(
                describe(exc, limits.connect_timeout, limits.read_timeout, limits.total_timeout),
                url=url,
            ) from exc
        raise FetchError(f"too many redirects (more than {limits.max_redirects})", url=url)

    async def _request(
        self, url: httpx.URL, headers: dict[str, str], kinds: tuple[str, ...]
    ) -> FetchResult | httpx.URL:
        """One hop: the final result, or the URL a redirect points to."""
        limits = self.limits
        if not limits.allow_private:
            await check_host(url.host, url.port or (443 if url.scheme == "https" else 80))
        async with self.client.stream(
            "GET", url, headers=headers, follow_redirects=False, timeout=self._timeout
        ) as response:
            if not limits.allow_private:
                stream = response.extensions.get("network_stream")
                peer = stream.get_extra_info("server_addr") if stream is not None else None
                if peer:
                    check_address(url.host, str(peer[0]))
            status = response.status_code
            if status in _REDIRECTS:
                return _redirect_target(response)
            if status == 304:
                return _result(response, b"", not_modified=True)
            if status >= 300 or status < 200:
                reason = safe_line(response.reason_phrase)[:60]
                raise FetchError(f"HTTP {status} {reason}".strip(), status=status)
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            vague = check_type(content_type, kinds)
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limits.max_bytes:
                raise FetchError(f"too large (over {human_size(limits.max_bytes)})")
            body = await _read_capped(
                response.aiter_bytes(), limits.max_bytes, kinds, vague, content_type
            )
            return _result(response, body)


def _redirect_target(response: httpx.Response) -> httpx.URL:
    """The absolute http(s) URL a redirect points to; anything else is refused."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(f"HTTP {response.status_code} redirect without a Location")
    try:
        target = response.url.join(location)
    except (httpx.InvalidURL, ValueError):
        raise FetchError(f"redirect to an invalid URL refused: {short(location)}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(f"redirect to a non-http URL refused: {short(location)}")
    return target


async def _read_capped(
    chunks: AsyncIterator[bytes], cap: int, kinds: tuple[str, ...], vague: bool, content_type: str
) -> bytes:
    """Read the (decoded) body, refusing it past *cap* bytes; sniff its first kilobyte."""
    parts: list[bytes] = []
    size = 0
    sniffed = False
    async for chunk in chunks:
        size += len(chunk)
        if size > cap:
            raise FetchError(f"too large (over {human_size(cap)})")
        parts.append(chunk)
        if not sniffed and size >= _SNIFF_BYTES:
            check_body(b"".join(parts)[:_SNIFF_BYTES], kinds, vague, content_type)
            sniffed = True
    body = b"".join(parts)
    if not body and "any" not in kinds:
        raise FetchError("empty response")
    if not sniffed:
        check_body(body, kinds, vague, content_type)
    return body


def _result(response: httpx.Response, body: bytes, *, not_modified: bool = False) -> FetchResult:
    """Build the :class:`FetchResult` of a final response."""
    header_type = response.headers.get("content-type", "")
    content_type = header_type.split(";")[0].strip().lower()
    declared = None
    for param in header_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            declared = normalize_charset(value)
    charset = detect_charset(body, declared) if body else declared
    etag = safe_line(response.headers.get("etag"))[:200]
    modified = safe_line(response.headers.get("last-modified"))[:100]
    return FetchResult(
        final_url=str(response.url),
        status=response.status_code,
        content_type=content_type,
        charset=charset,
        body=body,
        headers=dict(response.headers.items()),
        etag=etag or None,
        last_modified=modified or None,
        not_modified=not_modified,
    )


@asynccontextmanager
async def _fetcher(
    client: Fetcher | httpx.AsyncClient | None, limits: FetchLimits | None
) -> AsyncIterator[Fetcher]:
    if isinstance(client, Fetcher):
        yield client
    else:
        async with Fetcher(limits, client=client) as fetcher:
            yield fetcher


async def fetch(
    url: str,
    *,
    client: Fetcher | httpx.AsyncClient | None = None,
    limits: FetchLimits | None = None,
    accept: tuple[str, ...] | str = ("html",),
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """Fetch one URL.  *client* may be a :class:`Fetcher` (shared limits and
    per-host gates; *limits* is then ignored), an ``httpx.AsyncClient`` (used
    as is), or ``None`` for a one-off client.  Raises :class:`FetchError`."""
    async with _fetcher(client, limits) as fetcher:
        return await fetcher.fetch(url, accept=accept, etag=etag, last_modified=last_modified)


def fetch_sync(url: str, **kwargs: Any) -> FetchResult:
    """Blocking :func:`fetch` (runs its own event loop; not for use inside one)."""
    return asyncio.run(fetch(url, **kwargs))
