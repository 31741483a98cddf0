"""Reading digests in the window: the digest view, its contents pane, and the New Digest command.

    self.digests = install_digests(self)      # in MainWindow.__init__, once

:func:`install_digests` hooks into the main window's extension points: a
"New Digest…" action (Ctrl+D) in the File menu and the toolbar, a
:class:`DigestView` in the reader area that opens whichever digest the
sidebar's Digests section selects, and a context menu for those items.

The view shows a saved digest as stored (so it reads the same offline, after
its articles are gone): a contents pane (top stories, key figures, sections
and stories) beside a :class:`DigestReader`, with Export buttons (PDF, HTML,
Markdown, EPUB), Rebuild and Delete. Building, rebuilding and exporting run as
background tasks (:mod:`digest_app.gui.export_worker`); a progress bar with a
Cancel button follows the running one.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, QTimer, QUrl, Qt, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from digest_app.digests import wording
from digest_app.digests.export import FORMATS
from digest_app.digests.model import Digest
from digest_app.digests.rich_text import Colors, rich_text_html, stylesheet
from digest_app.errors import DigestError
from digest_app.gui.export_worker import build_task, export_task, rebuild_task
from digest_app.gui.icons import icon
from digest_app.gui.new_digest_dialog import NewDigestDialog
from digest_app.gui.tasks import Progress, Task
from digest_app.gui.theme import Theme, current_theme
from digest_app.store import Library

if TYPE_CHECKING:
    from digest_app.gui.main_window import MainWindow

#: The schemes a link in a digest may open (in the system browser).
OPENABLE_SCHEMES = ("http", "https")
#: Export buttons: format, label.
EXPORTS = (("pdf", "PDF"), ("html", "HTML"), ("md", "Markdown"), ("epub", "EPUB"))
AnchorRole = Qt.ItemDataRole.UserRole


def digest_colors(theme: Theme) -> Colors:
    """The digest's rich-text palette in the window's theme."""
    return Colors(
        ink=theme.text,
        muted=theme.muted,
        accent=theme.accent,
        link=theme.link,
        rule=theme.border,
        up="#5cc27a" if theme.dark else "#1b7f3b",
        down="#ef7a72" if theme.dark else "#b3261e",
    )


class DigestReader(QTextBrowser):
    """Shows a digest's rich text. Loads nothing (no image, no stylesheet, no network);
    anchors inside the digest scroll, web links open in the system browser."""

    #: A link that was not followed (its URL as text).
    linkRefused = Signal(str)
    #: A web link handed to the system browser.
    linkOpened = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digestReader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.anchorClicked.connect(self._open_link)
        self.blocked_resources: list[str] = []

    def show_digest(self, digest: Digest, theme: Theme, font_size: int = 15) -> None:
        self.blocked_resources = []
        document = self.document()
        document.setDefaultStyleSheet(stylesheet(digest_colors(theme), body_pt=round(font_size * 0.75, 1)))
        document.setDocumentMargin(28)
        self.setHtml(rich_text_html(digest, cover=True, colors=digest_colors(theme)))

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Nothing is loaded: a digest is text and links only."""
        shown = QUrl(url).toString()
        if shown not in self.blocked_resources:
            self.blocked_resources.append(shown)
        return None

    def _open_link(self, url: QUrl) -> None:
        if not url.scheme() and url.fragment():
            self.scrollToAnchor(url.fragment())
        elif url.scheme().lower() in OPENABLE_SCHEMES and url.host():
            QDesktopServices.openUrl(url)
            self.linkOpened.emit(url.toString())
        else:
            self.linkRefused.emit(url.toString())


class ElidedLabel(QLabel):
    """One line of plain text that ends in "…" when it does not fit (and never
    widens the window); the whole text is its tooltip."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.full_text = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self.full_text = text
        self.setToolTip(text)
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, self.width()))


class DigestView(QWidget):
    """One saved digest: header with actions, contents pane, reader, export progress."""

    #: The user asked for these; the controller does them.
    exportRequested = Signal(str)  # format
    rebuildRequested = Signal()
    deleteRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("digestView")
        self.digest: Digest | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QFrame()
        bar.setObjectName("readerBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(12, 6, 8, 6)
        self.title_label = ElidedLabel()
        self.title_label.setObjectName("digestTitle")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.facts_label = ElidedLabel()
        self.facts_label.setObjectName("listInfo")
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title_label)
        titles.addWidget(self.facts_label)
        bar_layout.addLayout(titles, 1)
        self.export_buttons: dict[str, QToolButton] = {}
        for fmt, label in EXPORTS:
            button = QToolButton()
            button.setText(label)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setObjectName(f"export_{fmt}")
            button.setToolTip(f"Export this digest as {FORMATS[fmt][1]}")
            button.clicked.connect(lambda _checked=False, f=fmt: self.exportRequested.emit(f))
            bar_layout.addWidget(button)
            self.export_buttons[fmt] = button
        self.export_buttons["pdf"].setIcon(icon("export"))
        self.more_button = QToolButton()
        self.more_button.setObjectName("digestMore")
        self.more_button.setText("…")
        self.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.more_button)
        menu.addAction("&Rebuild from its options", self.rebuildRequested.emit)
        menu.addSeparator()
        menu.addAction("&Delete…", self.deleteRequested.emit)
        self.more_button.setMenu(menu)
        bar_layout.addWidget(self.more_button)
        layout.addWidget(bar)

        self.progress_row = QFrame()
        row = QHBoxLayout(self.progress_row)
        row.setContentsMargins(12, 4, 8, 4)
        self.progress_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setObjectName("digestProgress")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.cancel_button = QPushButton("Cancel")
        row.addWidget(self.progress_label)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        self.progress_row.setVisible(False)
        layout.addWidget(self.progress_row)

        self.contents = QTreeWidget()
        self.contents.setObjectName("digestContents")
        self.contents.setHeaderHidden(True)
        self.contents.setMinimumWidth(110)
        self.contents.itemActivated.connect(self._go_to)
        self.contents.itemClicked.connect(self._go_to)
        self.reader = DigestReader()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.contents)
        self.splitter.addWidget(self.reader)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 560])
        layout.addWidget(self.splitter, 1)
        self._task: Task | None = None
        self._theme: Theme | None = None
        self._font_size = 15
        self.cancel_button.clicked.connect(self._cancel)

    def show_digest(self, digest: Digest, theme: Theme | None = None, font_size: int = 15) -> None:
        self.digest = digest
        self._theme = theme or current_theme()
        self._font_size = font_size
        self.title_label.set_full_text(digest.title)
        self.facts_label.set_full_text(f"{wording.cover_facts(digest)} · {wording.made_on(digest)}")
        self.reader.show_digest(digest, self._theme, font_size)
        self._fill_contents(digest)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # The window names its new theme just after setting the palette: look once it has.
            QTimer.singleShot(0, self, self._follow_theme)

    def set_font_size(self, size: int) -> None:
        """Show the open digest at the reading size *size* (pixels), where it was."""
        self._font_size = size
        if self.digest is not None:
            self._redraw(self._theme or current_theme())

    def _follow_theme(self) -> None:
        """Redraw the icons and the digest (its colours are in its rich text) in the theme now in use."""
        theme = current_theme()
        self.export_buttons["pdf"].setIcon(icon("export"))
        if self.digest is None or theme == self._theme:
            return
        self._redraw(theme)

    def _redraw(self, theme: Theme) -> None:
        assert self.digest is not None
        scroll = self.reader.verticalScrollBar()
        where = scroll.value() / scroll.maximum() if scroll.maximum() else 0.0
        self.show_digest(self.digest, theme, self._font_size)
        scroll.setValue(round(where * scroll.maximum()))

    def _fill_contents(self, digest: Digest) -> None:
        self.contents.clear()
        if digest.top_stories:
            self.contents.addTopLevelItem(_entry("Top stories", "top-stories"))
        if digest.figures:
            self.contents.addTopLevelItem(_entry("Key figures", "key-figures"))
        for section in digest.sections:
            parent = _entry(f"{section.title} ({len(section.stories)})", section.id)
            font = parent.font(0)
            font.setBold(True)
            parent.setFont(0, font)
            for story in section.stories:
                parent.addChild(_entry(story.title, story.id))
            self.contents.addTopLevelItem(parent)
        self.contents.expandAll()

    def _go_to(self, item: QTreeWidgetItem) -> None:
        self.reader.scrollToAnchor(item.data(0, AnchorRole))

    # -- background work ----------------------------------------------------------------

    def follow(self, task: Task, label: str) -> None:
        """Show *task*'s progress under the header until it ends."""
        self._task = task
        self.progress_label.setText(label)
        self.progress.setRange(0, 0)
        self.progress_row.setVisible(True)
        self.cancel_button.setEnabled(task.cancellable)
        for button in self.export_buttons.values():
            button.setEnabled(False)
        task.progressed.connect(self._progressed)
        task.ended.connect(lambda: self._ended(task))

    def _progressed(self, progress: Progress) -> None:
        if progress.total:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(progress.done)

    def _ended(self, task: Task) -> None:
        if self._task is task:
            self._task = None
            self.progress_row.setVisible(False)
            for button in self.export_buttons.values():
                button.setEnabled(True)

    def _cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self.progress_label.setText("Cancelling…")


class DigestController:
    """Connects the digest view and the New Digest command to one main window."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.view = DigestView()
        self.dialog: NewDigestDialog | None = None
        window.add_reader_view(self.view)
        self.new_action = QAction("&New Digest…", window)
        window.set_themed_icon(self.new_action, "digest")
        self.new_action.setObjectName("new_digest")
        self.new_action.setShortcut(QKeySequence("Ctrl+D"))
        self.new_action.setToolTip("Build a digest of a period: stories, sections, key figures (Ctrl+D)")
        self.new_action.triggered.connect(lambda _checked=False: self.ask_new_digest())
        window.addAction(self.new_action)
        file_menu = window.menus["file"]
        file_menu.insertAction(window.import_action, self.new_action)
        file_menu.insertSeparator(window.import_action)
        window.toolbar.insertAction(window.read_action, self.new_action)
        window.digestSelected.connect(self.open_digest)
        window.readerFontSizeChanged.connect(self.view.set_font_size)
        window.sidebar.contextMenuForKey.connect(self._sidebar_menu)
        self.view.exportRequested.connect(self.ask_export)
        self.view.rebuildRequested.connect(self.rebuild)
        self.view.deleteRequested.connect(self.ask_delete)
        self.view.reader.linkRefused.connect(
            lambda url: window.show_message(f"Not opened: {url} (only web links open, in your browser)")
        )

    @property
    def lib(self) -> Library:
        return self.window.lib

    # -- building -----------------------------------------------------------------------

    def ask_new_digest(self) -> NewDigestDialog:
        """Open the New Digest dialog; accepting it builds the digest in the background."""
        snapshot = self.window.snapshot
        tags = sorted((t.name for t in snapshot.tags), key=str.casefold) if snapshot else []
        sources = [(s.id, s.title or s.url) for s in snapshot.sources] if snapshot else []
        self.dialog = NewDigestDialog(tags=tags, sources=sources, parent=self.window)
        dialog = self.dialog
        dialog.accepted.connect(lambda: self.build(dialog))
        dialog.open()
        return dialog

    def build(self, dialog: NewDigestDialog) -> Task:
        task = self.window.run_task(build_task(dialog.options()))
        task.succeeded.connect(self._show_when_listed)
        return task

    def rebuild(self) -> None:
        digest = self.view.digest
        if digest is None or digest.id is None:
            return
        task = self.window.run_task(rebuild_task(digest.id))
        self.view.follow(task, "Rebuilding…")
        task.succeeded.connect(self.open_digest)

    def _show_when_listed(self, digest_id: int) -> None:
        """Select the new digest in the sidebar once its list has been re-read."""
        window = self.window

        def select() -> None:
            window.sidebarUpdated.disconnect(select)
            if not window.sidebar.select_key(f"digest:{digest_id}"):
                self.open_digest(digest_id)

        window.sidebarUpdated.connect(select)
        window.refresh_counts()

    # -- reading --------------------------------------------------------------------------

    def open_digest(self, digest_id: int) -> None:
        """Show a saved digest in the reader area."""
        from digest_app.digests.saved import load_digest

        try:
            digest = load_digest(self.lib, digest_id)
        except DigestError as exc:
            self.window.show_message(str(exc))
            return
        self.view.show_digest(digest, current_theme(), self.window.prefs.reader_font_size)
        self.window.show_reader_view(self.view)

    # -- export and removal -------------------------------------------------------------------

    def ask_export(self, fmt: str) -> None:
        digest = self.view.digest
        if digest is None:
            return
        suffix = FORMATS[fmt][0][0]
        suggested = Path.home() / (_file_stem(digest.title) + suffix)
        path, _ = QFileDialog.getSaveFileName(
            self.window, f"Export as {FORMATS[fmt][1]}", str(suggested), f"{FORMATS[fmt][1]} (*{suffix})"
        )
        if path:
            self.export(Path(path), fmt)

    def export(self, path: Path, fmt: str, *, page_size: str | None = None) -> Task | None:
        """Export the digest shown to *path* in the background (a PDF on the
        paper of the user's locale unless *page_size* says)."""
        digest = self.view.digest
        if digest is None:
            return None
        task = self.window.run_task(export_task(digest, path, fmt, page_size=page_size or local_paper()))
        self.view.follow(task, f"Exporting {FORMATS[fmt][1]}…")
        return task

    def ask_delete(self, digest_id: int | None = None) -> None:
        if digest_id is None:
            digest_id = self.view.digest.id if self.view.digest else None
        if digest_id is None:
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Digest", "Delete this digest?", parent=self.window)
        box.setInformativeText("Its articles stay in the library; only the digest goes.")
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        if box.exec() == QMessageBox.StandardButton.Ok:
            self.delete(digest_id)

    def delete(self, digest_id: int) -> None:
        try:
            self.lib.digests.delete(digest_id)
        except DigestError as exc:
            self.window.show_message(str(exc))
            return
        if self.view.digest is not None and self.view.digest.id == digest_id:
            self.view.digest = None
            self.window.show_reader_view(None)
        self.window.refresh_counts()

    def _sidebar_menu(self, key: str, position) -> None:
        kind, _, value = key.partition(":")
        if kind != "digest" or not value.isdigit():
            return
        digest_id = int(value)
        menu = QMenu(self.window)
        menu.addAction("Open", lambda: self.open_digest(digest_id))
        menu.addSeparator()
        menu.addAction("Delete…", lambda: self.ask_delete(digest_id))
        menu.exec(position)


def local_paper() -> str:
    """The paper size of the user's locale: Letter where lengths are in US units, else A4."""
    return "Letter" if QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem else "A4"


def install_digests(window: MainWindow) -> DigestController:
    """Add digests to *window* (see the module notes). Returns the controller."""
    return DigestController(window)


def _entry(text: str, anchor: str) -> QTreeWidgetItem:
    item = QTreeWidgetItem([text])
    item.setData(0, AnchorRole, anchor)
    item.setToolTip(0, text)
    return item


def _file_stem(title: str) -> str:
    """A file name from a title: ``Xiaomi digest, 1–7 November`` -> ``Xiaomi digest 1-7 November``."""
    stem = re.sub(r"[\\/:*?\"<>|,]+", " ", title.replace("–", "-")).strip()
    return re.sub(r"\s+", " ", stem)[:80] or "digest"

