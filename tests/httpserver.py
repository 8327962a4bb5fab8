"""A real HTTP server on 127.0.0.1 for the fetcher tests (standard library only).

``serve()`` starts a ``ThreadingHTTPServer`` on a free port in a background
thread and yields its base URL.  Each route below misbehaves in one specific
way; slow routes wait on an event that is set at shutdown, so no test waits for
a sleeping handler.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "html"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"

RUSSIAN = (
    "<h1>Зимняя рыбалка на Ладоге</h1>"
    "<p>Лёд на заливе встал в конце декабря, и уже в январе рыбаки выходили на него с ледобурами. "
    "Окунь брал лучше всего утром, на мормышку, у самой кромки тростника. К полудню клёв стихал, "
    "и тогда оставалось только пить чай из термоса и смотреть на белое поле до горизонта.</p>"
    "<p>Главное правило — никогда не выходить на лёд в одиночку и всегда знать его толщину.</p>"
)
FRENCH = (
    "<h1>Le café des pêcheurs</h1>"
    "<p>À l'aube, le café du port sent déjà le pain grillé et le gasoil. Les pêcheurs y boivent "
    "leur crème debout, échangent deux phrases sur la météo, et repartent vers les bateaux "
    "avant que le soleil ne se lève tout à fait sur la jetée. Personne ne s'assoit, jamais.</p>"
)


def _page(head: str, body: str) -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body><article>{body}</article></body></html>"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stopping: threading.Event
    active = 0
    max_active = 0
    lock: threading.Lock
    requests: list[tuple[str, dict[str, str]]]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - silence
        return

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None = "text/html",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, status: int, location: str) -> None:
        self.send_response(status)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stream(
        self, pieces: Iterator[bytes], content_type: str = "text/html", length: int | None = None
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        try:
            for piece in pieces:
                if self.server.stopping.is_set():
                    return
                self.wfile.write(piece)
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return

    def do_GET(self) -> None:  # noqa: C901 - one branch per route
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        with self.server.lock:
            self.server.requests.append((self.path, dict(self.headers.items())))
        wait = self.server.stopping.wait
        if path == "/page":
            self._send(
                200, (FIXTURES / "plain_article.html").read_bytes(), "text/html; charset=utf-8"
            )
        elif path == "/wpdiscuz":
            self._send(200, (FIXTURES / "wpdiscuz.html").read_bytes(), "text/html; charset=UTF-8")
        elif path.startswith("/redirect/"):
            left = int(path.rsplit("/", 1)[1])
            if left == 0:
                self._redirect(302, "/page")
            elif left % 2:  # alternate absolute and relative Locations
                host, port = self.server.server_address[:2]
                self._redirect(301, f"http://{host}:{port}/redirect/{left - 1}")
            else:
                self._redirect(302, f"/redirect/{left - 1}")
        elif path == "/to-ftp":
            self._redirect(302, "ftp://files.example.com/pub/notes.txt")
        elif path == "/to-file":
            self._redirect(301, "file:///etc/passwd")
        elif path == "/hop-to-file":
            self._redirect(302, "/to-file")
        elif path == "/to-nowhere":
            self._redirect(302, "")
        elif path.startswith("/status/"):
            code = int(path.rsplit("/", 1)[1])
            self._send(code, _page("<title>Error</title>", f"<p>error {code}</p>").encode())
        elif path == "/trickle":
            interval = float(query.get("interval", ["0.2"])[0])

            def trickle() -> Iterator[bytes]:
                yield b"<html><body><p>"
                while not wait(interval):
                    yield b"a"

            self._stream(trickle(), length=100_000)
        elif path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            wait(30)
        elif path == "/endless":
            chunk = b"<p>" + b"all work and no play " * 3000 + b"</p>\n"
            self._stream(iter(lambda: chunk, None))
        elif path == "/big-length":
            self._stream(iter([b"<html><body>" + b"x" * 1000]), length=50_000_000)
        elif path == "/png":
            self._send(200, PNG + b"\x00" * 200, "image/png")
        elif path == "/lying-png":
            self._send(200, PNG + b"\x00" * 2000, "text/html; charset=utf-8")
        elif path == "/nul":
            self._send(200, b"<html><body>" + b"\x00\x01\x02" * 100, "text/html")
        elif path == "/json":
            self._send(200, b'{"title": "not a page"}', "application/json")
        elif path == "/plain-text":
            self._send(200, b"Just some words, no markup at all.\n" * 20, "text/plain")
        elif path == "/no-type":
            self._send(200, _page("<title>Untyped</title>", "<p>hello</p>").encode(), None)
        elif path == "/gzip":
            body = gzip.compress(_page("<title>Zipped</title>", FRENCH).encode("utf-8"))
            self._send(200, body, "text/html; charset=utf-8", {"Content-Encoding": "gzip"})
        elif path == "/gzip-bomb":
            body = gzip.compress(b"<html><body><p>" + b"a" * (8 * 1024 * 1024), 1)
            self._send(200, body, "text/html", {"Content-Encoding": "gzip"})
        elif path == "/cp1251-header":
            body = _page("<title>Рыбалка</title>", RUSSIAN).encode("cp1251")
            self._send(200, body, "text/html; charset=windows-1251")
        elif path == "/cp1251-meta":
            body = _page('<meta charset="windows-1251"><title>Рыбалка</title>', RUSSIAN)
            self._send(200, body.encode("cp1251"), "text/html")
        elif path == "/latin1-meta":
            head = (
                '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
                "<title>Le café</title>"
            )
            self._send(200, _page(head, FRENCH).encode("latin-1"), "text/html")
        elif path == "/etag":
            headers = {"ETag": '"v1"', "Last-Modified": "Wed, 01 May 2024 10:00:00 GMT"}
            if self.headers.get("If-None-Match") == '"v1"':
                self.send_response(304)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
            else:
                self._send(
                    200,
                    _page("<title>Tagged</title>", FRENCH).encode(),
                    "text/html; charset=utf-8",
                    headers,
                )
        elif path == "/feed":
            body = (
                b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                b"<title>t</title><item><title>i</title></item></channel></rss>"
            )
            self._send(200, body, "application/rss+xml")
        elif path == "/slow":
            with self.server.lock:
                self.server.active += 1
                self.server.max_active = max(self.server.max_active, self.server.active)
            try:
                time.sleep(float(query.get("s", ["0.3"])[0]))
                self._send(200, _page("<title>Slow</title>", "<p>done</p>").encode())
            finally:
                with self.server.lock:
                    self.server.active -= 1
        else:
            self._send(404, b"<html><body>not here</body></html>")


class LiveServer:
    """Handle on a running server: its base URL and what it has seen."""

    def __init__(self, server: _Server):
        self._server = server
        host, port = server.server_address[:2]
        self.base = f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """The absolute URL of *path* on this server."""
        return self.base + path

    @property
    def max_active(self) -> int:
        """The most ``/slow`` requests that were handled at the same time."""
        return self._server.max_active

    @property
    def requests(self) -> list[tuple[str, dict[str, str]]]:
        """Every request seen so far, as ``(path, headers)``."""
        with self._server.lock:
            return list(self._server.requests)


@contextmanager
def serve() -> Iterator[LiveServer]:
    """Run the test server for the duration of the ``with`` block."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.stopping = threading.Event()
    server.lock = threading.Lock()
    server.requests = []
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield LiveServer(server)
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
