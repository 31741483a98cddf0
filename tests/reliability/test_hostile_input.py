"""Hostile and broken input through the whole import and refresh paths, into the library.

The parsers have their own tests (tests/collect); here each case goes the way a
user's files and feeds go: ``import`` from disk or a refresh from a loopback
server, stored, summarized, indexed, and checked afterwards. A 50 MB feed, a
1 MB article on one line, invalid UTF-8, NUL bytes and lone surrogates,
missing, garbage and far-future dates, guids repeated inside a feed, and
``file:``, ``javascript:`` and ``data:`` addresses as sources and in links.
"""

from __future__ import annotations

import base64
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

from digest_app.collect.http import Fetcher, FetchPolicy, MiB
from digest_app.collect.importer import import_paths
from digest_app.collect.refresh import refresh_sources
from digest_app.store import ArticleFilter, Library
from tests.reliability.library_state import invariant_problems
from tests.reliability.synthetic import article_html, sentence, synthetic_feed
from tests.support.loopback import Exchange, rss_feed

REPO = Path(__file__).resolve().parents[2]
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: Runs a command and reports its peak memory (the largest resident set of its children).
_MEASURED = (
    "import resource, subprocess, sys; done = subprocess.run(sys.argv[1:]); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(done.returncode)"
)


def cli(library: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digest_app", "--library", str(library), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)


def stored(library) -> dict[str, object]:
    """Every stored article by title."""
    return {h.title: library.articles.get(h.id) for h in library.articles.list(limit=None)}


# --- size -----------------------------------------------------------------------------------


def test_a_50_mb_feed_file_is_imported_in_bounded_time_and_memory(tmp_path):
    # A gallery feed: each entry carries a 2 MB photo inline as a data: URL, as some
    # blog engines write them. The photos are not kept; the stories are.
    rng = random.Random(50)
    photo = base64.b64encode(rng.randbytes(1_560_000)).decode()
    items = [{"title": f"Xiaomi gallery {n}", "guid": f"gallery-{n}",
              "content": f'<p><img src="data:image/jpeg;base64,{photo}" alt="Photo {n}"></p>' + article_html(rng, 2)}
             for n in range(25)]
    feed = tmp_path / "galleries.xml"
    feed.write_bytes(rss_feed("Galleries", items))
    assert feed.stat().st_size >= 50_000_000

    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "digest_app",
                          "--library", str(tmp_path / "lib.db"), "import", str(feed)],
                         cwd=REPO, capture_output=True, text=True, timeout=300)
    seconds = time.monotonic() - started
    peak_mib = int(run.stderr.strip().splitlines()[-1]) / 1024
    print(f"\n50 MB feed: imported in {seconds:.1f} s, peak memory {peak_mib:.0f} MiB")

    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("added 25,")
    assert seconds < 120 and peak_mib < 700
    with Library.open(tmp_path / "lib.db") as lib:
        articles = stored(lib)
        assert len(articles) == 25
        assert all("data:" not in a.content_html and "[Photo" in a.text for a in articles.values())


def test_a_50_mb_feed_over_http_is_refused_at_the_cap_and_the_others_refresh(tmp_path, loopback_server):
    chunk = synthetic_feed("Endless", loopback_server.url("/"), count=40, seed=5)[:-len(b"</channel></rss>\n")]

    def fifty_megabytes(exchange: Exchange) -> None:
        def body() -> Iterator[bytes]:
            sent = 0
            while sent < 50 * MiB:
                yield chunk
                sent += len(chunk)
        exchange.send_chunked(body(), headers={"Content-Type": "application/rss+xml"})

    declared = loopback_server.serve("/declared.xml", b" " * (50 * MiB), content_type="application/rss+xml")
    streamed = loopback_server.route("/streamed.xml", fifty_megabytes)
    good = loopback_server.serve("/good.xml", synthetic_feed("Good", loopback_server.url("/"), count=5, seed=6),
                                 content_type="application/rss+xml")
    path = tmp_path / "lib.db"
    with Library.open(path) as lib:
        for url in (declared, streamed, good):
            lib.sources.add("feed", url)

    run = subprocess.run([sys.executable, "-c", _MEASURED, sys.executable, "-m", "digest_app",
                          "--library", str(path), "refresh"], cwd=REPO, capture_output=True, text=True, timeout=300)
    peak_mib = int(run.stderr.strip().splitlines()[-1]) / 1024

    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    for url in (declared, streamed):
        assert f"{url}: the response is larger than 10 MiB; download stopped" in run.stderr
    assert "5 new" in run.stdout and "2 failed" in run.stdout
    # The program itself takes about 80 MiB; one of those bodies would add 50 at least.
    assert peak_mib < 130, peak_mib
    with Library.open(path) as lib:
        assert lib.articles.count() == 5


def test_a_one_megabyte_article_on_a_single_line_is_stored_whole(tmp_path, library):
    rng = random.Random(1)
    last = {"line.txt": "The last sentence names the Zanzibar store.",
            "line.html": "The last sentence names the Quokka phone."}
    folder = tmp_path / "in"
    folder.mkdir()
    for name, ending in last.items():
        words, size = [], 0
        while size < 1_000_000:
            words.append(sentence(rng))
            size += len(words[-1]) + 1
        line = " ".join(words) + " " + ending
        if name.endswith(".html"):
            line = f"<html><head><title>One long line</title></head><body><p>{line}</p></body></html>"
        (folder / name).write_text(line, encoding="utf-8")

    started = time.monotonic()
    report = import_paths(library, [folder])
    assert time.monotonic() - started < 60

    assert report.failed == () and report.added == 2
    for article in stored(library).values():
        ending = next(e for e in last.values() if article.text.endswith(e))
        assert len(article.text) > 1_000_000 and "\n" not in article.text
        assert article.summary and all(s in article.text for s in article.summary)
        assert library.search.count(f'"{ending.rstrip(".")}"') == 1


# --- broken characters -----------------------------------------------------------------------


def test_invalid_utf8_nul_bytes_and_lone_surrogates_are_cleaned_in_every_kind_of_file(tmp_path, library):
    bad = b"NUL\x00 control\x1b invalid\xff\xfe surrogate\xed\xa0\x80"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "note.txt").write_bytes(b"Broken note about Redmi\n\nRedmi phones sold well, " + bad + b" in Madrid.")
    (folder / "note.md").write_bytes(b"# Broken markdown about POCO\n\nPOCO phones sold well, " + bad + b" in Lyon.")
    (folder / "page.html").write_bytes(
        b"<html><head><title>Broken page about HyperOS</title></head><body><p>HyperOS shipped, " + bad
        + b" &#xD800; &#0; in Rome.</p></body></html>")
    (folder / "feed.xml").write_bytes(rss_feed("Broken RSS", [
        {"title": "Broken entry about the SU7", "guid": "su7", "content": "<p>The SU7 sold well, BAD &#xD800; in Oslo.</p>"},
    ]).replace(b"BAD", bad))
    (folder / "feed.json").write_text(json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": "Broken JSON",
        "items": [{"id": "yu7", "title": "Broken item about the YU7\u0000\ud800",
                   "content_text": "The YU7 sold well, NUL\u0000 control\u001b surrogate\ud800 in Kyiv."}],
    }), encoding="utf-8", errors="surrogatepass")

    report = import_paths(library, [folder])

    assert report.failed == () and report.added == 5, report
    articles = stored(library)
    assert sorted(articles) == ["Broken entry about the SU7", "Broken item about the YU7",
                                "Broken markdown about POCO", "Broken note about Redmi", "Broken page about HyperOS"]
    for article in articles.values():
        for value in (article.title, article.text, article.content_html, *article.summary):
            assert not _FORBIDDEN.search(value), (article.title, value)
            value.encode("utf-8")
    for place in ("Madrid", "Lyon", "Rome", "Oslo", "Kyiv"):
        assert library.search.count(place) == 1, place
    assert invariant_problems(Path(library.path)) == []


# --- dates and identities ---------------------------------------------------------------------


def test_missing_garbage_and_far_future_dates_leave_the_article_undated(tmp_path):
    now = datetime.now(timezone.utc)
    dates = {
        "No date": None, "Garbage date": "the day after tomorrow-ish", "Far future": "Fri, 31 Dec 9999 23:59:59 GMT",
        "Next year": (now + timedelta(days=400)).strftime("%a, %d %b %Y %H:%M:%S GMT"),
        "Before the web": "Thu, 01 Jan 1970 00:00:00 GMT", "Impossible day": "Mon, 30 Feb 2026 10:00:00 GMT",
        "Yesterday": (now - timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT"),
    }
    rng = random.Random(3)
    items = [{"title": title, "guid": title, "content": article_html(rng, 2), **({"pubDate": d} if d else {})}
             for title, d in dates.items()]
    (tmp_path / "dates.xml").write_bytes(rss_feed("Dates", items))
    assert cli(tmp_path / "lib.db", "import", str(tmp_path / "dates.xml")).returncode == 0

    with Library.open(tmp_path / "lib.db") as lib:
        articles = stored(lib)
        assert {t for t, a in articles.items() if a.published is not None} == {"Yesterday"}
        # Undated articles list by when they arrived, and never ahead of a dated one from the future.
        newest = lib.articles.list(limit=1)[0]
        assert newest.title != "Far future" and (newest.published or newest.fetched) <= now + timedelta(minutes=5)
    listed = cli(tmp_path / "lib.db", "list", "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == len(dates)


def test_guids_repeated_inside_one_feed_keep_the_first_entry_on_import_and_refresh(tmp_path, library, loopback_server):
    rng = random.Random(4)
    items = [{"title": "First copy", "guid": "same", "content": article_html(rng, 2)},
             {"title": "Another story", "guid": "other", "content": article_html(rng, 2)},
             {"title": "Second copy", "guid": "same", "content": article_html(rng, 2)}]
    data = rss_feed("Repeats", items, link="https://repeats.example.com/")
    (tmp_path / "repeats.xml").write_bytes(data)
    imported = import_paths(library, [tmp_path / "repeats.xml"])
    assert imported.added == 2 and any("1 entry repeating an earlier guid skipped" in n for n in imported.notes)

    library.sources.add("feed", loopback_server.serve("/repeats.xml", data, content_type="application/rss+xml"))
    with Fetcher(FetchPolicy(min_host_interval=0)) as fetcher:
        runs = [refresh_sources(library, fetcher=fetcher, images=False, full_text=False) for _ in range(2)]
    assert [(r.added, r.unchanged) for r in runs] == [(2, 0), (0, 2)]
    assert any("1 entry repeating an earlier guid skipped" in n for n in runs[0].sources[-1].notes)
    everything = library.articles.list(ArticleFilter(include_duplicates=True), limit=None)
    assert sorted(h.title for h in everything) == ["Another story", "Another story", "First copy", "First copy"]


# --- addresses that are not web addresses ------------------------------------------------------


def test_non_web_addresses_as_sources_are_refused_and_never_read(tmp_path, library, loopback_server):
    secret = tmp_path / "secret.xml"
    secret.write_bytes(rss_feed("Secret", [{"title": "SECRET ENTRY", "guid": "s", "description": "secret"}]))
    hostile = [secret.as_uri(), "javascript:alert(document.cookie)",
               "data:application/rss+xml;base64," + base64.b64encode(secret.read_bytes()).decode(),
               f"file://localhost{secret}", "ftp://127.0.0.1/feed.xml"]
    # Through the command line, OPML and subscribing they are refused before they are stored ...
    for address in hostile:
        added = cli(Path(library.path), "add", address)
        assert added.returncode != 0 and "Traceback" not in added.stderr, address
    outline = "".join(f'<outline type="rss" text="x" xmlUrl="{a.replace("&", "&amp;")}"/>' for a in hostile)
    good = loopback_server.serve("/good.xml", synthetic_feed("Good", loopback_server.url("/"), count=3, seed=8),
                                 content_type="application/rss+xml")
    (tmp_path / "subs.opml").write_text(f'<opml version="2.0"><body>{outline}<outline type="rss" text="good" '
                                        f'xmlUrl="{good}"/></body></opml>', encoding="utf-8")
    report = import_paths(library, [tmp_path / "subs.opml"])
    assert report.sources_added == 1 and len(report.notes) == len(hostile)
    # ... and a library that holds them anyway (an old or edited file) never reads them.
    for address in hostile:
        library.sources.add("feed", address)
    with Fetcher(FetchPolicy(min_host_interval=0)) as fetcher:
        refreshed = refresh_sources(library, fetcher=fetcher, images=False, full_text=False)
    failed = {s.url: s.error for s in refreshed.failed}
    assert set(failed) == set(hostile)
    assert [(u, e) for u, e in failed.items() if not (e.startswith(u[:40]) and "http:// and https://" in e)] == []
    assert refreshed.added == 3
    assert all(h.title != "SECRET ENTRY" for h in library.articles.list())
    assert [hit.path for hit in loopback_server.hits] == ["/good.xml"]


def test_non_web_addresses_in_entries_never_reach_the_library(tmp_path, library):
    rng = random.Random(6)
    links = ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd", "vbscript:x"]
    items = [{"title": f"Entry {n}", "guid": f"e{n}", "link": link,
              "content": f'<p><a href="{link}">link</a> <img src="{link}" alt="pic"> '
                         f'<a href="https://example.com/ok">fine</a></p>' + article_html(rng, 2)}
             for n, link in enumerate(links)]
    (tmp_path / "links.xml").write_bytes(rss_feed("Links", items, link="javascript:alert(2)"))
    report = import_paths(library, [tmp_path / "links.xml"])
    assert report.added == len(links)
    for article in stored(library).values():
        assert article.url is None
        assert not re.search(r"javascript:|data:|file:|vbscript:", article.content_html)
        assert 'href="https://example.com/ok"' in article.content_html
    assert all(s.site_url is None for s in library.sources.list())
