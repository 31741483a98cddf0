"""The kill loop: imports and refreshes killed (SIGKILL) at random moments, checked after each kill.

Shared by ``test_crash_safety.py`` (32 kills in ``make test``) and
``benchmarks/soak.py`` (as many as asked)::

    servers = start_servers()
    work = build_workload(tmp, shared, servers)     # the input, and a library built without kills
    tally = Tally()
    while tally.kills < 32:
        kill_round(work, tmp / "library.db", random.Random(1), tally, kills=16)
    assert tally.problems == [] and tally.lost == 0

The child is the real command line, ``python -m digest_app --library X import FOLDER``
or ``... refresh``, against feeds on loopback servers that live in the calling
process. Each round starts from an empty library and kills attempts until both an
import and a refresh have run to the end; after every kill the library is checked
(:func:`~tests.reliability.library_state.invariant_problems`), and at the end of a
round it must equal the reference library built without kills.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from digest_app.store import Library
from tests.reliability.library_state import (
    ArticleState,
    Identity,
    articles_per_unit,
    differences,
    invariant_problems,
    snapshot,
)
from tests.reliability.synthetic import synthetic_feed
from tests.support.loopback import LoopbackServer

REPO = Path(__file__).resolve().parents[2]
#: Corpus feeds imported with the seed texts (and a mirror of manton.rss under another
#: address, whose stories become duplicate links).
IMPORTED_FEEDS = ("DaringFireball.atom", "livemint.xml", "manton.rss")
#: Loopback servers (one feed each: every server is its own host, so the refresh's
#: per-host politeness does not serialise them).
REFRESH_FEEDS = 6
#: Kills per round before its attempts may finish: each round starts from an empty
#: library, so kills keep landing while articles are being stored, not re-read.
KILLS_PER_ROUND = 16


@dataclass
class Workload:
    """The input of every round: a folder to import and feeds to refresh."""

    folder: Path
    empty_library: Path
    reference: dict[Identity, ArticleState] = field(default_factory=dict)
    complete_counts: dict[str, int] = field(default_factory=dict)
    #: How long a whole run takes: the quickest seen so far.
    import_seconds: float = 0.0
    refresh_seconds: float = 0.0


@dataclass
class Tally:
    """What the kill loop did and found."""

    kills: int = 0
    checks: int = 0  # checks after a kill that found the library sound
    rounds: int = 0
    exact_rounds: int = 0  # rounds that ended equal to the reference
    completed: int = 0  # runs that were left to finish
    lost: int = 0  # reference articles missing at the end of a round
    locked: int = 0  # runs that reported "database is locked"
    moments: list[float] = field(default_factory=list)  # when each kill fell, as a share of a whole run
    problems: list[str] = field(default_factory=list)


def start_servers(count: int = REFRESH_FEEDS) -> list[LoopbackServer]:
    """Loopback servers with one synthetic feed each, at ``/feed.xml``."""
    servers = [LoopbackServer().start() for _ in range(count)]
    for number, server in enumerate(servers):
        server.serve("/feed.xml", synthetic_feed(f"Loopback news {number}", server.url("/"), count=12,
                                                  seed=100 + number), content_type="application/rss+xml")
    return servers


def build_workload(root: Path, shared: Path, servers: list[LoopbackServer]) -> Workload:
    """The folder to import (seed texts, corpus feeds, a mirror), an empty library that
    knows the loopback feeds, and the reference: both run once without kills."""
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
        failure = _failure(child, action)
        if failure:
            raise RuntimeError(f"the reference {failure}")
        setattr(work, f"{action}_seconds", time.monotonic() - started)
    work.reference = snapshot(reference)
    work.complete_counts = articles_per_unit(reference)
    problems = invariant_problems(reference)
    if problems:
        raise RuntimeError(f"the reference library is not sound: {problems}")
    return work


def run_child(library: Path, action: str, folder: Path) -> subprocess.Popen:
    args = ["import", str(folder)] if action == "import" else ["refresh"]
    return subprocess.Popen(
        [sys.executable, "-m", "digest_app", "--library", str(library), *args],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )


def _failure(child: subprocess.Popen, action: str) -> str | None:
    """Why a run left to finish failed, or None."""
    _, err = child.communicate(timeout=300)
    if child.returncode != 0 or "Traceback" in err or "locked" in err:
        return f"{action} failed ({child.returncode}): {err[-2000:]}"
    return None


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
            _, err = child.communicate(timeout=30)
            tally.kills += 1
            tally.locked += "locked" in err
            tally.moments.append((time.monotonic() - started) / budget)
            problems = invariant_problems(library, work.complete_counts)
            if problems:
                tally.problems.append(f"after kill {tally.kills} ({action} at {delay:.2f} s): {problems}")
            else:
                tally.checks += 1
            continue
        failure = _failure(child, action)
        if failure:
            tally.locked += "locked" in failure
            tally.problems.append(failure)
            return
        # Runs take as long as the machine's load lets them: kills are aimed within the
        # quickest whole run seen, so that they keep landing before the end.
        setattr(work, f"{action}_seconds", min(budget, time.monotonic() - started))
        tally.completed += 1
        done.add(action)
    tally.rounds += 1
    problems = invariant_problems(library, work.complete_counts)
    final = snapshot(library)
    tally.lost += len(work.reference.keys() - final.keys())
    drift = differences(work.reference, final)
    if problems or drift:
        tally.problems.append(f"round {tally.rounds} ended unsound or unlike the reference: {problems} {drift}")
    else:
        tally.exact_rounds += 1
