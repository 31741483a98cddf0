"""Near-duplicate detection: copies of one story are found and matched, different
stories are not, in memory and through an indexed SQLite table as the store will do it."""

from __future__ import annotations

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from digest_app.collect.neardup import (
    CANDIDATE_LIMIT,
    NearDupIndex,
    fingerprint,
    is_near_duplicate,
    similarity,
)

REPO = Path(__file__).resolve().parents[2]

#: Page furniture of our own making, put around copies.
CHROME = [
    "Advertisement",
    "Share this story",
    "Sign up for the morning briefing",
    "Read more: our coverage of the week",
    "Follow us for more updates",
    "All rights reserved.",
]
INTRO = "This story first appeared on a partner site and is republished with permission."
EXTRA_PARAGRAPH = (
    "Updated with further comment from the company and reaction from analysts on the day."
)


def paragraphs(text: str) -> list[str]:
    """Paragraphs; a one-paragraph text (the CNN/DM set) is cut into groups of sentences."""
    found = [p for p in text.split("\n\n") if p.strip()]
    if len(found) >= 3:
        return found
    sentences = re.split(r"(?<=[.!?])\s+", text)
    step = max(1, len(sentences) // 6)
    return [" ".join(sentences[i : i + step]) for i in range(0, len(sentences), step)]


def drop_paragraph(text: str, rnd: random.Random) -> str:
    parts = paragraphs(text)
    del parts[rnd.randrange(1, len(parts))]
    return "\n\n".join(parts)


def add_paragraph(text: str, rnd: random.Random) -> str:
    parts = paragraphs(text)
    parts.insert(rnd.randrange(1, len(parts)), EXTRA_PARAGRAPH)
    return "\n\n".join(parts)


def change_punctuation(text: str, rnd: random.Random) -> str:
    return text.replace('"', "\u201c").replace("'", "\u2019").replace(", ", " , ").replace(" - ", " \u2014 ")


def add_chrome(text: str, rnd: random.Random) -> str:
    parts = []
    for paragraph in paragraphs(text):
        parts.append(paragraph)
        if rnd.random() < 0.4:
            parts.append(rnd.choice(CHROME))
    return "\n\n".join(["Advertisement", "Skip to content", *parts, "Share this story", CHROME[-1]])


def take_prefix(text: str, rnd: random.Random) -> str:
    return text[: int(len(text) * 0.7)]


def teaser(text: str, rnd: random.Random) -> str:
    return " ".join(text.split()[: rnd.randrange(25, 60)]) + " \u2026"


def new_intro_and_trailer(text: str, rnd: random.Random) -> str:
    return "\n\n".join([INTRO, text, "About the agency: news from around the world, every day."])


MUTATIONS = [drop_paragraph, add_paragraph, change_punctuation, add_chrome, take_prefix, teaser,
             new_intro_and_trailer]


@pytest.fixture(scope="module")
def articles(shared: Path) -> list[dict]:
    rows = []
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        with (shared / "eval" / name).open(encoding="utf-8") as handle:
            rows += [json.loads(line) for line in handle]
    return rows


@pytest.fixture(scope="module")
def indexed(articles):
    fingerprints = [fingerprint(row["text"]) for row in articles]
    index = NearDupIndex()
    for number, fp in enumerate(fingerprints):
        index.add(number, fp)
    return fingerprints, index


def same_story(a: dict, b: dict) -> bool:
    """The BBC set itself holds a story published twice under one title."""
    return bool(a["title"]) and a["title"] == b["title"]


def test_precision_and_recall_on_mutated_copies_and_hard_negatives(articles, indexed):
    fingerprints, index = indexed
    rnd = random.Random(2024)
    tp = fn = 0
    missed = []
    for number in rnd.sample(range(len(articles)), 60):
        for mutate in MUTATIONS:
            copy = fingerprint(mutate(articles[number]["text"], rnd))
            # Either may arrive first: the copy looks up the original, or the other way round.
            alone = NearDupIndex()
            alone.add("copy", copy)
            found = (number in index.candidates(copy) and "copy" in alone.candidates(fingerprints[number])
                     and is_near_duplicate(fingerprints[number], copy))
            tp += found
            fn += not found
            if not found:
                missed.append((articles[number]["id"], mutate.__name__))
    # Negatives: each article with the most similar other article of its category (the
    # hardest case), and random pairs from one category.
    by_category: dict[str, list[int]] = {}
    for number, row in enumerate(articles):
        by_category.setdefault(row["category"], []).append(number)
    pairs = set()
    for members in by_category.values():
        for a in members:
            others = [b for b in members if b != a and not same_story(articles[a], articles[b])]
            nearest = max(others, key=lambda b: similarity(fingerprints[a], fingerprints[b]).containment)
            pairs.add((min(a, nearest), max(a, nearest)))
            pairs.add(tuple(sorted(rnd.sample(others, 1) + [a])))
    fp = tn = 0
    false_alarms = []
    for a, b in pairs:
        if is_near_duplicate(fingerprints[a], fingerprints[b]):
            fp += 1
            false_alarms.append((articles[a]["id"], articles[b]["id"]))
        else:
            tn += 1
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\n{tp + fn} copies, {fp + tn} different-story pairs: precision {precision:.3f}, recall {recall:.3f}")
    assert tp + fn >= 400 and fp + tn >= 400
    assert recall >= 0.98, missed
    assert precision >= 0.98, false_alarms


def test_the_story_the_bbc_set_carries_twice_is_found(articles, indexed):
    fingerprints, index = indexed
    twice = [(a, b) for a in range(len(articles)) for b in index.candidates(fingerprints[a])
             if a < b and same_story(articles[a], articles[b])]
    assert twice
    assert all(is_near_duplicate(fingerprints[a], fingerprints[b]) for a, b in twice)


def test_press_releases_sharing_boilerplate_are_not_duplicates(shared):
    (path,) = (shared / "seeds").glob("002_*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [0] + [next(i for i, line in enumerate(lines) if line.startswith(words))
                    for words in ("Xiaomi’s adjusted net profit", "Xiaomi unveils core",
                                  "Xiaomi Presents Leading", "Dear investors")]
    releases = ["\n".join(lines[a:b]) for a, b in zip(starts, [*starts[1:], len(lines)])]
    assert sum("About Xiaomi Corporation" in r for r in releases) >= 2
    for i, one in enumerate(releases):
        for other in releases[i + 1 :]:
            assert not is_near_duplicate(one, other)
        assert is_near_duplicate(one, add_chrome(one, random.Random(i)))


def test_chinese_copies_match_and_other_chinese_stories_do_not():
    story = (
        "小米今天在北京发布了新一代电动汽车，起售价比上一代低一万元。公司表示，新车的续航里程提升到八百公里，"
        "并配备了新的智能驾驶系统。雷军在发布会上说，工厂二期已经投产，交付时间将缩短到四周以内。"
        "分析人士认为，降价将给同级别车型带来更大的竞争压力。"
    )
    copy = "来源：合作媒体\n\n" + story.replace("，", ",") + "\n\n更多精彩内容请关注我们。"
    other_report = (
        "今天下午，小米新款电动汽车在北京亮相。与上一代相比，这款车降价一万元，续航达到八百公里。"
        "发布会上，雷军宣布第二工厂开始生产，用户最快四周就能提车。业内人士预计，价格战将进一步加剧。"
    )
    assert is_near_duplicate(story, copy)
    assert not is_near_duplicate(story, other_report)


def test_short_texts_match_only_when_identical():
    assert is_near_duplicate("Xiaomi opens a store in Paris.", "Xiaomi opens a store in Paris!")
    assert not is_near_duplicate("Xiaomi opens a store.", "Xiaomi opens a store in Paris on Friday.")
    assert not is_near_duplicate("", "")


def test_similarity_reports_containment_and_jaccard(articles):
    text = articles[0]["text"]
    half = similarity(text, text[: len(text) // 2])
    assert half.near_duplicate
    assert half.containment > 0.95 and 0.3 < half.jaccard < 0.7


def test_anchors_are_few_sqlite_integers_and_the_same_in_every_process(articles):
    text = articles[5]["text"]
    anchors = fingerprint(text).anchors
    assert 1 <= len(anchors) <= 9
    assert all(-(2**63) <= a < 2**63 for a in anchors)
    script = (
        "import sys, json; from digest_app.collect.neardup import fingerprint; "
        "print(json.dumps(fingerprint(sys.stdin.read()).anchors))"
    )
    for seed in ("1", "2"):
        result = subprocess.run(
            [sys.executable, "-c", script], input=text, capture_output=True, text=True, check=True,
            cwd=REPO, env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert tuple(json.loads(result.stdout)) == anchors


def test_lookup_through_an_indexed_sqlite_table(articles, tmp_path):
    """The store's lookup: anchors in a table indexed by anchor, one query with all shingles."""
    conn = sqlite3.connect(tmp_path / "anchors.db")
    conn.execute(
        "CREATE TABLE article_anchors (anchor INTEGER NOT NULL, article_id INTEGER NOT NULL,"
        " PRIMARY KEY (anchor, article_id)) WITHOUT ROWID"
    )
    for number, row in enumerate(articles):
        conn.executemany(
            "INSERT OR IGNORE INTO article_anchors VALUES (?, ?)",
            [(anchor, number) for anchor in fingerprint(row["text"]).anchors],
        )
    query = """
        SELECT article_id, COUNT(*) AS shared FROM article_anchors
        WHERE anchor IN (SELECT value FROM json_each(:probe_keys))
        GROUP BY article_id HAVING shared >= :min_shared
        ORDER BY shared DESC LIMIT :limit
    """

    def params(fp):
        return {"probe_keys": json.dumps(fp.probe_keys), "min_shared": fp.min_shared_anchors,
                "limit": CANDIDATE_LIMIT}

    plan = " ".join(str(r) for r in conn.execute("EXPLAIN QUERY PLAN " + query, params(fingerprint("x"))))
    assert "USING PRIMARY KEY" in plan or "USING COVERING INDEX" in plan, plan

    rnd = random.Random(3)
    for number in rnd.sample(range(len(articles)), 30):
        for copy in (teaser(articles[number]["text"], rnd), add_chrome(articles[number]["text"], rnd)):
            found = [r[0] for r in conn.execute(query, params(fingerprint(copy)))]
            assert number in found
            assert found[0] == number or same_story(articles[found[0]], articles[number])
    conn.close()


def test_index_forgets_removed_and_replaced_texts(articles):
    index = NearDupIndex()
    first, second = fingerprint(articles[0]["text"]), fingerprint(articles[1]["text"])
    index.add("a", first)
    index.add("b", second)
    assert index.candidates(first)[0] == "a" and len(index) == 2
    index.remove("a")
    assert "a" not in index.candidates(first)
    index.add("b", first)
    assert index.candidates(first) == ["b"] and "b" not in index.candidates(second)
