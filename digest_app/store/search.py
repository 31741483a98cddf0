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
become SQL conditions on the index's narrow copy of each article's date, source,
language, flags and tags (``search_meta``). User text never reaches SQL or FTS5
syntax unquoted, so any query runs: what cannot be understood is dropped and
reported in :attr:`SearchResults.notes`.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from digest_app.errors import InputError, QueryError
from digest_app.records import ArticleHeader, SavedSearch, SearchHit
from digest_app.store import fts
from digest_app.store.articles import _HEADER_SELECT, header_from_row
from digest_app.store.cjk_terms import query_terms, split_unspaced
from digest_app.store.packing import unpack
from digest_app.store.query import Atom, Filter, Query, Term, parse
from digest_app.store.snippets import Highlighter, snippet
from digest_app.timestamps import from_db

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
_BM25 = "bm25(search_index, {})".format(", ".join(str(COLUMN_WEIGHTS[c]) for c in fts.COLUMNS))
_CJK_COLUMNS = "{cjk_head cjk_body}"

#: Relevance ranks at most this many matches: the most recently added ones.
RANK_WINDOW = 1000
#: Date filters bound the index's walk by article ID when they keep at most this share.
BOUNDED_SHARE = 0.15


@dataclass(frozen=True)
class SearchResults:
    """One page of results, with the total and what the query was understood as."""

    query: str
    hits: tuple[SearchHit, ...]
    #: How many articles match in all (None when the search was run with ``count=False``).
    total: int | None
    sort: Sort
    description: str
    notes: tuple[str, ...] = ()


#: Articles linked as copies of another story (``duplicate_links``) are not results:
#: the copy kept stands for them. The list is short and read once per statement.
_NOT_DUPLICATE = "NOT IN (SELECT article_id FROM duplicate_links)"
# A column of search_meta (alias m) in a condition.
_META_COLUMN = re.compile(r"\bm\.\w+")


@dataclass
class _Plan:
    """A query compiled for SQLite: an FTS5 expression to match and rank by (None
    when the query has no words), plus conditions on ``search_meta`` (alias
    ``m``) with their parameters."""

    match: str | None
    where: list[str]
    params: list[object]
    #: The same conditions with tags tested through lists SQLite can start from
    #: (``where`` tests each row, which is cheaper once something else drives).
    listed: list[str]
    #: Article IDs outside these cannot pass the date filters (see ``_bounded``).
    low: int = 0
    high: int = 2**63 - 1

    def where_sql(self, joiner: str = " WHERE ", *, listed: bool = False) -> str:
        where = [*(self.listed if listed else self.where), f"m.article_id {_NOT_DUPLICATE}"]
        return joiner + " AND ".join(where)

    @property
    def matches(self) -> str:
        """FROM and WHERE for the articles the words match, filtered: the index
        drives, and each match looks up its narrow ``search_meta`` row only when
        a filter tests more than the article's ID (tags, other words do not)."""
        bounded = f"search_index MATCH ? AND search_index.rowid BETWEEN {self.low} AND {self.high}"
        conditions = self.where_sql(" AND ")
        if not _META_COLUMN.search(conditions.replace("m.article_id", "")):
            return f"FROM search_index WHERE {bounded}{conditions.replace('m.article_id', 'search_index.rowid')}"
        return (
            "FROM search_index CROSS JOIN search_meta m ON m.article_id = search_index.rowid"
            f" WHERE {bounded}{conditions}"
        )


class SearchStore:
    """Search the library. Reached as ``lib.search``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib
        self._highlighter: Highlighter | None = None

    def run(
        self,
        query: str | Query,
        *,
        limit: int = 50,
        offset: int = 0,
        sort: Sort = "relevance",
        count: bool = True,
    ) -> SearchResults:
        """One page of articles matching *query*, best or newest first.

        A query with no words (only filters, or only exclusions) lists its
        articles newest first. Relevance ranks the :data:`RANK_WINDOW` most
        recently added matches (all of them, unless a query matches more; the
        notes say so). With ``count=False`` the total is left out, which can
        halve the time of a broad filtered search: show the page, then ask
        :meth:`count`. Raises :class:`QueryError` only when the query holds
        nothing to search for at all.
        """
        if sort not in SORTS:
            raise InputError(f"unknown sort order {sort!r}: use relevance or newest")
        parsed = self._parsed(query)
        plan = self._bounded(_compile(parsed), parsed)
        notes = parsed.notes + self._missing_labels(parsed)
        total = self._count(plan) if count else None
        if plan.match is None:
            # Walking the date index finds a page soonest when the filters pass
            # a fair share of the library; otherwise start from their lists.
            broad = self._at_least(plan, self._library_size() // 100, total)
            scored = [(i, 0.0) for i in self._newest(plan, limit, offset, walk=broad)]
        elif sort == "relevance":
            scored, window_full = self._best(plan, limit, offset)
            if total is not None and total > RANK_WINDOW:
                notes += (
                    f"ranked the {RANK_WINDOW:,} most recently added of {total:,} matches; "
                    "add words or filters to rank them all",
                )
            elif total is None and window_full:
                notes += (
                    f"ranked the {RANK_WINDOW:,} most recently added matches (there may be "
                    "more); add words or filters to rank them all",
                )
        else:
            # Sorting every match by date costs about half a microsecond a
            # match; walking the date index and asking the index about each
            # article about fifteen, but it stops after one page. The walk wins
            # when the words are in more than sqrt(30 * page * size) articles.
            walk_from = int((30 * (offset + limit) * self._library_size()) ** 0.5)
            broad = self._at_least(plan, walk_from, total)
            scored = [(i, 0.0) for i in self._newest_matching(plan, limit, offset, walk=broad)]
        ids = [i for i, _ in scored]
        if plan.match is not None and sort == "newest":
            scores = self._scores(plan, ids)
            scored = [(i, scores.get(i, 0.0)) for i in ids]
        headers = self._headers(ids)
        snippets = self._snippets(parsed, ids)
        hits = [
            SearchHit(headers[i], score, *snippets[i]) for i, score in scored if i in headers
        ]
        return SearchResults(
            query=parsed.text,
            hits=tuple(hits),
            total=total,
            sort=sort,
            description=parsed.describe(),
            notes=notes,
        )

    def count(self, query: str | Query) -> int:
        """How many articles match *query* (for smart-folder badges)."""
        parsed = self._parsed(query)
        return self._count(self._bounded(_compile(parsed), parsed))

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

    def _count(self, plan: _Plan, at_most: int | None = None) -> int:
        """How many articles match, counting no further than *at_most*."""
        if plan.match is None:
            sql, params = f"SELECT 1 FROM search_meta m{plan.where_sql(listed=True)}", plan.params
        else:
            sql, params = f"SELECT 1 {plan.matches}", [plan.match, *plan.params]
        if at_most is not None:
            sql += f" LIMIT {int(at_most)}"
        return self._lib.query(f"SELECT count(*) FROM ({sql})", tuple(params))[0][0]

    def _at_least(self, plan: _Plan, n: int, total: int | None) -> bool:
        return (total if total is not None else self._count(plan, at_most=n)) >= n

    def _best(self, plan: _Plan, limit: int, offset: int) -> tuple[list[tuple[int, float]], bool]:
        """The best matches by BM25 among the RANK_WINDOW most recently added,
        and whether the window was full (so that there may be more matches).

        FTS5 must score every match it ranks (about 2 µs each); scoring a
        bounded window keeps a search for a word in every article as fast as
        one for a rare word. The window is walked newest rowid first, which the
        index does natively, and only rows that pass the filters are scored.
        """
        rows = self._lib.query(
            f"""SELECT id, score, count(*) OVER () AS scored FROM (
                    SELECT search_index.rowid AS id, {_BM25} AS score {plan.matches}
                    ORDER BY search_index.rowid DESC LIMIT {RANK_WINDOW})
                ORDER BY score, id DESC LIMIT ? OFFSET ?""",
            (plan.match, *plan.params, limit, offset),
        )
        full = bool(rows) and rows[0]["scored"] >= RANK_WINDOW
        return [(r["id"], -r["score"]) for r in rows], full

    def _newest(self, plan: _Plan, limit: int, offset: int, *, walk: bool) -> list[int]:
        """Articles passing the filters alone, newest first: by walking the date
        index and testing each article, or from the filters' lists, sorted."""
        if walk:
            source, where = "search_meta m INDEXED BY search_meta_date", plan.where_sql()
        else:
            source, where = "search_meta m", plan.where_sql(listed=True)
        rows = self._lib.query(
            f"SELECT m.article_id FROM {source}{where}"
            " ORDER BY m.sort_date DESC, m.article_id DESC LIMIT ? OFFSET ?",
            (*plan.params, limit, offset),
        )
        return [r[0] for r in rows]

    def _bounded(self, plan: _Plan, parsed: Query) -> _Plan:
        """*plan* with the range of article IDs its required date filters allow.

        Articles mostly arrive in date order, so ``after:7d`` allows only the
        last few IDs, and bounding the index's walk to them spares it every
        older match. The bound is exact (the highest or lowest ID among the
        articles in the date range), found by reading the date index over that
        range (0.2 µs an article): done only when the range looks like a small
        share of the library.
        """
        if plan.match is None:
            return plan
        dates = [
            a for g in parsed.groups if len(g) == 1 for a in g
            if isinstance(a, Filter) and a.field in ("after", "before")
        ]
        if not dates:
            return plan
        first, last = self._lib.query(
            "SELECT (SELECT min(sort_date) FROM search_meta), (SELECT max(sort_date) FROM search_meta)"
        )[0]
        if first is None:
            return plan
        low, high = plan.low, plan.high
        for atom in dates:
            share = _date_share(first, last, atom.value, after=atom.field == "after")
            if share > BOUNDED_SHARE:
                continue
            # INDEXED BY: left alone, SQLite looks for min(article_id) in ID order.
            if atom.field == "after":
                sql = "SELECT min(article_id) FROM search_meta INDEXED BY search_meta_date WHERE sort_date >= ?"
            else:
                sql = "SELECT max(article_id) FROM search_meta INDEXED BY search_meta_date WHERE sort_date < ?"
            bound = self._lib.query(sql, (atom.value,))[0][0]
            if bound is None:
                return dataclasses.replace(plan, low=1, high=0)  # nothing in the range
            low, high = (max(low, bound), high) if atom.field == "after" else (low, min(high, bound))
        return dataclasses.replace(plan, low=low, high=high)

    def _library_size(self) -> int:
        # The highest ID: a close, constant-time stand-in for the number of articles.
        return self._lib.query("SELECT max(article_id) FROM search_meta")[0][0] or 0

    def _newest_matching(self, plan: _Plan, limit: int, offset: int, *, walk: bool) -> list[int]:
        """Matching articles newest first: by walking the date index and asking
        the index about each article, or by sorting all matches by date.

        A prefix costs the index about a millisecond to set up, too much to
        repeat per article; the walk then tests against the list of matches.
        """
        if walk:
            if "*" in plan.match:
                matched = "m.article_id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
            else:
                matched = (
                    "EXISTS (SELECT 1 FROM search_index"
                    " WHERE search_index MATCH ? AND rowid = m.article_id)"
                )
            where = [*plan.where, f"m.article_id {_NOT_DUPLICATE}", matched]
            sql = (
                f"SELECT m.article_id FROM search_meta m WHERE {' AND '.join(where)}"
                " ORDER BY m.sort_date DESC, m.article_id DESC LIMIT ? OFFSET ?"
            )
            params: tuple = (*plan.params, plan.match, limit, offset)
        else:
            # CROSS JOIN even without filters: the sort needs each match's date.
            sql = (
                "SELECT m.article_id FROM search_index CROSS JOIN search_meta m"
                " ON m.article_id = search_index.rowid WHERE search_index MATCH ?"
                f" AND search_index.rowid BETWEEN {plan.low} AND {plan.high}"
                f"{plan.where_sql(' AND ')} ORDER BY m.sort_date DESC, m.article_id DESC"
                " LIMIT ? OFFSET ?"
            )
            params = (plan.match, *plan.params, limit, offset)
        return [r[0] for r in self._lib.query(sql, params)]

    def _scores(self, plan: _Plan, ids: list[int]) -> dict[int, float]:
        """BM25 scores of a page of matches found in date order.

        One statement for the page: the expression is evaluated once (a prefix
        costs a millisecond to set up) over the page's rowid range, and ``+rowid
        IN`` keeps SQLite from turning the list into one index lookup per article.
        """
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._lib.query(
            f"""SELECT rowid, {_BM25} FROM search_index
                WHERE search_index MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN ({marks})""",
            (plan.match, min(ids), max(ids), *ids),
        )
        return {r[0]: -r[1] for r in rows}

    def _snippets(self, parsed: Query, ids: list[int]) -> dict[int, tuple[str, str]]:
        """The snippet of each article of a page: where the query's words are in
        its text (see :mod:`digest_app.store.snippets`), or its opening."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        terms = parsed.terms
        rows = self._lib.query(f"SELECT id, text FROM articles WHERE id IN ({marks})", tuple(ids))
        texts = [unpack(r[1]) for r in rows]
        if not terms:
            return {r[0]: snippet(text) for r, text in zip(rows, texts)}
        if self._highlighter is None:
            self._highlighter = Highlighter()
        spans = self._highlighter.spans(terms, texts)
        return {r[0]: snippet(text, found) for r, text, found in zip(rows, texts, spans)}

    def _headers(self, ids: list[int]) -> dict[int, ArticleHeader]:
        # Not ArticleStore.headers(): its date ordering makes SQLite walk the date
        # index past every article instead of looking up these few.
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._lib.query(f"{_HEADER_SELECT} WHERE a.id IN ({marks})", tuple(ids))
        return {r["id"]: header_from_row(r) for r in rows}

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
                sql, params = _source_condition(atom.value)
                if not self._lib.query(f"SELECT 1 FROM sources WHERE {sql} LIMIT 1", tuple(params)):
                    notes.append(f"no source matches {atom.value!r}")
        return tuple(notes)


# -- compiling a parsed query --------------------------------------------------------


def _compile(query: Query) -> _Plan:
    match_groups: list[str] = []
    where: list[str] = []
    listed: list[str] = []
    params: list[object] = []
    for group in query.groups:
        if all(isinstance(a, Term) for a in group):
            match_groups.append(_any_of([_term_expression(a) for a in group]))  # type: ignore[arg-type]
            continue
        for style, conditions in ((False, where), (True, listed)):
            conditions.append("(" + " OR ".join(_condition(a, listed=style)[0] for a in group) + ")")
        params.extend(p for atom in group for p in _condition(atom)[1])
    excluded_terms = [_term_expression(a) for a in query.excluded if isinstance(a, Term)]
    for atom in query.excluded:
        if isinstance(atom, Filter):
            where.append(f"NOT {_condition(atom)[0]}")
            listed.append(f"NOT {_condition(atom, listed=True)[0]}")
            params.extend(_condition(atom)[1])
    if match_groups:
        match_groups += _tag_prefilters(query)
    match = " AND ".join(match_groups) if match_groups else None
    if excluded_terms and match is not None:
        match = f"({match}) NOT {_any_of(excluded_terms)}"
    elif excluded_terms:
        without = "m.article_id NOT IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)"
        where.append(without)
        listed.append(without)
        params.append(" OR ".join(excluded_terms))
    return _Plan(match, where, params, listed)


def _date_share(first: str, last: str, moment: str, *, after: bool) -> float:
    """Roughly what share of the library lies after (or before) *moment*, judging
    by the first and last dates alone (stored timestamps, as text)."""
    start, end, at = (from_db(t).timestamp() for t in (first, last, moment))
    if end <= start:
        return 1.0
    before = min(max((at - start) / (end - start), 0.0), 1.0)
    return 1.0 - before if after else before


def _tag_prefilters(query: Query) -> list[str]:
    """Index-side conditions for required tags: the tags column must hold the name.

    Exact only with the SQL condition that stays beside it, but they let the
    index intersect its lists before any row is looked up, so that
    ``tag:Rumors xiaomi`` does not visit every article saying xiaomi.
    """
    return [
        f"{{tags}} : {_quote(atom.value)}"
        for group in query.groups
        if len(group) == 1
        for atom in group
        if isinstance(atom, Filter) and atom.field == "tag" and any(c.isalnum() for c in atom.value)
    ]


def _condition(atom: Atom, *, listed: bool = False) -> tuple[str, list[object]]:
    """SQL on ``search_meta m`` that is true when the article matches *atom*.

    A tag is tested per article (one primary-key lookup), or when *listed*
    through the list of its articles, from which SQLite can start.
    """
    if isinstance(atom, Term):
        return "m.article_id IN (SELECT rowid FROM search_index WHERE search_index MATCH ?)", [
            _term_expression(atom)
        ]
    if atom.field == "tag" and listed:
        return (
            "m.article_id IN (SELECT at.article_id FROM article_tags at"
            " WHERE at.tag_id = (SELECT id FROM tags WHERE name = ?))",
            [atom.value],
        )
    if atom.field == "tag":
        return (
            "EXISTS (SELECT 1 FROM article_tags at WHERE at.article_id = m.article_id"
            " AND at.tag_id = (SELECT id FROM tags WHERE name = ?))",
            [atom.value],
        )
    if atom.field == "source":
        sql, params = _source_condition(atom.value)
        return f"m.source_id IN (SELECT id FROM sources WHERE {sql})", params
    if atom.field == "is":
        return {
            "unread": ("m.is_read = 0", []),
            "read": ("m.is_read = 1", []),
            "starred": ("m.is_starred = 1", []),
            "unstarred": ("m.is_starred = 0", []),
        }[atom.value]
    if atom.field == "after":
        return "m.sort_date >= ?", [atom.value]
    if atom.field == "before":
        return "m.sort_date < ?", [atom.value]
    return "(m.language = ? COLLATE NOCASE OR m.language LIKE ?)", [atom.value, atom.value + "-%"]


def _source_condition(text: str) -> tuple[str, list[object]]:
    """Sources whose title or address contains *text* (any case), or whose ID it is."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    sql = "(title LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\'"
    params: list[object] = [pattern, pattern]
    if text.isdigit():
        sql += " OR id = ?"
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
