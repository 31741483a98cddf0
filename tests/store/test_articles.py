"""Storing articles: identity, idempotence, updates in place, flags and tags."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from digest_app.errors import InputError, LibraryError, NotFoundError
from digest_app.records import ParsedArticle
from digest_app.store import ArticleFilter


def article(**fields) -> ParsedArticle:
    base = {"title": "Xiaomi ships SU7", "text": "Xiaomi delivered cars.\n\nMore text."}
    base.update(fields)
    return ParsedArticle(**base)


@pytest.fixture
def feed(library):
    source, _ = library.sources.add("feed", "https://example.com/feed.xml", title="Example")
    return source


def test_storing_twice_adds_once(library, feed):
    first = library.articles.store(feed.id, article(guid="g1"))
    again = library.articles.store(feed.id, article(guid="g1"))
    assert (first.status, again.status) == ("added", "unchanged")
    assert library.articles.count() == 1


@pytest.mark.parametrize(
    "one, two",
    [
        ({"guid": "tag:1"}, {"guid": "tag:1", "url": "https://other.example/x"}),
        ({"url": "https://example.com/a?utm_source=rss"}, {"url": "https://www.example.com/a/#top"}),
        ({}, {"text": "  xiaomi delivered CARS.\n\n\nMore   text. "}),
    ],
    ids=["guid", "canonical-url", "content-hash"],
)
def test_identity_rules(library, feed, one, two):
    a = library.articles.store(feed.id, article(**one))
    b = library.articles.store(feed.id, article(**two))
    assert b.article_id == a.article_id
    assert library.articles.count() == 1


def test_changed_article_is_updated_in_place_keeping_flags_and_tags(library, feed):
    first = library.articles.store(feed.id, article(guid="g", text="Old text."))
    library.articles.set_starred([first.article_id])
    library.articles.set_read([first.article_id])
    library.tags.add([first.article_id], ["EV"])

    changed = library.articles.store(feed.id, article(guid="g", text="New, longer text."))

    stored = library.articles.get(first.article_id)
    assert changed == type(changed)(first.article_id, "updated")
    assert stored.text == "New, longer text."
    assert stored.is_starred and stored.is_read
    assert [t.name for t in stored.tags] == ["EV"]


def test_same_guid_in_two_feeds_are_two_articles(library, feed):
    other, _ = library.sources.add("feed", "https://other.example/rss", title="Other")
    library.articles.store(feed.id, article(guid="1"))
    library.articles.store(other.id, article(guid="1", title="Different story", text="Else."))
    assert library.articles.count() == 2


def test_listing_is_newest_first_with_filters(library, feed):
    old = library.articles.store(
        feed.id, article(guid="old", published=datetime(2019, 11, 5, tzinfo=timezone.utc))
    )
    new = library.articles.store(
        feed.id,
        article(guid="new", title="Newer", text="Other text.",
                published=datetime(2019, 11, 27, tzinfo=timezone.utc)),
    )
    library.articles.set_starred([old.article_id])
    assert [h.id for h in library.articles.list()] == [new.article_id, old.article_id]
    assert [h.id for h in library.articles.list(ArticleFilter(starred=True))] == [old.article_id]
    since = datetime(2019, 11, 20, tzinfo=timezone.utc)
    assert [h.id for h in library.articles.list(ArticleFilter(since=since))] == [new.article_id]
    assert library.articles.count(ArticleFilter(unread=True)) == 2


def test_tags_are_case_insensitive_and_user_beats_rule(library, feed):
    a = library.articles.store(feed.id, article()).article_id
    library.tags.add([a], ["Smartphones"], origin="rule")
    library.tags.add([a], ["smartphones", "EV"])
    tags = {t.name: t.origin for t in library.articles.get(a).tags}
    assert tags == {"Smartphones": "user", "EV": "user"}
    assert [(t.name, t.count) for t in library.tags.list()] == [("EV", 1), ("Smartphones", 1)]


def test_tag_rename_onto_existing_merges(library, feed):
    a = library.articles.store(feed.id, article(guid="a")).article_id
    b = library.articles.store(feed.id, article(guid="b", text="Other.")).article_id
    library.tags.add([a], ["Cars"])
    library.tags.add([a, b], ["EV"])
    library.tags.rename("Cars", "ev")
    assert [(t.name, t.count) for t in library.tags.list()] == [("EV", 2)]


def test_tag_errors(library, feed):
    a = library.articles.store(feed.id, article()).article_id
    with pytest.raises(InputError):
        library.tags.add([a], ["   "])
    with pytest.raises(NotFoundError, match="no article with ID 999"):
        library.tags.add([999], ["EV"])
    with pytest.raises(NotFoundError):
        library.tags.rename("nope", "x")


def test_removing_a_source_removes_its_articles(library, feed):
    library.articles.store(feed.id, article())
    assert library.sources.remove(feed.id) == 1
    assert library.articles.count() == 0


def test_rule_tags_are_stored_with_a_new_article_and_found_by_search(library, feed):
    asked = []

    def tags() -> list[str]:
        asked.append(True)
        return ["EV", "Earnings and markets"]

    added = library.articles.store(feed.id, article(guid="g"), rule_tags=tags)
    again = library.articles.store(feed.id, article(guid="g"), rule_tags=tags)
    changed = library.articles.store(feed.id, article(guid="g", text="Deliveries doubled."), rule_tags=tags)

    assert [r.status for r in (added, again, changed)] == ["added", "unchanged", "updated"]
    assert len(asked) == 1  # only a new article is asked for its tags
    stored = library.articles.get(added.article_id)
    assert sorted((t.name, t.origin) for t in stored.tags) == [("EV", "rule"), ("Earnings and markets", "rule")]
    assert [h.header.id for h in library.search.run('tag:"Earnings and markets"').hits] == [added.article_id]
    assert [h.header.id for h in library.search.run("earnings").hits] == [added.article_id]
    assert library.search.check() == []
    assert library.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_new_article_that_cannot_be_stored_leaves_no_tags_behind(library, feed):
    library.articles.store(feed.id, article(guid="g1"), rule_tags=lambda: ["EV"])

    def failing_tags() -> list[str]:
        # The article's tags go in first; then the article row fails (its source is gone).
        library.conn.execute("DELETE FROM sources WHERE id = ?", (feed.id,))
        return ["EV", "Chips"]

    with pytest.raises(LibraryError, match="FOREIGN KEY"):
        with library.write():
            library.articles.store(feed.id, article(guid="g2", title="Second"), rule_tags=failing_tags)

    assert not library.conn.in_transaction
    assert [(t.name, t.count) for t in library.tags.list()] == [("EV", 1)]
    assert library.articles.count() == 1
    assert library.search.check() == []
