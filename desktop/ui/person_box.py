"""The ID-number field every business page starts with.

As soon as 18 characters are typed (by hand, or by a keyboard-wedge ID reader that types the
number and Enter) the number is checked in place (`desktop.identity.parse_id_number`) and sex,
birth date and age are shown; with a database, the registered person is looked up through the
services. A wrong number shows the identity module's message at the field.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from desktop.errors import Refusal
from desktop.identity import IdNumber, parse_id_number
from desktop.ui.deps import Deps
from desktop.ui.widgets import ErrorLabel, mark_invalid


class IdField(QLineEdit):
    """`checked(IdNumber, person or None)` when a valid number is complete; `cleared()` otherwise;
    `accepted()` on Enter with a valid number (the page proceeds)."""

    checked = Signal(object, object)
    cleared = Signal()
    accepted = Signal()
    card_read = Signal(object)  # CardData from a reader SDK (name, address … for the page)

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.setPlaceholderText("18位身份证号码；读卡器读入或按 F12 读卡")
        self.setMaxLength(24)  # room for spaces a clerk may type; the identity module drops them
        self.error = ErrorLabel()
        self.info = QLabel("")
        self.info.setObjectName("idInfo")
        self.info.setWordWrap(True)
        self.id_number: IdNumber | None = None
        self.person: dict[str, Any] | None = None
        self.textChanged.connect(self._changed)
        self.returnPressed.connect(self._enter)

    def _compact(self) -> str:
        return "".join(self.text().split())

    def _changed(self, _text: str) -> None:
        if len(self._compact()) >= 18:
            self.check()
        else:
            self._reset()

    def _reset(self) -> None:
        had = self.id_number is not None
        self.id_number = None
        self.person = None
        self.info.setText("")
        self.error.clear_message()
        mark_invalid(self, False)
        if had:
            self.cleared.emit()

    def check(self) -> IdNumber | None:
        """Validate now (Enter, or the 18th character); shows the result at the field."""
        self._reset()
        try:
            number = parse_id_number(self.text(), today=self.deps.today())
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            mark_invalid(self, True)
            return None
        self.id_number = number
        self.person = self._lookup(number.number)
        age = number.age_on(self.deps.today())
        known = ""
        if self.person is not None:
            known = f"　｜　已登记：{self.person['name']}"
            if self.person.get("category"):
                known += f"（{self.person['category']}）"
            if self.person.get("status") and self.person["status"] != "正常":
                known += f"　状态：{self.person['status']}"
        elif self.deps.db is not None:
            known = "　｜　尚未登记（确认时一并登记人员信息）"
        self.info.setText(f"✔ 性别：{number.sex}　出生日期：{number.birth_date.isoformat()}　年龄：{age} 岁{known}")
        self.checked.emit(number, self.person)
        return number

    def _lookup(self, number: str) -> dict[str, Any] | None:
        ctx = self.deps.context()
        if ctx is None:
            return None
        from desktop.services.persons import require_person

        try:
            return require_person(ctx, number)
        except Refusal:
            return None

    def _enter(self) -> None:
        if self.check() is not None:
            self.accepted.emit()

    def show_refusal(self, message: str) -> None:
        self.error.show_message(message)
        mark_invalid(self, True)

    def read_card(self) -> None:
        """F12: read the card on the reader (SDK readers; wedge readers simply type)."""
        reader = self.deps.reader
        if reader is None:
            self.show_refusal("未配置身份证阅读器：请把证件放在读卡器上（键盘方式读卡器会自动录入），或手工录入号码")
            return
        try:
            reader.open()
            try:
                card = reader.read()
            finally:
                reader.close()
        except Refusal as refusal:
            self.show_refusal(refusal.message)
            return
        self.setText(card.id_number)
        self.card_read.emit(card)
        if self.id_number is not None:
            self.accepted.emit()
