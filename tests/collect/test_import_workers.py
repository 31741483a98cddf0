"""A large import is read by worker processes and stored by the main one; the reader
must not notice: the library ends as a file-by-file import leaves it, broken files are
reported in order, cancelling stops between files, and a killed import leaves a sound
library, no stray processes, and finishes exactly when run again.

The input is made-up Xiaomi news (tests.reliability.synthetic), some of it copied from
one source to another, large enough (over half a megabyte) for the import to start workers.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from digest_app.collect import importer
from digest_app.collect.feeds import parse_feed
from digest_app.collect.importer import import_paths
from digest_app.store import Library
from tests.reliability.library_state import articles_per_unit, differences, invariant_problems, snapshot
from tests.reliability.synthetic import article_paragraphs, synthetic_feed

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or not importer.WORKERS, reason="workers are forked on Linux with two CPUs or more"
)
FEEDS = 6
ENTRIES = 40
DOCUMENTS = 60


def write_input(folder: Path) -> None:
    """Feeds and text files, a broken file and an OPML file among them, text files
    that copy a feed entry (near-duplicates from another source), and more than
    importer.MIN_BYTES_FOR_WORKERS in all."""
    folder.mkdir()
    for number in range(FEEDS):
        feed = synthetic_feed(f"Synthetic feed {number}", f"https://feed{number}.example.com/",
                              count=ENTRIES, seed=300 + number, paragraphs=5)
        (folder / f"feed-{number}.xml").write_bytes(feed)
    rng = random.Random(5)
    for number in range(DOCUMENTS):
        paragraphs = article_paragraphs(rng, paragraphs=5)
        (folder / f"note-{number:03d}.txt").write_text(
            f"Xiaomi note {number}\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
        )
    for number, entry in enumerate(parse_feed((folder / "feed-2.xml").read_bytes()).entries[:2]):
        (folder / f"note-copy-{number}.txt").write_text(
            f"Copied story {number}\n\nAs reported elsewhere this week.\n\n{entry.text}\n", encoding="utf-8"
        )
    (folder / "broken.xml").write_text("<rss><channel><item><title>unclosed", encoding="utf-8")
    (folder / "binary.dat").write_bytes(bytes(range(256)) * 4)
    (folder / "subscriptions.opml").write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>Subs</title></head><body>'
        '<outline type="rss" text="Mi news" xmlUrl="https://mi.example.com/feed.xml"/></body></opml>',
        encoding="utf-8",
    )
    assert sum(p.stat().st_size for p in folder.iterdir()) > importer.MIN_BYTES_FOR_WORKERS


@pytest.fixture(scope="module")
def input_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("workers") / "in"
    write_input(folder)
    return folder


def test_a_large_import_stores_what_importing_file_by_file_stores(input_folder, tmp_path):
    one_by_one = tmp_path / "one-by-one.db"
    with Library.open(one_by_one) as lib:
        reports = [import_paths(lib, [path], summarize=False) for path in sorted(input_folder.iterdir())]
    together = tmp_path / "together.db"
    child = run_import(together, input_folder, "--json")
    assert wait_for_workers(child)
    report = json.loads(finish(child))

    assert differences(snapshot(one_by_one), snapshot(together)) == []
    assert report["added"] == sum(r.added for r in reports) == FEEDS * ENTRIES + DOCUMENTS + 2
    assert report["sources_added"] == sum(r.sources_added for r in reports) == FEEDS + 1  # and the OPML one
    assert [(p["path"], p["reason"]) for p in report["failed"]] == [
        (p.path, p.reason) for r in reports for p in r.failed
    ]
    assert [Path(p["path"]).name for p in report["failed"]] == ["binary.dat", "broken.xml"]
    with Library.open(together) as lib:
        assert lib.duplicates.count() == 2
        assert lib.tags.list()  # rule tags were put on the articles
    again = json.loads(finish(run_import(together, input_folder, "--json")))
    assert (again["added"], again["updated"], again["unchanged"]) == (0, 0, report["added"])
    assert differences(snapshot(one_by_one), snapshot(together)) == []


def test_cancelling_stops_between_files_and_keeps_every_file_whole(input_folder, library):
    seen: list[str] = []

    report = import_paths(
        library, [input_folder], summarize=False,
        progress=lambda p: seen.append(p.path), cancelled=lambda: len(seen) >= 3,
    )

    total = len(list(input_folder.iterdir()))
    assert report.notes[-1] == f"cancelled after {len(seen)} of {total} files"
    assert 3 <= len(seen) < total
    stored = articles_per_unit(library.path)
    assert invariant_problems(library.path, stored) == []
    complete = FEEDS * ENTRIES + DOCUMENTS + 2
    assert 0 < library.articles.count() < complete


def test_a_killed_import_leaves_a_sound_library_and_no_workers_and_finishes_exactly(input_folder, tmp_path):
    reference = tmp_path / "reference.db"
    started = time.monotonic()
    with Library.open(reference) as lib:
        import_paths(lib, [input_folder], summarize=False)
    duration = time.monotonic() - started
    complete_counts = articles_per_unit(reference)

    library = tmp_path / "library.db"
    for fraction in (0.4, 0.8):
        child = run_import(library, input_folder)
        workers = wait_for_workers(child)
        time.sleep(fraction * duration)
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        assert invariant_problems(library, complete_counts) == [], f"killed at {fraction:.0%}"
        assert all(gone_within(pid, seconds=5) for pid in workers), "a worker outlived the import"
    finish(run_import(library, input_folder))

    assert differences(snapshot(reference), snapshot(library)) == []


def run_import(library: Path, folder: Path, *options: str) -> subprocess.Popen:
    """The command line's import (a process of one thread, which forks its workers)."""
    return subprocess.Popen(
        [sys.executable, "-m", "digest_app", "--library", str(library), "import", "--no-summarize",
         *options, str(folder)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(child: subprocess.Popen) -> str:
    out, err = child.communicate(timeout=120)
    # Exit status 1: the broken files are reported as failures.
    assert child.returncode in (0, 1) and "Traceback" not in err, err[-2000:]
    return out


def wait_for_workers(child: subprocess.Popen) -> list[int]:
    """The worker processes of the import, once it has started them."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and child.poll() is None:
        try:
            found = Path(f"/proc/{child.pid}/task/{child.pid}/children").read_text().split()
        except OSError:
            found = []
        if len(found) >= importer.WORKERS:
            return [int(pid) for pid in found]
        time.sleep(0.02)
    raise AssertionError("the import started no worker processes")


def gone_within(pid: int, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state == "Z":
            return True  # ended; waiting for whoever adopted it to collect its status
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    return False
