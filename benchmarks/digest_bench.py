"""Digest benchmark: a 100-story digest from a 100,000-article library, built and exported.

    python benchmarks/digest_bench.py                 # speed, then clustering quality
    python benchmarks/digest_bench.py --runs 5 --skip-clustering

Speed. The library is ``benchmarks/corpus.py``'s (built once, cached; while
another process is writing it, this waits). The digest covers the last seven
days of it (about 640 articles) with at most 100 stories; a second row covers
30 days, where the candidates are capped. Each row is timed cold (the first
digest of the process: module imports, the Qt application, fonts) and warm
(median of the later runs), in wall-clock and CPU seconds (the CPU time says
what the machine's other load did to the wall clock). One more row times the
whole command a user types, ``digest-app digest ... --pdf FILE``, in a new
process each run (interpreter start included; ``--no-save`` keeps the cached
library as built). The peer, measured in the same run, is what a plain
exporter does: the 100 newest articles of the week with their stored
summaries, printed by ``QTextDocument.print_`` (no grouping, no key figures,
no contents page numbers, no outline). Calibre's news-to-e-book, the only
product that makes such documents, fetches its news from the web through
recipes, so it cannot run on this library and is not measured. Target:
build + PDF <= 3 s.

Clustering quality. The story grouping (:mod:`digest_app.nlp.cluster`) on the
cases the tests use: every BBC article beside a rewrite of itself (lead
dropped, new headline) and every CNN/DailyMail article beside its highlights
told as an article, per category, at three thresholds: how many rewrites join
their article, and how many groups mix different articles.

Prints markdown tables; exits non-zero only on a crash.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from corpus import END, OUT, SHARED, cached_library, schema_fingerprint  # noqa: E402

#: A partial library written to this recently is being built by another process.
BUILDING_SECONDS = 120


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="library size (100000)")
    parser.add_argument("--runs", type=int, default=5, help="warm runs per row (5)")
    parser.add_argument("--skip-clustering", action="store_true", help="speed only")
    args = parser.parse_args()
    path = library(args.articles)
    speed(path, args.runs)
    if not args.skip_clustering:
        clustering()
    return 0


def library(n: int) -> Path:
    """The cached library of *n* articles. While another process is writing it,
    wait: :func:`cached_library` would delete that partial file and start over."""
    while True:
        partial = list(OUT.glob(f"library-n{n}-s7-*-{schema_fingerprint()}.db.partial*"))
        if not partial or time.time() - max(p.stat().st_mtime for p in partial) > BUILDING_SECONDS:
            return cached_library(n=n)
        print(f"digest_bench: {partial[0].name} is being written by another process; waiting", file=sys.stderr)
        time.sleep(30)


def speed(path: Path, runs: int) -> None:
    load_before = os.getloadavg()[0]
    started, started_cpu = time.perf_counter(), time.process_time()
    from digest_app.digests.build import build_digest
    from digest_app.digests.epub import digest_epub
    from digest_app.digests.options import DigestOptions
    from digest_app.digests.pdf import digest_pdf
    from digest_app.digests.render_html import document_html
    from digest_app.digests.render_markdown import digest_markdown
    from digest_app.store import Library

    last = (END - timedelta(seconds=1)).astimezone().date()
    cases = [
        ("7 days, 100 stories", DigestOptions(since=None, start=last - timedelta(days=6), end=last, max_stories=100)),
        ("30 days, 100 stories", DigestOptions(since=None, start=last - timedelta(days=29), end=last, max_stories=100)),
    ]
    rows = []
    with Library.open(path, create=False) as lib:
        import_seconds = time.perf_counter() - started
        import_cpu = time.process_time() - started_cpu
        for label, options in cases:
            timings: dict[str, list[float]] = defaultdict(list)
            for run in range(runs + 1):
                t0, c0 = time.perf_counter(), time.process_time()
                digest = build_digest(lib, options)
                t1 = time.perf_counter()
                pdf = digest_pdf(digest)
                t2, c2 = time.perf_counter(), time.process_time()
                document_html(digest)
                t3 = time.perf_counter()
                digest_markdown(digest)
                t4 = time.perf_counter()
                digest_epub(digest)
                t5 = time.perf_counter()
                first = run == 0 and label == cases[0][0]
                extra = import_seconds if first else 0.0
                for name, seconds in (
                    ("build", t1 - t0 + extra),
                    ("pdf", t2 - t1),
                    ("total", t2 - t0 + extra),
                    ("cpu", c2 - c0 + (import_cpu if first else 0.0)),
                    ("html", t3 - t2),
                    ("md", t4 - t3),
                    ("epub", t5 - t4),
                ):
                    timings[name].append(seconds)
            pages = _pages(pdf)
            rows.append((label, digest, pages, timings))
        peer = _peer(lib, cases[0][1], runs)
    command = _command(path, cases[0][1], runs)
    print(f"## Digest speed ({path.name}, {runs} warm runs)\n")
    print(f"{os.cpu_count()} CPUs; load average {load_before:.2f} before the runs, {os.getloadavg()[0]:.2f} after.\n")
    print("| digest | in scope | stories | figures | PDF pages | build s (first / median) | PDF s (first / median) "
          "| build + PDF s (first / median) | build + PDF CPU s (first / median) | HTML ms | Markdown ms | EPUB ms |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, digest, pages, t in rows:
        def pair(name: str) -> str:
            return f"{t[name][0]:.2f} / {statistics.median(t[name][1:]):.2f}"

        def ms(name: str) -> str:
            return f"{1000 * statistics.median(t[name][1:]):.0f}"

        print(
            f"| {label} | {digest.article_count:,} | {digest.story_count} | {len(digest.figures)} | {pages} "
            f"| {pair('build')} | {pair('pdf')} | **{pair('total')}** | {pair('cpu')} "
            f"| {ms('html')} | {ms('md')} | {ms('epub')} |"
        )
    wall, cpu, pages = command
    print(
        f"| 7 days, 100 stories: `digest-app digest … --pdf FILE`, a new process each run | {rows[0][1].article_count:,} "
        f"| {rows[0][1].story_count} | {len(rows[0][1].figures)} | {pages} | – | – "
        f"| **{wall[0]:.2f} / {statistics.median(wall[1:]):.2f}** | {cpu[0]:.2f} / {statistics.median(cpu[1:]):.2f} "
        "| – | – | – |"
    )
    print(
        f"| peer: 100 newest articles of the 7 days printed flat (QTextDocument.print_) | {peer[2]:,} | {peer[1]} "
        f"| – | {peer[3]} | – | – | {peer[0][0]:.2f} / {statistics.median(peer[0][1:]):.2f} | – | – | – | – |"
    )
    notes = {label: digest.notes for label, digest, _, _ in rows if digest.notes}
    for label, note in notes.items():
        print(f"\n{label}: {'; '.join(note)}")
    print(
        "\nFirst = the first run of the row; on the first row that is the first digest of the process, so it "
        "includes the digest and NLP modules' imports, Qt's start and font loading (what a CLI run pays). "
        "Target: build + PDF <= 3 s."
    )


def _command(path: Path, options, runs: int) -> tuple[list[float], list[float], int]:
    """The CLI as a user runs it, each time in a new process: seconds and CPU
    seconds per run, PDF pages."""
    timings, cpu = [], []
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "digest.pdf"
        command = [
            sys.executable, "-m", "digest_app", "--library", str(path), "digest",
            "--from", options.start.isoformat(), "--to", options.end.isoformat(),
            "--max-stories", str(options.max_stories), "--no-save", "--pdf", str(target),
        ]
        for _ in range(runs + 1):
            t0, c0 = time.perf_counter(), _children_cpu()
            subprocess.run(command, check=True, capture_output=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
            timings.append(time.perf_counter() - t0)
            cpu.append(_children_cpu() - c0)
        return timings, cpu, _pages(target.read_bytes())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _pages(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _peer(lib, options, runs: int) -> tuple[list[float], int, int, int]:
    """The flat exporter: the newest 100 articles and their stored summaries, printed by Qt."""
    from html import escape

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    from digest_app.store import ArticleFilter

    period = options.period()
    timings = []
    for _ in range(runs + 1):
        t0 = time.perf_counter()
        headers = lib.articles.list(ArticleFilter(since=period.start, until=period.end), limit=100)
        parts = []
        for header in headers:
            article = lib.articles.get(header.id)
            summary = " ".join(escape(s) for s in article.summary)
            parts.append(f"<h3>{escape(article.title)}</h3><p><i>{escape(article.source_title)}</i></p><p>{summary}</p>")
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        writer = QPdfWriter(buffer)
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        document = QTextDocument()
        document.setHtml("<h1>News</h1>" + "".join(parts))
        document.print_(writer)
        buffer.close()
        timings.append(time.perf_counter() - t0)
    in_scope = lib.articles.count(ArticleFilter(since=period.start, until=period.end))
    return timings, len(headers), in_scope, _pages(bytes(data.data()))


def clustering() -> None:
    from digest_app.nlp.cluster import cluster_texts
    from digest_app.nlp.keywords import keywords
    from digest_app.nlp.summarize import summarize

    def text_of(title: str, text: str) -> str:
        summary = " ".join(summarize(text, title or None, sentences=3))
        return f"{title}\n{summary}\n{' '.join(keywords(text, title or None))}"

    cases: dict[str, tuple[list[str], list[str]]] = defaultdict(lambda: ([], []))
    for line in (SHARED / "eval" / "summaries-dev.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        ids, texts = cases[f"BBC {article['category']}"]
        ids.append(article["id"])
        texts.append(text_of(article["title"], article["text"]))
        paragraphs = article["text"].split("\n\n")
        if len(paragraphs) >= 3:
            ids.append(article["id"])
            texts.append(text_of(" ".join(paragraphs[1].split()[:9]), "\n\n".join(paragraphs[1:])))
    for line in (SHARED / "eval" / "cnndm-dev.jsonl").read_text(encoding="utf-8").splitlines():
        article = json.loads(line)
        highlights = article["summary"].split("\n")
        ids, texts = cases["CNN/DailyMail"]
        ids += [article["id"], article["id"]]
        texts += [text_of("", article["text"]), text_of(highlights[0], " ".join(highlights[1:]) or highlights[0])]
    thresholds = (0.2, 0.25, 0.3)
    print("\n## Story clustering on eval rewrites\n")
    print("Rewrites joined to their article / groups mixing different articles, by threshold "
          "(the digest uses 0.25).\n")
    print("| set | pairs | " + " | ".join(f"{t:g}" for t in thresholds) + " |")
    print("|---|---:|" + "---:|" * len(thresholds))
    for name, (ids, texts) in sorted(cases.items()):
        pairs = {i for i in ids if ids.count(i) == 2}
        cells = []
        for threshold in thresholds:
            landed: dict[str, set[int]] = defaultdict(set)
            mixed = 0
            for number, members in enumerate(cluster_texts(texts, threshold=threshold)):
                for index in members:
                    landed[ids[index]].add(number)
                mixed += len({ids[index] for index in members}) > 1
            joined = sum(1 for i in pairs if len(landed[i]) == 1)
            cells.append(f"{joined}/{len(pairs)} · {mixed}")
        print(f"| {name} | {len(pairs)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    raise SystemExit(main())
