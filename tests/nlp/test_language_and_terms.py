"""Language detection and scoring terms."""

from __future__ import annotations

import pytest

from digest_app.nlp.language import detect_language
from digest_app.nlp.terms import terms


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Xiaomi said on Tuesday that the new phone will go on sale in May in the United States.", "en"),
        ("Xiaomi hat am Dienstag mitgeteilt, dass das neue Telefon im Mai in den Handel kommt und nicht teuer ist.", "de"),
        ("Xiaomi a annoncé mardi que le nouveau téléphone sera en vente en mai dans les magasins de la marque.", "fr"),
        ("Xiaomi anunció el martes que el nuevo teléfono estará a la venta en mayo en las tiendas de la marca.", "es"),
        ("Xiaomi ha annunciato martedì che il nuovo telefono sarà in vendita a maggio nei negozi della marca.", "it"),
        ("A Xiaomi anunciou na terça-feira que o novo telefone estará à venda em maio nas lojas da marca.", "pt"),
        ("Xiaomi heeft dinsdag gezegd dat de nieuwe telefoon in mei in de winkels van het merk te koop is.", "nl"),
        ("小米集团今天发布了新款智能手机，售价为三千九百九十九元。", "zh"),
        ("シャオミは新しいスマートフォンを発表しました。価格はまだ決まっていません。", "ja"),
        ("샤오미는 오늘 새로운 스마트폰을 발표했습니다. 가격은 아직 정해지지 않았습니다.", "ko"),
        ("小米集团今天在北京发布了新款智能手机和智能手表，并宣布了海外市场的扩张计划。The Mi 9 launches.", "zh"),
        ("Xiaomi said the phone, called 小米9 in China, will sell in Europe and the United States from May.", "en"),
    ],
)
def test_detects_the_language_of_news_text(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["", "Xiaomi", "12345 67.8", "Mi MIX Alpha 5G"])
def test_unsure_texts_get_no_language(text):
    assert detect_language(text) is None


def test_english_terms_are_lowercased_stemmed_and_free_of_stopwords():
    assert terms("Xiaomi's smartphone shipments rose in the third quarter") == [
        "xiaomi",
        "smartphon",
        "shipment",
        "rose",
        "third",
        "quarter",
    ]


def test_numbers_and_product_codes_are_kept_unstemmed():
    assert terms("The 108MP camera costs 5.5% more") == ["108mp", "camera", "cost", "5.5"]


def test_chinese_becomes_character_bigrams_without_function_characters():
    assert terms("小米发布新手机") == ["小米", "米发", "发布", "布新", "新手", "手机"]
    assert "的手" not in terms("小米的手机")


def test_other_languages_use_their_own_stopwords_and_stemmer():
    assert terms("die Telefone und die Uhren", "de") == ["telefon", "uhr"]
    assert terms("die Telefone und die Uhren", "de-DE") == ["telefon", "uhr"]
