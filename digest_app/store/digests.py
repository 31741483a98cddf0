"""Saved digests: the options a digest was built with and the content it holds.

The content is stored as JSON so a digest can be re-read and re-exported
offline exactly as built, and rebuilt from its options.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from digest_app.errors import NotFoundError
from digest_app.timestamps import from_db, to_db, utc_now

if TYPE_CHECKING:
    from digest_app.store.library import Library


@dataclass(frozen=True)
class StoredDigest:
    id: int
    title: str
    created: datetime
    options: dict[str, Any]
    content: dict[str, Any]


class DigestStore:
    """Digests of one library. Reached as ``lib.digests``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def add(self, title: str, options: dict[str, Any], content: dict[str, Any]) -> StoredDigest:
        with self._lib.write() as conn:
            cur = conn.execute(
                "INSERT INTO digests (title, created, options, content) VALUES (?, ?, ?, ?)",
                (title, to_db(utc_now()), _dump(options), _dump(content)),
            )
        return self.get(cur.lastrowid)

    def replace(self, digest_id: int, title: str, options: dict[str, Any], content: dict[str, Any]) -> StoredDigest:
        self.get(digest_id)
        with self._lib.write() as conn:
            conn.execute(
                "UPDATE digests SET title = ?, created = ?, options = ?, content = ? WHERE id = ?",
                (title, to_db(utc_now()), _dump(options), _dump(content), digest_id),
            )
        return self.get(digest_id)

    def get(self, digest_id: int) -> StoredDigest:
        rows = self._lib.query("SELECT * FROM digests WHERE id = ?", (digest_id,))
        if not rows:
            raise NotFoundError(f"no digest with ID {digest_id}")
        r = rows[0]
        return StoredDigest(r["id"], r["title"], from_db(r["created"]), json.loads(r["options"]), json.loads(r["content"]))

    def list(self) -> list[tuple[int, str, datetime]]:
        """``(id, title, created)`` of every digest, newest first (no content)."""
        return [
            (r["id"], r["title"], from_db(r["created"]))
            for r in self._lib.query("SELECT id, title, created FROM digests ORDER BY created DESC, id DESC")
        ]

    def delete(self, digest_id: int) -> None:
        self.get(digest_id)
        with self._lib.write() as conn:
            conn.execute("DELETE FROM digests WHERE id = ?", (digest_id,))


def _dump(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
