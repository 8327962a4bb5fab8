"""The fetcher against a real HTTP server on 127.0.0.1 (tests/httpserver.py)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest
from httpserver import LiveServer, serve

from tuireader.importers.fetch import (
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchLimits,
    fetch,
    fetch_sync,
)
from tuireader.importers.html import parse_html
from tuireader.importers.model import ImportError_

FAST = FetchLimits(connect_timeout=2, read_timeout=5, total_timeout=5)


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with serve() as live:
        yield live


async def _error(url: str, **kwargs: object) -> FetchError:
    kwargs.setdefault("limits", FAST)
    with pytest.raises(FetchError) as info:
        await fetch(url, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    return info.value


async def test_plain_fetch(server: LiveServer) -> None:
    result = await fetch(server.url("/page"), limits=FAST)
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.final_url == server.url("/page")
    assert result.redirects == []
    assert b"Why lighthouses blink" in result.body
    path, headers = server.requests[-1]
    assert path == "/page"
    assert headers["User-Agent"] == USER_AGENT == "tuireader/0.1 (+https://github.com/tuireader)"
    assert "text/html" in headers["Accept"]


async def test_fetch_error_is_an_import_error(server: LiveServer) -> None:
    error = await _error(server.url("/status/404"))
    assert isinstance(error, ImportError_)
    assert error.status == 404
    assert error.url == server.url("/status/404")


@pytest.mark.parametrize(
    ("code", "message"),
    [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error"), (410, "HTTP 410 Gone")],
)
async def test_http_errors(server: LiveServer, code: int, message: str) -> None:
    assert str(await _error(server.url(f"/status/{code}"))) == message


async def test_redirect_chain_of_three_hops(server: LiveServer) -> None:
    result = await fetch(server.url("/redirect/2"), limits=FAST)  # 2 -> 1 -> 0 -> /page
    assert result.final_url == server.url("/page")
    assert result.redirects == [server.url(f"/redirect/{n}") for n in (2, 1, 0)]
    assert b"lighthouses" in result.body


async def test_five_redirects_allowed_six_refused(server: LiveServer) -> None:
    # /redirect/4 makes five hops (4, 3, 2, 1, 0 -> /page): the limit exactly
    ok = await fetch(server.url("/redirect/4"), limits=FAST)
    assert len(ok.redirects) == 5
    error = await _error(server.url("/redirect/5"))
    assert str(error) == "too many redirects (more than 5)"


async def test_redirect_limit_is_configurable(server: LiveServer) -> None:
    limits = FetchLimits(max_redirects=1, total_timeout=5)
    await fetch(server.url("/redirect/0"), limits=limits)
    error = await _error(server.url("/redirect/1"), limits=limits)
    assert "too many redirects" in str(error)


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/to-ftp", "ftp://files.example.com/pub/notes.txt"),
        ("/to-file", "file:///etc/passwd"),
        ("/hop-to-file", "file:///etc/passwd"),
    ],
)
async def test_redirect_to_other_schemes_refused(
    server: LiveServer, path: str, target: str
) -> None:
    error = await _error(server.url(path))
    assert str(error) == f"redirect to a non-http URL refused: {target}"


async def test_redirect_without_location(server: LiveServer) -> None:
    assert "without a Location" in str(await _error(server.url("/to-nowhere")))


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/x",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "/relative/path",
        "example.com",
    ],
)
async def test_only_http_urls(url: str) -> None:
    error = await _error(url)
    assert "only http and https" in str(error) or "not a valid URL" in str(error)


async def test_trickling_server_hits_total_deadline(server: LiveServer) -> None:
    limits = FetchLimits(read_timeout=5, total_timeout=1.0)
    started = time.monotonic()
    error = await _error(server.url("/trickle?interval=0.2"), limits=limits)
    elapsed = time.monotonic() - started
    assert str(error) == "timed out after 1 s"
    assert 0.9 <= elapsed < 3


async def test_stalled_server_hits_read_timeout(server: LiveServer) -> None:
    limits = FetchLimits(read_timeout=0.5, total_timeout=10)
    started = time.monotonic()
    error = await _error(server.url("/stall"), limits=limits)
    assert str(error) == "timed out: no data for 0.5 s"
    assert time.monotonic() - started < 3


async def test_stalled_server_total_deadline_shorter_than_read(server: LiveServer) -> None:
    limits = FetchLimits(read_timeout=10, total_timeout=0.5)
    error = await _error(server.url("/stall"), limits=limits)
    assert str(error) == "timed out after 0.5 s"


async def test_endless_body_is_capped(server: LiveServer) -> None:
    limits = FetchLimits(max_bytes=1024 * 1024, total_timeout=10)
    started = time.monotonic()
    error = await _error(server.url("/endless"), limits=limits)
    assert str(error) == "too large (over 1 MB)"
    assert time.monotonic() - started < 5


async def test_endless_body_default_cap_message(server: LiveServer) -> None:
    error = await _error(server.url("/endless"), limits=FetchLimits(total_timeout=20))
    assert str(error) == "too large (over 20 MB)"


async def test_declared_length_over_cap_refused_before_reading(server: LiveServer) -> None:
    error = await _error(server.url("/big-length"))
    assert str(error) == "too large (over 20 MB)"


async def test_gzip_bomb_is_capped_after_decompression(server: LiveServer) -> None:
    limits = FetchLimits(max_bytes=1024 * 1024, total_timeout=10)
    error = await _error(server.url("/gzip-bomb"), limits=limits)
    assert str(error) == "too large (over 1 MB)"


async def test_wrong_content_type_header(server: LiveServer) -> None:
    assert str(await _error(server.url("/png"))) == "not an HTML page (image/png)"
    assert str(await _error(server.url("/json"))) == "not an HTML page (application/json)"


async def test_lying_header_refused_by_sniffing(server: LiveServer) -> None:
    error = await _error(server.url("/lying-png"))
    assert str(error) == "not an HTML page (the body is PNG image)"
    error = await _error(server.url("/nul"))
    assert str(error) == "not an HTML page (the body is binary data)"


async def test_vague_content_type_is_sniffed(server: LiveServer) -> None:
    result = await fetch(server.url("/no-type"), limits=FAST)
    assert b"hello" in result.body
    error = await _error(server.url("/plain-text"))
    assert str(error) == "not an HTML page (text/plain)"


async def test_accept_kinds(server: LiveServer) -> None:
    feed = await fetch(server.url("/feed"), limits=FAST, accept="feed")
    assert feed.content_type == "application/rss+xml"
    assert str(await _error(server.url("/feed"))) == "not an HTML page (application/rss+xml)"
    assert str(await _error(server.url("/page"), accept="feed")) == "not a feed (text/html)"
    both = await fetch(server.url("/page"), limits=FAST, accept=("feed", "html"))
    assert both.status == 200
    anything = await fetch(server.url("/png"), limits=FAST, accept="any")
    assert anything.body.startswith(b"\x89PNG")
    with pytest.raises(ValueError):
        await fetch(server.url("/page"), accept="pdf")


async def test_gzip_is_decoded(server: LiveServer) -> None:
    result = await fetch(server.url("/gzip"), limits=FAST)
    assert result.headers["content-encoding"] == "gzip"
    assert "Le café des pêcheurs" in result.text()


@pytest.mark.parametrize(
    ("path", "charset"), [("/cp1251-header", "cp1251"), ("/cp1251-meta", "cp1251")]
)
async def test_windows_1251(server: LiveServer, path: str, charset: str) -> None:
    result = await fetch(server.url(path), limits=FAST)
    assert result.charset == charset
    assert "Зимняя рыбалка на Ладоге" in result.text()
    article = parse_html(result.body, url=result.final_url, encoding=result.charset)
    assert article.title == "Зимняя рыбалка на Ладоге"
    assert "Окунь брал лучше всего утром" in article.text


async def test_latin1_meta_is_read_as_windows_1252(server: LiveServer) -> None:
    result = await fetch(server.url("/latin1-meta"), limits=FAST)
    assert result.charset == "cp1252"
    assert "À l'aube, le café du port" in result.text()
    # without the fetcher's hint, the parser finds the meta tag itself
    assert "À l'aube, le café du port" in parse_html(result.body).text


async def test_conditional_get(server: LiveServer) -> None:
    first = await fetch(server.url("/etag"), limits=FAST)
    assert first.etag == '"v1"'
    assert first.last_modified == "Wed, 01 May 2024 10:00:00 GMT"
    assert not first.not_modified
    again = await fetch(
        server.url("/etag"), limits=FAST, etag=first.etag, last_modified=first.last_modified
    )
    assert again.not_modified
    assert again.status == 304
    assert again.body == b""
    path, headers = server.requests[-1]
    assert headers["If-None-Match"] == '"v1"'
    assert headers["If-Modified-Since"] == "Wed, 01 May 2024 10:00:00 GMT"


async def test_per_host_concurrency_limit(server: LiveServer) -> None:
    limits = FetchLimits(per_host=2, total_timeout=10)
    async with Fetcher(limits) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url(f"/slow?s=0.2&n={n}")) for n in range(6))
        )
    assert all(r.status == 200 for r in results)
    assert server.max_active == 2


async def test_queue_time_does_not_count_against_deadline(server: LiveServer) -> None:
    # six requests of 0.3 s through one slot take ~1.8 s, each within its 1 s budget
    limits = FetchLimits(per_host=1, total_timeout=1.0)
    async with Fetcher(limits) as fetcher:
        results = await asyncio.gather(
            *(fetcher.fetch(server.url(f"/slow?s=0.3&q={n}")) for n in range(6))
        )
    assert len(results) == 6


async def test_private_addresses_refused_in_server_mode(server: LiveServer) -> None:
    limits = FetchLimits(allow_private=False, total_timeout=5)
    error = await _error(server.url("/page"), limits=limits)
    assert str(error) == "refused: 127.0.0.1 is a local or private address (127.0.0.1)"
    port = server.base.rsplit(":", 1)[1]
    error = await _error(f"http://localhost:{port}/page", limits=limits)
    assert str(error).startswith("refused: localhost is a local or private address")


async def test_connection_refused() -> None:
    with serve() as live:
        url = live.url("/page")
    error = await _error(url)  # the server is gone: nothing listens on that port
    assert str(error).startswith("could not connect")


async def test_tls_error_is_one_line(server: LiveServer) -> None:
    # https to a plain-HTTP port: the TLS handshake fails
    error = await _error(server.base.replace("http://", "https://") + "/page")
    assert str(error).startswith("TLS error: ")


async def test_caller_client_is_not_closed_and_redirects_stay_manual(server: LiveServer) -> None:
    async with httpx.AsyncClient(follow_redirects=True) as client:
        error = await _error(server.url("/to-file"), client=client)
        assert "non-http" in str(error)
        result = await fetch(server.url("/page"), client=client, limits=FAST)
        assert result.status == 200
        assert not client.is_closed


def test_fetch_sync(server: LiveServer) -> None:
    result = fetch_sync(server.url("/page"), limits=FAST)
    assert result.status == 200
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_sync(server.url("/status/404"), limits=FAST)


async def test_wpdiscuz_page_over_http(server: LiveServer) -> None:
    result = await fetch(server.url("/wpdiscuz"), limits=FAST)
    article = parse_html(result.body, url=result.final_url, encoding=result.charset)
    comments = article.comments
    assert len(comments) == 5
    by_key = {c.key: c for c in comments}
    assert {c.author for c in comments} == {
        "Alice Moreau",
        "Hanna Lindqvist",
        "Carla Díaz",
        "Dmitri Volkov",
    }
    assert [(c.key, c.parent_key) for c in comments] == [
        ("2101", None),
        ("2102", "2101"),
        ("2104", "2102"),
        ("2103", None),
        ("2105", "2103"),
    ]
    assert by_key["2102"].author == "Hanna Lindqvist"
    assert by_key["2101"].posted == datetime(2024, 3, 5, 10, 14, tzinfo=UTC)
    assert by_key["2105"].posted == datetime(2024, 3, 7, 21, 5, tzinfo=UTC)
    assert all(c.posted is not None and c.posted.tzinfo is UTC for c in comments)
    assert not any(c.flat for c in comments)
    assert "azimuth" in by_key["2103"].text
    assert "Reply" not in by_key["2101"].text
    # the thread is not part of the article body
    assert "O-ring trick" not in article.text
    assert "idler tyre" in article.text.lower()
