"""Lead images kept for offline reading: bytes in files beside the library, a row each.

Stored content never points at a remote image: an article that has a cached lead
image refers to it as ``digest-image:<id>``, and the reader turns that into a file::

    >>> image_id = lib.images.add("https://example.com/lead.jpg", "image/jpeg", data)
    >>> local_url(image_id)
    'digest-image:…'
    >>> lib.images.path_for(local_url(image_id))         # what the GUI reader loads
    PosixPath('/home/me/.local/share/Digest/library.db.images/…')

Why files and not BLOBs: images are most of the bytes an offline library holds.
In SQLite they would inflate the WAL on every refresh, the backup written before
each schema upgrade and the page cache of every listing query, while the GUI's
image loader wants a file anyway. The table (``images``) keeps what is known of
each file, so files no article uses any more can be pruned. The folder
(``<library file>.images``) travels with the library file.

The ID is a hash of the image URL, so the same image shared by several articles
(or fetched again) is stored once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from digest_app.errors import LibraryError
from digest_app.files import write_atomically
from digest_app.timestamps import from_db, to_db, utc_now

if TYPE_CHECKING:
    from datetime import datetime

    from digest_app.store.library import Library

#: The URL scheme stored content uses for a cached image (allowed by sanitize.py).
LOCAL_IMAGE_SCHEME = "digest-image"
_ID_LENGTH = 32


def image_id_for(url: str) -> str:
    """The ID an image from *url* is kept under."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:_ID_LENGTH]


def local_url(image_id: str) -> str:
    """The address stored content uses for a cached image."""
    return f"{LOCAL_IMAGE_SCHEME}:{image_id}"


def image_id_from(reference: str) -> str | None:
    """The image ID in ``digest-image:<id>`` (or a bare ID); None for anything else."""
    value = reference.strip()
    prefix = LOCAL_IMAGE_SCHEME + ":"
    if value.lower().startswith(prefix):
        value = value[len(prefix):]
    value = value.lower()
    if len(value) == _ID_LENGTH and all(c in "0123456789abcdef" for c in value):
        return value
    return None


@dataclass(frozen=True)
class CachedImage:
    """A cached image: where it came from, its type and size, and its file."""

    id: str
    url: str
    mime: str
    size: int
    fetched: "datetime"
    path: Path


class ImageStore:
    """Cached lead images of one library. Reached as ``lib.images``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib
        self.folder = lib.path.with_name(lib.path.name + ".images")

    def add(self, url: str, mime: str, data: bytes) -> str:
        """Keep *data* (an image from *url*) and return its ID; the same URL is kept once."""
        image_id = image_id_for(url)
        path = self.folder / image_id
        if not path.is_file() or path.stat().st_size != len(data):
            self._write_file(path, data)
        with self._lib.write() as conn:
            conn.execute(
                """INSERT INTO images (id, url, mime, size, fetched) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO UPDATE SET mime = excluded.mime, size = excluded.size,
                       fetched = excluded.fetched""",
                (image_id, url, mime, len(data), to_db(utc_now())),
            )
        return image_id

    def get(self, reference: str) -> CachedImage | None:
        """The cached image for an ID or ``digest-image:`` URL, if it is in the library."""
        image_id = image_id_from(reference)
        if image_id is None:
            return None
        rows = self._lib.query("SELECT * FROM images WHERE id = ?", (image_id,))
        if not rows:
            return None
        row = rows[0]
        return CachedImage(
            id=row["id"], url=row["url"], mime=row["mime"], size=row["size"],
            fetched=from_db(row["fetched"]), path=self.folder / row["id"],
        )

    def path_for(self, reference: str) -> Path | None:
        """The file of a cached image (for the reader's resource loader), or None."""
        image = self.get(reference)
        return image.path if image is not None and image.path.is_file() else None

    def prune(self) -> int:
        """Forget images no article uses any more, and delete their files. Returns how many."""
        with self._lib.write() as conn:
            unused = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM images WHERE id NOT IN"
                    " (SELECT image_id FROM articles WHERE image_id IS NOT NULL)"
                )
            ]
            conn.executemany("DELETE FROM images WHERE id = ?", [(i,) for i in unused])
        for image_id in unused:
            (self.folder / image_id).unlink(missing_ok=True)
        return len(unused)

    def _write_file(self, path: Path, data: bytes) -> None:
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"{self.folder}: cannot store an image ({exc.strerror or exc})") from exc
        write_atomically(path, data, error=LibraryError)
