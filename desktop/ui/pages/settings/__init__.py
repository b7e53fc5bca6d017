"""设置 (administrators): the hall as configured at first start and its settings
(`settings/hall.py`), the accounts (`settings/accounts.py`), and the long jobs (`settings/jobs.py`).
The services refuse anyone but an administrator; their refusal is shown where it happens."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QVBoxLayout, QWidget

from desktop.ui.deps import Deps
from desktop.ui.pages.settings.accounts import ROLE_BOXES, AccountSettings
from desktop.ui.pages.settings.hall import HallSettings
from desktop.ui.pages.settings.jobs import EXPORTS, Jobs
from desktop.ui.widgets import ErrorLabel, FieldErrors, Page

__all__ = ["EXPORTS", "ROLE_BOXES", "SettingsPage", "ask_user"]


def ask_user(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class SettingsPage(HallSettings, AccountSettings, Jobs, Page):
    title = "设置"
    hall_changed = Signal()
    restored = Signal()  # the database was replaced by a backup: everyone logs in again

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.confirm = lambda title, text: ask_user(self, title, text)  # tests answer it
        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)
        hall_box, param_box = self._build_hall(deps)
        acc_box = self._build_accounts(deps)
        jobs = self._build_jobs(deps)

        left = QVBoxLayout()
        left.addWidget(hall_box)
        left.addWidget(param_box)
        left.addWidget(self.page_error)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(acc_box)
        right.addWidget(jobs, 1)
        outer = QHBoxLayout(self)
        outer.addLayout(left, 1)
        outer.addLayout(right, 1)
        self.refresh_accounts()

    def first_field(self) -> QWidget:
        return next(iter(self.setting_edits.values()), self.import_button)
