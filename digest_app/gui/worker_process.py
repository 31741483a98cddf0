"""Running a job in a child process, so that it cannot hold the UI's interpreter lock.

A refresh runs a pool of fetching threads and parses, deduplicates and
summarizes in Python; in the GUI's own process those threads would take turns
with the UI thread for the interpreter lock, and the window would stutter. In a
child process they cannot. The job is a top-level function (pickled by name)
called as ``function(ctx, *args)`` with a :class:`TaskContext` whose library
connection the child opens::

    report = run_in_process(lib.path, ProcessJob(jobs.refresh, (None,)), report=print, cancelled=event.is_set)

The parent sends the job on the child's stdin, then ``cancel`` if asked; the
child answers on a pipe of its own with ``progress``, then ``result`` or
``error`` messages (length-prefixed pickles; stdout is left to libraries that
print). A child whose parent disappears sees its stdin close and cancels.

Run as ``python -m digest_app.gui.worker_process FD`` by :func:`run_in_process` only.
"""

from __future__ import annotations

import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from digest_app.errors import DigestError
from digest_app.gui.task_context import Progress, TaskContext
from digest_app.paths import PROJECT_ROOT

_HEADER = struct.Struct(">I")
_POLL_S = 0.1


class WorkerFailed(DigestError):
    """The job failed in the worker process (the message says how), or the process died."""


@dataclass(frozen=True)
class ProcessJob:
    """A job for a worker process: a module-level function and its (picklable) arguments."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = field(default=())


# -- the parent's side -----------------------------------------------------------------


def run_in_process(
    library_path: Path,
    job: ProcessJob,
    *,
    report: Callable[[Progress], None],
    cancelled: Callable[[], bool],
) -> Any:
    """Run *job* in a new Python process on the library at *library_path*; returns its
    result or raises :class:`WorkerFailed`. Blocks: call it from a worker thread."""
    read_fd, write_fd = os.pipe()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "digest_app.gui.worker_process", str(write_fd)],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            pass_fds=(write_fd,),
            env=env,
        )
    finally:
        os.close(write_fd)
    try:
        assert child.stdin is not None
        _send(child.stdin, ("job", str(library_path), job.function, job.args))
        cancel_sent = False
        while True:
            if cancelled() and not cancel_sent:
                _send(child.stdin, ("cancel",))
                cancel_sent = True
            ready, _, _ = select.select([read_fd], [], [], _POLL_S)
            if not ready:
                continue
            message = _receive_fd(read_fd)
            if message is None:
                code = child.wait()
                raise WorkerFailed(f"the background worker stopped unexpectedly (exit status {code})")
            if message[0] == "progress":
                report(Progress(*message[1:]))
            elif message[0] == "result":
                return message[1]
            else:
                raise WorkerFailed(message[1])
    finally:
        os.close(read_fd)
        if child.stdin is not None:
            try:
                child.stdin.close()
            except OSError:
                pass
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _send(stream: IO[bytes], message: tuple[Any, ...]) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        stream.write(_HEADER.pack(len(data)) + data)
        stream.flush()
    except BrokenPipeError:
        pass  # the child is gone; its pipe's end of file says how


def _receive_fd(fd: int) -> tuple[Any, ...] | None:
    header = _read_exactly(lambda n: os.read(fd, n), _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(lambda n: os.read(fd, n), _HEADER.unpack(header)[0])
    return pickle.loads(body) if body is not None else None


def _read_exactly(read: Callable[[int], bytes], size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


# -- the child's side ------------------------------------------------------------------


def _child_main(out_fd: int) -> int:
    from digest_app.store import Library

    out = os.fdopen(out_fd, "wb")
    lock = threading.Lock()

    def send(message: tuple[Any, ...]) -> None:
        with lock:
            _send(out, message)

    incoming = sys.stdin.buffer
    first = _receive_stream(incoming)
    if first is None or first[0] != "job":
        return 2
    _, path, function, args = first
    cancel = threading.Event()

    def watch_parent() -> None:
        # A "cancel" message, or the parent going away, stops the job.
        while True:
            message = _receive_stream(incoming)
            if message is None or message[0] == "cancel":
                cancel.set()
                return

    threading.Thread(target=watch_parent, daemon=True).start()
    try:
        with Library.open(path, create=False) as lib:
            ctx = TaskContext(lib, lambda p: send(("progress", p.done, p.total, p.text)), cancel)
            result = function(ctx, *args)
        send(("result", result))
    except DigestError as exc:
        send(("error", str(exc)))
    except Exception as exc:  # a bug: the traceback goes to stderr, a sentence to the window
        traceback.print_exc()
        send(("error", f"the background job failed unexpectedly ({type(exc).__name__}: {exc})"))
    return 0


def _receive_stream(stream: IO[bytes]) -> tuple[Any, ...] | None:
    header = _read_exactly(stream.read, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(stream.read, _HEADER.unpack(header)[0])
    return pickle.loads(body) if body is not None else None


if __name__ == "__main__":
    status = _child_main(int(sys.argv[1]))
    sys.stderr.flush()
    # The answer is sent and the library closed; threads still stuck in a network
    # read (a cancelled refresh) must not keep the process, and the window, waiting.
    os._exit(status)
