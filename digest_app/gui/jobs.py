"""Jobs the window runs in a worker process: module-level functions, so they pickle by name.

Each is called as ``job(ctx, *args)`` with a
:class:`~digest_app.gui.task_context.TaskContext` (see
:mod:`digest_app.gui.worker_process`). They are the heavy ones: parsing,
fetching and NLP in Python, which in the window's own process would take
turns with the UI thread for the interpreter lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from digest_app.gui.task_context import TaskContext

if TYPE_CHECKING:
    from digest_app.collect.refresh import RefreshReport
    from digest_app.records import ImportReport
    from digest_app.summaries import SummaryLength


def refresh(ctx: TaskContext, source_ids: Sequence[int] | None) -> RefreshReport:
    """Refresh every feed and page (or *source_ids*), reporting each source as it is stored."""
    from digest_app.collect.refresh import refresh_sources

    return refresh_sources(
        ctx.lib,
        source_ids,
        progress=lambda done, total, title, new: ctx.progress(done, total, f"{title}: {new:,} new so far"),
        cancelled=ctx.cancelled,
    )


def import_files(ctx: TaskContext, paths: Sequence[str]) -> ImportReport:
    """Import files and folders (feeds, OPML, HTML, Markdown, text), one progress step per file."""
    from digest_app.collect.importer import import_paths

    return import_paths(
        ctx.lib, paths, progress=lambda p: ctx.progress(p.done, p.total, p.path), cancelled=ctx.cancelled
    )


def load_sample(ctx: TaskContext) -> ImportReport:
    """Store the sample library's articles, summarized and tagged."""
    from digest_app.sample import load_sample_library

    return load_sample_library(ctx.lib, progress=ctx.progress, cancelled=ctx.cancelled)


def resummarize(ctx: TaskContext, length: SummaryLength) -> int:
    """Make *length* the library's summary length and recompute the summaries it changes."""
    from digest_app.summaries import resummarize as recompute

    return recompute(ctx.lib, length, progress=ctx.progress, cancelled=ctx.cancelled)
