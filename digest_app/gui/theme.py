"""Light and dark themes: Fusion with a palette, a small stylesheet, reader colours.

    >>> theme = apply_theme(app, "system")      # or "light" / "dark"
    >>> theme.dark, theme.accent

One :class:`Theme` holds every colour the app uses, so the widgets, the
stylesheet (``resources/styles/app.qss``) and the reader's CSS
(``resources/reader/reader.css``) always agree. Both templates use
``$name`` placeholders filled from the theme's fields.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import lru_cache
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

from digest_app.gui.preferences import ThemeMode
from digest_app.paths import resource_file


@dataclass(frozen=True)
class Theme:
    """The colours of one theme, as ``#rrggbb`` strings."""

    name: str
    dark: bool
    window: str
    base: str
    alternate: str
    sidebar: str
    text: str
    muted: str
    disabled: str
    border: str
    accent: str
    accent_text: str
    selection: str
    selection_text: str
    link: str
    summary_background: str
    summary_border: str
    mark: str
    mark_text: str
    badge: str
    badge_text: str
    error: str
    chip: str
    chip_text: str

    def color(self, field: str) -> QColor:
        return QColor(getattr(self, field))


LIGHT = Theme(
    name="light",
    dark=False,
    window="#f4f4f6",
    base="#ffffff",
    alternate="#f8f8fa",
    sidebar="#eceef1",
    text="#1f2328",
    muted="#6a717b",
    disabled="#aeb4bc",
    border="#d6d9de",
    accent="#e4570e",
    accent_text="#ffffff",
    selection="#fbe3d3",
    selection_text="#1f2328",
    link="#b8450a",
    summary_background="#fff6ee",
    summary_border="#f0b48c",
    mark="#ffe28a",
    mark_text="#1f2328",
    badge="#dcdfe4",
    badge_text="#3a4049",
    error="#c62828",
    chip="#e8eaee",
    chip_text="#2d333b",
)

DARK = Theme(
    name="dark",
    dark=True,
    window="#1e2024",
    base="#17191c",
    alternate="#1b1d21",
    sidebar="#222429",
    text="#e4e6ea",
    muted="#9aa1ab",
    disabled="#5c626b",
    border="#34373d",
    accent="#ff7a33",
    accent_text="#1a1a1a",
    selection="#4a3124",
    selection_text="#f4f4f5",
    link="#ffa06b",
    summary_background="#2a2320",
    summary_border="#7a4a2e",
    mark="#806414",
    mark_text="#fff7da",
    badge="#33363c",
    badge_text="#c9cdd3",
    error="#ef6b64",
    chip="#30333a",
    chip_text="#dfe2e6",
)


def system_prefers_dark() -> bool:
    """Whether the desktop asks for a dark appearance (False when it says nothing)."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def resolve_theme(mode: ThemeMode) -> Theme:
    if mode == "dark" or (mode == "system" and system_prefers_dark()):
        return DARK
    return LIGHT


def apply_theme(app: QApplication, mode: ThemeMode) -> Theme:
    """Style the whole application for *mode* and return the theme in use."""
    theme = resolve_theme(mode)
    if not isinstance(app.style(), FramedChecksStyle):
        app.setStyle(FramedChecksStyle())
    app.setPalette(palette_for(theme))
    app.setStyleSheet(stylesheet_for(theme))
    app.setProperty("digestTheme", theme.name)
    return theme


class FramedChecksStyle(QProxyStyle):
    """Fusion, with a frame around every check box that shows on a dark page.

    Fusion outlines a check box in a shade darker than the window, which on a
    dark palette is all but black: an unchecked box vanished, leaving only the
    ticks of the checked ones. The frame is drawn in the palette's muted text.
    """

    _CHECKS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
               QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(  # noqa: N802 (Qt's name)
        self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element in self._CHECKS:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(option.palette.color(QPalette.ColorRole.PlaceholderText))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(option.rect.adjusted(0, 0, -1, -1), 2, 2)
            painter.restore()


def current_theme() -> Theme:
    """The theme :func:`apply_theme` last set (light before any was applied)."""
    app = QApplication.instance()
    name = app.property("digestTheme") if app is not None else None
    return DARK if name == "dark" else LIGHT


def palette_for(theme: Theme) -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    colors = {
        role.Window: theme.window,
        role.WindowText: theme.text,
        role.Base: theme.base,
        role.AlternateBase: theme.alternate,
        role.ToolTipBase: theme.base,
        role.ToolTipText: theme.text,
        role.PlaceholderText: theme.muted,
        role.Text: theme.text,
        role.Button: theme.window,
        role.ButtonText: theme.text,
        role.BrightText: theme.error,
        role.Highlight: theme.selection,
        role.HighlightedText: theme.selection_text,
        role.Link: theme.link,
        role.LinkVisited: theme.link,
        role.Light: theme.base if theme.dark else "#ffffff",
        role.Midlight: theme.border,
        role.Mid: theme.border,
        role.Dark: theme.muted,
        role.Shadow: "#000000",
        role.Accent: theme.accent,
    }
    for r, value in colors.items():
        p.setColor(r, QColor(value))
    disabled = QPalette.ColorGroup.Disabled
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(disabled, r, QColor(theme.disabled))
    return p


@lru_cache(maxsize=4)
def stylesheet_for(theme: Theme) -> str:
    return _fill("styles/app.qss", theme)


@lru_cache(maxsize=4)
def reader_css_for(theme: Theme) -> str:
    return _fill("reader/reader.css", theme)


def _fill(template_name: str, theme: Theme) -> str:
    template = Template(resource_file(*template_name.split("/")).read_text(encoding="utf-8"))
    return template.substitute(asdict(theme))
