"""Key phrases for tag suggestions and digests."""

from __future__ import annotations

from digest_app.nlp.keywords import keywords
from digest_app.nlp.wordlists import stopwords


def test_press_release_keywords_name_the_products_in_their_own_casing(shared):
    text = (shared / "seeds" / "002_6a0d47116308af19.txt").read_text(encoding="utf-8")
    found = keywords(text, limit=8)
    assert "Xiaomi" in found
    assert "Mi MIX Alpha" in found
    assert "MIX Alpha" not in found  # part of the longer phrase


def test_news_keywords_find_the_subject_and_a_phrase(shared):
    text = (shared / "seeds" / "003_f9790102d95c3a58.txt").read_text(encoding="utf-8")
    found = keywords(text, "China’s Xiaomi in talks with US, European carriers in global push")
    assert found[0] == "Xiaomi"
    assert "carriers" in found and "India" in found


def test_keywords_are_distinct_limited_and_never_stopwords(shared):
    english = stopwords("en")
    for path in sorted((shared / "seeds").glob("*.txt")):
        found = keywords(path.read_text(encoding="utf-8"), limit=6)
        assert 0 < len(found) <= 6
        assert len({k.lower() for k in found}) == len(found)
        for phrase in found:
            words = phrase.lower().split()
            assert 1 <= len(words) <= 3
            assert words[0] not in english and words[-1] not in english


def test_a_phrase_starting_sentences_keeps_its_mid_sentence_casing():
    text = (
        "Smartphone shipments fell in China. Analysts said smartphone shipments will recover. "
        "Xiaomi expects smartphone shipments to grow in India."
    )
    assert "smartphone shipments" in keywords(text)


def test_chinese_keywords_are_whole_words_from_character_bigrams():
    text = (
        "小米集团今天发布了新款智能手机。小米集团表示，新款智能手机将在中国市场销售。"
        "智能手机市场竞争激烈，小米集团的市场份额上升。"
    )
    found = keywords(text, "小米集团发布新款智能手机")
    assert found[:2] == ["小米集团", "智能手机"]
    assert "能手" not in found and "米集" not in found


def test_chinese_keywords_leave_out_counted_expressions():
    # 第二代/第一代 (second/first generation), 两款 (two models), 2026年 (the year 2026):
    # the measure word after a numeral is no part of the name that follows it.
    text = (
        "小米正在研发第二代玄戒芯片。第一代玄戒今年已搭载在两款手机上，"
        "新一代玄戒将进一步提升性能。2026年营收预计增长，2026年营收目标不变。"
    )
    found = keywords(text, "小米第二代玄戒芯片")
    assert "玄戒" in found and "营收" in found, found
    assert not any(k.startswith(("代", "年", "款")) or "第二" in k or "二代" in k for k in found), found


def test_no_text_no_keywords():
    assert keywords("") == []
    assert keywords("Xiaomi opened a store.", limit=0) == []
