"""Versioned schema: ordered migrations, run when a library is opened.

``PRAGMA user_version`` holds the number of the last migration applied. Opening
a library applies the missing ones in order, all in one transaction (a failure
leaves the library as it was); before upgrading a library that already holds
data, a private backup copy is written beside it (``library.db.v3.bak``) with
SQLite's online backup API. A library whose version is above :data:`LATEST` was
written by a newer Digest and is refused untouched.

To change the schema, append a function to :data:`MIGRATIONS`; never edit one
that has shipped. Document the result in ``docs/architecture.md``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from digest_app.errors import LibraryTooNewError, MigrationError
from digest_app.store import fts


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Execute SQL statements one by one inside the caller's transaction.

    ``executescript`` would commit the open transaction first, which would make
    a failed migration leave a half-upgraded library.
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement in migration: {statement.strip()[:60]}")


def _v1_foundation(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE sources (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('feed', 'page', 'file')),
            url TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            site_url TEXT,
            topic_filter INTEGER NOT NULL DEFAULT 0,
            etag TEXT,
            last_modified TEXT,
            last_fetched TEXT,
            last_status INTEGER,
            last_error TEXT,
            error_count INTEGER NOT NULL DEFAULT 0,
            created TEXT NOT NULL
        );

        -- Small columns first and bulky ones last: listings and filters read only
        -- the first page of each row, never the overflow pages of long texts.
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            source_id INTEGER REFERENCES sources(id) ON DELETE CASCADE,
            is_read INTEGER NOT NULL DEFAULT 0,
            is_starred INTEGER NOT NULL DEFAULT 0,
            published TEXT,
            fetched TEXT NOT NULL,
            sort_date TEXT GENERATED ALWAYS AS (COALESCE(published, fetched)) VIRTUAL,
            word_count INTEGER NOT NULL DEFAULT 0,
            relevance REAL,
            language TEXT,
            content_hash TEXT NOT NULL,
            image_id TEXT,
            summary_method TEXT,
            title TEXT NOT NULL,
            guid TEXT,
            url TEXT,
            canonical_url TEXT,
            full_text_url TEXT,
            image_url TEXT,
            author TEXT,
            keywords TEXT,
            summary TEXT,
            feed_summary TEXT,
            -- Plain text, packed (zlib; see store/packing.py; SQL reads it
            -- through article_text()).
            text BLOB NOT NULL,
            -- Sanitized HTML, packed with the plain text as preset dictionary:
            -- read only to display one article.
            content_html BLOB NOT NULL DEFAULT x''
        );
        CREATE UNIQUE INDEX articles_source_guid ON articles(source_id, guid)
            WHERE guid IS NOT NULL;
        CREATE INDEX articles_canonical_url ON articles(canonical_url);
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_sort_date ON articles(sort_date);
        CREATE INDEX articles_source_date ON articles(source_id, sort_date);
        CREATE INDEX articles_source_read ON articles(source_id, is_read);
        CREATE INDEX articles_unread ON articles(is_read, sort_date);
        CREATE INDEX articles_starred ON articles(is_starred) WHERE is_starred = 1;

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            color TEXT
        );

        CREATE TABLE article_tags (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            origin TEXT NOT NULL DEFAULT 'user' CHECK (origin IN ('user', 'rule')),
            created TEXT NOT NULL,
            PRIMARY KEY (article_id, tag_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

        CREATE TABLE saved_searches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            query TEXT NOT NULL,
            created TEXT NOT NULL
        );

        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );

        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            created TEXT NOT NULL,
            options TEXT NOT NULL,
            content TEXT NOT NULL
        );
        """
    )


def _v2_search_index(conn: sqlite3.Connection) -> None:
    """Full-text search: the FTS5 index, its triggers, and every stored article indexed."""
    run_script(conn, fts.SCHEMA_V2)
    fts.rebuild(conn)


def _v3_collection(conn: sqlite3.Connection) -> None:
    """Collecting from the web: fetch schedule, relevance, full text, lead images, duplicates.

    - ``sources.retry_after``: a rate-limited source is not fetched again before this time.
    - (``articles.relevance``, ``full_text_url`` and ``image_id``, which this step fills,
      are in the foundation table so that they sit before the long texts.)
    - ``images``: cached lead images (bytes in files beside the library, see store/images.py).
    - ``article_anchors``: near-duplicate anchors (collect/neardup.py), filled in here for
      the articles already stored.
    - ``duplicate_links``: an article that repeats another (the copy kept); when the kept
      copy is deleted, its oldest duplicate is kept instead.
    """
    run_script(
        conn,
        """
        ALTER TABLE sources ADD COLUMN retry_after TEXT;
        -- Cross-source identity: the same guid or address in another source.
        CREATE INDEX articles_guid ON articles(guid) WHERE guid IS NOT NULL;

        CREATE TABLE images (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            mime TEXT NOT NULL,
            size INTEGER NOT NULL,
            fetched TEXT NOT NULL
        );

        CREATE TABLE article_anchors (
            anchor INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            PRIMARY KEY (anchor, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_anchors_article ON article_anchors(article_id);

        CREATE TABLE duplicate_links (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            kept_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            reason TEXT NOT NULL CHECK (reason IN ('guid', 'url', 'text')),
            linked TEXT NOT NULL,
            CHECK (article_id != kept_id)
        );
        CREATE INDEX duplicate_links_kept ON duplicate_links(kept_id);

        -- Deleting the kept copy keeps its oldest duplicate instead: the others are
        -- linked to that one first, then its own link goes (leaving it visible).
        CREATE TRIGGER duplicate_keeper_removed BEFORE DELETE ON articles
        WHEN EXISTS (SELECT 1 FROM duplicate_links WHERE kept_id = old.id)
        BEGIN
            UPDATE duplicate_links
               SET kept_id = (SELECT min(article_id) FROM duplicate_links WHERE kept_id = old.id)
             WHERE kept_id = old.id
               AND article_id > (SELECT min(article_id) FROM duplicate_links WHERE kept_id = old.id);
            DELETE FROM duplicate_links WHERE kept_id = old.id;
        END;
        """,
    )
    from digest_app.store.duplicates import index_all_anchors

    index_all_anchors(conn)


Migration = Callable[[sqlite3.Connection], None]

#: Migration *i* (1-based) brings a library from version i-1 to version i.
MIGRATIONS: list[Migration] = [_v1_foundation, _v2_search_index, _v3_collection]


def latest_version() -> int:
    return len(MIGRATIONS)


def refuse_if_too_new(version: int, path: Path) -> None:
    if version > latest_version():
        raise LibraryTooNewError(
            f"{path}: this library was written by a newer version of Digest "
            f"(schema {version}; this version reads up to {latest_version()}). "
            "Update Digest to open it; the file was left untouched."
        )


def upgrade(conn: sqlite3.Connection, path: Path, target: int | None = None) -> int:
    """Apply the missing migrations up to *target* (default: all). Returns the new version."""
    target = latest_version() if target is None else target
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    refuse_if_too_new(version, path)
    if version >= target:
        return version
    if version > 0:
        backup_before_upgrade(conn, path, version)
    # All the steps in one transaction: a failure at any of them leaves the library
    # exactly as it was, never half-way between two versions.
    conn.execute("BEGIN IMMEDIATE")
    number = version
    try:
        for number in range(version + 1, target + 1):
            MIGRATIONS[number - 1](conn)
            conn.execute(f"PRAGMA user_version = {number}")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if not isinstance(exc, (sqlite3.Error, ValueError)):
            raise
        raise MigrationError(
            f"{path}: upgrading the library to schema {number} failed ({exc}); "
            f"the library is unchanged at schema {version}"
        ) from exc
    return target


def backup_before_upgrade(conn: sqlite3.Connection, path: Path, version: int) -> Path:
    """Copy the library beside itself before its schema changes."""
    backup_path = path.with_name(f"{path.name}.v{version}.bak")
    try:
        # Private from its first byte, like the library it copies.
        os.close(os.open(backup_path, os.O_WRONLY | os.O_CREAT, 0o600))
        backup_path.chmod(0o600)
        target = sqlite3.connect(backup_path)
        with target:
            conn.backup(target)
        target.close()
    except (sqlite3.Error, OSError) as exc:
        raise MigrationError(
            f"{path}: could not write a backup before upgrading ({exc}); "
            "the library was not changed"
        ) from exc
    return backup_path
