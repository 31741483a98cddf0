"""The query language as users type it: what each piece of syntax is understood as."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_app.store.query import Filter, Term, parse, parse_date

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def groups(text: str) -> list[list[str]]:
    return [[str(a) for a in group] for group in parse(text, now=NOW).groups]


def test_words_must_all_match():
    assert groups("xiaomi  earnings") == [["xiaomi"], ["earnings"]]


@pytest.mark.parametrize("typed", ['"su7 ultra"', "“su7 ultra”", "「su7 ultra」"])
def test_phrases_in_straight_curly_and_corner_quotes(typed):
    (term,) = parse(typed).terms
    assert term == Term("su7 ultra", phrase=True)


def test_or_binds_the_words_on_either_side():
    assert groups("xiaomi phone OR tablet | watch") == [["xiaomi"], ["phone", "tablet", "watch"]]


def test_lowercase_or_is_a_word():
    assert groups("this or that") == [["this"], ["or"], ["that"]]


@pytest.mark.parametrize("typed", ["OR xiaomi", "xiaomi OR", "OR", "xiaomi OR -rumor"])
def test_stray_or_is_ignored_with_a_note(typed):
    query = parse(typed)
    assert all(len(g) == 1 for g in query.groups)
    assert any("OR" in note for note in query.notes)


def test_doubled_or_counts_once():
    query = parse("xiaomi OR OR phone")
    assert groups("xiaomi OR OR phone") == [["xiaomi", "phone"]]
    assert query.notes


def test_exclusions():
    query = parse('xiaomi -rumor -"price leak" NOT fake -tag:Rumors')
    assert groups('xiaomi -rumor') == [["xiaomi"]]
    assert [str(a) for a in query.excluded] == ["rumor", '"price leak"', "fake", "tagged Rumors"]
    assert query.describe() == 'xiaomi, without rumor, without "price leak", without fake, not tagged Rumors'


def test_hyphenated_words_are_not_exclusions():
    assert groups("wi-fi") == [["wi-fi"]]
    assert parse("wi-fi").excluded == ()


def test_prefix_needs_two_letters():
    assert parse("xiao*").terms == (Term("xiao", prefix=True),)
    short = parse("x*")
    assert short.terms == (Term("x"),)
    assert "too short" in short.notes[0]


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("tag:EV", Filter("tag", "EV", "EV")),
        ('tag:"AIoT and smart home"', Filter("tag", "AIoT and smart home", "AIoT and smart home")),
        ("TAG:ev,", Filter("tag", "ev", "ev")),
        ("source:verge", Filter("source", "verge", "verge")),
        ("is:Unread", Filter("is", "unread", "unread")),
        ("is:starred", Filter("is", "starred", "starred")),
        ("lang:ZH", Filter("lang", "zh", "zh")),
        ("after:2025", Filter("after", "2025-01-01T00:00:00Z", "2025-01-01")),
        ("after:2025-03", Filter("after", "2025-03-01T00:00:00Z", "2025-03-01")),
        ("before:2025-03-09", Filter("before", "2025-03-09T00:00:00Z", "2025-03-09")),
        ("after:7d", Filter("after", "2026-11-14T12:00:00Z", "2026-11-14")),
        ("after:today", Filter("after", "2026-11-21T00:00:00Z", "2026-11-21")),
    ],
)
def test_filters(typed, expected):
    assert parse(typed, now=NOW).groups == ((expected,),)


@pytest.mark.parametrize("typed", ["is:pinned", "after:2025-13-01", "after:soon", "lang:?", "tag:"])
def test_filters_that_cannot_be_understood_are_dropped_with_a_note(typed):
    query = parse(f"xiaomi {typed}")
    assert groups(f"xiaomi {typed}") == [["xiaomi"]]
    assert len(query.notes) == 1 and typed.split(":")[0] in query.notes[0]


def test_unknown_prefixes_are_words():
    assert parse("foo:bar").terms == (Term("foo:bar"),)
    assert parse("https://mi.com").terms == (Term("https://mi.com"),)


def test_filters_can_be_alternatives():
    assert groups("tag:EV OR tag:Smartphones") == [["tagged EV", "tagged Smartphones"]]


def test_unbalanced_quote_runs_to_the_end():
    query = parse('xiaomi "su7 ultra')
    assert query.terms[-1] == Term("su7 ultra", phrase=True)
    assert "closing quote" in query.notes[0]


def test_punctuation_only_words_are_dropped():
    query = parse("xiaomi +++ — ()")
    assert groups("xiaomi +++ — ()") == [["xiaomi"]]
    assert any("+++" in note for note in query.notes)


def test_control_characters_and_lone_surrogates_are_removed():
    query = parse("xia\x00omi\x02 \ud800phone")
    assert [t.text for t in query.terms] == ["xiaomi", "phone"]


def test_chinese_needs_no_spaces():
    assert parse("小米汽车 雷军").terms == (Term("小米汽车"), Term("雷军"))


def test_empty_and_operator_only_queries_are_empty():
    for typed in ["", "   ", "OR", "AND NOT", "-", '""', "***"]:
        assert parse(typed).is_empty, typed


def test_relative_dates_count_back_from_now():
    assert parse_date("2w", now=NOW) == datetime(2026, 11, 7, 12, 0, tzinfo=timezone.utc)
    assert parse_date("yesterday", now=NOW) == datetime(2026, 11, 20, tzinfo=timezone.utc)
    assert parse_date("2025-02-30") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(), max_size=80))
def test_parsing_any_text_never_fails(text):
    query = parse(text)
    for term in query.terms:
        assert term.text.strip() and "\x00" not in term.text
    query.describe()
