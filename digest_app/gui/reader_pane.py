"""The right-hand pane: the tag bar over the reader, or a note when nothing (or many) is selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digest_app.gui.icons import icon
from digest_app.gui.reader import ArticleReader, ImageResolver
from digest_app.gui.tag_editor import TagEditor
from digest_app.records import Article


class ReaderPane(QWidget):
    """Tag bar, then one of: a note, the reader, or a summary of a multi-selection."""

    def __init__(self, parent: QWidget | None = None, *, image_resolver: ImageResolver | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readerPane")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)

        bar = QFrame()
        bar.setObjectName("readerBar")
        bar_layout = QHBoxLayout(bar)
        bar_layout.setContentsMargins(12, 6, 8, 6)
        bar_layout.setSpacing(8)
        self.tag_icon = QLabel()
        self.tag_icon.setObjectName("tagIcon")
        self.tag_icon.setPixmap(icon("tag").pixmap(16, 16))
        bar_layout.addWidget(self.tag_icon)
        self.tag_editor = TagEditor()
        # Many chips must not make the whole window wider: they wrap onto more lines.
        self.tag_editor.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        bar_layout.addWidget(self.tag_editor, 1)
        self.open_button = QToolButton()
        self.open_button.setObjectName("openInBrowser")
        self.open_button.setAutoRaise(True)
        bar_layout.addWidget(self.open_button)
        self.bar = bar
        layout.addWidget(bar)

        self.stack = QStackedWidget()
        self.note = QLabel()
        self.note.setObjectName("readerNote")
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        self.reader = ArticleReader(image_resolver=image_resolver)
        self.stack.addWidget(self.note)
        self.stack.addWidget(self.reader)
        layout.addWidget(self.stack, 1)
        self.show_note("Select an article to read it.")

    def show_article(self, article: Article, colors: dict[str, str | None]) -> None:
        self.bar.setVisible(True)
        self.tag_editor.set_tags([t.name for t in article.tags], colors)
        self.reader.show_article(article)
        self.stack.setCurrentWidget(self.reader)

    def show_selection(self, count: int, common_tags: list[str], colors: dict[str, str | None]) -> None:
        """Several articles are selected: the tag bar edits all of them."""
        self.bar.setVisible(True)
        self.tag_editor.set_tags(common_tags, colors)
        self.reader.clear_article()
        self.note.setText(
            f"<p style='font-size:16px'><b>{count:,} articles selected</b></p>"
            "<p>Tags added above go on all of them; removing a chip takes that tag off all of them.<br>"
            "<b>S</b> stars them, <b>M</b> marks them read or unread.</p>"
        )
        self.stack.setCurrentWidget(self.note)

    def show_note(self, text: str) -> None:
        self.bar.setVisible(False)
        self.reader.clear_article()
        self.note.setText(text)
        self.stack.setCurrentWidget(self.note)

    def retheme(self) -> None:
        """Redraw what was drawn in the previous theme's colours."""
        self.tag_icon.setPixmap(icon("tag").pixmap(16, 16))

    @property
    def showing_article(self) -> bool:
        return self.stack.currentWidget() is self.reader and self.reader.article is not None
