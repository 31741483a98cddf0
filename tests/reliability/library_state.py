"""What a library holds, compared across runs, and the invariants it must keep after a crash.

    state = snapshot(path)                 # {(source url, identity): ArticleState}
    assert invariant_problems(path) == []  # after a kill: sound file, index in step, nothing half-stored

Article IDs are not compared: an identity is the source's address and the article's
identity within it (guid, else canonical URL, else content hash), as the store uses.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from digest_app.store import Library
from digest_app.store.maintenance import check_library

Identity = tuple[str, str]


@dataclass(frozen=True)
class ArticleState:
    """Everything a reader would notice about one stored article (not when it was fetched)."""

    title: str
    text_sha: str
    content_sha: str
    url: str | None
    published: str | None
    language: str | None
    summary: str | None
    keywords: str | None
    summary_method: str | None
    tags: tuple[tuple[str, str], ...]
    duplicate_of: Identity | None


def snapshot(path: Path) -> dict[Identity, ArticleState]:
    """Every article of the library at *path*, by identity."""
    conn = _reader(path)
    try:
        rows = conn.execute(
            """SELECT a.id, s.url AS source, COALESCE(a.guid, a.canonical_url, a.content_hash) AS ident,
                      a.title, a.text, a.content_html, a.url, a.published, a.language, a.summary,
                      a.keywords, a.summary_method
               FROM articles a JOIN sources s ON s.id = a.source_id"""
        ).fetchall()
        identity = {r["id"]: (r["source"], r["ident"]) for r in rows}
        tags: dict[int, list[tuple[str, str]]] = {}
        for row in conn.execute(
            "SELECT at.article_id, t.name, at.origin FROM article_tags at JOIN tags t ON t.id = at.tag_id"
        ):
            tags.setdefault(row[0], []).append((row[1], row[2]))
        links = dict(conn.execute("SELECT article_id, kept_id FROM duplicate_links").fetchall())
    finally:
        conn.close()
    state = {}
    for r in rows:
        key = identity[r["id"]]
        assert key not in state, f"two articles with the identity {key}"
        state[key] = ArticleState(
            title=r["title"],
            text_sha=_sha(r["text"]),
            content_sha=_sha(r["content_html"]),
            url=r["url"],
            published=r["published"],
            language=r["language"],
            summary=r["summary"],
            keywords=r["keywords"],
            summary_method=r["summary_method"],
            tags=tuple(sorted(tags.get(r["id"], ()))),
            duplicate_of=identity[links[r["id"]]] if r["id"] in links else None,
        )
    return state


def differences(expected: Mapping[Identity, ArticleState], actual: Mapping[Identity, ArticleState]) -> list[str]:
    """What differs between two snapshots, in words (at most a dozen lines)."""
    found = [f"missing: {key}" for key in expected if key not in actual]
    found += [f"unexpected: {key}" for key in actual if key not in expected]
    for key in expected.keys() & actual.keys():
        if expected[key] != actual[key]:
            fields = [name for name in ArticleState.__dataclass_fields__
                      if getattr(expected[key], name) != getattr(actual[key], name)]
            found.append(f"{key}: {', '.join(fields)} differ")
    return sorted(found)[:12]


def invariant_problems(path: Path, complete_counts: Mapping[str, int] | None = None) -> list[str]:
    """What is wrong with the library at *path* after a crash; empty when it is sound.

    Checked: SQLite's integrity check, foreign keys, the search index against the
    articles (FTS5 integrity check, one index row per article with its current tags),
    duplicate links and anchors in step, every article complete (title, text, hash),
    and, with *complete_counts* (:func:`articles_per_unit` of a complete run), every
    feed and imported document holding all of its articles or none: each is stored
    in one transaction.
    Articles still waiting for their summary are not a problem here.
    """
    with Library.open(path, create=False) as lib:
        problems = [
            f"{result.name}: {'; '.join(result.problems)}"
            for result in check_library(lib)
            if not result.ok and result.name != "summaries"
        ]
        incomplete = lib.query(
            "SELECT count(*) FROM articles WHERE title = '' OR text IS NULL OR content_hash = ''"
            " OR source_id IS NULL"
        )[0][0]
        if incomplete:
            problems.append(f"{incomplete} articles are incomplete")
        if complete_counts is not None:
            for unit, count in lib.query(_UNITS):
                if count not in (0, complete_counts.get(unit, 0)):
                    problems.append(f"{unit}: {count} of its {complete_counts.get(unit, 0)} articles stored")
    return problems


# One transaction stores a feed's articles, or one imported document's: the units
# that must be all there or not at all. A document's articles share its file address.
_UNITS = """
    SELECT CASE WHEN s.kind = 'file' AND a.url LIKE 'file:%'
                THEN substr(a.url, 1, instr(a.url || '#', '#') - 1) ELSE s.url END AS unit,
           count(a.id)
    FROM sources s LEFT JOIN articles a ON a.source_id = s.id GROUP BY unit
"""


def articles_per_unit(path: Path) -> dict[str, int]:
    """Articles per feed or imported document (see :func:`invariant_problems`)."""
    conn = _reader(path)
    try:
        return dict(conn.execute(_UNITS).fetchall())
    finally:
        conn.close()


def _reader(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def _sha(value: str | bytes | None) -> str:
    if value is None:
        return ""
    data = value.encode("utf-8") if isinstance(value, str) else value
    return hashlib.sha256(data).hexdigest()[:16]
