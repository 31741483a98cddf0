"""What every CLI command gets: the library (opened on first use) and output helpers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from digest_app.paths import resolve_library_path
from digest_app.store import Library


class Context:
    """Per-invocation state of the CLI."""

    def __init__(self, library_path: str | None = None, out: IO[str] | None = None) -> None:
        self.library_path: Path = resolve_library_path(library_path)
        self.out = out or sys.stdout
        self._library: Library | None = None

    def library(self) -> Library:
        """The library, opened (and created or upgraded) on first use."""
        if self._library is None:
            self._library = Library.open(self.library_path)
        return self._library

    def print(self, *parts: object) -> None:
        print(*parts, file=self.out)

    def print_json(self, value: Any) -> None:
        json.dump(value, self.out, ensure_ascii=False, indent=2, default=_json_default)
        self.out.write("\n")

    def close(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None


def _json_default(value: Any) -> Any:
    from datetime import datetime

    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"cannot encode {type(value).__name__} as JSON")
