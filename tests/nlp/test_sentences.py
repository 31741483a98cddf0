"""Sentence splitting: abbreviations, decimals, initials, quotes, lists, headings, CJK, mixed text."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_app.nlp.sentences import (
    SentenceSplitter,
    punkt_tokenizer,
    sentence_spans,
    shipped_parameters,
    split_sentences,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Lei met Dr. Wang at Xiaomi Corp. headquarters on Jan. 5. They signed a deal.",
            ["Mr. Lei met Dr. Wang at Xiaomi Corp. headquarters on Jan. 5.", "They signed a deal."],
        ),
        (
            "Phones sold in the U.S. and the U.K. rose. Sales in e.g. Spain fell.",
            ["Phones sold in the U.S. and the U.K. rose.", "Sales in e.g. Spain fell."],
        ),
        (
            "The deal was signed by Xiaomi Inc. The company did not comment.",
            ["The deal was signed by Xiaomi Inc.", "The company did not comment."],
        ),
        (
            "Xiaomi is No. 1 in India. Samsung Electronics Co. Ltd. is second.",
            ["Xiaomi is No. 1 in India.", "Samsung Electronics Co. Ltd. is second."],
        ),
    ],
)
def test_abbreviations_do_not_end_sentences_but_a_new_sentence_after_them_starts(text, expected):
    assert split_sentences(text) == expected


def test_decimal_numbers_and_percentages_are_not_split():
    text = "Revenue reached RMB53.7 billion, up 5.5% year-on-year. The 1.6μm pixels cost US$3.99 each."
    assert split_sentences(text) == [
        "Revenue reached RMB53.7 billion, up 5.5% year-on-year.",
        "The 1.6μm pixels cost US$3.99 each.",
    ]


def test_initials_stay_with_the_name():
    assert split_sentences("The letter was signed by J. K. Lei on Monday. Shares rose.") == [
        "The letter was signed by J. K. Lei on Monday.",
        "Shares rose.",
    ]


def test_closing_quotes_stay_with_their_sentence():
    text = "“We will win,” Lei said. “The market is big.” He then left the stage."
    assert split_sentences(text) == [
        "“We will win,” Lei said.",
        "“The market is big.”",
        "He then left the stage.",
    ]


def test_a_quoted_question_followed_by_its_speaker_is_one_sentence():
    text = '"Why now?" he asked. Nobody answered. "Is it ready?!" asked a reporter.'
    assert split_sentences(text) == ['"Why now?" he asked.', "Nobody answered.", '"Is it ready?!" asked a reporter.']


def test_bullet_and_numbered_items_are_units_without_their_markers():
    text = (
        "The company said it will:\n"
        "- open 1,000 stores in India\n"
        "- hire 5,000 staff. Most will work in sales.\n"
        "1. Raise prices by 2.5%.\n"
        "2) Cut costs\n"
        "• Expand to Spain"
    )
    spans = sentence_spans(text)
    assert [s.text for s in spans] == [
        "The company said it will:",
        "open 1,000 stores in India",
        "hire 5,000 staff.",
        "Most will work in sales.",
        "Raise prices by 2.5%.",
        "Cut costs",
        "Expand to Spain",
    ]
    assert [s.kind for s in spans] == ["text"] + ["item"] * 6


def test_paragraph_breaks_and_headings_always_end_a_unit():
    text = "Quarterly results\n\nSales rose 10% in the quarter\n\nProfit fell. Costs grew."
    spans = sentence_spans(text)
    assert [(s.text, s.kind) for s in spans] == [
        ("Quarterly results", "heading"),
        ("Sales rose 10% in the quarter", "heading"),
        ("Profit fell.", "text"),
        ("Costs grew.", "text"),
    ]
    assert [s.paragraph for s in spans] == [0, 1, 2, 2]


def test_page_chrome_lines_are_separate_units():
    text = "Advertisement\nGet more with myNEWS\nXiaomi opened a store in Spain on Friday. It sold out."
    assert split_sentences(text) == [
        "Advertisement",
        "Get more with myNEWS",
        "Xiaomi opened a store in Spain on Friday.",
        "It sold out.",
    ]


def test_hard_wrapped_prose_is_joined_across_lines():
    text = (
        "Xiaomi said on Tuesday that its smartphone shipments\n"
        "rose by a third in the quarter, helped by strong demand\n"
        "in India and Europe. The company expects growth to\n"
        "continue next year."
    )
    assert split_sentences(text) == [
        "Xiaomi said on Tuesday that its smartphone shipments\n"
        "rose by a third in the quarter, helped by strong demand\n"
        "in India and Europe.",
        "The company expects growth to\ncontinue next year.",
    ]


def test_markdown_headings_tables_and_rules():
    text = "## Results\n\n| Market | Share |\n|---|---|\n| India | 27% |\n\n---\n\nXiaomi leads India."
    assert [(s.text, s.kind) for s in sentence_spans(text)] == [
        ("Results", "heading"),
        ("| Market | Share |", "table"),
        ("| India | 27% |", "table"),
        ("Xiaomi leads India.", "text"),
    ]


def test_chinese_sentences_end_at_full_width_terminators():
    text = "小米发布了新手机。售价为3999元！你会买吗？他说：“很好。”然后离开了"
    assert split_sentences(text) == ["小米发布了新手机。", "售价为3999元！", "你会买吗？", "他说：“很好。”", "然后离开了"]


def test_japanese_sentences():
    assert split_sentences("シャオミが新製品を発表した。価格は未定です！") == ["シャオミが新製品を発表した。", "価格は未定です！"]


def test_mixed_english_and_chinese():
    text = "Xiaomi launched the Mi 9 today. 小米今天发布了小米9。It costs US$445. 售价2999元?很便宜。"
    assert split_sentences(text) == [
        "Xiaomi launched the Mi 9 today.",
        "小米今天发布了小米9。",
        "It costs US$445.",
        "售价2999元?",
        "很便宜。",
    ]


def test_empty_and_blank_texts_have_no_sentences():
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t\n") == []
    assert split_sentences("* * *\n---") == []


def test_the_seeds_split_into_exact_substrings(shared):
    for path in sorted((shared / "seeds").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = sentence_spans(text)
        assert spans, path.name
        _assert_exact_ordered_substrings(text, spans)


def test_our_fast_punkt_decides_exactly_like_nltk(shared):
    """The shortcut in our Punkt subclass must never change a decision."""
    from nltk.tokenize.punkt import PunktSentenceTokenizer

    params = shipped_parameters()
    fast, reference = punkt_tokenizer(params), PunktSentenceTokenizer(params)
    texts = [path.read_text(encoding="utf-8") for path in (shared / "seeds").glob("*.txt")]
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        lines = (shared / "eval" / name).read_text(encoding="utf-8").splitlines()
        texts += [json.loads(line)["text"] for line in lines[::4]]
    for text in texts:
        assert list(fast.span_tokenize(text)) == list(reference.span_tokenize(text))


def test_training_on_the_library_learns_its_abbreviations():
    library = " ".join(
        f"Xiaomi Technology Sdn. Bhd. sold {n} phones in Malaysia last month, the firm said." for n in range(40)
    )
    text = "The Malaysian unit, Xiaomi Technology Sdn. Bhd. opened a store. It sold out."
    assert len(SentenceSplitter().split(text)) > 2
    trained = SentenceSplitter.trained([library])
    expected = ["The Malaysian unit, Xiaomi Technology Sdn. Bhd. opened a store.", "It sold out."]
    assert trained.split(text) == expected
    assert SentenceSplitter.from_json(trained.to_json()).split(text) == expected
    # Our own list still applies after training.
    assert trained.split("Mr. Lei spoke. Dr. Wang agreed.") == ["Mr. Lei spoke.", "Dr. Wang agreed."]


_ALPHABET = st.sampled_from(list("abc XYZ.!?。！？小米\n\n-•1234567890\"“”'()[]:;,") + ["Mr.", "U.S.", "5.5%", "\t"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_any_text_splits_into_stripped_ordered_non_overlapping_substrings(text):
    _assert_exact_ordered_substrings(text, sentence_spans(text))


def _assert_exact_ordered_substrings(text, spans):
    previous_end = 0
    for span in spans:
        assert text[span.start : span.end] == span.text
        assert span.text == span.text.strip() and span.text
        assert span.start >= previous_end
        previous_end = span.end
