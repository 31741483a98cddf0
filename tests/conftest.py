"""Fixtures shared by every test: the third-party corpora and a fresh library."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.loopback"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("DIGEST_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def shared() -> Path:
    """``../shared``: seeds, corpora and eval sets (third-party; read-only)."""
    if not SHARED.is_dir():
        pytest.fail(f"shared test material not found at {SHARED}")
    return SHARED


@pytest.fixture
def library(tmp_path: Path):
    """A new, empty library file in ``tmp_path``."""
    from digest_app.store import Library

    lib = Library.open(tmp_path / "library.db")
    yield lib
    lib.close()


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the developer's real library or settings from a test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("DIGEST_APP_LIBRARY", raising=False)
