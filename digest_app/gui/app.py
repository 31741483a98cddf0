"""Start the desktop app: ``digest-app`` with no command.

    run_gui()                          # the library named by --library, the environment,
                                       # the one opened last, or the default
    run_gui(library="/tmp/x.db")

:func:`create_application` and :func:`open_window` are the steps ``run_gui``
takes, for scripts that need the real window without entering the event loop
(the screenshot script, the GUI benchmark, the tests).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import shiboken6
from PySide6.QtWidgets import QApplication, QMessageBox

from digest_app import APP_NAME, __version__
from digest_app.errors import DigestError
from digest_app.gui.icons import app_icon
from digest_app.gui.main_window import MainWindow
from digest_app.gui.preferences import Preferences
from digest_app.gui.theme import apply_theme
from digest_app.paths import LIBRARY_ENV, default_library_path
from digest_app.store import Library

#: Open windows, so that Python keeps them alive while Qt shows them.
_windows: list[MainWindow] = []


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication, named and styled (reused if one exists)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("digest-app")
    app.setWindowIcon(app_icon())
    apply_theme(app, Preferences().theme)
    return app


def choose_library_path(explicit: str | os.PathLike[str] | None, prefs: Preferences) -> Path:
    """``--library``, else ``$DIGEST_APP_LIBRARY``, else the library opened last, else the default."""
    if explicit:
        return Path(explicit).expanduser()
    if os.environ.get(LIBRARY_ENV):
        return Path(os.environ[LIBRARY_ENV]).expanduser()
    return prefs.library_path or default_library_path()


def open_window(path: Path, prefs: Preferences | None = None) -> MainWindow:
    """Open the library at *path* and a window on it (not shown yet).

    Raises :class:`~digest_app.errors.DigestError` when the library cannot be opened.
    """
    prefs = prefs or Preferences()
    lib = Library.open(path)
    prefs.library_path = lib.path
    window = MainWindow(lib, prefs)
    window.openLibraryRequested.connect(lambda new_path: _switch_library(window, new_path))
    _windows.append(window)
    return window


def close_window(window: MainWindow) -> None:
    """Close *window* and its library connection, and let Qt free the window.

    Closing a window that is already gone does nothing.
    """
    if window in _windows:
        _windows.remove(window)
    if not shiboken6.isValid(window):
        return
    window.close()
    window.shut_down()
    window.lib.close()
    window.deleteLater()


def _switch_library(window: MainWindow, path: Path) -> None:
    try:
        new_window = open_window(path, window.prefs)
    except DigestError as exc:
        QMessageBox.warning(window, APP_NAME, str(exc))
        return
    new_window.show()
    close_window(window)


def run_gui(library: str | None = None, argv: list[str] | None = None) -> int:
    """Open the main window on the chosen library and run until it closes."""
    app = create_application(argv)
    prefs = Preferences()
    try:
        window = open_window(choose_library_path(library, prefs), prefs)
    except DigestError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window.show()
    try:
        return app.exec()
    finally:
        for open_one in list(_windows):
            close_window(open_one)
