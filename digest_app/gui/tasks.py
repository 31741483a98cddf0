"""Long work in the background: import, refresh, resummarize, the sample library.

A task is a function of a :class:`TaskContext`: it gets a library connection
of its own (opened in the worker thread), reports progress, and checks for
cancellation through the same ``progress``/``cancelled`` callables the core
functions take. Work that runs threads of its own (a refresh) is given as a
:class:`ProcessJob` instead and runs in a child process, where it cannot hold
the UI's interpreter lock::

    def job(ctx: TaskContext) -> ImportReport:
        return import_paths(ctx.lib, paths, progress=lambda p: ctx.progress(p.done, p.total, p.path),
                            cancelled=ctx.cancelled)

    runner.start(Task("Importing files", job))

:class:`TaskRunner` runs tasks one at a time (a refresh asked for during an
import waits its turn), and tells the window when each starts, moves, ends or
fails; the window refreshes its models when a task finishes.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal

from digest_app.errors import DigestError
from digest_app.gui.task_context import Progress, TaskContext
from digest_app.gui.worker_process import ProcessJob, run_in_process
from digest_app.store import Library

__all__ = ["Progress", "ProcessJob", "Task", "TaskContext", "TaskRunner"]

log = logging.getLogger(__name__)


class Task(QObject):
    """One piece of background work and its outcome.

    Signals arrive on the UI thread: ``progressed(Progress)``, then either
    ``succeeded(result)`` or ``failed(message)``; ``ended()`` comes last either way.
    *done* turns the result into a sentence for the status bar. Tasks with the
    same *key* (e.g. "refresh:all") are not queued twice.
    """

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(str)
    ended = Signal()

    def __init__(
        self,
        title: str,
        job: Callable[[TaskContext], Any] | ProcessJob,
        *,
        done: Callable[[Any], str] | None = None,
        cancellable: bool = True,
        key: str | None = None,
    ) -> None:
        super().__init__()
        self.title = title
        self.job = job
        self.key = key
        self._done = done
        self.cancellable = cancellable
        self.last_progress: Progress | None = None
        self.result: Any = None
        self.error: str | None = None
        self._cancel = threading.Event()
        self._thread: _TaskThread | None = None

    def done_text(self) -> str:
        """What the task did, in a sentence for the status bar."""
        return self._done(self.result) if self._done is not None else f"{self.title}: done."

    def cancel(self) -> None:
        """Ask the task to stop at its next check; it still ends normally."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.isRunning()

    def start(self, library_path: Path) -> None:
        self._thread = _TaskThread(self, Path(library_path))
        self._thread.reported.connect(self._on_progress)
        self._thread.completed.connect(self._on_completed)
        self._thread.start()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker thread ends (for shutdown and tests)."""
        return self._thread is None or self._thread.wait(timeout_ms)

    def _on_progress(self, progress: Progress) -> None:
        self.last_progress = progress
        self.progressed.emit(progress)

    def _on_completed(self, result: Any, error: str | None) -> None:
        self.result, self.error = result, error
        if error is None:
            self.succeeded.emit(result)
        else:
            self.failed.emit(error)
        self.ended.emit()


class _TaskThread(QThread):
    reported = Signal(object)
    completed = Signal(object, object)

    def __init__(self, task: Task, library_path: Path) -> None:
        super().__init__()
        self._task = task
        self._path = library_path
        self.setObjectName(f"task: {task.title}")

    def run(self) -> None:
        job = self._task.job
        try:
            if isinstance(job, ProcessJob):
                result = run_in_process(self._path, job, report=self.reported.emit, cancelled=self._task._cancel.is_set)
            else:
                with Library.open(self._path, create=False) as lib:
                    result = job(TaskContext(lib, self.reported.emit, self._task._cancel))
        except DigestError as exc:
            self.completed.emit(None, str(exc))
            return
        except Exception as exc:  # a bug: say so in the status bar, keep the app alive
            log.exception("task %r crashed", self._task.title)
            self.completed.emit(None, f"{self._task.title} failed unexpectedly: {exc}")
            return
        self.completed.emit(result, None)


class TaskRunner(QObject):
    """Runs tasks one after another against one library."""

    started = Signal(object)  # Task
    finished = Signal(object)  # Task (after its own signals)
    idle = Signal()

    def __init__(self, library_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library_path = Path(library_path)
        self._queue: deque[Task] = deque()
        self.current: Task | None = None

    def start(self, task: Task) -> Task:
        """Run *task* now, or after the running one. Returns the task that will do
        the work: an equal one (same key) already running or waiting, if any."""
        if task.key is not None:
            for other in ([self.current] if self.current else []) + list(self._queue):
                if other.key == task.key and not other.cancel_requested:
                    return other
        self._queue.append(task)
        if self.current is None:
            self._next()
        return task

    @property
    def busy(self) -> bool:
        return self.current is not None

    def queued(self) -> list[Task]:
        return list(self._queue)

    def cancel_all(self) -> None:
        self._queue.clear()
        if self.current is not None:
            self.current.cancel()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the running task's thread ends (at shutdown)."""
        return self.current is None or self.current.wait(timeout_ms)

    def _next(self) -> None:
        if not self._queue:
            self.current = None
            self.idle.emit()
            return
        task = self._queue.popleft()
        self.current = task
        task.ended.connect(lambda: self._ended(task))
        self.started.emit(task)
        task.start(self.library_path)

    def _ended(self, task: Task) -> None:
        # The worker has emitted its last signal and is returning from run();
        # wait for it so the QThread is never destroyed while still running.
        task.wait()
        self.finished.emit(task)
        if self.current is task:
            self.current = None
        self._next()
