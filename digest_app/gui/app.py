"""Start the desktop app: ``digest-app`` with no command."""

from __future__ import annotations

import sys

from digest_app import APP_NAME, __version__
from digest_app.paths import resolve_library_path


def run_gui(library: str | None = None, argv: list[str] | None = None) -> int:
    """Open the main window on the chosen library and run until it closes."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from digest_app.errors import DigestError
    from digest_app.gui.main_window import MainWindow
    from digest_app.store import Library

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationVersion(__version__)
    path = resolve_library_path(library)
    try:
        lib = Library.open(path)
    except DigestError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window = MainWindow(lib)
    window.show()
    try:
        return app.exec()
    finally:
        lib.close()
