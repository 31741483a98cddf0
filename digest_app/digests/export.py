"""Exporting a digest to a file: PDF, HTML, Markdown or EPUB, written safely.

    >>> export_digest(digest, "~/xiaomi-week.pdf")                  # format from the suffix
    >>> export_digest(digest, "week.txt", "md")                     # or named
    >>> export_digest(digest, "week.pdf", page_size="Letter", progress=report, cancelled=stop)

Every format is rendered in memory first and written by
:func:`~digest_app.files.write_atomically`, so a failure or a cancel
leaves no partial file and raises :class:`~digest_app.errors.ExportError`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from digest_app.files import write_atomically
from digest_app.digests.model import Digest
from digest_app.errors import ExportError

#: Format name -> (file suffixes, what it is).
FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "PDF"),
    "html": ((".html", ".htm"), "HTML page"),
    "md": ((".md", ".markdown"), "Markdown"),
    "epub": ((".epub",), "EPUB e-book"),
}


def format_for(path: str | os.PathLike[str]) -> str:
    """The export format a file name asks for (raises :class:`ExportError`)."""
    suffix = Path(path).suffix.lower()
    for name, (suffixes, _) in FORMATS.items():
        if suffix in suffixes:
            return name
    known = ", ".join(s for suffixes, _ in FORMATS.values() for s in suffixes)
    raise ExportError(f"{path}: cannot tell the format from the name; use one of {known}")


def export_digest(
    digest: Digest,
    path: str | os.PathLike[str],
    fmt: str | None = None,
    *,
    page_size: str = "A4",
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write *digest* to *path* as *fmt* (default: from the suffix). Returns the path written."""
    fmt = fmt or format_for(path)
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use {', '.join(FORMATS)}")
    if fmt == "pdf":
        from digest_app.digests.pdf import digest_pdf

        data: bytes | str = digest_pdf(digest, page_size=page_size, progress=progress, cancelled=cancelled)  # type: ignore[arg-type]
    elif fmt == "html":
        from digest_app.digests.render_html import document_html

        data = document_html(digest)
    elif fmt == "md":
        from digest_app.digests.render_markdown import digest_markdown

        data = digest_markdown(digest)
    else:
        from digest_app.digests.epub import digest_epub

        data = digest_epub(digest)
    if cancelled is not None and cancelled():
        raise ExportError(f"{path}: the export was cancelled; nothing was saved")
    written = write_atomically(path, data)
    if progress is not None:
        progress(1, 1)
    return written
