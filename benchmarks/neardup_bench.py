"""Near-duplicate lookup in a large library: recall, precision and speed, beside SimHash bands.

    python benchmarks/neardup_bench.py [--articles 100000] [--queries 300] [--library both]

Builds a library of N synthetic articles plus the real eval articles of
../shared/eval/*.jsonl, stored in SQLite the way the store will hold them. Synthetic
articles come in two flavours; one in ten carries the same block of site chrome:

- ``markov``: text from a word-level Markov chain trained on the BBC articles: the
  words and stock phrases of news; the queries are CNN/Daily Mail articles, so library
  and queries share stock phrases but no passage (a library of other stories);
- ``requoted``: eval sentences with a quarter of their words swapped, so every real
  passage reappears, edited, in dozens of synthetic articles (a press release quoted by
  many outlets, exaggerated): the hard case for candidate ranking.

Methods:

- ours: ``article_anchors(anchor, article_id)`` WITHOUT ROWID, a few rows per article;
  one query with all shingles of the new text (``json_each``); the ``CANDIDATE_LIMIT``
  candidates sharing most anchors verified with ``is_near_duplicate`` on their text;
- peer: 64-bit SimHash of the same shingles as four indexed 16-bit band columns; a
  candidate shares a band exactly (or within one bit, "probe 1"), verified by Hamming
  distance <= 3 (resp. 7).

Queries are copies of real articles (paragraph dropped or added, punctuation, page
chrome, 70% prefix, teaser, new intro and trailer) and real articles not in the library.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared"))

from digest_app.collect.neardup import CANDIDATE_LIMIT, fingerprint, is_near_duplicate  # noqa: E402

CHROME_BLOCK = (
    "Share this article on social media. Sign up for our free newsletter to receive the top "
    "stories every morning. Copyright Example Media Group, all rights reserved. Terms of use "
    "and privacy policy apply to all content on this site."
)
MUTATIONS = ["drop_paragraph", "add_paragraph", "punctuation", "chrome", "prefix70", "teaser", "intro_trailer"]
BITS = np.arange(64, dtype=np.uint64)


def load_articles() -> list[dict]:
    rows = []
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        rows += [json.loads(line) for line in (SHARED / "eval" / name).read_text(encoding="utf-8").splitlines()]
    return rows


def requoted_texts(n: int, rows: list[dict], seed: int = 1):
    """Eval sentences with a quarter of their words swapped."""
    rng = random.Random(seed)
    sentences = [s for row in rows for s in re.split(r"(?<=[.!?])\s+", row["text"]) if len(s.split()) > 6]
    vocabulary = [w for s in sentences for w in s.split()]
    for number in range(n):
        paragraphs = []
        for _ in range(rng.randint(3, 8)):
            words = " ".join(rng.choice(sentences) for _ in range(rng.randint(1, 4))).split()
            for position in range(len(words)):
                if rng.random() < 0.25:
                    words[position] = rng.choice(vocabulary)
            paragraphs.append(" ".join(words))
        if number % 10 == 0:
            paragraphs.append(CHROME_BLOCK)
        yield "\n\n".join(paragraphs)


def markov_texts(n: int, rows: list[dict], seed: int = 1):
    """Text from a word-level Markov chain trained on the BBC articles only."""
    rng = random.Random(seed)
    followers: dict[str, list[str]] = {}
    starts: list[str] = []
    for row in rows:
        if row["category"] == "cnndm":
            continue
        words = row["text"].split()
        for before, after in zip(words, words[1:]):
            followers.setdefault(before, []).append(after)
            if before.endswith((".", "!", "?")) and after[:1].isupper():
                starts.append(after)
    for number in range(n):
        paragraphs = []
        for _ in range(rng.randint(3, 8)):
            word = rng.choice(starts)
            words = [word]
            for _ in range(rng.randint(40, 90)):
                word = rng.choice(followers.get(word) or starts)
                words.append(word)
            paragraphs.append(" ".join(words))
        if number % 10 == 0:
            paragraphs.append(CHROME_BLOCK)
        yield "\n\n".join(paragraphs)


LIBRARIES = {"markov": markov_texts, "requoted": requoted_texts}


def paragraphs_of(text: str) -> list[str]:
    found = [p for p in text.split("\n\n") if p.strip()]
    if len(found) >= 3:
        return found
    sentences = re.split(r"(?<=[.!?])\s+", text)
    step = max(1, len(sentences) // 6)
    return [" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)]


def mutate(text: str, kind: str, rng: random.Random) -> str:
    parts = paragraphs_of(text)
    if kind == "drop_paragraph":
        del parts[rng.randrange(1, len(parts))]
    elif kind == "add_paragraph":
        parts.insert(rng.randrange(1, len(parts)), "Updated with comment from the company and analysts.")
    elif kind == "punctuation":
        return text.replace('"', "\u201c").replace("'", "\u2019").replace(", ", " , ")
    elif kind == "chrome":
        parts = ["Advertisement", *parts, CHROME_BLOCK]
    elif kind == "prefix70":
        return text[: int(len(text) * 0.7)]
    elif kind == "teaser":
        return " ".join(text.split()[: rng.randrange(25, 60)]) + " \u2026"
    elif kind == "intro_trailer":
        parts = ["Republished with permission of the agency.", *parts, "About the agency: world news daily."]
    return "\n\n".join(parts)


def simhash(shingles: np.ndarray) -> int:
    if not len(shingles):
        return 0
    bits = ((shingles.view(np.uint64)[:, None] >> BITS) & np.uint64(1)).sum(axis=0)
    value = sum(1 << i for i, count in enumerate(bits) if count * 2 > len(shingles))
    return value - (1 << 64) if value >= 1 << 63 else value


def bands(value: int) -> list[int]:
    unsigned = value & ((1 << 64) - 1)
    return [(unsigned >> (16 * i)) & 0xFFFF for i in range(4)]


def build(folder: Path, texts) -> tuple[sqlite3.Connection, sqlite3.Connection, dict]:
    ours = sqlite3.connect(folder / "anchors.db")
    peer = sqlite3.connect(folder / "simhash.db")
    ours.executescript(
        "CREATE TABLE texts (id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
        "CREATE TABLE article_anchors (anchor INTEGER NOT NULL, article_id INTEGER NOT NULL,"
        " PRIMARY KEY (anchor, article_id)) WITHOUT ROWID;"
    )
    peer.executescript(
        "CREATE TABLE articles (id INTEGER PRIMARY KEY, simhash INTEGER NOT NULL,"
        " b0 INTEGER, b1 INTEGER, b2 INTEGER, b3 INTEGER);"
    )
    timing = {"fingerprint": 0.0, "simhash": 0.0, "rows": 0}
    batch_texts, batch_anchors, batch_peer = [], [], []
    for number, text in enumerate(texts):
        started = time.perf_counter()
        fp = fingerprint(text)
        timing["fingerprint"] += time.perf_counter() - started
        started = time.perf_counter()
        value = simhash(fp.shingles)
        timing["simhash"] += time.perf_counter() - started
        batch_texts.append((number, text))
        batch_anchors += [(anchor, number) for anchor in fp.anchors]
        batch_peer.append((number, value, *bands(value)))
        if len(batch_texts) == 5000:
            flush(ours, peer, batch_texts, batch_anchors, batch_peer)
            timing["rows"] += len(batch_anchors)
            batch_texts, batch_anchors, batch_peer = [], [], []
    flush(ours, peer, batch_texts, batch_anchors, batch_peer)
    timing["rows"] += len(batch_anchors)
    for column in ("b0", "b1", "b2", "b3"):
        peer.execute(f"CREATE INDEX articles_{column} ON articles({column})")
    peer.commit()
    return ours, peer, timing


def flush(ours, peer, texts, anchors, peer_rows) -> None:
    ours.executemany("INSERT INTO texts VALUES (?, ?)", texts)
    ours.executemany("INSERT OR IGNORE INTO article_anchors VALUES (?, ?)", anchors)
    peer.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)", peer_rows)
    ours.commit()
    peer.commit()


ANCHOR_QUERY = """
    SELECT article_id, COUNT(*) AS shared FROM article_anchors
    WHERE anchor IN (SELECT value FROM json_each(:probe_keys))
    GROUP BY article_id HAVING shared >= :min_shared
    ORDER BY shared DESC LIMIT :limit
"""


def lookup_ours(conn: sqlite3.Connection, text: str, verified: list[int]) -> list[int]:
    fp = fingerprint(text)
    found = []
    candidates = conn.execute(
        ANCHOR_QUERY,
        {"probe_keys": json.dumps(fp.probe_keys), "min_shared": fp.min_shared_anchors, "limit": CANDIDATE_LIMIT},
    ).fetchall()
    verified.append(len(candidates))
    for (article_id, _shared) in candidates:
        (stored,) = conn.execute("SELECT text FROM texts WHERE id = ?", (article_id,)).fetchone()
        if is_near_duplicate(fp, stored):
            found.append(article_id)
    return found


def lookup_peer(conn: sqlite3.Connection, text: str, probe: int) -> list[int]:
    value = simhash(fingerprint(text).shingles)
    keys = bands(value)
    clauses, params = [], []
    for i, key in enumerate(keys):
        variants = [key] + ([key ^ (1 << bit) for bit in range(16)] if probe else [])
        clauses.append(f"b{i} IN ({','.join('?' * len(variants))})")
        params += variants
    limit = 3 if not probe else 7
    return [
        article_id
        for article_id, other in conn.execute(f"SELECT id, simhash FROM articles WHERE {' OR '.join(clauses)}", params)
        if bin((value ^ other) & ((1 << 64) - 1)).count("1") <= limit
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--library", choices=[*LIBRARIES, "both"], default="both")
    args = parser.parse_args()
    rows = load_articles()
    for flavour in LIBRARIES if args.library == "both" else [args.library]:
        run(flavour, rows, args.articles, args.queries)
    return 0


def run(flavour: str, rows: list[dict], articles: int, query_count: int) -> None:
    rng = random.Random(9)
    # Queries come from articles the synthetic text was not made from (markov: CNN/DM).
    pool = [i for i, r in enumerate(rows) if flavour == "requoted" or r["category"] == "cnndm"]
    held_back = set(rng.sample(pool, len(pool) // 3))
    library_rows = [r for i, r in enumerate(rows) if i not in held_back]
    query_rows = [j for j, r in enumerate(library_rows) if flavour == "requoted" or r["category"] == "cnndm"]
    first_real = articles

    def all_texts():
        yield from LIBRARIES[flavour](articles, rows)
        yield from (r["text"] for r in library_rows)

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        ours, peer, timing = build(folder, all_texts())
        build_seconds = time.perf_counter() - started
        total = articles + len(library_rows)

        queries = []
        for _ in range(query_count):
            number = rng.choice(query_rows)
            kind = rng.choice(MUTATIONS)
            queries.append((mutate(library_rows[number]["text"], kind, rng), first_real + number, kind))
        # The BBC set carries one story twice under one title: finding it is right, not wrong.
        twins = {
            first_real + j: {first_real + k for k, other in enumerate(library_rows)
                             if k != j and row["title"] and other["title"] == row["title"]}
            for j, row in enumerate(library_rows)
        }
        same_story = {
            i: {first_real + j for j, other in enumerate(library_rows)
                if other["title"] and other["title"] == rows[i]["title"]}
            for i in held_back
        }
        negatives = [(rows[i]["text"], same_story[i]) for i in sorted(held_back)]

        results = {}
        verified: list[int] = []
        notes: list[str] = []
        for name, lookup in (
            ("anchors + containment (ours)", lambda t: lookup_ours(ours, t, verified)),
            ("SimHash 4x16 bands, exact", lambda t: lookup_peer(peer, t, 0)),
            ("SimHash 4x16 bands, probe 1 bit", lambda t: lookup_peer(peer, t, 1)),
        ):
            latencies, hits, wrong = [], 0, 0
            for text, expected, kind in queries:
                started = time.perf_counter()
                found = lookup(text)
                latencies.append(time.perf_counter() - started)
                hits += expected in found
                wrong += any(f != expected and f not in twins[expected] for f in found)
                if name.endswith("(ours)"):
                    if expected not in found:
                        notes.append(f"missed a {kind} copy of article {expected}")
                    notes += [f"{kind} copy of {expected} also matched {f}" for f in found
                              if f != expected and f not in twins[expected]]
            for text, allowed in negatives:
                started = time.perf_counter()
                found = lookup(text)
                latencies.append(time.perf_counter() - started)
                wrong += any(f not in allowed for f in found)
                if name.endswith("(ours)"):
                    notes += [f"unrelated article matched {f}" for f in found if f not in allowed]
            flagged = hits + wrong
            results[name] = (
                hits / len(queries),
                hits / flagged if flagged else 1.0,
                statistics.median(latencies) * 1e3,
                sorted(latencies)[int(len(latencies) * 0.95)] * 1e3,
            )
        ours.close()
        peer.close()
        anchors_mb = (folder / "anchors.db").stat().st_size / 1e6
        peer_mb = (folder / "simhash.db").stat().st_size / 1e6

    print(f"# Near-duplicate lookup, {flavour} library: {total:,} articles,"
          f" {len(queries)} copies + {len(negatives)} unrelated queries\n")
    print(f"Library built in {build_seconds:.0f} s; fingerprint {timing['fingerprint'] / total * 1e6:.0f} µs/article,"
          f" SimHash on top {timing['simhash'] / total * 1e6:.0f} µs/article;"
          f" {timing['rows'] / total:.1f} anchor rows/article; anchors.db {anchors_mb:.0f} MB incl. texts,"
          f" simhash.db {peer_mb:.0f} MB. Ours verified {statistics.mean(verified):.1f} candidates per lookup"
          f" (at most {CANDIDATE_LIMIT}).\n")
    print("| method | recall on copies | precision | lookup p50 (ms) | lookup p95 (ms) |")
    print("|---|---:|---:|---:|---:|")
    for name, (recall, precision, p50, p95) in results.items():
        print(f"| {name} | {recall:.3f} | {precision:.3f} | {p50:.1f} | {p95:.1f} |")
    for note in notes[:10]:
        print(f"\n- ours: {note}", end="")
    print("\n")


if __name__ == "__main__":
    sys.exit(main())
