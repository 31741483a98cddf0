"""The search index stays in step with the library through every kind of change."""

from __future__ import annotations

import random
import sqlite3

import pytest

from digest_app.records import ParsedArticle
from digest_app.store import Library, fts, migrations
from digest_app.store.articles import ComputedSummary


def ids(lib: Library, query: str) -> set[int]:
    return {h.header.id for h in lib.search.run(query, limit=1000).hits}


@pytest.fixture
def feed(library):
    source, _ = library.sources.add("feed", "https://feed.example/rss", title="Alpha Wire")
    return source


def store(lib, source, key, title, text):
    return lib.articles.store(source.id, ParsedArticle(title=title, text=text, guid=key)).article_id


def test_storing_updating_and_reimporting(library, feed):
    a = store(library, feed, "1", "Xiaomi opens store", "Queues formed early. 雷军到场。")
    assert library.search.check() == []
    assert ids(library, "queues") == ids(library, "雷军") == {a}

    assert store(library, feed, "1", "Xiaomi opens store", "Queues formed early. 雷军到场。") == a
    store(library, feed, "1", "Xiaomi opens flagship", "Crowds waited. 小米之家开业。")
    assert library.search.check() == []
    assert ids(library, "queues") == ids(library, "雷军") == set()
    assert ids(library, "crowds flagship") == ids(library, "小米之家") == {a}


def test_summaries_tags_and_renames(library, feed):
    a = store(library, feed, "1", "Results", "Profit rose sharply in the quarter.")
    b = store(library, feed, "2", "Phones", "A new handset went on sale.")

    library.articles.set_summaries([ComputedSummary(a, ("Profit rose sharply.",), (), "m")])
    library.tags.add([a, b], ["Earnings", "EV"], origin="rule")
    library.tags.remove([b], ["EV"])
    assert library.search.check() == []
    assert ids(library, "earnings") == {a, b} and ids(library, "ev") == {a}

    library.tags.rename("Earnings", "Quarterly figures")
    library.tags.rename("EV", "ev")
    assert library.search.check() == []
    assert ids(library, "earnings") == set() and ids(library, '"quarterly figures"') == {a, b}

    library.tags.merge(["ev"], into="Quarterly figures")
    library.tags.delete("Quarterly figures")
    assert library.search.check() == []
    assert ids(library, "quarterly") == set()

    library.sources.update(feed.id, title="Beta Journal")
    assert library.search.check() == []
    assert ids(library, "alpha") == set() and ids(library, "beta journal") == {a, b}


def test_deleting_articles_and_sources(library, feed):
    other, _ = library.sources.add("feed", "https://other.example/rss", title="Other")
    a = store(library, feed, "1", "Keep me", "Shared word here.")
    b = store(library, feed, "2", "Delete me", "Shared word there.")
    c = store(library, other, "3", "Goes with its source", "Shared word everywhere.")
    library.tags.add([a, b, c], ["Kept"])

    library.articles.delete([b])
    assert library.search.check() == []
    library.sources.remove(other.id)
    assert library.search.check() == []
    assert ids(library, "shared") == ids(library, "tag:Kept") == {a}

    # A new article may reuse a deleted ID; it must not inherit anything.
    d = store(library, feed, "4", "Fresh", "Nothing in common.")
    assert ids(library, "fresh") == {d} and ids(library, "shared") == {a}
    assert library.search.check() == []


def test_a_rolled_back_write_leaves_no_trace_in_the_index(library, feed):
    with pytest.raises(RuntimeError):
        with library.write():
            store(library, feed, "1", "Ghost", "Never committed.")
            raise RuntimeError("abort")
    assert library.search.check() == []
    assert ids(library, "ghost") == set()


def test_random_changes_agree_with_a_model(library, feed):
    """Many mixed changes; afterwards the index answers like a plain scan."""
    rng = random.Random(5)
    words = ["alpha", "bravo", "charlie", "delta", "小米", "雷军", "汽车"]
    tags = ["Red", "Green", "Blue"]
    live: set[int] = set()
    for step in range(150):
        action = rng.random()
        if action < 0.4 or not live:
            text = " ".join(rng.choice(words) for _ in range(5))
            live.add(store(library, feed, str(rng.randrange(40)), rng.choice(words), text))
        elif action < 0.6:
            library.tags.add([rng.choice(sorted(live))], [rng.choice(tags)])
        elif action < 0.7:
            library.tags.remove([rng.choice(sorted(live))], [rng.choice(tags)])
        elif action < 0.8:
            victim = rng.choice(sorted(live))
            library.articles.delete([victim])
            live.discard(victim)
        elif action < 0.9:
            library.articles.set_summaries(
                [ComputedSummary(rng.choice(sorted(live)), (rng.choice(words),), (), "m")]
            )
        else:
            library.sources.update(feed.id, title=f"Source {step}")
    assert library.search.check() == []
    for word in words:
        expected = {
            r["id"]
            for r in library.query(
                "SELECT id FROM articles WHERE title LIKE ? OR article_text(text) LIKE ? OR summary LIKE ?",
                (f"%{word}%",) * 3,
            )
        }
        assert ids(library, word) == expected, word
    for tag in tags:
        expected = {
            r[0] for r in library.query(
                "SELECT article_id FROM article_tags JOIN tags ON tags.id = tag_id WHERE name = ?", (tag,)
            )
        }
        assert ids(library, f"tag:{tag}") == expected


def test_upgrading_a_library_indexes_what_it_holds(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrations.upgrade(conn, path, target=1)
    conn.execute(
        "INSERT INTO sources (id, kind, url, title, created) VALUES (1, 'feed', 'u', 'Old Feed', 'x')"
    )
    conn.execute(
        """INSERT INTO articles (source_id, title, text, fetched, content_hash, summary)
           VALUES (1, 'Legacy story', '小米 stored before search existed.', '2020-01-01T00:00:00Z',
                   'h', '["stored before"]')"""
    )
    conn.execute("INSERT INTO tags (id, name) VALUES (1, 'Archive')")
    conn.execute("INSERT INTO article_tags VALUES (1, 1, 'user', 'x')")
    conn.close()

    with Library.open(path) as lib:
        assert lib.schema_version == migrations.latest_version()
        assert ids(lib, "legacy") == ids(lib, "小米") == ids(lib, "archive old feed") == {1}
        assert lib.search.check() == []
    assert (tmp_path / "old.db.v1.bak").exists()


def test_check_finds_tampering_and_rebuild_repairs_it(library, feed):
    a = store(library, feed, "1", "Tampered", "Some text.")
    b = store(library, feed, "2", "Dropped", "Other text.")
    library.tags.add([a], ["Real"])
    outside = sqlite3.connect(library.path, isolation_level=None)
    fts.register_functions(outside)
    outside.execute("UPDATE search_meta SET tags = 'Fake' WHERE article_id = ?", (a,))
    outside.execute(
        """INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source,
                                     cjk_head, cjk_body)
           SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
           FROM search_docs WHERE article_id = ?""",
        (b,),
    )
    outside.close()

    problems = library.search.check()
    assert any("holds 1 articles" in p for p in problems)
    assert any("outdated tag" in p for p in problems)
    assert any("does not match" in p for p in problems)

    library.search.rebuild()
    assert library.search.check() == []
    assert ids(library, "tag:Real real") == {a} and ids(library, "dropped") == {b}


def test_writers_without_the_index_functions_are_refused(library, feed):
    outside = sqlite3.connect(library.path, isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="search_cjk_terms|search_summary_text|article_text"):
        outside.execute(
            "INSERT INTO articles (source_id, title, text, fetched, content_hash)"
            " VALUES (?, 'x', 'y', 'z', 'h')",
            (feed.id,),
        )
    outside.close()
    assert library.search.check() == []
