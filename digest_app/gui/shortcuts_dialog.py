"""The keyboard shortcuts window, built from the menus so it can never disagree with them."""

from __future__ import annotations

from html import escape

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMenu, QMenuBar, QTextBrowser, QVBoxLayout, QWidget


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, list[tuple[str, str]]]]:
    """``(menu title, [(action text, shortcut), ...])`` for every action with a shortcut."""
    sections = []
    for action in menu_bar.actions():
        menu = action.menu()
        if not isinstance(menu, QMenu):
            continue
        rows = []
        for item in menu.actions():
            keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in item.shortcuts() if not k.isEmpty()]
            if keys and item.isVisible():
                rows.append((item.text().replace("&", ""), "  or  ".join(keys)))
        if rows:
            sections.append((menu.title().replace("&", ""), rows))
    return sections


class ShortcutsDialog(QDialog):
    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard Shortcuts")
        self.setObjectName("shortcutsDialog")
        self.resize(460, 560)
        layout = QVBoxLayout(self)
        self.text = QTextBrowser()
        self.sections = shortcut_rows(menu_bar)
        parts = []
        for title, rows in self.sections:
            parts.append(f"<h3>{escape(title)}</h3><table cellpadding='3' width='100%'>")
            for text, keys in rows:
                parts.append(f"<tr><td>{escape(text)}</td><td align='right'><b>{escape(keys)}</b></td></tr>")
            parts.append("</table>")
        self.text.setHtml("".join(parts))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
