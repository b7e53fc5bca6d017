"""Field errors mark and unmark a field without touching what else it shows."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit

from desktop.errors import Refusal
from desktop.ui.widgets import ErrorLabel, FieldErrors


def test_clearing_errors_keeps_a_fields_tooltip(qtbot):
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setToolTip("如：13812345678")
    label = ErrorLabel()
    errors = FieldErrors(ErrorLabel())
    errors.add("phone", field, label)
    errors.show(Refusal("invalid_field", "联系电话应为11位手机号", "phone"))
    assert field.property("invalid") is True and "11位" in label.text()
    errors.clear()
    assert field.property("invalid") is False and label.text() == ""
    assert field.toolTip() == "如：13812345678"
