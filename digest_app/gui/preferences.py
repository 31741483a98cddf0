"""Per-machine preferences of the desktop app, kept in QSettings.

What travels with the library (the summary length) lives in ``lib.settings``;
what belongs to this machine and this user lives here: the theme, the reader's
font size, the refresh interval, window geometry, splitter sizes, the last
selection, and the libraries opened recently.

    >>> prefs = Preferences()
    >>> prefs.theme = "dark"
    >>> prefs.reader_font_size
    15

On Linux the file is ``$XDG_CONFIG_HOME/Digest/Digest.conf``; tests point
``XDG_CONFIG_HOME`` at a temporary folder so they never touch a real one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from PySide6.QtCore import QByteArray, QSettings

ThemeMode = Literal["system", "light", "dark"]
THEMES: tuple[ThemeMode, ...] = ("system", "light", "dark")

DEFAULT_FONT_SIZE = 15
MIN_FONT_SIZE = 10
MAX_FONT_SIZE = 28
#: Minutes between automatic refreshes; 0 means never.
REFRESH_CHOICES = (0, 15, 30, 60, 120, 240)
MAX_RECENT_LIBRARIES = 8


class Preferences:
    """Typed access to the app's QSettings. Cheap to create; reads go to QSettings."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._s = settings or QSettings()

    def sync(self) -> None:
        self._s.sync()

    # -- appearance ---------------------------------------------------------------

    @property
    def theme(self) -> ThemeMode:
        value = str(self._s.value("appearance/theme", "system"))
        return value if value in THEMES else "system"  # type: ignore[return-value]

    @theme.setter
    def theme(self, value: ThemeMode) -> None:
        if value not in THEMES:
            raise ValueError(f"unknown theme {value!r}: use system, light or dark")
        self._s.setValue("appearance/theme", value)

    @property
    def reader_font_size(self) -> int:
        return _clamp(self._int("reader/font_size", DEFAULT_FONT_SIZE), MIN_FONT_SIZE, MAX_FONT_SIZE)

    @reader_font_size.setter
    def reader_font_size(self, value: int) -> None:
        self._s.setValue("reader/font_size", _clamp(int(value), MIN_FONT_SIZE, MAX_FONT_SIZE))

    # -- refresh ------------------------------------------------------------------

    @property
    def refresh_minutes(self) -> int:
        value = self._int("refresh/interval_minutes", 0)
        return value if value >= 0 else 0

    @refresh_minutes.setter
    def refresh_minutes(self, value: int) -> None:
        self._s.setValue("refresh/interval_minutes", max(0, int(value)))

    # -- libraries ----------------------------------------------------------------

    @property
    def library_path(self) -> Path | None:
        """The library the app opened last (used when no other is named)."""
        value = self._s.value("library/path", "")
        return Path(str(value)) if value else None

    @library_path.setter
    def library_path(self, path: Path) -> None:
        self._s.setValue("library/path", str(path))
        recent = [p for p in self.recent_libraries if p != Path(path)]
        self._s.setValue("library/recent", [str(path)] + [str(p) for p in recent[: MAX_RECENT_LIBRARIES - 1]])

    @property
    def recent_libraries(self) -> list[Path]:
        value = self._s.value("library/recent", [])
        if isinstance(value, str):
            value = [value]
        return [Path(str(v)) for v in (value or [])]

    # -- window state -------------------------------------------------------------

    def window_state(self) -> tuple[QByteArray | None, QByteArray | None]:
        """``(geometry, toolbar/dock state)`` saved by :meth:`save_window_state`."""
        return self._bytes("window/geometry"), self._bytes("window/state")

    def save_window_state(self, geometry: QByteArray, state: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)
        self._s.setValue("window/state", state)

    def splitter_state(self, name: str) -> QByteArray | None:
        """What ``QSplitter.saveState()`` gave for splitter *name*."""
        return self._bytes(f"window/splitter_{name}")

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        self._s.setValue(f"window/splitter_{name}", state)

    def last_selection(self, library: Path) -> tuple[str, int | None]:
        """``(sidebar key, article ID)`` selected when *library* was last closed."""
        group = _library_group(library)
        key = str(self._s.value(f"{group}/sidebar", "") or "")
        article = self._s.value(f"{group}/article", None)
        try:
            article_id = int(article) if article not in (None, "") else None
        except (TypeError, ValueError):
            article_id = None
        return key, article_id

    def set_last_selection(self, library: Path, sidebar_key: str, article_id: int | None) -> None:
        group = _library_group(library)
        self._s.setValue(f"{group}/sidebar", sidebar_key)
        self._s.setValue(f"{group}/article", "" if article_id is None else int(article_id))

    @property
    def list_sort(self) -> str:
        value = str(self._s.value("list/sort", "relevance"))
        return value if value in ("newest", "relevance") else "relevance"

    @list_sort.setter
    def list_sort(self, value: str) -> None:
        self._s.setValue("list/sort", value)

    # -- helpers ------------------------------------------------------------------

    def _int(self, key: str, default: int) -> int:
        try:
            return int(self._s.value(key, default))
        except (TypeError, ValueError):
            return default

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._s.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _library_group(library: Path) -> str:
    # QSettings keys cannot hold slashes; a hash of the path names the group.
    import hashlib

    return "libraries/" + hashlib.sha1(str(Path(library).resolve()).encode("utf-8")).hexdigest()[:16]
