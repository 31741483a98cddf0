"""The Settings dialog: appearance, reading, summaries, refresh, and which library is open.

It only collects choices; :class:`~digest_app.gui.main_window.MainWindow`
applies them (a new summary length starts a background resummarize; another
library location reopens the window on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from digest_app.gui.preferences import MAX_FONT_SIZE, MIN_FONT_SIZE, REFRESH_CHOICES, ThemeMode
from digest_app.summaries import SummaryLength

THEME_LABELS: tuple[tuple[ThemeMode, str], ...] = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
SUMMARY_CHOICES: tuple[SummaryLength, ...] = (
    SummaryLength(sentences=2),
    SummaryLength(sentences=3),
    SummaryLength(sentences=4),
    SummaryLength(sentences=5),
    SummaryLength(sentences=None, words=60),
    SummaryLength(sentences=None, words=120),
)


def summary_label(length: SummaryLength) -> str:
    if length.words is not None:
        return f"About {length.words} words"
    return f"{length.sentences} sentences" if length.sentences != 1 else "1 sentence"


def refresh_label(minutes: int) -> str:
    if minutes == 0:
        return "Only when I ask"
    if minutes < 60:
        return f"Every {minutes} minutes"
    hours = minutes // 60
    return "Every hour" if hours == 1 else f"Every {hours} hours"


@dataclass(frozen=True)
class SettingsChoice:
    """What the user chose in the dialog."""

    theme: ThemeMode
    font_size: int
    summary_length: SummaryLength
    refresh_minutes: int
    library_path: Path


class SettingsDialog(QDialog):
    def __init__(self, current: SettingsChoice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setObjectName("settingsDialog")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setSpacing(10)

        self.theme = QComboBox()
        for mode, label in THEME_LABELS:
            self.theme.addItem(label, mode)
        self.theme.setCurrentIndex([m for m, _ in THEME_LABELS].index(current.theme))
        form.addRow("Appearance:", self.theme)

        self.font_size = QSpinBox()
        self.font_size.setRange(MIN_FONT_SIZE, MAX_FONT_SIZE)
        self.font_size.setSuffix(" px")
        self.font_size.setValue(current.font_size)
        form.addRow("Reader text size:", self.font_size)

        self.summary = QComboBox()
        choices = list(SUMMARY_CHOICES)
        if current.summary_length not in choices:
            choices.append(current.summary_length)
        for length in choices:
            self.summary.addItem(summary_label(length), length)
        self.summary.setCurrentIndex(choices.index(current.summary_length))
        self.summary.setToolTip("Changing it recomputes the summaries in the background; it applies to this library.")
        form.addRow("Summary length:", self.summary)

        self.refresh = QComboBox()
        minutes = list(REFRESH_CHOICES)
        if current.refresh_minutes not in minutes:
            minutes.append(current.refresh_minutes)
        for value in minutes:
            self.refresh.addItem(refresh_label(value), value)
        self.refresh.setCurrentIndex(minutes.index(current.refresh_minutes))
        form.addRow("Refresh sources:", self.refresh)

        self._library_path = current.library_path
        row = QHBoxLayout()
        self.library_label = QLabel(str(current.library_path))
        self.library_label.setObjectName("libraryPath")
        self.library_label.setWordWrap(True)
        row.addWidget(self.library_label, 1)
        choose = QPushButton("Choose…")
        choose.setToolTip("Open another library file, or name a new one")
        choose.clicked.connect(self._choose_library)
        row.addWidget(choose)
        form.addRow("Library:", row)

        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_library_path(self, path: Path) -> None:
        self._library_path = Path(path)
        self.library_label.setText(str(path))

    def choice(self) -> SettingsChoice:
        return SettingsChoice(
            theme=self.theme.currentData(),
            font_size=self.font_size.value(),
            summary_length=self.summary.currentData(),
            refresh_minutes=self.refresh.currentData(),
            library_path=self._library_path,
        )

    def _choose_library(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            "Library file (an existing one opens; a new name creates one)",
            str(self._library_path.parent),
            "Digest library (*.db);;All files (*)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.set_library_path(Path(path))
