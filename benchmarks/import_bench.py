"""Import speed: articles per second through `import_paths`, beside two lower bounds.

    python benchmarks/import_bench.py [--articles 5000]

Builds N synthetic articles by recombining paragraphs of ../shared/eval/*.jsonl,
writes them as RSS feed files (100 entries each) and as plain-text files, and
imports them into a fresh library without summarization (the target is at
least 1,000 articles/s), then with summarization. In the same run it measures
two lower bounds on the same records: feedparser parsing alone, and a bare
sqlite-utils ``insert_all`` of the finished rows.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared"))


def load_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            paragraphs.extend(p for p in text.split("\n\n") if len(p) > 80)
    return paragraphs


def make_articles(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    paragraphs = load_paragraphs()
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    articles = []
    for i in range(n):
        body = rng.sample(paragraphs, rng.randint(3, 7))
        title = " ".join(body[0].split()[:9]).rstrip(",.;:") + f" ({i})"
        articles.append(
            {
                "title": title,
                "paragraphs": body,
                "url": f"https://news.example.com/{i // 100}/story-{i}",
                "published": start + timedelta(minutes=37 * i),
            }
        )
    return articles


def write_inputs(articles: list[dict], folder: Path) -> tuple[int, int]:
    """Half the articles as RSS files of 100 entries, half as text files."""
    half = len(articles) // 2
    feeds = 0
    for start in range(0, half, 100):
        items = []
        for a in articles[start : min(start + 100, half)]:
            content = "".join(f"<p>{escape(p)}</p>" for p in a["paragraphs"])
            items.append(
                f"<item><title>{escape(a['title'])}</title><link>{a['url']}</link>"
                f"<guid>{a['url']}</guid><pubDate>{format_datetime(a['published'])}</pubDate>"
                f"<description>{escape(content)}</description></item>"
            )
        xml = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Bench feed {feeds}</title><link>https://news.example.com/</link>"
            f"<description>bench</description>{''.join(items)}</channel></rss>"
        )
        (folder / f"feed-{feeds:04d}.xml").write_text(xml, encoding="utf-8")
        feeds += 1
    texts = 0
    for a in articles[half:]:
        date = a["published"].strftime("%B %d, %Y")
        body = "\n\n".join(a["paragraphs"])
        (folder / f"note-{texts:05d}.txt").write_text(f"{a['title']}\n\n{date}\n\n{body}\n", encoding="utf-8")
        texts += 1
    return feeds, texts


def time_import(folder: Path, summarize: bool) -> tuple[float, int]:
    from digest_app.collect.importer import import_paths
    from digest_app.store import Library

    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Path(tmp) / "bench.db")
        started = time.perf_counter()
        report = import_paths(lib, [folder], summarize=summarize)
        elapsed = time.perf_counter() - started
        if report.failed:
            raise SystemExit(f"import failed: {report.failed[:3]}")
        count = lib.articles.count()
        lib.close()
    return elapsed, count


def time_feedparser(folder: Path) -> tuple[float, int]:
    import feedparser

    started = time.perf_counter()
    entries = 0
    for path in sorted(folder.glob("feed-*.xml")):
        entries += len(feedparser.parse(path.read_bytes()).entries)
    return time.perf_counter() - started, entries


def time_bare_insert(articles: list[dict]) -> tuple[float, int]:
    import sqlite_utils

    rows = [
        {
            "title": a["title"],
            "url": a["url"],
            "published": a["published"].isoformat(),
            "text": "\n\n".join(a["paragraphs"]),
            "content_html": "".join(f"<p>{escape(p)}</p>" for p in a["paragraphs"]),
        }
        for a in articles
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite_utils.Database(Path(tmp) / "bare.db")
        started = time.perf_counter()
        db["articles"].insert_all(rows, pk="id", batch_size=500)
        elapsed = time.perf_counter() - started
        db.close()
    return elapsed, len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--summarized", type=int, default=1000, help="articles in the summarizing run")
    args = parser.parse_args()
    articles = make_articles(args.articles)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        folder.mkdir()
        feeds, texts = write_inputs(articles, folder)
        elapsed, count = time_import(folder, summarize=False)
        rows.append(("Digest import, no summaries (feeds + text files)", count, elapsed))
        fp_elapsed, fp_count = time_feedparser(folder)
        rows.append(("feedparser parse only (the feed half)", fp_count, fp_elapsed))
    bare_elapsed, bare_count = time_bare_insert(articles)
    rows.append(("bare sqlite-utils insert_all (no parsing, no identity)", bare_count, bare_elapsed))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        folder.mkdir()
        write_inputs(articles[: args.summarized], folder)
        elapsed, count = time_import(folder, summarize=True)
        rows.append(("Digest import with summaries and keywords", count, elapsed))

    print(f"Import benchmark: {args.articles} articles ({feeds} RSS files of 100 + {texts} text files), "
          f"{os.cpu_count()} CPUs, {datetime.now():%Y-%m-%d}")
    print()
    print("| run | articles | seconds | articles/s |")
    print("|---|---:|---:|---:|")
    for name, count, elapsed in rows:
        print(f"| {name} | {count} | {elapsed:.2f} | {count / elapsed:,.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
