"""A layout that places widgets left to right and starts a new line when the next one
does not fit, like words in a paragraph.

    >>> flow = FlowLayout(widget, spacing=6)
    >>> for name in tags:
    ...     flow.addWidget(TagChip(name, None))

Each line is as tall as its tallest widget, and the others are centred in it. The
layout has a height for each width, so a box layout above it gives it as many lines
as its widgets need (an article's tag chips wrap instead of being cut off).
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Widgets in lines, wrapped to the layout's width."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self.setSpacing(spacing)
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout API ----------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def insertWidget(self, position: int, widget: QWidget) -> None:
        """Put *widget* at *position* among the items (the end if out of range)."""
        self.addChildWidget(widget)
        self._items.insert(position, QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        """Everything on one line (a box layout shrinks it to the room there is)."""
        width = height = 0
        for item in self._visible():
            hint = item.sizeHint()
            width += hint.width() + (self.spacing() if width else 0)
            height = max(height, hint.height())
        return QSize(width, height) + self._margins_size()

    def minimumSize(self) -> QSize:
        """The widest single widget: anything narrower would cut one off."""
        size = QSize(0, 0)
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        return size + self._margins_size()

    # -- layout -----------------------------------------------------------------------

    def _visible(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margins_size(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _lines(self, width: int) -> list[list[QLayoutItem]]:
        """The visible items cut into lines that fit *width* (a line holds at least one)."""
        lines: list[list[QLayoutItem]] = []
        used = 0
        for item in self._visible():
            item_width = item.sizeHint().width()
            if lines and used + self.spacing() + item_width <= width:
                lines[-1].append(item)
                used += self.spacing() + item_width
            else:
                lines.append([item])
                used = item_width
        return lines

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Lay the items out in *rect* (moving them if *place*); returns the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        y = area.y()
        for number, line in enumerate(self._lines(area.width())):
            if number:
                y += self.spacing()
            height = max(item.sizeHint().height() for item in line)
            x = area.x()
            for item in line:
                hint = item.sizeHint()
                width = min(hint.width(), area.width())
                if place:
                    item.setGeometry(QRect(QPoint(x, y + (height - hint.height()) // 2), QSize(width, hint.height())))
                x += width + self.spacing()
            y += height
        return y - rect.y() + margins.bottom()
