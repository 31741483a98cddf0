"""Search snippets: the words the index matched are the words marked, and the
excerpt shows them."""

from __future__ import annotations

import json
import re

import pytest

from digest_app.records import ParsedArticle
from digest_app.store import Library
from digest_app.store.query import Term, parse
from digest_app.store.snippets import Highlighter, snippet


def marked_words(text: str) -> list[str]:
    """The words FTS5's highlight() marked with char(2) and char(3)."""
    return re.findall("\x02(.*?)\x03", text, re.DOTALL)


def found_words(marker: Highlighter, query: str, texts: list[str]) -> list[list[str]]:
    return [[text[s:e] for s, e in spans] for text, spans in zip(texts, marker.spans(parse(query).terms, texts))]


@pytest.fixture(scope="module")
def marker() -> Highlighter:
    return Highlighter()


@pytest.mark.parametrize(
    "query, text, expected",
    [
        ("battery", "Batteries die; the battery's charge, a batter.", ["Batteries", "battery"]),
        ("deliveries", "It delivered the deliveries, delivery by delivery.", ["deliveries", "delivery", "delivery"]),
        ("econom*", "Economy, economists and ecology in the economic zone.", ["Economy", "economists", "economic"]),
        ('"prime minister"', "The prime minister met a Prime  Minister; prime time, minister.", ["prime minister", "Prime  Minister"]),
        ("cafe", "The Café and the CAFE and caffeine.", ["Café", "CAFE"]),
        ("résumé", "Send a resume, or a RÉSUMÉ.", ["resume", "RÉSUMÉ"]),
        ("su7", "小米SU7的交付, and the SU7 Ultra; su70 is another.", ["SU7", "SU7"]),
        ("小米 SU7", "小米SU7的交付正在加速。小米之家", ["小米", "SU7", "小米"]),
        ("e-mail", "Send e-mail by email or E mail.", ["e-mail", "E mail"]),
        ("phone OR tablet", "Phones and tablets; a telephone.", ["Phones", "tablets"]),
    ],
)
def test_finds_what_the_index_matches(marker, query, text, expected):
    assert found_words(marker, query, [text]) == [expected]


def test_index_terms_are_the_index_s_own(marker):
    assert marker.index_terms("Batteries died") == ("batteri", "di")
    assert marker.index_terms("naïve résumé") == ("naiv", "resum")


@pytest.fixture(scope="module")
def eval_library(shared, tmp_path_factory) -> tuple[Library, list[str]]:
    """Forty eval articles in a library, and words taken from their texts."""
    lib = Library.open(tmp_path_factory.mktemp("eval") / "library.db")
    source, _ = lib.sources.add("feed", "https://eval.example/rss", title="Eval")
    records = [json.loads(line) for line in (shared / "eval" / "summaries-dev.jsonl").read_text().splitlines()]
    lib.articles.store_many(
        source.id,
        [ParsedArticle(title=r["title"], text=r["text"], guid=r["id"]) for r in records[::7][:40]],
    )
    words = re.findall(r"[A-Za-z][A-Za-z'-]+", " ".join(r["text"] for r in records[::7][:40]))
    yield lib, words[::41]
    lib.close()


def highlighted(lib: Library, expression: str) -> dict[int, str]:
    """FTS5's own highlight() of the text of every article *expression* matches."""
    rows = lib.query(
        "SELECT rowid, highlight(search_index, 0, char(2), char(3)) FROM search_index"
        " WHERE search_index MATCH ?",
        (expression,),
    )
    return {r[0]: r[1] for r in rows}


def agree(lib: Library, marker: Highlighter, query: str, expression: str) -> None:
    expected = highlighted(lib, expression)
    ids = sorted(expected)
    texts = [r[0] for r in lib.query(f"SELECT article_text(text) FROM articles WHERE id IN ({','.join(map(str, ids))}) ORDER BY id")]
    ours = found_words(marker, query, texts)
    for article_id, words in zip(ids, ours):
        assert words == marked_words(expected[article_id]), (query, article_id)


def test_words_agree_with_fts5_highlight(eval_library):
    lib, words = eval_library
    marker = Highlighter()
    for word in words:
        agree(lib, marker, word, '"' + word.replace('"', '""') + '"')


def test_prefixes_and_phrases_agree_with_fts5_highlight(eval_library):
    lib, words = eval_library
    marker = Highlighter()
    for word in words:
        if len(word) >= 5 and word[:4].isalpha():
            agree(lib, marker, word[:4] + "*", f'"{word[:4]}"*')
    for first, second in zip(words, words[1:]):
        agree(lib, marker, f'"{first} {second}"', f'"{first} {second}"')


def spans_of(text: str, *words: str) -> list[tuple[int, int]]:
    return sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text))


def test_snippet_opens_on_the_richest_stretch():
    text = ("Filler alpha here. " * 20) + "alpha and beta together. " + ("More filler. " * 20)
    plain, markup = snippet(text, spans_of(text, "alpha", "beta"))
    assert plain.startswith("…") and "«alpha» and «beta» together" in plain and plain.endswith("…")
    assert "<mark>alpha</mark> and <mark>beta</mark>" in markup


def test_snippet_without_matches_is_the_opening():
    text = "First words of the story. " + "More. " * 60
    assert snippet(text)[0].startswith("First words of the story.")
    assert snippet("Short text.") == ("Short text.", "Short text.")


def test_snippet_never_ends_inside_a_match():
    text = "x" * 150 + " prime minister spoke at length " + "y " * 100
    plain, _ = snippet(text, spans_of(text, "prime minister"))
    assert "«prime minister»" in plain


def test_snippet_html_escapes_the_text():
    text = "A <b>bold</b> & xiaomi claim"
    plain, markup = snippet(text, spans_of(text, "xiaomi"))
    assert plain == "A <b>bold</b> & «xiaomi» claim"
    assert markup == "A &lt;b&gt;bold&lt;/b&gt; &amp; <mark>xiaomi</mark> claim"


def test_text_cannot_forge_marks():
    text = "Odd \x02control\x03 characters and xiaomi"
    plain, markup = snippet(text, spans_of(text, "xiaomi"))
    assert plain == "Odd control characters and «xiaomi»"
    assert markup == "Odd control characters and <mark>xiaomi</mark>"


def test_highlighter_ignores_terms_without_words(marker):
    assert marker.spans([Term("***")], ["Nothing *** here."]) == [[]]
