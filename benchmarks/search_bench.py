"""Search at 100,000 articles: Digest's FTS5 index against the LIKE scan other readers use.

    python benchmarks/search_bench.py [--articles 100000] [--seed 7] [--repeat 20]

Uses the generated library of ``benchmarks/corpus.py`` (built once, then cached)
and measures, in one run:

- the index build: ``lib.search.rebuild()`` (every article re-indexed, then the
  index merged) on a copy of the library;
- sizes: the file, what the articles and the search index take in it (dbstat),
  and the raw text (UTF-8 bytes of every title and text);
- for a fixed mix of queries (common and rare words, phrases, OR, prefixes,
  tag and date filters, Chinese), the latency of ``lib.search.run(query,
  limit=50)``: the top 50 ranked, with headers, highlighted snippets and the
  total count, as the GUI asks for them;
- the same questions answered the way QuiteRSS and Newsboat answer them: a
  ``LIKE '%word%'`` scan over title and text, newest 50 first (the scan stops
  early once it has 50, which favours LIKE on common words).

Prints a markdown table; with the default library size it also writes it to
``docs/benchmarks-search.md``. Exits non-zero only if it crashes.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import cached_build_seconds, cached_library, raw_text_bytes  # noqa: E402

from digest_app.store import Library  # noqa: E402

DOC = REPO / "docs" / "benchmarks-search.md"
RUN_DATE = "2026-11-21"
DEFAULT_ARTICLES = 100_000
LIKE_REPEAT = 3
#: The benchmark also times Digest with this page cache (SQLite's default is 2 MB).
LARGE_CACHE_MB = 64
#: A query is "selective" when it matches at most this share of the library.
SELECTIVE_SHARE = 0.01
TARGET_P95_MS = 20.0
TARGET_SPEEDUP = 20.0
TARGET_BUILD_S = 60.0
TARGET_SIZE_RATIO = 2.5


def _like(*words: str) -> tuple[str, list[object]]:
    """Every word somewhere in title or text, as a LIKE scan checks it."""
    sql = " AND ".join("(a.title LIKE ? OR a.text LIKE ?)" for _ in words)
    return sql, [p for w in words for p in (f"%{w}%", f"%{w}%")]


def _like_any(*words: str) -> tuple[str, list[object]]:
    sql = " OR ".join("(a.title LIKE ? OR a.text LIKE ?)" for _ in words)
    return f"({sql})", [p for w in words for p in (f"%{w}%", f"%{w}%")]


def _with(condition: str, params: list[object], like: tuple[str, list[object]]) -> tuple[str, list[object]]:
    return f"{condition} AND {like[0]}", [*params, *like[1]]


_TAG = "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id WHERE t.name = ?)"

#: (class, query, the LIKE scan's WHERE clause and parameters or None).
QUERIES: list[tuple[str, str, tuple[str, list[object]] | None]] = [
    ("common word", "government", _like("government")),
    ("common word", "police", _like("police")),
    ("common word", "xiaomi", _like("xiaomi")),
    ("rare word", "ryanair", _like("ryanair")),
    ("rare word", "bertelsmann", _like("bertelsmann")),
    ("rare word", "astronaut", _like("astronaut")),
    ("two words", "chelsea football", _like("chelsea", "football")),
    ("two words", "xiaomi deliveries", _like("xiaomi", "deliveries")),
    ("phrase", '"prime minister"', _like("prime minister")),
    ("phrase", '"battery drain"', _like("battery drain")),
    ("OR", "broadband OR software", _like_any("broadband", "software")),
    ("OR", "volcano OR astronaut", _like_any("volcano", "astronaut")),
    ("prefix", "champion*", _like("champion")),
    ("prefix", "econom*", _like("econom")),
    ("tag filter", "tag:EV battery", _with(_TAG, ["EV"], _like("battery"))),
    ("tag filter", "tag:Earnings profit", _with(_TAG, ["Earnings"], _like("profit"))),
    ("date filter", "after:2026-06 election", _with("a.sort_date >= ?", ["2026-06-01T00:00:00Z"], _like("election"))),
    ("date filter", "before:2024-03 music", _with("a.sort_date < ?", ["2024-03-01T00:00:00Z"], _like("music"))),
    ("Chinese 2 characters", "小米", _like("小米")),
    ("Chinese 2 characters", "雷军", _like("雷军")),
    ("Chinese 2 characters", "汽车", _like("汽车")),
    ("Chinese 4 characters", "小米汽车", _like("小米汽车")),
    ("filters only", "is:unread tag:EV", None),
]


@dataclass
class Measured:
    """Latency samples of one query, in milliseconds."""

    kind: str
    query: str
    matches: int
    page_ms: list[float] = field(default_factory=list)
    page_cpu_ms: list[float] = field(default_factory=list)
    total_ms: list[float] = field(default_factory=list)
    cached_ms: list[float] = field(default_factory=list)
    like_ms: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def time_searches(lib: Library, repeat: int, measured: list[Measured], *, cached: bool = False) -> None:
    """Run the mix *repeat* times, round-robin: the top 50 alone, then with the total."""
    for _, query, _ in QUERIES:
        lib.search.run(query, limit=50)  # warm-up
    for _ in range(repeat):
        for (_, query, _), m in zip(QUERIES, measured):
            wall, cpu = time.perf_counter(), time.process_time()
            lib.search.run(query, limit=50, count=False)
            page_ms = (time.perf_counter() - wall) * 1000
            if cached:
                m.cached_ms.append(page_ms)
                continue
            m.page_ms.append(page_ms)
            m.page_cpu_ms.append((time.process_time() - cpu) * 1000)
            wall = time.perf_counter()
            lib.search.run(query, limit=50)
            m.total_ms.append((time.perf_counter() - wall) * 1000)


def measure_queries(path: Path, repeat: int) -> list[Measured]:
    with Library.open(path) as lib:
        measured = [Measured(kind, q, lib.search.count(q)) for kind, q, _ in QUERIES]
        time_searches(lib, repeat, measured)
    with Library.open(path) as lib:
        lib.conn.execute(f"PRAGMA cache_size = -{LARGE_CACHE_MB * 1024}")
        time_searches(lib, repeat, measured, cached=True)
    with Library.open(path) as lib:
        measure_like(lib, measured)
    return measured


def measure_like(lib: Library, measured: list[Measured]) -> None:
    for _ in range(LIKE_REPEAT):
        for (_, _, like), m in zip(QUERIES, measured):
            if like is None:
                continue
            where, params = like
            started = time.perf_counter()
            lib.query(
                f"SELECT a.id FROM articles a WHERE {where} ORDER BY a.sort_date DESC LIMIT 50",
                tuple(params),
            )
            m.like_ms.append((time.perf_counter() - started) * 1000)


def measure_build(path: Path) -> tuple[float, int]:
    """Seconds to rebuild the index on a copy of *path*, and the copy's size after it."""
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "library.db"
        shutil.copyfile(path, copy)
        with Library.open(copy) as lib:
            started = time.perf_counter()
            lib.search.rebuild()
            seconds = time.perf_counter() - started
            lib.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return seconds, copy.stat().st_size


def table_sizes(path: Path) -> dict[str, int]:
    """Bytes used by the articles (table and indexes), the search index, the rest, free pages."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        sizes = {"articles": 0, "search": 0, "other": 0}
        for name, table, size in conn.execute(
            "SELECT d.name, COALESCE(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d"
            " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name"
        ):
            if table == "articles":
                sizes["articles"] += size
            elif table.startswith("search_"):
                sizes["search"] += size
            else:
                sizes["other"] += size
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        sizes["free"] = conn.execute("PRAGMA freelist_count").fetchone()[0] * page_size
        return sizes
    finally:
        conn.close()


def report(
    n: int,
    seed: int,
    repeat: int,
    measured: list[Measured],
    build_s: float,
    rebuilt_size: int,
    file_size: int,
    sizes: dict[str, int],
    raw: int,
    corpus_s: float | None,
    load: tuple[float, float],
) -> str:
    mb = 1e6

    def p(values: list[float], share: float) -> str:
        return f"{percentile(values, share):.1f}" if values else "n/a"

    lines = [
        f"# Search benchmark ({RUN_DATE})",
        "",
        f"Command: `python benchmarks/search_bench.py --articles {n} --seed {seed} --repeat {repeat}` "
        "(part of `make bench`).",
        "",
        f"Machine: {os.cpu_count()} CPUs ({platform.processor() or platform.machine()}), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}. The machine was "
        f"shared with other work: load average {load[0]:.1f} when the run started, "
        f"{load[1]:.1f} when it ended, on {os.cpu_count()} CPUs.",
        "",
        f"Library: {n:,} generated articles (`benchmarks/corpus.py`, seed {seed}), "
        f"{raw / mb:.0f} MB of title and text.",
        "",
        f"- **Top 50**: `lib.search.run(query, limit=50, count=False)`, what a results list "
        f"shows first: the 50 best matches ranked (BM25), with their headers and highlighted "
        f"snippets. {repeat} runs per query, round-robin over the mix, warm cache.",
        "- **+ total**: the same with the total number of matches (`run(query, limit=50)`).",
        f"- **LIKE**: `SELECT id FROM articles WHERE (title LIKE '%w%' OR text LIKE '%w%') ... "
        f"ORDER BY sort_date DESC LIMIT 50` ({LIKE_REPEAT} runs per query), the scan QuiteRSS "
        "and Newsboat run. It neither ranks nor makes snippets, and stops as soon as it has 50 "
        "newest matches, which flatters it on common words.",
        "",
        "| Query class | Query | Matches | Top 50 p50 ms | Top 50 p95 ms | + total p50 | + total p95 "
        "| LIKE p50 ms | LIKE p95 ms | Speed-up (p50) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in measured:
        speedup = (
            f"{percentile(m.like_ms, 0.5) / percentile(m.page_ms, 0.5):.0f}x" if m.like_ms else "n/a"
        )
        lines.append(
            f"| {m.kind} | `{m.query}` | {m.matches:,} | {p(m.page_ms, 0.5)} | {p(m.page_ms, 0.95)} "
            f"| {p(m.total_ms, 0.5)} | {p(m.total_ms, 0.95)} | {p(m.like_ms, 0.5)} "
            f"| {p(m.like_ms, 0.95)} | {speedup} |"
        )

    def every(name: str) -> list[float]:
        return [t for m in measured for t in getattr(m, name)]

    lines.append(
        f"| **whole mix** | | | **{p(every('page_ms'), 0.5)}** | **{p(every('page_ms'), 0.95)}** "
        f"| {p(every('total_ms'), 0.5)} | {p(every('total_ms'), 0.95)} | {p(every('like_ms'), 0.5)} "
        f"| {p(every('like_ms'), 0.95)} | |"
    )
    selective = [m for m in measured if m.like_ms and m.matches <= SELECTIVE_SHARE * n]
    speedups = [percentile(m.like_ms, 0.5) / percentile(m.page_ms, 0.5) for m in selective]
    p95 = percentile(every("page_ms"), 0.95)
    ratio = file_size / raw
    rows = [
        ("p95 of the mix, top 50", f"{p95:.1f} ms", f"≤ {TARGET_P95_MS:.0f} ms", p95 <= TARGET_P95_MS),
        (
            f"the same with a {LARGE_CACHE_MB} MB SQLite page cache (default 2 MB)",
            f"{percentile(every('cached_ms'), 0.95):.1f} ms",
            f"≤ {TARGET_P95_MS:.0f} ms",
            percentile(every("cached_ms"), 0.95) <= TARGET_P95_MS,
        ),
        (
            "the same in CPU time (`time.process_time`, what the machine's load cannot inflate)",
            f"{percentile(every('page_cpu_ms'), 0.95):.1f} ms",
            f"≤ {TARGET_P95_MS:.0f} ms",
            percentile(every("page_cpu_ms"), 0.95) <= TARGET_P95_MS,
        ),
        ("p95 of the mix, top 50 and total", f"{percentile(every('total_ms'), 0.95):.1f} ms", "", None),
        (
            f"speed-up over LIKE on selective queries (≤ {SELECTIVE_SHARE:.0%} of articles: "
            f"{', '.join(f'`{m.query}`' for m in selective)}), smallest",
            f"{min(speedups):.0f}x" if speedups else "n/a",
            f"≥ {TARGET_SPEEDUP:.0f}x",
            bool(speedups) and min(speedups) >= TARGET_SPEEDUP,
        ),
        ("index build (`lib.search.rebuild()`: every article, then merge)", f"{build_s:.1f} s",
         f"≤ {TARGET_BUILD_S:.0f} s", build_s <= TARGET_BUILD_S),
        ("library file / raw text", f"{ratio:.2f}x", f"≤ {TARGET_SIZE_RATIO}x", ratio <= TARGET_SIZE_RATIO),
        ("search index / raw text", f"{sizes['search'] / raw:.2f}x", "", None),
    ]
    lines += ["", "| Figure | Measured | Target | Met |", "|---|---:|---:|---|"]
    for name, value, target, ok in rows:
        met = "" if ok is None else ("yes" if ok else "**no**")
        lines.append(f"| {name} | {value} | {target} | {met} |")
    lines += [
        "",
        "| Size | MB | × raw text |",
        "|---|---:|---:|",
        f"| raw text (UTF-8 bytes of every title and text) | {raw / mb:.1f} | 1.00 |",
        f"| library file as written through the store API | {file_size / mb:.1f} | {file_size / raw:.2f} |",
        f"| - articles table and its indexes (text, sanitized HTML, summary, ...) | "
        f"{sizes['articles'] / mb:.1f} | {sizes['articles'] / raw:.2f} |",
        f"| - search index (FTS5 lists, per-article sizes, filter copies and their indexes) | "
        f"{sizes['search'] / mb:.1f} | {sizes['search'] / raw:.2f} |",
        f"| - other tables | {sizes['other'] / mb:.1f} | {sizes['other'] / raw:.2f} |",
        f"| - free pages | {sizes['free'] / mb:.1f} | {sizes['free'] / raw:.2f} |",
        f"| library file after `rebuild()` (copy) | {rebuilt_size / mb:.1f} | {rebuilt_size / raw:.2f} |",
        "",
        f"The articles table alone is {sizes['articles'] / raw:.1f}x the raw text: it keeps each "
        "text twice (plain text and sanitized HTML) and its summary. The search index is "
        f"external-content (no third copy of the text) and adds {sizes['search'] / raw:.2f}x.",
    ]
    if corpus_s is not None:
        lines += [
            "",
            f"Writing the library through the store API (store, summarize, tag, flag; every "
            f"change re-indexes its article inside the same transaction) took {corpus_s:.0f} s "
            f"when the cache was built ({n / corpus_s:.0f} articles/s).",
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    path = cached_library(args.articles, args.seed)
    load_before = os.getloadavg()[0]
    build_s, rebuilt_size = measure_build(path)
    with Library.open(path) as lib:
        raw = raw_text_bytes(lib)
    measured = measure_queries(path, args.repeat)
    text = report(
        args.articles, args.seed, args.repeat, measured, build_s, rebuilt_size,
        path.stat().st_size, table_sizes(path), raw, cached_build_seconds(path),
        (load_before, os.getloadavg()[0]),
    )
    print(text)
    if args.articles == DEFAULT_ARTICLES:
        DOC.write_text(text, encoding="utf-8")
        print(f"(written to {DOC.relative_to(REPO)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
