"""The article list's model: a window over a listing, loaded a page at a time.

A :class:`Listing` says what the list shows (a sidebar filter or a search);
:class:`ArticleListModel` knows how many rows it has and loads pages of
:class:`~digest_app.records.ArticleHeader` (never bodies) in the background as
the view asks for them, keeping only the pages seen last. A library of 100,000
articles opens as fast as one of 100.

    model.set_listing(Listing("Unread", filter=ArticleFilter(unread=True)))
    model.set_listing(Listing("Search", query="小米 SU7", sort="relevance"))
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field
from html import unescape
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from digest_app.gui.library_thread import LibraryReader
from digest_app.records import ArticleHeader
from digest_app.store import ArticleFilter, Library

PAGE_SIZE = 100
#: Pages kept in memory; older ones are dropped and reloaded if scrolled back to.
MAX_CACHED_PAGES = 40
#: Pages reloaded when the listing changes underneath (a refresh brought news).
MAX_RELOADED_PAGES = 5

HeaderRole = Qt.ItemDataRole.UserRole + 1
SnippetRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3

_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


@dataclass(frozen=True)
class ListRow:
    """One row: the article's header and, in a search, its highlighted snippet."""

    header: ArticleHeader
    snippet_html: str | None = None


@dataclass(frozen=True)
class ListPage:
    offset: int
    rows: tuple[ListRow, ...]
    total: int | None
    description: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Listing:
    """What the article list shows: a filter over the library, or a search query."""

    title: str
    filter: ArticleFilter = field(default_factory=ArticleFilter)
    query: str | None = None
    sort: str = "newest"

    @property
    def is_search(self) -> bool:
        return self.query is not None

    def fetch(self, lib: Library, offset: int, limit: int, *, with_total: bool) -> ListPage:
        """One page of this listing (runs in the reader thread)."""
        if self.query is not None:
            results = lib.search.run(
                self.query, limit=limit, offset=offset, sort=self.sort, count=with_total  # type: ignore[arg-type]
            )
            rows = tuple(ListRow(hit.header, hit.snippet_html) for hit in results.hits)
            return ListPage(offset, rows, results.total, results.description, results.notes)
        headers = lib.articles.list(self.filter, limit=limit, offset=offset)
        total = lib.articles.count(self.filter) if with_total else None
        return ListPage(offset, tuple(ListRow(h) for h in headers), total)


def snippet_segments(snippet_html: str) -> list[tuple[str, bool]]:
    """A search snippet as ``(text, highlighted)`` pieces, for drawing without HTML.

    >>> snippet_segments("a <mark>SU7</mark> &amp; b")
    [('a ', False), ('SU7', True), (' & b', False)]
    """
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in _MARK.finditer(snippet_html):
        if match.start() > position:
            pieces.append((unescape(snippet_html[position : match.start()]), False))
        pieces.append((unescape(match.group(1)), True))
        position = match.end()
    if position < len(snippet_html):
        pieces.append((unescape(snippet_html[position:]), False))
    return pieces


class ArticleListModel(QAbstractListModel):
    """Rows of the current listing, loaded in pages through a :class:`LibraryReader`."""

    #: The first page of a new listing arrived (row count known).
    listingLoaded = Signal()
    #: A reload after a change (refresh, import) is about to replace the rows.
    aboutToReload = Signal()
    #: A reload after a change (refresh, import) replaced the rows.
    reloaded = Signal()
    #: A page failed to load: (message).
    loadFailed = Signal(str)

    def __init__(self, lib: Library, reader: LibraryReader, parent: Any = None) -> None:
        super().__init__(parent)
        self._lib = lib
        self._reader = reader
        self.listing: Listing | None = None
        self.total = 0
        self.description = ""
        self.notes: tuple[str, ...] = ()
        self.loaded = False
        self._pages: OrderedDict[int, tuple[ListRow, ...]] = OrderedDict()
        self._requested: set[int] = set()
        self._generation = 0

    # -- what to show ---------------------------------------------------------------

    def set_listing(self, listing: Listing) -> None:
        """Show *listing*: rows clear at once and the first page loads in the background."""
        self.beginResetModel()
        self.listing = listing
        self._generation += 1
        self._pages.clear()
        self._requested.clear()
        self.total = 0
        self.description = ""
        self.notes = ()
        self.loaded = False
        self.endResetModel()
        self._request_pages([0], reset=True)

    def reload(self) -> None:
        """Fetch the listing again (after a refresh or import) and swap the rows in
        at once, so the view can keep the selection and scroll position."""
        if self.listing is None:
            return
        recent = list(self._pages)[-MAX_RELOADED_PAGES:]
        self._request_pages(sorted(set(recent) | {0}), reset=True)

    # -- Qt model API -----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.total

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row(index.row())
        if row is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.header.title
        if role == HeaderRole:
            return row.header
        if role == SnippetRole:
            return row.snippet_html
        if role == IdRole:
            return row.header.id
        if role == Qt.ItemDataRole.ToolTipRole:
            # Every tag, for the chips a narrow list leaves out.
            tags = row.header.tags
            return f"{row.header.title}\nTags: {', '.join(tags)}" if tags else row.header.title
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    # -- rows -------------------------------------------------------------------------

    def row(self, number: int) -> ListRow | None:
        """Row *number* if its page is loaded; otherwise asks for the page and returns None."""
        if not 0 <= number < self.total:
            return None
        page_number = number // PAGE_SIZE
        page = self._pages.get(page_number)
        if page is None:
            self._request_pages([page_number])
            return None
        self._pages.move_to_end(page_number)
        offset = number - page_number * PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def header(self, number: int) -> ArticleHeader | None:
        row = self.row(number)
        return row.header if row is not None else None

    def row_of(self, article_id: int) -> int | None:
        """The row showing *article_id*, among the pages loaded."""
        for page_number, page in self._pages.items():
            for offset, row in enumerate(page):
                if row.header.id == article_id:
                    return page_number * PAGE_SIZE + offset
        return None

    def loaded_ids(self) -> list[int]:
        return [row.header.id for page in self._pages.values() for row in page]

    def update_articles(self, article_ids: list[int]) -> None:
        """Re-read the headers of these articles (after star, read, tag) and repaint them.

        The rows stay where they are even when they no longer match the listing
        (an article marked read stays in "Unread" until the listing is reloaded).
        """
        wanted = {i for i in article_ids if self.row_of(i) is not None}
        if not wanted:
            return
        fresh = {h.id: h for h in self._lib.articles.headers(sorted(wanted))}
        for page_number, page in list(self._pages.items()):
            changed = [k for k, row in enumerate(page) if row.header.id in fresh]
            if not changed:
                continue
            rows = list(page)
            for k in changed:
                rows[k] = ListRow(fresh[rows[k].header.id], rows[k].snippet_html)
            self._pages[page_number] = tuple(rows)
            first = page_number * PAGE_SIZE
            self.dataChanged.emit(self.index(first + min(changed)), self.index(first + max(changed)))

    # -- loading ----------------------------------------------------------------------

    def _request_pages(self, page_numbers: list[int], *, reset: bool = False) -> None:
        listing = self.listing
        if listing is None:
            return
        wanted = [p for p in page_numbers if reset or p not in self._requested]
        if not wanted:
            return
        self._requested.update(wanted)
        generation = self._generation

        def job(lib: Library) -> list[ListPage]:
            return [
                listing.fetch(lib, p * PAGE_SIZE, PAGE_SIZE, with_total=reset and p == wanted[0])
                for p in wanted
            ]

        self._reader.submit(
            job,
            lambda pages: self._pages_arrived(generation, pages, reset),
            lambda error: self._failed(generation, wanted, error),
            key=f"list:{generation}:reset" if reset else None,
        )

    def _pages_arrived(self, generation: int, pages: list[ListPage], reset: bool) -> None:
        if generation != self._generation:
            return
        if reset:
            first = pages[0]
            if self.loaded:
                self.aboutToReload.emit()
            self.beginResetModel()
            self._pages.clear()
            self._requested = {p.offset // PAGE_SIZE for p in pages}
            self.total = first.total or 0
            self.description = first.description
            self.notes = first.notes
            for page in pages:
                self._pages[page.offset // PAGE_SIZE] = page.rows
            was_loaded, self.loaded = self.loaded, True
            self.endResetModel()
            (self.reloaded if was_loaded else self.listingLoaded).emit()
            return
        for page in pages:
            number = page.offset // PAGE_SIZE
            self._pages[number] = page.rows
            if page.rows:
                self.dataChanged.emit(self.index(page.offset), self.index(page.offset + len(page.rows) - 1))
        while len(self._pages) > MAX_CACHED_PAGES:
            dropped, _ = self._pages.popitem(last=False)
            self._requested.discard(dropped)

    def _failed(self, generation: int, pages: list[int], error: Exception) -> None:
        if generation != self._generation:
            return
        self._requested.difference_update(pages)
        self.loadFailed.emit(str(error))
