"""Library-wide settings that the CLI and the GUI must agree on (e.g. summary length).

Window geometry and other per-machine preferences live in QSettings instead;
what is here travels with the library file.

    >>> lib.settings.set("summary.sentences", 3)
    >>> lib.settings.get("summary.sentences", 3)
    3
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from digest_app.store.library import Library


class SettingsStore:
    """Key/value settings stored as JSON. Reached as ``lib.settings``."""

    def __init__(self, lib: "Library") -> None:
        self._lib = lib

    def get(self, key: str, default: Any = None) -> Any:
        rows = self._lib.query("SELECT value FROM settings WHERE key = ?", (key,))
        return json.loads(rows[0]["value"]) if rows else default

    def set(self, key: str, value: Any) -> None:
        with self._lib.write() as conn:
            conn.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value, ensure_ascii=False)),
            )
