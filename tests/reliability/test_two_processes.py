"""Two processes on one library: the GUI refreshing while the command line imports and tags.

The refresh runs exactly as the GUI runs it: ``jobs.refresh`` in a worker process
(:func:`~digest_app.gui.worker_process.run_in_process`, its own ``Library``
connection, the default fetch policy), over many loopback feeds; meanwhile a shell
loop runs ``digest-app import`` and ``digest-app tag`` again and again. Nobody may
see "database is locked", and afterwards every article and every tag either side
wrote must be there.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

from digest_app.collect.importer import import_paths
from digest_app.gui import jobs
from digest_app.gui.worker_process import ProcessJob, run_in_process
from digest_app.store import Library
from tests.reliability.library_state import invariant_problems
from tests.reliability.synthetic import article_paragraphs, synthetic_feed
from tests.support.loopback import LoopbackServer

REPO = Path(__file__).resolve().parents[2]
SERVERS = 8
FEEDS_PER_SERVER = 2
ITEMS = 12
ROUNDS = 4


def test_refresh_and_cli_import_and_tag_at_once_lose_nothing(tmp_path, shared):
    library = tmp_path / "library.db"
    with Library.open(library) as lib:
        seeded = import_paths(lib, [shared / "seeds"], summarize=False)
        seed_ids = [h.id for h in lib.articles.list(limit=None)]
    assert seeded.added == len(seed_ids) == 10
    notes = tmp_path / "notes"
    notes.mkdir()
    rng = random.Random(7)
    for n in range(ROUNDS):
        (notes / f"note-{n}.md").write_text(
            f"# Field note {n} on Xiaomi\n\n" + "\n\n".join(article_paragraphs(rng, 3)), encoding="utf-8")

    servers = [LoopbackServer().start() for _ in range(SERVERS)]
    try:
        feeds = []
        for s, server in enumerate(servers):
            for f in range(FEEDS_PER_SERVER):
                body = synthetic_feed(f"Feed {s}.{f}", server.url("/"), count=ITEMS, seed=1000 + 10 * s + f)
                feeds.append(server.serve(f"/feed-{f}.xml", body, content_type="application/rss+xml"))
        with Library.open(library) as lib:
            for url in feeds:
                lib.sources.add("feed", url)

        outcome: dict[str, object] = {}

        def gui_refresh() -> None:
            outcome["started"] = time.monotonic()
            try:
                outcome["report"] = run_in_process(library, ProcessJob(jobs.refresh, (None,)),
                                                   report=lambda progress: None, cancelled=lambda: False)
            except Exception as error:  # noqa: BLE001 - reported by the assertions below
                outcome["error"] = error
            outcome["ended"] = time.monotonic()

        script = "\n".join(
            f'"$PY" -m digest_app --library "$LIB" import "{notes}/note-{n}.md" || exit 10\n'
            f'"$PY" -m digest_app --library "$LIB" tag {seed_ids[n % len(seed_ids)]} "Checked {n}" || exit 11'
            for n in range(ROUNDS)
        )
        refresher = threading.Thread(target=gui_refresh)
        refresher.start()
        cli_started = time.monotonic()
        cli = subprocess.run(["bash", "-c", script], cwd=REPO, capture_output=True, text=True, timeout=300,
                             env={**os.environ, "PY": sys.executable, "LIB": str(library)})
        cli_ended = time.monotonic()
        refresher.join(timeout=300)
    finally:
        for server in servers:
            server.stop()

    assert cli.returncode == 0, cli.stderr
    assert "locked" not in cli.stderr + cli.stdout and "Traceback" not in cli.stderr
    assert "error" not in outcome, outcome.get("error")
    report = outcome["report"]
    assert report.failed == () and report.added == SERVERS * FEEDS_PER_SERVER * ITEMS
    # They really ran at the same time.
    assert outcome["started"] < cli_ended and cli_started < outcome["ended"]
    print(f"\nrefresh {outcome['ended'] - outcome['started']:.1f} s, CLI loop {cli_ended - cli_started:.1f} s")

    with Library.open(library) as lib:
        titles = {h.title for h in lib.articles.list(limit=None, order="oldest")}
        assert {f"Field note {n} on Xiaomi" for n in range(ROUNDS)} <= titles
        assert lib.articles.count() == 10 + ROUNDS + SERVERS * FEEDS_PER_SERVER * ITEMS
        for n in range(ROUNDS):
            tags = {t.name for t in lib.articles.get(seed_ids[n % len(seed_ids)]).tags}
            assert f"Checked {n}" in tags
            assert lib.search.count(f'tag:"Checked {n}"') == 1
    assert invariant_problems(library) == []
