"""What a background job gets, in a worker thread or a worker process (no Qt here).

    def job(ctx: TaskContext) -> ImportReport:
        return import_paths(ctx.lib, paths, progress=lambda p: ctx.progress(p.done, p.total, p.path),
                            cancelled=ctx.cancelled)
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from digest_app.store import Library

#: Progress reports closer together than this are merged (the bar cannot show them).
PROGRESS_INTERVAL_S = 0.05


@dataclass(frozen=True)
class Progress:
    """How far a task is: *done* of *total* steps (total 0: unknown), and what it is doing."""

    done: int
    total: int
    text: str = ""


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class TaskContext:
    """A running job's library connection, progress reporting and cancellation check."""

    def __init__(self, lib: Library, report: Callable[[Progress], None], cancel: CancelFlag) -> None:
        self.lib = lib
        self._report = report
        self._cancel = cancel
        self._last = 0.0

    def progress(self, done: int, total: int, text: str = "") -> None:
        now = time.monotonic()
        if done < total and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        self._report(Progress(done, total, text))

    def cancelled(self) -> bool:
        return self._cancel.is_set()
