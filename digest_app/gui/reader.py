"""The reader: one article laid out for reading, and nothing fetched from the network.

:func:`article_html` fills ``resources/reader/article.html``: source and date,
the title, the link, the summary in a box of its own, then the full text.
:class:`ArticleReader` shows it in a QTextBrowser whose resource loader refuses
every URL that is not a locally cached image, so opening an article never tells
anyone it was read; links open in the system browser, and only http/https ones.

    reader = ArticleReader()
    reader.show_article(lib.articles.get(42))
    reader.blocked_resources      # remote URLs the article asked for and did not get
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from html import escape
from pathlib import Path
from string import Template

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QResizeEvent, QTextDocument
from PySide6.QtWidgets import QTextBrowser, QWidget

from digest_app.gui.formatting import long_date
from digest_app.gui.theme import Theme, current_theme, reader_css_for
from digest_app.paths import resource_file
from digest_app.records import Article
from digest_app.store.images import LOCAL_IMAGE_SCHEME
from digest_app.urls import is_web_url

#: The only schemes a link in an article may open (in the system browser).
OPENABLE_SCHEMES = ("http", "https")
#: Links between articles inside the app (another source's copy of a story).
ARTICLE_SCHEME = "digest-article"
#: Width of the text column, in ems of the reader's font: about 75 characters.
COLUMN_EMS = 38

ImageResolver = Callable[[str], Path | None]


@lru_cache(maxsize=4)
def _template(name: str) -> Template:
    return Template(resource_file("reader", name).read_text(encoding="utf-8"))


def article_html(article: Article) -> str:
    """The reader's HTML for *article* (the text is sanitized already)."""
    meta = [escape(article.source_title)] if article.source_title else []
    date = long_date(article.published or article.fetched)
    if date:
        meta.append(escape(date))
    if article.author:
        meta.append(escape(article.author))
    link = ""
    if is_web_url(article.url):
        shown = escape(_short_url(article.url or ""))
        link = f'<p class="link"><a href="{escape(article.url or "", quote=True)}">{shown} ↗</a></p>'
    others = [a for a in article.also_in if a.article_id != article.id]
    if others:
        copies = ", ".join(
            f'<a href="{ARTICLE_SCHEME}:{a.article_id}">{escape(a.source_title or "another source")}</a>' for a in others
        )
        link += f'<p class="also">Also reported by {copies}</p>'
    if article.content_html:
        body = article.content_html
    else:
        from digest_app.collect.sanitize import text_to_html  # lxml: loaded only if needed

        body = text_to_html(article.text)
    return _template("article.html").substitute(
        meta=" · ".join(meta),
        title=escape(article.title),
        link=link,
        summary=_summary_html(article),
        body=body,
    )


TOO_SHORT = "The summarizer found no sentence in this article to take."
NOT_SUMMARIZED_YET = (
    "No summary yet: it is made once the import or refresh that stored the article has "
    "finished. If that was cancelled, importing the same files again makes it."
)


def _summary_html(article: Article) -> str:
    if article.summary:
        items = "".join(f'<li class="summary-sentence">{escape(s)}</li>' for s in article.summary)
        sentences = f'<ul class="summary-sentences">{items}</ul>'
    else:
        sentences = f'<p class="no-summary">{TOO_SHORT if article.summarized else NOT_SUMMARIZED_YET}</p>'
    keywords = ""
    if article.keywords:
        keywords = '<p class="keywords">Keywords: ' + escape(", ".join(article.keywords[:8])) + "</p>"
    return _template("summary.html").substitute(sentences=sentences, keywords=keywords)


def _short_url(url: str) -> str:
    shown = url.split("://", 1)[-1]
    return shown if len(shown) <= 70 else shown[:67] + "…"


def reader_stylesheet(theme: Theme, font_size: int) -> str:
    """The reader's CSS for *theme* with body text at *font_size* pixels."""
    return (
        reader_css_for(theme)
        + f"\nbody {{ font-size: {font_size}px; }}"
        + f"\np.title {{ font-size: {round(font_size * 1.75)}px; }}"
        + f"\np.meta, p.link, p.also, p.keywords {{ font-size: {round(font_size * 0.87)}px; }}"
        + f"\np.summary-label {{ font-size: {round(font_size * 0.75)}px; }}"
    )


class ArticleReader(QTextBrowser):
    """Shows one article. Refuses remote resources; opens only web links, outside."""

    #: A link was refused (its URL as text), e.g. a ``file:`` or ``javascript:`` link.
    linkRefused = Signal(str)
    #: A web link was handed to the system browser.
    linkOpened = Signal(str)
    #: A link to another article in the library: (article ID).
    articleLinkClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None, *, image_resolver: ImageResolver | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reader")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.anchorClicked.connect(self._open_link)
        self.image_resolver = image_resolver
        self.blocked_resources: list[str] = []
        self.article: Article | None = None
        self._theme = current_theme()
        self._font_size = 15

    def show_article(self, article: Article) -> None:
        self.article = article
        self._render(keep_scroll=False)

    def clear_article(self) -> None:
        self.article = None
        self.blocked_resources = []
        self.clear()

    def set_style(self, theme: Theme, font_size: int) -> None:
        """Re-render in another theme or font size, keeping the reading position."""
        if (theme, font_size) == (self._theme, self._font_size):
            return
        self._theme, self._font_size = theme, font_size
        if self.article is not None:
            self._render(keep_scroll=True)

    @property
    def font_size(self) -> int:
        return self._font_size

    def can_scroll_down(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() < bar.maximum()

    def page_down(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + max(40, bar.pageStep() - 40))

    # -- resource loading -----------------------------------------------------------

    def loadResource(self, kind: int, url: QUrl | str) -> object:
        """Only locally cached images load; everything else is refused and noted."""
        url = QUrl(url)
        if url.scheme() == LOCAL_IMAGE_SCHEME and kind == QTextDocument.ResourceType.ImageResource.value:
            path = self.image_resolver(url.toString()) if self.image_resolver else None
            if path is not None and path.is_file():
                image = QImage(str(path))
                if not image.isNull():
                    return image
        shown = url.toString()
        if shown not in self.blocked_resources:
            self.blocked_resources.append(shown)
        return None

    # -- links ------------------------------------------------------------------------

    def _open_link(self, url: QUrl) -> None:
        if url.scheme() == ARTICLE_SCHEME and url.path().isdigit():
            self.articleLinkClicked.emit(int(url.path()))
        elif url.scheme().lower() in OPENABLE_SCHEMES and url.host():
            QDesktopServices.openUrl(url)
            self.linkOpened.emit(url.toString())
        else:
            self.linkRefused.emit(url.toString())

    # -- layout -----------------------------------------------------------------------

    def _render(self, *, keep_scroll: bool) -> None:
        assert self.article is not None
        bar = self.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if keep_scroll and bar.maximum() else 0.0
        self.blocked_resources = []
        document = self.document()
        document.setDefaultStyleSheet(reader_stylesheet(self._theme, self._font_size))
        font = document.defaultFont()
        font.setPixelSize(self._font_size)
        document.setDefaultFont(font)
        self.setHtml(article_html(self.article))
        self._fit_column()
        bar.setValue(round(fraction * bar.maximum()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_column()

    def _fit_column(self) -> None:
        """Side margins that keep lines at a readable length however wide the pane."""
        width = self.viewport().width()
        column = COLUMN_EMS * self._font_size
        side = max(24, (width - column) // 2)
        frame = self.document().rootFrame()
        fmt = frame.frameFormat()
        if fmt.leftMargin() == side and fmt.topMargin() == 24:
            return
        fmt.setLeftMargin(side)
        fmt.setRightMargin(side)
        fmt.setTopMargin(24)
        fmt.setBottomMargin(40)
        frame.setFrameFormat(fmt)
