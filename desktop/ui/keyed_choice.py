"""A combo box chosen from the keyboard: a digit picks the item shown with it (1 配偶 2 子 …),
letters pick by pinyin initials (nx 女婿, xdjm 兄弟姐妹). Chinese input methods do not reach a
closed QComboBox's type-to-select, so a clerk would otherwise press ↓ up to ten times."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox

TYPE_AHEAD_SECONDS = 1.0


def initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


class KeyedChoice(QComboBox):
    """Items added with `set_choices(placeholder, values)`: the placeholder (data None) first,
    then each value; the first nine are chosen with their digit (shown by `hint`)."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._keys: list[tuple[str, int]] = []  # (initials, index)
        self._typed = ""
        self._typed_at = 0.0

    def set_choices(self, placeholder: str | None, values: list[str]) -> None:
        self.blockSignals(True)
        self.clear()
        self._keys = []
        if placeholder is not None:
            self.addItem(placeholder, None)
        for value in values:
            self.addItem(value, value)
            self._keys.append((initials(value), self.count() - 1))
        self.blockSignals(False)

    def hint(self) -> str:
        """The keys in words, for the label beside the box."""
        values = [self.itemText(i) for i in range(self.count()) if self.itemData(i) is not None]
        keyed = [f"{n} {v}" for n, v in enumerate(values[:9], 1)]
        rest = [f"{v}（{initials(v)}）" for v in values[9:]]
        return "按键选择：" + "  ".join(keyed + rest)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        text = event.text()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if text and mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            if text.isdigit() and text != "0":
                n = int(text)
                offset = 1 if self.count() and self.itemData(0) is None else 0
                if n + offset - 1 < self.count():
                    self.setCurrentIndex(n + offset - 1)
                    return
            if text.isascii() and text.isalpha():
                now = time.monotonic()
                self._typed = (self._typed if now - self._typed_at < TYPE_AHEAD_SECONDS else "") + text.lower()
                self._typed_at = now
                for key, index in self._keys:
                    if key.startswith(self._typed):
                        self.setCurrentIndex(index)
                        return
                self._typed = text.lower()  # a fresh start with this letter
                for key, index in self._keys:
                    if key.startswith(self._typed):
                        self.setCurrentIndex(index)
                        return
                return
        super().keyPressEvent(event)
