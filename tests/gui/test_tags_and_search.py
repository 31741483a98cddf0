"""Tagging from the reader and a multi-selection, tag management, search and saved searches."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from digest_app.gui.article_model import HeaderRole, SnippetRole
from digest_app.gui.search_bar import DEBOUNCE_MS
from digest_app.gui.sidebar import ColorRole, CountRole
from digest_app.store import ArticleFilter


def _select_row(window, qtbot, row: int) -> int:
    index = window.article_model.index(row)
    window.article_list.setCurrentIndex(index)
    article_id = window.article_model.data(index, HeaderRole).id
    qtbot.waitUntil(lambda: window.reader_pane.showing_article and window.reader_pane.reader.article.id == article_id)
    return article_id


def _tag_names(window, article_id: int) -> set[str]:
    return {t.name for t in window.lib.articles.get(article_id).tags}


def test_t_focuses_the_tag_field_which_completes_and_adds_a_tag(window, qtbot):
    article_id = _select_row(window, qtbot, 0)
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_T)
    field = window.reader_pane.tag_editor.field
    assert field.hasFocus()
    completions = window.reader_pane.tag_editor.completer.model().stringList()
    assert {"EV", "HyperOS", "Smartphones"} <= set(completions)
    qtbot.keyClicks(field, "Launch day")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert "Launch day" in _tag_names(window, article_id)
    assert window.reader_pane.tag_editor.chip("Launch day") is not None
    assert "Launch day" in window.article_model.header(0).tags
    qtbot.waitUntil(lambda: window.sidebar.item_for("tag:Launch day") is not None)


def test_removing_a_chip_untags_the_article(window, qtbot):
    article_id = _select_row(window, qtbot, 0)
    name = sorted(_tag_names(window, article_id))[0]
    chip = window.reader_pane.tag_editor.chip(name)
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert name not in _tag_names(window, article_id)
    qtbot.waitUntil(lambda: window.reader_pane.tag_editor.chip(name) is None)
    assert name not in window.article_model.header(0).tags


def test_tags_added_to_a_multi_selection_go_on_every_article(window, qtbot):
    view = window.article_list
    view.setCurrentIndex(window.article_model.index(3))
    for row in (4, 5):
        view.selectionModel().select(window.article_model.index(row), view.selectionModel().SelectionFlag.Select)
    qtbot.waitUntil(lambda: "3 articles selected" in window.reader_pane.note.text())
    ids = view.selected_ids()
    window.reader_pane.tag_editor.tagsAdded.emit(["Weekly review", "Ask an analyst"])
    for article_id in ids:
        assert {"Weekly review", "Ask an analyst"} <= _tag_names(window, article_id)
    assert set(window.reader_pane.tag_editor.tags()) >= {"Weekly review", "Ask an analyst"}
    window.reader_pane.tag_editor.tagRemoved.emit("Ask an analyst")
    assert all("Ask an analyst" not in _tag_names(window, i) for i in ids)


def test_rename_merge_recolour_and_delete_tags(window, qtbot):
    lib = window.lib
    chips = lib.tags.get("Chips").count
    follow_up = lib.tags.get("Follow up").count
    window.sidebar.select_key("tag:Chips")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "Chips")
    window.rename_tag("Chips", "Semiconductors")
    assert lib.tags.get("Semiconductors").count == chips
    qtbot.waitUntil(lambda: window.sidebar.item_for("tag:Semiconductors") is not None)
    assert window.sidebar.item_for("tag:Chips") is None
    assert window.sidebar.current_key() == "tag:Semiconductors"

    window.merge_tags(["Semiconductors"], "Follow up")
    merged = lib.tags.get("Follow up").count
    assert follow_up <= merged <= follow_up + chips
    qtbot.waitUntil(lambda: window.sidebar.item_for("tag:Semiconductors") is None)

    window.set_tag_color("Follow up", "#123456")
    qtbot.waitUntil(lambda: window.sidebar.item_for("tag:Follow up").data(ColorRole) == "#123456")
    assert window.article_list.delegate.tag_colors["Follow up"] == "#123456"

    window.delete_tag("Follow up")
    assert all(t.name != "Follow up" for t in lib.tags.list())
    qtbot.waitUntil(lambda: window.sidebar.item_for("tag:Follow up") is None)


def _search(window, qtbot, text: str) -> None:
    field = window.search_bar.field
    field.clear()
    field.setFocus()
    if text.isascii():
        qtbot.keyClicks(field, text)
    else:
        # Chinese arrives through an input method: one commit of the composed text.
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(field, event)
    qtbot.waitUntil(
        lambda: window.article_model.loaded and window.article_model.listing.query == text,
        timeout=DEBOUNCE_MS + 3000,
    )


def test_slash_focuses_search_and_results_come_as_you_type_with_highlights(window, qtbot):
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_Slash)
    assert window.search_bar.field.hasFocus()
    _search(window, qtbot, "YU7")
    model = window.article_model
    assert model.rowCount() == window.lib.search.count("YU7") > 0
    snippets = [model.data(model.index(r), SnippetRole) for r in range(model.rowCount())]
    assert any("<mark>YU7</mark>" in (s or "") for s in snippets)
    assert "result" in window.list_info.text()
    assert window.sidebar.current_key() == ""


def test_search_in_chinese_finds_the_chinese_articles(window, qtbot):
    _search(window, qtbot, "小米汽车")
    model = window.article_model
    assert model.rowCount() >= 1
    titles = [model.header(r).title for r in range(model.rowCount())]
    assert any("小米汽车" in t for t in titles)
    snippet = model.data(model.index(0), SnippetRole) or ""
    assert "<mark>" in snippet


def test_clearing_the_search_returns_to_the_sidebar_listing(window, qtbot):
    window.sidebar.select_key("unread")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "Unread")
    _search(window, qtbot, "HyperOS")
    window.search_bar.field.clear()
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "Unread", timeout=3000)
    assert window.sidebar.current_key() == "unread"


def test_sort_by_newest_or_best_match(window, qtbot):
    _search(window, qtbot, "Xiaomi")
    window.sort_combo.setCurrentIndex(window.sort_combo.findData("newest"))
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.sort == "newest")
    model = window.article_model
    dates = [model.header(r).published for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)
    window.sort_combo.setCurrentIndex(window.sort_combo.findData("relevance"))
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.sort == "relevance")
    best = [model.header(r).id for r in range(model.rowCount())]
    assert best == [h.header.id for h in window.lib.search.run("Xiaomi", limit=100).hits]


def test_save_search_adds_a_smart_folder_with_a_live_count(window, qtbot):
    _search(window, qtbot, "tag:EV is:unread")
    assert window.search_bar.save_button.isEnabled()
    window.save_search("Unread EV", window.search_bar.text())
    qtbot.waitUntil(lambda: window.sidebar.item_for("search:Unread EV") is not None)
    expected = window.lib.search.count("tag:EV is:unread")
    assert window.sidebar.item_for("search:Unread EV").data(CountRole) == expected
    window.sidebar.select_key("search:Unread EV")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "Unread EV")
    assert window.article_model.rowCount() == expected
    first = window.article_model.header(0).id
    window.article_list.setCurrentIndex(window.article_model.index(0))
    qtbot.waitUntil(lambda: window.lib.articles.get(first).is_read)
    qtbot.waitUntil(lambda: window.sidebar.item_for("search:Unread EV").data(CountRole) == expected - 1)


def test_search_help_shows_the_query_language(window, qtbot):
    qtbot.mouseClick(window.search_bar.help_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.search_bar.help.isVisible)
    text = window.search_bar.help.text.toPlainText()
    assert "tag:" in text and "OR" in text
    window.search_bar.help.hide()


def test_unread_listing_keeps_a_just_read_article_until_left(window, qtbot):
    window.sidebar.select_key("unread")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "Unread")
    before = window.article_model.rowCount()
    _select_row(window, qtbot, 0)
    assert window.article_model.rowCount() == before
    assert window.lib.articles.count(ArticleFilter(unread=True)) == before - 1


def test_many_tags_wrap_onto_more_lines_instead_of_being_cut_off(window, qtbot):
    _select_row(window, qtbot, 0)
    names = ["Earnings and markets", "Global expansion", "AIoT and smart home", "Follow up for the weekly note"]
    window.reader_pane.tag_editor.tagsAdded.emit(names)
    editor = window.reader_pane.tag_editor
    qtbot.waitUntil(lambda: all(editor.chip(n) is not None for n in names))
    one_line = editor.field.sizeHint().height()
    window.resize(900, 700)
    qtbot.waitUntil(lambda: editor.height() > one_line * 2)
    chips = [editor.chip(name) for name in editor.tags()]
    for widget in [*chips, editor.field]:
        QApplication.processEvents()
        shown = widget.geometry()
        assert shown.width() >= min(widget.sizeHint().width(), editor.width()), widget
        assert editor.rect().contains(shown), widget
    assert len({chip.geometry().top() for chip in chips}) > 1


def test_a_recoloured_tag_changes_colour_on_the_article_being_read(window, qtbot):
    _select_row(window, qtbot, 0)
    window.reader_pane.tag_editor.tagsAdded.emit(["Launch day"])
    editor = window.reader_pane.tag_editor
    qtbot.waitUntil(lambda: editor.chip("Launch day") is not None)
    window.set_tag_color("Launch day", "#2e7d32")
    qtbot.waitUntil(lambda: editor.chip("Launch day").color == "#2e7d32")
    assert "rgba(46, 125, 50" in editor.chip("Launch day").styleSheet()
