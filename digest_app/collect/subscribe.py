"""Adding sources: a URL the user pastes, an OPML file, or the shipped Xiaomi sources.

    >>> result = subscribe(lib, "https://example.com/")        # a site: its advertised feed
    >>> result.source.kind, result.source.url, result.discovered_from
    ('feed', 'https://example.com/feed/', 'https://example.com/')
    >>> subscribe(lib, "https://example.com/news/story.html").source.kind   # one article
    'page'
    >>> import_opml_file(lib, "subscriptions.opml").added
    >>> export_opml_file(lib, "backup.opml")

A URL is fetched once to see what it is: a feed (RSS, RDF, Atom, JSON Feed)
becomes a feed source; an article page (it says so: ``og:type`` "article" or a
schema.org ``Article``/``NewsArticle``/``BlogPosting``) becomes a ``page`` source
holding that article, even though its site advertises a feed; any other page
that advertises feeds (``<link rel="alternate">``: a site's front page, a
section) subscribes to the first one; a page without feeds, if it holds an
article, becomes a page source. The new source's first
articles are stored at once (from the document just fetched, not fetched
twice). Only http(s) addresses are accepted: ``file:``, ``javascript:``,
``data:`` and other schemes are refused with an error naming the address.

With ``topic_filter=None`` a new feed gets the topic filter when fewer than
half of its current entries are about the topic (a general tech feed), and goes
unfiltered when it is mostly about it; a single page is never filtered.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from digest_app.collect import feeds, opml
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.http import (
    FEED_ACCEPT,
    Fetcher,
    FetchResult,
    check_fetchable_url,
    discover_feeds,
)
from digest_app.collect.pipeline import topic_rules
from digest_app.collect.refresh import SourceRefresh, refresh_with
from digest_app.errors import InputError, ParseError, UnsupportedFormatError
from digest_app.files import write_atomically
from digest_app.paths import data_file
from digest_app.records import OutlineFeed, ParsedFeed, Source
from digest_app.store import Library

#: The Xiaomi sources Digest ships (feeds marked for the topic filter or not).
DEFAULT_SOURCES = data_file("sources", "xiaomi.opml")
#: Below this share of relevant entries, a new feed gets the topic filter.
AUTO_FILTER_SHARE = 0.5
_MAX_OPML_BYTES = 16 * 1024 * 1024
_META_TAG = re.compile(r"<meta\b[^>]*>", re.I)
_OG_TYPE = re.compile(r"""\bproperty\s*=\s*["']?og:type\b""", re.I)
_ARTICLE_CONTENT = re.compile(r"""\bcontent\s*=\s*["']?article\b""", re.I)
_SCHEMA_ARTICLE = re.compile(r'"@type"\s*:\s*\[?\s*"(?:(?:News|Reportage|Analysis)?Article|BlogPosting)"')


@dataclass(frozen=True)
class SubscribeResult:
    """The source a URL became.

    ``created`` is false when the library already had it (nothing was stored
    then, and ``first_refresh`` is None). ``discovered_from`` is the site page a
    feed was found on; ``other_feeds`` the other feeds that page advertises.
    """

    source: Source
    created: bool
    kind: Literal["feed", "page"]
    discovered_from: str | None = None
    other_feeds: tuple[str, ...] = ()
    first_refresh: SourceRefresh | None = None


@dataclass(frozen=True)
class SourcesAdded:
    """What adding a list of feeds did: new sources, ones already there, outlines skipped."""

    added: tuple[Source, ...] = ()
    existing: tuple[Source, ...] = ()
    skipped: tuple[str, ...] = ()


def subscribe(
    lib: Library,
    url: str,
    *,
    topic_filter: bool | None = None,
    fetcher: Fetcher | None = None,
) -> SubscribeResult:
    """Add the source *url* points at and store its current articles; see the module docstring.

    Raises :class:`~digest_app.collect.http.UnsupportedURL` for a non-http(s)
    address, a :class:`~digest_app.errors.FetchError` when it cannot be fetched,
    and :class:`~digest_app.errors.ParseError` when it is neither a feed nor a
    page with an article.
    """
    url = check_fetchable_url(url)
    existing = lib.sources.find(url)
    if existing is not None:
        return _existing(lib, existing, topic_filter)
    own = fetcher is None
    fetcher = fetcher or Fetcher()
    try:
        return _subscribe(lib, url, topic_filter, fetcher)
    finally:
        if own:
            fetcher.close()


def _subscribe(lib: Library, url: str, topic_filter: bool | None, fetcher: Fetcher) -> SubscribeResult:
    result = fetcher.fetch(url, accept=FEED_ACCEPT)
    discovered_from = None
    other_feeds: tuple[str, ...] = ()
    if result.kind == "html":
        page = result.text()
        advertised = discover_feeds(page, result.url)
        if not advertised or is_article_page(page):
            return _add_page(lib, url, result, topic_filter, fetcher, tuple(advertised))
        discovered_from, other_feeds = result.url, tuple(advertised[1:])
        url = advertised[0]
        existing = lib.sources.find(url)
        if existing is not None:
            return _existing(lib, existing, topic_filter, discovered_from, other_feeds)
        result = fetcher.fetch(url, accept=FEED_ACCEPT)
        if result.kind == "html":
            raise ParseError(f"{url}: advertised as a feed by {discovered_from}, but it is a web page")
    feed = _parse_feed(url, result)
    address = result.url if result.moved_permanently else url
    if topic_filter is None:
        topic_filter = _mostly_off_topic(lib, feed)
    source, created = lib.sources.add(
        "feed", address, title=feed.title, site_url=feed.site_url or discovered_from, topic_filter=topic_filter
    )
    if not created:
        return _existing(lib, source, None, discovered_from, other_feeds)
    first = refresh_with(lib, [source], fetcher=fetcher, fetched={source.id: result}).sources[0]
    return SubscribeResult(lib.sources.get(source.id), True, "feed", discovered_from, other_feeds, first)


def is_article_page(html: str) -> bool:
    """True when a page declares itself one article (Open Graph or schema.org)."""
    head = html[:300_000]
    og_article = any(_OG_TYPE.search(tag) and _ARTICLE_CONTENT.search(tag) for tag in _META_TAG.findall(head))
    return og_article or bool(_SCHEMA_ARTICLE.search(head))


def _add_page(
    lib: Library, url: str, result: FetchResult, topic_filter: bool | None, fetcher: Fetcher,
    advertised: tuple[str, ...],
) -> SubscribeResult:
    [article] = parse_html_document(result.text(), name=url, url=result.url)
    address = result.url if result.moved_permanently else url
    source, created = lib.sources.add("page", address, title=article.title, topic_filter=bool(topic_filter))
    if not created:
        return _existing(lib, source, topic_filter)
    first = refresh_with(lib, [source], fetcher=fetcher, fetched={source.id: result}).sources[0]
    return SubscribeResult(lib.sources.get(source.id), True, "page", other_feeds=advertised, first_refresh=first)


def _existing(
    lib: Library,
    source: Source,
    topic_filter: bool | None,
    discovered_from: str | None = None,
    other_feeds: tuple[str, ...] = (),
) -> SubscribeResult:
    if topic_filter is not None and topic_filter != source.topic_filter:
        source = lib.sources.update(source.id, topic_filter=topic_filter)
    kind = "page" if source.kind == "page" else "feed"
    return SubscribeResult(source, False, kind, discovered_from, other_feeds)


def _parse_feed(url: str, result: FetchResult) -> ParsedFeed:
    try:
        feed = feeds.parse_feed(result.body or b"", url=result.url, name=url)
    except UnsupportedFormatError as error:
        raise ParseError(f"{url}: neither a feed nor a web page ({error})") from error
    if not feed.entries and not feed.title:
        raise ParseError(f"{url}: neither a feed nor a web page (no title and no entries)")
    return feed


def _mostly_off_topic(lib: Library, feed: ParsedFeed) -> bool:
    """True when fewer than :data:`AUTO_FILTER_SHARE` of the feed's entries are relevant
    (an empty feed counts as off topic: filtering loses little until it says otherwise)."""
    if not feed.entries:
        return True
    rules = topic_rules(lib)
    relevant = sum(rules.is_relevant(rules.relevance(entry)) for entry in feed.entries)
    return relevant < AUTO_FILTER_SHARE * len(feed.entries)


# --- lists of feeds: OPML, the shipped defaults ---------------------------------------------


def add_outline_feeds(lib: Library, outline_feeds: Iterable[OutlineFeed]) -> SourcesAdded:
    """Add feeds listed in an OPML file as sources, in one transaction. Feeds the
    library already has keep their settings."""
    added: list[Source] = []
    existing: list[Source] = []
    with lib.write():
        for feed in outline_feeds:
            source, created = lib.sources.add(
                "feed", feed.url, title=feed.title, site_url=feed.site_url, topic_filter=feed.topic_filter
            )
            (added if created else existing).append(source)
    return SourcesAdded(tuple(added), tuple(existing))


def import_opml_file(lib: Library, path: str | os.PathLike[str]) -> SourcesAdded:
    """Subscribe to every feed an OPML file lists; outlines that are not http(s)
    feeds are skipped and named in ``skipped``. Nothing is fetched."""
    path = Path(path).expanduser()
    document = opml.parse_opml(_read(path), name=str(path))
    result = add_outline_feeds(lib, document.feeds)
    return SourcesAdded(result.added, result.existing, document.skipped)


def add_default_sources(lib: Library) -> SourcesAdded:
    """Subscribe to the Xiaomi sources Digest ships (``data/sources/xiaomi.opml``)."""
    return import_opml_file(lib, DEFAULT_SOURCES)


def export_opml_file(lib: Library, path: str | os.PathLike[str], *, title: str = "Digest subscriptions") -> int:
    """Write the library's feeds to an OPML 2.0 file (topic filter flags included) and
    return how many. Single-page sources are not feeds and are left out. The file
    is written under a temporary name and renamed, so it is never half-written."""
    path = Path(path).expanduser()
    listed = [
        OutlineFeed(url=s.url, title=s.title, site_url=s.site_url, topic_filter=s.topic_filter)
        for s in lib.sources.list()
        if s.kind == "feed"
    ]
    write_atomically(path, opml.write_opml(listed, title))
    return len(listed)


def _read(path: Path) -> bytes:
    try:
        if path.stat().st_size > _MAX_OPML_BYTES:
            raise InputError(f"{path}: too large for an OPML file")
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder, not an OPML file") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
