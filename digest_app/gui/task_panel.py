"""The status bar's progress area: what runs in the background, how far, and Cancel."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from digest_app.gui.tasks import Progress, Task, TaskRunner


class TaskPanel(QWidget):
    """Hidden while nothing runs; otherwise the task's title, a progress bar and Cancel."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("taskPanel")
        self.runner = runner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.setSpacing(8)
        self.label = QLabel()
        self.label.setObjectName("taskLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("taskProgress")
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("taskCancel")
        self.cancel_button.clicked.connect(self._cancel)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.setVisible(False)
        runner.started.connect(self._started)
        runner.idle.connect(lambda: self.setVisible(False))

    def _started(self, task: Task) -> None:
        self.label.setText(task.title + "…")
        self.bar.setRange(0, 0)
        self.cancel_button.setEnabled(task.cancellable)
        self.cancel_button.setText("Cancel")
        task.progressed.connect(lambda progress: self._progressed(task, progress))
        self.setVisible(True)

    def _progressed(self, task: Task, progress: Progress) -> None:
        if task is not self.runner.current:
            return
        if progress.total > 0:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
            self.label.setText(f"{task.title}: {progress.done:,} of {progress.total:,}")
        if progress.text:
            self.label.setToolTip(progress.text)

    def _cancel(self) -> None:
        self.runner.cancel_all()
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
