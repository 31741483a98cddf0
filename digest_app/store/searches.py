"""Saved searches (smart folders): a name and a query kept in the library.

    >>> lib.saved_searches.add("EV news", "tag:EV after:2025-01-01")
    >>> [s.name for s in lib.saved_searches.list()]
    ['EV news']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digest_app.errors import InputError, NotFoundError
from digest_app.records import SavedSearch
from digest_app.timestamps import to_db, utc_now

if TYPE_CHECKING:
    from digest_app.store.library import Library


class SavedSearchStore:
    """Saved searches of one library. Reached as ``lib.saved_searches``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def add(self, name: str, query: str) -> SavedSearch:
        """Save *query* under *name*; saving under an existing name replaces its query."""
        name, query = " ".join(name.split()), query.strip()
        if not name:
            raise InputError("a saved search needs a name")
        if not query:
            raise InputError(f"saved search {name!r} needs a query")
        with self._lib.write() as conn:
            conn.execute(
                """INSERT INTO saved_searches (name, query, created) VALUES (?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET query = excluded.query""",
                (name, query, to_db(utc_now())),
            )
        return self.get(name)

    def get(self, name: str) -> SavedSearch:
        rows = self._lib.query("SELECT id, name, query FROM saved_searches WHERE name = ?", (name,))
        if not rows:
            raise NotFoundError(f"no saved search named {name!r}")
        return SavedSearch(id=rows[0]["id"], name=rows[0]["name"], query=rows[0]["query"])

    def list(self) -> list[SavedSearch]:
        return [
            SavedSearch(id=r["id"], name=r["name"], query=r["query"])
            for r in self._lib.query(
                "SELECT id, name, query FROM saved_searches ORDER BY name COLLATE NOCASE"
            )
        ]

    def rename(self, name: str, new_name: str) -> SavedSearch:
        saved = self.get(name)
        with self._lib.write() as conn:
            conn.execute("UPDATE saved_searches SET name = ? WHERE id = ?", (new_name.strip(), saved.id))
        return self.get(new_name.strip())

    def delete(self, name: str) -> None:
        saved = self.get(name)
        with self._lib.write() as conn:
            conn.execute("DELETE FROM saved_searches WHERE id = ?", (saved.id,))
