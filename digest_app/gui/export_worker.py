"""Digest work off the UI thread: building, rebuilding and exporting, as background tasks.

    window.run_task(build_task(options))                     # result: the saved digest's ID
    task = window.run_task(export_task(digest, path, "pdf"))  # result: the path written
    task.progressed.connect(bar.show_progress); task.cancel()

Each is a :class:`~digest_app.gui.tasks.Task`: it runs in a worker thread with
a library connection of its own, reports progress, can be cancelled, and says
what it did (or what went wrong) in a sentence for the status bar. An export
needs nothing from the library: the digest it writes is already complete.
"""

from __future__ import annotations

from pathlib import Path

from digest_app.digests.export import FORMATS
from digest_app.digests.model import Digest
from digest_app.digests.options import DigestOptions
from digest_app.gui.tasks import Task, TaskContext


def build_task(options: DigestOptions) -> Task:
    """Build a digest with *options* and save it in the library."""

    def job(ctx: TaskContext) -> int:
        from digest_app.digests.build import build_digest
        from digest_app.digests.saved import save_digest

        digest = build_digest(ctx.lib, options, progress=ctx.progress, cancelled=ctx.cancelled)
        return save_digest(ctx.lib, digest).id

    return Task("Building a digest", job, done=lambda digest_id: "The digest is ready.")


def rebuild_task(digest_id: int) -> Task:
    """Build a saved digest again from its options, in its place."""

    def job(ctx: TaskContext) -> int:
        from digest_app.digests.saved import rebuild_digest

        return rebuild_digest(ctx.lib, digest_id, progress=ctx.progress, cancelled=ctx.cancelled).id

    return Task("Rebuilding the digest", job, done=lambda _id: "The digest was rebuilt.")


def export_task(digest: Digest, path: Path, fmt: str, *, page_size: str = "A4") -> Task:
    """Write *digest* to *path* as *fmt* (pdf, html, md or epub)."""
    what = FORMATS[fmt][1]

    def job(ctx: TaskContext) -> Path:
        from digest_app.digests.export import export_digest

        return export_digest(
            digest, path, fmt, page_size=page_size, progress=ctx.progress, cancelled=ctx.cancelled
        )

    return Task(f"Exporting {what}", job, done=lambda written: f"Exported the digest to {written}.")
