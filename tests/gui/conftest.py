"""Fixtures for driving the real main window offscreen.

Each test gets its own QSettings folder (never the developer's), a copy of the
sample library built once per session, and a window opened through the same
code path as ``run_gui`` (:func:`digest_app.gui.app.open_window`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from digest_app.gui.app import close_window, create_application, open_window
from digest_app.gui.main_window import MainWindow
from digest_app.gui.preferences import Preferences
from digest_app.records import ParsedArticle
from digest_app.sample import load_sample_library
from digest_app.store import Library


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path) -> Path:
    """QSettings in a folder of this test's own."""
    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(scope="session")
def sample_library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample library, loaded once through the real pipeline (summaries included)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    with Library.open(path) as lib:
        load_sample_library(lib)
    return path


@pytest.fixture
def sample_path(sample_library_file: Path, tmp_path: Path) -> Path:
    """A private copy of the sample library for one test."""
    path = tmp_path / "library.db"
    shutil.copy(sample_library_file, path)
    return path


@pytest.fixture
def app(qapp):
    return create_application()


@pytest.fixture
def open_main_window(app, qtbot) -> Iterator[Callable[[Path], MainWindow]]:
    """Open (and afterwards close) windows on libraries, as ``run_gui`` does."""
    windows: list[MainWindow] = []

    def opener(path: Path, *, wait: bool = True) -> MainWindow:
        window = open_window(path, Preferences())
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        if wait:
            qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
            if not window.snapshot.is_empty:
                qtbot.waitUntil(lambda: window.article_model.loaded, timeout=5000)
        return window

    yield opener
    for window in windows:
        close_window(window)


@pytest.fixture
def window(open_main_window, sample_path: Path) -> MainWindow:
    """A window on a copy of the sample library, its list loaded."""
    return open_main_window(sample_path)


def show_stored(window: MainWindow, qtbot, parsed: ParsedArticle) -> int:
    """Store *parsed* in the window's library as a feed's article (no summary made),
    select it and wait until the reader shows it. Returns its ID."""
    lib = window.lib
    source, _ = lib.sources.add("feed", "https://example.com/feed.xml", title="Hostile feed")
    article_id = lib.articles.store(source.id, parsed).article_id
    window.article_model.reload()
    qtbot.waitUntil(lambda: window.article_model.row_of(article_id) is not None)
    window.article_list.setCurrentIndex(window.article_model.index(window.article_model.row_of(article_id)))
    qtbot.waitUntil(lambda: window.reader_pane.showing_article and window.reader_pane.reader.article.id == article_id)
    return article_id
