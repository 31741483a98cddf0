"""Import local files and folders into the library.

    >>> from digest_app.collect.importer import import_paths
    >>> report = import_paths(lib, ["~/Downloads/xiaomi"])
    >>> report.added, report.unchanged, [p.reason for p in report.failed]

Folders are walked recursively (hidden files and folders skipped). Each file is
read, its format sniffed from its content and name, parsed, and stored in one
transaction of its own: a broken file is reported by name and reason and never
stops the rest of the batch, and a failure inside a file leaves nothing of it
half-written.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from digest_app.collect import feeds, formats, opml
from digest_app.collect.documents import parse_markdown_document, parse_text_document
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.pipeline import store_articles
from digest_app.errors import DigestError, InputError, UnsupportedFormatError
from digest_app.records import ImportProblem, ImportReport, ParsedArticle
from digest_app.store import Library
from digest_app.urls import is_web_url

#: Files larger than this are refused rather than read into memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class ImportProgress:
    """Where an import run is: reported once per file."""

    done: int
    total: int
    path: str


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class _Tally:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    sources_added: int = 0
    failed: list[ImportProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def report(self) -> ImportReport:
        return ImportReport(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            sources_added=self.sources_added,
            failed=tuple(self.failed),
            notes=tuple(self.notes),
        )


def import_paths(
    lib: Library,
    paths: Iterable[str | os.PathLike[str]],
    *,
    summarize: bool = True,
    progress: ProgressCallback | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import every file under *paths*; see the module docstring."""
    tally = _Tally()
    files: list[Path] = []
    for given in paths:
        path = Path(given).expanduser()
        if not path.exists():
            tally.failed.append(ImportProblem(str(given), "no such file or folder"))
        elif path.is_dir():
            files.extend(_walk(path))
        else:
            files.append(path)
    for number, path in enumerate(files, start=1):
        if cancelled is not None and cancelled():
            tally.notes.append(f"cancelled after {number - 1} of {len(files)} files")
            break
        try:
            _import_file(lib, path, tally, summarize=summarize)
        except DigestError as exc:
            tally.failed.append(ImportProblem(str(path), _reason(exc, path)))
        if progress is not None:
            progress(ImportProgress(number, len(files), str(path)))
    return tally.report()


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


def _import_file(lib: Library, path: Path, tally: _Tally, *, summarize: bool) -> None:
    data = _read(path)
    kind = formats.sniff_format(data, path.name)
    name = str(path)
    file_url = path.resolve().as_uri()
    if kind is None:
        raise UnsupportedFormatError(
            f"{name}: unknown format (not a feed, OPML, HTML, Markdown or text file)"
        )
    if kind == "opml":
        _import_opml(lib, data, name, tally)
        return
    if kind in ("feed", "jsonfeed"):
        feed = feeds.parse_feed(data, name=name)
        if feed.warning:
            tally.notes.append(f"{name}: {feed.warning}")
        if is_web_url(feed.feed_url):
            source, created = lib.sources.add(
                "feed", feed.feed_url, title=feed.title, site_url=feed.site_url
            )
        else:
            source, created = lib.sources.add(
                "file", file_url, title=feed.title or path.name, site_url=feed.site_url
            )
        tally.sources_added += created
        _store(lib, source.id, feed.entries, tally, summarize=summarize)
        return
    text = formats.decode_text(data, name)
    articles: list[ParsedArticle]
    if kind == "html":
        articles = parse_html_document(text, name=name, url=file_url)
    elif kind == "markdown":
        articles = parse_markdown_document(text, name=name, url=file_url)
    else:
        articles = parse_text_document(text, name=name, url=file_url)
    if not articles:
        raise InputError(f"{name}: no article text found")
    _store(lib, lib.sources.local_files().id, articles, tally, summarize=summarize)


def _import_opml(lib: Library, data: bytes, name: str, tally: _Tally) -> None:
    outline = opml.parse_opml(data, name=name)
    with lib.write():
        for feed in outline.feeds:
            _, created = lib.sources.add(
                "feed",
                feed.url,
                title=feed.title,
                site_url=feed.site_url,
                topic_filter=feed.topic_filter,
            )
            tally.sources_added += created
    for skipped in outline.skipped:
        tally.notes.append(f"{name}: {skipped}")


def _store(
    lib: Library,
    source_id: int,
    articles: Sequence[ParsedArticle],
    tally: _Tally,
    *,
    summarize: bool,
) -> None:
    for result in store_articles(lib, source_id, articles, summarize=summarize):
        setattr(tally, result.status, getattr(tally, result.status) + 1)


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: file too large ({size // (1024 * 1024)} MB; the limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB)"
            )
        return path.read_bytes()
    except PermissionError as exc:
        raise InputError(f"{path}: cannot read the file (permission denied)") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc


def _reason(exc: DigestError, path: Path) -> str:
    """The error message without the path prefix (the report already names the file)."""
    message = str(exc)
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message
