"""Story clustering: copies and rewrites of one event become one story, different events stay apart.

Cases come from the third-party eval sets (read in place): every BBC article
beside a rewrite of itself (its lead paragraph dropped, a new headline from
the next one), every CNN/DailyMail article beside its human-written highlights
told as a short article by "another outlet"; plus the seeds and the sample.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from digest_app.digests.build import build_digest
from digest_app.nlp.cluster import cluster_texts
from digest_app.nlp.keywords import keywords
from digest_app.nlp.summarize import summarize
from tests.digests.conftest import sample_options, seed_options

#: Pairs of BBC articles that report one running story (the same takeover bid):
#: grouping them is right.
SAME_STORYLINE = {frozenset({"bbc-business-392", "bbc-business-421"})}  # Deutsche Boerse / LSE bid


def story_text(title: str, text: str) -> str:
    """What the digest compares of an article: title, summary and keywords."""
    summary = " ".join(summarize(text, title or None, sentences=3))
    return f"{title}\n{summary}\n{' '.join(keywords(text, title or None))}"


def rewrite(article: dict) -> tuple[str, str] | None:
    """The article as another outlet might run it: lead dropped, headline from the next paragraph."""
    paragraphs = article["text"].split("\n\n")
    if len(paragraphs) < 3:
        return None
    return " ".join(paragraphs[1].split()[:9]), "\n\n".join(paragraphs[1:])


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def cluster(ids: list[str], texts: list[str]) -> tuple[dict[str, set[int]], list[set[str]]]:
    """Which groups each article's versions landed in, and the articles of each group."""
    landed: dict[str, set[int]] = defaultdict(set)
    groups = []
    for number, members in enumerate(cluster_texts(texts)):
        for index in members:
            landed[ids[index]].add(number)
        groups.append({ids[index] for index in members})
    return landed, groups


@pytest.mark.parametrize("category", ["business", "politics", "entertainment"])
def test_rewrites_of_an_article_join_it_and_other_stories_stay_apart(shared, category):
    articles = [a for a in read(shared / "eval" / "summaries-dev.jsonl") if a["category"] == category]
    ids, texts = [], []
    for article in articles:
        ids.append(article["id"])
        texts.append(story_text(article["title"], article["text"]))
        rewritten = rewrite(article)
        if rewritten:
            ids.append(article["id"])
            texts.append(story_text(*rewritten))
    landed, groups = cluster(ids, texts)
    split = [i for i in set(ids) if ids.count(i) == 2 and len(landed[i]) > 1]
    assert not split, f"rewrites not joined to their article: {split}"
    mixed = [sorted(g) for g in groups if len(g) > 1 and frozenset(g) not in SAME_STORYLINE]
    assert not mixed, f"different stories grouped: {mixed}"


def test_the_same_event_told_in_other_words_joins_its_article(shared):
    articles = read(shared / "eval" / "cnndm-dev.jsonl")
    ids, texts = [], []
    for article in articles:
        highlights = article["summary"].split("\n")
        ids += [article["id"], article["id"]]
        texts += [
            story_text("", article["text"]),
            story_text(highlights[0], " ".join(highlights[1:]) or highlights[0]),
        ]
    landed, groups = cluster(ids, texts)
    joined = sum(1 for article in articles if len(landed[article["id"]]) == 1)
    assert joined >= 0.9 * len(articles), joined
    # Daily Mail ran several stories on one event (the FA Cup prize money, one
    # TV show): a few groups of two or three are expected, never a large mixed bag.
    mixed = [g for g in groups if len(g) > 1]
    assert len(mixed) <= 10 and all(len(g) <= 3 for g in mixed), mixed


def test_the_seed_articles_are_all_different_stories(seeds_lib):
    digest = build_digest(seeds_lib, seed_options(max_stories=20))
    assert digest.story_count == 9
    assert all(len(story.sources) == 1 for story in digest.stories)


def test_two_outlets_on_one_event_make_one_story_with_both_sources(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    yu7 = [s for s in digest.stories if "deliveries reach" in s.title or "Record month" in s.title]
    assert len(yu7) == 1
    story = yu7[0]
    assert set(story.source_names) == {"Sample · Auto Ledger", "Sample · Market Desk"}
    assert {link.title for link in story.sources} == {
        "Xiaomi YU7 deliveries reach a new monthly high",
        "Record month for Xiaomi's car business as YU7 ramps up",
    }
    # One summary across both, nothing said twice.
    assert len(story.summary) == 3 and len(set(story.summary)) == 3


def test_stories_weeks_apart_stay_apart_even_on_one_topic(sample_lib):
    digest = build_digest(sample_lib, sample_options())
    titles = [s.title for s in digest.stories]
    # Both about Xiaomi's smart home platform, 23 days apart (one in Chinese).
    assert "Xiaomi's smart home platform passes a new milestone in connected devices" in titles
    assert "小米智能家居平台连接设备数再创新高" in titles
