"""The "New Digest" dialog (Ctrl+D): period, narrowing and lengths, as DigestOptions.

    dialog = NewDigestDialog(tags=["EV", "Chips"], sources=[(1, "Mi Insider")], parent=window)
    dialog.accepted.connect(lambda: window.run_task(build_task(dialog.options())))
    dialog.open()

The dialog reads nothing from the library itself: the window passes the tags
and sources to offer. Options it cannot accept (a range that ends before it
starts) are explained in the dialog, which stays open.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from digest_app.digests.options import MAX_STORIES_LIMIT, MAX_SUMMARY_SENTENCES, PRESETS, DigestOptions
from digest_app.errors import InputError

CUSTOM = "custom"


class NewDigestDialog(QDialog):
    """Choose what a new digest covers. :meth:`options` gives the choice."""

    def __init__(
        self,
        *,
        tags: list[str],
        sources: list[tuple[int, str]],
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newDigestDialog")
        self.setWindowTitle("New Digest")
        self.setMinimumWidth(520)
        today = today or date.today()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText("Xiaomi digest, and the period")
        form.addRow("&Title:", self.title_edit)

        self.period_combo = QComboBox()
        for value, label in PRESETS:
            self.period_combo.addItem(label, value)
        self.period_combo.addItem("Custom range…", CUSTOM)
        self.period_combo.setCurrentIndex(self.period_combo.findData("7d"))
        form.addRow("&Period:", self.period_combo)

        self.first_day = QDateEdit(_qdate(today - timedelta(days=6)))
        self.last_day = QDateEdit(_qdate(today))
        for edit in (self.first_day, self.last_day):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
        days = QHBoxLayout()
        days.addWidget(self.first_day)
        days.addWidget(QLabel("to"))
        days.addWidget(self.last_day)
        days.addStretch(1)
        self.days_row = QWidget()
        self.days_row.setLayout(days)
        days.setContentsMargins(0, 0, 0, 0)
        form.addRow("", self.days_row)

        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText('Only articles matching a search, e.g. su7 OR yu7 -rumor')
        form.addRow("&Search:", self.query_edit)

        self.tag_list = _checklist([(name, name) for name in tags], "No tags yet")
        form.addRow("T&ags (any of):", self.tag_list)
        self.source_list = _checklist([(title, source_id) for source_id, title in sources], "No sources yet")
        form.addRow("S&ources (any of):", self.source_list)

        self.max_stories = QSpinBox()
        self.max_stories.setRange(1, MAX_STORIES_LIMIT)
        self.max_stories.setValue(30)
        form.addRow("&Most stories:", self.max_stories)
        self.summary_sentences = QSpinBox()
        self.summary_sentences.setRange(1, MAX_SUMMARY_SENTENCES)
        self.summary_sentences.setValue(3)
        self.summary_sentences.setSuffix(" sentences")
        form.addRow("Summary &length:", self.summary_sentences)
        self.include_read = QCheckBox("Include articles I have already read")
        self.include_read.setChecked(True)
        form.addRow("", self.include_read)

        self.problem = QLabel()
        self.problem.setObjectName("dialogProblem")
        self.problem.setWordWrap(True)
        self.problem.setVisible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Build Digest")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self._period_changed()

    def options(self) -> DigestOptions:
        """The options chosen (raises :class:`InputError` when they do not fit together)."""
        period = self.period_combo.currentData()
        if period == CUSTOM:
            dates: dict[str, object] = {
                "since": None,
                "start": self.first_day.date().toPython(),
                "end": self.last_day.date().toPython(),
            }
        else:
            dates = {"since": period}
        return DigestOptions(
            **dates,  # type: ignore[arg-type]
            query=self.query_edit.text().strip(),
            tags=tuple(_checked(self.tag_list)),
            sources=tuple(_checked(self.source_list)),
            max_stories=self.max_stories.value(),
            summary_sentences=self.summary_sentences.value(),
            include_read=self.include_read.isChecked(),
            title=self.title_edit.text().strip() or None,
        )

    def accept(self) -> None:
        try:
            self.options()
        except InputError as exc:
            self.problem.setText(str(exc)[:1].upper() + str(exc)[1:] + ".")
            self.problem.setVisible(True)
            return
        super().accept()

    def _period_changed(self) -> None:
        self.days_row.setEnabled(self.period_combo.currentData() == CUSTOM)


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _checklist(entries: list[tuple[str, object]], empty: str) -> QListWidget:
    widget = QListWidget()
    widget.setMaximumHeight(110)
    for label, value in entries:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        widget.addItem(item)
    if not entries:
        widget.addItem(QListWidgetItem(empty))
        widget.setEnabled(False)
    return widget


def _checked(widget: QListWidget) -> list:
    return [
        widget.item(row).data(Qt.ItemDataRole.UserRole)
        for row in range(widget.count())
        if widget.item(row).checkState() == Qt.CheckState.Checked
    ]
