"""Saved digests (options and content), and what building one reads of the articles.

The content is stored as JSON so a digest can be re-read and re-exported
offline exactly as built, and rebuilt from its options.

    >>> rows = lib.digests.scope(since, until, tags=["EV"])       # light rows, date index
    >>> articles = lib.digests.articles([r.article_id for r in rows[:400]])
    >>> saved = lib.digests.add(title, options_json, content_json)

Building reads in two steps so that a long period in a big library stays cheap:
:meth:`DigestStore.scope` walks the date index and returns a few numbers per
article; the builder picks its candidates from them, and only those are read
in full by :meth:`DigestStore.articles`. Linked duplicates are never candidates;
they come back as ``copies`` of the article kept for their story.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from digest_app.errors import NotFoundError
from digest_app.store.articles import NOT_DUPLICATE
from digest_app.timestamps import from_db, to_db, utc_now

if TYPE_CHECKING:
    from digest_app.store.library import Library


@dataclass(frozen=True)
class StoredDigest:
    id: int
    title: str
    created: datetime
    options: dict[str, Any]
    content: dict[str, Any]


@dataclass(frozen=True)
class ScopeRow:
    """An article in a digest's period: enough to rank it, nothing to read."""

    article_id: int
    sort_date: datetime
    source_id: int | None
    relevance: float | None
    is_starred: bool
    copies: int


@dataclass(frozen=True)
class ArticleLink:
    """Where one copy of a story lives: outlet, headline, address, date."""

    article_id: int
    source_id: int | None
    source_title: str
    title: str
    url: str | None
    published: datetime | None


@dataclass(frozen=True)
class DigestArticle:
    """What a digest needs of a candidate article (no body: stories use its summary).

    ``copies`` are the articles linked to it as duplicates from other sources.
    """

    link: ArticleLink
    sort_date: datetime
    language: str | None
    summary: tuple[str, ...]
    summary_method: str | None
    keywords: tuple[str, ...]
    relevance: float | None
    is_starred: bool
    tags: tuple[str, ...]
    copies: tuple[ArticleLink, ...] = ()

    @property
    def article_id(self) -> int:
        return self.link.article_id

    @property
    def title(self) -> str:
        return self.link.title


class DigestStore:
    """Digests of one library. Reached as ``lib.digests``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def add(self, title: str, options: dict[str, Any], content: dict[str, Any]) -> StoredDigest:
        with self._lib.write() as conn:
            cur = conn.execute(
                "INSERT INTO digests (title, created, options, content) VALUES (?, ?, ?, ?)",
                (title, to_db(utc_now()), _dump(options), _dump(content)),
            )
        return self.get(cur.lastrowid)

    def replace(self, digest_id: int, title: str, options: dict[str, Any], content: dict[str, Any]) -> StoredDigest:
        self.get(digest_id)
        with self._lib.write() as conn:
            conn.execute(
                "UPDATE digests SET title = ?, created = ?, options = ?, content = ? WHERE id = ?",
                (title, to_db(utc_now()), _dump(options), _dump(content), digest_id),
            )
        return self.get(digest_id)

    def get(self, digest_id: int) -> StoredDigest:
        rows = self._lib.query("SELECT * FROM digests WHERE id = ?", (digest_id,))
        if not rows:
            raise NotFoundError(f"no digest with ID {digest_id}")
        r = rows[0]
        return StoredDigest(r["id"], r["title"], from_db(r["created"]), json.loads(r["options"]), json.loads(r["content"]))

    def list(self) -> list[tuple[int, str, datetime]]:
        """``(id, title, created)`` of every digest, newest first (no content)."""
        return [
            (r["id"], r["title"], from_db(r["created"]))
            for r in self._lib.query("SELECT id, title, created FROM digests ORDER BY created DESC, id DESC")
        ]

    def delete(self, digest_id: int) -> None:
        self.get(digest_id)
        with self._lib.write() as conn:
            conn.execute("DELETE FROM digests WHERE id = ?", (digest_id,))

    # -- building ----------------------------------------------------------------

    def scope(
        self,
        since: datetime,
        until: datetime,
        *,
        tags: Sequence[str] = (),
        source_ids: Sequence[int] = (),
        include_read: bool = True,
        ids: Sequence[int] | None = None,
    ) -> list[ScopeRow]:
        """Articles dated in ``[since, until)``, newest first, that have any of *tags*
        (when given), come from any of *source_ids* (when given), are unread unless
        *include_read*, and are among *ids* (when given). Linked duplicates are left out."""
        clauses = ["a.sort_date >= ?", "a.sort_date < ?", NOT_DUPLICATE]
        params: list[object] = [to_db(since), to_db(until)]
        if tags:
            clauses.append(
                "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id"
                f" WHERE t.name IN ({','.join('?' * len(tags))}))"
            )
            params.extend(tags)
        if source_ids:
            clauses.append(f"a.source_id IN ({','.join('?' * len(source_ids))})")
            params.extend(source_ids)
        if not include_read:
            clauses.append("a.is_read = 0")
        if ids is not None:
            clauses.append("a.id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(ids)))
        rows = self._lib.query(
            f"""SELECT a.id, a.sort_date, a.source_id, a.relevance, a.is_starred,
                       (SELECT COUNT(*) FROM duplicate_links d WHERE d.kept_id = a.id) AS copies
                FROM articles a INDEXED BY articles_sort_date
                WHERE {' AND '.join(clauses)} ORDER BY a.sort_date DESC, a.id DESC""",
            tuple(params),
        )
        return [
            ScopeRow(r[0], from_db(r[1]), r[2], r[3], bool(r[4]), r[5])  # type: ignore[arg-type]
            for r in rows
        ]

    def articles(self, article_ids: Sequence[int]) -> list[DigestArticle]:
        """The given articles with summaries, keywords, tags and linked copies, in the
        order given (unknown IDs are skipped)."""
        if not article_ids:
            return []
        marks = json.dumps(list(article_ids))
        rows = self._lib.query(
            """SELECT a.id, a.source_id, COALESCE(NULLIF(s.title, ''), s.url, '') AS source_title,
                       a.title, a.url, a.published, a.sort_date, a.language, a.summary,
                       a.summary_method, a.keywords, a.relevance, a.is_starred
                FROM articles a LEFT JOIN sources s ON s.id = a.source_id
                WHERE a.id IN (SELECT value FROM json_each(?))""",
            (marks,),
        )
        tags: dict[int, list[str]] = {}
        for r in self._lib.query(
            """SELECT at.article_id, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
               WHERE at.article_id IN (SELECT value FROM json_each(?)) ORDER BY t.name COLLATE NOCASE""",
            (marks,),
        ):
            tags.setdefault(r[0], []).append(r[1])
        copies: dict[int, list[ArticleLink]] = {}
        for r in self._lib.query(
            """SELECT d.kept_id, a.id, a.source_id, COALESCE(NULLIF(s.title, ''), s.url, ''),
                      a.title, a.url, a.published
               FROM duplicate_links d JOIN articles a ON a.id = d.article_id
               LEFT JOIN sources s ON s.id = a.source_id
               WHERE d.kept_id IN (SELECT value FROM json_each(?)) ORDER BY a.sort_date, a.id""",
            (marks,),
        ):
            copies.setdefault(r[0], []).append(_link(tuple(r)[1:]))
        found = {
            r["id"]: DigestArticle(
                link=_link(tuple(r)[:6]),
                sort_date=from_db(r["sort_date"]),  # type: ignore[arg-type]
                language=r["language"],
                summary=tuple(json.loads(r["summary"])) if r["summary"] else (),
                summary_method=r["summary_method"],
                keywords=tuple(json.loads(r["keywords"])) if r["keywords"] else (),
                relevance=r["relevance"],
                is_starred=bool(r["is_starred"]),
                tags=tuple(tags.get(r["id"], ())),
                copies=tuple(copies.get(r["id"], ())),
            )
            for r in rows
        }
        return [found[i] for i in article_ids if i in found]

    def copy_sources(self, article_ids: Sequence[int]) -> set[int]:
        """Sources of the duplicates linked to the given (kept) articles."""
        return {
            r[0]
            for r in self._lib.query(
                """SELECT DISTINCT a.source_id FROM duplicate_links d JOIN articles a ON a.id = d.article_id
                   WHERE d.kept_id IN (SELECT value FROM json_each(?)) AND a.source_id IS NOT NULL""",
                (json.dumps(list(article_ids)),),
            )
        }


def _link(row: Sequence[Any]) -> ArticleLink:
    article_id, source_id, source_title, title, url, published = row
    return ArticleLink(article_id, source_id, source_title or "", title, url, from_db(published))


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
