"""Sidebar badges for sources, the Digests section and reader-area views, switching libraries."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QLabel

from digest_app.gui import app as gui_app
from digest_app.gui.formatting import long_date
from digest_app.gui.settings_dialog import SettingsChoice
from digest_app.gui.sidebar import CountRole, ErrorRole


def test_a_failing_source_shows_an_error_badge_with_the_error_as_tooltip(window, qtbot):
    source = window.lib.sources.list()[0]
    window.lib.sources.record_fetch(source.id, status=503, error="server said 503 Service Unavailable")
    window.refresh_counts()
    key = f"source:{source.id}"
    qtbot.waitUntil(lambda: window.sidebar.item_for(key).data(ErrorRole) is not None)
    item = window.sidebar.item_for(key)
    assert "503 Service Unavailable" in item.data(Qt.ItemDataRole.ToolTipRole)
    assert item.data(CountRole) == source.unread_count
    window.lib.sources.record_fetch(source.id, status=200)
    window.refresh_counts()
    qtbot.waitUntil(lambda: window.sidebar.item_for(key).data(ErrorRole) is None)


def test_removing_a_source_removes_its_articles_from_the_list(window, qtbot):
    source = window.lib.sources.list()[0]
    window.sidebar.select_key(f"source:{source.id}")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.rowCount() == source.article_count)
    before = window.lib.articles.count()
    window.remove_source(source.id)
    assert window.lib.articles.count() == before - source.article_count
    qtbot.waitUntil(lambda: window.sidebar.item_for(f"source:{source.id}") is None)
    qtbot.waitUntil(lambda: window.sidebar.current_key() == "all" and window.article_model.rowCount() == before - source.article_count)


def test_digests_appear_in_the_sidebar_and_open_in_the_reader_area(window, qtbot):
    digest = window.lib.digests.add("Week 47", {"period": "week"}, {"sections": []})
    window.refresh_counts()
    key = f"digest:{digest.id}"
    qtbot.waitUntil(lambda: window.sidebar.item_for(key) is not None)
    view = QLabel("a digest view")
    window.add_reader_view(view)
    opened: list[int] = []
    window.digestSelected.connect(opened.append)
    window.digestSelected.connect(lambda _id: window.show_reader_view(view))
    window.sidebar.select_key(key)
    assert opened == [digest.id]
    assert window.reader_area.currentWidget() is view
    window.sidebar.select_key("all")
    assert window.reader_area.currentWidget() is window.reader_pane


def test_digests_with_the_same_title_are_told_apart_by_when_they_were_made(window, qtbot):
    first = window.lib.digests.add("Week 47", {"period": "week"}, {"sections": []})
    second = window.lib.digests.add("Week 47", {"period": "week"}, {"sections": []})
    window.refresh_counts()
    items = [f"digest:{first.id}", f"digest:{second.id}"]
    qtbot.waitUntil(lambda: all(window.sidebar.item_for(key) is not None for key in items))
    for key, digest in zip(items, (first, second)):
        tooltip = window.sidebar.item_for(key).data(Qt.ItemDataRole.ToolTipRole)
        assert tooltip == f"Week 47\nMade {long_date(digest.created)}"


def test_choosing_another_library_opens_a_window_on_it(open_main_window, sample_path, tmp_path, qtbot):
    window = open_main_window(sample_path)
    other = tmp_path / "other.db"
    choice = window.current_settings()
    window.apply_settings(SettingsChoice(**{**choice.__dict__, "library_path": other}))
    qtbot.waitUntil(lambda: any(w.lib.path == other for w in gui_app._windows))
    new_window = next(w for w in gui_app._windows if w.lib.path == other)
    try:
        assert "other.db" in new_window.windowTitle()
        qtbot.waitUntil(lambda: new_window.snapshot is not None)
        assert new_window.central.currentWidget() is new_window.welcome
        assert window not in gui_app._windows
    finally:
        gui_app.close_window(new_window)


def test_copies_of_a_story_fold_into_one_row_and_link_to_each_other(window, qtbot):
    lib = window.lib
    kept_row = 0
    kept = window.article_model.header(kept_row)
    copy = next(h for h in lib.articles.list(limit=None) if h.source_id != kept.source_id)
    lib.duplicates.link(copy.id, kept.id, "text")
    kept_id = lib.duplicates.kept_copy(copy.id)
    hidden_id = copy.id if kept_id == kept.id else kept.id
    before = window.article_model.rowCount()
    window.article_model.reload()
    qtbot.waitUntil(lambda: window.article_model.rowCount() == before - 1)
    row = window.article_model.row_of(kept_id)
    assert window.article_model.header(row).duplicates == 1
    assert window.article_model.row_of(hidden_id) is None
    window.article_list.select_article(kept_id)
    qtbot.waitUntil(lambda: window.reader_pane.showing_article and window.reader_pane.reader.article.id == kept_id)
    assert "Also reported by" in window.reader_pane.reader.toPlainText()
    window.reader_pane.reader.anchorClicked.emit(QUrl(f"digest-article:{hidden_id}"))
    assert window.reader_pane.reader.article.id == hidden_id
