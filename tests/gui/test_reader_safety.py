"""The reader never fetches anything, and opens only web links, in the system browser."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices

from digest_app.gui.article_model import HeaderRole
from digest_app.records import ParsedArticle
from tests.gui.conftest import show_stored


class _Browser(QObject):
    """Stands in for the system browser: Qt hands it the URLs the app opens."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser():
    receiver = _Browser()
    schemes = ("http", "https", "file", "ftp", "javascript", "mailto", "data")
    for scheme in schemes:
        QDesktopServices.setUrlHandler(scheme, receiver, "open")
    yield receiver
    for scheme in schemes:
        QDesktopServices.unsetUrlHandler(scheme)


def test_remote_images_and_stylesheets_are_never_requested(window, qtbot, loopback_server):
    image = loopback_server.serve("/pixel.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    style = loopback_server.serve("/style.css", "body { color: red }", content_type="text/css")
    backdrop = loopback_server.serve("/backdrop.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    html = (
        f'<style>@import url("{style}");</style><link rel="stylesheet" href="{style}" />'
        f'<p>Tracking pixel: <img src="{image}" width="1" height="1"></p>'
        f'<table background="{backdrop}"><tr><td>cell</td></tr></table>'
    )
    show_stored(window, qtbot, ParsedArticle(title="Unsanitized copy", text="Tracking pixel: cell", content_html=html))
    window.reader_pane.reader.viewport().grab()  # paint it, as the user would see it
    qtbot.wait(300)
    assert loopback_server.hits == []
    blocked = window.reader_pane.reader.blocked_resources
    assert {image, backdrop, style} <= set(blocked)


def test_only_web_links_open_and_only_in_the_browser(window, qtbot, browser):
    refused: list[str] = []
    reader = window.reader_pane.reader
    reader.linkRefused.connect(refused.append)
    for url in (
        "https://example.com/story",
        "http://example.com/other",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "ftp://example.com/file",
        "mailto:someone@example.com",
    ):
        reader.anchorClicked.emit(QUrl(url))
    assert browser.opened == ["https://example.com/story", "http://example.com/other"]
    assert len(refused) == 4
    assert "file:///etc/passwd" in refused
    assert "javascript:alert(1)" in window.statusBar().currentMessage() or refused[-1] in window.statusBar().currentMessage()


def test_open_in_browser_opens_the_articles_page(window, qtbot, browser):
    index = window.article_model.index(0)
    window.article_list.setCurrentIndex(index)
    header = window.article_model.data(index, HeaderRole)
    qtbot.waitUntil(lambda: window.reader_pane.showing_article)
    window.open_action.trigger()
    assert browser.opened == [header.url]


def test_locally_cached_images_are_shown(window, qtbot):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QImage

    picture = QImage(40, 30, QImage.Format.Format_RGB32)
    picture.fill(0xFF6A1A)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    picture.save(buffer, "PNG")
    image_id = window.lib.images.add("https://example.com/lead.png", "image/png", bytes(data))
    html = f'<p>Lead image:</p><p><img src="digest-image:{image_id}" alt="lead"></p>'
    show_stored(window, qtbot, ParsedArticle(title="With a cached image", text="Lead image:", content_html=html))
    reader = window.reader_pane.reader
    reader.viewport().grab()
    loaded = reader.document().resource(2, QUrl(f"digest-image:{image_id}"))
    assert isinstance(loaded, QImage) and loaded.width() == 40
    assert reader.blocked_resources == []
