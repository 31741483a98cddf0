"""Screenshots of the real window for the docs, taken under Xvfb.

    xvfb-run -s "-screen 0 1440x900x24" .venv/bin/python docs/screenshots/make_screenshots.py

Opens a new library in a temporary folder through the same code path as
``digest-app`` (:func:`digest_app.gui.app.open_window`), with settings kept in
that folder too, and saves next to this script:

- ``first-run.png``: the welcome panel of an empty library;
- ``main-light.png`` and ``main-dark.png``: the sample library (loaded with the
  panel's own button), an article open, a few articles read and starred;
- ``search.png``: a search with its highlighted passages;
- ``x-root.png``: the whole X screen, grabbed by ImageMagick's ``import``, to
  check that what the window paints is what the display shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402

OUT = Path(__file__).resolve().parent
SIZE = (1280, 800)


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_until(condition, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        wait(20)


def save(window, name: str) -> None:
    wait(150)
    window.grab().save(str(OUT / name))
    print(f"wrote {OUT / name}")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="digest-screens-"))
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(folder / "settings"))
    from digest_app.gui.app import close_window, create_application, open_window

    app = create_application(["digest-app"])
    window = open_window(folder / "library.db")
    window.resize(*SIZE)
    window.move(60, 40)
    window.show()
    wait_until(lambda: window.snapshot is not None)
    save(window, "first-run.png")

    window.welcome.sample_button.click()
    wait_until(lambda: window.snapshot is not None and not window.snapshot.is_empty and not window.tasks.busy)
    wait_until(lambda: window.article_model.loaded and window.article_model.rowCount() > 20)
    lib = window.lib
    headers = lib.articles.list(limit=None)
    lib.articles.set_read([h.id for h in headers[3:9]], True)
    lib.articles.set_starred([headers[2].id, headers[5].id], True)
    window.refresh_counts()
    window.article_model.reload()
    wait_until(lambda: window.snapshot.unread < len(headers))
    featured = next(h for h in headers if "YU7 deliveries" in h.title)
    window.article_list.select_article(featured.id)
    wait_until(lambda: window.reader_pane.showing_article)
    save(window, "main-light.png")
    if shutil.which("import"):
        subprocess.run(["import", "-window", "root", str(OUT / "x-root.png")], check=True)
        print(f"wrote {OUT / 'x-root.png'}")

    window.prefs.theme = "dark"
    window.apply_theme()
    save(window, "main-dark.png")
    window.prefs.theme = "light"
    window.apply_theme()

    window.search_bar.field.setText("小米 OR SU7")
    wait_until(lambda: window.article_model.loaded and window.article_model.listing.is_search)
    window.article_list.select_article(window.article_model.header(0).id)
    wait_until(lambda: window.reader_pane.showing_article)
    save(window, "search.png")

    close_window(window)
    app.processEvents()
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
