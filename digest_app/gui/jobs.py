"""Jobs the window runs in a worker process: module-level functions, so they pickle by name.

Each is called as ``job(ctx, *args)`` with a
:class:`~digest_app.gui.task_context.TaskContext` (see
:mod:`digest_app.gui.worker_process`).
"""

from __future__ import annotations

from collections.abc import Sequence

from digest_app.gui.task_context import TaskContext


def refresh(ctx: TaskContext, source_ids: Sequence[int] | None):
    """Refresh every feed and page (or *source_ids*), reporting each source as it is stored."""
    from digest_app.collect.refresh import refresh_sources

    return refresh_sources(
        ctx.lib,
        source_ids,
        progress=lambda done, total, title, new: ctx.progress(done, total, f"{title}: {new:,} new so far"),
        cancelled=ctx.cancelled,
    )
