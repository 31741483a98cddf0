"""The fetcher against a real loopback server that misbehaves on purpose."""

from __future__ import annotations

import gzip
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from digest_app import __version__
from digest_app.collect.http import (
    HTML_ACCEPT,
    BadContentEncoding,
    ConnectionFailed,
    FetchCancelled,
    Fetcher,
    FetchPolicy,
    FetchRequest,
    FetchTimeout,
    HTTPStatusError,
    MiB,
    NotAnImage,
    RateLimited,
    ResponseTooLarge,
    TooManyRedirects,
    UnsupportedURL,
    Validators,
    decode_html,
    discover_feeds,
    sniff_document,
)
from digest_app.errors import FetchError
from tests.support.loopback import Exchange, LoopbackServer, file_route, loopback_server  # noqa: F401 (fixture)

FAST = FetchPolicy(connect_timeout=2, read_timeout=2, total_timeout=10, min_host_interval=0,
                   max_retry_after=2)


@pytest.fixture
def feeds(shared: Path) -> Path:
    return shared / "corpora" / "real-feeds" / "netnewswire"


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FAST) as f:
        yield f


def fetcher_with(**changes) -> Fetcher:
    from dataclasses import replace

    return Fetcher(replace(FAST, **changes))


# --- plain fetching ---------------------------------------------------------------------


def test_real_feed_arrives_intact_with_an_honest_user_agent(loopback_server, fetcher, feeds):
    file = feeds / "manton.rss"
    url = loopback_server.serve_file("/feed.rss", file)

    result = fetcher.fetch(url)

    assert result.status == 200 and not result.not_modified
    assert result.body == file.read_bytes()
    assert result.kind == "feed"
    assert len(feedparser.parse(result.body).entries) > 0
    agent = loopback_server.hits_for("/feed.rss")[0].headers["user-agent"]
    assert agent == f"Digest/{__version__} (+desktop news reader; feed fetcher)"


def test_gzip_encoded_feed_is_decoded_and_counted_compressed(loopback_server, fetcher, feeds):
    file = feeds / "DaringFireball.rss"
    url = loopback_server.serve_file("/df.rss", file, gzip_encoded=True)

    result = fetcher.fetch(url)

    assert result.body == file.read_bytes()
    assert result.bytes_transferred < len(result.body) / 2
    assert "gzip" in loopback_server.hits_for("/df.rss")[0].headers["accept-encoding"]


@pytest.mark.parametrize("wrapped", [True, False], ids=["zlib-deflate", "raw-deflate"])
def test_deflate_body_is_decoded_whether_zlib_wrapped_or_raw(loopback_server, fetcher, wrapped):
    text = b"<rss version='2.0'><channel><title>Xiaomi</title></channel></rss>" * 50
    compressor = zlib.compressobj(6, zlib.DEFLATED, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
    body = compressor.compress(text) + compressor.flush()
    url = loopback_server.serve("/deflate", body, content_type="application/rss+xml",
                                headers={"Content-Encoding": "deflate"})

    assert fetcher.fetch(url).body == text


def test_corrupt_gzip_body_raises_bad_content_encoding(loopback_server, fetcher):
    url = loopback_server.serve("/broken.gz", b"\x1f\x8b\x08\x00garbage that is not deflate data" * 10,
                                headers={"Content-Encoding": "gzip"})

    with pytest.raises(BadContentEncoding, match="cannot be decompressed") as caught:
        fetcher.fetch(url)
    assert url in str(caught.value)


# --- conditional GET --------------------------------------------------------------------


def test_etag_round_trip_gives_304_without_body(loopback_server, fetcher, feeds):
    url = loopback_server.serve_file("/feed.rss", feeds / "manton.rss", etag='"v1"')

    first = fetcher.fetch(url)
    second = fetcher.fetch(url, first.validators)

    assert first.etag == '"v1"'
    assert second.not_modified and second.status == 304
    assert second.body is None and second.bytes_transferred == 0
    assert second.validators == Validators(etag='"v1"')
    assert loopback_server.hits_for("/feed.rss")[1].headers["if-none-match"] == '"v1"'


def test_last_modified_round_trip_gives_304(loopback_server, fetcher, feeds):
    stamp = "Tue, 19 Nov 2019 08:00:00 GMT"
    url = loopback_server.serve_file("/feed.atom", feeds / "russcox.atom", last_modified=stamp)

    first = fetcher.fetch(url)
    second = fetcher.fetch(url, first.validators)

    assert first.last_modified == stamp and first.body
    assert second.not_modified and second.body is None
    assert second.last_modified == stamp
    assert loopback_server.hits_for("/feed.atom")[1].headers["if-modified-since"] == stamp


def test_stale_etag_gets_the_new_feed(loopback_server, fetcher, feeds):
    file = feeds / "manton.rss"
    url = loopback_server.serve_file("/feed.rss", file, etag='"v2"')

    result = fetcher.fetch(url, Validators(etag='"v1"'))

    assert not result.not_modified
    assert result.body == file.read_bytes() and result.etag == '"v2"'


# --- redirects --------------------------------------------------------------------------


def test_permanent_redirects_are_followed_and_reported(loopback_server, fetcher, feeds):
    loopback_server.serve_file("/new/feed.rss", feeds / "manton.rss")
    first = loopback_server.redirect_chain("/old", 3, "/new/feed.rss", status=301)

    result = fetcher.fetch(first)

    assert result.url == loopback_server.url("/new/feed.rss")
    assert result.requested_url == first
    assert result.redirects == 3 and result.moved_permanently


def test_temporary_redirect_does_not_ask_to_move_the_source(loopback_server, fetcher, feeds):
    loopback_server.serve_file("/feed.rss", feeds / "manton.rss")
    url = loopback_server.redirect("/feed", "/feed.rss", status=302)

    result = fetcher.fetch(url)

    assert result.redirects == 1 and not result.moved_permanently


def test_six_redirects_are_too_many(loopback_server, fetcher, feeds):
    loopback_server.serve_file("/feed.rss", feeds / "manton.rss")
    first = loopback_server.redirect_chain("/hop", 6, "/feed.rss")

    with pytest.raises(TooManyRedirects, match="redirected more than 5 times") as caught:
        fetcher.fetch(first)
    assert str(caught.value).startswith(first)
    assert not loopback_server.hits_for("/feed.rss")


def test_redirect_loop_is_stopped_as_soon_as_it_closes(loopback_server, fetcher):
    loopback_server.redirect("/a", "/b")
    url = loopback_server.redirect("/b", "/a")

    with pytest.raises(TooManyRedirects, match="loop") as caught:
        fetcher.fetch(url)
    assert caught.value.loop
    assert len(loopback_server.hits) == 2


def test_consent_bounce_that_sets_a_cookie_is_not_a_loop(loopback_server, fetcher):
    def article(exchange: Exchange) -> None:
        if "consent=yes" in exchange.headers.get("cookie", ""):
            exchange.send(200, b"<html><p>The article</p></html>", {"Content-Type": "text/html"})
        else:
            exchange.send(302, b"", {"Location": "/consent"})

    url = loopback_server.route("/article", article)
    loopback_server.serve("/consent", b"", status=302,
                          headers={"Location": "/article", "Set-Cookie": "consent=yes; Path=/"})

    result = fetcher.fetch(url, accept=HTML_ACCEPT)

    assert result.url == url and result.redirects == 2
    assert b"The article" in result.body


def test_redirect_to_a_local_file_is_refused(loopback_server, fetcher):
    url = loopback_server.redirect("/evil", "file:///etc/passwd")

    with pytest.raises(UnsupportedURL, match="redirected to an address Digest does not fetch"):
        fetcher.fetch(url)


# --- error statuses and rate limits -----------------------------------------------------


@pytest.mark.parametrize("status, words", [(500, "500 Internal Server Error"), (404, "404 Not Found"),
                                           (503, "503 Service Unavailable")])
def test_error_status_names_url_and_status(loopback_server, fetcher, status, words):
    url = loopback_server.serve("/feed", b"oops", status=status)

    with pytest.raises(HTTPStatusError) as caught:
        fetcher.fetch(url)
    assert caught.value.status == status
    assert not isinstance(caught.value, RateLimited)
    assert str(caught.value) == f"{url}: the server answered {words}"


def test_short_retry_after_is_waited_out_once(loopback_server, fetcher, feeds):
    file = feeds / "manton.rss"
    url = loopback_server.rate_limited("/feed", retry_after="1", times=1, then=file_route(file))

    result = fetcher.fetch(url)

    hits = loopback_server.hits_for("/feed")
    assert result.body == file.read_bytes()
    assert len(hits) == 2
    assert hits[1].at - hits[0].at >= 0.95


def test_long_retry_after_is_reported_not_waited(loopback_server, fetcher):
    url = loopback_server.rate_limited("/feed", retry_after="3600")

    started = time.monotonic()
    with pytest.raises(RateLimited) as caught:
        fetcher.fetch(url)

    assert time.monotonic() - started < 1
    assert caught.value.retry_after == 3600 and caught.value.status == 429
    assert str(caught.value) == (f"{url}: the server asks us to slow down (429 Too Many Requests); "
                                 "retry after 3600 s")
    assert len(loopback_server.hits_for("/feed")) == 1


def test_503_with_http_date_retry_after_is_rate_limited(loopback_server, fetcher):
    url = loopback_server.rate_limited("/feed", status=503, retry_after="Fri, 01 Jan 2100 00:00:00 GMT")

    with pytest.raises(RateLimited) as caught:
        fetcher.fetch(url)
    assert caught.value.status == 503 and caught.value.retry_after > 365 * 24 * 3600


def test_429_that_persists_after_the_wait_is_reported(loopback_server, fetcher):
    url = loopback_server.rate_limited("/feed", retry_after="0")

    with pytest.raises(RateLimited, match="retry after 0 s"):
        fetcher.fetch(url)
    assert len(loopback_server.hits_for("/feed")) == 2


# --- timeouts and size caps -------------------------------------------------------------


def test_server_that_never_answers_times_out_on_time(loopback_server):
    url = loopback_server.stall("/feed", seconds=30)
    started = time.monotonic()

    with fetcher_with(read_timeout=0.5) as fetcher, pytest.raises(FetchTimeout) as caught:
        fetcher.fetch(url)

    assert time.monotonic() - started < 2
    assert str(caught.value) == f"{url}: the server did not answer within 0.5 s"


def test_server_that_stalls_mid_body_times_out(loopback_server):
    url = loopback_server.stall("/feed", seconds=30, after_headers=True)

    with fetcher_with(read_timeout=0.5) as fetcher, pytest.raises(FetchTimeout, match="stopped sending"):
        fetcher.fetch(url)


def test_trickling_body_hits_the_total_deadline(loopback_server):
    def trickle(exchange: Exchange) -> None:
        def drip() -> Iterator[bytes]:
            while True:
                yield b"<item/>"
                exchange.pause(0.05)

        exchange.send_chunked(drip(), headers={"Content-Type": "application/rss+xml"})

    url = loopback_server.route("/slow", trickle)
    started = time.monotonic()

    with fetcher_with(total_timeout=0.6) as fetcher, pytest.raises(FetchTimeout, match="did not finish"):
        fetcher.fetch(url)
    assert time.monotonic() - started < 2


def test_declared_oversized_body_is_refused_before_download(loopback_server):
    url = loopback_server.serve("/huge", b"x" * (2 * MiB), content_type="application/rss+xml")

    with fetcher_with(max_bytes=MiB) as fetcher, pytest.raises(ResponseTooLarge) as caught:
        fetcher.fetch(url)
    assert str(caught.value) == f"{url}: the response is larger than 1 MiB; download stopped"


def _peak_memory_of(call) -> int:
    tracemalloc.start()
    try:
        call()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_endless_body_is_cut_off_at_the_cap_with_bounded_memory(loopback_server):
    url = loopback_server.endless("/endless")
    errors: list[FetchError] = []

    def fetch() -> None:
        with fetcher_with(max_bytes=MiB) as fetcher:
            try:
                fetcher.fetch(url)
            except ResponseTooLarge as error:
                errors.append(error)

    peak = _peak_memory_of(fetch)

    assert errors and "larger than 1 MiB" in str(errors[0])
    assert peak < 4 * MiB


def test_gzip_bomb_is_cut_off_on_decompressed_bytes_with_bounded_memory(loopback_server):
    url = loopback_server.gzip_bomb("/bomb.xml", decompressed_mib=64)
    errors: list[FetchError] = []

    def fetch() -> None:
        with fetcher_with(max_bytes=MiB) as fetcher:
            try:
                fetcher.fetch(url)
            except ResponseTooLarge as error:
                errors.append(error)

    peak = _peak_memory_of(fetch)

    assert errors, "a 64 MiB bomb must not get through a 1 MiB cap"
    assert peak < 4 * MiB


# --- what came back ---------------------------------------------------------------------


def test_feed_served_with_a_wrong_content_type_is_still_a_feed(loopback_server, fetcher, feeds):
    url = loopback_server.serve_file("/feed", feeds / "manton.rss", content_type="text/html")

    assert fetcher.fetch(url).kind == "feed"


def test_json_feed_is_recognised(loopback_server, fetcher, feeds):
    url = loopback_server.serve_file("/feed", feeds / "inessential.json", content_type="text/plain")

    assert fetcher.fetch(url).kind == "json"


def test_html_page_where_a_feed_was_expected_leads_to_its_feed(loopback_server, fetcher, feeds):
    page = feeds / "html-feed-discovery" / "DaringFireball.html"
    url = loopback_server.serve_file("/", page, content_type="application/rss+xml")

    result = fetcher.fetch(url)

    assert result.kind == "html"
    assert discover_feeds(result.text(), result.url) == [loopback_server.url("/feeds/main")]


@pytest.mark.parametrize("page, expected", [
    ("DaringFireball.html", ["https://daringfireball.net/feeds/main"]),
    ("YouTubeTheVolvoRocks.html",
     ["https://www.youtube.com/feeds/videos.xml?channel_id=UCct7QF2jcWRY6dhXWMSq9LQ"]),
    ("coco.html", ["https://www.theatlantic.com/feed/all/", "https://www.theatlantic.com/feed/best-of/"]),
    ("furbo.html", ["http://furbo.org/feed/"]),
    ("inessential.html", ["http://inessential.com/xml/rss.xml"]),
    ("sixcolors.html", ["http://feedpress.me/sixcolors"]),
])
def test_feed_discovery_on_real_pages(feeds, page, expected):
    html = (feeds / "html-feed-discovery" / page).read_text(encoding="utf-8", errors="replace")
    base = "https://www.theatlantic.com/" if page == "coco.html" else "https://daringfireball.net/"

    assert discover_feeds(html, base) == expected


def test_feed_discovery_skips_rest_api_and_puts_comment_feeds_last():
    html = """<head>
      <link rel="alternate" type="application/rss+xml" title="Blog » Comments Feed" href="/comments/feed/">
      <link rel="alternate" type="application/json" href="https://blog.example/wp-json/wp/v2/posts/7">
      <link rel="alternate" type="application/rss+xml" title="Blog » Feed" href="/feed/">
      <link rel="alternate" type="application/feed+json" href="/feed.json">
      <link rel="stylesheet" type="text/css" href="/style.css">
    </head>"""

    assert discover_feeds(html, "https://blog.example/post/7") == [
        "https://blog.example/feed/", "https://blog.example/feed.json", "https://blog.example/comments/feed/",
    ]


def test_html_is_decoded_by_http_charset_then_meta_then_utf8():
    cafe = "<p>Café</p>"
    meta_page = b'<html><head><meta charset="windows-1252"></head>' + cafe.encode("cp1252")

    assert decode_html(cafe.encode("cp1252"), "text/html; charset=ISO-8859-1") == cafe
    assert decode_html(meta_page).endswith(cafe)
    assert decode_html(cafe.encode("utf-8"), "text/html") == cafe
    assert decode_html(cafe.encode("cp1252"), "text/html") == cafe  # undeclared, not UTF-8


def test_sniffing_uses_bytes_before_the_label():
    assert sniff_document(b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- hi --><feed xmlns='x'/>", "text/html") == "feed"
    assert sniff_document(b"<?xml version='1.0'?><rdf:RDF/>", None) == "feed"
    assert sniff_document(b"  <!doctype html><title>x</title>", "application/atom+xml") == "html"
    assert sniff_document(b"<?xml version='1.0'?><urlset/>", "application/xml") == "unknown"
    assert sniff_document(b"", "application/rss+xml") == "unknown"


# --- URLs we refuse ---------------------------------------------------------------------


@pytest.mark.parametrize("url, words", [
    ("file:///etc/passwd", "only fetches http:// and https://"),
    ("javascript:alert(1)", "only fetches http:// and https://"),
    ("data:text/html;base64,PHA+aGk8L3A+", "only fetches http:// and https://"),
    ("ftp://ftp.example.com/feed.xml", "only fetches http:// and https://"),
    ("http:///feed.xml", "no host name"),
    ("https://exa mple.com/feed", "spaces or control characters"),
    ("https://example.com:99999/feed", "not a valid web address"),
])
def test_non_web_urls_are_refused_before_any_request(fetcher, url, words):
    with pytest.raises(UnsupportedURL, match=words) as caught:
        fetcher.fetch(url)
    assert str(caught.value).startswith(url)


def test_refused_connection_names_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed"

    with Fetcher(FAST) as fetcher, pytest.raises(ConnectionFailed) as caught:
        fetcher.fetch(url)
    assert str(caught.value) == f"{url}: could not connect (connection refused)"


# --- politeness, concurrency, cancellation ----------------------------------------------


def test_requests_to_one_host_are_spaced(loopback_server, feeds):
    url = loopback_server.serve_file("/feed.rss", feeds / "manton.rss")

    with fetcher_with(min_host_interval=0.3) as fetcher:
        for _ in range(3):
            fetcher.fetch(url)

    times = [hit.at for hit in loopback_server.hits_for("/feed.rss")]
    assert all(later - earlier >= 0.28 for earlier, later in zip(times, times[1:]))


class Gauge:
    """A route that takes a while and records how many requests it served at once."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.now = 0
        self.peak = 0
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> None:
        with self._lock:
            self.now += 1
            self.peak = max(self.peak, self.now)
        exchange.pause(self.seconds)
        with self._lock:
            self.now -= 1
        exchange.send(200, b"<rss version='2.0'><channel/></rss>", {"Content-Type": "application/rss+xml"})


def test_fetch_many_keeps_a_bounded_number_in_flight(loopback_server):
    gauge = Gauge(0.2)
    loopback_server.route("/slow", gauge)
    requests = [FetchRequest(loopback_server.url(f"/slow?n={n}")) for n in range(6)]
    seen = []

    with fetcher_with(max_in_flight=2, max_per_host=4) as fetcher:
        outcomes = fetcher.fetch_many(requests, on_result=seen.append)

    assert gauge.peak == 2
    assert [o.request for o in outcomes] == requests and all(o.ok for o in outcomes)
    assert sorted(o.request.url for o in seen) == sorted(r.url for r in requests)


def test_fetch_many_limits_each_host_separately():
    gauges = [Gauge(0.2), Gauge(0.2)]
    with LoopbackServer() as one, LoopbackServer() as two:
        requests = []
        for server, gauge in zip((one, two), gauges):
            server.route("/slow", gauge)
            requests += [FetchRequest(server.url(f"/slow?n={n}")) for n in range(3)]
        with fetcher_with(max_in_flight=4, max_per_host=1) as fetcher:
            outcomes = fetcher.fetch_many(requests)

    assert [gauge.peak for gauge in gauges] == [1, 1]
    assert all(o.ok for o in outcomes)


def test_fetch_many_reports_each_failure_by_name(loopback_server, feeds):
    good = loopback_server.serve_file("/good.rss", feeds / "manton.rss")
    bad = loopback_server.serve("/bad", b"", status=500)

    with Fetcher(FAST) as fetcher:
        outcomes = fetcher.fetch_many([FetchRequest(bad), FetchRequest(good), FetchRequest("file:///x")])

    assert isinstance(outcomes[0].error, HTTPStatusError) and outcomes[0].error.status == 500
    assert outcomes[1].ok and outcomes[1].result.body
    assert isinstance(outcomes[2].error, UnsupportedURL)


def test_cancel_stops_a_download_in_progress(loopback_server):
    def drip(exchange: Exchange) -> None:
        def forever() -> Iterator[bytes]:
            while True:
                yield b"<item/>"
                exchange.pause(0.05)

        exchange.send_chunked(forever())

    url = loopback_server.route("/drip", drip)
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()

    with Fetcher(FAST) as fetcher, pytest.raises(FetchCancelled, match="cancelled"):
        fetcher.fetch(url, cancel=cancel)
    assert time.monotonic() - started < 1


def test_cancel_returns_fetch_many_at_once(loopback_server):
    url = loopback_server.stall("/stall", seconds=30)
    requests = [FetchRequest(f"{url}?n={n}") for n in range(8)]
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    started = time.monotonic()

    with fetcher_with(read_timeout=5, max_in_flight=2) as fetcher:
        outcomes = fetcher.fetch_many(requests, cancel=cancel)
        returned = time.monotonic() - started

    assert returned < 1
    assert len(outcomes) == 8
    assert all(isinstance(o.error, FetchCancelled) for o in outcomes)


def test_cancel_interrupts_a_retry_after_wait(loopback_server):
    url = loopback_server.rate_limited("/feed", retry_after="2")
    cancel = threading.Event()
    threading.Timer(0.2, cancel.set).start()
    started = time.monotonic()

    with Fetcher(FAST) as fetcher, pytest.raises(FetchCancelled):
        fetcher.fetch(url, cancel=cancel)
    assert time.monotonic() - started < 1


# --- images -----------------------------------------------------------------------------


def _png_1x1() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def test_lead_image_is_fetched_with_type_from_its_bytes(loopback_server, fetcher):
    png = _png_1x1()
    url = loopback_server.serve("/lead", png, content_type="application/octet-stream")

    image = fetcher.fetch_image(url)

    assert image.mime == "image/png" and image.data == png
    assert loopback_server.hits_for("/lead")[0].headers["accept"].startswith("image/")


def test_html_error_page_posing_as_image_is_refused(loopback_server, fetcher):
    url = loopback_server.serve("/lead.jpg", b"<html><body>Not found</body></html>", content_type="image/jpeg")

    with pytest.raises(NotAnImage, match=r"not an image .*image/jpeg"):
        fetcher.fetch_image(url)


def test_oversized_image_is_not_cached(loopback_server, fetcher):
    url = loopback_server.serve("/big.png", _png_1x1() + bytes(300_000), content_type="image/png")

    with pytest.raises(ResponseTooLarge):
        fetcher.fetch_image(url, max_bytes=100_000)


def test_article_page_from_the_corpus_is_served_as_html(loopback_server, fetcher, shared):
    page = next((shared / "corpora" / "article-pages" / "html").glob("*.html.gz"))
    url = loopback_server.serve_file("/article", page)

    result = fetcher.fetch(url, accept=HTML_ACCEPT)

    assert result.kind == "html"
    assert result.text() == gzip.decompress(page.read_bytes()).decode("utf-8")
