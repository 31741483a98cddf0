"""Sources: the feeds, pages and local files articles come from.

    >>> source = lib.sources.add("feed", "https://example.com/feed.xml", title="Example")
    >>> [s.title for s in lib.sources.list()]
    ['Example']
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from digest_app.errors import NotFoundError
from digest_app.records import Source, SourceKind
from digest_app.timestamps import from_db, to_db, utc_now

if TYPE_CHECKING:
    from datetime import datetime

    from digest_app.store.library import Library

#: The one source that holds articles imported from text, Markdown and HTML files.
LOCAL_FILES_URL = "local:files"
LOCAL_FILES_TITLE = "Local files"

# Linked duplicates are not counted: listings leave them out too. One grouped
# pass over the (source_id, is_read) index counts every source at once.
_COUNTS = """
    SELECT a.source_id, COUNT(*) AS article_count, SUM(a.is_read = 0) AS unread_count
    FROM articles a
    WHERE {where} NOT EXISTS (SELECT 1 FROM duplicate_links d WHERE d.article_id = a.id)
    GROUP BY a.source_id
"""
_SELECT_ALL = f"""
    SELECT s.*, COALESCE(c.article_count, 0) AS article_count,
           COALESCE(c.unread_count, 0) AS unread_count
    FROM sources s LEFT JOIN ({_COUNTS.format(where="")}) c ON c.source_id = s.id
"""
_SELECT_ONE = f"""
    SELECT s.*, COALESCE(c.article_count, 0) AS article_count,
           COALESCE(c.unread_count, 0) AS unread_count
    FROM sources s LEFT JOIN ({_COUNTS.format(where="a.source_id = :id AND")}) c
         ON c.source_id = s.id
    WHERE s.id = :id
"""


class SourceStore:
    """Add, find, list and update sources. Reached as ``lib.sources``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def add(
        self,
        kind: SourceKind,
        url: str,
        *,
        title: str = "",
        site_url: str | None = None,
        topic_filter: bool = False,
    ) -> tuple[Source, bool]:
        """The source with *url*, created if new. Returns ``(source, created)``.

        An existing source keeps its settings; a missing title is filled in.
        """
        with self._lib.write() as conn:
            row = conn.execute("SELECT id, title FROM sources WHERE url = ?", (url,)).fetchone()
            if row is not None:
                if title and not row["title"]:
                    conn.execute("UPDATE sources SET title = ? WHERE id = ?", (title, row["id"]))
                return self.get(row["id"]), False
            cur = conn.execute(
                "INSERT INTO sources (kind, url, title, site_url, topic_filter, created)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (kind, url, title, site_url, int(topic_filter), to_db(utc_now())),
            )
            return self.get(cur.lastrowid), True

    def local_files(self) -> Source:
        """The source that collects imported documents (created on first use)."""
        source, _ = self.add("file", LOCAL_FILES_URL, title=LOCAL_FILES_TITLE)
        return source

    def get(self, source_id: int) -> Source:
        rows = self._lib.query(_SELECT_ONE, {"id": source_id})
        if not rows:
            raise NotFoundError(f"no source with ID {source_id}")
        return _source(rows[0])

    def find(self, url: str) -> Source | None:
        rows = self._lib.query("SELECT id FROM sources WHERE url = ?", (url,))
        return self.get(rows[0]["id"]) if rows else None

    def list(self) -> list[Source]:
        """All sources with their article and unread counts, by title."""
        return [
            _source(r)
            for r in self._lib.query(_SELECT_ALL + " ORDER BY s.title COLLATE NOCASE, s.id")
        ]

    def update(self, source_id: int, **fields: object) -> Source:
        """Change a source's title, site URL or topic filter."""
        allowed = {"title", "site_url", "topic_filter", "url"}
        unknown = set(fields) - allowed
        if unknown:
            raise ValueError(f"cannot update source fields: {', '.join(sorted(unknown))}")
        self.get(source_id)
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            values = [int(v) if isinstance(v, bool) else v for v in fields.values()]
            with self._lib.write() as conn:
                conn.execute(f"UPDATE sources SET {assignments} WHERE id = ?", (*values, source_id))
        return self.get(source_id)

    def record_fetch(
        self,
        source_id: int,
        *,
        status: int | None,
        error: str | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        fetched: "datetime | None" = None,
        retry_after: "datetime | None" = None,
    ) -> None:
        """Remember how the last fetch of a source went (for conditional GET and badges).

        *retry_after* is when the server allows the next fetch (it asked us to wait);
        any other outcome clears it.
        """
        with self._lib.write() as conn:
            conn.execute(
                """UPDATE sources SET last_status = ?, last_error = ?, last_fetched = ?,
                       error_count = CASE WHEN ? IS NULL THEN 0 ELSE error_count + 1 END,
                       etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),
                       retry_after = ?
                   WHERE id = ?""",
                (status, error, to_db(fetched or utc_now()), error, etag, last_modified,
                 to_db(retry_after), source_id),
            )

    def remove(self, source_id: int) -> int:
        """Delete a source and its articles. Returns how many articles went with it."""
        source = self.get(source_id)
        with self._lib.write() as conn:
            conn.execute("DELETE FROM sources WHERE id = ?", (source_id,))
        return source.article_count


def _source(row: sqlite3.Row) -> Source:
    return Source(
        id=row["id"],
        kind=row["kind"],
        url=row["url"],
        title=row["title"] or row["url"],
        site_url=row["site_url"],
        topic_filter=bool(row["topic_filter"]),
        etag=row["etag"],
        last_modified=row["last_modified"],
        last_fetched=from_db(row["last_fetched"]),
        last_status=row["last_status"],
        last_error=row["last_error"],
        error_count=row["error_count"],
        article_count=row["article_count"],
        unread_count=row["unread_count"],
        retry_after=from_db(row["retry_after"]),
    )
