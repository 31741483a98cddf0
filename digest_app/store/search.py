"""Ranked full-text search over the library, and saved searches with live counts.

    >>> results = lib.search.run('xiaomi "su7 ultra" -rumor after:2025-01')
    >>> results.total, results.description
    >>> for hit in results.hits:
    ...     print(hit.header.title, round(hit.score, 2), hit.snippet)
    >>> lib.search.count("is:unread tag:EV")                    # fast, for smart folders
    >>> lib.search.run("小米", sort="newest", limit=50, offset=50)   # the next page

Queries are in the language of :mod:`digest_app.store.query`. Words are matched
through the FTS5 index (:mod:`digest_app.store.fts`) and ranked by BM25 with
title matches weighing most, then tags, summary, source name and text; filters
become SQL conditions on the articles. User text never reaches SQL or FTS5
syntax unquoted, so any query runs: what cannot be understood is dropped and
reported in :attr:`SearchResults.notes`.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from digest_app.errors import InputError, QueryError
from digest_app.records import SavedSearch, SearchHit
from digest_app.store import fts
from digest_app.store.cjk_terms import has_unspaced, query_terms, split_unspaced
from digest_app.store.query import Atom, Filter, Query, Term, parse

if TYPE_CHECKING:
    from digest_app.store.library import Library

Sort = Literal["relevance", "newest"]
SORTS: tuple[str, ...] = ("relevance", "newest")

#: BM25 weight of each index column (same order as ``fts.COLUMNS``): a word in
#: the title counts ten times one in the text.
COLUMN_WEIGHTS = {
    "title": 10.0,
    "summary": 4.0,
    "body": 1.0,
    "tags": 5.0,
    "source": 3.0,
    "cjk_head": 10.0,
    "cjk_body": 1.0,
}
_RANKER = "bm25({})".format(", ".join(str(COLUMN_WEIGHTS[c]) for c in fts.COLUMNS))
_BODY_COLUMN = fts.COLUMNS.index("body")
_CJK_COLUMNS = "{cjk_head cjk_body}"

# Highlight markers inside snippets until they become «» or <mark>: control
# characters, which the query parser strips, so no query can forge them.
_OPEN, _CLOSE = "\x02", "\x03"
_MARKED = re.compile(f"{_OPEN}(.*?){_CLOSE}", re.DOTALL)
SNIPPET_TOKENS = 24
SNIPPET_CHARS = 160


@dataclass(frozen=True)
class SearchResults:
    """One page of results, with the total and what the query was understood as."""

    query: str
    hits: tuple[SearchHit, ...]
    total: int
    sort: Sort
    description: str
    notes: tuple[str, ...] = ()


@dataclass
class _Plan:
    """A query compiled for SQLite: an FTS5 expression to rank by, plus conditions
    on the articles table (alias ``a``) with their parameters."""

    match: str | None
    where: list[str]
    params: list[object]
    needles: list[tuple[str, bool]]

    def where_sql(self, joiner: str = " WHERE ") -> str:
        return joiner + " AND ".join(self.where) if self.where else ""


class SearchStore:
    """Search the library. Reached as ``lib.search``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def run(
        self,
        query: str | Query,
        *,
        limit: int = 50,
        offset: int = 0,
        sort: Sort = "relevance",
    ) -> SearchResults:
        """One page of articles matching *query*, best or newest first.

        A query with no words (only filters, or only exclusions) lists its
        articles newest first. Raises :class:`QueryError` only when the query
        holds nothing to search for at all.
        """
        if sort not in SORTS:
            raise InputError(f"unknown sort order {sort!r}: use relevance or newest")
        parsed = self._parsed(query)
        plan = _compile(parsed)
        notes = parsed.notes + self._missing_labels(parsed)
        if plan.match is not None and sort == "relevance":
            ranked = self._ranked(plan, limit, offset)
        elif plan.match is not None:
            ranked = self._scored(plan, self._newest_ids(plan, limit, offset))
        else:
            ranked = [(i, 0.0, None) for i in self._newest_ids(plan, limit, offset)]
        headers = {h.id: h for h in self._lib.articles.headers([r[0] for r in ranked])}
        texts = self._texts([i for i, _, marked in ranked if marked is None], full=bool(plan.needles))
        hits = []
        for article_id, score, marked in ranked:
            if article_id not in headers:
                continue
            if marked is None:
                marked = _excerpt(texts.get(article_id, ""), plan.needles)
            plain, marked_html = _snippet_forms(marked)
            hits.append(SearchHit(headers[article_id], score, plain, marked_html))
        return SearchResults(
            query=parsed.text,
            hits=tuple(hits),
            total=self._count(plan),
            sort=sort,
            description=parsed.describe(),
            notes=notes,
        )

    def count(self, query: str | Query) -> int:
        """How many articles match *query* (for smart-folder badges)."""
        return self._count(_compile(self._parsed(query)))

    def save(self, name: str, query: str) -> SavedSearch:
        """Keep *query* as a smart folder called *name* (replacing one of that name)."""
        self._parsed(query)
        saved = self._lib.saved_searches.add(name, query)
        return dataclasses.replace(saved, count=self.count(saved.query))

    def saved(self) -> list[SavedSearch]:
        """The saved searches, by name, each with its current number of matches."""
        return [
            dataclasses.replace(s, count=self._saved_count(s.query))
            for s in self._lib.saved_searches.list()
        ]

    def rebuild(self) -> None:
        """Re-index the whole library (repairs anything :meth:`check` reports)."""
        with self._lib.write() as conn:
            fts.rebuild(conn)

    def optimize(self) -> None:
        """Merge the index after a large import so that queries stay fast."""
        with self._lib.write() as conn:
            fts.optimize(conn)

    def check(self) -> list[str]:
        """Problems with the index, in words; an empty list when it is sound."""
        with self._lib.write() as conn:
            return fts.problems(conn)

    # -- execution -----------------------------------------------------------------

    @staticmethod
    def _parsed(query: str | Query) -> Query:
        parsed = query if isinstance(query, Query) else parse(query)
        if parsed.is_empty:
            reason = f" ({'; '.join(parsed.notes)})" if parsed.notes else ""
            raise QueryError(
                f"nothing to search for in {parsed.text.strip()!r}{reason}: type a word, "
                'a "phrase" or a filter such as tag:EV'
            )
        return parsed

    def _saved_count(self, query: str) -> int | None:
        try:
            return self.count(query)
        except QueryError:
            return None

    def _ranked(self, plan: _Plan, limit: int, offset: int) -> list[tuple[int, float, str | None]]:
        snippet = (
            "NULL"
            if plan.needles
            else f"snippet(search_index, {_BODY_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS})"
        )
        join = " JOIN articles a ON a.id = search_index.rowid" if plan.where else ""
        rows = self._lib.query(
            f"""SELECT search_index.rowid AS id, search_index.rank AS rank, {snippet} AS snippet
                FROM search_index{join}
                WHERE search_index MATCH ? AND search_index.rank MATCH ?{plan.where_sql(" AND ")}
                ORDER BY search_index.rank LIMIT ? OFFSET ?""",
            (plan.match, _RANKER, *plan.params, limit, offset),
        )
        return [(r["id"], -r["rank"], r["snippet"]) for r in rows]

    def _newest_ids(self, plan: _Plan, limit: int, offset: int) -> list[int]:
        where, params = list(plan.where), list(plan.params)
        if plan.match is not None:
            where.insert(0, "a.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)")
            params.insert(0, plan.match)
        clause = (" WHERE " + " AND ".join(where)) if where else ""
        rows = self._lib.query(
            f"SELECT a.id FROM articles a{clause}"
            " ORDER BY a.sort_date DESC, a.id DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [r[0] for r in rows]

    def _scored(self, plan: _Plan, ids: list[int]) -> list[tuple[int, float, str | None]]:
        """Scores (and snippets) for articles already chosen by date."""
        snippet = (
            "NULL"
            if plan.needles
            else f"snippet(search_index, {_BODY_COLUMN}, char(2), char(3), '…', {SNIPPET_TOKENS})"
        )
        found: dict[int, tuple[float, str | None]] = {}
        for article_id in ids:
            for row in self._lib.query(
                f"""SELECT search_index.rank AS rank, {snippet} AS snippet FROM search_index
                    WHERE search_index MATCH ? AND search_index.rank MATCH ? AND rowid = ?""",
                (plan.match, _RANKER, article_id),
            ):
                found[article_id] = (-row["rank"], row["snippet"])
        return [(i, *found.get(i, (0.0, None))) for i in ids]

    def _count(self, plan: _Plan) -> int:
        if plan.match is None:
            sql = f"SELECT count(*) FROM articles a{plan.where_sql()}"
            params = plan.params
        elif plan.where:
            sql = (
                "SELECT count(*) FROM search_index JOIN articles a ON a.id = search_index.rowid"
                f" WHERE search_index MATCH ?{plan.where_sql(' AND ')}"
            )
            params = [plan.match, *plan.params]
        else:
            sql = "SELECT count(*) FROM search_index WHERE search_index MATCH ?"
            params = [plan.match]
        return self._lib.query(sql, tuple(params))[0][0]

    def _texts(self, ids: list[int], *, full: bool) -> dict[int, str]:
        """Article texts for snippets made here (whole texts when matches must be found)."""
        if not ids:
            return {}
        column = "text" if full else f"substr(text, 1, {SNIPPET_CHARS * 3})"
        marks = ",".join("?" * len(ids))
        rows = self._lib.query(f"SELECT id, {column} FROM articles WHERE id IN ({marks})", tuple(ids))
        return {r[0]: r[1] for r in rows}

    def _missing_labels(self, parsed: Query) -> tuple[str, ...]:
        """Notes for tag: and source: filters that name nothing in the library."""
        notes = []
        for atom in [a for g in parsed.groups for a in g] + list(parsed.excluded):
            if not isinstance(atom, Filter):
                continue
            if atom.field == "tag" and not self._lib.query(
                "SELECT 1 FROM tags WHERE name = ?", (atom.value,)
            ):
                notes.append(f"there is no tag named {atom.value!r}")
            elif atom.field == "source":
                sql, params = _source_condition(atom.value, column="id")
                if not self._lib.query(f"SELECT 1 FROM sources WHERE {sql} LIMIT 1", tuple(params)):
                    notes.append(f"no source matches {atom.value!r}")
        return tuple(notes)


# -- compiling a parsed query --------------------------------------------------------


def _compile(query: Query) -> _Plan:
    match_groups: list[str] = []
    where: list[str] = []
    params: list[object] = []
    for group in query.groups:
        if all(isinstance(a, Term) for a in group):
            match_groups.append(_any_of([_term_expression(a) for a in group]))  # type: ignore[arg-type]
            continue
        conditions = []
        for atom in group:
            sql, atom_params = _condition(atom)
            conditions.append(sql)
            params.extend(atom_params)
        where.append("(" + " OR ".join(conditions) + ")")
    excluded_terms = [_term_expression(a) for a in query.excluded if isinstance(a, Term)]
    for atom in query.excluded:
        if isinstance(atom, Filter):
            sql, atom_params = _condition(atom)
            where.append(f"NOT {sql}")
            params.extend(atom_params)
    match = " AND ".join(match_groups) if match_groups else None
    if excluded_terms and match is not None:
        match = f"({match}) NOT {_any_of(excluded_terms)}"
    elif excluded_terms:
        where.append("a.id NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)")
        params.append(" OR ".join(excluded_terms))
    return _Plan(match, where, params, _needles(query))


def _condition(atom: Atom) -> tuple[str, list[object]]:
    """SQL on articles ``a`` that is true when the article matches *atom*."""
    if isinstance(atom, Term):
        return "a.id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)", [
            _term_expression(atom)
        ]
    if atom.field == "tag":
        return (
            "a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id"
            " WHERE t.name = ?)",
            [atom.value],
        )
    if atom.field == "source":
        sql, params = _source_condition(atom.value, column="id")
        return f"a.source_id IN (SELECT id FROM sources WHERE {sql})", params
    if atom.field == "is":
        return {
            "unread": ("a.is_read = 0", []),
            "read": ("a.is_read = 1", []),
            "starred": ("a.is_starred = 1", []),
            "unstarred": ("a.is_starred = 0", []),
        }[atom.value]
    if atom.field == "after":
        return "a.sort_date >= ?", [atom.value]
    if atom.field == "before":
        return "a.sort_date < ?", [atom.value]
    return "(a.language = ? COLLATE NOCASE OR a.language LIKE ?)", [atom.value, atom.value + "-%"]


def _source_condition(text: str, *, column: str) -> tuple[str, list[object]]:
    """Sources whose title or address contains *text* (any case), or whose ID it is."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    sql = "(title LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\'"
    params: list[object] = [pattern, pattern]
    if text.isdigit():
        sql += f" OR {column} = ?"
        params.append(int(text))
    return sql + ")", params


def _term_expression(term: Term) -> str:
    """The FTS5 expression for one word or phrase, built from quoted strings only."""
    parts = []
    pieces = split_unspaced(term.text)
    for position, (piece, unspaced) in enumerate(pieces):
        if unspaced:
            parts.append(f"{_CJK_COLUMNS} : {_quote(query_terms(piece))}")
        elif any(c.isalnum() for c in piece):
            star = "*" if term.prefix and position == len(pieces) - 1 else ""
            parts.append(_quote(piece.strip()) + star)
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


def _any_of(expressions: list[str]) -> str:
    return expressions[0] if len(expressions) == 1 else "(" + " OR ".join(expressions) + ")"


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _needles(query: Query) -> list[tuple[str, bool]]:
    """What to highlight by hand when the query has Chinese or Japanese in it
    (FTS5's snippets would show the bigram column); empty otherwise.

    Each needle is ``(text, is_prefix)``.
    """
    if not any(has_unspaced(t.text) for t in query.terms):
        return []
    needles = []
    for term in query.terms:
        pieces = split_unspaced(term.text)
        for position, (piece, unspaced) in enumerate(pieces):
            if piece.strip():
                needles.append((piece.strip(), term.prefix and position == len(pieces) - 1 and not unspaced))
    return needles


# -- snippets -------------------------------------------------------------------------


def _excerpt(text: str, needles: list[tuple[str, bool]]) -> str:
    """A marked excerpt of *text* around the first needle, or its opening lines."""
    flat = " ".join(text.split())
    pattern = _needle_pattern(needles)
    first = pattern.search(flat) if pattern else None
    if first is None:
        if len(flat) <= SNIPPET_CHARS:
            return flat
        cut = flat.rfind(" ", 0, SNIPPET_CHARS)
        return flat[: cut if cut > SNIPPET_CHARS // 2 else SNIPPET_CHARS] + "…"
    start = max(0, first.start() - SNIPPET_CHARS // 3)
    if start:
        space = flat.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    end = min(len(flat), start + SNIPPET_CHARS)
    window = pattern.sub(lambda m: _OPEN + m.group() + _CLOSE, flat[start:end])
    return ("…" if start else "") + window + ("…" if end < len(flat) else "")


def _needle_pattern(needles: list[tuple[str, bool]]) -> re.Pattern[str] | None:
    alternatives = []
    for text, prefix in sorted(needles, key=lambda n: len(n[0]), reverse=True):
        if has_unspaced(text):
            alternatives.append(re.escape(text))
        else:
            # Latin words match whole words (or word starts, for prefixes), even
            # when glued to Chinese as in 小米SU7.
            tail = "" if prefix else r"(?![A-Za-z0-9])"
            alternatives.append(r"(?<![A-Za-z0-9])" + re.escape(text) + tail)
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def _snippet_forms(marked: str) -> tuple[str, str]:
    """(plain text with «» around matches, escaped HTML with <mark> around them)."""
    marked = " ".join(marked.split())
    plain = _MARKED.sub(lambda m: f"«{m.group(1)}»", marked)
    pieces = []
    position = 0
    for match in _MARKED.finditer(marked):
        pieces.append(html.escape(marked[position : match.start()], quote=False))
        pieces.append(f"<mark>{html.escape(match.group(1), quote=False)}</mark>")
        position = match.end()
    pieces.append(html.escape(marked[position:], quote=False))
    return plain.replace(_OPEN, "").replace(_CLOSE, ""), "".join(pieces).replace(_OPEN, "").replace(
        _CLOSE, ""
    )
