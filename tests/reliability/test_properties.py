"""Property-based tests (hypothesis) for feed normalisation and URL canonicalisation.

Whatever a feed holds, reading it raises nothing but ParseError, and every entry
it gives is clean enough to store and show: a title, no control characters or
lone surrogates, only http(s) links, HTML without scripts, styles, frames, event
handlers or script URLs, dates that are aware and plausible, one entry per guid.
A canonical URL is a web URL, stable (canonicalising it again changes nothing),
and the same for the variants of one address.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from digest_app.collect.entries import EARLIEST_DATE, make_article, plain_text, web_url
from digest_app.collect.feeds import parse_feed
from digest_app.errors import ParseError
from digest_app.records import ParsedArticle, ParsedFeed
from digest_app.urls import canonical_url, is_web_url

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_UNSAFE_MARKUP = re.compile(
    r"<(?:script|style|iframe|object|embed|form|svg|math|link|meta|base)\b|<[^>]*\son[a-z]+\s*="
    r"|<[^>]*=\s*[\"']?\s*(?:javascript|data|vbscript|file):",
    re.IGNORECASE,
)
QUICK = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- what hostile feeds are made of ----------------------------------------------------------

_ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
_HOSTILE_BITS = st.sampled_from([
    "<script>alert(1)</script>", '<img src="javascript:alert(1)">', '<a href="data:text/html,x">d</a>',
    '<p onclick="steal()">p</p>', "<iframe src=https://evil.example/></iframe>", "<style>p{}</style>",
    '<a href="file:///etc/passwd">f</a>', "<svg><script>x</script></svg>", "<html/>", "</body>", "<div>" * 300,
    "<!-- c", "&#0;", "&#xD800;", "&#1114112;", "\x00", "\x1b", "\ufffe", "&nbsp;", "&bogus;", "<![CDATA[",
    "]]>", "<b>", "</i>", "小米", "\u202e", " ", "\n",
])
_MARKUP = st.lists(st.one_of(_ANY_TEXT, _HOSTILE_BITS), max_size=8).map("".join)
_LINKS = st.one_of(
    _ANY_TEXT,
    st.sampled_from([
        "https://news.example.com/a", "/relative/path", "javascript:alert(1)", "data:text/html,x",
        "file:///etc/passwd", "  https://news.example.com/b\n", "HTTPS://NEWS.EXAMPLE.COM/C", "http://[::1",
        "http://127.0.0.1:99999/", "mailto:a@example.com", "//cdn.example.com/x.jpg", "",
    ]),
)
_DATES = st.one_of(
    _ANY_TEXT,
    st.sampled_from([
        "Wed, 01 Jan 2099 00:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
        "2026-11-21T12:00:00+14:00", "2026-02-30T00:00:00Z", "9999-12-31T23:59:59Z", "yesterday",
        "Sat, 21 Nov 2026 11:00:00 GMT", "20261121", "-1", "",
    ]),
    st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31)).map(lambda d: d.isoformat()),
)
_ENTRY = st.fixed_dictionaries({
    "title": _MARKUP, "link": _LINKS, "guid": st.one_of(st.just(""), st.sampled_from(["1", "2", "same"]), _ANY_TEXT),
    "description": _MARKUP, "content": _MARKUP, "pubDate": _DATES, "author": _ANY_TEXT, "image": _LINKS,
})


def _text(value: str) -> str:
    """Character data for the XML, C0 controls and all: the reader must cope with them."""
    return escape(value).replace("\ud800", "&#xD800;").encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _rss(entries: list[dict[str, str]]) -> bytes:
    items = []
    for e in entries:
        items.append(
            f"<item><title>{_text(e['title'])}</title><link>{_text(e['link'])}</link>"
            f"<guid>{_text(e['guid'])}</guid><description>{_text(e['description'])}</description>"
            f"<content:encoded>{_text(e['content'])}</content:encoded><pubDate>{_text(e['pubDate'])}</pubDate>"
            f"<dc:creator>{_text(e['author'])}</dc:creator>"
            f"<media:content url={quoteattr(_text(e['image']))} medium=\"image\"/></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:media="http://search.yahoo.com/mrss/">'
        "<channel><title>Hostile</title><link>https://news.example.com/</link>" + "".join(items) + "</channel></rss>"
    ).encode("utf-8", "surrogatepass")


def _atom(entries: list[dict[str, str]]) -> bytes:
    parts = []
    for e in entries:
        parts.append(
            f"<entry><id>{_text(e['guid'])}</id><title type=\"html\">{_text(e['title'])}</title>"
            f"<link href={quoteattr(_text(e['link']))}/><updated>{_text(e['pubDate'])}</updated>"
            f"<summary type=\"html\">{_text(e['description'])}</summary>"
            f"<content type=\"html\">{_text(e['content'])}</content><author><name>{_text(e['author'])}</name></author></entry>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example.com/">'
        "<title>Hostile</title>" + "".join(parts) + "</feed>"
    ).encode("utf-8", "surrogatepass")


def assert_clean(article: ParsedArticle) -> None:
    assert article.title.strip()
    for value in (article.title, article.text, article.content_html, article.author or "",
                  article.feed_summary or "", article.guid or ""):
        assert not _FORBIDDEN.search(value), value
    assert "\n" not in article.title and "\n" not in (article.author or "")
    assert not _UNSAFE_MARKUP.search(article.content_html), article.content_html
    for address in (article.url, article.image_url):
        assert address is None or is_web_url(address), address
    if article.published is not None:
        assert article.published.utcoffset() == timedelta(0)
        assert EARLIEST_DATE <= article.published <= NOW + timedelta(days=1)
    assert article.language is None or re.fullmatch(r"[a-z]{2,3}", article.language)


def assert_clean_feed(feed: ParsedFeed) -> None:
    guids = [a.guid for a in feed.entries if a.guid is not None]
    assert len(guids) == len(set(guids))
    for article in feed.entries:
        assert_clean(article)


def read(data: bytes) -> ParsedFeed | None:
    try:
        return parse_feed(data, name="hostile.xml", now=NOW)
    except ParseError as error:
        assert str(error).startswith("hostile.xml: ")
        return None


@QUICK
@given(st.lists(_ENTRY, max_size=4), st.sampled_from([_rss, _atom]))
def test_any_entries_read_clean_or_fail_with_a_parse_error(entries, layout):
    feed = read(layout(entries))
    if feed is not None:
        assert_clean_feed(feed)


@QUICK
@given(st.lists(_ENTRY, min_size=1, max_size=4))
def test_any_json_feed_items_read_clean_or_fail_with_a_parse_error(entries):
    items = [{"id": e["guid"], "url": e["link"], "title": e["title"], "content_html": e["content"],
              "summary": e["description"], "date_published": e["pubDate"], "authors": [{"name": e["author"]}],
              "image": e["image"]} for e in entries]
    data = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Hostile", "items": items})
    feed = read(data.encode("utf-8", "surrogatepass"))
    if feed is not None:
        assert_clean_feed(feed)


@QUICK
@given(st.binary(max_size=400), st.sampled_from([b"", b'<?xml version="1.0"?><rss version="2.0"><channel><item>',
                                                  b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>", b'{"version":']))
def test_any_bytes_read_clean_or_fail_with_a_parse_error(noise, opening):
    feed = read(opening + noise)
    if feed is not None:
        assert_clean_feed(feed)


@QUICK
@given(_ENTRY, st.sampled_from([None, "https://news.example.com/feed/", "file:///tmp/x.xml", "javascript:x"]))
def test_any_entry_parts_make_a_clean_article_or_none(entry, base):
    # The summary arrives as plain text, as both feed readers hand it over.
    article = make_article(title=entry["title"], content_html=entry["content"], base_url=base, url=entry["link"],
                           guid=entry["guid"], author=entry["author"],
                           summary_text=plain_text(entry["description"], is_html=True), image_url=entry["image"])
    if article is not None:
        assert_clean(article)


# --- URL canonicalisation --------------------------------------------------------------------

_HOSTS = st.from_regex(r"(?:(?:www|m|amp|mobile|News)\.){0,2}[a-z0-9-]{1,10}(?:\.[A-Za-z0-9-]{1,8}){0,2}", fullmatch=True)
_PATHS = st.lists(st.text(st.characters(codec="utf-8", exclude_characters="/?#"), max_size=6), max_size=4).map("/".join)
_QUERIES = st.lists(st.tuples(st.sampled_from(["id", "p", "Q", "a b", "x%20", "utm_source", "fbclid", "amp"]),
                              st.text(st.characters(codec="utf-8", exclude_characters="&#="), max_size=4)), max_size=4)
_URLS = st.builds(
    lambda scheme, host, port, path, query, fragment: (
        f"{scheme}://{host}{port}/{path}" + ("?" + "&".join(f"{k}={v}" for k, v in query) if query else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTP", "HtTpS", "ftp", "file", "javascript", "data"]), _HOSTS,
    st.sampled_from(["", ":80", ":443", ":8080", ":0", ":99999", ":x"]), _PATHS, _QUERIES, _ANY_TEXT,
)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_ANY_TEXT, _URLS))
@example("HTTP://0:443")  # http on 443 became https with the port kept; again, without it
@example("HTTP://0//")  # a path of slashes became "" once, "/" the next time
@example("http://m.www.example.com/a")  # only one mobile or www label came off at a time
def test_canonical_urls_are_web_urls_that_canonicalise_to_themselves(url):
    canonical = canonical_url(url)
    if canonical is None or not is_web_url(url):
        return
    assert is_web_url(canonical) and canonical.startswith("https://") and "#" not in canonical
    assert canonical_url(canonical) == canonical


@settings(max_examples=300, deadline=None)
@given(_URLS.map(lambda url: re.sub(r"\s", "", url)).filter(is_web_url),
       st.sampled_from(["utm_source=feed", "fbclid=abc", "utm_campaign=x&gclid=1"]),
       st.text(st.characters(codec="utf-8"), max_size=6))
def test_tracking_fragments_case_and_scheme_do_not_make_another_story(url, tracking, fragment):
    canonical = canonical_url(url)
    if canonical is None:
        return
    address = url.split("#", 1)[0]
    variants = [
        address + ("&" if "?" in address else "?") + tracking,
        f"{address}#{fragment}",
        re.sub(r"^[A-Za-z]+://", lambda m: m.group().swapcase(), address),
        re.sub(r"^[A-Za-z]+://", "http://" if url.lower().startswith("https") else "https://", address),
    ]
    for variant in variants:
        if not re.search(r":(?:80|443)\b", variant):  # a default port names the scheme it belongs to
            assert canonical_url(variant) == canonical, variant


@settings(max_examples=300, deadline=None)
@given(st.one_of(_ANY_TEXT, _URLS, _LINKS), st.sampled_from([None, "https://news.example.com/feed/", "file:///x/"]))
def test_links_are_web_urls_or_nothing(value, base):
    link = web_url(value, base)
    assert link is None or (is_web_url(link) and not re.search(r"[\s\x00-\x1f]", link))
