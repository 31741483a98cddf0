"""The first-run panel, shown while the library is empty: three ways to begin."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from digest_app.gui.icons import app_icon, icon


class WelcomePanel(QWidget):
    """Load the sample library, add the default Xiaomi sources, or import files."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePanel")
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        card = QFrame()
        card.setObjectName("welcomeCard")
        # A fixed width lets the wrapped introduction claim the height it needs.
        card.setFixedWidth(540)
        layout = QVBoxLayout(card)
        layout.setContentsMargins(40, 36, 40, 36)
        layout.setSpacing(12)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(72, 72)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(logo)
        title = QLabel("Welcome to Digest")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title_font = title.font()
        title_font.setPixelSize(22)
        title_font.setBold(True)
        title.setFont(title_font)
        layout.addWidget(title)
        text = QLabel(
            "Digest keeps Xiaomi news in a library on this computer, summarizes every "
            "article, and lets you tag, search and read offline. This library is empty; "
            "choose how to begin."
        )
        text.setObjectName("welcomeText")
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text_font = text.font()
        text_font.setPixelSize(14)
        text.setFont(text_font)
        # Wrapped labels under-report their height in a centred layout; ask for it.
        text.setMinimumHeight(text.heightForWidth(540 - 2 * 40) + 6)
        layout.addWidget(text)
        layout.addSpacing(10)
        self.sample_button = self._button(
            "Load the sample library", "sample", "Short Xiaomi stories written for trying Digest out; no network needed"
        )
        self.sources_button = self._button(
            "Add the default Xiaomi sources", "feed", "Feeds that cover Xiaomi; refresh to fetch their news"
        )
        self.import_button = self._button(
            "Import files…", "import", "Feeds, OPML, HTML pages, Markdown or text files you already have"
        )
        for button in (self.sample_button, self.sources_button, self.import_button):
            layout.addWidget(button)
        row = QVBoxLayout()
        row.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addLayout(row)
        outer.addStretch(3)

    def _button(self, text: str, icon_name: str, tooltip: str) -> QPushButton:
        button = QPushButton(icon(icon_name), "  " + text)
        button.setObjectName("welcomeButton")
        button.setToolTip(tooltip)
        button.setIconSize(QSize(20, 20))
        button.setMinimumHeight(44)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        return button
