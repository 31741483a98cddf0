"""The search field in the toolbar: search as you type, syntax help, "Save search".

:class:`SearchBar` emits ``queryChanged(text)`` once typing pauses
(:data:`DEBOUNCE_MS`), or at once on Enter; an empty text means "back to the
sidebar's listing". The help popover shows ``docs/query-language.md``.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from digest_app.gui.icons import icon
from digest_app.paths import shipped_doc

DEBOUNCE_MS = 220
QUERY_HELP = shipped_doc("query-language.md")


class SearchField(QLineEdit):
    """A line edit that clears itself and gives focus back on Escape."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.clear()
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class QueryHelp(QFrame):
    """A popover with the query language, from ``docs/query-language.md``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setObjectName("queryHelp")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(1, 1, 1, 1)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.setOpenLinks(False)
        layout.addWidget(self.text)
        self.resize(520, 460)

    def load(self) -> None:
        if QUERY_HELP.is_file():
            self.text.setMarkdown(QUERY_HELP.read_text(encoding="utf-8"))
        else:
            self.text.setPlainText(f"The query language help ({QUERY_HELP.name}) is missing from this installation.")

    def show_below(self, widget: QWidget) -> None:
        self.load()
        corner = widget.mapToGlobal(QPoint(widget.width(), widget.height() + 4))
        self.move(corner.x() - self.width(), corner.y())
        self.show()


class SearchBar(QWidget):
    """Search field, help button and "Save search" button, for the toolbar."""

    queryChanged = Signal(str)
    saveRequested = Signal(str)
    escaped = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.field = SearchField()
        self.field.setObjectName("searchField")
        self.field.setPlaceholderText("Search  (/)   e.g.  小米 SU7 -rumor tag:EV after:7d")
        self.field.setClearButtonEnabled(True)
        self._search_icon = QAction(icon("search"), "Search", self.field)
        self.field.addAction(self._search_icon, QLineEdit.ActionPosition.LeadingPosition)
        self.field.setMinimumWidth(300)
        layout.addWidget(self.field, 1)
        self.help_button = QToolButton()
        self.help_button.setObjectName("queryHelpButton")
        self.help_button.setIcon(icon("help"))
        self.help_button.setAutoRaise(True)
        self.help_button.setToolTip("How to write a search")
        layout.addWidget(self.help_button)
        self.save_button = QToolButton()
        self.save_button.setObjectName("saveSearchButton")
        self.save_button.setText("Save search")
        self.save_button.setIcon(icon("saved-search"))
        self.save_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.save_button.setAutoRaise(True)
        self.save_button.setToolTip("Keep this search in the sidebar with a live count")
        self.save_button.setEnabled(False)
        layout.addWidget(self.save_button)
        self.help = QueryHelp(self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self._last_emitted = ""
        self.field.textChanged.connect(self._typed)
        self.field.returnPressed.connect(self._emit)
        self.field.escaped.connect(self.escaped)
        self.help_button.clicked.connect(lambda: self.help.show_below(self.help_button))
        self.save_button.clicked.connect(lambda: self.saveRequested.emit(self.text()))

    def retheme(self) -> None:
        """Redraw the icons in the current theme's colours."""
        self._search_icon.setIcon(icon("search"))
        self.help_button.setIcon(icon("help"))
        self.save_button.setIcon(icon("saved-search"))

    def text(self) -> str:
        return self.field.text().strip()

    def set_text(self, text: str, *, emit: bool = True) -> None:
        """Put *text* in the field; with *emit* the search runs at once."""
        self.field.blockSignals(True)
        self.field.setText(text)
        self.field.blockSignals(False)
        self.save_button.setEnabled(bool(text.strip()))
        if emit:
            self._emit()
        else:
            self._last_emitted = text.strip()

    def focus(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _typed(self, text: str) -> None:
        self.save_button.setEnabled(bool(text.strip()))
        self._timer.start()

    def _emit(self) -> None:
        self._timer.stop()
        text = self.text()
        if text != self._last_emitted:
            self._last_emitted = text
            self.queryChanged.emit(text)
