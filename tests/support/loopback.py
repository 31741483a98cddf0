"""A real HTTP server on 127.0.0.1 for tests that fetch, misbehaving on request.

Tests never touch the network: they start this server (ephemeral port, threads
that die with the test) and point the code under test at it::

    def test_feed_is_fetched(loopback_server, shared):
        loopback_server.serve_file("/feed.xml", shared / "corpora/real-feeds/netnewswire/manton.rss",
                                   etag='"v1"')
        result = Fetcher().fetch(loopback_server.url("/feed.xml"))
        assert loopback_server.hits_for("/feed.xml")[0].headers["user-agent"].startswith("Digest/")

Behaviours: plain bytes with chosen status and headers, 304 on matching
If-None-Match / If-Modified-Since, redirects and redirect loops, 429/503 with
Retry-After (for the first N requests), a stall before or after the headers, an
endless chunked body, gzip-encoded bodies and a gzip bomb, and files from the
shared corpora (``.html.gz`` article pages are served decompressed as
``text/html``). Anything else: :meth:`LoopbackServer.route` with a function that
gets the :class:`Exchange`. The server records every request (:attr:`~LoopbackServer.hits`)
and response (:attr:`~LoopbackServer.replies`: status and body bytes sent).
:func:`rss_feed` writes a small RSS 2.0 feed for tests that need their own entries.

Use it as the ``loopback_server`` fixture (add ``pytest_plugins = ["tests.support.loopback"]``
to ``tests/conftest.py``, or import the fixture into the test module), or as a
context manager: ``with LoopbackServer() as server: ...``.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

FEED_TYPES = {
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".rdf": "application/rdf+xml",
    ".xml": "application/xml",
    ".json": "application/feed+json",
    ".opml": "text/x-opml",
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Hit:
    """One request the server received. Header names are lower-case."""

    method: str
    path: str
    headers: dict[str, str]
    at: float  # time.monotonic() when the request line arrived


@dataclass(frozen=True)
class Reply:
    """One response the server sent: its status and how many body bytes went out."""

    path: str
    status: int
    body_bytes: int


class Exchange:
    """What a route function gets: the request, and ways to answer it."""

    def __init__(self, handler: _Handler, hit: Hit, stopping: threading.Event) -> None:
        self._handler = handler
        self.hit = hit
        self.path = hit.path
        self.headers = hit.headers
        self.stopping = stopping

    def send(self, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        """A complete response with Content-Length."""
        handler = self._handler
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        sent = len(body) if handler.command != "HEAD" else 0
        if sent:
            handler.wfile.write(body)
        handler.wfile.flush()
        handler.server.owner._replied(Reply(self.path, status, sent))

    def send_chunked(self, chunks: Iterator[bytes], status: int = 200,
                     headers: dict[str, str] | None = None) -> None:
        """A streamed response (Transfer-Encoding: chunked); stops when the client hangs up."""
        handler = self._handler
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        sent = 0
        try:
            for chunk in chunks:
                if self.stopping.is_set():
                    break
                if chunk:
                    handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    handler.wfile.flush()
                    sent += len(chunk)
            handler.wfile.write(b"0\r\n\r\n")
            handler.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True
        handler.server.owner._replied(Reply(self.path, status, sent))

    def pause(self, seconds: float) -> None:
        """Sleep, but wake as soon as the server stops, so no test waits on a stall."""
        self.stopping.wait(seconds)


Route = Callable[[Exchange], None]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    # Idle keep-alive connections end on their own; a stopping server never waits for them.
    timeout = 5

    def do_GET(self) -> None:
        self.server.owner._dispatch(self)

    do_HEAD = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: tests assert on hits instead."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: LoopbackServer

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients hanging up mid-answer is what the misbehaviour tests are about: stay quiet."""
        error = sys.exc_info()[1]
        if not isinstance(error, (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class LoopbackServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port."""

    def __init__(self) -> None:
        self._routes: dict[str, Route] = {}
        self._hits: list[Hit] = []
        self._replies: list[Reply] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="loopback-http",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._started = False

    # --- lifecycle

    def start(self) -> LoopbackServer:
        if not self._started:
            self._thread.start()
            self._started = True
        return self

    def stop(self) -> None:
        """Stop serving; stalls and endless bodies in progress end at once."""
        self._stopping.set()
        if self._started:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    # --- what the server saw

    @property
    def hits(self) -> list[Hit]:
        with self._lock:
            return list(self._hits)

    def hits_for(self, path: str) -> list[Hit]:
        """Requests for *path* (query string included in the comparison if *path* has one)."""
        return [hit for hit in self.hits if hit.path == path or hit.path.split("?")[0] == path]

    @property
    def replies(self) -> list[Reply]:
        """Responses sent so far (those answered through :class:`Exchange`), in order."""
        with self._lock:
            return list(self._replies)

    def _replied(self, reply: Reply) -> None:
        with self._lock:
            self._replies.append(reply)

    # --- routes

    def route(self, path: str, respond: Route) -> str:
        """Answer requests for *path* (query ignored) with *respond*; returns the full URL."""
        with self._lock:
            self._routes[path] = respond
        return self.url(path)

    def serve(self, path: str, body: bytes | str, **options) -> str:
        """Serve fixed bytes at *path* (options as for :func:`bytes_route`); returns the URL."""
        return self.route(path, bytes_route(body, **options))

    def serve_file(self, path: str, file: Path, **options) -> str:
        """Serve a file at *path* (options as for :func:`file_route`); returns the URL."""
        return self.route(path, file_route(file, **options))

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        """Redirect *path* to *to* (a path on this server or any URL)."""
        return self.serve(path, b"", status=status, content_type=None, headers={"Location": to})

    def redirect_chain(self, prefix: str, hops: int, to: str, status: int = 302) -> str:
        """``prefix/1`` -> ``prefix/2`` -> ... -> ``prefix/<hops>`` -> *to*; returns the first URL."""
        for n in range(1, hops + 1):
            self.redirect(f"{prefix}/{n}", f"{prefix}/{n + 1}" if n < hops else to, status)
        return self.url(f"{prefix}/1")

    def rate_limited(self, path: str, *, retry_after: str | None = "1", status: int = 429,
                     times: int = 1, then: Route | None = None) -> str:
        """The first *times* requests get *status* with Retry-After; later ones go to *then*
        (or get the same refusal when *then* is None)."""
        count = {"n": 0}
        refusal_headers = {"Retry-After": retry_after} if retry_after is not None else {}

        def respond(exchange: Exchange) -> None:
            with self._lock:
                count["n"] += 1
                refused = then is None or count["n"] <= times
            if refused:
                exchange.send(status, b"slow down", {"Content-Type": "text/plain", **refusal_headers})
            else:
                then(exchange)

        return self.route(path, respond)

    def stall(self, path: str, seconds: float, *, after_headers: bool = False,
              body: bytes = b"<rss version=\"2.0\"><channel>") -> str:
        """Say nothing for *seconds* before the headers, or (with *after_headers*) after
        sending the headers and the first bytes of a body that never completes."""

        def respond(exchange: Exchange) -> None:
            if not after_headers:
                exchange.pause(seconds)
                exchange.send(200, body, {"Content-Type": "application/rss+xml"})
                return

            def trickle() -> Iterator[bytes]:
                yield body
                exchange.pause(seconds)
                yield b"</channel></rss>"

            exchange.send_chunked(trickle(), headers={"Content-Type": "application/rss+xml"})

        return self.route(path, respond)

    def endless(self, path: str, *, content_type: str = "application/rss+xml",
                chunk: bytes = b"<item><title>again</title></item>\n" * 64) -> str:
        """A chunked body that never ends (until the client hangs up or the server stops)."""

        def respond(exchange: Exchange) -> None:
            def forever() -> Iterator[bytes]:
                yield b'<?xml version="1.0"?><rss version="2.0"><channel>'
                while True:
                    yield chunk

            exchange.send_chunked(forever(), headers={"Content-Type": content_type})

        return self.route(path, respond)

    def gzip_bomb(self, path: str, *, decompressed_mib: int = 64,
                  content_type: str = "application/rss+xml") -> str:
        """A small gzip body (~64 KB) that inflates to *decompressed_mib* MiB of zeros."""
        return self.serve(path, gzip_of_zeros(decompressed_mib), content_type=content_type,
                          headers={"Content-Encoding": "gzip"})

    # --- internals

    def _dispatch(self, handler: _Handler) -> None:
        hit = Hit(handler.command, handler.path,
                  {name.lower(): value for name, value in handler.headers.items()}, time.monotonic())
        with self._lock:
            self._hits.append(hit)
            respond = self._routes.get(handler.path.split("?")[0])
        exchange = Exchange(handler, hit, self._stopping)
        if respond is None:
            exchange.send(404, b"not found", {"Content-Type": "text/plain"})
            return
        try:
            respond(exchange)
        except (BrokenPipeError, ConnectionResetError):
            handler.close_connection = True


def bytes_route(
    body: bytes | str,
    *,
    status: int = 200,
    content_type: str | None = "text/plain; charset=utf-8",
    headers: dict[str, str] | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    gzip_encoded: bool = False,
) -> Route:
    """Answer with fixed bytes. With *etag* / *last_modified* set, a request carrying a
    matching If-None-Match / If-Modified-Since gets 304 with no body."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    reply_headers = dict(headers or {})
    if content_type:
        reply_headers["Content-Type"] = content_type
    if etag:
        reply_headers["ETag"] = etag
    if last_modified:
        reply_headers["Last-Modified"] = last_modified
    if gzip_encoded:
        data = gzip.compress(data)
        reply_headers["Content-Encoding"] = "gzip"
    validators = {k: v for k, v in reply_headers.items() if k in ("ETag", "Last-Modified")}

    def respond(exchange: Exchange) -> None:
        if _not_modified(exchange.headers, etag, last_modified):
            exchange.send(304, b"", validators)
        else:
            exchange.send(status, data, reply_headers)

    return respond


def file_route(file: Path, *, content_type: str | None = None, **options) -> Route:
    """Answer with a file; ``x.html.gz`` is served decompressed. The type follows the suffix
    unless *content_type* says otherwise (pass a wrong one on purpose to test sniffing).
    Other options as for :func:`bytes_route`."""
    data = file.read_bytes()
    name = file.name
    if name.endswith(".gz"):
        data = gzip.decompress(data)
        name = name[:-3]
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    chosen = content_type or FEED_TYPES.get(suffix, "application/octet-stream")
    return bytes_route(data, content_type=chosen, **options)


def _not_modified(headers: dict[str, str], etag: str | None, last_modified: str | None) -> bool:
    """RFC 9110: If-None-Match decides when present; otherwise If-Modified-Since."""
    if etag and "if-none-match" in headers:
        offered = {tag.strip() for tag in headers["if-none-match"].split(",")}
        return etag in offered or "*" in offered
    return bool(last_modified) and headers.get("if-modified-since") == last_modified


def rss_feed(title: str, items: list[dict[str, str]], link: str = "http://127.0.0.1/") -> bytes:
    """A small RSS 2.0 feed. Each item may have ``title``, ``link``, ``guid``,
    ``description`` (HTML), ``content`` (HTML, as content:encoded), ``pubDate`` and
    ``image`` (a media:content image URL)."""
    from xml.sax.saxutils import escape, quoteattr

    def item(fields: dict[str, str]) -> str:
        parts = [f"<{name}>{escape(fields[name])}</{name}>"
                 for name in ("title", "link", "guid", "description", "pubDate") if name in fields]
        if "content" in fields:
            parts.append(f"<content:encoded>{escape(fields['content'])}</content:encoded>")
        if "image" in fields:
            parts.append(f'<media:content url={quoteattr(fields["image"])} medium="image"/>')
        return "<item>" + "".join(parts) + "</item>"

    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><description>test feed</description>"
        + "".join(item(fields) for fields in items)
        + "</channel></rss>\n"
    ).encode("utf-8")


@lru_cache(maxsize=4)
def gzip_of_zeros(mebibytes: int) -> bytes:
    """A gzip stream of *mebibytes* MiB of zero bytes, built without holding them in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1024 * 1024)
    parts = [compressor.compress(zeros) for _ in range(mebibytes)]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.fixture
def loopback_server() -> Iterator[LoopbackServer]:
    """A started :class:`LoopbackServer`, stopped after the test."""
    with LoopbackServer() as server:
        yield server
