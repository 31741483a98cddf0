"""Jobs in a child process: results, progress, errors, cancellation, a child that dies."""

from __future__ import annotations

import os
import time

import pytest

from digest_app.errors import InputError
from digest_app.gui.task_context import TaskContext
from digest_app.gui.worker_process import ProcessJob, WorkerFailed, run_in_process
from digest_app.records import ParsedArticle


def count_with_progress(ctx: TaskContext, steps: int) -> tuple[int, int]:
    for step in range(1, steps + 1):
        ctx.progress(step, steps, f"step {step}")
        time.sleep(0.06)
    return ctx.lib.articles.count(), os.getpid()


def refuse(ctx: TaskContext) -> None:
    raise InputError("notes.md: cannot read the file (permission denied)")


def wait_for_cancel(ctx: TaskContext) -> str:
    ctx.progress(0, 0, "waiting")
    deadline = time.monotonic() + 20
    while not ctx.cancelled() and time.monotonic() < deadline:
        time.sleep(0.02)
    return "stopped" if ctx.cancelled() else "never cancelled"


def die(ctx: TaskContext) -> None:
    os._exit(3)


@pytest.fixture
def stored(library):
    source = library.sources.local_files()
    library.articles.store_many(source.id, [ParsedArticle(title=f"Note {n}", text=f"Text {n}.") for n in range(3)])
    return library.path


def test_a_job_runs_in_another_process_on_the_library_and_reports_progress(stored):
    seen = []
    count, pid = run_in_process(stored, ProcessJob(count_with_progress, (3,)), report=seen.append, cancelled=lambda: False)
    assert count == 3
    assert pid != os.getpid()
    assert [p.done for p in seen] == [1, 2, 3] and seen[-1].text == "step 3"


def test_a_digest_error_in_the_job_comes_back_as_its_message(stored):
    with pytest.raises(WorkerFailed, match="permission denied"):
        run_in_process(stored, ProcessJob(refuse), report=lambda p: None, cancelled=lambda: False)


def test_cancelling_reaches_the_job(stored):
    seen = []
    result = run_in_process(stored, ProcessJob(wait_for_cancel), report=seen.append, cancelled=lambda: bool(seen))
    assert result == "stopped"


def test_a_worker_that_dies_is_reported(stored):
    with pytest.raises(WorkerFailed, match="exit status 3"):
        run_in_process(stored, ProcessJob(die), report=lambda p: None, cancelled=lambda: False)
