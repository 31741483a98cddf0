"""Word counts (stored with each article, used for reading time and tag-rule scaling)
are the same as the two regular expressions that define them, whatever the text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from digest_app.records import count_words

# The definition count_words follows: words of Latin/Cyrillic letters and digits
# (runs joined by one of '’.,- count once), plus one per CJK character.
WORD = re.compile(r"[0-9A-Za-z\u00C0-\u024F\u0400-\u04FF]+(?:['’.,-][0-9A-Za-z]+)*")
CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")


def defined_count(text: str) -> int:
    return len(WORD.findall(text)) + len(CJK_CHAR.findall(text))


# Characters at the edges of every range, joiners, and what news text holds.
EDGES = [0xBF, 0xC0, 0x24F, 0x250, 0x3FF, 0x400, 0x4FF, 0x500, 0x303F, 0x3040, 0x30FF, 0x3100,
         0x33FF, 0x3400, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xABFF, 0xAC00, 0xD7AF,
         0xD7B0, 0xF8FF, 0xF900, 0xFAFF, 0xFB00, 0x7F, 0x80, 0x2018, 0x2019, 0x201C, 0xA3, 0x1F600]
ALPHABET = st.sampled_from(list("aZ09 .,-'\n\t_/") + [chr(c) for c in EDGES])


# Short texts (headlines, sentences) and long ones (articles) are counted differently.
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60) | st.text(alphabet=ALPHABET, min_size=300, max_size=700))
def test_count_near_every_edge_is_the_defined_one(text):
    assert count_words(text) == defined_count(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80) | st.text(min_size=300, max_size=600))
def test_count_of_any_text_is_the_defined_one(text):
    assert count_words(text) == defined_count(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["Xiaomi's", "in-house", "3.5", "£999", "it’s", "a--b", "..", "O1", "  ", "\n"]),
                min_size=60, max_size=200))
def test_count_of_long_ascii_like_text_is_the_defined_one(pieces):
    text = " ".join(pieces)
    assert count_words(text) == defined_count(text)


def test_counts_of_news_sentences():
    cases = {
        "": 0,
        "Xiaomi's 14 Ultra costs £1,299.99 - a mid-range price?": 8,
        "Xiaomi’s in-house chip, the XRING O1 (3nm)": 7,
        "Lei Jun said: ‘we’re back’ -- again...": 6,
        "小米汽车 SU7 交付": 7,
        "Ще одна новина: Xiaomi café-bar": 5,
        "a-b.c,d'e": 1,
        "a--b ..c d.": 4,
    }
    assert {text: count_words(text) for text in cases} == cases
    assert all(count_words(text) == defined_count(text) for text in cases)


def test_counts_of_the_eval_articles(shared):
    import json

    texts = [json.loads(line)["text"] for line in (shared / "eval" / "summaries-dev.jsonl").read_text(encoding="utf-8").splitlines()]
    assert texts
    assert [count_words(t) for t in texts] == [defined_count(t) for t in texts]
