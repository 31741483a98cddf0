"""The digest in the window: New Digest (Ctrl+D) -> built in the background -> listed in the
sidebar -> read with its contents -> exported to a file, never blocking the window."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtWidgets import QDialogButtonBox

from digest_app.digests.build import build_digest
from digest_app.digests.saved import save_digest
from digest_app.gui.app import close_window, create_application, open_window
from digest_app.gui.preferences import Preferences
from digest_app.store import Library
from tests.digests.conftest import sample_options


@pytest.fixture
def window(qapp, qtbot, sample_file: Path, tmp_path: Path):
    folder = tmp_path / "qsettings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    create_application()
    path = tmp_path / "window.db"
    shutil.copy(sample_file, path)
    window = open_window(path, Preferences())
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.snapshot is not None, timeout=5000)
    yield window
    close_window(window)


def save_listed_digest(window, qtbot):
    """A five-story digest of the sample library, saved and shown in the sidebar."""
    with Library.open(window.lib.path) as lib:
        saved = save_digest(lib, build_digest(lib, sample_options(max_stories=5)))
    window.refresh_counts()
    qtbot.waitUntil(lambda: window.sidebar.item_for(f"digest:{saved.id}") is not None, timeout=5000)
    return saved


def test_new_digest_is_built_listed_shown_and_exported(window, qtbot, tmp_path):
    controller = window.digests
    assert window.findChild(type(controller.new_action), "new_digest").shortcut().toString() == "Ctrl+D"
    controller.new_action.trigger()
    dialog = controller.dialog
    qtbot.waitExposed(dialog)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("30d"))
    dialog.title_edit.setText("Xiaomi this month")
    dialog.max_stories.setValue(12)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    # Built in the background, then listed and opened.
    qtbot.waitUntil(lambda: window.reader_area.currentWidget() is controller.view, timeout=20000)
    view = controller.view
    assert view.digest.title == "Xiaomi this month" and view.digest.story_count == 12
    assert window.sidebar.item_for(f"digest:{view.digest.id}").text() == "Xiaomi this month"
    assert window.sidebar.current_key() == f"digest:{view.digest.id}"
    # The contents pane lists sections and their stories and scrolls the reader to them.
    sections = [view.contents.topLevelItem(i).text(0) for i in range(view.contents.topLevelItemCount())]
    assert sections[0] == "Top stories" and any(s.startswith("EV (") for s in sections)
    ev = next(view.contents.topLevelItem(i) for i in range(view.contents.topLevelItemCount())
              if view.contents.topLevelItem(i).text(0).startswith("EV ("))
    assert ev.child(0).text(0) == "Xiaomi YU7 deliveries reach a new monthly high"
    assert "Xiaomi YU7 deliveries reach a new monthly high" in view.reader.toPlainText()
    assert view.reader.blocked_resources == []
    # Exported off the UI thread, with progress, to a real file.
    target = tmp_path / "month.pdf"
    task = controller.export(target, "pdf")
    assert view.progress_row.isVisibleTo(view) and not view.export_buttons["pdf"].isEnabled()
    qtbot.waitUntil(lambda: not task.running and task.result is not None, timeout=20000)
    assert target.read_bytes().startswith(b"%PDF")
    qtbot.waitUntil(lambda: not view.progress_row.isVisibleTo(view), timeout=5000)
    assert f"Exported the digest to {target}" in window.statusBar().currentMessage()


def test_a_saved_digest_reads_offline_and_links_stay_safe(window, qtbot):
    saved = save_listed_digest(window, qtbot)
    window.lib.articles.delete([h.id for h in window.lib.articles.list(limit=None)])
    window.sidebar.select_key(f"digest:{saved.id}")
    view = window.digests.view
    assert window.reader_area.currentWidget() is view
    assert view.digest == saved  # as built, though its articles are gone
    # A title too long for the header ends in an ellipsis; hovering shows it whole.
    view.title_label.resize(80, view.title_label.height())
    assert view.title_label.text().endswith("…") and view.title_label.toolTip() == saved.title
    refused, opened = [], []
    view.reader.linkRefused.connect(refused.append)
    view.reader.linkOpened.connect(opened.append)
    view.reader.anchorClicked.emit(QUrl("file:///etc/passwd"))
    view.reader.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert refused == ["file:///etc/passwd", "javascript:alert(1)"] and opened == []
    window.digests.delete(saved.id)
    assert window.reader_area.currentWidget() is window.reader_pane
    assert window.lib.digests.list() == []


def test_the_dialog_explains_options_that_do_not_fit(window, qtbot):
    dialog = window.digests.ask_new_digest()
    qtbot.waitExposed(dialog)
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("custom"))
    assert dialog.days_row.isEnabled()
    dialog.last_day.setDate(dialog.first_day.date().addDays(-3))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.isVisible() and "before it starts" in dialog.problem.text()
    first = dialog.tag_list.item(0)
    first.setCheckState(Qt.CheckState.Checked)
    dialog.last_day.setDate(dialog.first_day.date())
    options = dialog.options()
    assert options.tags == (first.text(),) and options.start == options.end
    dialog.reject()


def ink(image) -> set[str]:
    """The colours of an image's opaque pixels."""
    return {
        image.pixelColor(x, y).name()
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).alpha() == 255
    }


def test_the_dark_theme_redraws_the_new_digest_icon_and_the_open_digest(window, qtbot):
    from digest_app.gui.theme import DARK

    saved = save_listed_digest(window, qtbot)
    window.sidebar.select_key(f"digest:{saved.id}")
    view = window.digests.view
    window.prefs.theme = "dark"
    window.apply_theme()
    qtbot.waitUntil(lambda: DARK.text in view.reader.document().defaultStyleSheet(), timeout=5000)
    assert ink(window.digests.new_action.icon().pixmap(32).toImage()) == {DARK.text}
    assert ink(view.export_buttons["pdf"].icon().pixmap(32).toImage()) == {DARK.text}
    # The story titles are drawn in the dark theme's text colour on its dark page.
    shot = view.reader.viewport().grab().toImage()
    colours = ink(shot)
    assert DARK.text in colours and "#1d232a" not in colours


def test_larger_text_reaches_the_open_digest(window, qtbot):
    saved = save_listed_digest(window, qtbot)
    window.sidebar.select_key(f"digest:{saved.id}")
    document = window.digests.view.reader.document()
    qtbot.waitUntil(lambda: document.size().height() > 0, timeout=5000)
    before = document.size().height()
    for _ in range(4):
        window.larger_action.trigger()
    assert window.digests.view.reader.document().size().height() > before * 1.1


def test_an_open_digest_takes_the_article_lists_width(window, qtbot):
    saved = save_listed_digest(window, qtbot)
    reader_width = window.reader_area.width()
    window.sidebar.select_key(f"digest:{saved.id}")
    qtbot.waitUntil(lambda: not window.list_pane.isVisible(), timeout=5000)
    qtbot.waitUntil(lambda: window.reader_area.width() > reader_width + 200, timeout=5000)
    window.sidebar.select_key("all")
    qtbot.waitUntil(window.list_pane.isVisible, timeout=5000)
    assert window.reader_area.currentWidget() is window.reader_pane


def test_rebuild_from_the_view_and_a_pdf_on_the_local_paper(window, qtbot, tmp_path):
    from PySide6.QtCore import QLocale
    from pypdf import PdfReader

    saved = save_listed_digest(window, qtbot)
    window.sidebar.select_key(f"digest:{saved.id}")
    view = window.digests.view
    lead = saved.stories[0]
    window.lib.articles.delete([link.article_id for link in lead.sources])
    view.rebuildRequested.emit()  # "Rebuild from its options" in the view's menu
    qtbot.waitUntil(lambda: lead.title not in {s.title for s in view.digest.stories}, timeout=20000)
    assert view.digest.id == saved.id and view.digest.period == saved.period and view.digest.story_count == 5
    assert lead.title not in view.reader.toPlainText()
    previous = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    try:
        target = tmp_path / "letter.pdf"
        task = window.digests.export(target, "pdf")
        qtbot.waitUntil(lambda: not task.running and task.result is not None, timeout=20000)
    finally:
        QLocale.setDefault(previous)
    assert round(float(PdfReader(target).pages[0].mediabox.width)) == 612  # US Letter
