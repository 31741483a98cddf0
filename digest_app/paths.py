"""Where things live: the user's library, and what the app ships.

The library defaults to the platform data dir (``~/.local/share/Digest/library.db``
on Linux); ``--library PATH`` or ``DIGEST_APP_LIBRARY`` override it.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from digest_app import APP_NAME

LIBRARY_ENV = "DIGEST_APP_LIBRARY"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
RESOURCES_DIR = PROJECT_ROOT / "resources"


def default_library_path() -> Path:
    """The library used when neither ``--library`` nor ``DIGEST_APP_LIBRARY`` is given."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "library.db"


def resolve_library_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The library to open: *explicit* first, then the environment, then the default."""
    if explicit:
        return Path(explicit).expanduser()
    from_env = os.environ.get(LIBRARY_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return default_library_path()


def data_file(*parts: str) -> Path:
    """A file the app ships in ``data/``."""
    return DATA_DIR.joinpath(*parts)


def resource_file(*parts: str) -> Path:
    """A file the app ships in ``resources/`` (icons, styles, templates)."""
    return RESOURCES_DIR.joinpath(*parts)
