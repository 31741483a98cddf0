"""`digest-app search`, `saved` and `reindex`, as a user runs them."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from digest_app.cli.main import main
from digest_app.records import ParsedArticle
from digest_app.store import Library


@pytest.fixture
def library_path(tmp_path):
    path = tmp_path / "library.db"
    with Library.open(path) as lib:
        source, _ = lib.sources.add("feed", "https://ev.example/rss", title="Drive Electric")
        for n, (title, text, language) in enumerate(
            [
                ("SU7 deliveries rise", "Xiaomi delivered more SU7 cars than planned.", "en"),
                ("Phone review", "The battery lasts two days; Xiaomi kept the price.", "en"),
                ("小米汽车交付加速", "雷军表示小米SU7的产能正在提升。", "zh"),
            ]
        ):
            lib.articles.store(
                source.id,
                ParsedArticle(
                    title=title, text=text, guid=str(n), language=language,
                    published=datetime(2025, 3, 1 + n, tzinfo=timezone.utc),
                ),
            )
        lib.tags.add([1], ["EV"])
    return path


def cli(path, *args, capsys):
    status = main(["--library", str(path), *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_search_json_lists_ranked_results(library_path, capsys):
    status, out, _ = cli(library_path, "search", "su7", "--json", capsys=capsys)
    results = json.loads(out)
    assert status == 0
    assert [r["title"] for r in results] == ["SU7 deliveries rise", "小米汽车交付加速"]
    first = results[0]
    assert {"id", "title", "source", "date", "score", "snippet"} <= set(first)
    assert first["source"] == "Drive Electric" and first["date"].startswith("2025-03-01")
    assert first["score"] > results[1]["score"]
    assert "«SU7»" in first["snippet"]


def test_search_joins_words_and_sorts_newest(library_path, capsys):
    _, out, _ = cli(library_path, "search", "xiaomi", "OR", "小米", "--sort", "newest", "--json",
                    capsys=capsys)
    assert [r["title"] for r in json.loads(out)] == [
        "小米汽车交付加速", "Phone review", "SU7 deliveries rise"
    ]
    _, out, _ = cli(library_path, "search", "xiaomi", "--limit", "1", "--json", capsys=capsys)
    assert len(json.loads(out)) == 1


def test_search_text_output_shows_count_and_snippets(library_path, capsys):
    status, out, _ = cli(library_path, "search", "battery tag:EV OR lang:en", capsys=capsys)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "1 articles match: battery, tagged EV or in language en (showing 1-1)"
    assert "Phone review" in lines[1]
    assert "«battery»" in lines[2]


def test_exclusions_after_double_dash(library_path, capsys):
    _, out, _ = cli(library_path, "search", "--json", "--", "-battery", "xiaomi", capsys=capsys)
    assert [r["title"] for r in json.loads(out)] == ["SU7 deliveries rise"]


def test_malformed_queries_search_anyway_and_say_what_was_ignored(library_path, capsys):
    status, out, err = cli(library_path, "search", 'xiaomi OR "battery', "--json", capsys=capsys)
    assert status == 0
    assert len(json.loads(out)) == 2
    assert "note: a closing quote was missing" in err


def test_a_query_with_nothing_to_search_for_is_an_error(library_path, capsys):
    status, out, err = cli(library_path, "search", "OR", capsys=capsys)
    assert status == 1 and out == ""
    assert err.startswith("digest-app: error: nothing to search for in 'OR'")


def test_saved_searches(library_path, capsys):
    status, out, _ = cli(library_path, "saved", "add", "EV", "tag:EV", capsys=capsys)
    assert status == 0 and "1 articles now" in out
    cli(library_path, "saved", "add", "Chinese", "lang:zh", "小米", capsys=capsys)
    _, out, _ = cli(library_path, "saved", "list", capsys=capsys)
    assert out.splitlines() == ["     1  Chinese  (lang:zh 小米)", "     1  EV  (tag:EV)"]

    with Library.open(library_path) as lib:
        lib.tags.add([2], ["EV"])
    _, out, _ = cli(library_path, "saved", "list", "--json", capsys=capsys)
    assert {s["name"]: s["count"] for s in json.loads(out)} == {"Chinese": 1, "EV": 2}

    assert cli(library_path, "saved", "remove", "EV", capsys=capsys)[0] == 0
    _, out, _ = cli(library_path, "saved", "list", "--json", capsys=capsys)
    assert [s["name"] for s in json.loads(out)] == ["Chinese"]


def test_saving_an_empty_query_is_refused(library_path, capsys):
    status, _, err = cli(library_path, "saved", "add", "Nothing", "-", capsys=capsys)
    assert status == 1 and "nothing to search for" in err


def test_reindex_and_check(library_path, capsys):
    status, out, _ = cli(library_path, "reindex", "--check", capsys=capsys)
    assert (status, out) == (0, "search index OK (3 articles)\n")
    status, out, _ = cli(library_path, "reindex", capsys=capsys)
    assert status == 0 and out.startswith("re-indexed 3 articles in ")
