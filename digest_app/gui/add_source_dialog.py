"""The Add Source dialog: paste an address (a feed, a site, or one article page).

It only collects the address and the topic-filter choice; the window subscribes
in the background (:func:`digest_app.collect.subscribe.subscribe` fetches the
address once, finds a site's feed, and stores the first articles).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from digest_app.urls import is_web_url

TOPIC_CHOICES: tuple[tuple[bool | None, str], ...] = (
    (None, "Decide from its articles"),
    (True, "Only articles about Xiaomi"),
    (False, "Everything it publishes"),
)


@dataclass(frozen=True)
class NewSource:
    url: str
    topic_filter: bool | None


class AddSourceDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Source")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Paste the address of a feed, of a site (Digest finds its feed), or of a single article."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("https://example.com/")
        clipboard = QGuiApplication.clipboard().text().strip()
        if is_web_url(clipboard):
            self.url.setText(clipboard)
            self.url.selectAll()
        form.addRow("Address:", self.url)
        self.topic = QComboBox()
        for value, label in TOPIC_CHOICES:
            self.topic.addItem(label, value)
        self.topic.setToolTip(
            "For general technology feeds keep only what is about Xiaomi; by default Digest "
            "decides from the feed's current articles"
        )
        form.addRow("Keep:", self.topic)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Add")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.url.textChanged.connect(self._check)
        self._check()

    def _check(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(is_web_url(self.url.text().strip()))

    def choice(self) -> NewSource:
        return NewSource(self.url.text().strip(), self.topic.currentData())
