"""The library: one SQLite file holding sources, articles, tags, searches and digests.

Open it, use its stores, close it::

    from digest_app.store import Library

    with Library.open("/tmp/library.db") as lib:
        source = lib.sources.local_files()
        result = lib.articles.store(source.id, parsed_article)
        print(lib.articles.get(result.article_id).title)

A ``Library`` wraps one connection and must stay on the thread that opened it;
background workers open their own. Writes go through :meth:`Library.write`, an
``IMMEDIATE`` transaction, so two processes (the GUI refreshing while the CLI
imports) queue on the busy timeout instead of failing with "database is locked".
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import sqlite_utils

from digest_app.errors import LibraryError, LibraryLockedError
from digest_app.store import fts, migrations

BUSY_TIMEOUT_MS = 30_000


class Library:
    """An open library file. Create with :meth:`open`, never directly."""

    def __init__(self, path: Path, conn: sqlite3.Connection) -> None:
        from digest_app.store.articles import ArticleStore
        from digest_app.store.digests import DigestStore
        from digest_app.store.duplicates import DuplicateStore
        from digest_app.store.images import ImageStore
        from digest_app.store.search import SearchStore
        from digest_app.store.searches import SavedSearchStore
        from digest_app.store.settings import SettingsStore
        from digest_app.store.sources import SourceStore
        from digest_app.store.tags import TagStore

        self.path = path
        self.conn = conn
        self.db = sqlite_utils.Database(conn, execute_plugins=False)
        self.sources = SourceStore(self)
        self.articles = ArticleStore(self)
        self.tags = TagStore(self)
        self.saved_searches = SavedSearchStore(self)
        self.digests = DigestStore(self)
        self.settings = SettingsStore(self)
        self.search = SearchStore(self)
        self.duplicates = DuplicateStore(self)
        self.images = ImageStore(self)

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, create: bool = True) -> "Library":
        """Open (and if needed create and upgrade) the library at *path*.

        Raises :class:`LibraryTooNewError` for a library written by a newer
        Digest, without writing a byte to it.
        """
        path = Path(path).expanduser()
        if path.is_dir():
            raise LibraryError(f"{path}: is a folder, not a library file")
        if not path.exists():
            if not create:
                raise LibraryError(f"{path}: no library here")
            _create_private_file(path)
        try:
            conn = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
        except sqlite3.Error as exc:
            raise LibraryError(f"{path}: cannot open library ({exc})") from exc
        try:
            _configure(conn, path)
            migrations.upgrade(conn, path)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: everything inside lands together or not at all.

        Nested calls join the outer transaction.
        """
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _locked_or_error(self.path, exc) from exc
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            # A failed COMMIT (busy, or a deferred foreign key still broken) leaves the
            # transaction open: nothing of it may stay behind for the next one.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise _locked_or_error(self.path, exc) from exc

    def query(self, sql: str, params: tuple | dict = ()) -> list[sqlite3.Row]:
        """Rows of a read-only query, as ``sqlite3.Row`` objects (store modules only)."""
        cur = self.conn.execute(sql, params)
        try:
            return cur.fetchall()
        finally:
            cur.close()

    @property
    def schema_version(self) -> int:
        return self.conn.execute("PRAGMA user_version").fetchone()[0]


def _create_private_file(path: Path) -> None:
    """Create an empty library readable by its owner only (a shared machine must
    not expose years of someone's reading)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise LibraryError(f"{path}: cannot create library ({exc.strerror})") from exc


def _configure(conn: sqlite3.Connection, path: Path) -> None:
    conn.row_factory = sqlite3.Row
    # The search index's triggers call these; see store/fts.py.
    fts.register_functions(conn)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        # Read the version before anything writes to the file, so that a library
        # from a newer Digest is refused untouched.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise LibraryError(f"{path}: not a Digest library ({exc})") from exc
    migrations.refuse_if_too_new(version, path)
    if version == 0 and not conn.execute("SELECT 1 FROM sqlite_schema LIMIT 1").fetchone():
        # Only a file without tables can take this: it lets merging the search
        # index and deleting articles give the freed pages back to the disk.
        conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise LibraryError(f"{path}: cannot switch the library to WAL mode (got {mode})")
    # NORMAL is durable across application crashes in WAL mode; only a power
    # cut can lose the last transactions, never corrupt the file.
    conn.execute("PRAGMA synchronous = NORMAL")
    # 32 MB of page cache (default 2 MB): search and listings at 100k articles
    # revisit the same index pages constantly.
    conn.execute("PRAGMA cache_size = -32768")


def _locked_or_error(path: Path, exc: sqlite3.Error) -> LibraryError:
    if "locked" in str(exc) or "busy" in str(exc):
        return LibraryLockedError(
            f"{path}: the library stayed busy in another process for "
            f"{BUSY_TIMEOUT_MS // 1000} s; try again"
        )
    return LibraryError(f"{path}: {exc}")
