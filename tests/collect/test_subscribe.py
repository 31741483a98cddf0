"""Adding sources from a URL (feed, site, article page), from OPML, and the shipped defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy, UnsupportedURL
from digest_app.collect.opml import parse_opml
from digest_app.collect.refresh import refresh_sources
from digest_app.collect.subscribe import (
    DEFAULT_SOURCES,
    add_default_sources,
    export_opml_file,
    import_opml_file,
    subscribe,
)
from digest_app.errors import ParseError
from tests.support.loopback import rss_feed

FAST = FetchPolicy(connect_timeout=1, read_timeout=1, total_timeout=5, min_host_interval=0)
LABELLED = Path(__file__).resolve().parents[1] / "data" / "relevance_labelled.jsonl"


@pytest.fixture
def feeds(shared: Path) -> Path:
    return shared / "corpora" / "real-feeds" / "netnewswire"


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def xiaomi_feed() -> bytes:
    items = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()[1:]]
    relevant = [i for i in items if i["relevant"] and i["lang"] == "en"][:6]
    return rss_feed("Xiaomi news", [{"title": i["title"], "description": i["snippet"], "guid": i["id"]}
                                    for i in relevant])


def test_a_feed_url_becomes_a_feed_source_with_its_articles_fetched_once(library, loopback_server, fetcher):
    url = loopback_server.serve("/xiaomi.rss", xiaomi_feed(), etag='"x1"', content_type="application/rss+xml")

    result = subscribe(library, url, fetcher=fetcher)

    assert result.created and result.kind == "feed" and result.source.url == url
    assert result.source.title == "Xiaomi news"
    assert result.source.topic_filter is False, "a feed about Xiaomi is not filtered"
    assert result.first_refresh.added == 6 == result.source.article_count
    assert len(loopback_server.hits_for("/xiaomi.rss")) == 1
    assert refresh_sources(library, fetcher=fetcher).sources[0].status == "not_modified"

    again = subscribe(library, url, fetcher=fetcher)
    assert not again.created and again.source.id == result.source.id
    assert len(loopback_server.hits_for("/xiaomi.rss")) == 2


def test_a_general_feed_gets_the_topic_filter_unless_told_otherwise(library, loopback_server, fetcher, feeds):
    general = loopback_server.serve_file("/general.rss", feeds / "manton.rss")
    other = loopback_server.serve_file("/other.rss", feeds / "KatieFloyd.rss")

    filtered = subscribe(library, general, fetcher=fetcher)
    unfiltered = subscribe(library, other, topic_filter=False, fetcher=fetcher)

    assert filtered.source.topic_filter is True
    assert filtered.first_refresh.added == 0 and filtered.first_refresh.filtered_out == 10
    assert unfiltered.source.topic_filter is False and unfiltered.first_refresh.added > 0
    assert subscribe(library, general, topic_filter=False, fetcher=fetcher).source.topic_filter is False


def test_a_site_url_subscribes_to_the_feed_it_advertises(library, loopback_server, fetcher, feeds):
    site = loopback_server.serve_file("/", feeds / "html-feed-discovery" / "DaringFireball.html")
    loopback_server.serve_file("/feeds/main", feeds / "DaringFireball.atom")

    result = subscribe(library, site, topic_filter=False, fetcher=fetcher)

    assert result.kind == "feed" and result.discovered_from == site
    assert result.source.url == loopback_server.url("/feeds/main")
    assert result.source.title == "Daring Fireball" and result.first_refresh.added > 10
    assert subscribe(library, site, fetcher=fetcher).created is False


def test_an_article_url_becomes_a_page_source_even_when_its_site_has_a_feed(library, loopback_server, fetcher, shared):
    page = next((shared / "corpora" / "article-pages" / "html").glob("1ace8c85*.html.gz"))
    url = loopback_server.serve_file("/story.html", page)

    result = subscribe(library, url, fetcher=fetcher)

    assert result.kind == "page" and result.source.kind == "page"
    assert "https://techcrunch.com/feed/" in result.other_feeds, "its site's feed is named, not subscribed"
    assert result.source.title.startswith("New York State Attorney General reportedly investigating WeWork")
    assert result.first_refresh.added == 1
    [header] = library.articles.list()
    assert "Adam Neumann" in library.articles.get(header.id).text
    assert len(loopback_server.hits_for("/story.html")) == 1


@pytest.mark.parametrize("address", [
    "file:///etc/passwd",
    "javascript:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.com/feed.xml",
])
def test_non_web_addresses_are_refused_as_sources(library, address):
    with pytest.raises(UnsupportedURL, match="Digest only fetches http:// and https:// addresses"):
        subscribe(library, address)
    assert library.sources.list() == []


def test_something_that_is_neither_a_feed_nor_a_page_is_refused(library, loopback_server, fetcher):
    url = loopback_server.serve("/api", '{"status": "ok", "items": [1, 2]}', content_type="application/json")
    with pytest.raises(ParseError, match="/api"):
        subscribe(library, url, fetcher=fetcher)
    assert library.sources.list() == []


def test_opml_import_export_round_trip(library, feeds, tmp_path):
    imported = import_opml_file(library, feeds / "opml" / "Subs.opml")
    assert len(imported.added) > 150 and imported.existing == ()
    again = import_opml_file(library, feeds / "opml" / "Subs.opml")
    assert again.added == () and len(again.existing) == len(imported.added)
    library.sources.update(imported.added[0].id, topic_filter=True)
    library.sources.add("page", "https://example.com/one-article.html", title="One article")

    target = tmp_path / "out"
    target.mkdir()
    count = export_opml_file(library, target / "subscriptions.opml")

    assert count == len(imported.added)
    written = parse_opml((target / "subscriptions.opml").read_bytes())
    assert {f.url for f in written.feeds} == {s.url for s in imported.added}
    assert [f.url for f in written.feeds if f.topic_filter] == [imported.added[0].url]
    assert [p.name for p in target.iterdir()] == ["subscriptions.opml"], "no temporary file left"


def test_default_sources_are_marked_for_the_topic_filter_and_added_once(library):
    added = add_default_sources(library)

    listed = parse_opml(DEFAULT_SOURCES.read_bytes()).feeds
    assert len(added.added) == len(listed) >= 6
    filtered = {s.title for s in added.added if s.topic_filter}
    assert {"The Verge", "Android Authority", "GSMArena news and reviews"} <= filtered
    assert "Xiaomi Time" not in filtered
    assert add_default_sources(library).added == ()
