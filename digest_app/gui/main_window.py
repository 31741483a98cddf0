"""The main window: article list on the left, reader on the right."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QMainWindow, QSplitter, QTextBrowser

from digest_app import APP_NAME
from digest_app.store import Library


class MainWindow(QMainWindow):
    def __init__(self, lib: Library) -> None:
        super().__init__()
        self.lib = lib
        self.setWindowTitle(f"{APP_NAME} — {lib.path}")
        self.resize(1200, 780)
        self.articles = QListWidget()
        self.reader = QTextBrowser()
        self.reader.setOpenLinks(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.articles)
        splitter.addWidget(self.reader)
        splitter.setSizes([420, 780])
        self.setCentralWidget(splitter)
        for header in lib.articles.list(limit=200):
            item = QListWidgetItem(header.title)
            item.setData(Qt.ItemDataRole.UserRole, header.id)
            self.articles.addItem(item)
        self.articles.currentItemChanged.connect(self._show_current)
        self.statusBar().showMessage(f"{lib.articles.count()} articles")

    def _show_current(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        article = self.lib.articles.get(item.data(Qt.ItemDataRole.UserRole))
        self.reader.setHtml(f"<h1>{escape(article.title)}</h1>{article.content_html}")
