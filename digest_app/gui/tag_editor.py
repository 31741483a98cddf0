"""The tag editor: the tags of the article (or selection) as chips, and a field to add more.

Typing completes from the library's tags; Enter adds what was typed (several
at once when separated by commas); a chip's × removes that tag. The chips and the
field wrap onto more lines when they do not fit on one.

    editor.set_tags(["EV", "Earnings"], colors={"EV": "#2e7d32"})
    editor.tagsAdded.connect(lambda names: lib.tags.add(ids, names))
    editor.tagRemoved.connect(lambda name: lib.tags.remove(ids, [name]))
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QCompleter, QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from digest_app.gui.flow_layout import FlowLayout
from digest_app.gui.icons import icon
from digest_app.gui.theme import current_theme


class TagChip(QFrame):
    """One tag: its name, and a button that removes it."""

    removeClicked = Signal(str)

    def __init__(self, name: str, color: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.setObjectName("tagChip")
        self.color: str | None = None
        self.set_color(color)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 1, 2, 1)
        layout.setSpacing(2)
        label = QLabel(name)
        layout.addWidget(label)
        remove = QToolButton()
        remove.setObjectName("tagChipRemove")
        remove.setIcon(icon("close"))
        remove.setAutoRaise(True)
        remove.setToolTip(f"Remove the tag {name}")
        remove.setCursor(Qt.CursorShape.PointingHandCursor)
        remove.clicked.connect(lambda: self.removeClicked.emit(self.name))
        layout.addWidget(remove)
        self.remove_button = remove

    def set_color(self, color: str | None) -> None:
        """Tint the chip with the tag's colour (#rrggbb), or the theme's chip grey for None."""
        self.color = color
        theme = current_theme()
        fill = QColor(color) if color else QColor(theme.chip)
        if color:
            fill.setAlpha(70 if not theme.dark else 100)
        self.setStyleSheet(
            f"#tagChip {{ background-color: rgba({fill.red()}, {fill.green()}, {fill.blue()}, {fill.alpha()});"
            f" border-radius: 9px; }} #tagChip QLabel {{ color: {theme.chip_text}; }}"
        )


class TagEditor(QWidget):
    """Chips for the current tags, then a completing field to add tags."""

    tagsAdded = Signal(list)  # list[str]
    tagRemoved = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tagEditor")
        self._layout = FlowLayout(self, spacing=6)
        self._chips: list[TagChip] = []
        self.field = QLineEdit()
        self.field.setObjectName("tagField")
        self.field.setPlaceholderText("Add a tag…")
        self.field.setClearButtonEnabled(False)
        self.field.setMinimumWidth(110)
        self.field.setMaximumWidth(220)
        self._names = QStringListModel(self)
        completer = QCompleter(self._names, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.field.setCompleter(completer)
        self.completer = completer
        self.field.returnPressed.connect(self._add_typed)
        self._layout.addWidget(self.field)

    def set_tags(self, names: list[str] | tuple[str, ...], colors: dict[str, str | None] | None = None) -> None:
        """Show *names* as chips (in the order given)."""
        colors = colors or {}
        for chip in self._chips:
            self._layout.removeWidget(chip)
            chip.hide()  # deleted only when control is back in the event loop
            chip.deleteLater()
        self._chips = []
        for position, name in enumerate(names):
            chip = TagChip(name, colors.get(name), self)
            chip.removeClicked.connect(self.tagRemoved)
            self._layout.insertWidget(position, chip)
            self._chips.append(chip)

    def set_colors(self, colors: dict[str, str | None]) -> None:
        """Give the chips shown the tags' current colours (a tag recoloured, or the colours
        read after the article was shown)."""
        for chip in self._chips:
            if chip.color != colors.get(chip.name):
                chip.set_color(colors.get(chip.name))

    def tags(self) -> list[str]:
        return [chip.name for chip in self._chips]

    def chip(self, name: str) -> TagChip | None:
        return next((c for c in self._chips if c.name == name), None)

    def set_completions(self, names: list[str]) -> None:
        """The library's tag names, offered while typing."""
        self._names.setStringList(sorted(names, key=str.casefold))

    def focus_field(self) -> None:
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def _add_typed(self) -> None:
        names = [" ".join(part.split()) for part in self.field.text().split(",")]
        names = [n for n in names if n]
        self.field.clear()
        if names:
            self.tagsAdded.emit(names)
