"""The HTTP client under collection: polite, bounded, and plain about what went wrong.

Every fetch Digest makes goes through a :class:`Fetcher`. It sends an honest
User-Agent and conditional-GET validators, follows at most a few redirects,
decompresses gzip/deflate itself in bounded pieces (so a gzip bomb or an endless
body is cut off at :attr:`FetchPolicy.max_bytes` of *decompressed* bytes without
ever being buffered), spaces requests to the same host, and honours a short
``Retry-After``. Every failure is a named :class:`~digest_app.errors.FetchError`
whose message names the URL::

    >>> with Fetcher() as fetcher:                                       # doctest: +SKIP
    ...     result = fetcher.fetch(source.url, Validators(source.etag, source.last_modified))
    ...     if result.not_modified:
    ...         ...                                  # nothing new; keep stored validators
    ...     elif result.kind == "html":
    ...         feeds = discover_feeds(result.text(), result.url)
    ...     else:
    ...         feed = feedparser.parse(result.body)  # bytes: feedparser never fetches

Many sources at once, a bounded number in flight, with a Cancel button::

    >>> cancel = threading.Event()                                     # doctest: +SKIP
    >>> outcomes = fetcher.fetch_many([FetchRequest(s.url) for s in sources],  # doctest: +SKIP
    ...                               on_result=show_progress, cancel=cancel)
"""

from __future__ import annotations

import codecs
import email.utils
import functools
import re
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from digest_app import __version__
from digest_app.collect.politeness import (
    CANCEL_POLL_SECONDS,
    CancelCheck,
    Cancelled,
    HostGate,
    host_key,
    never_cancelled,
    sleep_unless_cancelled,
)
from digest_app.errors import FetchError

MiB = 1024 * 1024

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.8, "
    "application/json;q=0.7, text/html;q=0.5, */*;q=0.1"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
IMAGE_ACCEPT = "image/avif, image/webp, image/png, image/jpeg, image/gif;q=0.9, image/*;q=0.8"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_PERMANENT_REDIRECTS = frozenset({301, 308})
# Decompressed output is produced in pieces no larger than this, whatever the
# compression ratio, so memory stays bounded by max_bytes plus one piece.
_DECODED_PIECE = 64 * 1024

Cancel = threading.Event | CancelCheck | None
DocumentKind = Literal["feed", "json", "html", "unknown"]


def default_user_agent() -> str:
    return f"Digest/{__version__} (+desktop news reader; feed fetcher)"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and manners of a :class:`Fetcher`; times in seconds, sizes in bytes.

    ``max_retry_after`` is the longest ``Retry-After`` we wait out ourselves (once);
    a longer one is reported as :class:`RateLimited` so the caller can skip the
    source and note when to try again.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 120.0
    max_bytes: int = 10 * MiB
    max_redirects: int = 5
    user_agent: str = field(default_factory=default_user_agent)
    min_host_interval: float = 1.0
    max_per_host: int = 2
    max_in_flight: int = 6
    max_retry_after: float = 10.0


@dataclass(frozen=True)
class Validators:
    """What a server gave us last time, to ask "has it changed since?" (conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None

    def request_headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class FetchResult:
    """One successful fetch (2xx, or 304 Not Modified).

    ``url`` is the final URL after redirects; ``body`` is the decompressed body,
    None when ``not_modified``. ``bytes_transferred`` counts body bytes as they
    came over the wire (compressed); ``elapsed`` is seconds from the call to the
    result, politeness and Retry-After waits included. ``moved_permanently`` is true when every
    redirect on the way was permanent (301/308), so the caller may update the
    stored address to ``url``. On a 304 without fresh validators, ``etag`` and
    ``last_modified`` repeat the ones sent, so storing them is always right.
    """

    url: str
    requested_url: str
    status: int
    content_type: str | None
    etag: str | None
    last_modified: str | None
    body: bytes | None
    not_modified: bool
    elapsed: float
    redirects: int
    bytes_transferred: int
    moved_permanently: bool = False

    @property
    def validators(self) -> Validators:
        """What to store for the next conditional GET."""
        return Validators(self.etag, self.last_modified)

    @property
    def kind(self) -> DocumentKind:
        """What the body looks like: ``"feed"``, ``"json"``, ``"html"`` or ``"unknown"``."""
        return sniff_document(self.body, self.content_type)

    def text(self) -> str:
        """The body as text, decoded the way a browser decodes an HTML page."""
        return decode_html(self.body or b"", self.content_type)


@dataclass(frozen=True)
class FetchRequest:
    """One URL for :meth:`Fetcher.fetch_many`."""

    url: str
    validators: Validators | None = None
    accept: str = FEED_ACCEPT
    max_bytes: int | None = None


@dataclass(frozen=True)
class FetchOutcome:
    """What became of one :class:`FetchRequest`: a result or a named error, never both."""

    request: FetchRequest
    result: FetchResult | None = None
    error: FetchError | None = None

    @property
    def ok(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class FetchedImage:
    """An image downloaded for the local cache; ``mime`` comes from the bytes themselves."""

    url: str
    mime: str
    data: bytes


# --- errors -----------------------------------------------------------------------------


class _FetchErrorAt(FetchError):
    """A fetch error about *url*; *at* is the redirect target where it happened, if elsewhere."""

    def __init__(self, url: str, problem: str, at: str | None = None) -> None:
        self.url = url
        self.at = at if at and at != url else None
        place = _shown(url) if self.at is None else f"{_shown(url)} (redirected to {_shown(self.at)})"
        super().__init__(f"{place}: {problem}")


class UnsupportedURL(_FetchErrorAt):
    """Not an address Digest fetches: another scheme (file:, javascript:, data:, ftp:) or no host."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(url, reason)


class FetchTimeout(_FetchErrorAt):
    """The server took too long: to accept the connection, to answer, or to finish sending."""

    def __init__(self, url: str, seconds: float, phase: Literal["connect", "answer", "stall", "total"],
                 at: str | None = None) -> None:
        self.seconds = seconds
        self.phase = phase
        problem = {
            "connect": f"could not connect within {seconds:g} s",
            "answer": f"the server did not answer within {seconds:g} s",
            "stall": f"the server stopped sending for more than {seconds:g} s",
            "total": f"the download did not finish within {seconds:g} s",
        }[phase]
        super().__init__(url, problem, at)


class ConnectionFailed(_FetchErrorAt):
    """No usable connection: refused, unknown host, TLS failure, connection cut off."""

    def __init__(self, url: str, reason: str, at: str | None = None) -> None:
        self.reason = reason
        super().__init__(url, reason, at)


class TooManyRedirects(_FetchErrorAt):
    """More redirects than :attr:`FetchPolicy.max_redirects`, or redirects that go round in a loop."""

    def __init__(self, url: str, limit: int, loop_at: str | None = None) -> None:
        self.loop = loop_at is not None
        problem = (
            f"the redirects go round in a loop (back to {_shown(loop_at)})"
            if loop_at is not None
            else f"redirected more than {limit} times"
        )
        super().__init__(url, problem)


class ResponseTooLarge(_FetchErrorAt):
    """The (decompressed) body would exceed the size limit; the download was stopped."""

    def __init__(self, url: str, limit: int, at: str | None = None) -> None:
        self.limit = limit
        super().__init__(url, f"the response is larger than {_size(limit)}; download stopped", at)


class BadContentEncoding(_FetchErrorAt):
    """A compressed body that cannot be decompressed, or a compression we never asked for."""

    def __init__(self, url: str, detail: str, at: str | None = None) -> None:
        super().__init__(url, f"the server sent a body that cannot be decompressed ({detail})", at)


class HTTPStatusError(_FetchErrorAt):
    """The server answered with an error status (4xx/5xx, or a redirect without a target)."""

    def __init__(self, url: str, status: int, reason: str = "", at: str | None = None,
                 problem: str | None = None) -> None:
        self.status = status
        self.reason = reason
        answered = f"{status} {reason}".strip()
        super().__init__(url, problem or f"the server answered {answered}", at)


class RateLimited(HTTPStatusError):
    """429 Too Many Requests or 503 with Retry-After: try again after ``retry_after`` seconds.

    ``retry_after`` is None when the server did not say how long to wait.
    """

    def __init__(self, url: str, status: int, retry_after: float | None, reason: str = "",
                 at: str | None = None) -> None:
        self.retry_after = retry_after
        when = f"retry after {retry_after:.0f} s" if retry_after is not None else "retry later"
        answered = f"{status} {reason}".strip()
        super().__init__(url, status, reason, at,
                         problem=f"the server asks us to slow down ({answered}); {when}")


class FetchCancelled(_FetchErrorAt):
    """The caller cancelled (the GUI's Cancel button) before the fetch finished."""

    def __init__(self, url: str, at: str | None = None) -> None:
        super().__init__(url, "cancelled", at)


class NotAnImage(_FetchErrorAt):
    """An image URL that served something else (an HTML error page, SVG, unknown bytes)."""

    def __init__(self, url: str, content_type: str | None) -> None:
        self.content_type = content_type
        super().__init__(url, f"not an image Digest can keep (the server sent {content_type or 'no type'})")


# --- the fetcher ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Exchange:
    status: int
    reason: str
    headers: httpx.Headers
    body: bytes | None
    wire_bytes: int


class Fetcher:
    """A polite HTTP client for feeds, article pages and lead images.

    Thread-safe: one Fetcher may serve a worker pool, the CLI and the GUI at once;
    politeness limits apply across all of them. Close it (or use ``with``) to
    release connections.
    """

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        self.policy = policy or FetchPolicy()
        p = self.policy
        self._gate = HostGate(p.min_host_interval, p.max_per_host, p.max_in_flight)
        self._client = httpx.Client(
            timeout=httpx.Timeout(connect=p.connect_timeout, read=p.read_timeout,
                                  write=p.read_timeout, pool=p.connect_timeout),
            limits=httpx.Limits(max_connections=p.max_in_flight,
                                max_keepalive_connections=p.max_in_flight),
            headers={"User-Agent": p.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            verify=_tls_context(),
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def fetch(
        self,
        url: str,
        validators: Validators | None = None,
        accept: str = FEED_ACCEPT,
        *,
        max_bytes: int | None = None,
        cancel: Cancel = None,
    ) -> FetchResult:
        """GET *url*, following redirects; a :class:`FetchResult` or a named FetchError.

        *validators* turn it into a conditional GET (a 304 gives ``not_modified``).
        *max_bytes* overrides the policy's size cap for this request. *cancel* (an
        Event or a callable) is checked while waiting for a slot, between redirects
        and retries, and between chunks of the body.
        """
        cancelled = _cancel_check(cancel)
        requested = check_fetchable_url(url)
        policy = self.policy
        limit = max_bytes or policy.max_bytes
        started = time.monotonic()
        deadline = started + policy.total_timeout
        headers = {"Accept": accept, **(validators.request_headers() if validators else {})}
        current = requested
        visited = {requested}
        redirects = 0
        all_permanent = True
        may_retry = True
        while True:
            if cancelled():
                raise FetchCancelled(requested, at=current)
            try:
                reply = self._exchange(requested, current, headers, limit, deadline, cancelled)
            except Cancelled:
                raise FetchCancelled(requested, at=current) from None
            status = reply.status
            location = reply.headers.get("location")
            if status in _REDIRECT_STATUSES and location:
                target = _redirect_target(requested, current, location)
                redirects += 1
                all_permanent = all_permanent and status in _PERMANENT_REDIRECTS
                # Revisiting a URL is a loop unless the hop set a cookie: some sites
                # bounce through a consent page once and then serve the article.
                if target in visited and "set-cookie" not in reply.headers:
                    raise TooManyRedirects(requested, policy.max_redirects, loop_at=target)
                if redirects > policy.max_redirects:
                    raise TooManyRedirects(requested, policy.max_redirects)
                visited.add(target)
                current = target
                continue
            if status == 429 or (status == 503 and "retry-after" in reply.headers):
                retry_after = parse_retry_after(reply.headers.get("retry-after"))
                if (
                    may_retry
                    and retry_after is not None
                    and retry_after <= policy.max_retry_after
                    and time.monotonic() + retry_after < deadline
                ):
                    may_retry = False
                    try:
                        sleep_unless_cancelled(retry_after, cancelled)
                    except Cancelled:
                        raise FetchCancelled(requested, at=current) from None
                    continue
                raise RateLimited(requested, status, retry_after, reply.reason, at=current)
            if status == 304 or 200 <= status < 300:
                return _result(reply, requested, current, validators, started, redirects,
                               moved_permanently=redirects > 0 and all_permanent)
            raise HTTPStatusError(requested, status, reply.reason, at=current)

    def fetch_many(
        self,
        requests: Iterable[FetchRequest],
        on_result: Callable[[FetchOutcome], None] | None = None,
        *,
        cancel: Cancel = None,
    ) -> list[FetchOutcome]:
        """Fetch every request with at most ``policy.max_in_flight`` in flight; outcomes in order.

        *on_result* is called in the calling thread as each request finishes (in
        completion order), so a GUI worker can report progress. Requests are
        started host by host in turn, so one slow site does not hold up the rest.
        On *cancel*, this returns at once: unfinished requests come back as
        :class:`FetchCancelled`, and downloads still running stop at their next
        chunk (a completely silent server holds its thread until the read timeout).
        """
        cancelled = _cancel_check(cancel)
        todo = list(requests)
        outcomes: list[FetchOutcome | None] = [None] * len(todo)
        if not todo:
            return []
        pool = ThreadPoolExecutor(max_workers=min(self.policy.max_in_flight, len(todo)),
                                  thread_name_prefix="digest-fetch")
        pending: dict[Future[FetchOutcome], int] = {
            pool.submit(self._fetch_outcome, todo[i], cancelled): i for i in _interleave_by_host(todo)
        }
        try:
            while pending:
                done, _ = wait(pending, timeout=CANCEL_POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    index = pending.pop(future)
                    outcomes[index] = future.result()
                    if on_result is not None:
                        on_result(outcomes[index])
                if cancelled() and pending:
                    for future, index in pending.items():
                        outcomes[index] = FetchOutcome(todo[index], error=FetchCancelled(todo[index].url))
                    pending.clear()
        finally:
            pool.shutdown(wait=not cancelled(), cancel_futures=True)
        return [outcome for outcome in outcomes if outcome is not None]

    def fetch_image(self, url: str, *, max_bytes: int = 5 * MiB, cancel: Cancel = None) -> FetchedImage:
        """Download an image for the local cache (JPEG, PNG, GIF, WebP, AVIF, BMP, ICO).

        The type is read from the bytes, not trusted from the header; SVG is refused
        because it can carry scripts and remote references.
        """
        result = self.fetch(url, accept=IMAGE_ACCEPT, max_bytes=max_bytes, cancel=cancel)
        mime = sniff_image(result.body or b"")
        if mime is None:
            raise NotAnImage(url, result.content_type)
        return FetchedImage(url=result.url, mime=mime, data=result.body or b"")

    def _fetch_outcome(self, request: FetchRequest, cancelled: CancelCheck) -> FetchOutcome:
        try:
            result = self.fetch(request.url, request.validators, request.accept,
                                max_bytes=request.max_bytes, cancel=cancelled)
        except FetchError as error:
            return FetchOutcome(request, error=error)
        return FetchOutcome(request, result=result)

    def _exchange(self, requested: str, current: str, headers: dict[str, str], limit: int,
                  deadline: float, cancelled: CancelCheck) -> _Exchange:
        """One request/response within a politeness slot; the body is read only on 2xx."""
        parts = urlsplit(current)
        policy = self.policy
        in_body = False
        with self._gate.slot(host_key(parts.hostname or "", parts.port), cancelled):
            try:
                with self._client.stream("GET", current, headers=headers) as response:
                    body, wire = None, 0
                    if 200 <= response.status_code < 300:
                        in_body = True
                        body, wire = _read_body(response, requested, current, limit, deadline,
                                                policy.total_timeout, cancelled)
                    return _Exchange(response.status_code, response.reason_phrase,
                                     response.headers, body, wire)
            except httpx.ConnectTimeout:
                raise FetchTimeout(requested, policy.connect_timeout, "connect", current) from None
            except (httpx.ReadTimeout, httpx.WriteTimeout):
                phase = "stall" if in_body else "answer"
                raise FetchTimeout(requested, policy.read_timeout, phase, current) from None
            except httpx.PoolTimeout:
                raise FetchTimeout(requested, policy.connect_timeout, "connect", current) from None
            except httpx.ConnectError as error:
                raise ConnectionFailed(requested, _describe_connect_error(error), current) from None
            except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
                reason = ("the connection broke off during the download" if in_body
                          else "the server closed the connection without a proper answer")
                raise ConnectionFailed(requested, reason, current) from None
            except (httpx.InvalidURL, httpx.UnsupportedProtocol) as error:
                raise UnsupportedURL(requested, f"not a usable address ({error})") from None
            except httpx.HTTPError as error:
                raise ConnectionFailed(requested, f"the request failed ({error})", current) from None


def _result(reply: _Exchange, requested: str, final: str, sent: Validators | None, started: float,
            redirects: int, moved_permanently: bool) -> FetchResult:
    not_modified = reply.status == 304
    # A 304 may omit the validators; the ones we sent are still the right ones to keep.
    kept = sent if not_modified and sent else Validators()
    return FetchResult(
        url=final,
        requested_url=requested,
        status=reply.status,
        content_type=reply.headers.get("content-type"),
        etag=reply.headers.get("etag") or kept.etag,
        last_modified=reply.headers.get("last-modified") or kept.last_modified,
        body=None if not_modified else (reply.body or b""),
        not_modified=not_modified,
        elapsed=time.monotonic() - started,
        redirects=redirects,
        bytes_transferred=reply.wire_bytes,
        moved_permanently=moved_permanently,
    )


@functools.cache
def _tls_context() -> ssl.SSLContext:
    # Loading the CA bundle takes ~0.1 s; every Fetcher of the process shares one context.
    return httpx.create_ssl_context()


def _read_body(response: httpx.Response, requested: str, current: str, limit: int,
               deadline: float, total_timeout: float, cancelled: CancelCheck) -> tuple[bytes, int]:
    """Read and decompress the body, stopping as soon as it passes *limit* decoded bytes."""
    try:
        decoder = _BodyDecoder(response.headers.get("content-encoding"))
    except ValueError as error:
        raise BadContentEncoding(requested, str(error), current) from None
    declared = response.headers.get("content-length", "")
    if not decoder.compressed and declared.isdigit() and int(declared) > limit:
        raise ResponseTooLarge(requested, limit, current)
    body = bytearray()
    wire = 0
    for chunk in response.iter_raw():
        wire += len(chunk)
        if cancelled():
            raise Cancelled
        try:
            for piece in decoder.decode(chunk):
                if len(body) + len(piece) > limit:
                    raise ResponseTooLarge(requested, limit, current)
                body += piece
        except zlib.error as error:
            raise BadContentEncoding(requested, str(error), current) from None
        if time.monotonic() > deadline:
            raise FetchTimeout(requested, total_timeout, "total", current)
    return bytes(body), wire


class _BodyDecoder:
    """gzip/deflate decompression that never produces more than one small piece at a time."""

    def __init__(self, content_encoding: str | None) -> None:
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise ValueError(f"unsupported content encoding {content_encoding!r}")
        self.coding = codings[0] if codings else None
        self.compressed = self.coding is not None
        self._inflater: zlib._Decompress | None = None
        self._finished = False

    def decode(self, data: bytes) -> Iterator[bytes]:
        if self.coding is None:
            if data:
                yield data
            return
        while data and not self._finished:
            if self._inflater is None:
                self._inflater = zlib.decompressobj(self._wbits(data))
            piece = self._inflater.decompress(data, _DECODED_PIECE)
            if piece:
                yield piece
            data = self._inflater.unconsumed_tail
            if self._inflater.eof:
                data = self._inflater.unused_data
                # A gzip body may be several concatenated members; anything else
                # after the end of the stream is trailing junk we ignore.
                if self.coding != "deflate" and data[:2] == b"\x1f\x8b":
                    self._inflater = None
                else:
                    self._finished = True

    def _wbits(self, first: bytes) -> int:
        if self.coding != "deflate":
            return 16 + zlib.MAX_WBITS
        # "deflate" should be zlib-wrapped, but some servers send raw deflate.
        looks_zlib = len(first) >= 2 and first[0] & 0x0F == 8 and ((first[0] << 8) | first[1]) % 31 == 0
        return zlib.MAX_WBITS if looks_zlib else -zlib.MAX_WBITS


# --- URLs, headers ----------------------------------------------------------------------


def check_fetchable_url(url: str) -> str:
    """*url* stripped, if it is an absolute http(s) URL with a host; else :class:`UnsupportedURL`.

        >>> check_fetchable_url(" https://example.com/feed ")
        'https://example.com/feed'
        >>> check_fetchable_url("file:///etc/passwd")
        Traceback (most recent call last):
        ...
        digest_app.collect.http.UnsupportedURL: file:///etc/passwd: Digest only fetches http:// and https:// addresses
    """
    text = (url or "").strip()
    if not text:
        raise UnsupportedURL("(empty address)", "no address given")
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in text):
        raise UnsupportedURL(text, "the address contains spaces or control characters")
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError on a malformed port
    except ValueError:
        raise UnsupportedURL(text, "not a valid web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise UnsupportedURL(text, "Digest only fetches http:// and https:// addresses")
    if not host:
        raise UnsupportedURL(text, "the address has no host name")
    return text


def _redirect_target(requested: str, current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    parts = urlsplit(target)
    target = urlunsplit(parts._replace(fragment=""))
    try:
        return check_fetchable_url(target)
    except UnsupportedURL:
        raise UnsupportedURL(requested, f"redirected to an address Digest does not fetch ({_shown(target)})") from None


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent or junk.

        >>> parse_retry_after("120")
        120.0
        >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=datetime(2015, 10, 21, 7, 27, tzinfo=timezone.utc))
        60.0
    """
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def _describe_connect_error(error: httpx.ConnectError) -> str:
    text = str(error)
    lowered = text.lower()
    if "refused" in lowered:
        return "could not connect (connection refused)"
    if "name or service not known" in lowered or "nodename nor servname" in lowered \
            or "temporary failure in name resolution" in lowered or "getaddrinfo" in lowered:
        return "could not connect (the host name could not be found)"
    if "certificate" in lowered or "ssl" in lowered:
        return f"could not connect securely ({text})"
    if "unreachable" in lowered:
        return "could not connect (the network is unreachable)"
    return f"could not connect ({text or type(error).__name__})"


def _cancel_check(cancel: Cancel) -> CancelCheck:
    if cancel is None:
        return never_cancelled
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _interleave_by_host(requests: list[FetchRequest]) -> list[int]:
    """Indices of *requests*, one host after another in turn (a1 b1 c1 a2 b2 a3 ...)."""
    by_host: dict[str, list[int]] = {}
    for index, request in enumerate(requests):
        try:
            host = (urlsplit(request.url.strip()).hostname or "").lower()
        except ValueError:
            host = ""
        by_host.setdefault(host, []).append(index)
    queues = list(by_host.values())
    order: list[int] = []
    depth = 0
    while len(order) < len(requests):
        order.extend(queue[depth] for queue in queues if depth < len(queue))
        depth += 1
    return order


def _shown(url: str, limit: int = 200) -> str:
    """A URL as it appears in a message; a huge ``data:`` URL is cut short."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


def _size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.3g} MiB"
    if n >= 1024:
        return f"{n / 1024:.3g} KiB"
    return f"{n} bytes"


# --- what the body is -------------------------------------------------------------------

_FIRST_ELEMENT = re.compile(r"<(?:!--.*?-->|![^>]*>|\?.*?\?>|([A-Za-z][\w:.-]*))", re.S)
_FEED_ROOTS = frozenset({"rss", "feed", "rdf:rdf", "rdf", "channel"})
_HTML_ROOTS = frozenset({"html", "head", "body", "meta", "title", "link", "script", "div", "style"})


def sniff_document(body: bytes | None, content_type: str | None = None) -> DocumentKind:
    """Whether *body* is a feed (RSS/Atom/RDF), JSON, an HTML page, or something else.

    The bytes decide; ``Content-Type`` only breaks ties, because servers often
    label feeds ``text/html`` or ``text/plain`` and pages ``text/xml``.

        >>> sniff_document(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "text/html")
        'feed'
        >>> sniff_document(b"<!DOCTYPE html><html><head><title>x</title>", "application/rss+xml")
        'html'
    """
    head = _head_text(body or b"")
    stripped = head.lstrip()
    if stripped.startswith(("{", "[")):
        return "json"
    match = _FIRST_ELEMENT.search(stripped)
    while match is not None and match.group(1) is None:
        if match.group(0).lower().startswith("<!doctype html"):
            return "html"
        match = _FIRST_ELEMENT.search(stripped, match.end())
    if match is not None:
        root = match.group(1).lower()
        if root in _FEED_ROOTS or root.endswith(":rdf"):
            return "feed"
        if root in _HTML_ROOTS:
            return "html"
        return "unknown"
    media = (content_type or "").split(";")[0].strip().lower()
    if not stripped:
        return "unknown"
    if media in ("text/html", "application/xhtml+xml"):
        return "html"
    if media.endswith(("json",)):
        return "json"
    if media.endswith(("rss+xml", "atom+xml", "rdf+xml", "/xml")):
        return "feed"
    return "unknown"


def _head_text(body: bytes, size: int = 4096) -> str:
    """The start of *body* as text good enough to find the first tag."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom): len(bom) + size].decode(encoding, errors="ignore")
    return body[:size].decode("latin-1")


_META_CHARSET = re.compile(rb"<meta[^>]+?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_CT_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
# What browsers actually use for these labels (WHATWG Encoding Standard).
_BROWSER_ENCODING = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252",
                     "us-ascii": "cp1252", "ascii": "cp1252", "utf-16": "utf-8",
                     "utf-16le": "utf-8", "utf-16be": "utf-8"}


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode an HTML page: byte-order mark, then HTTP charset, then ``<meta charset>``, then UTF-8.

    Bytes that are not valid in the chosen encoding become U+FFFD rather than an
    error; a page that declares nothing and is not UTF-8 is read as Windows-1252.

        >>> decode_html("<p>café</p>".encode("cp1252"), "text/html; charset=ISO-8859-1")
        '<p>café</p>'
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, errors="replace")
    declared = None
    if content_type and (match := _CT_CHARSET.search(content_type)):
        declared = match.group(1)
    elif match := _META_CHARSET.search(body[:4096]):
        declared = match.group(1).decode("ascii")
    encoding = _usable_encoding(declared)
    if encoding:
        return body.decode(encoding, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return body.decode("cp1252", errors="replace")


def _usable_encoding(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _BROWSER_ENCODING.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


_IMAGE_SIGNATURES: tuple[tuple[bytes, int, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"GIF87a", 0, "image/gif"),
    (b"GIF89a", 0, "image/gif"),
    (b"BM", 0, "image/bmp"),
    (b"\x00\x00\x01\x00", 0, "image/x-icon"),
)


def sniff_image(data: bytes) -> str | None:
    """The MIME type of a raster image from its first bytes, or None if it is not one."""
    for signature, offset, mime in _IMAGE_SIGNATURES:
        if data[offset: offset + len(signature)] == signature:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis"):
        return "image/avif"
    return None


# --- feed discovery ---------------------------------------------------------------------

_FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/feed+json",
    "application/rdf+xml", "application/json",
})


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "base" and self.base is None:
            self.base = dict(attrs).get("href") or None
        elif tag == "link":
            self.links.append({k.lower(): (v or "") for k, v in attrs})

    handle_startendtag = handle_starttag


def discover_feeds(html: str, base_url: str) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type="...">``, absolute, best first.

    RSS, Atom, RDF and JSON Feed are recognised. A plain ``application/json``
    alternate counts only when it says "feed" in its URL or title, because
    WordPress advertises its REST API that way too. Comment feeds go last.

        >>> discover_feeds('<link rel="alternate" type="application/atom+xml" href="/feeds/main">',
        ...                "https://daringfireball.net/")
        ['https://daringfireball.net/feeds/main']
    """
    collector = _LinkCollector()
    collector.feed(html)
    collector.close()
    base = urljoin(base_url, collector.base) if collector.base else base_url
    found: list[tuple[bool, str]] = []
    for link in collector.links:
        rels = link.get("rel", "").lower().split()
        media = link.get("type", "").split(";")[0].strip().lower()
        href = link.get("href", "").strip()
        title = link.get("title", "").lower()
        if "alternate" not in rels or media not in _FEED_TYPES or not href:
            continue
        if media == "application/json" and "feed" not in href.lower() and "feed" not in title:
            continue
        url = urlunsplit(urlsplit(urljoin(base, href))._replace(fragment=""))
        try:
            check_fetchable_url(url)
        except UnsupportedURL:
            continue
        if url not in (seen for _, seen in found):
            found.append(("comment" in title, url))
    return [url for _, url in sorted(found, key=lambda item: item[0])]
