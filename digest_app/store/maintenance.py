"""Looking after a library file: checks, repairs, and consistent backups.

    >>> from digest_app.store.maintenance import backup_library, check_library, repair_library
    >>> [(c.name, c.ok) for c in check_library(lib)]
    [('file', True), ('foreign keys', True), ('search index', True), ('duplicates', True),
     ('near-duplicate anchors', True), ('summaries', True)]
    >>> repair_library(lib)                  # rebuilds whatever the checks found out of step
    ['search index rebuilt (3 problems before)']
    >>> backup_library(lib, "~/library-2026-11-21.db").articles
    1234

What can drift and what cannot:

- The **file** itself (SQLite's ``integrity_check``) never goes wrong through Digest:
  every write is one transaction in WAL mode. If a disk or another program damages
  it, no repair in place is safe; the answer is a backup (``digest-app backup``,
  or the ``library.db.vN.bak`` written before each schema upgrade).
- The **search index**, **anchors** and **duplicate links** are derived from the
  articles, kept in step inside the same transactions as every change. Outside
  tools writing to the file, or a future bug, could put them out of step; they can
  always be rebuilt from the articles, and ``repair_library`` does that.
- **Summaries** are computed after their article is stored (the NLP takes a while
  and must not hold the write lock), so a crash between the two leaves an article
  without a summary: not damage, just work still to do. Repair computes them.

A backup uses SQLite's online backup API from a read transaction: it is a
consistent snapshot even while the GUI refreshes or the CLI imports, is written
under a temporary name and renamed, readable by the owner only, and verified
before it takes the name.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digest_app.errors import LibraryError
from digest_app.store import fts
from digest_app.store.duplicates import anchor_text, index_all_anchors

if TYPE_CHECKING:
    from digest_app.store.library import Library

#: At most this many findings of one check are listed (the count is always given).
MAX_LISTED = 10
_BATCH = 500
# Link tables whose rows are meaningless without their article.
_LINK_TABLES = ("article_tags", "article_anchors", "duplicate_links")


@dataclass(frozen=True)
class CheckResult:
    """One check of a library: its name and what it found wrong (nothing when ok).

    ``repairable`` says whether :func:`repair_library` can set it right.
    """

    name: str
    problems: tuple[str, ...] = ()
    repairable: bool = True

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class BackupResult:
    """A backup written: where, how big, and what it holds."""

    path: Path
    size: int
    articles: int
    schema_version: int


def check_library(lib: "Library") -> list[CheckResult]:
    """Every check, in order; reads the whole library (seconds for a large one)."""
    results = []
    for name, check in _checks(lib).items():
        try:
            results.append(check())
        except sqlite3.DatabaseError as exc:
            results.append(CheckResult(name, (f"could not be checked ({exc})",), repairable=False))
    return results


def repair_library(lib: "Library", *, summarize: Callable[["Library", list[int]], int] | None = None) -> list[str]:
    """Rebuild what the checks find out of step; returns what was done, in words.

    Damage to the file itself is not repaired (see the module docstring): it is
    reported, and the caller should restore a backup. Articles awaiting a summary
    are summarized with *summarize* (default: :func:`digest_app.summaries.summarize_stored`).
    """
    done: list[str] = []
    results = {result.name: result for result in check_library(lib)}
    damaged = [r for r in results.values() if not r.ok and not r.repairable]
    if damaged:
        raise LibraryError(
            f"{lib.path}: the file itself is damaged ({'; '.join(damaged[0].problems[:3])}); "
            "nothing was changed. Restore a backup (a digest-app backup copy, or the "
            f"{lib.path.name}.vN.bak written before an upgrade)"
        )
    if not results["foreign keys"].ok:
        done.append(f"foreign keys: {_repair_foreign_keys(lib)}")
    if not results["duplicates"].ok:
        done.append(f"duplicates: {_repair_duplicate_links(lib)}")
    if not results["near-duplicate anchors"].ok:
        with lib.write() as conn:
            conn.execute("DELETE FROM article_anchors")
            count = index_all_anchors(conn)
        done.append(f"near-duplicate anchors: recomputed for {count} articles")
    # Last among the derived data: the fixes above may change tags or links it copies.
    if not results["search index"].ok or not results["foreign keys"].ok:
        with lib.write() as conn:
            fts.rebuild(conn)
        done.append("search index: rebuilt from the articles")
    if not results["summaries"].ok:
        if summarize is None:
            from digest_app.summaries import summarize_stored as summarize
        count = summarize(lib, _unsummarized(lib))
        done.append(f"summaries: computed for {count} articles")
    return done


def backup_library(lib: "Library", target: str | os.PathLike[str]) -> BackupResult:
    """Write a consistent copy of *lib* to *target* (replacing a file there).

    Safe while other processes write: the copy is one snapshot, taken in a single
    step of SQLite's backup API. Raises :class:`LibraryError` naming *target*.
    """
    path = Path(target).expanduser().absolute()
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder; give a file name for the backup")
    if not path.parent.is_dir():
        raise LibraryError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and path.samefile(lib.path):
        raise LibraryError(f"{path}: is the library itself; give another file name")
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy = sqlite3.connect(temporary, isolation_level=None)
        try:
            lib.conn.backup(copy)
            # One self-contained file: the copy does not need a -wal beside it.
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
            articles = copy.execute("SELECT count(*) FROM articles").fetchone()[0]
            version = copy.execute("PRAGMA user_version").fetchone()[0]
        finally:
            copy.close()
        if verdict != "ok":
            raise LibraryError(f"{path}: the copy did not verify ({verdict}); nothing was saved")
        _fsync(temporary)
        os.replace(temporary, path)
        _fsync(path.parent)
    except BaseException as exc:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            leftover.unlink(missing_ok=True)
        if isinstance(exc, (OSError, sqlite3.Error)):
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise LibraryError(f"{path}: cannot write the backup ({reason}); nothing was saved") from exc
        raise
    return BackupResult(path=path, size=path.stat().st_size, articles=articles, schema_version=version)


# -- the checks ---------------------------------------------------------------------------


def _checks(lib: "Library") -> dict[str, Callable[[], CheckResult]]:
    return {
        "file": lambda: _check_file(lib),
        "foreign keys": lambda: _check_foreign_keys(lib),
        "search index": lambda: _check_search_index(lib),
        "duplicates": lambda: _check_duplicate_links(lib),
        "near-duplicate anchors": lambda: _check_anchors(lib),
        "summaries": lambda: _check_summaries(lib),
    }


def _check_file(lib: "Library") -> CheckResult:
    try:
        rows = [r[0] for r in lib.conn.execute(f"PRAGMA integrity_check({MAX_LISTED})")]
    except sqlite3.DatabaseError as exc:
        rows = [str(exc)]
    if rows == ["ok"]:
        return CheckResult("file", repairable=False)
    lines = [line for row in rows for line in row.splitlines() if line and not line.startswith("***")]
    return CheckResult("file", tuple(lines[:MAX_LISTED]), repairable=False)


def _check_foreign_keys(lib: "Library") -> CheckResult:
    rows = lib.query("PRAGMA foreign_key_check")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[0]] = counts.get(row[0], 0) + 1
    return CheckResult(
        "foreign keys",
        tuple(f"{count} rows of {table} point at something that no longer exists"
              for table, count in sorted(counts.items())),
    )


def _check_search_index(lib: "Library") -> CheckResult:
    # FTS5's integrity check is issued as an INSERT: it needs the write lock.
    with lib.write() as conn:
        return CheckResult("search index", tuple(fts.problems(conn)))


def _check_duplicate_links(lib: "Library") -> CheckResult:
    chained = lib.query(
        "SELECT count(*) FROM duplicate_links WHERE kept_id IN (SELECT article_id FROM duplicate_links)"
    )[0][0]
    problems = ()
    if chained:
        problems = (f"{chained} articles are linked to a copy that is itself hidden as a duplicate",)
    return CheckResult("duplicates", problems)


def _check_anchors(lib: "Library") -> CheckResult:
    from digest_app.collect.neardup import fingerprint

    stale: list[int] = []
    last = 0
    while True:
        rows = lib.query(
            """SELECT a.id, a.title, article_text(a.text),
                      (SELECT json_group_array(x.anchor) FROM article_anchors x WHERE x.article_id = a.id)
               FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?""",
            (last, _BATCH),
        )
        if not rows:
            break
        for article_id, title, text, stored in rows:
            expected = set(fingerprint(anchor_text(title, text)).anchors)
            if set(json.loads(stored)) != expected:
                stale.append(article_id)
        last = rows[-1][0]
    problems = ()
    if stale:
        problems = (f"{len(stale)} articles have near-duplicate anchors that do not match their text "
                    f"(e.g. article {', '.join(map(str, stale[:MAX_LISTED]))})",)
    return CheckResult("near-duplicate anchors", problems)


def _check_summaries(lib: "Library") -> CheckResult:
    waiting = len(_unsummarized(lib))
    problems = (f"{waiting} articles are still waiting for their summary",) if waiting else ()
    return CheckResult("summaries", problems)


def _unsummarized(lib: "Library") -> list[int]:
    return [r[0] for r in lib.query("SELECT id FROM articles WHERE summary IS NULL ORDER BY id")]


# -- the repairs --------------------------------------------------------------------------


def _repair_foreign_keys(lib: "Library") -> str:
    """Rows of link tables whose article or tag is gone are deleted; an article whose
    source is gone moves to the local files source (articles are never deleted)."""
    removed = 0
    moved = 0
    local = lib.sources.local_files()
    with lib.write() as conn:
        for row in conn.execute("PRAGMA foreign_key_check").fetchall():
            table, rowid = row[0], row[1]
            if table == "articles":
                moved += conn.execute("UPDATE articles SET source_id = ? WHERE rowid = ?",
                                      (local.id, rowid)).rowcount
        for table in _LINK_TABLES:
            removed += _delete_orphans(conn, table)
    return f"{removed} orphaned link rows removed, {moved} articles moved to {local.title}"


def _delete_orphans(conn: sqlite3.Connection, table: str) -> int:
    # WITHOUT ROWID tables have no rowid to name a row by: delete by content.
    if table == "article_tags":
        sql = ("DELETE FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles)"
               " OR tag_id NOT IN (SELECT id FROM tags)")
    elif table == "article_anchors":
        sql = "DELETE FROM article_anchors WHERE article_id NOT IN (SELECT id FROM articles)"
    else:
        sql = ("DELETE FROM duplicate_links WHERE article_id NOT IN (SELECT id FROM articles)"
               " OR kept_id NOT IN (SELECT id FROM articles)")
    return conn.execute(sql).rowcount


def _repair_duplicate_links(lib: "Library") -> str:
    """Each link points straight at the copy kept at the end of its chain; a chain
    that loops is cut (those articles are shown on their own, nothing is lost)."""
    with lib.write() as conn:
        for _ in range(64):
            moved = conn.execute(
                """UPDATE duplicate_links
                   SET kept_id = (SELECT d.kept_id FROM duplicate_links d
                                  WHERE d.article_id = duplicate_links.kept_id)
                   WHERE kept_id IN (SELECT article_id FROM duplicate_links)
                     AND (SELECT d.kept_id FROM duplicate_links d
                          WHERE d.article_id = duplicate_links.kept_id) != article_id"""
            ).rowcount
            if not moved:
                break
        cut = conn.execute(
            "DELETE FROM duplicate_links WHERE kept_id IN (SELECT article_id FROM duplicate_links)"
        ).rowcount
    return "links point at the kept copies" + (f"; {cut} looping links removed" if cut else "")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
