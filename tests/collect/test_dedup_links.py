"""One story from several feeds is shown once, with the other copies listed under "also in"."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.refresh import RefreshReport, refresh_sources
from digest_app.store import ArticleFilter
from tests.support.loopback import rss_feed

FAST = FetchPolicy(connect_timeout=1, read_timeout=1, total_timeout=5, min_host_interval=0)
REUTERS = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85"  # VentureBeat's copy
TECHCRUNCH = "1ace8c85aaee21b9d4505eca506d50c4721c29db62848b567a9703bfe0583892"  # same event, own words


@pytest.fixture(scope="module")
def bodies(shared: Path) -> dict[str, str]:
    truth = json.loads((shared / "corpora" / "article-pages" / "ground-truth.json").read_text(encoding="utf-8"))
    return {key: truth[key]["articleBody"] for key in (REUTERS, TECHCRUNCH)}


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def html(text: str) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in text.split("\n\n"))


def long_post(topic: str) -> str:
    return "".join(f"<p>{topic}: paragraph {n} tells its own part of this story in plain words.</p>" for n in range(10))


def subscribe_feeds(lib, server, feeds: dict[str, list[dict]]) -> dict[str, int]:
    ids = {}
    for name, items in feeds.items():
        path = "/" + name.lower().replace(" ", "-") + ".rss"
        url = server.serve(path, rss_feed(name, items), content_type="application/rss+xml")
        source, _ = lib.sources.add("feed", url, title=name)
        ids[name] = source.id
    return ids


def refresh(lib, fetcher, sources: dict[str, int] | None = None):
    """Refresh every source, or the given ones one after another (sources refreshed
    together are stored as they arrive, so which copy comes first is not fixed)."""
    if sources is None:
        return refresh_sources(lib, fetcher=fetcher, full_text=False, images=False)
    reports = [refresh_sources(lib, [i], fetcher=fetcher, full_text=False, images=False) for i in sources.values()]
    return RefreshReport(sources=tuple(s for r in reports for s in r.sources))


def titles(lib, **where) -> list[str]:
    return sorted(h.title for h in lib.articles.list(ArticleFilter(**where), limit=None))


def test_two_feeds_with_the_same_story_show_it_once_with_also_in(library, loopback_server, fetcher, bodies):
    wire = bodies[REUTERS]
    reworded = "Editor's note: this report comes from our partners.\n\n" + wire + "\n\nSubscribe to our newsletter."
    sources = subscribe_feeds(library, loopback_server, {
        "Tech Wire": [
            {"title": "NY attorney general investigates WeWork", "guid": "tw-1",
             "link": "https://wire.example.com/wework", "content": html(wire)},
            {"title": "Xiaomi opens a store", "guid": "https://shop.example.org/?p=77",
             "link": "https://shop.example.org/store", "content": long_post("Store")},
            {"title": "Xiaomi 15 review", "guid": "tw-3",
             "link": "https://www.reviews.example.net/2025/xiaomi-15-review?utm_source=rss&fbclid=x1",
             "content": long_post("Review")},
        ],
        "Gadget Daily": [
            {"title": "WeWork under investigation in New York", "guid": "gd-1",
             "link": "https://gadget.example.net/2019/wework-nyag", "content": html(reworded)},
            {"title": "Xiaomi opens a store (updated)", "guid": "https://shop.example.org/?p=77",
             "link": "https://gadget.example.net/store-copy", "content": long_post("Shop")},
            {"title": "Xiaomi 15 review (mobile)", "guid": "gd-3",
             "link": "https://m.reviews.example.net/2025/xiaomi-15-review/amp/?gclid=y2",
             "content": long_post("Mobile review")},
            {"title": "WeWork faces New York inquiry", "guid": "gd-4",
             "link": "https://gadget.example.net/2019/wework-techcrunch", "content": html(bodies[TECHCRUNCH])},
        ],
    })

    report = refresh(library, fetcher, sources)

    assert report.added == 7 and report.duplicates == 3
    shown = titles(library)
    assert shown == sorted(["NY attorney general investigates WeWork", "Xiaomi opens a store", "Xiaomi 15 review",
                            "WeWork faces New York inquiry"])
    assert library.articles.count() == 4
    assert len(titles(library, include_duplicates=True)) == 7
    assert library.sources.get(sources["Gadget Daily"]).article_count == 1

    kept = {h.title: h for h in library.articles.list()}
    wework = library.articles.get(kept["NY attorney general investigates WeWork"].id)
    assert kept["NY attorney general investigates WeWork"].duplicates == 1
    [copy] = wework.also_in
    assert (copy.source_title, copy.url) == ("Gadget Daily", "https://gadget.example.net/2019/wework-nyag")
    hidden = library.articles.get(copy.article_id)
    assert hidden.duplicate_of == wework.id
    assert [(c.source_title, c.kept) for c in hidden.also_in] == [("Tech Wire", True)]
    assert kept["WeWork faces New York inquiry"].duplicates == 0, "another write-up of the event is its own story"

    for sort in ("relevance", "newest"):
        found = library.search.run("WeWork", sort=sort)
        assert found.total == 2 and len(found.hits) == 2
        assert {h.header.title for h in found.hits} == {"NY attorney general investigates WeWork",
                                                      "WeWork faces New York inquiry"}
    assert library.search.count("source:Gadget") == 1
    assert library.search.count("Xiaomi store") == 1


def test_reading_one_copy_marks_none_of_the_others_unless_asked(library, loopback_server, fetcher):
    sources = subscribe_feeds(library, loopback_server, {
        name: [{"title": "Xiaomi opens a store", "guid": "https://shop.example.org/?p=77",
                "link": f"https://{name.lower()}.example.com/store", "content": long_post(name)}]
        for name in ("First", "Second", "Third")
    })
    refresh(library, fetcher, sources)
    [kept] = library.articles.list()
    group = library.duplicates.group(kept.id)
    assert len(group) == 3

    library.articles.set_read([kept.id])
    flags = {i: library.articles.get(i).is_read for i in group}
    assert flags == {group[0]: True, group[1]: False, group[2]: False}
    assert library.sources.list()[1].unread_count == 0, "hidden copies do not count as unread"

    library.articles.set_read([group[1]], with_duplicates=True)
    assert all(library.articles.get(i).is_read for i in group)


def test_the_full_copy_is_kept_over_a_teaser_the_user_has_not_opened(library, loopback_server, fetcher, bodies):
    wire = bodies[REUTERS]
    teaser = wire.split("\n\n")[0]
    subscribe_feeds(library, loopback_server, {
        "Headlines": [{"title": "NY attorney general investigates WeWork", "guid": "h-1",
                       "link": "https://news.example.com/articles/abc", "description": teaser}],
    })
    refresh(library, fetcher)
    [teaser_header] = library.articles.list()

    subscribe_feeds(library, loopback_server, {
        "Full Stories": [{"title": "NY attorney general investigates WeWork", "guid": "f-1",
                          "link": "https://full.example.com/wework", "content": html(wire)}],
    })
    report = refresh(library, fetcher)

    assert report.duplicates == 1
    [shown] = library.articles.list()
    assert shown.source_title == "Full Stories" and shown.word_count > 500
    assert library.articles.get(teaser_header.id).duplicate_of == shown.id


def test_a_teaser_already_read_stays_the_copy_kept(library, loopback_server, fetcher, bodies):
    wire = bodies[REUTERS]
    subscribe_feeds(library, loopback_server, {
        "Headlines": [{"title": "NY attorney general investigates WeWork", "guid": "h-1",
                       "link": "https://news.example.com/articles/abc", "description": wire.split("\n\n")[0]}],
    })
    refresh(library, fetcher)
    [read] = library.articles.list()
    library.articles.set_read([read.id])
    subscribe_feeds(library, loopback_server, {
        "Full Stories": [{"title": "NY attorney general investigates WeWork", "guid": "f-1",
                          "link": "https://full.example.com/wework", "content": html(wire)}],
    })
    refresh(library, fetcher)

    [shown] = library.articles.list()
    assert shown.id == read.id and shown.duplicates == 1


def test_removing_the_kept_copy_shows_the_next_one(library, loopback_server, fetcher):
    sources = subscribe_feeds(library, loopback_server, {
        name: [{"title": f"Xiaomi opens a store ({name})", "guid": "https://shop.example.org/?p=77",
                "link": f"https://{name.lower()}.example.com/store", "content": long_post(name)}]
        for name in ("First", "Second", "Third")
    })
    refresh(library, fetcher, sources)
    assert titles(library) == ["Xiaomi opens a store (First)"]

    library.sources.remove(sources["First"])

    assert titles(library) == ["Xiaomi opens a store (Second)"]
    [kept] = library.articles.list()
    assert [c.source_title for c in library.articles.get(kept.id).also_in] == ["Third"]


def test_copies_within_one_feed_are_separate_items(library, loopback_server, fetcher):
    subscribe_feeds(library, loopback_server, {
        "Day Log": [{"title": f"Note {n}", "guid": f"note-{n}", "link": f"https://log.example.com/2025/06/01.html#a{n}",
                     "content": long_post(f"Note {n}")} for n in range(3)],
    })
    report = refresh(library, fetcher)
    assert report.added == 3 and report.duplicates == 0
    assert len(titles(library)) == 3
