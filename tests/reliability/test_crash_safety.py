"""Crash safety: an import or refresh killed (SIGKILL) at random moments never corrupts
the library, never leaves half an article or half a feed, and running it again ends
with exactly what an undisturbed run stores.

The loop itself is :mod:`tests.reliability.kill_loop`: the real command line as the
child, loopback feeds, a check after every kill, and every round compared with a
reference library built without kills. ``benchmarks/soak.py`` runs it for longer.
"""

from __future__ import annotations

import gzip
import random

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.importer import import_paths
from digest_app.collect.refresh import refresh_sources
from digest_app.store import ArticleFilter
from tests.reliability.kill_loop import KILLS_PER_ROUND, Tally, Workload, build_workload, kill_round, start_servers
from tests.reliability.synthetic import article_html
from tests.support.loopback import rss_feed

KILLS = 32
SEED = 20261121


@pytest.fixture(scope="module")
def servers():
    started = start_servers()
    yield started
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def workload(tmp_path_factory, shared, servers) -> Workload:
    work = build_workload(tmp_path_factory.mktemp("crash"), shared, servers)
    assert len(work.reference) > 150 and any(s.duplicate_of for s in work.reference.values())
    assert any(s.tags for s in work.reference.values())
    return work


def test_killed_imports_and_refreshes_leave_a_sound_library_and_finish_exactly(workload, tmp_path):
    rng = random.Random(SEED)
    tally = Tally()
    while tally.kills < KILLS and not tally.problems:
        kill_round(workload, tmp_path / "library.db", rng, tally, KILLS_PER_ROUND)
    print(f"\nkill test: {tally.kills} kills, {tally.checks} checks passed, {tally.exact_rounds} of {tally.rounds} "
          f"rounds ended exactly as the reference, {tally.completed} runs completed, {tally.lost} articles lost; "
          f"import {workload.import_seconds:.1f} s, refresh {workload.refresh_seconds:.1f} s")
    assert tally.problems == []
    assert tally.kills >= 30 and tally.checks == tally.kills
    assert tally.exact_rounds == tally.rounds >= 2 and tally.lost == 0 and tally.locked == 0
    # The kills landed all through the runs, not only at start-up.
    assert max(tally.moments) > 0.8 and min(tally.moments) < 0.4


# --- a run stopped between storing and summarizing ------------------------------------------
# Summaries are computed after the articles' transaction (the NLP must not hold the
# write lock), so a kill can fall between the two. The next run must finish the work.

FAST = FetchPolicy(connect_timeout=1, read_timeout=1, total_timeout=5, min_host_interval=0)
WEWORK_PAGE = "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85"
WEWORK_TITLE = "New York State Attorney General investigating WeWork and former CEO"


def test_an_import_stopped_before_summarizing_is_summarized_by_the_next_import(library, shared):
    report = import_paths(library, [shared / "seeds"], summarize=False)
    assert report.added == 10
    assert all(not library.articles.get(h.id).summary for h in library.articles.list())

    again = import_paths(library, [shared / "seeds"])

    assert again.unchanged == 10 and again.added == 0
    assert all(library.articles.get(h.id).summary for h in library.articles.list())


def test_a_refresh_stopped_before_summarizing_is_summarized_by_the_next_refresh(library, loopback_server, shared):
    page = gzip.decompress((shared / "corpora/article-pages/html" / f"{WEWORK_PAGE}.html.gz").read_bytes())
    story = loopback_server.serve("/story.html", page, content_type="text/html; charset=utf-8")
    teaser = {"title": WEWORK_TITLE, "link": story, "guid": "wework-1",
              "description": "(Reuters) - The New York State Attorney General is investigating WeWork [...]"}
    full = {"title": "Xiaomi opens a store", "guid": "full-1", "content": article_html(random.Random(5), 3)}
    feed = loopback_server.serve("/feed.xml", rss_feed("Teasers", [teaser, full]), content_type="application/rss+xml")
    source, _ = library.sources.add("feed", feed)
    with Fetcher(FAST) as fetcher:
        assert refresh_sources(library, fetcher=fetcher, images=False).full_texts == 1
        # What a kill between the store and the summaries leaves behind:
        with library.write() as conn:
            conn.execute("UPDATE articles SET summary = NULL, keywords = NULL, summary_method = NULL")
        report = refresh_sources(library, fetcher=fetcher, images=False)

    assert report.unchanged == 2 and report.full_texts == 0
    articles = [library.articles.get(h.id) for h in library.articles.list(ArticleFilter(source_id=source.id))]
    assert len(articles) == 2 and all(a.summary and a.keywords for a in articles)
