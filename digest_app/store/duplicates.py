"""Duplicate links: one story copied by several sources, kept once, the copies linked to it.

An article that repeats a story another source already brought is stored like
any other, then linked to the copy kept (``duplicate_links``): listings, counts and search
leave it out, and the kept copy lists it under "also in". Nothing is thrown away,
and reading one copy marks none of the others read.

    >>> lib.duplicates.same_story(source.id, guid=guid, canonical_url=url)   # (kept_id, "url")
    >>> lib.duplicates.link(new_id, kept_id, "text")
    >>> [(c.source_title, c.url) for c in lib.duplicates.also_in(kept_id)]

Near-duplicate text is found through *anchors* (see :mod:`digest_app.collect.neardup`):
a few integers per article in ``article_anchors``, looked up by every shingle of a
new text; the collection pipeline verifies the candidates on their words.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from digest_app.records import AlsoIn
from digest_app.timestamps import to_db, utc_now

if TYPE_CHECKING:
    from digest_app.store.library import Library

DuplicateReason = Literal["guid", "url", "text"]

#: A copy this many times longer than the kept one (a full article against a
#: teaser) is kept instead, if the user has not touched the shorter one yet.
FULLER_COPY_RATIO = 2.0

# A guid that names itself globally (a URL, tag: or urn: URI) identifies a story
# across feeds; plain numbers and slugs ("12345", "post-7") only within one feed.
_GLOBAL_GUID = re.compile(r"^(?:[a-z][a-z0-9+.-]*://[^/\s]+/\S*|tag:\S+,\S+|urn:\S+:\S+)$", re.IGNORECASE)


def is_global_guid(guid: str | None) -> bool:
    """True for a guid that can only belong to one story whichever feed carries it.

        >>> is_global_guid("https://example.com/?p=123"), is_global_guid("123")
        (True, False)
    """
    return bool(guid) and len(guid) >= 12 and bool(_GLOBAL_GUID.match(guid))


@dataclass(frozen=True)
class LinkResult:
    """What :meth:`DuplicateStore.link` did: which copy is kept and which is hidden."""

    kept_id: int
    duplicate_id: int


class DuplicateStore:
    """Anchors and duplicate links of one library. Reached as ``lib.duplicates``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    # -- anchors -----------------------------------------------------------------

    def index(self, article_id: int, anchors: Iterable[int]) -> None:
        """Keep *anchors* for an article (replacing what it had)."""
        self.index_many([(article_id, anchors)])

    def index_many(self, articles: Sequence[tuple[int, Iterable[int]]]) -> None:
        """Keep the anchors of several articles, given as ``(article_id, anchors)``
        (replacing what each had; an article given twice keeps the later anchors), in one
        statement of each kind."""
        latest = dict(articles)
        with self._lib.write() as conn:
            conn.executemany("DELETE FROM article_anchors WHERE article_id = ?", [(i,) for i in latest])
            conn.executemany(
                "INSERT OR IGNORE INTO article_anchors (anchor, article_id) VALUES (?, ?)",
                [(anchor, article_id) for article_id, anchors in latest.items() for anchor in anchors],
            )

    def candidates(
        self,
        probe_keys: Sequence[int] | str,
        *,
        min_shared: int,
        limit: int,
        other_than_source: int | None = None,
    ) -> list[int]:
        """Articles sharing at least *min_shared* anchors with a text whose shingles are
        *probe_keys* (or those keys, distinct, as a JSON array: see
        :attr:`digest_app.collect.neardup.Fingerprint.probe_json`), most shared first
        (at most *limit*), from sources other than *other_than_source*."""
        if not isinstance(probe_keys, str):
            probe_keys = json.dumps(list(dict.fromkeys(probe_keys)))
        if probe_keys == "[]":
            return []
        # Each key is looked up in the anchors' primary key in turn (a join, where
        # "anchor IN (...)" would first copy the keys into a temporary index).
        rows = self._lib.query(
            """SELECT x.article_id, COUNT(*) AS shared FROM json_each(?) k
               JOIN article_anchors x ON x.anchor = k.value
               JOIN articles a ON a.id = x.article_id
               WHERE a.source_id IS NOT ?
               GROUP BY x.article_id HAVING shared >= ?
               ORDER BY shared DESC, x.article_id LIMIT ?""",
            (probe_keys, other_than_source, min_shared, limit),
        )
        return [r["article_id"] for r in rows]

    # -- links -------------------------------------------------------------------

    def same_story(
        self, source_id: int, *, guid: str | None, canonical_url: str | None
    ) -> tuple[int, DuplicateReason] | None:
        """The kept copy of a story a source other than *source_id* stored with the same
        global guid or canonical URL as a new article of *source_id*, and which of the two matched.

        Only other sources count: within one feed, entries with their own guids are
        different items even when their links differ only by a fragment.
        """
        for reason, column, value in (
            ("guid", "guid", guid if is_global_guid(guid) else None),
            ("url", "canonical_url", canonical_url if _is_story_url(canonical_url) else None),
        ):
            if value is None:
                continue
            row = self._lib.query(
                f"SELECT id FROM articles WHERE {column} = ? AND source_id IS NOT ? ORDER BY id LIMIT 1",
                (value, source_id),
            )
            if row:
                return self.kept_copy(row[0]["id"]), reason  # type: ignore[return-value]
        return None

    def kept_copy(self, article_id: int) -> int:
        """The ID of the copy kept for *article_id*'s story (itself when not a duplicate)."""
        row = self._lib.query("SELECT kept_id FROM duplicate_links WHERE article_id = ?", (article_id,))
        return row[0]["kept_id"] if row else article_id

    def link(self, article_id: int, other_id: int, reason: DuplicateReason) -> LinkResult:
        """Record that *article_id* (just stored) repeats the story of *other_id*.

        The copy kept is the one stored first, unless the new one is at least
        :data:`FULLER_COPY_RATIO` times longer (a teaser was kept, the full article
        arrived) and the user has not read, starred or tagged the kept one: then
        the new copy is kept, and the old one loses its automatic tags.
        """
        kept = self.kept_copy(other_id)
        if kept == article_id:
            return LinkResult(kept_id=article_id, duplicate_id=other_id)
        now = to_db(utc_now())
        with self._lib.write() as conn:
            words = conn.execute("SELECT word_count FROM articles WHERE id = ?", (article_id,)).fetchone()
            if words is not None and self.would_keep_new(words[0], kept):
                conn.execute("UPDATE duplicate_links SET kept_id = ? WHERE kept_id = ?", (article_id, kept))
                conn.execute(
                    "INSERT OR REPLACE INTO duplicate_links (article_id, kept_id, reason, linked)"
                    " VALUES (?, ?, ?, ?)",
                    (kept, article_id, reason, now),
                )
                conn.execute("DELETE FROM article_tags WHERE article_id = ? AND origin = 'rule'", (kept,))
                return LinkResult(kept_id=article_id, duplicate_id=kept)
            conn.execute(
                "INSERT OR REPLACE INTO duplicate_links (article_id, kept_id, reason, linked)"
                " VALUES (?, ?, ?, ?)",
                (article_id, kept, reason, now),
            )
        return LinkResult(kept_id=kept, duplicate_id=article_id)

    def unlink(self, article_id: int) -> bool:
        """Show *article_id* on its own again (the user says it is not a copy)."""
        with self._lib.write() as conn:
            return conn.execute("DELETE FROM duplicate_links WHERE article_id = ?", (article_id,)).rowcount > 0

    def group(self, article_id: int) -> list[int]:
        """Every copy of *article_id*'s story, the kept one first (just itself if none)."""
        kept = self.kept_copy(article_id)
        rows = self._lib.query(
            "SELECT article_id FROM duplicate_links WHERE kept_id = ? ORDER BY article_id", (kept,)
        )
        return [kept, *(r["article_id"] for r in rows)]

    def also_in(self, article_id: int) -> tuple[AlsoIn, ...]:
        """The other copies of *article_id*'s story: the kept one first, then the rest."""
        ids = self.group(article_id)
        if len(ids) < 2:
            return ()
        marks = ",".join("?" * len(ids))
        rows = {
            r["id"]: r
            for r in self._lib.query(
                f"""SELECT a.id, a.source_id, a.url, COALESCE(NULLIF(s.title, ''), s.url, '') AS source_title
                    FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id IN ({marks})""",
                tuple(ids),
            )
        }
        return tuple(
            AlsoIn(
                article_id=i,
                source_id=rows[i]["source_id"],
                source_title=rows[i]["source_title"] or "",
                url=rows[i]["url"],
                kept=i == ids[0],
            )
            for i in ids
            if i != article_id and i in rows
        )

    def count(self) -> int:
        """How many stored articles are hidden as copies of another."""
        return self._lib.query("SELECT COUNT(*) FROM duplicate_links")[0][0]

    def would_keep_new(self, new_words: int, kept_id: int) -> bool:
        """Whether :meth:`link` keeps a new copy of *new_words* words instead of *kept_id*:
        it is at least :data:`FULLER_COPY_RATIO` times longer, and the user has not read,
        starred or tagged the kept one."""
        row = self._lib.query(
            """SELECT k.word_count AS kept_words,
                      k.is_read OR k.is_starred OR EXISTS (
                          SELECT 1 FROM article_tags t WHERE t.article_id = k.id AND t.origin = 'user'
                      ) AS touched
               FROM articles k WHERE k.id = ?""",
            (kept_id,),
        )
        if not row or row[0]["touched"]:
            return False
        return new_words >= FULLER_COPY_RATIO * max(row[0]["kept_words"], 1)


def index_all_anchors(conn: sqlite3.Connection, batch: int = 500) -> int:
    """Compute and store near-duplicate anchors for every article (migration 3).

    Runs inside the caller's transaction. Returns how many articles were indexed.
    """
    from digest_app.collect.neardup import fingerprint

    done = 0
    last = 0
    while True:
        rows = conn.execute(
            "SELECT id, title, article_text(text) FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
        ).fetchall()
        if not rows:
            return done
        conn.executemany(
            "INSERT OR IGNORE INTO article_anchors (anchor, article_id) VALUES (?, ?)",
            [
                (anchor, row[0])
                for row in rows
                for anchor in fingerprint(anchor_text(row[1], row[2])).anchors
            ],
        )
        done += len(rows)
        last = rows[-1][0]


def anchor_text(title: str, text: str) -> str:
    """What near-duplicate detection compares of an article: its text, or its title
    when it has no text. A copy often runs under another headline, and a short
    teaser under a different title fails verification when the title is mixed in
    (measured: 25-word teasers matched 0.37 with the title, 1.00 without)."""
    return text if text.strip() else title


def _is_story_url(url: str | None) -> bool:
    """A web address with a path or query: a site's front page is no story's identity
    (some feeds link every entry to it)."""
    if not url or not url.startswith(("http://", "https://")):
        return False
    parts = urlsplit(url)
    return parts.path not in ("", "/") or bool(parts.query)
