"""Refreshing sources against a real loopback server that misbehaves on purpose."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.refresh import refresh_sources
from digest_app.errors import NotFoundError
from digest_app.store import ArticleFilter
from tests.support.loopback import file_route

FAST = FetchPolicy(connect_timeout=1, read_timeout=1, total_timeout=5, min_host_interval=0,
                   max_retry_after=1, max_bytes=2 * 1024 * 1024)


@pytest.fixture
def feeds(shared: Path) -> Path:
    return shared / "corpora" / "real-feeds" / "netnewswire"


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


def add_feed(lib, url: str, **options):
    source, _ = lib.sources.add("feed", url, **options)
    return source


def refresh(lib, fetcher, *ids, **options):
    # The real feeds link to pages and images on the web: never fetch those here.
    options = {"full_text": False, "images": False, **options}
    return refresh_sources(lib, list(ids) or None, fetcher=fetcher, **options)


def test_second_refresh_is_all_304_transfers_no_bodies_and_adds_nothing(library, loopback_server, fetcher, feeds):
    by_etag = add_feed(library, loopback_server.serve_file("/etag.rss", feeds / "manton.rss", etag='"m1"'))
    by_date = add_feed(library, loopback_server.serve_file(
        "/date.atom", feeds / "DaringFireball.atom", last_modified="Sat, 01 Jun 2024 10:00:00 GMT"))

    first = refresh(library, fetcher)
    assert [s.status for s in first.sources] == ["ok", "ok"]
    assert first.added == library.articles.count() > 40
    assert library.sources.get(by_etag.id).etag == '"m1"'
    assert library.sources.get(by_date.id).last_modified == "Sat, 01 Jun 2024 10:00:00 GMT"
    replies_before = len(loopback_server.replies)

    second = refresh(library, fetcher)

    assert [s.status for s in second.sources] == ["not_modified", "not_modified"]
    assert second.added == second.updated == 0 and second.bytes_transferred == 0
    assert library.articles.count() == first.added
    later = loopback_server.replies[replies_before:]
    assert [(r.status, r.body_bytes) for r in later] == [(304, 0), (304, 0)]
    assert loopback_server.hits_for("/etag.rss")[-1].headers["if-none-match"] == '"m1"'
    assert loopback_server.hits_for("/date.atom")[-1].headers["if-modified-since"] == "Sat, 01 Jun 2024 10:00:00 GMT"
    assert library.sources.get(by_etag.id).last_status == 304


def test_one_failing_source_never_stops_the_others(library, loopback_server, fetcher, feeds):
    good = add_feed(library, loopback_server.serve_file("/good.rss", feeds / "manton.rss"))
    broken = add_feed(library, loopback_server.serve("/broken.rss", b"oops", status=500))

    report = refresh(library, fetcher)

    assert {s.source_id: s.status for s in report.sources} == {good.id: "ok", broken.id: "failed"}
    assert report.added > 0 and not report.all_failed
    failed = library.sources.get(broken.id)
    assert failed.last_status == 500 and failed.error_count == 1
    assert "500" in failed.last_error and "/broken.rss" in failed.last_error

    refresh(library, fetcher)
    assert library.sources.get(broken.id).error_count == 2
    assert library.sources.get(good.id).error_count == 0

    loopback_server.serve_file("/broken.rss", feeds / "KatieFloyd.rss")
    refresh(library, fetcher)
    fixed = library.sources.get(broken.id)
    assert fixed.error_count == 0 and fixed.last_error is None and fixed.article_count > 0


def test_every_misbehaviour_is_an_error_on_its_source_only(library, loopback_server, fetcher, feeds):
    loopback_server.redirect("/loop/a", "/loop/b")
    loopback_server.redirect("/loop/b", "/loop/a")
    policy = replace(FAST, read_timeout=0.3, max_bytes=256 * 1024)
    sources = {
        "loop": add_feed(library, loopback_server.url("/loop/a")),
        "stall": add_feed(library, loopback_server.stall("/stall.rss", 3)),
        "huge": add_feed(library, loopback_server.endless("/endless.rss")),
        "page": add_feed(library, loopback_server.serve_file(
            "/not-a-feed", feeds / "html-feed-discovery" / "DaringFireball.html")),
        "fine": add_feed(library, loopback_server.serve_file("/fine.rss", feeds / "manton.rss")),
    }
    started = time.monotonic()
    with Fetcher(policy) as fetcher:
        report = refresh(library, fetcher)

    assert time.monotonic() - started < 3
    errors = {name: library.sources.get(s.id).last_error for name, s in sources.items()}
    assert "loop" in errors["loop"]
    assert "0.3 s" in errors["stall"]
    assert "larger than 256 KiB" in errors["huge"]
    assert "expected a feed, but the server sent a web page" in errors["page"]
    assert f"advertises a feed at {loopback_server.url('/feeds/main')}" in errors["page"]
    assert errors["fine"] is None
    assert len(report.failed) == 4 and report.added > 0


def test_gzip_and_a_wrong_content_type_still_give_the_feed(library, loopback_server, fetcher, feeds):
    zipped = add_feed(library, loopback_server.serve_file("/zipped.rss", feeds / "manton.rss", gzip_encoded=True))
    mislabelled = add_feed(library, loopback_server.serve_file(
        "/plain", feeds / "DaringFireball.atom", content_type="text/html; charset=utf-8"))

    report = refresh(library, fetcher)

    assert [s.status for s in report.sources] == ["ok", "ok"]
    assert library.sources.get(zipped.id).article_count == 10
    assert library.sources.get(mislabelled.id).article_count > 10
    assert report.sources[0].bytes_transferred < (feeds / "manton.rss").stat().st_size / 2


def test_permanent_redirect_updates_the_address_and_a_temporary_one_does_not(library, loopback_server, fetcher, feeds):
    loopback_server.serve_file("/new.rss", feeds / "manton.rss")
    moved = add_feed(library, loopback_server.redirect("/old.rss", "/new.rss", status=301))
    visiting = add_feed(library, loopback_server.redirect("/elsewhere.rss", "/new.rss", status=302))

    report = refresh(library, fetcher)

    assert library.sources.get(moved.id).url == loopback_server.url("/new.rss")
    assert library.sources.get(visiting.id).url == loopback_server.url("/elsewhere.rss")
    assert any("moved permanently" in note for note in report.sources[0].notes)
    refresh(library, fetcher, moved.id)
    assert loopback_server.hits[-1].path == "/new.rss"


def test_rate_limited_source_waits_until_the_server_allows(library, loopback_server, fetcher, feeds):
    limited = add_feed(library, loopback_server.rate_limited("/busy.rss", retry_after="120", times=99))
    add_feed(library, loopback_server.serve_file("/calm.rss", feeds / "manton.rss"))

    first = refresh(library, fetcher)

    source = library.sources.get(limited.id)
    assert source.last_error == "rate limited; retry after 120 s"
    assert source.last_status == 429 and source.retry_after is not None
    assert first.sources[0].retry_after == source.retry_after
    hits = len(loopback_server.hits_for("/busy.rss"))

    second = refresh(library, fetcher)

    assert second.sources[0].status == "skipped"
    assert len(loopback_server.hits_for("/busy.rss")) == hits, "a waiting source is not fetched"
    assert second.sources[1].status == "ok"


def test_short_retry_after_is_waited_out(library, loopback_server, fetcher, feeds):
    source = add_feed(library, loopback_server.rate_limited(
        "/later.rss", retry_after="1", then=file_route(feeds / "manton.rss")))
    report = refresh(library, fetcher, source.id)
    assert report.sources[0].status == "ok" and report.added == 10


def test_progress_reports_each_source_and_new_articles_so_far(library, loopback_server, fetcher, feeds):
    add_feed(library, loopback_server.serve_file("/a.rss", feeds / "manton.rss"), title="A")
    add_feed(library, loopback_server.serve("/b.rss", b"", status=404), title="B")
    calls = []

    report = refresh(library, fetcher, progress=lambda *args: calls.append(args))

    assert [c[:2] for c in calls] == [(1, 2), (2, 2)]
    assert {c[2] for c in calls} == {"A", "B"}
    assert calls[-1][3] == report.added == 10


def test_cancel_stops_the_run_and_leaves_unfinished_sources_untouched(library, loopback_server, feeds):
    quick = add_feed(library, loopback_server.serve_file("/quick.rss", feeds / "manton.rss"))
    slow = [add_feed(library, loopback_server.stall(f"/slow{n}.rss", 5)) for n in range(2)]
    cancel = threading.Event()
    started = time.monotonic()
    with Fetcher(replace(FAST, read_timeout=10, total_timeout=20)) as fetcher:
        report = refresh(library, fetcher, progress=lambda *args: cancel.set(), cancelled=cancel.is_set)

    assert time.monotonic() - started < 2
    assert report.cancelled
    statuses = {s.source_id: s.status for s in report.sources}
    assert statuses[quick.id] == "ok"
    assert [statuses[s.id] for s in slow] == ["cancelled", "cancelled"]
    for source in slow:
        untouched = library.sources.get(source.id)
        assert untouched.last_status is None and untouched.error_count == 0


def test_only_the_sources_asked_for_and_unknown_ids_are_refused(library, loopback_server, fetcher, feeds):
    first = add_feed(library, loopback_server.serve_file("/one.rss", feeds / "manton.rss"))
    add_feed(library, loopback_server.serve_file("/two.rss", feeds / "KatieFloyd.rss"))
    local = library.sources.local_files()

    report = refresh(library, fetcher, first.id)

    assert [s.source_id for s in report.sources] == [first.id]
    assert loopback_server.hits_for("/two.rss") == []
    with pytest.raises(NotFoundError, match="no source with ID 999"):
        refresh(library, fetcher, 999)
    everything = refresh(library, fetcher)
    assert local.id not in {s.source_id for s in everything.sources}


def test_page_source_is_one_article_refreshed_with_conditional_get(library, loopback_server, fetcher, shared):
    page = next((shared / "corpora" / "article-pages" / "html").glob("06e5123e*.html.gz"))
    source, _ = library.sources.add("page", loopback_server.serve_file("/story.html", page, etag='"p1"'))

    first = refresh(library, fetcher)
    second = refresh(library, fetcher)

    assert first.added == 1 and second.sources[0].status == "not_modified"
    [header] = library.articles.list(ArticleFilter(source_id=source.id))
    article = library.articles.get(header.id)
    assert "WeWork" in article.title and article.word_count > 400
