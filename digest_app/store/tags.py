"""Tags: user and rule tags on articles, with counts and colours.

    >>> lib.tags.add([article_id], ["EV", "Earnings"])             # origin "user"
    >>> lib.tags.add([article_id], ["Smartphones"], origin="rule")
    >>> [(t.name, t.count) for t in lib.tags.list()]

Names are case-insensitive ("ev" and "EV" are one tag; the first spelling stays).
A user's tag is never downgraded to a rule tag when a rule later agrees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from digest_app.errors import InputError, NotFoundError
from digest_app.records import Tag, TagOrigin
from digest_app.timestamps import to_db, utc_now

if TYPE_CHECKING:
    from digest_app.store.library import Library

MAX_TAG_LENGTH = 64


def clean_tag_name(name: str) -> str:
    """A tag name as stored: trimmed, inner whitespace collapsed, not empty."""
    cleaned = " ".join(name.split())
    if not cleaned:
        raise InputError("a tag name cannot be empty")
    if len(cleaned) > MAX_TAG_LENGTH:
        raise InputError(f"tag name too long (over {MAX_TAG_LENGTH} characters): {cleaned[:20]}...")
    return cleaned


class TagStore:
    """Tags of one library. Reached as ``lib.tags``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def add(
        self, article_ids: Sequence[int], names: Iterable[str], origin: TagOrigin = "user"
    ) -> int:
        """Put tags on articles. Returns how many (article, tag) pairs are new."""
        names = [clean_tag_name(n) for n in names]
        added = 0
        with self._lib.write() as conn:
            for article_id in article_ids:
                if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                    raise NotFoundError(f"no article with ID {article_id}")
            now = to_db(utc_now())
            for name in names:
                tag_id = self._ensure(conn, name)
                for article_id in article_ids:
                    added += self._put(conn, article_id, tag_id, origin, now)
        return added

    def add_before_article(self, article_id: int, names: Iterable[str], origin: TagOrigin = "rule") -> int:
        """Put tags on the article about to be added as *article_id*, in the transaction
        that adds it, with foreign keys deferred (see :meth:`ArticleStore.store`).
        Returns how many tags it gets."""
        with self._lib.write() as conn:
            now = to_db(utc_now())
            return sum(self._put(conn, article_id, self._ensure(conn, clean_tag_name(n)), origin, now) for n in names)

    @staticmethod
    def _put(conn: sqlite3.Connection, article_id: int, tag_id: int, origin: TagOrigin, now: str) -> int:
        """Put one tag on one article; 1 if it was not there. A user's tag is never downgraded."""
        cur = conn.execute(
            "INSERT OR IGNORE INTO article_tags (article_id, tag_id, origin, created) VALUES (?, ?, ?, ?)",
            (article_id, tag_id, origin, now),
        )
        if cur.rowcount == 0 and origin == "user":
            conn.execute(
                "UPDATE article_tags SET origin = 'user' WHERE article_id = ? AND tag_id = ?", (article_id, tag_id)
            )
        return cur.rowcount

    def remove(self, article_ids: Sequence[int], names: Iterable[str]) -> int:
        """Take tags off articles. Returns how many (article, tag) pairs were removed."""
        removed = 0
        with self._lib.write() as conn:
            for name in names:
                for article_id in article_ids:
                    removed += conn.execute(
                        """DELETE FROM article_tags WHERE article_id = ? AND tag_id =
                           (SELECT id FROM tags WHERE name = ?)""",
                        (article_id, clean_tag_name(name)),
                    ).rowcount
        return removed

    def list(self) -> list[Tag]:
        """Every tag with the number of articles carrying it, by name."""
        return [
            Tag(id=r["id"], name=r["name"], color=r["color"], count=r["n"])
            for r in self._lib.query(
                """SELECT t.id, t.name, t.color, COUNT(at.article_id) AS n FROM tags t
                   LEFT JOIN article_tags at ON at.tag_id = t.id
                   GROUP BY t.id ORDER BY t.name COLLATE NOCASE"""
            )
        ]

    def get(self, name: str) -> Tag:
        for tag in self.list():
            if tag.name.casefold() == name.strip().casefold():
                return tag
        raise NotFoundError(f"no tag named {name!r}")

    def rename(self, old: str, new: str) -> Tag:
        """Rename a tag; renaming onto an existing tag merges the two."""
        source = self.get(old)
        new = clean_tag_name(new)
        with self._lib.write() as conn:
            target = conn.execute("SELECT id FROM tags WHERE name = ?", (new,)).fetchone()
            if target is None or target["id"] == source.id:
                conn.execute("UPDATE tags SET name = ? WHERE id = ?", (new, source.id))
            else:
                self._merge(conn, source.id, target["id"])
        return self.get(new)

    def merge(self, names: Iterable[str], into: str) -> Tag:
        """Fold several tags into one; articles keep every tag they had, once."""
        for name in names:
            if name.casefold() != into.casefold():
                self.rename(name, into)
        return self.get(into)

    def set_color(self, name: str, color: str | None) -> Tag:
        tag = self.get(name)
        with self._lib.write() as conn:
            conn.execute("UPDATE tags SET color = ? WHERE id = ?", (color, tag.id))
        return self.get(tag.name)

    def delete(self, name: str) -> int:
        """Delete a tag from every article. Returns how many articles carried it."""
        tag = self.get(name)
        with self._lib.write() as conn:
            conn.execute("DELETE FROM tags WHERE id = ?", (tag.id,))
        return tag.count

    @staticmethod
    def _ensure(conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()
        if row is not None:
            return row["id"]
        return conn.execute("INSERT INTO tags (name) VALUES (?)", (name,)).lastrowid

    @staticmethod
    def _merge(conn: sqlite3.Connection, source_id: int, target_id: int) -> None:
        # A user origin on either side wins, so a merge never demotes a user's tag.
        conn.execute(
            """INSERT INTO article_tags (article_id, tag_id, origin, created)
               SELECT article_id, ?, origin, created FROM article_tags WHERE tag_id = ?
               ON CONFLICT (article_id, tag_id) DO UPDATE SET origin =
                   CASE WHEN excluded.origin = 'user' THEN 'user' ELSE origin END""",
            (target_id, source_id),
        )
        conn.execute("DELETE FROM tags WHERE id = ?", (source_id,))
