"""Where things live: the user's library, and what the app ships.

The library defaults to the platform data dir (``~/.local/share/Digest/library.db``
on Linux); ``--library PATH`` or ``DIGEST_APP_LIBRARY`` override it.
"""

from __future__ import annotations

import os
import site
import sys
from pathlib import Path

import platformdirs

from digest_app import APP_NAME

LIBRARY_ENV = "DIGEST_APP_LIBRARY"
#: The folder that holds the ``digest_app`` package: the checkout, or site-packages.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: Where an installed wheel puts ``data/``, ``resources/`` and the query language
#: (pyproject.toml's data-files), under its installation prefix.
SHARE_SUBDIR = Path("share") / "digest-app"


def _shipped_root() -> Path:
    """The folder holding ``data/``, ``resources/`` and ``docs/``: the checkout (a clone,
    or an editable install of one), else the share folder of the prefix a wheel was
    installed into (a virtualenv or the system, or the user's own with ``--user``)."""
    marker = Path("data") / "topic" / "xiaomi.json"
    if (PROJECT_ROOT / marker).is_file():
        return PROJECT_ROOT
    for prefix in (sys.prefix, site.getuserbase(), sys.base_prefix):
        if (Path(prefix) / SHARE_SUBDIR / marker).is_file():
            return Path(prefix) / SHARE_SUBDIR
    return PROJECT_ROOT  # a broken installation: reading a shipped file will name the path


SHIPPED_ROOT = _shipped_root()
DATA_DIR = SHIPPED_ROOT / "data"
RESOURCES_DIR = SHIPPED_ROOT / "resources"


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


def shipped_doc(name: str) -> Path:
    """A page of ``docs/`` the app shows (the query language)."""
    return SHIPPED_ROOT / "docs" / name
