"""Summary invariants and behaviour a reader notices."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digest_app.nlp.sentences import split_sentences
from digest_app.nlp.summarize import METHOD, rank_sentences, summarize, summary_spans
from digest_app.records import count_words

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _articles(shared, count_per_set=25):
    """Seeds plus a spread of the eval articles (third-party text, read in place)."""
    items = []
    for path in sorted((shared / "seeds").glob("*.txt")):
        items.append((path.read_text(encoding="utf-8"), None))
    for name in ("summaries-dev.jsonl", "cnndm-dev.jsonl"):
        lines = (shared / "eval" / name).read_text(encoding="utf-8").splitlines()
        step = max(1, len(lines) // count_per_set)
        for line in lines[::step][:count_per_set]:
            article = json.loads(line)
            items.append((article["text"], article["title"] or None))
    return items


def test_summaries_are_the_articles_own_sentences_in_order_without_repeats(shared):
    for text, title in _articles(shared):
        for length in (1, 3, 5):
            spans = summary_spans(text, title, sentences=length)
            assert 1 <= len(spans) <= length
            assert [s.start for s in spans] == sorted(s.start for s in spans)
            assert len({s.text for s in spans}) == len(spans)
            for span in spans:
                assert text[span.start : span.end] == span.text
            assert [s.text for s in spans] == summarize(text, title, sentences=length)


def test_the_sentence_count_is_met_when_the_article_has_enough_sentences(shared):
    for text, title in _articles(shared, count_per_set=10):
        if len(rank_sentences(text, title)) >= 8:
            assert len(summarize(text, title, sentences=4)) == 4


def test_a_word_budget_is_honoured_and_overrides_the_sentence_count(shared):
    for text, title in _articles(shared, count_per_set=10):
        for budget in (40, 80, 150):
            summary = summarize(text, title, sentences=1, words=budget)
            assert summary
            assert sum(count_words(sentence) for sentence in summary) <= budget or len(summary) == 1
    text = _articles(shared)[7][0]
    assert len(summarize(text, words=200)) > 1


def test_a_budget_smaller_than_every_sentence_still_gives_the_best_sentence():
    text = "Xiaomi opened its first store in Madrid on Tuesday morning. Queues formed early on the street."
    assert summarize(text, words=3) == [rank_sentences(text)[0].sentence.text]


def test_near_identical_sentences_are_never_both_chosen():
    core = "Xiaomi shipped 8.2 million smartphones in India in the fourth quarter, a 27% market share."
    text = " ".join(
        [
            core,
            "Xiaomi shipped 8.2 million smartphones in India in the fourth quarter, a 27 per cent market share.",
            "Samsung shipped 7.3 million smartphones in India in the quarter.",
            "Xiaomi smartphones are sold in India through flash sales and its own stores.",
            "Analysts expect the smartphone market in India to grow next year.",
        ]
    )
    for length in (2, 3, 4):
        summary = summarize(text, sentences=length)
        assert sum("8.2 million" in sentence for sentence in summary) == 1


def test_tiny_texts():
    assert summarize("") == []
    assert summarize("   \n\n ") == []
    assert summarize("Xiaomi opened a store in Madrid.") == ["Xiaomi opened a store in Madrid."]
    two = "Xiaomi opened a store in Madrid. It sold out within an hour."
    assert summarize(two) == ["Xiaomi opened a store in Madrid.", "It sold out within an hour."]
    assert summarize(two, sentences=1) in (["Xiaomi opened a store in Madrid."], ["It sold out within an hour."])
    assert summarize("Only a heading") == ["Only a heading"]
    assert summarize(two, sentences=0) == []


def test_invalid_lengths_are_refused():
    with pytest.raises(ValueError):
        summarize("Xiaomi opened a store.", sentences=-1)
    with pytest.raises(ValueError):
        summarize("Xiaomi opened a store.", sentences=None, words=None)


def test_headings_bullet_fragments_chrome_and_links_are_not_summary_material():
    text = (
        "Advertisement\nSkip to main content\n\n"
        "Xiaomi results\n\n"
        "Xiaomi reported revenue of RMB53.7 billion for the third quarter, up 5.5% from a year earlier.\n\n"
        "Highlights\n- smartphone revenue\n- IoT revenue\n- internet services\n\n"
        "Smartphone revenue reached RMB32.3 billion as Xiaomi shipped 32.1 million smartphones in the quarter.\n\n"
        "Revenue from IoT and lifestyle products grew 44.4% to RMB15.6 billion in the quarter.\n\n"
        "Read the full Xiaomi revenue report at https://example.com/xiaomi-revenue.\n\n"
        "Photo: Xiaomi revenue chart for the quarter."
    )
    summary = summarize(text, sentences=3)
    assert summary == [
        "Xiaomi reported revenue of RMB53.7 billion for the third quarter, up 5.5% from a year earlier.",
        "Smartphone revenue reached RMB32.3 billion as Xiaomi shipped 32.1 million smartphones in the quarter.",
        "Revenue from IoT and lifestyle products grew 44.4% to RMB15.6 billion in the quarter.",
    ]


def test_summaries_are_deterministic_across_processes(shared, tmp_path):
    """Same text, same summary, whatever the hash seed of the process."""
    paths = sorted(str(p) for p in (shared / "seeds").glob("*.txt"))
    script = (
        "import json, sys\n"
        "from digest_app.nlp.summarize import summarize\n"
        "print(json.dumps([summarize(open(p, encoding='utf-8').read(), sentences=4) for p in sys.argv[1:]]))\n"
    )
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run(
            [sys.executable, "-c", script, *paths], cwd=REPO, env=env, capture_output=True, text=True, check=True
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == [summarize(open(p, encoding="utf-8").read(), sentences=4) for p in paths]


def test_the_seeds_get_readable_summaries(shared):
    chrome = ("advertisement", "skip to", "learn more", "get more with", "login", "unlock more")
    for path in sorted((shared / "seeds").glob("*.txt")):
        summary = summarize(path.read_text(encoding="utf-8"), sentences=3)
        assert len(summary) == 3, path.name
        for sentence in summary:
            assert len(sentence.split()) >= 8, (path.name, sentence)
            assert sentence[-1] in ".!?”\"'’)", (path.name, sentence)
            assert not sentence.lower().startswith(chrome), (path.name, sentence)
        assert "Xiaomi" in " ".join(summary), path.name


def test_a_seed_summary_says_what_the_article_is_about(shared):
    text = (shared / "seeds" / "003_f9790102d95c3a58.txt").read_text(encoding="utf-8")
    summary = summarize(text, "China’s Xiaomi in talks with US, European carriers in global push")
    joined = " ".join(summary)
    assert "Xiaomi" in joined and ("India" in joined or "carrier" in joined)


def test_chinese_articles_get_chinese_sentence_summaries():
    text = (
        "小米集团今天在北京发布了新款智能手机小米9，售价为2999元。"
        "这款智能手机搭载了骁龙855处理器和4800万像素相机。"
        "小米集团表示，小米9将于下周在中国市场开始销售。"
        "分析人士认为，新款智能手机将帮助小米提高在中国市场的份额。"
        "去年小米在中国智能手机市场排名第四。"
        "天气很好。"
    )
    summary = summarize(text, "小米发布新款智能手机小米9", sentences=2)
    assert len(summary) == 2
    for sentence in summary:
        assert sentence.endswith("。") and sentence in text
    assert "天气很好。" not in summary


def test_untitled_news_keeps_its_lead():
    lead = "Xiaomi overtook Samsung as India's biggest smartphone seller in the fourth quarter, research firm Canalys said."
    text = " ".join(
        [
            lead,
            "Xiaomi shipped 8.2 million smartphones in India in the quarter, giving it a 27% share.",
            "Samsung shipped 7.3 million smartphones in India over the same period.",
            "The smartphone market in India grew 14% in the quarter, Canalys said.",
            "Xiaomi sells most of its smartphones in India online through flash sales.",
            "Samsung has led the Indian smartphone market for six years.",
            "Xiaomi entered India in 2014.",
        ]
    )
    assert lead in summarize(text, sentences=2)


def test_a_two_thousand_sentence_text_is_summarized_in_bounded_time(shared):
    lines = (shared / "eval" / "cnndm-dev.jsonl").read_text(encoding="utf-8").splitlines()
    sentences = [s for line in lines for s in split_sentences(json.loads(line)["text"])]
    text = " ".join(sentences[:2000])
    assert len(split_sentences(text)) >= 1900
    started = time.perf_counter()
    summary = summarize(text, sentences=5)
    elapsed = time.perf_counter() - started
    assert len(summary) == 5 and all(s in text for s in summary)
    assert elapsed < 10.0


def test_the_method_is_named_for_stored_summaries():
    assert METHOD and ":" not in METHOD and " " not in METHOD


def test_mixed_english_and_chinese_articles():
    text = (
        "Xiaomi launched the Mi 9 smartphone in Beijing on Wednesday. "
        "小米今天在北京发布了小米9智能手机，售价为2999元。"
        "The Mi 9 smartphone has a 48MP camera and costs 2999 yuan in China. "
        "小米9智能手机配备了4800万像素相机。"
        "Xiaomi said the Mi 9 will reach Europe next month."
    )
    assert len(split_sentences(text)) == 5
    summary = summarize(text, "Xiaomi launches Mi 9 smartphone 小米发布小米9", sentences=3)
    assert len(summary) == 3 and all(sentence in text for sentence in summary)
    # Both scripts are scored: the Chinese sentences compete with the English ones.
    assert any(sentence.startswith("小米") for sentence in summary)
    assert any(sentence.startswith("Xiaomi") for sentence in summary)


_WORDS = st.sampled_from(
    ["Xiaomi", "phone", "sales", "rose", "in", "India", "the", "Mr.", "5.5%", "小米", "手机", "。", ".", "?", "\n", "\n\n", "- "]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORDS, max_size=80).map(" ".join), st.integers(min_value=1, max_value=5))
def test_any_text_gives_ordered_distinct_substrings_of_bounded_length(text, length):
    spans = summary_spans(text, sentences=length)
    assert len(spans) <= length
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert len({s.start for s in spans}) == len(spans)
    assert all(text[s.start : s.end] == s.text for s in spans)
