"""Digests kept in the library: save, read back, rebuild.

    >>> digest = save_digest(lib, build_digest(lib, options))    # digest.id is set
    >>> load_digest(lib, digest.id).title                          # offline, as built
    >>> rebuild_digest(lib, digest.id)                             # same options and days, fresh stories

The library stores each digest's options (with the days it covered) and its
whole content as JSON (:meth:`Digest.to_json`), so reading or exporting it
again needs none of its articles.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from digest_app.digests.build import build_digest
from digest_app.digests.model import Digest
from digest_app.store import Library


def save_digest(lib: Library, digest: Digest) -> Digest:
    """Keep *digest* in the library (replacing the stored one of the same ID, if it has one)."""
    if digest.id is not None:
        stored = lib.digests.replace(digest.id, digest.title, digest.options.to_json(), digest.to_json())
    else:
        stored = lib.digests.add(digest.title, digest.options.to_json(), digest.to_json())
    return digest.with_id(stored.id)


def load_digest(lib: Library, digest_id: int) -> Digest:
    """A saved digest, exactly as built (raises ``NotFoundError`` for an unknown ID)."""
    stored = lib.digests.get(digest_id)
    return Digest.from_json(stored.content, stored.options, digest_id=stored.id)


def rebuild_digest(
    lib: Library,
    digest_id: int,
    *,
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Digest:
    """Build a saved digest again from its options (same days, same narrowing) and
    store the new content in its place."""
    old = load_digest(lib, digest_id)
    fresh = build_digest(lib, old.options, now=now, progress=progress, cancelled=cancelled)
    return save_digest(lib, fresh.with_id(digest_id))
