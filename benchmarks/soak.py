"""Soak: the kill loop and two processes at once, run far longer than ``make test`` runs them.

    python benchmarks/soak.py                                  # about 6 minutes
    python benchmarks/soak.py --kills 200 --two-process-seconds 600

Kill loop (:mod:`tests.reliability.kill_loop`, the crash-safety test's own loop):
the real command line imports a folder (seed texts, corpus feeds, a mirror) and
refreshes six loopback feeds, and is killed (SIGKILL) at random moments, round
after round from an empty library. After every kill the library is checked
(SQLite integrity, foreign keys, search index against the articles, duplicate
links and anchors, nothing half-stored: each feed and each document all there or
not at all); every round ends with an import and a refresh left to finish, and
the library must then equal the reference built without kills. "Articles lost"
counts reference articles missing at the end of a round.

Two processes: for ``--two-process-seconds``, the GUI's refresh (``jobs.refresh``
in a worker process, as the window runs it) refreshes loopback feeds that grow
at every request, again and again, while a command-line loop imports a new note
and tags a seed article, again and again. Afterwards every note imported, every
tag given and every feed item ever served must be in the library, which must
pass the same checks. "Locked errors" counts any "database is locked" either
side met.

The peer, measured in the same run: the undisturbed runs. For the kill loop, the
reference import and refresh (no kills); for two processes, one refresh and one
import-and-tag each alone, against which their times together are read.

Prints a markdown table; exits non-zero only on a crash.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared"))

from digest_app.collect.importer import import_paths  # noqa: E402
from digest_app.gui import jobs  # noqa: E402
from digest_app.gui.worker_process import ProcessJob, WorkerFailed, run_in_process  # noqa: E402
from digest_app.store import ArticleFilter, Library  # noqa: E402
from tests.reliability.kill_loop import KILLS_PER_ROUND, Tally, build_workload, kill_round, start_servers  # noqa: E402
from tests.reliability.library_state import invariant_problems  # noqa: E402
from tests.reliability.synthetic import article_paragraphs, synthetic_feed  # noqa: E402
from tests.support.loopback import Exchange, LoopbackServer  # noqa: E402

SEED = 20261121


# --- kill loop ----------------------------------------------------------------------------------


@dataclass
class KillResult:
    tally: Tally
    seconds: float
    reference_articles: int
    reference_seconds: tuple[float, float]


def kill_loop(root: Path, kills: int) -> KillResult:
    servers = start_servers()
    try:
        work = build_workload(root, SHARED, servers)
        reference_seconds = (work.import_seconds, work.refresh_seconds)
        tally = Tally()
        rng = random.Random(SEED)
        started = time.monotonic()
        while tally.kills < kills:
            kill_round(work, root / "library.db", rng, tally, min(KILLS_PER_ROUND, kills - tally.kills))
            print(f"  kills {tally.kills}/{kills}, rounds {tally.rounds}, problems {len(tally.problems)}",
                  file=sys.stderr)
        return KillResult(tally, time.monotonic() - started, len(work.reference), reference_seconds)
    finally:
        for server in servers:
            server.stop()


# --- two processes ------------------------------------------------------------------------------


class GrowingFeed:
    """A feed that holds more items at every request (up to *limit*), as a busy site's does."""

    def __init__(self, server: LoopbackServer, path: str, seed: int, *, start: int = 4, step: int = 2,
                 limit: int = 400) -> None:
        self.server, self.seed, self.start, self.step, self.limit = server, seed, start, step, limit
        self.served = 0  # most items ever served
        self.requests = 0
        self._lock = threading.Lock()
        self.url = server.route(path, self._respond)

    def _respond(self, exchange: Exchange) -> None:
        with self._lock:
            count = min(self.limit, self.start + self.step * self.requests)
            self.requests += 1
            self.served = max(self.served, count)
        body = synthetic_feed(f"Growing {self.seed}", self.server.url("/"), count=count, seed=self.seed,
                              paragraphs=2)
        exchange.send(200, body, {"Content-Type": "application/rss+xml"})

    def guids(self) -> set[str]:
        return {f"{self.server.url('/')}story/{self.seed}/{n}" for n in range(self.served)}


@dataclass
class TwoProcessResult:
    refreshes: list[float] = field(default_factory=list)  # seconds each
    cli_rounds: list[float] = field(default_factory=list)  # seconds each import + tag
    refresh_alone: float = 0.0
    cli_alone: float = 0.0
    failures: list[str] = field(default_factory=list)
    locked: int = 0
    articles_expected: int = 0  # feed items served and notes imported
    articles_lost: int = 0
    writes_expected: int = 0  # tags given
    writes_lost: int = 0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0


def cli(library: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "digest_app", "--library", str(library), *args], cwd=REPO,
                          capture_output=True, text=True, timeout=600)


def gui_refresh(library: Path) -> object:
    return run_in_process(library, ProcessJob(jobs.refresh, (None,)), report=lambda progress: None,
                          cancelled=lambda: False)


def two_processes(root: Path, seconds: float) -> TwoProcessResult:
    result = TwoProcessResult()
    library = root / "two.db"
    with Library.open(library) as lib:
        import_paths(lib, [SHARED / "seeds"])
        seed_ids = [h.id for h in lib.articles.list(limit=None)]
    notes = root / "notes"
    notes.mkdir()
    rng = random.Random(SEED)
    servers = [LoopbackServer().start() for _ in range(4)]
    tagged: list[tuple[int, str]] = []
    imported: list[str] = []
    try:
        feeds = [GrowingFeed(server, f"/feed-{f}.xml", seed=2000 + 10 * s + f)
                 for s, server in enumerate(servers) for f in range(2)]
        with Library.open(library) as lib:
            for feed in feeds:
                lib.sources.add("feed", feed.url)

        def note_round(number: int) -> None:
            title = f"Soak note {number} on Xiaomi"
            path = notes / f"note-{number}.md"
            path.write_text(f"# {title}\n\n" + "\n\n".join(article_paragraphs(random.Random(number), 3)),
                            encoding="utf-8")
            started = time.monotonic()
            done = cli(library, "import", str(path))
            if done.returncode == 0:
                imported.append(title)
            else:
                result.failures.append(f"import {number}: {done.stderr.strip()[-300:]}")
            article, tag = rng.choice(seed_ids), f"Soak {number}"
            done_tag = cli(library, "tag", str(article), tag)
            if done_tag.returncode == 0:
                tagged.append((article, tag))
            else:
                result.failures.append(f"tag {number}: {done_tag.stderr.strip()[-300:]}")
            result.locked += ("locked" in done.stderr) + ("locked" in done_tag.stderr)
            result.cli_rounds.append(time.monotonic() - started)

        # The peer: each side alone.
        started = time.monotonic()
        gui_refresh(library)
        result.refresh_alone = time.monotonic() - started
        note_round(0)
        result.cli_alone = result.cli_rounds.pop()

        deadline = time.monotonic() + seconds
        stop = threading.Event()

        def refresh_loop() -> None:
            while not stop.is_set():
                began = time.monotonic()
                try:
                    report = gui_refresh(library)
                except WorkerFailed as error:
                    result.failures.append(f"refresh: {error}")
                    result.locked += "locked" in str(error)
                    continue
                for source in report.failed:
                    result.failures.append(f"refresh: {source.error}")
                    result.locked += "locked" in (source.error or "")
                result.refreshes.append(time.monotonic() - began)

        began = time.monotonic()
        refresher = threading.Thread(target=refresh_loop)
        refresher.start()
        number = 1
        while time.monotonic() < deadline:
            note_round(number)
            number += 1
        stop.set()
        refresher.join()
        result.seconds = time.monotonic() - began

        with Library.open(library) as lib:
            everything = lib.articles.list(ArticleFilter(include_duplicates=True), limit=None)
            titles = {h.title for h in everything}
            stored = {lib.articles.get(h.id).guid for h in everything}
            for feed in feeds:
                result.articles_expected += len(feed.guids())
                result.articles_lost += len(feed.guids() - stored)
            result.articles_expected += len(imported)
            result.articles_lost += sum(1 for title in imported if title not in titles)
            result.writes_expected = len(tagged)
            for article, tag in tagged:
                result.writes_lost += tag not in {t.name for t in lib.articles.get(article).tags}
        result.problems = invariant_problems(library)
    finally:
        for server in servers:
            server.stop()
    return result


# --- report -------------------------------------------------------------------------------------


def table(kill: KillResult, two: TwoProcessResult) -> str:
    t = kill.tally
    mean = lambda values: statistics.mean(values) if values else float("nan")  # noqa: E731
    rows = [
        "| stage | runs | kills | checks passed | articles lost | writes lost | locked errors | time |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
        f"| kill loop, peer: reference without kills | 2 | 0 | 1 of 1 | 0 | - | 0 | import "
        f"{kill.reference_seconds[0]:.1f} s, refresh {kill.reference_seconds[1]:.1f} s "
        f"({kill.reference_articles} articles) |",
        f"| kill loop | {t.completed + t.kills} | {t.kills} | {t.checks} of {t.kills} after kills, "
        f"{t.exact_rounds} of {t.rounds} rounds exact | {t.lost} of {kill.reference_articles * t.rounds} | - | "
        f"{t.locked} | {kill.seconds:.0f} s |",
        f"| two processes, peer: each alone | 2 | - | - | - | - | - | refresh {two.refresh_alone:.1f} s, "
        f"import + tag {two.cli_alone:.1f} s |",
        f"| two processes at once | {len(two.refreshes)} refreshes, {len(two.cli_rounds)} imports + tags | - | "
        f"{'1 of 1' if not two.problems else '0 of 1'} | {two.articles_lost} of {two.articles_expected} | "
        f"{two.writes_lost} of {two.writes_expected} tags | {two.locked} | "
        f"{two.seconds:.0f} s; refresh {mean(two.refreshes):.1f} s, import + tag {mean(two.cli_rounds):.1f} s |",
    ]
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=100, help="SIGKILLs in the kill loop (100)")
    parser.add_argument("--two-process-seconds", type=float, default=120,
                        help="how long the two processes run at once (120)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="digest-soak-") as folder:
        root = Path(folder)
        (root / "kill").mkdir()
        print(f"kill loop: {args.kills} kills ...", file=sys.stderr)
        kill = kill_loop(root / "kill", args.kills)
        print(f"two processes: {args.two_process_seconds:.0f} s ...", file=sys.stderr)
        two = two_processes(root, args.two_process_seconds)
    print(f"Soak, {date.today().isoformat()}: `python benchmarks/soak.py --kills {args.kills} "
          f"--two-process-seconds {args.two_process_seconds:g}` ({os.cpu_count()} cores)\n")
    print(table(kill, two))
    for problem in kill.tally.problems + two.problems + two.failures:
        print(f"\n- {problem}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
