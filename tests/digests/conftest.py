"""Libraries the digest tests build from: the seeds and the sample, each made once per session."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from digest_app.collect.importer import import_paths
from digest_app.digests.options import DigestOptions
from digest_app.sample import load_sample_library
from digest_app.store import Library

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The moment the sample library is loaded at (its dates count back from it).
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)


def today() -> date:
    return NOW.astimezone().date()


def sample_options(**changes) -> DigestOptions:
    """Options covering the whole sample (its oldest story is 32 days old)."""
    values = {"since": None, "start": today() - timedelta(days=40), "end": today(), "max_stories": 40}
    values.update(changes)
    return DigestOptions(**values)


def seed_options(**changes) -> DigestOptions:
    """Options covering every seed: dated 2019-2025, or undated (dated by their import)."""
    values = {"since": None, "start": date(2018, 1, 1), "end": date.today() + timedelta(days=1)}
    values.update(changes)
    return DigestOptions(**values)


@pytest.fixture(scope="session")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Library.open(path) as lib:
        load_sample_library(lib, now=NOW)
    return path


@pytest.fixture(scope="session")
def seeds_file(tmp_path_factory: pytest.TempPathFactory, shared: Path) -> Path:
    path = tmp_path_factory.mktemp("seeds") / "seeds.db"
    with Library.open(path) as lib:
        report = import_paths(lib, sorted((shared / "seeds").glob("*.txt")))
        assert report.ok and report.added == 9, report
    return path


def _copy(source: Path, folder: Path) -> Library:
    path = folder / "library.db"
    shutil.copy(source, path)
    return Library.open(path)


@pytest.fixture
def sample_lib(sample_file: Path, tmp_path: Path):
    """A private copy of the sample library."""
    lib = _copy(sample_file, tmp_path)
    yield lib
    lib.close()


@pytest.fixture
def seeds_lib(seeds_file: Path, tmp_path: Path):
    """A private copy of a library holding the nine seed articles."""
    lib = _copy(seeds_file, tmp_path)
    yield lib
    lib.close()


@pytest.fixture(scope="session", autouse=True)
def _one_qt_application(qapp):
    """The PDF exporter uses the running Qt application, or starts a bare QtGui one;
    in this process it must be the widgets application the GUI tests need, so it
    is started first."""
    return qapp
