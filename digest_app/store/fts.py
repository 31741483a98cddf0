"""The full-text index: its schema, the triggers that keep it in step, repair and checks.

    >>> fts.problems(lib.conn)       # [] when the index agrees with the articles
    >>> with lib.write() as conn:
    ...     fts.rebuild(conn)        # re-index everything from the articles

``search_index`` is an FTS5 table over seven columns:

========== ======================================================================
body       the article text
title      the article title
summary    the stored extractive summary (the JSON list joined into lines)
tags       the article's tag names
source     the source's title
cjk_head   Chinese/Japanese bigrams and characters of title, tags and source
cjk_body   the same for summary and text (see :mod:`digest_app.store.cjk_terms`)
========== ======================================================================

The body comes first because FTS5 spends two extra bytes on every word's
entry outside column 0; the body holds most entries, and this order keeps the
index a quarter smaller.

It is an *external-content* table reading the view ``search_docs``: the index
holds only the inverted lists, and text for snippets is read back from
``articles``, so bodies are not stored twice (articles keep their text packed,
see :mod:`digest_app.store.packing`; the view unpacks it with ``article_text()``).
Tag names and the source title are copied into ``search_meta``, because an external-content index must be told
exactly which text it indexed when a row is taken out, and by the time a
trigger on ``article_tags`` or ``sources`` runs, the old names are gone.
``search_meta`` also copies the date, source, language and flags the search
filters test, with indexes for listing by date, source, unread and starred:
its rows are some 60 bytes where an article's take a page or more, so all of
it stays in the page cache (testing ``is_starred`` on 27,000 matches at 100,000
articles: 9 ms here, 80 ms in ``articles``).

Triggers on ``articles``, ``article_tags``, ``tags`` (rename) and ``sources``
(rename) update the index in the same transaction as the change, so it never
lags behind: storing, updating, summarizing, tagging, renaming and deleting all
keep it in step whichever code path (or process) writes. Every connection must
register :func:`register_functions` first; :meth:`Library.open` does.

:data:`SCHEMA_V2` is what migration 2 created. Like a shipped migration it must
never change; a new index layout needs a new migration.
"""

from __future__ import annotations

import functools
import json
import sqlite3

from digest_app.store.cjk_terms import index_terms
from digest_app.store.packing import unpack
from digest_app.store.space import release_free_pages

#: Index columns, in order (column numbers matter to ``highlight()`` and ``bm25()``).
COLUMNS = ("body", "title", "summary", "tags", "source", "cjk_head", "cjk_body")

#: How the index cuts text into terms: words folded to lower case without
#: accents, reduced to their Porter stems (snippets.py marks words the same way).
TOKENIZER = "porter unicode61 remove_diacritics 2"

_META = "article_id, sort_date, source_id, language, is_read, is_starred, tags, source"

SCHEMA_V2 = f"""
CREATE TABLE search_meta (
    article_id INTEGER PRIMARY KEY,
    sort_date TEXT,
    source_id INTEGER,
    language TEXT,
    is_read INTEGER NOT NULL DEFAULT 0,
    is_starred INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    source TEXT NOT NULL DEFAULT ''
);
CREATE INDEX search_meta_date ON search_meta (sort_date);
CREATE INDEX search_meta_source ON search_meta (source_id, sort_date);
CREATE INDEX search_meta_unread ON search_meta (sort_date) WHERE is_read = 0;
CREATE INDEX search_meta_starred ON search_meta (sort_date) WHERE is_starred = 1;

CREATE VIEW search_facts AS
SELECT a.id AS article_id, a.sort_date AS sort_date, a.source_id AS source_id,
       a.language AS language, a.is_read AS is_read, a.is_starred AS is_starred,
       COALESCE((SELECT group_concat(name, ', ') FROM (
                    SELECT t.name AS name FROM article_tags at JOIN tags t ON t.id = at.tag_id
                    WHERE at.article_id = a.id ORDER BY t.name COLLATE NOCASE, t.id)), '') AS tags,
       COALESCE((SELECT s.title FROM sources s WHERE s.id = a.source_id), '') AS source
FROM articles a;

CREATE VIEW search_docs AS
SELECT a.id AS article_id,
       a.title AS title,
       search_summary_text(a.summary) AS summary,
       article_text(a.text) AS body,
       m.tags AS tags,
       m.source AS source,
       search_cjk_terms(a.title || ' ' || m.tags || ' ' || m.source) AS cjk_head,
       search_cjk_terms(search_summary_text(a.summary) || ' ' || article_text(a.text)) AS cjk_body
FROM articles a JOIN search_meta m ON m.article_id = a.id;

CREATE VIRTUAL TABLE search_index USING fts5(
    body, title, summary, tags, source, cjk_head, cjk_body,
    content = 'search_docs',
    content_rowid = 'article_id',
    tokenize = '{TOKENIZER}'
);

CREATE TRIGGER search_article_added AFTER INSERT ON articles BEGIN
    INSERT INTO search_meta (article_id, sort_date, source_id, language, is_read, is_starred, tags, source)
        SELECT article_id, sort_date, source_id, language, is_read, is_starred, tags, source
        FROM search_facts WHERE article_id = new.id;
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = new.id;
END;

CREATE TRIGGER search_article_removed BEFORE DELETE ON articles BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = old.id;
    DELETE FROM search_meta WHERE article_id = old.id;
END;

CREATE TRIGGER search_article_changed AFTER UPDATE OF id, title, text, summary, source_id ON articles
WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.text IS NOT new.text
     OR old.summary IS NOT new.summary OR old.source_id IS NOT new.source_id
BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', old.id, article_text(old.text), old.title, search_summary_text(old.summary),
               m.tags, m.source,
               search_cjk_terms(old.title || ' ' || m.tags || ' ' || m.source),
               search_cjk_terms(search_summary_text(old.summary) || ' ' || article_text(old.text))
        FROM search_meta m WHERE m.article_id = old.id;
    UPDATE search_meta SET (article_id, sort_date, source_id, language, is_read, is_starred, source) =
           (SELECT article_id, sort_date, source_id, language, is_read, is_starred, source
            FROM search_facts WHERE article_id = new.id)
        WHERE article_id = old.id;
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = new.id;
END;

CREATE TRIGGER search_article_facts
AFTER UPDATE OF published, fetched, source_id, language, is_read, is_starred ON articles BEGIN
    UPDATE search_meta SET sort_date = new.sort_date, source_id = new.source_id,
           language = new.language, is_read = new.is_read, is_starred = new.is_starred
        WHERE article_id = new.id;
END;

CREATE TRIGGER search_tag_added AFTER INSERT ON article_tags BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = new.article_id;
    UPDATE search_meta SET tags = (SELECT tags FROM search_facts WHERE article_id = new.article_id)
        WHERE article_id = new.article_id;
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = new.article_id;
END;

-- Also fires for the rows a deleted article or tag takes with it (ON DELETE
-- CASCADE); for a deleted article its row is already gone and nothing happens.
CREATE TRIGGER search_tag_removed AFTER DELETE ON article_tags BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = old.article_id;
    UPDATE search_meta SET tags = (SELECT tags FROM search_facts WHERE article_id = old.article_id)
        WHERE article_id = old.article_id;
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id = old.article_id;
END;

CREATE TRIGGER search_tag_moved AFTER UPDATE OF article_id, tag_id ON article_tags BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id IN (old.article_id, new.article_id);
    UPDATE search_meta SET tags = (SELECT l.tags FROM search_facts l
                                   WHERE l.article_id = search_meta.article_id)
        WHERE article_id IN (old.article_id, new.article_id);
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id IN (old.article_id, new.article_id);
END;

CREATE TRIGGER search_tag_renamed AFTER UPDATE OF name ON tags
WHEN old.name IS NOT new.name COLLATE BINARY
BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs
        WHERE article_id IN (SELECT article_id FROM article_tags WHERE tag_id = new.id);
    UPDATE search_meta SET tags = (SELECT l.tags FROM search_facts l
                                   WHERE l.article_id = search_meta.article_id)
        WHERE article_id IN (SELECT article_id FROM article_tags WHERE tag_id = new.id);
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs
        WHERE article_id IN (SELECT article_id FROM article_tags WHERE tag_id = new.id);
END;

CREATE TRIGGER search_source_renamed AFTER UPDATE OF title ON sources
WHEN old.title IS NOT new.title
BEGIN
    INSERT INTO search_index (search_index, rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT 'delete', article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id IN (SELECT id FROM articles WHERE source_id = new.id);
    UPDATE search_meta SET source = new.title
        WHERE article_id IN (SELECT id FROM articles WHERE source_id = new.id);
    INSERT INTO search_index (rowid, body, title, summary, tags, source, cjk_head, cjk_body)
        SELECT article_id, body, title, summary, tags, source, cjk_head, cjk_body
        FROM search_docs WHERE article_id IN (SELECT id FROM articles WHERE source_id = new.id);
END;
"""


def register_functions(conn: sqlite3.Connection) -> None:
    """Define the SQL functions the index's view and triggers call, on *conn*.

    A connection without them cannot write articles (SQLite reports "no such
    function"), which keeps outside tools from silently desynchronising the index.
    """
    conn.create_function("search_cjk_terms", 1, index_terms, deterministic=True)
    conn.create_function("article_text", 1, unpack, deterministic=True)
    conn.create_function("search_summary_text", 1, summary_text, deterministic=True)


@functools.lru_cache(maxsize=64)
def summary_text(stored: str | None) -> str:
    """The stored summary (a JSON list of sentences) as indexed text, one sentence a line.

    (A Python function rather than SQL's ``json_each``: FTS5 cannot read an
    external-content view that calls a table-valued function. Cached, because
    reading one article's index text parses its summary twice.)
    """
    if not stored:
        return ""
    try:
        sentences = json.loads(stored)
    except ValueError:
        return ""
    if not isinstance(sentences, list):
        return ""
    return "\n".join(s for s in sentences if isinstance(s, str))


def rebuild(conn: sqlite3.Connection) -> None:
    """Re-index every article from scratch, then merge the index into one segment.

    Call inside a write transaction. Takes about as long as indexing the
    library the first time (see ``docs/benchmarks-search.md``).
    """
    conn.execute("DELETE FROM search_meta")
    conn.execute(f"INSERT INTO search_meta ({_META}) SELECT {_META} FROM search_facts")
    conn.execute("INSERT INTO search_index (search_index) VALUES ('rebuild')")
    optimize(conn)


def optimize(conn: sqlite3.Connection) -> None:
    """Merge the index's segments so queries read one list per term (after big
    imports), and give the pages the old segments held back to the disk."""
    conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')")
    release_free_pages(conn)


def problems(conn: sqlite3.Connection) -> list[str]:
    """What is wrong with the index, in words; empty when it agrees with the articles.

    Runs FTS5's integrity check against the articles' current text, and checks
    that every article is indexed once with its current tags and source name.
    Reads the whole library: seconds for a large one.
    """
    found: list[str] = []
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    indexed = conn.execute("SELECT count(*) FROM search_index_docsize").fetchone()[0]
    labelled = conn.execute("SELECT count(*) FROM search_meta").fetchone()[0]
    if indexed != articles or labelled != articles:
        found.append(
            f"the search index holds {indexed} articles ({labelled} with labels) "
            f"but the library has {articles}"
        )
    stale = conn.execute(
        f"SELECT count(*) FROM (SELECT {_META} FROM search_meta"
        f" EXCEPT SELECT {_META} FROM search_facts)"
    ).fetchone()[0]
    if stale:
        found.append(f"{stale} articles are indexed with outdated tags, source, date or flags")
    try:
        conn.execute("INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
    except sqlite3.DatabaseError:
        found.append("the full-text index does not match the text of the stored articles")
    return found
