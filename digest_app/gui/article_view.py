"""The article list: a view over :class:`ArticleListModel` and the delegate that draws rows.

Each row shows the title (bold while unread, with a dot), the source, the date
and the tags; in a search, a third line shows the matching passage with the
query's words highlighted. The view keeps the user's selection and scroll
position when the model reloads underneath it (a refresh brought news).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from digest_app.gui.article_model import HeaderRole, SnippetRole, ArticleListModel, snippet_segments
from digest_app.gui.formatting import short_date
from digest_app.gui.theme import Theme, current_theme
from digest_app.records import ArticleHeader

_PAD_X = 14
_PAD_Y = 8
_GAP = 3
_DOT = 7
_MAX_CHIPS = 3


@dataclass(frozen=True)
class MetaLine:
    """A row's second line as laid out: the source (elided to ``source_width``), the tag
    chips shown and their widths, and the "+N" marker for the tags left out ("" if none)."""

    source: str
    source_width: int
    chips: tuple[str, ...]
    chip_widths: tuple[int, ...]
    more: str


class ArticleDelegate(QStyledItemDelegate):
    """Draws one article row; knows tag colours so chips match the sidebar."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tag_colors: dict[str, str] = {}
        self.search_mode = False

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        base = QFontMetrics(option.font)
        small = QFontMetrics(_small(option.font))
        lines = base.height() + _GAP + small.height()
        if self.search_mode:
            lines += _GAP + small.height() * 2
        return QSize(200, lines + 2 * _PAD_Y + 1)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        theme = current_theme()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, option.palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(QColor(theme.border))
        painter.drawLine(rect.left() + _PAD_X, rect.bottom(), rect.right(), rect.bottom())
        header: ArticleHeader | None = index.data(HeaderRole)
        if header is None:
            self._paint_placeholder(painter, option, theme)
            painter.restore()
            return
        text_color = QColor(theme.selection_text if selected else theme.text)
        muted = QColor(theme.muted)
        left = rect.left() + _PAD_X + _DOT + 6
        right = rect.right() - _PAD_X
        y = rect.top() + _PAD_Y

        title_font = QFont(option.font)
        title_font.setBold(not header.is_read)
        title_metrics = QFontMetrics(title_font)
        if not header.is_read:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(theme.accent))
            dot_y = y + (title_metrics.height() - _DOT) // 2
            painter.drawEllipse(rect.left() + _PAD_X - 2, dot_y, _DOT, _DOT)
        star_width = 0
        if header.is_starred:
            star_width = title_metrics.height() + 4
            painter.setPen(QColor(theme.accent))
            painter.setFont(title_font)
            painter.drawText(
                QRect(right - title_metrics.height(), y, title_metrics.height(), title_metrics.height()),
                Qt.AlignmentFlag.AlignCenter,
                "★",
            )
        painter.setFont(title_font)
        painter.setPen(text_color)
        title = title_metrics.elidedText(header.title, Qt.TextElideMode.ElideRight, right - left - star_width)
        painter.drawText(QRect(left, y, right - left - star_width, title_metrics.height()), Qt.AlignmentFlag.AlignVCenter, title)
        y += title_metrics.height() + _GAP

        small_font = _small(option.font)
        small = QFontMetrics(small_font)
        painter.setFont(small_font)
        date = short_date(header.published or header.fetched)
        date_width = small.horizontalAdvance(date)
        painter.setPen(muted)
        painter.drawText(QRect(right - date_width, y, date_width, small.height()), Qt.AlignmentFlag.AlignVCenter, date)
        line = self.meta_line(header, small, right - date_width - 16 - left)
        painter.drawText(QRect(left, y, line.source_width, small.height()), Qt.AlignmentFlag.AlignVCenter, line.source)
        x = left + small.horizontalAdvance(line.source) + 10
        for name, width in zip(line.chips, line.chip_widths):
            self._paint_chip(painter, QRect(x, y, width, small.height()), name, theme)
            x += width + 6
        if line.more:
            painter.setPen(muted)
            painter.drawText(QRect(x, y, small.horizontalAdvance(line.more), small.height()), Qt.AlignmentFlag.AlignVCenter, line.more)
        y += small.height() + _GAP

        snippet = index.data(SnippetRole)
        if self.search_mode and snippet:
            self._paint_snippet(painter, QRect(left, y, right - left, small.height() * 2), snippet, small_font, theme, selected)
        painter.restore()

    def meta_line(self, header: ArticleHeader, metrics: QFontMetrics, width: int) -> MetaLine:
        """How a row's second line (source, tag chips) fits in *width* pixels beside the date.

        The source keeps at least 80 pixels (or its whole name, if shorter); chips that
        do not fit after it are dropped from the end and counted in a "+N" marker, so
        the reader knows there are more (the row's tooltip names them all).
        """
        source = header.source_title
        if header.duplicates:
            # The same story from other sources is folded into this row.
            source += f"  +{header.duplicates} more"
        chips = list(header.tags[:_MAX_CHIPS])
        chip_widths = [metrics.horizontalAdvance(name) + 12 for name in chips]

        def room_for_source() -> int:
            hidden = len(header.tags) - len(chips)
            more = metrics.horizontalAdvance(f"+{hidden}") + 6 if hidden else 0
            return width - sum(chip_widths) - 6 * len(chips) - more

        while chips and room_for_source() < min(80, metrics.horizontalAdvance(source)):
            chips.pop()
            chip_widths.pop()
        room = max(0, room_for_source())
        hidden = len(header.tags) - len(chips)
        return MetaLine(
            source=metrics.elidedText(source, Qt.TextElideMode.ElideRight, room),
            source_width=room,
            chips=tuple(chips),
            chip_widths=tuple(chip_widths),
            more=f"+{hidden}" if hidden else "",
        )

    def _paint_chip(self, painter: QPainter, rect: QRect, name: str, theme: Theme) -> None:
        color = self.tag_colors.get(name)
        fill = QColor(color) if color else QColor(theme.chip)
        if color:
            fill.setAlpha(60 if not theme.dark else 90)
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(0, 1, 0, -1), 6, 6)
        painter.fillPath(path, fill)
        painter.setPen(QColor(theme.chip_text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, name)

    def _paint_snippet(
        self, painter: QPainter, rect: QRect, snippet_html: str, font: QFont, theme: Theme, selected: bool
    ) -> None:
        metrics = QFontMetrics(font)
        height = metrics.height()
        plain = QColor(theme.selection_text if selected else theme.muted)
        for line, runs in enumerate(_wrap_runs(snippet_html, metrics, rect.width(), max_lines=2)):
            y = rect.top() + line * height
            for x, text, marked in runs:
                width = metrics.horizontalAdvance(text)
                if marked:
                    painter.fillRect(QRect(rect.left() + x, y + 1, width, height - 2), QColor(theme.mark))
                    painter.setPen(QColor(theme.mark_text))
                else:
                    painter.setPen(plain)
                painter.drawText(QRect(rect.left() + x, y, width + 1, height), Qt.AlignmentFlag.AlignVCenter, text)

    def _paint_placeholder(self, painter: QPainter, option: QStyleOptionViewItem, theme: Theme) -> None:
        rect = option.rect
        metrics = QFontMetrics(option.font)
        bar = QColor(theme.border)
        bar.setAlpha(120)
        left = rect.left() + _PAD_X + _DOT + 6
        painter.fillRect(QRect(left, rect.top() + _PAD_Y + 3, rect.width() // 2, metrics.height() - 6), bar)
        painter.fillRect(
            QRect(left, rect.top() + _PAD_Y + metrics.height() + _GAP + 3, rect.width() // 4, metrics.height() - 8), bar
        )


def _small(font: QFont) -> QFont:
    small = QFont(font)
    size = font.pointSizeF()
    if size > 0:
        small.setPointSizeF(max(7.0, size * 0.88))
    else:
        small.setPixelSize(max(9, round(font.pixelSize() * 0.88)))
    return small


def _wrap_runs(
    snippet_html: str, metrics: QFontMetrics, width: int, *, max_lines: int
) -> list[list[tuple[int, str, bool]]]:
    """A snippet wrapped into lines of ``(x, text, highlighted)`` runs, one run per
    stretch of same-highlight words, so that a row costs a few draw calls."""
    lines: list[list[tuple[int, str, bool]]] = [[]]
    x = 0
    run_x, run_text, run_marked = 0, "", False
    for text, marked in snippet_segments(snippet_html):
        for word in _words_with_spaces(text):
            advance = metrics.horizontalAdvance(word)
            if x + advance > width and x > 0:
                if run_text:
                    lines[-1].append((run_x, run_text, run_marked))
                if len(lines) == max_lines:
                    return lines
                lines.append([])
                word = word.lstrip()
                advance = metrics.horizontalAdvance(word)
                x, run_x, run_text = 0, 0, ""
            if marked != run_marked and run_text:
                lines[-1].append((run_x, run_text, run_marked))
                run_x, run_text = x, ""
            if not run_text:
                run_x, run_marked = x, marked
            run_text += word
            x += advance
    if run_text:
        lines[-1].append((run_x, run_text, run_marked))
    return lines


def _words_with_spaces(text: str) -> list[str]:
    """Pieces to wrap at: each word with the spaces before it; CJK text by character."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if char == " " and current.strip():
            pieces.append(current)
            current = char
        elif ord(char) >= 0x2E80:
            if current:
                pieces.append(current)
            pieces.append(char)
            current = ""
        else:
            current += char
    if current:
        pieces.append(current)
    return pieces


LAYOUT_BATCH = 1000


@dataclass(frozen=True)
class _ViewAnchor:
    current: int | None
    selected: tuple[int, ...]
    top: int | None
    top_offset: int


class ArticleListView(QListView):
    """The list of articles. ``currentArticleChanged(id or None)`` fires when the current row changes."""

    currentArticleChanged = Signal(object)  # article ID or None
    selectionChangedIds = Signal()

    def __init__(self, model: ArticleListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("articleList")
        self.article_model = model
        self.delegate = ArticleDelegate(self)
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setUniformItemSizes(True)
        # Laying out 100,000 rows asks the model for its row count twice per row:
        # in batches, no single step freezes the window (a page shows at once).
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(LAYOUT_BATCH)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setMouseTracking(True)
        self._anchor: _ViewAnchor | None = None
        self._scroll_target: int | None = None
        self.verticalScrollBar().rangeChanged.connect(lambda *_: self._apply_scroll_target())
        self._current_id: int | None = None
        self._pending_current: int | None = None
        model.aboutToReload.connect(self._remember)
        model.modelReset.connect(self._after_reset)
        model.reloaded.connect(self._restore)
        model.listingLoaded.connect(self._listing_loaded)
        model.dataChanged.connect(self._data_arrived)
        self.selectionModel().currentChanged.connect(self._current_changed)
        self.selectionModel().selectionChanged.connect(lambda *_: self.selectionChangedIds.emit())

    # -- what is selected -------------------------------------------------------------

    def current_article_id(self) -> int | None:
        return self._current_id

    def selected_ids(self) -> list[int]:
        """IDs of the selected articles, in list order."""
        rows = sorted(i.row() for i in self.selectionModel().selectedRows())
        ids = []
        for row in rows:
            header = self.article_model.header(row)
            if header is not None:
                ids.append(header.id)
        return ids

    def select_article(self, article_id: int) -> bool:
        """Make *article_id* current and selected; if its page is not loaded yet,
        it is selected as soon as it arrives in the first page."""
        row = self.article_model.row_of(article_id)
        if row is None:
            self._pending_current = article_id
            return False
        self._pending_current = None
        index = self.article_model.index(row)
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.show_row(row)
        return True

    def move(self, step: int) -> bool:
        """Select the next (+1) or previous (-1) article. False at either end."""
        count = self.article_model.rowCount()
        if count == 0:
            return False
        current = self.currentIndex()
        row = current.row() + step if current.isValid() else (0 if step > 0 else count - 1)
        if not 0 <= row < count:
            return False
        index = self.article_model.index(row)
        self.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.show_row(row)
        return True

    def show_row(self, row: int) -> None:
        """Scroll so that *row* is in view (even before the batched layout reaches it)."""
        height = self.sizeHintForRow(0)
        top = row * height
        value = self.verticalScrollBar().value()
        visible = self.viewport().height()
        if top < value:
            self._set_scroll_target(top)
        elif top + height > value + visible:
            self._set_scroll_target(top + height - visible)

    def _set_scroll_target(self, value: int) -> None:
        self._scroll_target = max(0, value)
        self._apply_scroll_target()

    def _apply_scroll_target(self) -> None:
        """Scroll to the wanted position once the layout has grown that far."""
        target = self._scroll_target
        if target is None:
            return
        bar = self.verticalScrollBar()
        bar.setValue(min(target, bar.maximum()))
        if bar.maximum() >= target:
            self._scroll_target = None

    def set_search_mode(self, on: bool) -> None:
        if self.delegate.search_mode != on:
            self.delegate.search_mode = on
            self.scheduleDelayedItemsLayout()

    # -- keeping the place across reloads ---------------------------------------------

    def _remember(self) -> None:
        top_row, top_offset = self._top_row()
        top_header = self.article_model.header(top_row) if top_row is not None else None
        self._anchor = _ViewAnchor(
            current=self._current_id,
            selected=tuple(self.selected_ids()),
            top=top_header.id if top_header else None,
            top_offset=top_offset,
        )

    def _top_row(self) -> tuple[int | None, int]:
        """The row at the top of the viewport and how far its top is above it.

        Computed from the scroll position (rows are all one height): asking
        the view with ``indexAt`` walks every row of a 100,000-row model.
        """
        count = self.article_model.rowCount()
        if count == 0:
            return None, 0
        height = self.sizeHintForRow(0)
        if height <= 0:
            return None, 0
        value = self.verticalScrollBar().value()
        row = min(count - 1, value // height)
        return row, row * height - value

    def _restore(self) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is None:
            return
        selection = QItemSelection()
        for article_id in anchor.selected:
            row = self.article_model.row_of(article_id)
            if row is not None:
                index = self.article_model.index(row)
                selection.select(index, index)
        model = self.selectionModel()
        model.blockSignals(True)
        current_row = self.article_model.row_of(anchor.current) if anchor.current is not None else None
        if current_row is not None:
            model.setCurrentIndex(self.article_model.index(current_row), QItemSelectionModel.SelectionFlag.NoUpdate)
        model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        model.blockSignals(False)
        self.viewport().update()
        if current_row is None and anchor.current is not None:
            # The article left the listing: nothing is current any more.
            self._current_id = None
            self.currentArticleChanged.emit(None)
        if anchor.top is not None:
            top_row = self.article_model.row_of(anchor.top)
            if top_row is not None:
                self._set_scroll_target(top_row * self.sizeHintForRow(0) - anchor.top_offset)
        self.selectionChangedIds.emit()

    def _after_reset(self) -> None:
        if not self.article_model.loaded and self._current_id is not None:
            # A new listing: what was current is gone with the old rows.
            self._current_id = None
            self.currentArticleChanged.emit(None)

    def _listing_loaded(self) -> None:
        self._anchor = None
        self._scroll_target = None
        if self._pending_current is not None:
            self.select_article(self._pending_current)

    def _data_arrived(self, *_: object) -> None:
        if self._pending_current is not None and self.article_model.row_of(self._pending_current) is not None:
            self.select_article(self._pending_current)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        header = self.article_model.header(current.row()) if current.isValid() else None
        article_id = header.id if header is not None else None
        if article_id != self._current_id:
            self._current_id = article_id
            self.currentArticleChanged.emit(article_id)
