"""A digest as a PDF: cover, contents with page numbers, outline, running heads, live links.

    >>> data = digest_pdf(digest, page_size="A4")       # bytes; no window needed
    >>> write_atomically("xiaomi-week.pdf", data)

The one place outside the GUI that uses Qt (QtGui only). Without a running Qt
application it starts a ``QGuiApplication`` on the offscreen platform, so the
CLI works on a server.

How a page comes about:

1. The body (:mod:`digest_app.digests.rich_text`) is laid out by a
   QTextDocument paginated to the page's text area, measured with the PDF
   writer's own font metrics. A table row a page break would cut starts the
   next page (the table goes on there with its header row), and a story
   heading that would sit at the foot of a page moves there too.
2. Each section's and story's anchor is found in the layout, which gives its
   page; the contents' page-number cells are then filled in (the numbers sit
   in a column of their own, so nothing reflows).
3. Page 1 is the cover, painted directly; every other page is one slice of the
   document with a running head (digest title, section) and foot (period,
   page number). Qt turns the anchors into named destinations, the contents'
   links into links to them, and source links into URI links.
4. pypdf adds the outline (bookmarks: sections, then their stories) and
   ToUnicode maps that give Chinese text its real characters
   (:mod:`digest_app.digests.pdf_finish`).

Chinese renders through Qt's font fallback: the body and heading font lists end
with Noto CJK, and Qt falls back to any installed CJK font after that.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from digest_app.digests import wording
from digest_app.digests.model import Digest
from digest_app.digests.rich_text import PAGE_PLACEHOLDER, PRINT, rich_text_html, row_keys, stylesheet
from digest_app.errors import ExportError

PageSize = Literal["A4", "Letter"]
PAGE_SIZES: tuple[str, ...] = ("A4", "Letter")
#: Device pixels per inch of the layout: fine enough that font metrics do not round.
RESOLUTION = 300
#: Page margins in points: left/right, top (the running head sits in it), bottom (the foot).
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 64.0, 76.0, 66.0
#: A story heading (section heading) with less than this many points below it on
#: its page moves to the next.
KEEP_STORY_HEADING = 110.0
KEEP_SECTION_HEADING = 190.0
#: A story whose part on the next page would be shorter than this (its sources line,
#: maybe one line of summary above it) starts that page instead, if it fits on one.
KEEP_STORY_TAIL = 40.0
#: A part (section, contents ...) starting in this top share of a page heads it.
HEAD_AT_TOP = 0.1
#: Fonts the painted parts (cover, running heads) use: Latin first (see digest-rich.css).
SANS = ["Source Sans 3", "Source Sans Pro", "Noto Sans", "Helvetica Neue", "Arial", "DejaVu Sans", "Noto Sans CJK SC"]
#: Where Chinese text falls back to, to learn which look-alike radicals its glyphs carry.
CJK_FAMILIES = (["Noto Serif CJK SC", "Source Han Serif SC", "Songti SC"], ["Noto Sans CJK SC", "Source Han Sans SC"])

Progress = Callable[[int, int], None]
_app = None
_app_lock = threading.Lock()


@dataclass(frozen=True)
class _Layout:
    """What painting needs to know about the laid-out body."""

    pages: int
    anchor_pages: dict[str, int]  # anchor -> PDF page number (1 = cover)
    anchor_places: dict[str, float]  # anchor -> body page index + how far down it (2.5: halfway down page 4)


def digest_pdf(
    digest: Digest,
    *,
    page_size: PageSize = "A4",
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> bytes:
    """The PDF's bytes. Raises :class:`ExportError` when cancelled (nothing is written)."""
    if page_size not in PAGE_SIZES:
        raise ExportError(f"unknown page size {page_size!r}: use A4 or Letter")
    _ensure_application()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageSize, QPdfWriter

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    size_id = QPageSize.PageSizeId.A4 if page_size == "A4" else QPageSize.PageSizeId.Letter
    writer.setPageSize(QPageSize(size_id))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setResolution(RESOLUTION)
    writer.setTitle(digest.title)
    writer.setCreator("Digest")
    document, layout = _lay_out(digest, writer)
    _paint(digest, writer, document, layout, progress, cancelled)
    buffer.close()
    from digest_app.digests.pdf_finish import finish_pdf

    return finish_pdf(bytes(data.data()), digest, _radical_equivalents(_all_text(digest)))


# -- Qt setup ---------------------------------------------------------------------------------


def _ensure_application() -> None:
    """A Qt GUI application for fonts and painting: the running one, else an offscreen one."""
    global _app
    from PySide6.QtGui import QGuiApplication

    with _app_lock:
        if QGuiApplication.instance() is None:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
            _app = QGuiApplication(["digest-app"])


def _points(value: float) -> float:
    """Points -> device pixels at :data:`RESOLUTION`."""
    return value * RESOLUTION / 72.0


# -- layout --------------------------------------------------------------------------------------


def _lay_out(digest: Digest, writer):
    from PySide6.QtCore import QSizeF

    page = writer.pageLayout().fullRectPixels(RESOLUTION)
    size = QSizeF(page.width() - 2 * _points(MARGIN_SIDE), page.height() - _points(MARGIN_TOP) - _points(MARGIN_BOTTOM))
    document = _document(digest, writer, size, breaks=_table_breaks(digest, writer, size))
    _keep_headings_with_text(document, size.height())
    # Half a pixel of slack: a block at the top of a page can lie a hair above it.
    places = {name: (top + 0.5) / size.height() for name, top in _anchor_tops(document).items()}
    anchors = {name: int(place) + 2 for name, place in places.items()}
    _fill_page_numbers(document, digest, anchors)
    return document, _Layout(pages=document.pageCount() + 1, anchor_pages=anchors, anchor_places=places)


def _document(digest: Digest, writer, size, *, breaks: frozenset[str], sections: bool = True):
    """The body laid out in pages of *size* (device pixels) with *writer*'s fonts."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(stylesheet(PRINT))
    document.setHtml(rich_text_html(digest, contents=True, sections=sections, breaks=breaks))
    document.setPageSize(size)
    return document


def _table_breaks(digest: Digest, writer, size) -> frozenset[str]:
    """Table rows (contents entries, key figures) that must start a page so that
    no page break cuts through one.

    Qt splits a table row between its lines; the body instead ends the table
    before such a row and goes on with a new one on the next page. Each move
    shifts what follows, so rows are moved one at a time, measured on a
    document that holds only the part before the sections (the tables' pages
    depend on nothing after them).
    """
    keys = row_keys(digest, contents=True)
    breaks: frozenset[str] = frozenset()
    while True:
        document = _document(digest, writer, size, breaks=breaks, sections=False)
        layout = document.documentLayout()
        layout.documentSize()
        cut = None
        for key, (table, row) in zip(keys, _table_rows(document)):
            cells = [table.cellAt(row, column) for column in range(table.columns())]
            top = min(layout.blockBoundingRect(cell.firstCursorPosition().block()).top() for cell in cells)
            bottom = max(layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom() for cell in cells)
            page = int((top + 0.5) // size.height())
            # A row already at a page's top, or too tall to move, stays where it is.
            if key not in breaks and page != int((bottom - 0.5) // size.height()) and bottom - top < size.height() / 2:
                cut = key
                break
        if cut is None:
            return breaks
        breaks = breaks | {cut}


def _table_rows(document):
    """Every table row of *document* but the header rows, in reading order, as (table, row)."""
    from PySide6.QtGui import QTextTable

    for table in [frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)]:
        for row in range(table.format().headerRowCount(), table.rows()):
            yield table, row


def _keep_headings_with_text(document, page_height: float) -> None:
    """Move headings that would end a page to the top of the next: a story's
    heading, or a section's band and heading together. A story that a page break
    would leave only its last line or two on the next page moves there whole.

    Qt lays a document out lazily, so after each move the layout is brought up
    to date before the next heading is measured.
    """
    from PySide6.QtGui import QTextCursor, QTextFormat

    layout = document.documentLayout()
    keep = {2: _points(KEEP_SECTION_HEADING), 3: _points(KEEP_STORY_HEADING)}
    layout.documentSize()
    previous = None
    block = document.begin()
    while block.isValid():
        level = block.blockFormat().headingLevel()
        # A section heading moves with the coloured band drawn just before it.
        target = previous if level == 2 and previous is not None else block
        if level in keep and target.blockFormat().pageBreakPolicy() != QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore:
            top = layout.blockBoundingRect(target).top()
            room = page_height - (top % page_height)
            if room < keep[level] or (level == 3 and _leaves_a_tail(layout, block, top, room, page_height)):
                fmt = target.blockFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                QTextCursor(target).setBlockFormat(fmt)
                layout.documentSize()
        previous = block
        block = block.next()


def _leaves_a_tail(layout, heading, top: float, room: float, page_height: float) -> bool:
    """Whether the story under *heading* (its blocks up to the next heading, or the
    section band before one) runs past its page by less than :data:`KEEP_STORY_TAIL`,
    while the whole story would fit on a page."""
    last = heading
    block = heading.next()
    while block.isValid() and block.blockFormat().headingLevel() == 0:
        if block.next().isValid() and block.next().blockFormat().headingLevel() == 2:
            break  # the band of the next section
        last = block
        block = block.next()
    height = layout.blockBoundingRect(last).bottom() - top
    return room < height < page_height * 0.9 and height - room < _points(KEEP_STORY_TAIL)


def _anchor_tops(document) -> dict[str, float]:
    """Each anchor name in the document and the top of its block in the layout."""
    layout = document.documentLayout()
    tops: dict[str, float] = {}
    block = document.begin()
    while block.isValid():
        fragments = block.begin()
        while not fragments.atEnd():
            names = fragments.fragment().charFormat().anchorNames()
            if names:
                top = layout.blockBoundingRect(block).top()
                for name in names:
                    tops.setdefault(name, top)
            fragments += 1
        block = block.next()
    return tops


def _fill_page_numbers(document, digest: Digest, pages: dict[str, int]) -> None:
    """Write the page of each section and story into the contents table."""
    from PySide6.QtGui import QTextCursor

    edit = QTextCursor(document)
    edit.beginEditBlock()  # one relayout for all the numbers, not one per cell
    for anchor, (table, row) in zip(row_keys(digest, contents=True), _table_rows(document)):
        if anchor not in pages:
            continue  # a key figure's row
        cell = table.cellAt(row, 2)
        cursor = cell.firstCursorPosition()
        cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
        if cursor.selectedText() == PAGE_PLACEHOLDER:
            edit.setPosition(cursor.anchor())
            edit.setPosition(cursor.position(), QTextCursor.MoveMode.KeepAnchor)
            edit.insertText(str(pages[anchor]))
    edit.endEditBlock()


# -- painting ------------------------------------------------------------------------------------


def _paint(digest: Digest, writer, document, layout: _Layout, progress, cancelled) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QPainter

    page = writer.pageLayout().fullRectPixels(RESOLUTION)
    body = QRectF(
        _points(MARGIN_SIDE),
        _points(MARGIN_TOP),
        page.width() - 2 * _points(MARGIN_SIDE),
        page.height() - _points(MARGIN_TOP) - _points(MARGIN_BOTTOM),
    )
    heads = {"contents": "Contents", "top-stories": "Top stories", "key-figures": "Key figures"}
    heads.update({section.id: section.title for section in digest.sections})
    starts = sorted((layout.anchor_places[a], order, heads[a]) for order, a in enumerate(heads) if a in layout.anchor_places)
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError("the PDF could not be started (Qt refused to paint)")
    try:
        _paint_cover(painter, digest, page)
        for index in range(document.pageCount()):
            if cancelled is not None and cancelled():
                raise ExportError("the PDF export was cancelled; nothing was saved")
            writer.newPage()
            number = index + 2
            painter.save()
            painter.translate(body.left(), body.top() - index * body.height())
            # One pixel short: a block Qt moved to the next page can start half a
            # pixel above it, and its background would show as a hairline here.
            document.drawContents(painter, QRectF(0, index * body.height(), body.width(), body.height() - 1))
            painter.restore()
            running = _running_head(starts, index)
            _paint_running_head(painter, digest, page, body, running, number, layout.pages)
            if progress is not None:
                progress(number, layout.pages)
    finally:
        painter.end()


def _running_head(starts: list[tuple[float, int, str]], index: int) -> str:
    """The part the body's page *index* opens with: the last one started by its
    top (a part whose heading sits near the top counts as opening it)."""
    return next((title for start, _, title in reversed(starts) if start < index + HEAD_AT_TOP), "")


def _font(points: float, *, bold: bool = False):
    from PySide6.QtGui import QFont

    font = QFont()
    font.setFamilies(SANS)
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _paint_cover(painter, digest: Digest, page) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QPen

    left = _points(MARGIN_SIDE)
    width = page.width() - 2 * left
    painter.fillRect(QRectF(0, 0, page.width(), _points(16)), QColor(PRINT.accent))
    y = _points(150)
    painter.setPen(QColor(PRINT.accent))
    painter.setFont(_font(9, bold=True))
    painter.drawText(QRectF(left, y, width, _points(14)), "D I G E S T")
    y += _points(26)
    painter.setPen(QColor(PRINT.ink))
    painter.setFont(_font(30, bold=True))
    flags = int(Qt.TextFlag.TextWordWrap) | int(Qt.AlignmentFlag.AlignLeft)
    title_rect = painter.boundingRect(QRectF(left, y, width, page.height()), flags, digest.title)
    painter.drawText(title_rect, flags, digest.title)
    y = title_rect.bottom() + _points(14)
    period = wording.subtitle(digest)
    if period:
        painter.setPen(QColor(PRINT.muted))
        painter.setFont(_font(15))
        painter.drawText(QRectF(left, y, width, _points(22)), period)
        y += _points(30)
    painter.setPen(QPen(QColor(PRINT.rule), _points(0.8)))
    painter.drawLine(int(left), int(y), int(left + width), int(y))
    y += _points(16)
    painter.setPen(QColor(PRINT.ink))
    painter.setFont(_font(11.5))
    painter.drawText(QRectF(left, y, width, _points(18)), wording.cover_facts(digest))
    y += _points(40)
    painter.setFont(_font(9, bold=True))
    painter.setPen(QColor(PRINT.muted))
    painter.drawText(QRectF(left, y, width, _points(14)), "IN THIS DIGEST")
    y += _points(20)
    painter.setFont(_font(11.5))
    line = painter.fontMetrics().height() * 1.35
    for section in digest.sections:
        if y > page.height() - _points(140):
            break
        painter.fillRect(QRectF(left, y + line * 0.28, _points(7), _points(7)), QColor(section.color or PRINT.accent))
        painter.setPen(QColor(PRINT.ink))
        painter.setFont(_font(11.5))
        painter.drawText(QRectF(left + _points(16), y, width * 0.7, line), section.title)
        painter.setPen(QColor(PRINT.muted))
        painter.drawText(
            QRectF(left, y, width, line),
            int(Qt.AlignmentFlag.AlignRight),
            wording.section_count(len(section.stories)),
        )
        y += line
    painter.setFont(_font(9))
    painter.setPen(QColor(PRINT.muted))
    painter.drawText(
        QRectF(left, page.height() - _points(MARGIN_BOTTOM), width, _points(14)),
        f"{wording.made_on(digest)} with Digest",
    )


def _paint_running_head(painter, digest: Digest, page, body, running: str, number: int, total: int) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QFontMetricsF, QPen

    painter.setFont(_font(8))
    metrics = QFontMetricsF(painter.fontMetrics())
    painter.setPen(QColor(PRINT.muted))
    head_y = _points(MARGIN_TOP) - _points(34)
    half = body.width() / 2 - _points(8)
    painter.drawText(
        QRectF(body.left(), head_y, half, _points(12)),
        metrics.elidedText(digest.title, Qt.TextElideMode.ElideRight, half),
    )
    painter.drawText(
        QRectF(body.left() + body.width() / 2, head_y, body.width() / 2, _points(12)),
        int(Qt.AlignmentFlag.AlignRight),
        metrics.elidedText(running, Qt.TextElideMode.ElideLeft, half),
    )
    painter.setPen(QPen(QColor(PRINT.rule), _points(0.6)))
    rule_y = int(head_y + _points(15))
    painter.drawLine(int(body.left()), rule_y, int(body.right()), rule_y)
    painter.setPen(QColor(PRINT.muted))
    foot_y = page.height() - _points(MARGIN_BOTTOM) + _points(30)
    painter.drawText(QRectF(body.left(), foot_y, half, _points(12)), digest.period.label)
    painter.drawText(
        QRectF(body.left() + body.width() / 2, foot_y, body.width() / 2, _points(12)),
        int(Qt.AlignmentFlag.AlignRight),
        f"Page {number} of {total}",
    )


# -- Chinese text -------------------------------------------------------------------------------


def _all_text(digest: Digest) -> str:
    parts = [digest.title, *(section.title for section in digest.sections)]
    for story in digest.stories:
        parts += [story.title, *story.summary, *(link.title for link in story.sources)]
    parts += [figure.subject + figure.sentence for figure in digest.figures]
    return "".join(parts)


def _radical_equivalents(text: str) -> dict[int, int]:
    """Radical code point -> the ideograph of *text* drawn with the same glyph.

    Asks the CJK fonts text falls back to which of the digest's own ideographs
    share a glyph with a radical (see :mod:`digest_app.digests.pdf_finish`).
    """
    from PySide6.QtGui import QFont, QFontDatabase, QRawFont

    ideographs = "".join(sorted({c for c in text if "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"}))
    if not ideographs:
        return {}
    radicals = "".join(chr(c) for c in range(0x2E80, 0x2FE0))
    found: dict[int, int] = {}
    for families in CJK_FAMILIES:
        font = QFont()
        font.setFamilies(families)
        raw = QRawFont.fromFont(font, QFontDatabase.WritingSystem.SimplifiedChinese)
        if not raw.isValid():
            continue
        by_glyph = dict(zip(raw.glyphIndexesForString(ideographs), ideographs))
        for radical, glyph in zip(radicals, raw.glyphIndexesForString(radicals)):
            if glyph and glyph in by_glyph:
                found.setdefault(ord(radical), ord(by_glyph[glyph]))
    return found
