"""Import speed: articles per second through `import_paths`, beside two lower bounds.

    python benchmarks/import_bench.py [--articles 5000] [--stage-costs]

Builds N synthetic articles by recombining paragraphs of ../shared/eval/*.jsonl
(one in 40 a planted copy of an earlier one, as another source would republish
it), writes them as RSS feed files (100 entries each) and as plain-text files, and
imports them into a fresh library without summarization (the target is at
least 1,000 articles/s), then with summarization. In the same run it measures
two lower bounds on the same records: feedparser parsing alone, and a bare
sqlite-utils ``insert_all`` of the finished rows. A second table says what became
of the input: how many articles were stored, how many were linked as copies of
another source's story, and how many copies were planted.

With ``--stage-costs`` it also imports the same files with one stage of the import
switched off at a time (then all of them), to show what each costs; see
:data:`STAGES`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from html import escape
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared"))
#: One article in this many is a planted copy of an earlier one.
COPY_EVERY = 40
#: Headline openings of our own, like the ones Xiaomi news runs under, so that the
#: articles earn rule tags as real ones do (most one or two: the eval texts alone
#: earn almost none, and a rule tag costs its article a second pass of the search
#: index). Every fifth headline gets none.
HEADLINE_TOPICS = (
    "Redmi smartphone shipments climb",
    "SU7 electric car deliveries",
    "Xiaomi quarterly results: revenue beats forecasts",
    "HyperOS update reaches more phones",
    "Xiaomi smart home sales in Europe",
    "Xiaomi 15 flagship phone and Snapdragon chip",
    "Xiaomi EV factory expansion, shares rise",
    "Xiaomi AI assistant comes to the Redmi handset line",
    None,
    None,
)


def load_paragraphs() -> list[str]:
    """Paragraphs of the eval articles. The BBC texts come in paragraphs (70 words
    at the median); the CNN/DailyMail ones as a single block of some 600 words, so
    they are cut into paragraphs of three sentences. (Taken whole, a CNN text was
    most of any article it went into, and two articles that drew the same one were
    near-duplicates: 294 of 2,000 were linked as copies.)"""
    from digest_app.nlp.sentences import split_sentences

    paragraphs: list[str] = []
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines():
            text = json.loads(line)["text"]
            if "\n\n" in text:
                pieces = text.split("\n\n")
            else:
                sentences = split_sentences(text)
                pieces = [" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3)]
            paragraphs.extend(p for p in pieces if len(p) > 80)
    return paragraphs


def make_articles(n: int, seed: int = 7) -> list[dict]:
    """*n* articles of 3 to 7 paragraphs drawn at random. One in :data:`COPY_EVERY` is
    a planted copy: an earlier article's paragraphs under another title, after an
    intro paragraph of its own (a story another source republished)."""
    rng = random.Random(seed)
    paragraphs = load_paragraphs()
    start = datetime(2024, 1, 1, tzinfo=timezone.utc)
    articles = []
    for i in range(n):
        copy_of = rng.randrange(i // 2) if i % COPY_EVERY == COPY_EVERY - 1 else None
        if copy_of is None:
            body = rng.sample(paragraphs, rng.randint(3, 7))
        else:
            body = [rng.choice(paragraphs), *articles[copy_of]["paragraphs"]]
        title = " ".join(body[0].split()[:9]).rstrip(",.;:") + f" ({i})"
        topic = rng.choice(HEADLINE_TOPICS)
        if topic:
            title = f"{topic}: {title}"
        articles.append(
            {
                "title": title,
                "paragraphs": body,
                "url": f"https://news.example.com/{i // 100}/story-{i}",
                "published": start + timedelta(minutes=37 * i),
                "copy_of": copy_of,
            }
        )
    return articles


def planted_copies(articles: list[dict]) -> int:
    """Copies that must be linked: those whose original :func:`write_inputs` puts in
    another source (another feed file, or a feed file against the text files)."""
    half = len(articles) // 2

    def source(i: int) -> str:
        return f"feed {i // 100}" if i < half else "local files"

    return sum(
        1 for i, a in enumerate(articles) if a["copy_of"] is not None and source(a["copy_of"]) != source(i)
    )


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


@dataclass(frozen=True)
class ImportRun:
    """One timed import: how long it took and what became of the input articles."""

    seconds: float
    cpu_seconds: float
    #: Of ``cpu_seconds``, the importing (storing) process's own.
    main_cpu_seconds: float
    given: int
    added: int
    unchanged: int
    linked_copies: int
    planted_copies: int

    @property
    def stored(self) -> int:
        return self.added + self.unchanged


def _without_copy_detection(stack: contextlib.ExitStack, lib) -> None:
    import numpy as np
    from unittest import mock

    from digest_app.collect import neardup

    empty = neardup.Fingerprint(shingles=np.zeros(0, dtype=np.int64), anchors=())
    stack.enter_context(mock.patch.object(neardup, "fingerprint", lambda text, anchors=True: empty))


def _without_rule_tags(stack: contextlib.ExitStack, lib) -> None:
    from unittest import mock

    from digest_app.collect import topic

    stack.enter_context(
        mock.patch.object(topic.PhraseMatcher, "counts", lambda self, text: [{} for _ in self._groups])
    )


def _without_language(stack: contextlib.ExitStack, lib) -> None:
    from unittest import mock

    from digest_app.collect import pipeline

    stack.enter_context(mock.patch.object(pipeline, "detect_language", lambda text: "en"))


def _without_search_index(stack: contextlib.ExitStack, lib) -> None:
    lib.conn.executescript("DROP TRIGGER search_article_added; DROP TRIGGER search_tag_added;")


#: Stages ``--stage-costs`` switches off, one at a time and then all together, by
#: patching this process before the import forks its reading workers (which inherit
#: the patches). An experiment only: the app has no such switches, and what such an
#: import leaves is not a whole library.
STAGES: dict[str, Callable[[contextlib.ExitStack, object], None]] = {
    "copy detection (fingerprints, anchors, candidates, verification)": _without_copy_detection,
    "topic scores and rule tags (phrase counting, tag rows)": _without_rule_tags,
    "language detection": _without_language,
    "full-text index (its insert triggers dropped)": _without_search_index,
}


def time_import(
    folder: Path, articles: list[dict], summarize: bool, without: tuple[str, ...] = ()
) -> ImportRun:
    """Import *folder* into a fresh library, with the :data:`STAGES` named in *without* off."""
    from digest_app.collect.importer import import_paths
    from digest_app.store import ArticleFilter, Library

    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        lib = Library.open(Path(tmp) / "bench.db")
        for stage in without:
            STAGES[stage](stack, lib)
        started, cpu_started, main_started = time.perf_counter(), _cpu_seconds(), _cpu_seconds(children=False)
        report = import_paths(lib, [folder], summarize=summarize)
        elapsed, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
        main_cpu = _cpu_seconds(children=False) - main_started
        if report.failed:
            raise SystemExit(f"import failed: {report.failed[:3]}")
        stored = lib.articles.count(ArticleFilter(include_duplicates=True))
        if stored != report.added + report.unchanged:
            raise SystemExit(f"the report says {report.added} added, the library holds {stored}")
        run = ImportRun(elapsed, cpu, main_cpu, len(articles), report.added, report.unchanged,
                        lib.duplicates.count(), planted_copies(articles))
        lib.close()
    return run


def _cpu_seconds(children: bool = True) -> float:
    """CPU time of this process and (unless *children* is false) of its children that
    have ended (worker processes)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    total = own.ru_utime + own.ru_stime
    if children:
        ended = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += ended.ru_utime + ended.ru_stime
    return total


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
    parser.add_argument("--stage-costs", action="store_true", help="also import with each stage switched off")
    args = parser.parse_args()
    articles = make_articles(args.articles)
    rows: list[tuple[str, int, float, float | None]] = []
    imports: list[tuple[str, ImportRun]] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        folder.mkdir()
        feeds, texts = write_inputs(articles, folder)
        run = time_import(folder, articles, summarize=False)
        imports.append(("no summaries", run))
        rows.append(("Digest import, no summaries (feeds + text files)", run.given, run.seconds, run.cpu_seconds))
        fp_elapsed, fp_count = time_feedparser(folder)
        rows.append(("feedparser parse only (the feed half)", fp_count, fp_elapsed, None))
        ablations: list[tuple[str, ImportRun]] = []
        if args.stage_costs:
            # The whole import again first: the runs after the first one find the topic
            # rules compiled and the caches warm, so they are compared with each other.
            plans = [("nothing", ()), *((stage, (stage,)) for stage in STAGES), ("all four", tuple(STAGES))]
            ablations = [(name, time_import(folder, articles, False, off)) for name, off in plans]
    bare_elapsed, bare_count = time_bare_insert(articles)
    rows.append(("bare sqlite-utils insert_all (no parsing, no identity)", bare_count, bare_elapsed, None))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "inputs"
        folder.mkdir()
        some = articles[: args.summarized]
        write_inputs(some, folder)
        run = time_import(folder, some, summarize=True)
        imports.append(("with summaries", run))
        rows.append(("Digest import with summaries and keywords", run.given, run.seconds, run.cpu_seconds))

    print(f"Import benchmark: {args.articles} articles ({feeds} RSS files of 100 + {texts} text files, "
          f"one in {COPY_EVERY} a planted copy), {os.cpu_count()} CPUs, {datetime.now():%Y-%m-%d}")
    print()
    print("| run | articles | seconds | articles/s | CPU s (all processes) |")
    print("|---|---:|---:|---:|---:|")
    for name, count, elapsed, cpu in rows:
        cpu_text = f"{cpu:.2f}" if cpu is not None else ""
        print(f"| {name} | {count} | {elapsed:.2f} | {count / elapsed:,.0f} | {cpu_text} |")
    print()
    print("Where the CPU time went (the importing process stores and summarizes; forked workers read and prepare):")
    print()
    print("| import | CPU s, importing process | CPU s, reading workers | CPU ms per article |")
    print("|---|---:|---:|---:|")
    for name, run in imports:
        print(f"| {name} | {run.main_cpu_seconds:.2f} | {run.cpu_seconds - run.main_cpu_seconds:.2f} "
              f"| {run.cpu_seconds / run.given * 1000:.2f} |")
    if ablations:
        whole = ablations[0][1]
        print()
        print("What each stage costs: the same import without summaries, with the stage switched off "
              "(an experiment; the app has no such switch):")
        print()
        print("| switched off | articles/s | CPU ms per article | CPU ms per article saved |")
        print("|---|---:|---:|---:|")
        for stage, run in ablations:
            saved = f"{(whole.cpu_seconds - run.cpu_seconds) / run.given * 1000:.2f}" if run is not whole else ""
            print(f"| {stage} | {run.given / run.seconds:,.0f} | {run.cpu_seconds / run.given * 1000:.2f} "
                  f"| {saved} |")
    print()
    print("What the imports stored (a linked copy is stored, and hidden from listings):")
    print()
    print("| import | articles given | stored | not stored | linked as copies | planted copies |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, run in imports:
        print(f"| {name} | {run.given} | {run.stored} | {run.given - run.stored} | {run.linked_copies} "
              f"| {run.planted_copies} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
