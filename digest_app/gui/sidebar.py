"""The sidebar: smart folders, sources, tags, saved searches and digests, with counts.

Counts are computed in the background (:func:`load_sidebar` runs in the
library reader thread) and applied in place, so the selection never jumps.
Every item has a key that names what it lists:

    all  unread  starred  today  source:<id>  tag:<name>  search:<name>  digest:<id>
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QTreeView, QWidget

from digest_app.errors import DigestError
from digest_app.gui.formatting import local_midnight_utc, long_date
from digest_app.gui.icons import icon
from digest_app.gui.theme import current_theme
from digest_app.records import SavedSearch, Source, Tag
from digest_app.store import ArticleFilter, Library
from digest_app.urls import is_web_url

KeyRole = Qt.ItemDataRole.UserRole + 10
CountRole = Qt.ItemDataRole.UserRole + 11
ErrorRole = Qt.ItemDataRole.UserRole + 12
ColorRole = Qt.ItemDataRole.UserRole + 13
SectionRole = Qt.ItemDataRole.UserRole + 14

SMART_FOLDERS = (("all", "All articles", "inbox"), ("unread", "Unread", "unread"), ("starred", "Starred", "star"), ("today", "Today", "today"))
SECTIONS = (("library", "Library"), ("sources", "Sources"), ("tags", "Tags"), ("searches", "Saved searches"), ("digests", "Digests"))


@dataclass(frozen=True)
class SidebarSnapshot:
    """Everything the sidebar shows, read in one go."""

    all: int
    unread: int
    starred: int
    today: int
    sources: tuple[Source, ...]
    tags: tuple[Tag, ...]
    searches: tuple[tuple[SavedSearch, int | None], ...]
    digests: tuple[tuple[int, str, datetime], ...]

    @property
    def is_empty(self) -> bool:
        """A library with nothing in it: the first-run panel shows instead."""
        return self.all == 0 and not self.sources

    @property
    def tag_colors(self) -> dict[str, str | None]:
        return {t.name: t.color for t in self.tags}


def load_sidebar(lib: Library, now: datetime | None = None) -> SidebarSnapshot:
    """Read the sidebar's counts (runs in the library reader thread)."""
    searches = []
    for saved in lib.saved_searches.list():
        try:
            searches.append((saved, lib.search.count(saved.query)))
        except DigestError:
            searches.append((saved, None))
    return SidebarSnapshot(
        all=lib.articles.count(),
        unread=lib.articles.count(ArticleFilter(unread=True)),
        starred=lib.articles.count(ArticleFilter(starred=True)),
        today=lib.articles.count(ArticleFilter(since=local_midnight_utc(now))),
        sources=tuple(lib.sources.list()),
        tags=tuple(lib.tags.list()),
        searches=tuple(searches),
        digests=tuple(lib.digests.list()),
    )


class SidebarDelegate(QStyledItemDelegate):
    """Draws an icon (or a tag's colour), the name, an error mark and a count badge."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        metrics = QFontMetrics(option.font)
        extra = 14 if index.data(SectionRole) else 10
        return QSize(160, metrics.height() + extra)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        theme = current_theme()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        if index.data(SectionRole):
            font = QFont(option.font)
            font.setBold(True)
            font.setPointSizeF(max(7.0, font.pointSizeF() * 0.82))
            font.setCapitalization(QFont.Capitalization.AllUppercase)
            font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
            painter.setFont(font)
            painter.setPen(QColor(theme.muted))
            painter.drawText(rect.adjusted(14, 6, -8, 0), Qt.AlignmentFlag.AlignVCenter, index.data(Qt.ItemDataRole.DisplayRole))
            painter.restore()
            return
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            path = QPainterPath()
            path.addRoundedRect(rect.adjusted(6, 1, -6, -1), 6, 6)
            painter.fillPath(path, option.palette.color(QPalette.ColorRole.Highlight))
        left = rect.left() + 14
        size = 16
        icon_rect = QRect(left, rect.top() + (rect.height() - size) // 2, size, size)
        color = index.data(ColorRole)
        if index.data(KeyRole) and str(index.data(KeyRole)).startswith("tag:"):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color or theme.muted))
            painter.drawEllipse(icon_rect.adjusted(3, 3, -3, -3))
        else:
            item_icon = index.data(Qt.ItemDataRole.DecorationRole)
            if item_icon is not None:
                item_icon.paint(painter, icon_rect)
        text_left = left + size + 8
        right = rect.right() - 12
        count = index.data(CountRole)
        metrics = QFontMetrics(option.font)
        if count:
            text = f"{count:,}"
            badge_width = metrics.horizontalAdvance(text) + 12
            badge = QRect(right - badge_width, rect.top() + (rect.height() - metrics.height()) // 2, badge_width, metrics.height())
            path = QPainterPath()
            path.addRoundedRect(badge, badge.height() / 2, badge.height() / 2)
            painter.fillPath(path, QColor(theme.badge))
            painter.setPen(QColor(theme.badge_text))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
            right = badge.left() - 6
        if index.data(ErrorRole):
            warning = icon("warning", color=theme.error)
            warning.paint(painter, QRect(right - 14, rect.top() + (rect.height() - 14) // 2, 14, 14))
            right -= 20
        painter.setPen(QColor(theme.selection_text if selected else theme.text))
        painter.setFont(option.font)
        name = metrics.elidedText(index.data(Qt.ItemDataRole.DisplayRole) or "", Qt.TextElideMode.ElideRight, right - text_left)
        painter.drawText(QRect(text_left, rect.top(), right - text_left, rect.height()), Qt.AlignmentFlag.AlignVCenter, name)
        painter.restore()


class Sidebar(QTreeView):
    """The sidebar view. ``selectionKeyChanged(key)`` fires when the user picks an item."""

    selectionKeyChanged = Signal(str)
    contextMenuForKey = Signal(str, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(0)
        self.setItemsExpandable(False)
        self.setUniformRowHeights(False)
        self.setFrameShape(QTreeView.Shape.NoFrame)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setItemDelegate(SidebarDelegate(self))
        self.customContextMenuRequested.connect(self._context_menu)
        self.items = QStandardItemModel(self)
        self.setModel(self.items)
        self._sections: dict[str, QStandardItem] = {}
        for key, title in SECTIONS:
            section = QStandardItem(title)
            section.setData(True, SectionRole)
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.items.appendRow(section)
            self._sections[key] = section
        for key, title, icon_name in SMART_FOLDERS:
            self._sections["library"].appendRow(_item(key, title, icon_name))
        self.expandAll()
        self._updating = False
        self._reselect = ""
        self.snapshot: SidebarSnapshot | None = None
        self.selectionModel().currentChanged.connect(self._current_changed)

    # -- selection --------------------------------------------------------------------

    def current_key(self) -> str:
        index = self.currentIndex()
        return str(index.data(KeyRole) or "") if index.isValid() else ""

    def select_key(self, key: str) -> bool:
        """Select the item with *key*; emits ``selectionKeyChanged`` like a click."""
        index = self._index_of(key)
        if index is None:
            return False
        self.setCurrentIndex(index)
        return True

    def clear_selection_quietly(self) -> None:
        self._updating = True
        self.selectionModel().clear()
        self._updating = False

    def rename_key(self, old: str, new: str) -> None:
        """An item now lists something under another key (a tag renamed): keep it selected."""
        item = self.item_for(old)
        if item is not None:
            item.setData(new, KeyRole)

    def item_for(self, key: str) -> QStandardItem | None:
        index = self._index_of(key)
        return self.items.itemFromIndex(index) if index is not None else None

    def _index_of(self, key: str) -> QModelIndex | None:
        for section in self._sections.values():
            for row in range(section.rowCount()):
                child = section.child(row)
                if child.data(KeyRole) == key:
                    return child.index()
        return None

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._updating or not current.isValid():
            return
        key = current.data(KeyRole)
        if key:
            self.selectionKeyChanged.emit(str(key))

    def _context_menu(self, position: QPoint) -> None:
        index = self.indexAt(position)
        key = index.data(KeyRole) if index.isValid() else None
        if key:
            self.contextMenuForKey.emit(str(key), self.viewport().mapToGlobal(position))

    # -- contents ---------------------------------------------------------------------

    def apply(self, snapshot: SidebarSnapshot) -> None:
        """Show new counts and items, keeping the selected item selected."""
        self.snapshot = snapshot
        selected = self.current_key() or self._reselect
        self._reselect = ""
        self._updating = True
        try:
            library = self._sections["library"]
            for row, count in enumerate((snapshot.all, snapshot.unread, snapshot.starred, snapshot.today)):
                library.child(row).setData(count, CountRole)
            self._fill(
                "sources",
                [
                    _item(
                        f"source:{s.id}",
                        s.title,
                        "feed" if s.kind == "feed" else "file",
                        count=s.unread_count,
                        error=s.last_error,
                        tooltip=_source_tooltip(s),
                    )
                    for s in snapshot.sources
                ],
            )
            self._fill(
                "tags",
                [_item(f"tag:{t.name}", t.name, "tag", count=t.count, color=t.color, tooltip=f"{t.name}: {t.count:,} articles") for t in snapshot.tags],
            )
            self._fill(
                "searches",
                [
                    _item(f"search:{s.name}", s.name, "saved-search", count=n, tooltip=s.query)
                    for s, n in snapshot.searches
                ],
            )
            self._fill(
                "digests",
                [
                    # Digests of one period share a title: the tooltip tells them apart.
                    _item(f"digest:{i}", title, "digest", tooltip=f"{title}\nMade {long_date(made)}")
                    for i, title, made in snapshot.digests
                ],
            )
            for key, section in self._sections.items():
                self.setRowHidden(section.row(), QModelIndex(), key != "library" and section.rowCount() == 0 and key not in ("sources", "tags"))
            self.expandAll()
            if selected:
                index = self._index_of(selected)
                if index is not None:
                    self.setCurrentIndex(index)
        finally:
            self._updating = False
        if selected and self._index_of(selected) is None:
            # What was selected is gone (a tag deleted, a source removed).
            self.select_key("all")

    def retheme(self) -> None:
        """Redraw icons in the new theme's colours (items are rebuilt on the next :meth:`apply`)."""
        library = self._sections["library"]
        for row, (_key, _title, icon_name) in enumerate(SMART_FOLDERS):
            library.child(row).setIcon(icon(icon_name))
        self._reselect = self.current_key()
        self._updating = True
        try:
            for key, section in self._sections.items():
                if key != "library":
                    section.removeRows(0, section.rowCount())
        finally:
            self._updating = False

    def _fill(self, section_key: str, items: list[QStandardItem]) -> None:
        section = self._sections[section_key]
        existing = {section.child(r).data(KeyRole): r for r in range(section.rowCount())}
        if [i.data(KeyRole) for i in items] == list(existing):
            for row, item in enumerate(items):
                child = section.child(row)
                for role in (Qt.ItemDataRole.DisplayRole, CountRole, ErrorRole, ColorRole, Qt.ItemDataRole.ToolTipRole):
                    if child.data(role) != item.data(role):
                        child.setData(item.data(role), role)
            return
        section.removeRows(0, section.rowCount())
        for item in items:
            section.appendRow(item)


def _item(
    key: str,
    title: str,
    icon_name: str,
    *,
    count: int | None = None,
    error: str | None = None,
    color: str | None = None,
    tooltip: str | None = None,
) -> QStandardItem:
    item = QStandardItem(icon(icon_name), title)
    item.setData(key, KeyRole)
    item.setData(count, CountRole)
    item.setData(error, ErrorRole)
    item.setData(color, ColorRole)
    item.setData(tooltip, Qt.ItemDataRole.ToolTipRole)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item


def _source_tooltip(source: Source) -> str:
    lines = [source.title, source.url if is_web_url(source.url) else ""]
    lines.append(f"{source.article_count:,} articles, {source.unread_count:,} unread")
    if source.last_error:
        lines.append(f"Last error: {source.last_error}")
    return "\n".join(line for line in lines if line)
