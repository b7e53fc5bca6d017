"""The frame of a counter business page: the ID field first, the page's own fields, 确认
(Ctrl+Enter), the outcome in words, the paper to hand over (Ctrl+P), Esc for a new visit.

Subclasses add fields in `build_fields`, write in `do_submit` (a services call, returning the
outcome sentence and what to print: a `build(ctx, paper)` function over
`desktop.services.printing`, usually `visit_build(serial)`) and may show live figures.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui.deps import Deps
from desktop.ui.person_box import IdField
from desktop.ui.widgets import ErrorLabel, FieldErrors, Page, disabled_note

ID_FIELDS = ("id_number", "member_id_number", "head_id_number")


def visit_build(*serials: str, checklist: str | None = None):
    """What the window prints after the businesses of `serials` (services.printing
    .visit_documents), and the 一次性告知单 of `checklist` when materials are missing."""

    def build(ctx, paper):
        from desktop.services import printing

        docs = [d for serial in serials for d in printing.visit_documents(ctx, serial, paper=paper)]
        if checklist:
            docs.append(printing.checklist_for(ctx, checklist))
        return docs

    return build


class BusinessPage(Page):
    confirm_text = "确认办理"
    carries_person = True  # the window loads the visit's person when the page is shown
    needs_db_note = "未打开数据库：本业务无法办理。请在“设置”中检查数据库。"

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.print_build: Any = None  # build(ctx, paper) -> documents, from do_submit
        self.preview: Any = None
        self.served: str | None = None  # the ID number the outcome and the paper belong to
        self.id_field = IdField(deps)
        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        id_box = QWidget()
        iv = QVBoxLayout(id_box)
        iv.setContentsMargins(0, 0, 0, 0)
        iv.setSpacing(2)
        iv.addWidget(self.id_field)
        iv.addWidget(self.id_field.info)
        iv.addWidget(self.id_field.error)
        self.form.addRow("身份证号(&I)", id_box)

        self.left = QGroupBox("办理")
        lv = QVBoxLayout(self.left)
        lv.addLayout(self.form)
        lv.addWidget(self.page_error)
        self.confirm = QPushButton(f"{self.confirm_text} (Ctrl+Enter)")
        self.confirm.setAutoDefault(True)
        self.confirm.clicked.connect(self.submit)
        self.print_button = QPushButton("打印 (Ctrl+P)")
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_documents)
        self.outcome = QLabel("")
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm)
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        if deps.db is None:
            self.confirm.setEnabled(False)
            lv.addWidget(disabled_note(self.needs_db_note))
        self.extra_notes = QVBoxLayout()
        lv.addLayout(self.extra_notes)
        lv.addLayout(buttons)
        lv.addWidget(self.outcome)
        lv.addStretch(1)

        self.right = QVBoxLayout()
        outer = QHBoxLayout(self)
        outer.addWidget(self.left, 1)
        outer.addLayout(self.right, 1)

        for key, slot in (("Ctrl+Return", self.submit), ("Ctrl+Enter", self.submit), ("Ctrl+P", self.print_documents),
                          ("F12", self.id_field.read_card)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)
        self.id_field.accepted.connect(self.focusNextChild_)
        self.id_field.checked.connect(lambda _n, _p: self._id_changed())
        self.id_field.cleared.connect(self._id_changed)
        self.build_fields()
        self._buttons_after_fields()

    def _buttons_after_fields(self) -> None:
        """确认 and 打印 made before the page's fields would come first in the tab chain (and
        Enter on the ID number would jump to 确认): put them after the last field, as shown."""
        rows = [self.form.itemAt(r, QFormLayout.ItemRole.FieldRole) for r in range(self.form.rowCount())]
        fields = [item.widget() for item in rows if item is not None and item.widget() is not None]
        last: QWidget = self.id_field
        w = self.id_field.nextInFocusChain()
        while w is not self.id_field and w is not None:
            if w.focusPolicy() & Qt.FocusPolicy.TabFocus and any(f is w or f.isAncestorOf(w) for f in fields):
                last = w
            w = w.nextInFocusChain()
        QWidget.setTabOrder(last, self.confirm)
        QWidget.setTabOrder(self.confirm, self.print_button)

    # hooks
    def build_fields(self) -> None:
        raise NotImplementedError

    def do_submit(self, ctx) -> tuple[str, list[Any]]:
        raise NotImplementedError

    def person_changed(self) -> None:
        """The ID field now holds another (or no) valid person."""

    def reset_fields(self) -> None:
        """Esc: clear the page's own fields."""

    # behaviour
    def focusNextChild_(self) -> None:  # noqa: N802 (a slot returning None)
        self.focusNextChild()

    def _id_changed(self) -> None:
        # another person's number: the previous visit's outcome, paper and entries must not
        # stay on the screen (nor be printed for the next person)
        if self.served is not None and "".join(self.id_field.text().split()).upper() != self.served:
            self.end_visit()
        self.person_changed()

    def first_field(self) -> QWidget:
        return self.id_field

    def load_person(self, id_number: str) -> bool:
        self.id_field.setText(id_number)
        return True

    def show_refusal(self, refusal: Refusal) -> None:
        if refusal.field in ID_FIELDS:
            self.id_field.show_refusal(refusal.message)
            self.id_field.setFocus()
        else:
            widget = self.errors.show(refusal)
            if widget is not None:
                widget.setFocus()
        self.outcome.setText("")
        self.status_message.emit("⚠ " + refusal.message)

    def submit(self) -> None:
        ctx = self.deps.context()
        if ctx is None or not self.confirm.isEnabled():
            return
        self.errors.clear()
        if self.id_field.check() is None:
            self.id_field.setFocus()
            return
        try:
            outcome, build = self.do_submit(ctx)
        except Refusal as refusal:
            self.show_refusal(refusal)
            return
        except Exception as exc:  # noqa: BLE001 - the page boundary: a message, never a traceback
            self.show_crash(exc)
            return
        self.print_build = build
        self.served = self.id_field.id_number.number if self.id_field.id_number else None
        self.print_button.setEnabled(build is not None)
        self.outcome.setText(outcome)
        self.status_message.emit(outcome.splitlines()[0])
        if build is not None:  # the next step is the paper; a second Enter must not confirm again
            self.print_button.setFocus()

    def print_documents(self) -> None:
        """Ctrl+P: the 打印预览 of this visit's documents (built and archived by the services)."""
        if self.print_build is None or not self.print_button.isEnabled():
            return
        self.preview = self.deps.print_preview(self, self.title, self.print_build, self.after_print)

    def after_print(self, printed: list) -> None:
        from desktop.ui.print_preview import summary

        self.status_message.emit(summary(printed))
        self.printed_note = summary(printed)
        text = self.outcome.text().split("\n✔ 已打印并存档")[0]
        self.outcome.setText(text + "\n" + summary(printed))

    def end_visit(self) -> None:
        """The previous business's outcome, paper and entries cleared (the ID field stays)."""
        self.served = None
        self.errors.clear()
        self.outcome.setText("")
        self.print_build = None
        self.print_button.setEnabled(False)
        self.reset_fields()

    def back_out(self) -> None:
        self.id_field.clear()
        self.end_visit()
        self.id_field.setFocus()
