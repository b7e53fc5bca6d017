"""Small shared widgets: field errors shown in text (never colour alone), the trace table,
result figures, and the page base with keyboard habits (focus first field, Enter, Esc)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.errors import Refusal
from desktop.policy.citation import step_cited

ERROR_MARK = "⚠ "
OK_MARK = "✔ "


class ErrorLabel(QLabel):
    """The message under a field: a ⚠ sign and the Chinese sentence (red too, but never only red)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("fieldError")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        self.setText(ERROR_MARK + message)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    widget.setProperty("invalid", invalid)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class FieldErrors:
    """Maps a Refusal's `field` to the widget and its error label; unknown fields go to the page."""

    def __init__(self, page_label: ErrorLabel) -> None:
        self.page_label = page_label
        self.fields: dict[str, tuple[QWidget, ErrorLabel]] = {}

    def add(self, name: str, widget: QWidget, label: ErrorLabel, *aliases: str) -> None:
        for key in (name, *aliases):
            self.fields[key] = (widget, label)

    def clear(self) -> None:
        for widget, label in self.fields.values():
            label.clear_message()
            mark_invalid(widget, False)
        self.page_label.clear_message()

    def show(self, refusal: Refusal) -> QWidget | None:
        """Show the refusal at its field (or at the page); returns the field widget."""
        key = (refusal.field or "").split(".")[0]
        hit = self.fields.get(refusal.field or "") or self.fields.get(key)
        if hit is None:
            self.page_label.show_message(refusal.message)
            return None
        widget, label = hit
        label.show_message(refusal.message)
        mark_invalid(widget, True)
        return widget


def add_field(form: QFormLayout, label: str, widget: QWidget, errors: FieldErrors | None = None,
              name: str | None = None, *aliases: str) -> ErrorLabel:
    """A labelled field with its error line right below it."""
    err = ErrorLabel()
    box = QWidget()
    from PySide6.QtWidgets import QVBoxLayout

    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.setSpacing(2)
    lay.addWidget(widget)
    lay.addWidget(err)
    form.addRow(label, box)
    if errors is not None and name:
        errors.add(name, widget, err, *aliases)
    return err


class TraceTable(QTableWidget):
    """步骤 / 金额 / 依据: how a figure was reached and where the rule stands."""

    HEADERS = ("步骤", "金额（元）", "依据")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels(self.HEADERS)
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.setTabKeyNavigation(False)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)
        header.sectionResized.connect(lambda *_: self.resizeRowsToContents())

    def set_trace(self, steps: Iterable[Mapping]) -> None:
        steps = list(steps)
        self.setRowCount(len(steps))
        for row, step in enumerate(steps):
            amount = step.get("amount")
            cells = (str(step.get("step", "")), "" if amount is None else str(amount), step_cited(step))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)
        self.resizeRowsToContents()

    def rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.item(r, c).text() for c in range(3)) for r in range(self.rowCount())]  # type: ignore[misc]


def table(headers: Iterable[str], rows: Iterable[Iterable[object]], stretch: int | None = 0) -> QTableWidget:
    """A read-only table of text."""
    headers = list(headers)
    rows = [list(r) for r in rows]
    t = QTableWidget(len(rows), len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.verticalHeader().hide()
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.setAlternatingRowColors(True)
    t.setWordWrap(True)
    fill_table(t, rows)
    h = t.horizontalHeader()
    for c in range(len(headers)):
        h.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
    if stretch is not None and headers:
        h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    t.setTabKeyNavigation(False)
    t.setTextElideMode(Qt.TextElideMode.ElideNone)
    h.sectionResized.connect(lambda *_: t.resizeRowsToContents())  # wrapped rows follow the widths
    return t


def fill_table(t: QTableWidget, rows: Iterable[Iterable[object]]) -> None:
    rows = [list(r) for r in rows]
    t.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            text = "" if value is None else str(value)
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            t.setItem(r, c, item)
    t.resizeRowsToContents()


class Page(QWidget):
    """A business page. `title` and `key` name it in the navigation; `first_field` gets focus
    when the page is shown; Esc clears the visit (`back_out`)."""

    title = ""
    status_message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        esc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        esc.activated.connect(self.back_out)

    def first_field(self) -> QWidget | None:
        return None

    def show_crash(self, exc: BaseException) -> None:
        """An unexpected error at the page boundary: the clerk gets words and what to do (under
        the page's fields, or in a box), the log a crash report without personal data."""
        from desktop.services import crash

        try:
            path = crash.write_report(exc, f"页面“{self.title}”")
        except OSError:
            path = None
        message = crash.clerk_message(path)
        error = getattr(self, "page_error", None)
        if isinstance(error, ErrorLabel):
            error.show_message(message)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(self, "程序内部错误", message)
        outcome = getattr(self, "outcome", None)
        if isinstance(outcome, QLabel):
            outcome.setText("")
        self.status_message.emit("⚠ 程序内部错误，本次操作没有完成")

    def showEvent(self, event) -> None:  # noqa: N802
        # long pack labels (资助参保类别 …) must not set a page's minimum width: combos show
        # what fits and the full text in the drop-down
        if not getattr(self, "_combos_compacted", False):
            from PySide6.QtWidgets import QComboBox, QPushButton

            for combo in self.findChildren(QComboBox):
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(max(combo.minimumContentsLength(), 6))
            # outside a dialog a button takes only Space; a clerk on the keyboard presses Enter
            for button in self.findChildren(QPushButton):
                button.setAutoDefault(True)
            self._combos_compacted = True
        super().showEvent(event)

    def focus_first(self) -> None:
        w = self.first_field()
        if w is not None:
            w.setFocus(Qt.FocusReason.OtherFocusReason)

    def back_out(self) -> None:
        """Esc: leave the visit as it was before (clear inputs); pages override."""

    def load_person(self, id_number: str) -> bool:
        """Search result chosen: pages with an ID field take it. Returns whether used."""
        return False


def disabled_note(text: str) -> QLabel:
    """A plain Chinese note saying why an action is not available yet."""
    label = QLabel("ℹ " + text)
    label.setWordWrap(True)
    label.setObjectName("note")
    return label


OPTIONAL_NONE = "（无）"  # the first item of a combo whose choice is optional


def refill_combo(combo, items: list[str], none_label: str | None = None) -> None:
    """Replace a combo's items without emitting signals, keeping the current choice if it is
    still offered; `none_label` first when choosing nothing is allowed (its data is None)."""
    keep = combo.currentText()
    combo.blockSignals(True)
    combo.clear()
    if none_label is not None:
        combo.addItem(none_label, None)
    for item in items:
        combo.addItem(item, item)
    if keep in items:
        combo.setCurrentText(keep)
    combo.blockSignals(False)
