"""Refreshing against a loopback server, adding sources, OPML, the default sources."""

from __future__ import annotations

import random
from html import escape

from PySide6.QtCore import Qt

from digest_app.collect.opml import parse_opml
from digest_app.collect.subscribe import DEFAULT_SOURCES
from digest_app.gui.sidebar import ErrorRole
from digest_app.store import Library
from tests.gui.test_background_work import StallProbe


_WORDS = (
    "battery screen price camera factory store launch review market share chip software update "
    "delivery order warranty design speaker charger sensor display color memory storage network "
    "engine motor seat wheel range charging station retail partner forecast quarter profit"
).split()


def _body(seed: str, sentences: int = 12) -> str:
    """Distinct sentences for each seed, so stories from two feeds are not near-duplicates."""
    rng = random.Random(seed)
    return " ".join(
        f"Xiaomi {' '.join(rng.sample(_WORDS, 9))} {rng.randint(10, 99)} percent." for _ in range(sentences)
    )


def rss(title: str, items: int, *, first: int = 0) -> str:
    """A feed of full articles (no teasers, so the refresh fetches nothing else)."""
    entries = []
    for n in range(first, first + items):
        body = _body(f"{title}-{n}")
        entries.append(
            f"<item><title>{escape(title)} story {n}</title><guid isPermaLink='false'>{escape(title)}-{n}</guid>"
            f"<pubDate>Tue, 17 Nov 2026 {10 + n % 10}:00:00 GMT</pubDate>"
            f"<description>{escape('<p>' + body + '</p>')}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{escape(title)}</title>'
        f"<link>https://example.com/{title}/</link>{''.join(entries)}</channel></rss>"
    )


def _subscribe_loopback(window, server, names: list[str]) -> list[int]:
    ids = []
    for name in names:
        url = server.serve(f"/{name}.xml", rss(name, 4), content_type="application/rss+xml")
        source, _ = window.lib.sources.add("feed", url, title=f"Loopback {name}")
        ids.append(source.id)
    return ids


def test_r_refreshes_in_the_background_keeping_the_selection_and_badging_failures(window, qtbot, loopback_server):
    _subscribe_loopback(window, loopback_server, ["phones", "cars"])
    broken_url = loopback_server.serve("/broken.xml", b"down for maintenance", status=503)
    broken, _ = window.lib.sources.add("feed", broken_url, title="Loopback broken")
    window.refresh_counts()
    qtbot.waitUntil(lambda: window.sidebar.item_for(f"source:{broken.id}") is not None)

    window.article_list.setCurrentIndex(window.article_model.index(3))
    chosen = window.article_list.current_article_id()
    qtbot.waitUntil(lambda: window.reader_pane.showing_article)
    before = window.lib.articles.count()

    probe = StallProbe()
    probe.start()
    window.article_list.setFocus()
    qtbot.keyClick(window.article_list, Qt.Key.Key_R)
    task = window.tasks.current
    assert task is not None and task.title == "Refreshing"
    qtbot.waitUntil(lambda: window.task_panel.isVisible())
    assert window.task_panel.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=60_000)
    probe.stop()

    assert window.lib.articles.count() == before + 8
    qtbot.waitUntil(lambda: window.article_model.rowCount() == before + 8)
    assert window.article_list.current_article_id() == chosen
    assert window.reader_pane.reader.article.id == chosen
    message = window.statusBar().currentMessage()
    assert "8 new articles" in message and "1 failed" in message
    item = window.sidebar.item_for(f"source:{broken.id}")
    qtbot.waitUntil(lambda: item.data(ErrorRole) is not None)
    assert "503" in item.data(Qt.ItemDataRole.ToolTipRole)
    assert loopback_server.hits_for("/phones.xml") and loopback_server.hits_for("/cars.xml")
    assert probe.longest_ms < 500, f"the UI froze for {probe.longest_ms} ms"


def test_a_refresh_can_be_cancelled_from_the_status_bar(window, qtbot, loopback_server):
    url = loopback_server.stall("/slow.xml", 20)
    window.lib.sources.add("feed", url, title="Loopback slow")
    task = window.refresh()
    qtbot.waitUntil(lambda: window.task_panel.isVisible())
    qtbot.waitUntil(lambda: bool(loopback_server.hits_for("/slow.xml")), timeout=10_000)
    qtbot.mouseClick(window.task_panel.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=15_000)
    assert task.result is not None and task.result.cancelled
    assert "(cancelled)" in window.statusBar().currentMessage()


def test_refresh_twice_runs_once(window, loopback_server, qtbot):
    _subscribe_loopback(window, loopback_server, ["tablets"])
    first = window.refresh()
    assert window.refresh() is first
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)


def test_adding_a_site_finds_its_feed_and_shows_the_new_source(window, qtbot, loopback_server):
    feed = loopback_server.serve("/feed.xml", rss("watches", 3), content_type="application/rss+xml")
    site = loopback_server.serve(
        "/",
        f'<html><head><title>Watch news</title><link rel="alternate" type="application/rss+xml" href="{feed}">'
        "</head><body><p>Front page</p></body></html>",
        content_type="text/html; charset=utf-8",
    )
    window.add_source(site)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)
    source = window.lib.sources.find(feed)
    assert source is not None and source.kind == "feed" and source.article_count == 3
    qtbot.waitUntil(lambda: window.sidebar.current_key() == f"source:{source.id}")
    qtbot.waitUntil(lambda: window.article_model.loaded and window.article_model.rowCount() == 3)
    assert "found on" in window.statusBar().currentMessage()


def test_a_bad_address_is_refused_quietly(window, qtbot):
    window.add_source("file:///etc/passwd")
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)
    assert "http" in window.statusBar().currentMessage()
    assert all(not s.url.startswith("file:") for s in window.lib.sources.list())


def test_default_sources_from_the_welcome_panel_then_opml_round_trip(open_main_window, tmp_path, qtbot):
    window = open_main_window(tmp_path / "new.db")
    assert window.central.currentWidget() is window.welcome
    qtbot.mouseClick(window.welcome.sources_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.central.currentWidget() is window.splitter, timeout=10_000)
    shipped = parse_opml(DEFAULT_SOURCES.read_bytes()).feeds
    assert len(window.lib.sources.list()) == len(shipped) > 0
    assert "Press R" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: window.sidebar.item_for(f"source:{window.lib.sources.list()[0].id}") is not None)

    exported = tmp_path / "subscriptions.opml"
    window.export_opml(exported)
    qtbot.waitUntil(lambda: not window.tasks.busy and exported.exists())
    other = tmp_path / "other.db"
    Library.open(other).close()
    second = open_main_window(other)
    second.import_opml(exported)
    qtbot.waitUntil(lambda: not second.tasks.busy and len(second.lib.sources.list()) == len(shipped))
    assert {s.url for s in second.lib.sources.list()} == {s.url for s in window.lib.sources.list()}


def test_the_refresh_interval_setting_refreshes_on_its_own(window, qtbot, loopback_server):
    from digest_app.gui.settings_dialog import SettingsChoice

    choice = window.current_settings()
    window.apply_settings(SettingsChoice(**{**choice.__dict__, "refresh_minutes": 30}))
    assert window._auto_refresh.isActive() and window._auto_refresh.interval() == 30 * 60_000
    _subscribe_loopback(window, loopback_server, ["routers"])
    window.refresh_counts()
    qtbot.waitUntil(lambda: any(s.title == "Loopback routers" for s in window.snapshot.sources))
    window._auto_refresh.timeout.emit()  # the half hour has passed
    qtbot.waitUntil(lambda: bool(loopback_server.hits_for("/routers.xml")), timeout=30_000)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=30_000)
    window.apply_settings(SettingsChoice(**{**choice.__dict__, "refresh_minutes": 0}))
    assert not window._auto_refresh.isActive()
