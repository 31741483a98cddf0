"""The first-run panel, the sample library, settings and window state across restarts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from digest_app.gui.app import choose_library_path, close_window
from digest_app.gui.preferences import Preferences
from digest_app.gui.settings_dialog import SettingsChoice, SettingsDialog
from digest_app.gui.shortcuts_dialog import shortcut_rows
from digest_app.store import Library
from digest_app.summaries import SummaryLength, summary_length


def test_an_empty_library_opens_on_the_welcome_panel_and_loads_the_sample(open_main_window, tmp_path, qtbot):
    window = open_main_window(tmp_path / "new.db")
    assert window.central.currentWidget() is window.welcome
    assert not window.search_bar.isEnabled()
    qtbot.mouseClick(window.welcome.sample_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.task_panel.isVisible(), timeout=3000)
    assert "sample" in window.task_panel.label.text().lower()
    qtbot.waitUntil(lambda: window.central.currentWidget() is window.splitter, timeout=30_000)
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.rowCount() == 26, timeout=5000)
    assert not window.task_panel.isVisible()
    sources = window.lib.sources.list()
    assert sources and all(s.title.startswith("Sample") for s in sources)
    assert sum(1 for s in sources if s.article_count) == 4
    zh = [window.lib.articles.get(window.article_model.header(r).id) for r in range(26)]
    assert sum(1 for a in zh if a.language == "zh") >= 3
    assert all(a.summary for a in zh)
    assert "26 new" in window.statusBar().currentMessage()


def test_settings_and_window_state_survive_a_restart(open_main_window, sample_path, qtbot):
    window = open_main_window(sample_path)
    # The offscreen screen is 800 x 600; restoring clamps larger windows to it.
    window.resize(780, 560)
    window.splitter.setSizes([190, 290, 300])
    sizes = window.splitter.sizes()
    window.sidebar.select_key("tag:EV")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.listing.title == "EV")
    window.article_list.setCurrentIndex(window.article_model.index(2))
    chosen = window.article_list.current_article_id()
    window.apply_settings(
        SettingsChoice(theme="dark", font_size=19, summary_length=summary_length(window.lib),
                       refresh_minutes=30, library_path=sample_path)
    )
    close_window(window)

    prefs = Preferences()
    assert (prefs.theme, prefs.reader_font_size, prefs.refresh_minutes) == ("dark", 19, 30)
    again = open_main_window(sample_path)
    assert again.sidebar.current_key() == "tag:EV"
    qtbot.waitUntil(lambda: again.article_list.current_article_id() == chosen)
    assert again.reader_pane.reader.article.id == chosen
    assert again.reader_pane.reader.font_size == 19
    assert again.splitter.sizes() == sizes
    assert (again.width(), again.height()) == (780, 560)
    assert again.current_settings().refresh_minutes == 30


def test_the_library_opened_last_is_opened_again(open_main_window, sample_path, monkeypatch):
    window = open_main_window(sample_path)
    close_window(window)
    assert choose_library_path(None, Preferences()) == sample_path
    assert choose_library_path("/tmp/other.db", Preferences()) == Path("/tmp/other.db")
    monkeypatch.setenv("DIGEST_APP_LIBRARY", "/tmp/env.db")
    assert choose_library_path(None, Preferences()) == Path("/tmp/env.db")


def test_summary_length_is_a_library_setting_applied_in_the_background(window, qtbot):
    longer = SummaryLength(sentences=5)
    choice = window.current_settings()
    window.apply_settings(SettingsChoice(**{**choice.__dict__, "summary_length": longer}))
    qtbot.waitUntil(lambda: not window.tasks.busy and summary_length(window.lib) == longer, timeout=30_000)
    with Library.open(window.lib.path) as other:
        assert summary_length(other) == longer
        lengths = [len(other.articles.get(h.id).summary) for h in other.articles.list(limit=None)]
    assert max(lengths) >= 4


def test_settings_dialog_shows_the_current_choices(window):
    dialog = SettingsDialog(window.current_settings(), window)
    choice = dialog.choice()
    assert choice == window.current_settings()
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.font_size.setValue(21)
    assert (dialog.choice().theme, dialog.choice().font_size) == ("dark", 21)
    dialog.reject()


def test_every_single_key_shortcut_is_in_the_menus_and_the_help_window(window):
    listed = {keys for _, rows in shortcut_rows(window.menuBar()) for _, keys in rows}
    flat = " ".join(listed)
    for key in ("J", "K", "Space", "S", "M", "T", "/", "R"):
        assert any(key == part for keys in listed for part in keys.split("  or  ")), (key, flat)
