"""Editing a source: its name, its address, and whether the Xiaomi topic filter applies."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from digest_app.records import Source


@dataclass(frozen=True)
class SourceEdit:
    title: str
    url: str
    topic_filter: bool


class SourceDialog(QDialog):
    def __init__(self, source: Source, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Edit source: {source.title}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.title = QLineEdit(source.title)
        form.addRow("Name:", self.title)
        self.url = QLineEdit(source.url)
        self.url.setEnabled(source.kind != "file")
        form.addRow("Address:", self.url)
        self.topic_filter = QCheckBox("Keep only articles about Xiaomi")
        self.topic_filter.setChecked(source.topic_filter)
        self.topic_filter.setToolTip("For general technology feeds: articles that are not about Xiaomi are skipped")
        form.addRow("", self.topic_filter)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def edit(self) -> SourceEdit:
        return SourceEdit(self.title.text().strip(), self.url.text().strip(), self.topic_filter.isChecked())
