"""Work off the UI thread: imports with progress and Cancel, lists that page, a UI that keeps moving."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer

from digest_app.gui.article_model import MAX_CACHED_PAGES, PAGE_SIZE
from digest_app.records import ParsedArticle
from digest_app.store import Library


class StallProbe:
    """A 10 ms timer on the UI thread; the longest gap between its ticks is the worst freeze."""

    def __init__(self) -> None:
        self.longest_ms = 0
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(10)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self._clock.start()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        self.longest_ms = max(self.longest_ms, self._clock.restart())


def _write_notes(folder: Path, count: int, words: int = 120) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        body = " ".join(f"Xiaomi note {n} sentence {k} about phones and cars." for k in range(words // 8))
        (folder / f"note-{n:03}.md").write_text(f"# Local note number {n} on Xiaomi\n\n{body}\n", encoding="utf-8")
    return folder


def test_new_articles_arrive_without_losing_selection_or_scroll(window, qtbot, tmp_path):
    window.resize(780, 560)
    view = window.article_list
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    qtbot.wait(50)
    top_row = view.indexAt(view.viewport().rect().topLeft()).row()
    top_id = window.article_model.header(top_row).id
    chosen_row = top_row + 2
    view.setCurrentIndex(window.article_model.index(chosen_row))
    chosen = view.current_article_id()
    qtbot.waitUntil(lambda: window.reader_pane.showing_article)
    before = window.article_model.rowCount()

    task = window.import_files([_write_notes(tmp_path / "notes", 3)])
    qtbot.waitUntil(lambda: task.result is not None, timeout=30_000)
    qtbot.waitUntil(lambda: window.article_model.rowCount() == before + 3, timeout=5000)

    assert view.current_article_id() == chosen
    assert view.selected_ids() == [chosen]
    assert window.reader_pane.reader.article.id == chosen
    now_top = view.indexAt(view.viewport().rect().topLeft()).row()
    assert window.article_model.header(now_top).id == top_id
    assert window.article_model.header(0).title.startswith("Local note")
    assert "3 new" in window.statusBar().currentMessage()


def test_an_import_shows_progress_can_be_cancelled_and_never_freezes_the_ui(window, qtbot, tmp_path):
    # Enough files that the import stores them in several transactions: Cancel must stop it
    # before the end, not only between summaries.
    total = 600
    folder = _write_notes(tmp_path / "many", total, words=40)
    probe = StallProbe()
    probe.start()
    task = window.import_files([folder])
    qtbot.waitUntil(lambda: task.last_progress is not None and task.last_progress.done >= 3, timeout=30_000)
    assert window.task_panel.isVisible()
    assert window.task_panel.bar.maximum() == total
    assert f"of {total}" in window.task_panel.label.text()
    qtbot.mouseClick(window.task_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)
    probe.stop()
    report = task.result
    assert 3 <= report.added < total
    assert any("cancelled" in note for note in report.notes)
    assert not window.task_panel.isVisible()
    message = window.statusBar().currentMessage()
    assert "(cancelled)" in message
    # Articles stored before Cancel but not yet summarized are counted for the reader.
    assert ("without a summary yet" in message) == (report.unsummarized > 0)
    print(f"longest UI stall during the import: {probe.longest_ms} ms")
    assert probe.longest_ms < 500, f"the UI froze for {probe.longest_ms} ms"


def test_a_big_library_is_listed_a_page_at_a_time(open_main_window, tmp_path, qtbot):
    path = tmp_path / "big.db"
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with Library.open(path) as lib:
        source, _ = lib.sources.add("feed", "https://example.com/feed", title="Bulk")
        lib.articles.store_many(
            source.id,
            [
                ParsedArticle(title=f"Article {n}", text=f"Body {n}.", guid=f"g{n}", published=start + timedelta(hours=n))
                for n in range(3000)
            ],
        )
    started = time.perf_counter()
    window = open_main_window(path)
    opened = time.perf_counter() - started
    model = window.article_model
    assert model.rowCount() == 3000
    assert len(model.loaded_ids()) <= 2 * PAGE_SIZE
    assert model.header(0).title == "Article 2999"
    assert opened < 5
    window.article_list.scrollToBottom()
    qtbot.waitUntil(lambda: model.header(2999) is not None)
    assert model.header(2999).title == "Article 0"
    for row in range(0, 3000, PAGE_SIZE):
        model.row(row)
    qtbot.waitUntil(lambda: window.reader_thread.pending == 0)
    assert len(model.loaded_ids()) <= MAX_CACHED_PAGES * PAGE_SIZE


def test_the_reader_thread_answers_on_the_ui_thread_and_keeps_only_the_latest(window, qtbot):
    answers: list[int] = []
    reader = window.reader_thread
    for n in range(5):
        reader.submit(lambda lib, n=n: (time.sleep(0.02), n)[1], answers.append, key="same")
    qtbot.waitUntil(lambda: reader.pending == 0)
    assert answers == [4]


def test_files_dropped_on_the_window_are_imported(window, qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    folder = _write_notes(tmp_path / "dropped", 2)
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    before = window.lib.articles.count()
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(200, 200), Qt.DropAction.CopyAction, data, buttons, keys)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, data, buttons, keys))
    qtbot.waitUntil(lambda: window.lib.articles.count() == before + 2 and not window.tasks.busy, timeout=30_000)
    assert "2 new articles" in window.statusBar().currentMessage()
