"""Reads from the library off the UI thread: list pages, search pages, sidebar counts.

A :class:`Library` belongs to the thread that opened it, so :class:`LibraryReader`
keeps one thread with a connection of its own and runs jobs there, one after
another. A job is a function of the library (it calls the core API: no SQL
here); its result comes back on the UI thread through a callback::

    reader = LibraryReader(lib.path)
    reader.submit(lambda lib: lib.articles.count(), on_result=label.setNum)

Writes stay on the UI thread's own connection (they are single small
transactions); the reader sees them as soon as they commit (WAL mode).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThread, Signal, Slot

from digest_app.store import Library

T = TypeVar("T")
Job = Callable[[Library], Any]

log = logging.getLogger(__name__)


class _Executor(QObject):
    """Lives in the reader thread; owns that thread's connection."""

    done = Signal(int, object, object)  # ticket, result, error

    def __init__(self, path: Path, skipped: "_TicketSet") -> None:
        super().__init__()
        self._path = path
        self._skipped = skipped
        self._lib: Library | None = None

    @Slot(int, object)
    def run(self, ticket: int, job: Job) -> None:
        if self._skipped.take(ticket):
            return
        try:
            if self._lib is None:
                self._lib = Library.open(self._path, create=False)
            result = job(self._lib)
        except Exception as exc:  # handed to the caller's error callback, never lost
            self.done.emit(ticket, None, exc)
            return
        self.done.emit(ticket, result, None)

    @Slot()
    def close(self) -> None:
        if self._lib is not None:
            self._lib.close()
            self._lib = None


class _TicketSet:
    """Tickets of superseded jobs, shared by both threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tickets: set[int] = set()

    def add(self, ticket: int) -> None:
        with self._lock:
            self._tickets.add(ticket)

    def take(self, ticket: int) -> bool:
        with self._lock:
            if ticket in self._tickets:
                self._tickets.discard(ticket)
                return True
            return False


class LibraryReader(QObject):
    """A background thread with its own connection to the library at *path*."""

    #: A job failed and had no error callback: (message). The window shows it quietly.
    failed = Signal(str)
    _request = Signal(int, object)
    _shutdown = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tickets = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Exception], None] | None]] = {}
        self._latest: dict[str, int] = {}
        self._skipped = _TicketSet()
        self._thread = QThread()
        self._thread.setObjectName("library-reader")
        self._executor = _Executor(Path(path), self._skipped)
        self._executor.moveToThread(self._thread)
        self._request.connect(self._executor.run)
        self._shutdown.connect(self._executor.close)
        self._executor.done.connect(self._deliver)
        self._thread.start()

    def submit(
        self,
        job: Callable[[Library], T],
        on_result: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        key: str | None = None,
    ) -> int:
        """Run *job* in the reader thread; *on_result* gets its value on the UI thread.

        A job submitted with a *key* supersedes the previous job with that key:
        if that one has not started it never runs, and its answer is dropped
        either way (typing a search runs only the latest query). Returns a
        ticket for :meth:`forget`.
        """
        ticket = next(self._tickets)
        if key is not None:
            previous = self._latest.get(key)
            if previous is not None and previous in self._callbacks:
                self.forget(previous)
            self._latest[key] = ticket
        self._callbacks[ticket] = (on_result, on_error)
        self._request.emit(ticket, job)
        return ticket

    def forget(self, ticket: int) -> None:
        """Drop a job whose answer is no longer wanted (and skip it if it has not started)."""
        if self._callbacks.pop(ticket, None) is not None:
            self._skipped.add(ticket)

    @property
    def pending(self) -> int:
        """Jobs submitted whose answers have not arrived yet."""
        return len(self._callbacks)

    def close(self) -> None:
        """Close the connection and stop the thread (waits for the running job)."""
        if not self._thread.isRunning():
            return
        self._callbacks.clear()
        self._shutdown.emit()
        self._thread.quit()
        self._thread.wait()

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: Any, error: Exception | None) -> None:
        callbacks = self._callbacks.pop(ticket, None)
        if callbacks is None:
            self._skipped.take(ticket)
            return
        on_result, on_error = callbacks
        if error is None:
            on_result(result)
        elif on_error is not None:
            on_error(error)
        else:
            log.warning("background read failed: %s", error)
            self.failed.emit(str(error))
