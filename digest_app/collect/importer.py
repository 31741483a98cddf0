"""Import local files and folders into the library.

    >>> from digest_app.collect.importer import import_paths
    >>> report = import_paths(lib, ["~/Downloads/xiaomi"])
    >>> report.added, report.unchanged, [p.reason for p in report.failed]

Folders are walked recursively (hidden files and folders skipped). Each file is
read, its format sniffed from its content and name, parsed, and stored
atomically: a broken file is reported by name and reason and never stops the
rest of the batch, and a failure inside a file leaves nothing of it
half-written.

Reading and parsing, and the work on each article that needs no library
(language, topic score, near-duplicate fingerprint, rule tags, see
:func:`digest_app.collect.pipeline.prepare`), run in forked worker processes when
there is enough input to repay them and forking is safe (Linux, a process running
a single thread: the command line); elsewhere in the importing process. The main process stores the files in
their order, those read in one go (up to :data:`GROUP_ARTICLES` articles) in one
transaction: a transaction per small file would cost more than storing its
article. If storing a file fails, its group is rolled back and its files are
stored again one transaction each, so the failure stays the failing file's.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from digest_app.collect import feeds, formats, opml
from digest_app.collect.documents import parse_markdown_document, parse_text_document
from digest_app.collect.htmlpage import parse_html_document
from digest_app.collect.pipeline import PreparedArticle, prepare, store_batch, topic_rules_for
from digest_app.errors import DigestError, InputError, UnsupportedFormatError
from digest_app.records import ImportProblem, ImportReport, ParsedArticle, ParsedFeed, Source
from digest_app.store import Library
from digest_app.summaries import summarize_stored
from digest_app.urls import is_web_url

#: Files larger than this are refused rather than read into memory.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Worker processes that read files: two, once there are two CPUs, none on one.
#: Reading (parsing, and preparing each article down to its packed text and hashes)
#: takes twice the CPU time of storing what was read, so on 2 CPUs the main process
#: shares one with a worker (measured on 5,000 articles: 578 articles/s with two
#: workers, 450 with one).
WORKERS = 2 if (os.cpu_count() or 1) >= 2 else 0
#: Less input than this is read in the main process: forking workers (some 20 ms)
#: would cost more than they save.
MIN_BYTES_FOR_WORKERS = 512 * 1024
#: A worker's task: consecutive files up to this many bytes (at least one file).
TASK_BYTES = 256 * 1024
#: Tasks given out ahead of the one the main process is storing.
TASKS_AHEAD = 3 * max(WORKERS, 1)
#: Files read in one go are stored in one transaction, up to this many articles.
GROUP_ARTICLES = 200
#: How often a worker checks that the process that started it is still there.
PARENT_CHECK_SECONDS = 0.5


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
    pending_summaries: list[int] = field(default_factory=list)
    unsummarized: int = 0

    def merge(self, other: "_Tally") -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.sources_added += other.sources_added
        self.failed += other.failed
        self.notes += other.notes
        self.pending_summaries += other.pending_summaries
        self.unsummarized += other.unsummarized

    def report(self) -> ImportReport:
        return ImportReport(
            added=self.added,
            updated=self.updated,
            unchanged=self.unchanged,
            sources_added=self.sources_added,
            failed=tuple(self.failed),
            notes=tuple(self.notes),
            unsummarized=self.unsummarized,
        )


@dataclass(frozen=True)
class _ReadFile:
    """A file read and parsed, its articles prepared; or why it could not be."""

    path: Path
    problem: str | None = None
    outline: opml.OpmlDocument | None = None
    #: A feed's own details (its entries are in ``articles``).
    feed: ParsedFeed | None = None
    articles: tuple[PreparedArticle, ...] = ()
    file_url: str = ""


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
    writer = _Writer(lib)
    done = 0
    with _reading(files, lib.path) as reads:
        for group in _groups(reads):
            stored = writer.store(group, cancelled)
            stopped = len(stored) < len(group)
            for read, outcome in zip(group, stored):
                # Summaries are the slow part of a group: Cancel is heard between them too.
                # What the group stored stays; its summaries wait for the next import.
                stopped = stopped or (cancelled is not None and cancelled())
                if summarize and not stopped:
                    _summarize(lib, read, outcome)
                elif summarize:
                    tally.unsummarized += len(outcome.pending_summaries)
                tally.merge(outcome)
                done += 1
                if progress is not None:
                    progress(ImportProgress(done, len(files), str(read.path)))
            if stopped:
                tally.notes.append(
                    f"cancelled after {done} of {len(files)} files" if done < len(files)
                    else "cancelled while summarizing"
                )
                if tally.unsummarized:
                    tally.notes.append(
                        f"{tally.unsummarized} stored articles have no summary yet "
                        "(importing the same files again, or `digest-app resummarize`, makes them)"
                    )
                break
    return tally.report()


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if not name.startswith("."):
                yield Path(root) / name


# --- reading (in worker processes when there is enough input) -------------------------


def _read_file(path: Path, library_path: Path) -> _ReadFile:
    """Read, sniff, parse and prepare one file; a :class:`DigestError` becomes its problem."""
    try:
        data = _read(path)
        kind = formats.sniff_format(data, path.name)
        name = str(path)
        file_url = path.resolve().as_uri()
        if kind is None:
            raise UnsupportedFormatError(
                f"{name}: unknown format (not a feed, OPML, HTML, Markdown or text file)"
            )
        if kind == "opml":
            return _ReadFile(path, outline=opml.parse_opml(data, name=name))
        feed = None
        articles: Sequence[ParsedArticle]
        if kind in ("feed", "jsonfeed"):
            feed = feeds.parse_feed(data, name=name)
            articles, feed = feed.entries, dataclasses.replace(feed, entries=())
        else:
            text = formats.decode_text(data, name)
            if kind == "html":
                articles = parse_html_document(text, name=name, url=file_url)
            elif kind == "markdown":
                articles = parse_markdown_document(text, name=name, url=file_url)
            else:
                articles = parse_text_document(text, name=name, url=file_url)
            if not articles:
                raise InputError(f"{name}: no article text found")
        rules = topic_rules_for(library_path)
        return _ReadFile(path, feed=feed, articles=tuple(prepare(a, rules) for a in articles), file_url=file_url)
    except DigestError as exc:
        return _ReadFile(path, problem=_reason(exc, path))


def _read_files(paths: list[Path], library_path: Path) -> list[_ReadFile]:
    return [_read_file(path, library_path) for path in paths]


@contextlib.contextmanager
def _reading(files: list[Path], library_path: Path) -> Iterator[Iterator[_ReadFile]]:
    """The files read and prepared, in their order: by worker processes when that pays
    and forking is safe, else in this process."""
    tasks = _tasks(files)
    if not WORKERS or len(tasks) < 2 or sum(size for _, size in tasks) < MIN_BYTES_FOR_WORKERS or not _can_fork():
        yield (_read_file(path, library_path) for path in files)
        return
    # Compiled once here, the rules are the forked workers' too. A broken rules
    # file is left for each input file to report, as when reading in this process.
    with contextlib.suppress(DigestError):
        topic_rules_for(library_path)
    pool = ProcessPoolExecutor(
        WORKERS, mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker, initargs=(os.getpid(),),
    )
    try:
        yield _in_order(pool, [paths for paths, _ in tasks], library_path)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _in_order(pool: ProcessPoolExecutor, tasks: list[list[Path]], library_path: Path) -> Iterator[_ReadFile]:
    """The results of *tasks*, in order, with a few tasks given out ahead."""
    ahead: deque[Future[list[_ReadFile]]] = deque()
    queued = iter(tasks)
    for paths in queued:
        ahead.append(pool.submit(_read_files, paths, library_path))
        if len(ahead) >= TASKS_AHEAD:
            break
    while ahead:
        reads = ahead.popleft().result()
        for paths in queued:
            ahead.append(pool.submit(_read_files, paths, library_path))
            break
        yield from reads


def _tasks(files: list[Path]) -> list[tuple[list[Path], int]]:
    """*files* cut into runs of consecutive files of about :data:`TASK_BYTES`, with their sizes."""
    tasks: list[tuple[list[Path], int]] = []
    paths: list[Path] = []
    size = 0
    for path in files:
        try:
            file_size = path.stat().st_size
        except OSError:
            file_size = 0  # reading it will say what is wrong
        if paths and size + file_size > TASK_BYTES:
            tasks.append((paths, size))
            paths, size = [], 0
        paths.append(path)
        size += file_size
    if paths:
        tasks.append((paths, size))
    return tasks


def _can_fork() -> bool:
    """Forking is fast and safe on Linux in a process that runs one thread (the command
    line). A forked copy of a threaded process can deadlock on a lock another thread
    held; and starting fresh interpreters instead (about a second each) would run the
    caller's main module again in each."""
    return sys.platform == "linux" and threading.active_count() == 1


def _start_worker(parent: int) -> None:
    # Ctrl-C is the main process's to handle: it stops handing out work.
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def leave_with_parent() -> None:
        # A worker waits for work on a queue that it holds open itself, so it would
        # never notice a killed parent by end of file.
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=leave_with_parent, daemon=True).start()


# --- storing (in the main process, in the files' order) ---------------------------------


def _groups(reads: Iterator[_ReadFile]) -> Iterator[list[_ReadFile]]:
    """Consecutive files of up to :data:`GROUP_ARTICLES` articles (at least one file)."""
    group: list[_ReadFile] = []
    articles = 0
    for read in reads:
        if group and articles + len(read.articles) > GROUP_ARTICLES:
            yield group
            group, articles = [], 0
        group.append(read)
        articles += len(read.articles)
    if group:
        yield group


class _Writer:
    """Stores groups of read files: each group in one transaction, or file by file
    when one of them fails."""

    def __init__(self, lib: Library) -> None:
        self.lib = lib
        self._local_files: Source | None = None

    def store(self, group: list[_ReadFile], cancelled: Callable[[], bool] | None) -> list[_Tally]:
        """What storing each file of *group* did, in order; shorter than *group* when
        *cancelled* said to stop."""
        outcomes: list[_Tally] = []
        try:
            with self.lib.write():
                documents: list[_ReadFile] = []  # consecutive ones, stored together
                for read in group:
                    if cancelled is not None and cancelled():
                        break
                    if _is_document(read):
                        documents.append(read)
                        continue
                    outcomes += self._store_documents(documents)
                    documents = []
                    outcomes.append(self._store_file(read))
                outcomes += self._store_documents(documents)
        except DigestError:
            self._local_files = None  # it may have been created in what was rolled back
            outcomes = []
            for read in group:
                if cancelled is not None and cancelled():
                    break
                outcomes.append(self._store_alone(read))
        return outcomes

    def _store_alone(self, read: _ReadFile) -> _Tally:
        try:
            with self.lib.write():
                return self._store_documents([read])[0] if _is_document(read) else self._store_file(read)
        except DigestError as exc:
            self._local_files = None
            return _Tally(failed=[ImportProblem(str(read.path), _reason(exc, read.path))])

    def _store_file(self, read: _ReadFile) -> _Tally:
        """Store a file that is not a document: a problem, an OPML file or a feed."""
        tally = _Tally()
        if read.problem is not None:
            tally.failed.append(ImportProblem(str(read.path), read.problem))
        elif read.outline is not None:
            self._store_outline(read.outline, str(read.path), tally)
        elif read.feed is not None:
            feed = read.feed
            if feed.warning:
                tally.notes.append(f"{read.path}: {feed.warning}")
            if is_web_url(feed.feed_url):
                source, created = self.lib.sources.add(
                    "feed", feed.feed_url, title=feed.title, site_url=feed.site_url
                )
            else:
                source, created = self.lib.sources.add(
                    "file", read.file_url, title=feed.title or read.path.name, site_url=feed.site_url
                )
            tally.sources_added += created
            (tally,) = self._store_articles(source, [read], [tally])
        return tally

    def _store_documents(self, reads: list[_ReadFile]) -> list[_Tally]:
        """Store documents (text, Markdown, HTML) in the local-files source, in one batch:
        storing and tagging have a cost per batch as well as per article."""
        if not reads:
            return []
        if self._local_files is None:
            self._local_files = self.lib.sources.local_files()
        return self._store_articles(self._local_files, reads, [_Tally() for _ in reads])

    def _store_articles(self, source: Source, reads: list[_ReadFile], tallies: list[_Tally]) -> list[_Tally]:
        """Store the articles of *reads* in one batch; each file's share goes to its tally."""
        batch = store_batch(
            self.lib, source.id, [a for read in reads for a in read.articles],
            topic_filter=source.topic_filter, summarize=False,
        )
        results = dict(zip(batch.kept, batch.results))
        pending = set(batch.pending_summaries)
        first = 0
        for read, tally in zip(reads, tallies):
            for position in range(first, first + len(read.articles)):
                result = results.get(position)
                if result is not None:
                    setattr(tally, result.status, getattr(tally, result.status) + 1)
                    if result.article_id in pending:
                        tally.pending_summaries.append(result.article_id)
            first += len(read.articles)
        return tallies

    def _store_outline(self, outline: opml.OpmlDocument, name: str, tally: _Tally) -> None:
        for feed in outline.feeds:
            _, created = self.lib.sources.add(
                "feed",
                feed.url,
                title=feed.title,
                site_url=feed.site_url,
                topic_filter=feed.topic_filter,
            )
            tally.sources_added += created
        for skipped in outline.skipped:
            tally.notes.append(f"{name}: {skipped}")


def _is_document(read: _ReadFile) -> bool:
    """A text, Markdown or HTML file read without a problem (its articles go to the
    local-files source)."""
    return read.problem is None and read.outline is None and read.feed is None


def _summarize(lib: Library, read: _ReadFile, outcome: _Tally) -> None:
    """Summarize what storing a file added or changed (outside its transaction: the NLP
    takes a while); a failure is the file's, like one in storing it."""
    try:
        summarize_stored(lib, outcome.pending_summaries)
    except DigestError as exc:
        outcome.failed.append(ImportProblem(str(read.path), _reason(exc, read.path)))


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
