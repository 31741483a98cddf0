"""Phrases are found the same in a long article as in a title: a long text is cut into
words with array operations (when its words are all ASCII), a short one with a regex,
and the counts must not depend on which."""

from __future__ import annotations

import pytest

from digest_app.collect.topic import PhraseMatcher, Term, load_profile

SENTENCES = [
    "Xiaomi said the Mi Band 8 and the Mi 11 sold well, unlike the Mild Band.",
    "The in-house chip and on-device AI ship in the Redmi Note 12; mi/h is a unit.",
    "\u201cXiaomi\u201d \u2014 the Mi Band\u2019s maker \u2014 opened a store\u2026 Mi\u00a0Band too.",
    "Mi-Band, Mi.Band and Mi_Band are not the product; MI the state is not Mi either.",
    "Redmi K70 and POCO F5 phones; cars from a carmaker; Mi TV Stick 4K and Mi Mix 4.",
    "\u5c0f\u7c73\u53d1\u5e03\u4e86 Mi Band 9 \u548c\u5c0f\u7c73\u7ca5\uff0cXiaomi \u624b\u673a Android phone.",
    "Ünïcode words: Mi Bänd, Xiaomi İnternet, the Mi\u212a sign and ſony stay apart.",
    "Android phones and androids, an Android-based carmaker; cars, car makers and a carrier.",
]


@pytest.fixture(scope="module")
def matcher() -> PhraseMatcher:
    extra = PhraseMatcher([[Term("Mi Band", 1.0, exact_case=True), Term("in-house chip", 1.0), Term("AI", 1.0),
                            Term("Mi", 1.0, exact_case=True), Term("mi*", 1.0), Term("5G", 1.0)]])
    return PhraseMatcher.joined(load_profile().matcher, extra)


def total(counts_list: list[list[dict[int, int]]]) -> list[dict[int, int]]:
    summed: list[dict[int, int]] = [{} for _ in counts_list[0]]
    for counts in counts_list:
        for group, found in enumerate(counts):
            for index, count in found.items():
                summed[group][index] = summed[group].get(index, 0) + count
    return summed


@pytest.mark.parametrize("sentence", SENTENCES)
def test_a_long_article_counts_what_its_sentences_count(matcher, sentence):
    # Repeated to well over the length where the array cutting takes over, with a
    # paragraph break between repeats so no phrase spans two of them.
    long_text = "\n\n".join([sentence] * 12)
    assert len(long_text) > 500
    assert matcher.counts(long_text) == total([matcher.counts(sentence)] * 12)


def test_phrases_that_end_their_first_word_do_not_start_in_longer_words():
    extra = PhraseMatcher([[Term("Mi Band", 1.0), Term("in-house chip", 1.0), Term("AI", 1.0)]])
    text = "Mild Bands, Mix Band, inhouse chip, AIs and AIM. " * 10 + "Mi Band, in-house chip, AI."
    assert extra.counts(text) == [{0: 1, 1: 1, 2: 1}]


def test_a_phrase_starting_a_longer_word_still_counts_when_it_may():
    extra = PhraseMatcher([[Term("mi*", 1.0)], [Term("Mi<n>", 1.0, exact_case=True)]])
    text = "Mi11 and Mi9 are phones; millions and mid-range. " * 10
    assert extra.counts(text) == [{0: 40}, {0: 20}]


def test_a_letter_that_lower_cases_to_two_does_not_hide_a_phrase():
    # "İ".lower() is "i" and a combining dot: the word "Mİ" is two letters, not three.
    matcher = PhraseMatcher([[Term("MI", 1.0)]])
    assert matcher.counts("Mİ and MI") == [{0: 2}]
    assert matcher.counts("Mİ and MI. " * 30) == [{0: 60}]

