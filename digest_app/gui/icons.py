"""Icons from the SVGs in ``resources/icons``, drawn in the theme's colours.

The SVGs draw with ``currentColor``; :func:`icon` fills that in, so one file
serves the light and the dark theme.

    >>> icon("refresh")                       # the theme's text colour
    >>> icon("star-filled", color="#e4570e")  # a given colour
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QIconEngine, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from digest_app.gui.theme import current_theme
from digest_app.paths import resource_file

APP_ICON = "digest-app"


def icon(name: str, *, color: str | None = None) -> QIcon:
    """The icon *name* (a file in ``resources/icons`` without ``.svg``)."""
    theme = current_theme()
    return _icon(name, color or theme.text, theme.disabled)


def app_icon() -> QIcon:
    """The application's own icon, in its own colours."""
    result = QIcon()
    for size in (16, 24, 32, 48, 64, 128, 256):
        result.addPixmap(_render(_svg(APP_ICON), size, 1.0))
    return result


def pixmap(name: str, size: int, *, color: str | None = None, ratio: float = 1.0) -> QPixmap:
    """One rendering of an icon, e.g. for a label or a badge."""
    data = _svg(name).replace("currentColor", color or current_theme().text)
    return _render(data, size, ratio)


class _SvgIconEngine(QIconEngine):
    """Renders an SVG in one colour (another when disabled) at whatever size is asked."""

    def __init__(self, svg: str, color: str, disabled_color: str) -> None:
        super().__init__()
        self._svg = svg
        self._colors = (color, disabled_color)
        self._cache: dict[tuple[int, int, float, bool], QPixmap] = {}

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        ratio = QGuiApplication.instance().devicePixelRatio() if QGuiApplication.instance() else 1.0
        return self.scaledPixmap(size, mode, state, ratio)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        disabled = mode == QIcon.Mode.Disabled
        side = min(size.width(), size.height())
        key = (side, side, scale, disabled)
        if key not in self._cache:
            color = self._colors[1] if disabled else self._colors[0]
            self._cache[key] = _render(self._svg.replace("currentColor", color), side, scale)
        return self._cache[key]

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        scale = painter.device().devicePixelRatioF() if painter.device() else 1.0
        painter.drawPixmap(rect, self.scaledPixmap(rect.size(), mode, state, scale))

    def clone(self) -> QIconEngine:
        return _SvgIconEngine(self._svg, *self._colors)


@lru_cache(maxsize=256)
def _icon(name: str, color: str, disabled_color: str) -> QIcon:
    return QIcon(_SvgIconEngine(_svg(name), color, disabled_color))


@lru_cache(maxsize=64)
def _svg(name: str) -> str:
    return resource_file("icons", f"{name}.svg").read_text(encoding="utf-8")


def _render(svg: str, size: int, ratio: float) -> QPixmap:
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    side = round(size * ratio)
    image = QPixmap(QSize(side, side))
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, side, side))
    painter.end()
    image.setDevicePixelRatio(ratio)
    return image
