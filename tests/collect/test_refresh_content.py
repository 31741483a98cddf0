"""What a refresh stores: full text for teasers, cached lead images, the topic filter, rule tags."""

from __future__ import annotations

import gzip
import json
import struct
import zlib
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.importer import import_paths
from digest_app.collect.refresh import refresh_sources
from digest_app.collect.topic import load_profile
from digest_app.records import ArticleTag
from digest_app.store import ArticleFilter, Library
from tests.support.loopback import rss_feed

FAST = FetchPolicy(connect_timeout=1, read_timeout=1, total_timeout=5, min_host_interval=0, max_retry_after=1)
LABELLED = Path(__file__).resolve().parents[1] / "data" / "relevance_labelled.jsonl"
WEWORK_PAGE = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85"
WEWORK_TITLE = "New York State Attorney General investigating WeWork and former CEO"
WEWORK_TEASER = ("(Reuters) — The New York State Attorney General (NYAG) is investigating WeWork, "
                 "according to two people familiar with the matter [...]")


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


@pytest.fixture
def pages(shared: Path) -> Path:
    return shared / "corpora" / "article-pages"


def page_html(pages: Path, page_id: str) -> str:
    return gzip.decompress((pages / "html" / f"{page_id}.html.gz").read_bytes()).decode("utf-8")


def png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG image, made here so that no test file is needed."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xd0\x40\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def labelled(ids: list[str]) -> list[dict]:
    items = {}
    for line in LABELLED.read_text(encoding="utf-8").splitlines()[1:]:
        item = json.loads(line)
        items[item["id"]] = item
    return [items[i] for i in ids]


def long_text(topic: str, sentences: int = 12) -> str:
    return "".join(f"<p>{topic} sentence number {n} says something else about it, plainly and at length.</p>"
                   for n in range(sentences))


# --- full text ---------------------------------------------------------------------------


def test_teaser_is_completed_from_its_page_once_and_keeps_the_feed_summary(library, loopback_server, fetcher, pages):
    story = loopback_server.serve("/story.html", page_html(pages, WEWORK_PAGE), content_type="text/html; charset=utf-8")
    items = [
        {"title": WEWORK_TITLE, "link": story, "guid": "wework-1", "description": WEWORK_TEASER},
        {"title": "A complete post", "link": loopback_server.url("/never.html"), "guid": "full-1",
         "content": long_text("Complete")},
    ]
    feed_url = loopback_server.serve("/teasers.rss", rss_feed("Teasers", items), etag='"v1"',
                                     content_type="application/rss+xml")
    source, _ = library.sources.add("feed", feed_url)

    report = refresh_sources(library, fetcher=fetcher, images=False)

    assert report.sources[0].full_texts == 1 and report.added == 2
    article = next(library.articles.get(h.id) for h in library.articles.list() if h.title == WEWORK_TITLE)
    assert "A spokesperson for the NYAG declined to comment." in article.text
    assert article.word_count > 400
    assert article.feed_summary.startswith("(Reuters) — The New York State Attorney General")
    assert article.full_text_url == story
    assert article.url.startswith("https://venturebeat.com/2019/11/18/")
    assert "<script" not in article.content_html and "A spokesperson for the NYAG" in article.content_html
    assert loopback_server.hits_for("/never.html") == []

    items.append({"title": "Another complete post", "link": loopback_server.url("/never2.html"),
                  "guid": "full-2", "content": long_text("Another")})
    loopback_server.serve("/teasers.rss", rss_feed("Teasers", items), etag='"v2"', content_type="application/rss+xml")
    again = refresh_sources(library, fetcher=fetcher, images=False)

    assert again.added == 1 and again.updated == 0 and again.unchanged == 2
    assert len(loopback_server.hits_for("/story.html")) == 1, "the page of a stored entry is not fetched again"
    assert library.articles.get(article.id).text == article.text


def test_a_page_that_is_not_the_article_keeps_the_teaser(library, loopback_server, fetcher, pages):
    wrong = loopback_server.serve("/consent.html", page_html(pages, WEWORK_PAGE), content_type="text/html")
    missing = loopback_server.url("/gone.html")
    teaser = "Xiaomi opened its largest store in Paris today, with a queue around the block [...]"
    items = [
        {"title": "Xiaomi opens a flagship store on the Champs-Élysées", "link": wrong, "guid": "a",
         "description": teaser},
        {"title": "Xiaomi shows a new phone", "link": missing, "guid": "b", "description": "A new phone … Read more"},
    ]
    library.sources.add("feed", loopback_server.serve("/f.rss", rss_feed("F", items), content_type="application/rss+xml"))

    report = refresh_sources(library, fetcher=fetcher, images=False)

    assert report.added == 2 and report.full_texts == 0
    notes = " ".join(report.sources[0].notes)
    assert "is not the article" in notes and "404" in notes
    stored = {h.title: library.articles.get(h.id) for h in library.articles.list()}
    assert stored["Xiaomi opens a flagship store on the Champs-Élysées"].text == teaser
    assert stored["Xiaomi opens a flagship store on the Champs-Élysées"].full_text_url is None


# --- lead images --------------------------------------------------------------------------


def test_lead_image_is_cached_and_stored_content_never_points_at_the_web(library, loopback_server, fetcher):
    image = png()
    loopback_server.serve("/img/lead.png", image, content_type="image/png")
    loopback_server.serve("/img/fake.png", "<html>not an image</html>", content_type="image/png")
    items = [
        {"title": "With a picture", "link": loopback_server.url("/a.html"), "guid": "pic",
         "image": loopback_server.url("/img/lead.png"),
         "content": f'<p><img src="{loopback_server.url("/img/inline.png")}" alt="inline"></p>' + long_text("Picture")},
        {"title": "With a fake picture", "link": loopback_server.url("/b.html"), "guid": "fake",
         "image": loopback_server.url("/img/fake.png"), "content": long_text("Fake")},
    ]
    feed = loopback_server.serve("/pics.rss", rss_feed("Pictures", items), etag='"1"', content_type="application/rss+xml")
    source, _ = library.sources.add("feed", feed)

    report = refresh_sources(library, fetcher=fetcher)

    assert report.images == 1
    assert any("not an image" in note for note in report.sources[0].notes)
    stored = {h.title: library.articles.get(h.id) for h in library.articles.list()}
    pictured = stored["With a picture"].content_html
    assert pictured.startswith('<figure><img src="digest-image:')
    assert "127.0.0.1" not in pictured.split("</figure>")[0] and "inline.png" not in pictured
    local = pictured.split('src="')[1].split('"')[0]
    assert library.images.path_for(local).read_bytes() == image
    assert "<img" not in stored["With a fake picture"].content_html
    assert loopback_server.hits_for("/img/inline.png") == []

    items.append({"title": "Later", "link": loopback_server.url("/c.html"), "guid": "later", "content": long_text("Later")})
    loopback_server.serve("/pics.rss", rss_feed("Pictures", items), etag='"2"', content_type="application/rss+xml")
    again = refresh_sources(library, fetcher=fetcher)
    assert (again.added, again.updated, again.unchanged) == (1, 0, 2)
    assert len(loopback_server.hits_for("/img/lead.png")) == 1

    library.sources.remove(source.id)
    assert library.images.prune() == 1
    assert library.images.path_for(local) is None


# --- topic filter and tags ----------------------------------------------------------------

RELEVANT = ["r000", "r005", "r017", "r038", "r039", "r032"]


def labelled_feed(server, path: str, ids: list[str]) -> str:
    items = [{"title": i["title"], "description": i["snippet"], "guid": f"{path}#{i['id']}",
              "link": server.url(f"{path}/{i['id']}")} for i in labelled(ids)]
    return server.serve(path, rss_feed("Mixed tech news", items), content_type="application/rss+xml")


def off_topic_ids(count: int) -> list[str]:
    ids = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines()[1:]:
        item = json.loads(line)
        if not item["relevant"] and item["lang"] == "en":
            ids.append(item["id"])
    return ids[:count]


def test_topic_filtered_source_keeps_only_relevant_entries_and_counts_the_rest(library, loopback_server, fetcher, tmp_path):
    off_topic = off_topic_ids(8)
    url = labelled_feed(loopback_server, "/mixed.rss", RELEVANT + off_topic)
    filtered, _ = library.sources.add("feed", url, topic_filter=True)

    report = refresh_sources(library, fetcher=fetcher, full_text=False, images=False)

    assert (report.added, report.filtered_out) == (len(RELEVANT), len(off_topic))
    threshold = load_profile().threshold
    kept = [library.articles.get(h.id) for h in library.articles.list(ArticleFilter(source_id=filtered.id))]
    assert sorted(a.title for a in kept) == sorted(i["title"] for i in labelled(RELEVANT))
    assert all(a.relevance >= threshold for a in kept)

    with Library.open(tmp_path / "unfiltered.db") as other:
        other.sources.add("feed", url, topic_filter=False)
        everything = refresh_sources(other, fetcher=fetcher, full_text=False, images=False)
        assert (everything.added, everything.filtered_out) == (len(RELEVANT) + len(off_topic), 0)
        scores = {h.title: other.articles.get(h.id).relevance for h in other.articles.list()}
        assert all(scores[i["title"]] < threshold for i in labelled(off_topic))


def test_new_articles_get_rule_tags_distinct_from_the_users(library, loopback_server, fetcher):
    url = labelled_feed(loopback_server, "/tagged.rss", ["r038", "r017"])
    library.sources.add("feed", url)

    refresh_sources(library, fetcher=fetcher, full_text=False, images=False)

    by_title = {h.title: h for h in library.articles.list()}
    car = by_title["SU7 Ultra sets a lap record at the Nürburgring"]
    band = by_title["Mi Band 8 battery test: two weeks on one charge"]
    library.tags.add([band.id], ["Favourites"])
    assert ArticleTag("EV", "rule", "#43a047") in library.articles.get(car.id).tags
    assert {(t.name, t.origin) for t in library.articles.get(band.id).tags} == {
        ("Wearables", "rule"), ("Favourites", "user")}


def test_import_and_refresh_store_articles_the_same_way(library, loopback_server, fetcher, tmp_path):
    url = labelled_feed(loopback_server, "/same.rss", ["r038"])
    feed_file = tmp_path / "same.rss"
    feed_file.write_bytes(rss_feed("Mixed tech news", [{"title": i["title"], "description": i["snippet"]}
                                                       for i in labelled(["r038"])]))
    with Library.open(tmp_path / "imported.db") as imported:
        import_paths(imported, [feed_file])
        [header] = imported.articles.list()
        by_import = imported.articles.get(header.id)
    library.sources.add("feed", url)
    refresh_sources(library, fetcher=fetcher, full_text=False, images=False)
    [header] = library.articles.list()
    by_refresh = library.articles.get(header.id)

    assert by_import.relevance == by_refresh.relevance > 0
    assert by_import.tags == by_refresh.tags == (ArticleTag("EV", "rule", "#43a047"),)
    assert by_import.summary == by_refresh.summary and by_import.language == by_refresh.language == "en"
