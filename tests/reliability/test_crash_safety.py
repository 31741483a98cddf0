"""Crash safety: an import or refresh killed (SIGKILL) at random moments never corrupts
the library, never leaves half an article or half a feed, and running it again ends
with exactly what an undisturbed run stores.

The child is the real command line, ``python -m digest_app --library X import FOLDER``
or ``... refresh``, against feeds on loopback servers that live in the test process.
Each round starts from an empty library and kills attempts until both an import and
a refresh have run to the end; after every kill the library is checked, and at the
end of a round it must equal a reference library built without kills.
``benchmarks/soak.py`` runs the same loop for longer.
"""

from __future__ import annotations

import gzip
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.importer import import_paths
from digest_app.collect.refresh import refresh_sources
from digest_app.store import ArticleFilter, Library
from tests.reliability.library_state import (
    articles_per_unit,
    differences,
    invariant_problems,
    snapshot,
)
from tests.reliability.synthetic import article_html, synthetic_feed
from tests.support.loopback import LoopbackServer, rss_feed

REPO = Path(__file__).resolve().parents[2]
#: Corpus feeds imported with the seed texts (and a mirror of manton.rss under another
#: address, whose stories become duplicate links).
IMPORTED_FEEDS = ("DaringFireball.atom", "livemint.xml", "manton.rss")
#: Loopback servers (one feed each: every server is its own host, so the refresh's
#: per-host politeness does not serialise them).
REFRESH_FEEDS = 6
KILLS = 32
#: Kills per round before its attempts may finish: each round starts from an empty
#: library, so kills keep landing while articles are being stored, not re-read.
KILLS_PER_ROUND = 16
SEED = 20261121


@dataclass
class Workload:
    """The input of every round: a folder to import and feeds to refresh."""

    folder: Path
    empty_library: Path
    reference: dict = field(default_factory=dict)
    complete_counts: dict[str, int] = field(default_factory=dict)
    import_seconds: float = 0.0
    refresh_seconds: float = 0.0


def run_child(library: Path, action: str, folder: Path) -> subprocess.Popen:
    args = ["import", str(folder)] if action == "import" else ["refresh"]
    return subprocess.Popen(
        [sys.executable, "-m", "digest_app", "--library", str(library), *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def finish(child: subprocess.Popen, action: str) -> None:
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, f"{action} failed ({child.returncode}): {err[-2000:]}"
    assert "Traceback" not in err and "locked" not in err, err[-2000:]


@pytest.fixture(scope="module")
def servers():
    started = [LoopbackServer().start() for _ in range(REFRESH_FEEDS)]
    for number, server in enumerate(started):
        server.serve("/feed.xml", synthetic_feed(f"Loopback news {number}", server.url("/"), count=12,
                                                  seed=100 + number), content_type="application/rss+xml")
    yield started
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def workload(tmp_path_factory, shared, servers) -> Workload:
    root = tmp_path_factory.mktemp("crash")
    folder = root / "in"
    folder.mkdir()
    for seed_file in sorted((shared / "seeds").glob("*.txt")):
        shutil.copy(seed_file, folder)
    for name in IMPORTED_FEEDS:
        shutil.copy(shared / "corpora/real-feeds/netnewswire" / name, folder)
    mirror = (folder / "manton.rss").read_bytes().replace(b"http://www.manton.org/feed", b"http://mirror.example.org/feed")
    (folder / "manton-mirror.rss").write_bytes(mirror.replace(b"<title>Manton Reece", b"<title>Manton mirror", 1))
    empty = root / "empty.db"
    with Library.open(empty) as lib:
        for server in servers:
            lib.sources.add("feed", server.url("/feed.xml"))
    work = Workload(folder, empty)
    reference = root / "reference.db"
    shutil.copy(empty, reference)
    for action in ("import", "refresh"):
        started = time.monotonic()
        child = run_child(reference, action, folder)
        finish(child, action)
        setattr(work, f"{action}_seconds", time.monotonic() - started)
    work.reference = snapshot(reference)
    work.complete_counts = articles_per_unit(reference)
    assert invariant_problems(reference) == []
    assert len(work.reference) > 150 and any(s.duplicate_of for s in work.reference.values())
    assert any(s.tags for s in work.reference.values())
    return work


@dataclass
class Tally:
    kills: int = 0
    checks: int = 0
    rounds: int = 0
    completed: int = 0
    moments: list[float] = field(default_factory=list)


def kill_round(work: Workload, library: Path, rng: random.Random, tally: Tally, kills: int) -> None:
    """On a fresh library, kill *kills* attempts, then let them run until an import and
    a refresh have both completed; the library must then equal the reference."""
    shutil.copy(work.empty_library, library)
    for leftover in (library.with_name(library.name + "-wal"), library.with_name(library.name + "-shm")):
        leftover.unlink(missing_ok=True)
    kills_wanted = tally.kills + kills
    done: set[str] = set()
    while done != {"import", "refresh"}:
        action = "refresh" if "import" in done or rng.random() < 0.3 else "import"
        budget = work.import_seconds if action == "import" else work.refresh_seconds
        # While kills are still wanted, most attempts die; later ones are left to finish.
        delay = rng.uniform(0.25, 1.0) * budget if tally.kills < kills_wanted else budget * 20
        child = run_child(library, action, work.folder)
        started = time.monotonic()
        try:
            child.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            child.send_signal(signal.SIGKILL)
            child.communicate(timeout=30)
            tally.kills += 1
            tally.moments.append((time.monotonic() - started) / budget)
            problems = invariant_problems(library, work.complete_counts)
            assert problems == [], f"after kill {tally.kills} ({action} at {delay:.2f} s): {problems}"
            tally.checks += 1
            continue
        finish(child, action)
        tally.completed += 1
        done.add(action)
    assert invariant_problems(library, work.complete_counts) == []
    assert differences(work.reference, snapshot(library)) == []
    tally.rounds += 1


def test_killed_imports_and_refreshes_leave_a_sound_library_and_finish_exactly(workload, tmp_path):
    rng = random.Random(SEED)
    tally = Tally()
    while tally.kills < KILLS:
        kill_round(workload, tmp_path / "library.db", rng, tally, KILLS_PER_ROUND)
    print(f"\nkill test: {tally.kills} kills, {tally.checks} checks passed, {tally.rounds} rounds "
          f"ended exactly as the reference, {tally.completed} runs completed; "
          f"import {workload.import_seconds:.1f} s, refresh {workload.refresh_seconds:.1f} s")
    assert tally.kills >= 30 and tally.checks == tally.kills
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
