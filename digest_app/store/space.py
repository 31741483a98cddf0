"""Giving a library's free pages back to the disk.

New libraries are created with ``auto_vacuum = INCREMENTAL`` (see
:mod:`digest_app.store.library`), so pages freed by deleting articles or by
merging the search index can be cut off the end of the file:

    >>> with lib.write() as conn:
    ...     release_free_pages(conn)
"""

from __future__ import annotations

import sqlite3

INCREMENTAL = 2


def release_free_pages(conn: sqlite3.Connection) -> int:
    """Shrink the file by its free pages; returns how many were released.

    Does nothing in a library created without incremental auto-vacuum.
    """
    if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != INCREMENTAL:
        return 0
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    # Each step of incremental_vacuum releases one page, and Python's sqlite3
    # steps a PRAGMA only once: one statement per page.
    for _ in range(free):
        conn.execute("PRAGMA incremental_vacuum(1)")
    return free
