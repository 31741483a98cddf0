"""The desktop app at 100,000 articles: first paint, search pages, stalls, memory.

    python benchmarks/gui_bench.py [--articles 100000] [--repeat 5]

Uses the generated library of ``benchmarks/corpus.py`` (built once, then
cached; this script works on a copy, because the window writes read flags and
new articles into it) and measures, offscreen:

- **first paint**: from starting a new process (``python -m``-style, with every
  import) to the first paint of the main window, and to the first page of
  articles in its list; the peer is the naive window most simple readers
  build, a list widget filled with every title, in a process of its own;
- **search page**: from the query entering the search field (debounce
  skipped) to the first page of results shown in the list, for a mix of
  queries; the peer is ``lib.search.run`` alone, the core without the window;
- **stall**: the longest gap between ticks of a 10 ms timer on the UI thread
  (the worst freeze a user could feel) while the window opens, while it
  searches, and while it refreshes 50 feeds served on loopback (each on a port
  of its own, as 50 sites would be; 20 new articles each, stored, deduplicated
  and summarized, the list reloading as they arrive);
- **peak memory**: the largest resident set of the window's process, and of the
  window and its worker process together (a refresh runs in a child process).

Prints a markdown table; with the default size it also writes
``docs/benchmarks-gui.md``. Exits non-zero only if it crashes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_FIRST_PAINT_S = 1.5
TARGET_SEARCH_MS = 100
TARGET_STALL_MS = 100
TARGET_MEMORY_MB = 400
QUERIES = ("xiaomi", "phone", "battery life", '"electric vehicle"', "su7 OR yu7", "tag:EV is:unread", "小米", "雷军 汽车", "zzqx")
FEEDS = 50
ITEMS_PER_FEED = 20


# -- child processes: one window each, timed from the parent's clock ---------------------


def child_first_paint(library: Path, naive: bool) -> None:
    """Open a window on *library*, print when it first painted and listed, then exit."""
    from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    marks: dict[str, float] = {}

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "paint" not in marks:
                marks["paint"] = time.time()
            return False

    if naive:
        from PySide6.QtWidgets import QListWidget, QMainWindow

        from digest_app.store import Library

        app = QApplication(["naive"])
        lib = Library.open(library, create=False)
        window = QMainWindow()
        titles = QListWidget()
        titles.addItems([h.title for h in lib.articles.list(limit=None)])
        window.setCentralWidget(titles)
        watcher = FirstPaint()
        titles.viewport().installEventFilter(watcher)
        window.resize(1280, 800)
        window.show()
        QTimer.singleShot(0, lambda: marks.setdefault("listed", time.time()))
    else:
        # The way `digest-app` starts: the command line first, then the window.
        import digest_app.cli.main  # noqa: F401
        from digest_app.gui.app import create_application, open_window

        app = create_application(["digest-app"])
        window = open_window(library)
        watcher = FirstPaint()
        window.installEventFilter(watcher)
        window.article_model.listingLoaded.connect(lambda: marks.setdefault("listed", time.time()))
        window.show()

    def finish() -> None:
        if "paint" in marks and "listed" in marks:
            marks["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps(marks), flush=True)
            app.exit(0)
        else:
            QTimer.singleShot(5, finish)

    QTimer.singleShot(0, finish)
    app.exec()
    os._exit(0)  # the window's threads and connections end with the process


def first_paint(library: Path, naive: bool) -> dict[str, float]:
    started = time.time()
    out = subprocess.run(
        [sys.executable, __file__, "--child-first-paint", str(library)] + (["--naive"] if naive else []),
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    ).stdout
    marks = json.loads(out.strip().splitlines()[-1])
    return {"paint": marks["paint"] - started, "listed": marks["listed"] - started, "rss_mb": marks["rss_mb"]}


# -- in-process measurements on one window ------------------------------------------------


class MemorySampler:
    """The largest resident set of this process plus its children, sampled in a thread."""

    def __init__(self) -> None:
        import threading

        import psutil

        self.peak_mb = 0.0
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.1):
            try:
                total = self._process.memory_info().rss + sum(
                    c.memory_info().rss for c in self._process.children(recursive=True)
                )
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, total / (1024 * 1024))


class StallProbe:
    """A 10 ms timer on the UI thread; the longest gap between ticks is the worst freeze."""

    def __init__(self) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.longest_ms = 0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.longest_ms = 0
        self._clock.start()
        self._timer.start()

    def stop(self) -> int:
        self._timer.stop()
        return self.longest_ms

    def _tick(self) -> None:
        self.longest_ms = max(self.longest_ms, self._clock.restart())


def spin_until(app, condition, timeout_s: float = 600.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        time.sleep(0.001)


def feed_documents(feeds: int, items: int) -> list[bytes]:
    """RSS feeds written for this benchmark: Xiaomi-flavoured items, our own words."""
    import random
    from xml.sax.saxutils import escape

    words = (
        "battery screen price camera factory store launch review market share chip software update delivery "
        "order warranty design speaker charger sensor display memory storage network motor seat range charging "
        "station retail partner forecast quarter profit tablet watch router television scooter robot"
    ).split()
    documents = []
    for f in range(feeds):
        entries = []
        for i in range(items):
            rng = random.Random(f * 1000 + i)
            body = " ".join(
                f"Xiaomi {' '.join(rng.sample(words, 10))} by {rng.randint(10, 99)} percent." for _ in range(14)
            )
            entries.append(
                f"<item><title>Xiaomi {rng.choice(words)} news {f}-{i}</title><guid isPermaLink='false'>bench-{f}-{i}</guid>"
                f"<pubDate>Mon, 0{1 + i % 9} Nov 2026 10:00:00 GMT</pubDate>"
                f"<description>{escape('<p>' + body + '</p>')}</description></item>"
            )
        documents.append(
            (
                f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Bench feed {f}</title>'
                f"<link>https://example.com/bench/{f}/</link>{''.join(entries)}</channel></rss>"
            ).encode("utf-8")
        )
    return documents


class LoopbackFeeds:
    """One small HTTP server per feed on 127.0.0.1 (ports differ, so politeness treats
    them as different sites, as a real refresh of 50 sources would be)."""

    def __init__(self, documents: list[bytes]) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.servers = []
        for body in documents:

            class Handler(BaseHTTPRequestHandler):
                document = body

                def do_GET(self) -> None:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/rss+xml")
                    self.send_header("Content-Length", str(len(self.document)))
                    self.end_headers()
                    self.wfile.write(self.document)

                def log_message(self, *args: object) -> None:
                    pass

            server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{s.server_address[1]}/feed.xml" for s in self.servers]

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()


@dataclass
class WindowFigures:
    open_stall_ms: int
    search_ms: dict[str, list[float]]
    core_ms: dict[str, list[float]]
    totals: dict[str, int | None]
    search_stall_ms: int
    work_label: str
    work_s: float
    work_stall_ms: int
    work_added: int
    sidebar_s: float
    rss_mb: float
    with_worker_mb: float


def measure_window(library: Path, repeat: int, scratch: Path) -> WindowFigures:
    from PySide6.QtCore import QSettings

    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(scratch / "settings"))
    from digest_app.gui.app import close_window, create_application, open_window

    app = create_application(["digest-app"])
    memory = MemorySampler()
    memory.start()
    probe = StallProbe()
    opened = time.perf_counter()
    window = open_window(library)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    # From the first paint on: building the window happens before anything shows.
    probe.start()
    spin_until(app, lambda: window.article_model.loaded)
    spin_until(app, lambda: window.snapshot is not None)
    sidebar_s = time.perf_counter() - opened
    open_stall = probe.stop()

    search_ms: dict[str, list[float]] = {q: [] for q in QUERIES}
    core_ms: dict[str, list[float]] = {q: [] for q in QUERIES}
    totals: dict[str, int | None] = {}
    probe.start()
    for _ in range(repeat):
        for query in QUERIES:
            window.search_bar.set_text("", emit=True)
            spin_until(app, lambda: window.article_model.loaded)
            started = time.perf_counter()
            window.search_bar.set_text(query)
            spin_until(app, lambda: window.article_model.loaded and window.article_model.listing.query == query)
            window.article_list.viewport().repaint()
            search_ms[query].append((time.perf_counter() - started) * 1000)
            totals[query] = window.article_model.total
            started = time.perf_counter()
            window.lib.search.run(query, limit=window_page_size())
            core_ms[query].append((time.perf_counter() - started) * 1000)
    search_stall = probe.stop()
    window.search_bar.set_text("")
    spin_until(app, lambda: window.article_model.loaded)

    served = LoopbackFeeds(feed_documents(FEEDS, ITEMS_PER_FEED))
    for n, url in enumerate(served.urls):
        window.lib.sources.add("feed", url, title=f"Loopback feed {n}")
    probe.start()
    started = time.perf_counter()
    task = window.refresh()
    spin_until(app, lambda: task.result is not None or task.error is not None)
    spin_until(app, lambda: not window.tasks.busy)
    work_s = time.perf_counter() - started
    work_stall = probe.stop()
    served.close()
    if task.error is not None:
        raise RuntimeError(f"the refresh failed: {task.error}")
    added = task.result.added
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    with_worker_mb = memory.stop()
    close_window(window)
    return WindowFigures(
        open_stall_ms=open_stall,
        search_ms=search_ms,
        core_ms=core_ms,
        totals=totals,
        search_stall_ms=search_stall,
        work_label=f"refresh of {FEEDS} loopback feeds ({FEEDS * ITEMS_PER_FEED:,} new articles)",
        work_s=work_s,
        work_stall_ms=work_stall,
        work_added=added,
        sidebar_s=sidebar_s,
        rss_mb=rss_mb,
        with_worker_mb=with_worker_mb,
    )


def window_page_size() -> int:
    from digest_app.gui.article_model import PAGE_SIZE

    return PAGE_SIZE


# -- report -------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "meets target" if ok else "**misses target**"


def report(n: int, paints: list[dict], naive: list[dict], figures: WindowFigures, repeat: int) -> str:
    paint = statistics.median(p["paint"] for p in paints)
    listed = statistics.median(p["listed"] for p in paints)
    naive_paint = statistics.median(p["paint"] for p in naive)
    naive_listed = statistics.median(p["listed"] for p in naive)
    child_rss = max(p["rss_mb"] for p in paints)
    naive_rss = max(p["rss_mb"] for p in naive)
    all_search = [t for q in QUERIES for t in figures.search_ms[q]]
    worst_search = max(all_search)
    peak = max(figures.rss_mb, child_rss)
    lines = [
        f"# GUI benchmark ({n:,} articles)",
        "",
        f"`python benchmarks/gui_bench.py` on {platform.machine()} with {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, Qt offscreen; first paint is the median of {len(paints)} fresh processes, "
        f"each search was run {repeat} times.",
        "",
        "| measure | Digest | peer | target | |",
        "|---|---:|---:|---:|---|",
        f"| process start → first painted window | {paint:.2f} s | {naive_paint:.2f} s (list widget of every title) "
        f"| ≤ {TARGET_FIRST_PAINT_S} s | {verdict(paint <= TARGET_FIRST_PAINT_S)} |",
        f"| process start → first page of articles | {listed:.2f} s | {naive_listed:.2f} s | | |",
        f"| window opened → sidebar counts shown | {figures.sidebar_s:.2f} s | | | |",
        f"| search: query → first page shown (worst of all queries) | {worst_search:.0f} ms | "
        f"{max(t for q in QUERIES for t in figures.core_ms[q]):.0f} ms (`lib.search.run` alone) "
        f"| ≤ {TARGET_SEARCH_MS} ms | {verdict(worst_search <= TARGET_SEARCH_MS)} |",
        f"| longest UI stall from first paint until the list and counts are in | {figures.open_stall_ms} ms | | ≤ {TARGET_STALL_MS} ms "
        f"| {verdict(figures.open_stall_ms <= TARGET_STALL_MS)} |",
        f"| longest UI stall while searching | {figures.search_stall_ms} ms | | ≤ {TARGET_STALL_MS} ms "
        f"| {verdict(figures.search_stall_ms <= TARGET_STALL_MS)} |",
        f"| longest UI stall during the {figures.work_label} | {figures.work_stall_ms} ms "
        f"(work took {figures.work_s:.1f} s, {figures.work_added:,} added) | | ≤ {TARGET_STALL_MS} ms "
        f"| {verdict(figures.work_stall_ms <= TARGET_STALL_MS)} |",
        f"| peak memory (resident) | {peak:.0f} MB | {naive_rss:.0f} MB | ≤ {TARGET_MEMORY_MB} MB "
        f"| {verdict(peak <= TARGET_MEMORY_MB)} |",
        f"| peak memory, window and refresh worker together | {figures.with_worker_mb:.0f} MB | | "
        f"≤ {TARGET_MEMORY_MB} MB | {verdict(figures.with_worker_mb <= TARGET_MEMORY_MB)} |",
        "",
        "Search, query by query (median of the runs; the core alone in the same process, warm):",
        "",
        "| query | matches | window | core |",
        "|---|---:|---:|---:|",
    ]
    for query in QUERIES:
        total = figures.totals.get(query)
        lines.append(
            f"| `{query}` | {f'{total:,}' if total is not None else '?'} "
            f"| {statistics.median(figures.search_ms[query]):.0f} ms | {statistics.median(figures.core_ms[query]):.0f} ms |"
        )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child-first-paint", metavar="LIBRARY", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_first_paint:
        child_first_paint(Path(args.child_first_paint), args.naive)
        return 0

    from corpus import cached_library

    source = cached_library(n=args.articles, seed=args.seed)
    scratch = Path(tempfile.mkdtemp(prefix="digest-gui-bench-"))
    try:
        library = scratch / "library.db"
        shutil.copy(source, library)
        paints = [first_paint(library, naive=False) for _ in range(args.repeat)]
        naive = [first_paint(library, naive=True) for _ in range(max(1, args.repeat // 2))]
        figures = measure_window(library, args.repeat, scratch)
        text = report(args.articles, paints, naive, figures, args.repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(text)
    if args.articles == 100_000:
        (REPO / "docs" / "benchmarks-gui.md").write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
