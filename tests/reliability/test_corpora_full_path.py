"""Every file of the shared corpora through the whole import and refresh paths.

From disk: ``digest-app import`` of the corpora folder (a child process, the real
command line), which stores, links duplicates, tags and summarizes every entry.
Over the network, at the same time: every file served by a loopback server (with
the HTTP headers feedparser's test files declare for themselves: charsets,
languages, Content-Location, javascript: included), one source each, refreshed
as the default sources are, with the topic filter: every entry is read and
judged, and only those about Xiaomi are stored (summarizing all 3,700 entries a
second time would double the test's minute).

Nothing may escape: each refused file or source has a clear error of its own,
the good entries of a partly broken feed are all kept, and the libraries come
out sound.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from digest_app.collect.http import Fetcher, FetchPolicy
from digest_app.collect.refresh import RefreshReport, refresh_sources
from digest_app.store import Library
from tests.reliability.library_state import invariant_problems
from tests.support.loopback import FEED_TYPES, LoopbackServer, bytes_route, file_route

REPO = Path(__file__).resolve().parents[2]
_HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):[ \t]*(.*?)\s*$", re.MULTILINE)
_RECOVERED = re.compile(r"; (\d+) entr(?:y|ies) recovered")
#: What an error message must not look like: a crash passed on, or nothing said.
_CRASH_WORDS = re.compile(r"Traceback|AssertionError|KeyError|IndexError|AttributeError|RecursionError")


def corpus_files(shared: Path) -> list[Path]:
    return [p for p in sorted((shared / "corpora").rglob("*")) if p.is_file()]


def declared_headers(data: bytes) -> dict[str, str]:
    """The ``Header: Name: value`` lines of a feedparser test file's leading comment."""
    comment = data[: data.find(b"-->")] if b"<!--" in data[:400] else b""
    return {m.group(1).decode(): m.group(2).decode("latin-1") for m in _HEADER.finditer(comment)}


def serve(server: LoopbackServer, number: int, path: Path) -> str:
    name = path.name.removesuffix(".gz")
    data = path.read_bytes()
    headers = declared_headers(data)
    if not headers:
        return server.route(f"/{number}/{name}", file_route(path))
    content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), None)
    others = {k: v for k, v in headers.items() if k.lower() != "content-type"}
    suffix = "." + name.rsplit(".", 1)[-1].lower()
    return server.route(f"/{number}/{name}", bytes_route(
        data, content_type=content_type or FEED_TYPES.get(suffix, "application/octet-stream"), headers=others))


@dataclass
class Paths:
    files: list[Path]
    disk_report: dict
    disk_stderr: str
    disk_library: Path
    refresh: RefreshReport
    urls: dict[int, Path]  # source ID -> the corpus file it serves
    net_library: Path
    seconds: float


@pytest.fixture(scope="module")
def paths(shared, tmp_path_factory) -> Paths:
    root = tmp_path_factory.mktemp("corpora")
    files = corpus_files(shared)
    started = time.monotonic()
    # From disk, in a child process, while this process refreshes over loopback.
    disk = subprocess.Popen(
        [sys.executable, "-m", "digest_app", "--library", str(root / "disk.db"), "import", "--json",
         str(shared / "corpora")],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
    net_library = root / "net.db"
    urls: dict[int, Path] = {}
    with LoopbackServer() as server, Library.open(net_library) as lib:
        for number, path in enumerate(files):
            # As the default sources are: with the topic filter, so the entries are read,
            # judged and counted, and only the Xiaomi ones stored (the disk path stores all).
            source, _ = lib.sources.add("page" if path.name.endswith(".html.gz") else "feed",
                                        serve(server, number, path), topic_filter=True)
            urls[source.id] = path
        policy = FetchPolicy(min_host_interval=0, max_per_host=6, max_in_flight=6, connect_timeout=5,
                             read_timeout=10, total_timeout=30)
        with Fetcher(policy) as fetcher:
            refresh = refresh_sources(lib, fetcher=fetcher, full_text=False, images=False)
        assert all(hit.path.count("/") == 2 for hit in server.hits)  # only the served files were asked for
    out, err = disk.communicate(timeout=600)
    assert disk.returncode in (0, 1), err[-3000:]
    return Paths(files, json.loads(out), err, root / "disk.db", refresh, urls, net_library, time.monotonic() - started)


def test_every_file_from_disk_is_imported_or_refused_by_name(paths):
    report, refused = paths.disk_report, paths.disk_report["failed"]
    print(f"\ncorpora: {len(paths.files)} files; from disk {report['added']} articles, {len(refused)} refused "
          f"({Counter(p['reason'].split(' (')[0] for p in refused).most_common(4)}); over loopback "
          f"{paths.refresh.added} articles, {len(paths.refresh.failed)} refused; {paths.seconds:.0f} s")
    assert "Traceback" not in paths.disk_stderr
    assert report["added"] > 3000
    named = {Path(p["path"]) for p in refused}
    assert named <= set(paths.files) and len(named) == len(refused)
    for problem in refused:
        assert problem["reason"].strip() and not _CRASH_WORDS.search(problem["reason"]), problem
        assert f"digest-app: error: {problem['path']}: {problem['reason']}" in paths.disk_stderr
    # Pages kept gzipped, licences and notes are refused; every real feed is read.
    assert not any("real-feeds" in p.parts and p.suffix in (".rss", ".atom", ".rdf") for p in named)


def test_every_file_over_loopback_is_read_or_refused_by_name(paths):
    outcomes = Counter(s.status for s in paths.refresh.sources)
    assert set(outcomes) <= {"ok", "failed"} and outcomes["ok"] > 2000
    assert len(paths.refresh.sources) == len(paths.files)
    for source in paths.refresh.failed:
        assert source.error and source.error.startswith(f"{source.url}: "), source
        assert not _CRASH_WORDS.search(source.error), source.error
    # Every article page reads as an article, every real feed as a feed.
    for source in paths.refresh.sources:
        path = paths.urls[source.source_id]
        if path.name.endswith(".html.gz") or ("real-feeds" in path.parts and path.suffix in (".rss", ".atom", ".rdf")):
            assert source.status == "ok", (path, source.error)


def test_partly_broken_feeds_keep_every_good_entry(paths):
    broken = [(s, int(m.group(1))) for s in paths.refresh.sources for note in s.notes
              if (m := _RECOVERED.search(note))]
    assert len(broken) >= 10
    with Library.open(paths.net_library) as lib:
        counts = dict(lib.query("SELECT source_id, count(*) FROM articles GROUP BY source_id"))
    for source, recovered in broken:
        assert source.added + source.filtered_out == recovered, (paths.urls[source.source_id], source)
        assert counts.get(source.source_id, 0) == source.added


def test_both_libraries_come_out_sound(paths):
    assert invariant_problems(paths.disk_library) == []
    assert invariant_problems(paths.net_library) == []
