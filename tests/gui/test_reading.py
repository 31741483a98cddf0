"""Opening a library, selecting, reading, starring, marking read, moving with the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication

from digest_app.gui.article_model import HeaderRole
from digest_app.gui.reader import NOT_SUMMARIZED_YET
from digest_app.records import ParsedArticle
from digest_app.store import ArticleFilter
from digest_app.summaries import summarize_stored
from tests.gui.conftest import show_stored


def _select_row(window, qtbot, row: int) -> int:
    index = window.article_model.index(row)
    window.article_list.setCurrentIndex(index)
    article_id = window.article_model.data(index, HeaderRole).id
    qtbot.waitUntil(lambda: window.reader_pane.showing_article and window.reader_pane.reader.article.id == article_id)
    return article_id


def test_window_names_the_library_and_lists_its_articles_newest_first(window, sample_path):
    assert str(sample_path.name) in window.windowTitle()
    model = window.article_model
    assert model.rowCount() == window.lib.articles.count() == 26
    dates = [model.header(r).published for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    assert window.central.currentWidget() is window.splitter
    assert window.sidebar.current_key() == "all"


def test_selecting_an_article_shows_summary_and_text_and_marks_it_read(window, qtbot):
    unread_before = window.lib.articles.count(ArticleFilter(unread=True))
    article_id = _select_row(window, qtbot, 0)
    article = window.lib.articles.get(article_id)
    shown = window.reader_pane.reader.toPlainText()
    assert article.title in shown
    assert "SUMMARY" in shown
    assert article.summary and article.summary[0] in shown
    assert article.text.split("\n\n")[1][:60] in shown
    assert article.is_read
    assert window.article_model.header(0).is_read
    qtbot.waitUntil(lambda: window.snapshot.unread == unread_before - 1)
    assert window.sidebar.item_for("unread").data(Qt.ItemDataRole.UserRole + 11) == unread_before - 1


def test_an_article_not_yet_summarized_says_how_its_summary_comes(window, qtbot):
    text = "Xiaomi opened a new store in Paris. The shop sells phones and scooters. Crowds queued overnight."
    article_id = show_stored(window, qtbot, ParsedArticle(title="Xiaomi store opens", text=text))
    assert NOT_SUMMARIZED_YET in window.reader_pane.reader.toPlainText()

    summarize_stored(window.lib, [article_id])
    window.show_article(article_id)
    qtbot.waitUntil(lambda: NOT_SUMMARIZED_YET not in window.reader_pane.reader.toPlainText())
    article = window.lib.articles.get(article_id)
    assert article.summarized and article.summary[0] in window.reader_pane.reader.toPlainText()


def test_s_stars_and_m_toggles_read_from_the_keyboard(window, qtbot):
    article_id = _select_row(window, qtbot, 2)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_S)
    assert window.lib.articles.get(article_id).is_starred
    assert window.article_model.header(2).is_starred
    qtbot.keyClick(window.article_list, Qt.Key.Key_M)
    assert not window.lib.articles.get(article_id).is_read
    qtbot.keyClick(window.article_list, Qt.Key.Key_M)
    assert window.lib.articles.get(article_id).is_read
    qtbot.keyClick(window.article_list, Qt.Key.Key_S)
    assert not window.lib.articles.get(article_id).is_starred
    qtbot.waitUntil(lambda: window.snapshot.starred == 0)


def test_j_and_k_move_through_the_list(window, qtbot):
    _select_row(window, qtbot, 0)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_J)
    assert window.article_list.current_article_id() == window.article_model.header(1).id
    qtbot.keyClick(window.article_list, Qt.Key.Key_J)
    assert window.article_list.current_article_id() == window.article_model.header(2).id
    qtbot.keyClick(window.article_list, Qt.Key.Key_K)
    assert window.article_list.current_article_id() == window.article_model.header(1).id
    assert window.reader_pane.reader.article.id == window.article_model.header(1).id


def test_space_pages_down_then_moves_to_the_next_article(window, qtbot):
    window.resize(1100, 420)
    _select_row(window, qtbot, 0)
    reader = window.reader_pane.reader
    qtbot.waitUntil(lambda: reader.verticalScrollBar().maximum() > 0)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Space)
    assert reader.verticalScrollBar().value() > 0
    assert window.article_list.current_article_id() == window.article_model.header(0).id
    for _ in range(40):
        if not reader.can_scroll_down():
            break
        qtbot.keyClick(window.article_list, Qt.Key.Key_Space)
    qtbot.keyClick(window.article_list, Qt.Key.Key_Space)
    assert window.article_list.current_article_id() == window.article_model.header(1).id


def test_sidebar_listings_match_the_library(window, qtbot):
    lib = window.lib
    source = lib.sources.list()[0]
    cases = {
        "unread": lib.articles.count(ArticleFilter(unread=True)),
        f"source:{source.id}": source.article_count,
        "tag:EV": lib.articles.count(ArticleFilter(tag="EV")),
    }
    for key, expected in cases.items():
        window.sidebar.select_key(key)
        qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing == window.listing_for(key))
        assert window.article_model.rowCount() == expected
        assert window.sidebar.item_for(key).data(Qt.ItemDataRole.UserRole + 11) in (expected, source.unread_count)
    ids = [window.article_model.header(r).id for r in range(window.article_model.rowCount())]
    assert all(any(t.name == "EV" for t in lib.articles.get(i).tags) for i in ids)


def test_multi_selection_reader_shows_a_count_and_stars_all(window, qtbot):
    view = window.article_list
    view.setCurrentIndex(window.article_model.index(0))
    view.selectionModel().select(
        window.article_model.index(1), view.selectionModel().SelectionFlag.Select
    )
    view.selectionModel().select(
        window.article_model.index(2), view.selectionModel().SelectionFlag.Select
    )
    qtbot.waitUntil(lambda: "3 articles selected" in window.reader_pane.note.text())
    ids = view.selected_ids()
    assert len(ids) == 3
    window.star_action.trigger()
    assert all(h.is_starred for h in window.lib.articles.headers(ids))


def test_font_size_changes_the_reader_and_is_remembered(window, qtbot):
    _select_row(window, qtbot, 0)
    before = window.reader_pane.reader.font_size
    window.larger_action.trigger()
    assert window.reader_pane.reader.font_size == before + 1
    assert window.prefs.reader_font_size == before + 1
    assert f"font-size: {before + 1}px" in window.reader_pane.reader.document().defaultStyleSheet()


def test_dark_theme_darkens_the_window_and_the_reader(window, qtbot):
    _select_row(window, qtbot, 0)
    choice = window.current_settings()
    window.apply_settings(type(choice)(**{**choice.__dict__, "theme": "dark"}))
    palette = QApplication.instance().palette()
    assert palette.color(QPalette.ColorRole.Window).lightness() < 60
    assert palette.color(QPalette.ColorRole.Text).lightness() > 180
    css = window.reader_pane.reader.document().defaultStyleSheet()
    assert "background-color: #17191c" in css
    image = window.reader_pane.reader.viewport().grab().toImage()
    corner = image.pixelColor(5, image.height() - 5)
    assert corner.lightness() < 60
    window.apply_settings(type(choice)(**{**choice.__dict__, "theme": "light"}))
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() > 200


def test_unchecked_boxes_show_in_the_dark_theme(window, qtbot):
    from PySide6.QtWidgets import QCheckBox

    choice = window.current_settings()
    window.apply_settings(type(choice)(**{**choice.__dict__, "theme": "dark"}))
    box = QCheckBox("Include read articles")
    qtbot.addWidget(box)
    box.show()
    image = box.grab().toImage()
    background = image.pixelColor(image.width() - 2, 1).lightness()
    brightest = max(image.pixelColor(x, y).lightness() for x in range(18) for y in range(image.height()))
    assert brightest - background > 60  # the empty box's frame stands out from the page


def test_tags_that_do_not_fit_a_row_are_counted_and_named_in_its_tooltip(window, qtbot):
    _select_row(window, qtbot, 0)
    window.reader_pane.tag_editor.tagsAdded.emit(
        ["Earnings and markets", "Global expansion", "AIoT and smart home", "Follow up"]
    )
    qtbot.waitUntil(lambda: window.article_model.header(0) is not None and len(window.article_model.header(0).tags) >= 4)
    header = window.article_model.header(0)
    view = window.article_list
    delegate = view.itemDelegate()
    metrics = QFontMetrics(view.font())

    narrow = delegate.meta_line(header, metrics, 300)
    assert len(narrow.chips) < len(header.tags)
    assert narrow.more == f"+{len(header.tags) - len(narrow.chips)}"
    assert narrow.chips == header.tags[: len(narrow.chips)]
    assert narrow.source_width >= min(80, metrics.horizontalAdvance(header.source_title))
    assert sum(narrow.chip_widths) + 6 * len(narrow.chips) + narrow.source_width < 300

    wide = delegate.meta_line(header, metrics, 3000)
    assert wide.chips == header.tags[:3]
    assert wide.more == f"+{len(header.tags) - 3}"

    tooltip = window.article_model.data(window.article_model.index(0), Qt.ItemDataRole.ToolTipRole)
    assert header.title in tooltip
    assert all(name in tooltip for name in header.tags)
