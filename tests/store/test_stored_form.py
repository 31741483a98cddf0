"""Storing with the columns computed beforehand (as an import's worker processes do)
stores the same article; identity by content ignores any kind of white space; anchors
indexed in one go keep each article's latest."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digest_app.records import ParsedArticle
from digest_app.store.articles import content_hash, stored_form


@pytest.fixture
def feed(library):
    source, _ = library.sources.add("feed", "https://example.com/feed.xml", title="Example")
    return source


def article(**fields) -> ParsedArticle:
    base = {
        "title": "  Xiaomi opens a store in Madrid ",
        "text": "Xiaomi opened its first store in Madrid.\n\nQueues formed early.",
        "content_html": "<p>Xiaomi opened its first store in Madrid.</p><p>Queues formed early.</p>",
        "url": "https://example.com/news/madrid?utm_source=feed",
        "published": datetime(2024, 5, 1, 8, 30, tzinfo=timezone.utc),
    }
    base.update(fields)
    return ParsedArticle(**base)


def test_an_article_stored_with_its_form_reads_back_as_one_stored_without(library, feed, tmp_path):
    from digest_app.store import Library

    other = Library.open(tmp_path / "other.db")
    source, _ = other.sources.add("feed", "https://example.com/feed.xml", title="Example")
    parsed = [article(), article(title="", text="No title here.", url=None, guid="g2")]
    with_forms = library.articles.store_many(feed.id, parsed, forms=[stored_form(a) for a in parsed])
    without = other.articles.store_many(source.id, parsed)
    for mine, theirs in zip(with_forms, without):
        a, b = library.articles.get(mine.article_id), other.articles.get(theirs.article_id)
        assert (a.title, a.text, a.content_html, a.canonical_url, a.published, a.word_count, a.content_hash) == (
            b.title, b.text, b.content_html, b.canonical_url, b.published, b.word_count, b.content_hash
        )
    assert library.articles.get(with_forms[1].article_id).title == "(untitled)"
    again = library.articles.store_many(feed.id, parsed, forms=[stored_form(a) for a in parsed])
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    other.close()


def test_forms_must_match_the_articles_one_for_one(library, feed):
    with pytest.raises(ValueError):
        library.articles.store_many(feed.id, [article(), article(guid="x")], forms=[stored_form(article())])


def test_the_same_text_with_other_white_space_is_the_same_article(library, feed):
    first = library.articles.store(feed.id, ParsedArticle(title="Note", text="Xiaomi\u3000opens\u00a0a  store\n"))
    second = library.articles.store(feed.id, ParsedArticle(title="Note", text=" Xiaomi opens a store"))
    assert second.article_id == first.article_id
    assert content_hash("A\u2003b\tC") == content_hash("a b c")


def test_anchors_indexed_together_keep_each_articles_latest(library, feed):
    ids = [r.article_id for r in library.articles.store_many(feed.id, [article(guid="a"), article(guid="b")])]
    library.duplicates.index_many([(ids[0], [1, 2]), (ids[1], [2, 3]), (ids[0], [5, 6])])
    assert library.duplicates.candidates([1, 2], min_shared=1, limit=10) == [ids[1]]
    assert library.duplicates.candidates([5, 6, 2], min_shared=1, limit=10) == [ids[0], ids[1]]
    assert library.duplicates.candidates("[5,6,2]", min_shared=2, limit=10) == [ids[0]]
    assert library.duplicates.candidates([], min_shared=1, limit=10) == []
    assert library.duplicates.candidates([5, 5, 6], min_shared=2, limit=10, other_than_source=feed.id) == []
