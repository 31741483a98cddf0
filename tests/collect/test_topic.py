"""The Xiaomi topic filter: relevance on our labelled set, the look-alike traps,
speed, and the editable profile file."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from digest_app.collect.topic import (
    SHIPPED_PROFILE,
    Term,
    load_profile,
    profile_path_for,
    save_profile,
    score,
)
from digest_app.errors import InputError

LABELLED = Path(__file__).resolve().parent.parent / "data" / "relevance_labelled.jsonl"


@pytest.fixture(scope="module")
def profile():
    return load_profile()


def labelled_items() -> list[dict]:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[1:] if line.strip()]


def precision_recall(items: list[dict], profile) -> tuple[float, float, list[str]]:
    tp = fp = fn = 0
    wrong = []
    for item in items:
        predicted = score(item["title"], item["snippet"], profile).relevant
        if predicted and item["relevant"]:
            tp += 1
        elif predicted:
            fp += 1
            wrong.append(f"false positive {item['id']}: {item['title']}")
        elif item["relevant"]:
            fn += 1
            wrong.append(f"missed {item['id']}: {item['title']}")
    return tp / (tp + fp), tp / (tp + fn), wrong


def test_labelled_set_is_big_enough_and_holds_a_third_back():
    items = labelled_items()
    assert len(items) >= 200
    held_out = [i for i in items if i["split"] == "heldout"]
    assert 0.29 <= len(held_out) / len(items) <= 0.31
    assert sum(i["lang"] == "zh" for i in items) >= 30
    assert 0.35 <= sum(i["relevant"] for i in items) / len(items) <= 0.65


@pytest.mark.parametrize("split", ["all", "tune", "heldout"])
def test_precision_and_recall_on_labelled_set(profile, split):
    items = [i for i in labelled_items() if split == "all" or i["split"] == split]
    precision, recall, wrong = precision_recall(items, profile)
    print(f"\n{split}: {len(items)} items, precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= 0.95, wrong
    assert recall >= 0.95, wrong


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Mi 8 unboxing", "The phone comes with a case."),
        ("Review: the Mi Band 9", "Two weeks of battery."),
        ("POCO F7 Pro launched", "Sales start on Friday."),
        ("雷军谈造车", "他说工厂将扩建。"),
        ("新机发布", "红米K80今天开售。"),
        ("Tech roundup", "Apple shipped a phone; Xiaomi showed a car; Sony cut prices."),
        ("XIAOMI SHARES JUMP", "Stocks rose."),
    ],
)
def test_xiaomi_items_are_relevant(profile, title, text):
    assert score(title, text, profile).relevant


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Snow closes schools in Lansing, MI", "Buses will not run on Tuesday."),
        ("New pickup promises 300 mi range", "Winds reached 90 mi/h during the test."),
        ("MI5 and MI6 chiefs speak", "The agencies warned of attacks."),
        ("Mi-8 helicopter lands safely", "The crew was unhurt."),
        ("Mi casa es su casa", "Mi piace la pizza."),
        ("Mi Mix de Verano", "Las canciones del año."),
        ("M:I 8 trailer", "The Mission: Impossible film has a biplane stunt."),
        ("AMI patches BIOS", "Citroën Ami owners are not affected."),
        ("小米粥的做法", "小米洗净后慢慢熬煮。"),
        ("华为发布新手机", "苹果和三星也在准备新品。"),
        ("Poco a poco", "UN POCO DE HISTORIA"),
    ],
)
def test_look_alikes_are_not_relevant(profile, title, text):
    result = score(title, text, profile)
    assert not result.relevant, result


def test_title_counts_more_than_body_and_repeats_count_less(profile):
    in_title = score("Xiaomi opens a store", "It opened today.", profile)
    in_body = score("A store opens", "Xiaomi opened it today.", profile)
    twice = score("A store opens", "Xiaomi opened it. Xiaomi said so.", profile)
    assert in_title.score > in_body.score > 0
    assert in_body.score < twice.score < 2 * in_body.score
    assert in_title.matched == ("Xiaomi",)


def test_matched_lists_the_strongest_phrases_first(profile):
    result = score("SU7 deliveries rise", "Lei Jun said the SU7 sold well. Mi Band sales fell.", profile)
    assert result.matched[0] == "SU7"
    assert set(result.matched) == {"SU7", "Lei Jun", "Mi <model>"}


def test_scoring_a_typical_article_takes_well_under_a_millisecond(profile, shared):
    rows = [json.loads(line) for line in (shared / "eval" / "summaries-dev.jsonl").open(encoding="utf-8")]
    score(rows[0]["title"], rows[0]["text"], profile)
    per_article = float("inf")
    for _ in range(3):  # best of three: other processes on a busy machine only slow it down
        started = time.perf_counter()
        for row in rows:
            score(row["title"], row["text"], profile)
        per_article = min(per_article, (time.perf_counter() - started) / len(rows))
    print(f"\n{per_article * 1e6:.0f} µs per article")
    assert per_article < 0.001


def test_seed_articles_are_all_relevant(profile, shared):
    for path in sorted((shared / "seeds").glob("0*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        assert score(title, body, profile).relevant, path.name


def test_saved_profile_loads_back_equal_and_user_edits_take_effect(profile, tmp_path):
    path = tmp_path / "topic.json"
    save_profile(profile, path)
    assert load_profile(path) == profile

    before = score("Ninebot scooter recall", "The scooter maker recalls a model.", profile)
    edited = dataclasses.replace(profile, terms=profile.terms + (Term("Ninebot", 4),))
    save_profile(edited, path)
    after = score("Ninebot scooter recall", "The scooter maker recalls a model.", load_profile(path))
    assert not before.relevant and after.relevant


def test_user_profile_beside_the_library_wins_over_the_shipped_one(profile, tmp_path):
    library = tmp_path / "library.db"
    assert profile_path_for(library) == SHIPPED_PROFILE
    save_profile(profile, tmp_path / "topic.json")
    assert profile_path_for(library) == tmp_path / "topic.json"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON object"),
        ('{"terms": []}', "missing 'threshold'"),
        ('{"format": 99, "threshold": 4, "terms": []}', "newer"),
        ('{"threshold": 4, "terms": [{"pattern": "x"}], "exclude": [{"pattern": "y", "weight": 2}]}',
         "positive weight"),
        ('{"threshold": 4, "terms": [{"pattern": "  "}]}', "empty"),
    ],
)
def test_broken_profile_is_refused_with_the_file_named(tmp_path, content, reason):
    path = tmp_path / "topic.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=reason) as caught:
        load_profile(path)
    assert str(path) in str(caught.value)
