"""Articles: store parsed articles idempotently, read them back, flag them.

    >>> result = lib.articles.store(source.id, parsed)      # added / updated / unchanged
    >>> lib.articles.get(result.article_id).title
    >>> lib.articles.list(limit=50, unread=True)             # headers only, no bodies

Identity within a source is the feed guid, else the canonical URL, else the hash
of the text, so storing the same material twice adds nothing and a changed
article is updated in place (its read/starred flags and tags stay).

Articles linked as duplicates of another (``lib.duplicates``) are left out of
listings and counts unless ``ArticleFilter(include_duplicates=True)`` asks for them.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from digest_app.errors import NotFoundError
from digest_app.records import (
    Article,
    ArticleHeader,
    ArticleTag,
    ParsedArticle,
    StoreResult,
    count_words,
)
from digest_app.store.packing import pack, unpack
from digest_app.store.space import release_free_pages
from digest_app.timestamps import from_db, to_db, utc_now
from digest_app.urls import canonical_url

if TYPE_CHECKING:
    from digest_app.store.library import Library


# Fields that, when changed at the origin, make a re-import an update.
_CONTENT_FIELDS = (
    "title",
    "text",
    "content_html",
    "url",
    "author",
    "published",
    "language",
    "feed_summary",
    "image_url",
)

_HEADER_SELECT = """
    SELECT a.id, a.title, a.source_id, COALESCE(NULLIF(s.title, ''), s.url, '') AS source_title,
           a.url, a.published, a.fetched, a.is_read, a.is_starred, a.word_count, a.language,
           (SELECT group_concat(t.name, char(31)) FROM article_tags at
              JOIN tags t ON t.id = at.tag_id WHERE at.article_id = a.id) AS tag_names,
           (SELECT COUNT(*) FROM duplicate_links d WHERE d.kept_id = a.id) AS duplicate_count
    FROM articles a LEFT JOIN sources s ON s.id = a.source_id
"""

#: True for an article that is not a linked copy of another. Tested against the
#: narrow ``duplicate_links`` table, so a count never reads the articles' rows.
NOT_DUPLICATE = "a.id NOT IN (SELECT article_id FROM duplicate_links)"


def content_hash(text: str) -> str:
    """Hash of the text with whitespace and case normalised: identical copies collide."""
    # str.split() cuts at the characters regex \s matches (both use Py_UNICODE_ISSPACE),
    # a quarter of the time of substituting them.
    normal = " ".join(text.split()).casefold()
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class StoredForm:
    """The columns of an article that storing computes from it: title as stored, packed
    text and HTML (:mod:`digest_app.store.packing`), publication date as stored,
    canonical URL, content hash and word count.

    Computing them takes about as long as SQLite's own work for a new article, and needs
    no library: an import computes them in its worker processes with :func:`stored_form`
    and hands them to :meth:`ArticleStore.store` (``form=``; ``store_many`` takes ``forms=``).
    """

    title: str
    text: bytes
    content_html: bytes
    published: str | None
    canonical_url: str | None
    content_hash: str
    word_count: int


def stored_form(item: ParsedArticle) -> StoredForm:
    """*item*'s :class:`StoredForm`.

        >>> form = stored_form(parsed)
        >>> lib.articles.store_many(source.id, [parsed], forms=[form])
    """
    return StoredForm(
        title=item.title.strip() or "(untitled)",
        text=pack(item.text),
        content_html=pack(item.content_html, like=item.text),
        published=to_db(item.published),
        canonical_url=canonical_url(item.url),
        content_hash=content_hash(item.title + "\n" + item.text),
        word_count=count_words(item.text),
    )


@dataclass(frozen=True)
class ArticleFilter:
    """Which articles a listing shows. Every field narrows; None means "any".

    Linked duplicates are left out unless *include_duplicates* is true.
    """

    source_id: int | None = None
    tag: str | None = None
    unread: bool | None = None
    starred: bool | None = None
    since: datetime | None = None
    until: datetime | None = None
    ids: Sequence[int] | None = None
    include_duplicates: bool = False

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if not self.include_duplicates:
            clauses.append(NOT_DUPLICATE)
        if self.source_id is not None:
            clauses.append("a.source_id = ?")
            params.append(self.source_id)
        if self.tag is not None:
            clauses.append(
                "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t"
                " ON t.id = at.tag_id WHERE t.name = ?)"
            )
            params.append(self.tag)
        if self.unread is not None:
            clauses.append("a.is_read = ?")
            params.append(0 if self.unread else 1)
        if self.starred is not None:
            clauses.append("a.is_starred = ?")
            params.append(1 if self.starred else 0)
        if self.since is not None:
            clauses.append("a.sort_date >= ?")
            params.append(to_db(self.since))
        if self.until is not None:
            clauses.append("a.sort_date < ?")
            params.append(to_db(self.until))
        if self.ids is not None:
            clauses.append(f"a.id IN ({','.join('?' * len(self.ids))})")
            params.extend(self.ids)
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


class ArticleStore:
    """Everything about articles in one library. Reached as ``lib.articles``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    # -- writing -----------------------------------------------------------------

    def store(
        self,
        source_id: int,
        parsed: ParsedArticle,
        *,
        fetched: datetime | None = None,
        form: StoredForm | None = None,
        rule_tags: Callable[[], Iterable[str]] | None = None,
    ) -> StoreResult:
        """Add *parsed* to the source, or update the stored copy if it changed.

        *form* is its :func:`stored_form`, when computed beforehand. *rule_tags* is
        asked only when the article is new, just before it is added, for the
        automatic tags it is stored with::

            >>> lib.articles.store(source.id, parsed, rule_tags=lambda: ["EV"])

        (Tags stored with a new article cost nothing more; a tag put on an article
        afterwards makes the search index read its whole text twice more.)
        """
        with self._lib.write() as conn:
            return self._store_one(
                conn, source_id, parsed, form or stored_form(parsed), to_db(fetched or utc_now()), rule_tags
            )

    def store_many(
        self,
        source_id: int,
        parsed: Iterable[ParsedArticle],
        *,
        fetched: datetime | None = None,
        forms: Sequence[StoredForm] | None = None,
    ) -> list[StoreResult]:
        """Store several articles of one source in a single transaction.

        *forms*, one per article when given, are their :func:`stored_form`, computed
        beforehand (an import computes them in its worker processes).
        """
        fetched_text = to_db(fetched or utc_now())
        items = list(parsed)
        if forms is None:
            forms = [stored_form(item) for item in items]  # before the write lock: no SQL in it
        with self._lib.write() as conn:
            return [
                self._store_one(conn, source_id, item, form, fetched_text)
                for item, form in zip(items, forms, strict=True)
            ]

    def _store_one(
        self,
        conn: sqlite3.Connection,
        source_id: int,
        item: ParsedArticle,
        form: StoredForm,
        fetched: str,
        rule_tags: Callable[[], Iterable[str]] | None = None,
    ) -> StoreResult:
        values = {
            "title": form.title,
            "text": form.text,
            "content_html": form.content_html,
            "url": item.url,
            "author": item.author,
            "published": form.published,
            "language": item.language,
            "feed_summary": item.feed_summary,
            "image_url": item.image_url,
        }
        existing = self._find_identity(conn, source_id, item.guid, form.canonical_url, form.content_hash)
        if existing is None:
            tags = list(rule_tags()) if rule_tags is not None else []
            article_id = None  # SQLite numbers it, unless its tags go in first
            if tags:
                article_id = self._next_id(conn)
                # The tags go in first, so that the search index's trigger takes the
                # article in once with them (see store/fts.py). Their rows refer to an
                # article not there yet: foreign keys are checked at commit instead.
                # (Set once per transaction, which ends it: setting it makes SQLite
                # compile every statement again, triggers and all.)
                if not conn.execute("PRAGMA defer_foreign_keys").fetchone()[0]:
                    conn.execute("PRAGMA defer_foreign_keys = ON")
                self._lib.tags.add_before_article(article_id, tags, origin="rule")
            cur = conn.execute(
                """INSERT INTO articles (id, source_id, guid, canonical_url, fetched, word_count,
                       content_hash, relevance, full_text_url, image_id, title, text,
                       content_html, url, author, published, language, feed_summary, image_url)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article_id,
                    source_id,
                    item.guid,
                    form.canonical_url,
                    fetched,
                    form.word_count,
                    form.content_hash,
                    item.relevance,
                    item.full_text_url,
                    item.image_id,
                    *(values[f] for f in _CONTENT_FIELDS),
                ),
            )
            return StoreResult(cur.lastrowid, "added")
        if all(existing[f] == values[f] for f in _CONTENT_FIELDS):
            return StoreResult(existing["id"], "unchanged")
        text_changed = existing["text"] != values["text"] or existing["title"] != values["title"]
        assignments = ", ".join(f"{f} = ?" for f in _CONTENT_FIELDS)
        conn.execute(
            f"""UPDATE articles SET {assignments}, canonical_url = ?, word_count = ?,
                    content_hash = ?, fetched = ?,
                    relevance = COALESCE(?, relevance),
                    full_text_url = COALESCE(?, full_text_url),
                    image_id = COALESCE(?, image_id),
                    summary = CASE WHEN ? THEN NULL ELSE summary END,
                    keywords = CASE WHEN ? THEN NULL ELSE keywords END
                WHERE id = ?""",
            (
                *(values[f] for f in _CONTENT_FIELDS),
                form.canonical_url,
                form.word_count,
                form.content_hash,
                fetched,
                item.relevance,
                item.full_text_url,
                item.image_id,
                text_changed,
                text_changed,
                existing["id"],
            ),
        )
        return StoreResult(existing["id"], "updated")

    @staticmethod
    def _next_id(conn: sqlite3.Connection) -> int:
        """The ID SQLite would give the next article (one above the highest)."""
        return conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM articles").fetchone()[0]

    @staticmethod
    def _find_identity(
        conn: sqlite3.Connection,
        source_id: int,
        guid: str | None,
        canonical: str | None,
        digest: str,
    ) -> sqlite3.Row | None:
        if guid:
            sql, key = "guid = ?", guid
        elif canonical:
            sql, key = "canonical_url = ?", canonical
        else:
            sql, key = "content_hash = ?", digest
        return conn.execute(
            f"SELECT id, full_text_url, summary IS NOT NULL AS summarized, {', '.join(_CONTENT_FIELDS)}"
            f" FROM articles"
            f" WHERE source_id = ? AND {sql} ORDER BY id LIMIT 1",
            (source_id, key),
        ).fetchone()

    def find_stored(self, source_id: int, parsed: ParsedArticle) -> StoredCopy | None:
        """The stored copy of *parsed* in the source (same identity as :meth:`store`), if any.

        A collector asks before doing expensive work for an entry (fetching its page).
        """
        row = self._find_identity(
            self._lib.conn,
            source_id,
            parsed.guid,
            canonical_url(parsed.url),
            content_hash(parsed.title + "\n" + parsed.text),
        )
        if row is None:
            return None
        return StoredCopy(
            article_id=row["id"], full_text_url=row["full_text_url"], summarized=bool(row["summarized"])
        )

    def set_read(
        self, article_ids: Iterable[int], read: bool = True, *, with_duplicates: bool = False
    ) -> int:
        """Mark articles read or unread. Returns how many changed.

        Only the articles given change; *with_duplicates* marks every linked copy
        of their stories too (when the user asks for it).
        """
        ids = list(article_ids)
        if with_duplicates:
            ids = list(dict.fromkeys(i for article_id in ids for i in self._lib.duplicates.group(article_id)))
        return self._set_flag("is_read", ids, read)

    def set_starred(self, article_ids: Iterable[int], starred: bool = True) -> int:
        """Star or unstar articles. Returns how many changed."""
        return self._set_flag("is_starred", article_ids, starred)

    def _set_flag(self, column: str, article_ids: Iterable[int], value: bool) -> int:
        ids = list(article_ids)
        with self._lib.write() as conn:
            return sum(
                conn.execute(
                    f"UPDATE articles SET {column} = ? WHERE id = ? AND {column} != ?",
                    (int(value), article_id, int(value)),
                ).rowcount
                for article_id in ids
            )

    def set_summaries(self, summaries: Iterable[ComputedSummary]) -> None:
        """Store extractive summaries and keywords computed for articles, in one transaction."""
        with self._lib.write() as conn:
            conn.executemany(
                "UPDATE articles SET summary = ?, keywords = ?, summary_method = ? WHERE id = ?",
                [
                    (
                        json.dumps(list(s.sentences), ensure_ascii=False),
                        json.dumps(list(s.keywords), ensure_ascii=False),
                        s.method,
                        s.article_id,
                    )
                    for s in summaries
                ],
            )

    def delete(self, article_ids: Iterable[int]) -> int:
        """Remove articles for good, and the space they took. Returns how many were removed."""
        with self._lib.write() as conn:
            removed = sum(
                conn.execute("DELETE FROM articles WHERE id = ?", (i,)).rowcount for i in article_ids
            )
            release_free_pages(conn)
            return removed

    # -- reading -----------------------------------------------------------------

    def get(self, article_id: int) -> Article:
        """The full article, with summary, keywords and tags."""
        rows = self._lib.query(
            """SELECT a.*, COALESCE(NULLIF(s.title, ''), s.url, '') AS source_title
               FROM articles a LEFT JOIN sources s ON s.id = a.source_id WHERE a.id = ?""",
            (article_id,),
        )
        if not rows:
            raise NotFoundError(f"no article with ID {article_id}")
        row = rows[0]
        tags = tuple(
            ArticleTag(name=t["name"], origin=t["origin"], color=t["color"])
            for t in self._lib.query(
                """SELECT t.name, t.color, at.origin FROM article_tags at
                   JOIN tags t ON t.id = at.tag_id WHERE at.article_id = ?
                   ORDER BY t.name COLLATE NOCASE""",
                (article_id,),
            )
        )
        link = self._lib.query("SELECT kept_id FROM duplicate_links WHERE article_id = ?", (article_id,))
        text = unpack(row["text"])
        return Article(
            id=row["id"],
            title=row["title"],
            text=text,
            content_html=unpack(row["content_html"], like=text),
            source_id=row["source_id"],
            source_title=row["source_title"] or "",
            url=row["url"],
            canonical_url=row["canonical_url"],
            guid=row["guid"],
            author=row["author"],
            published=from_db(row["published"]),
            fetched=from_db(row["fetched"]),
            language=row["language"],
            feed_summary=row["feed_summary"],
            word_count=row["word_count"],
            content_hash=row["content_hash"],
            is_read=bool(row["is_read"]),
            is_starred=bool(row["is_starred"]),
            summary=tuple(json.loads(row["summary"])) if row["summary"] else (),
            keywords=tuple(json.loads(row["keywords"])) if row["keywords"] else (),
            tags=tags,
            relevance=row["relevance"],
            full_text_url=row["full_text_url"],
            duplicate_of=link[0]["kept_id"] if link else None,
            also_in=self._lib.duplicates.also_in(article_id),
            summarized=row["summary"] is not None,
        )

    def exists(self, article_id: int) -> bool:
        return bool(self._lib.query("SELECT 1 FROM articles WHERE id = ?", (article_id,)))

    def list(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = 50,
        offset: int = 0,
        order: Literal["newest", "oldest"] = "newest",
    ) -> list[ArticleHeader]:
        """Article headers, newest first, one window at a time."""
        clause, params = (where or ArticleFilter()).where()
        direction = "DESC" if order == "newest" else "ASC"
        sql = f"{_HEADER_SELECT}{clause} ORDER BY a.sort_date {direction}, a.id {direction}"
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        return [header_from_row(r) for r in self._lib.query(sql, tuple(params))]

    def headers(self, article_ids: Sequence[int]) -> list[ArticleHeader]:
        """Headers for the given IDs, in the order given (unknown IDs are skipped)."""
        if not article_ids:
            return []
        where = ArticleFilter(ids=list(article_ids), include_duplicates=True)
        by_id = {h.id: h for h in self.list(where, limit=None)}
        return [by_id[i] for i in article_ids if i in by_id]

    def count(self, where: ArticleFilter | None = None) -> int:
        clause, params = (where or ArticleFilter()).where()
        return self._lib.query(f"SELECT COUNT(*) FROM articles a{clause}", tuple(params))[0][0]

    def ids_needing_summary(self, method: str | None) -> list[int]:
        """Articles with no summary or one made by another method or length
        (every article when *method* is None)."""
        sql = "SELECT id FROM articles"
        params: tuple = ()
        if method is not None:
            sql += " WHERE summary IS NULL OR summary_method IS NOT ?"
            params = (method,)
        return [r[0] for r in self._lib.query(sql + " ORDER BY id", params)]

    def unsummarized(self, article_ids: Sequence[int]) -> list[int]:
        """Those of *article_ids* that have no summary yet, in the order given."""
        if not article_ids:
            return []
        waiting = {
            r[0] for r in self._lib.query(
                "SELECT id FROM articles WHERE id IN (SELECT value FROM json_each(?)) AND summary IS NULL",
                (json.dumps(list(article_ids)),),
            )
        }
        return [i for i in article_ids if i in waiting]

    def texts(self, article_ids: Sequence[int]) -> list[ArticleText]:
        """Title, text and language of articles, for the NLP stages."""
        if not article_ids:
            return []
        marks = ",".join("?" * len(article_ids))
        return [
            ArticleText(r["id"], r["title"], unpack(r["text"]), r["language"])
            for r in self._lib.query(
                f"SELECT id, title, text, language FROM articles WHERE id IN ({marks})",
                tuple(article_ids),
            )
        ]

    def packed_texts(self, article_ids: Sequence[int]) -> dict[int, tuple[str, bytes | str]]:
        """Title and text *as stored* (packed, see :mod:`digest_app.store.packing`) of
        articles, by ID. Equal stored text is equal text, so a caller that remembers what
        it computed from a text can recognise it without unpacking."""
        if not article_ids:
            return {}
        marks = ",".join("?" * len(article_ids))
        return {
            r["id"]: (r["title"], r["text"])
            for r in self._lib.query(f"SELECT id, title, text FROM articles WHERE id IN ({marks})", tuple(article_ids))
        }


@dataclass(frozen=True)
class StoredCopy:
    """What a collector needs to know of an article already stored."""

    article_id: int
    #: The page its text was extracted from (the feed gave only a teaser), if so.
    full_text_url: str | None
    #: False while it waits for its summary (a run stopped between storing and summarizing).
    summarized: bool = True


@dataclass(frozen=True)
class ArticleText:
    """What the NLP stages need of an article."""

    article_id: int
    title: str
    text: str
    language: str | None


@dataclass(frozen=True)
class ComputedSummary:
    """A summary ready to store: the chosen sentences in article order, and keywords."""

    article_id: int
    sentences: tuple[str, ...]
    keywords: tuple[str, ...]
    method: str


def header_from_row(row: sqlite3.Row) -> ArticleHeader:
    """An :class:`ArticleHeader` from a row shaped like ``_HEADER_SELECT``."""
    tag_names = row["tag_names"]
    return ArticleHeader(
        id=row["id"],
        title=row["title"],
        source_id=row["source_id"],
        source_title=row["source_title"] or "",
        url=row["url"],
        published=from_db(row["published"]),
        fetched=from_db(row["fetched"]),
        is_read=bool(row["is_read"]),
        is_starred=bool(row["is_starred"]),
        word_count=row["word_count"],
        language=row["language"],
        tags=tuple(sorted(tag_names.split("\x1f"), key=str.casefold)) if tag_names else (),
        duplicates=row["duplicate_count"],
    )
