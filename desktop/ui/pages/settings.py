"""设置: the hall and window this machine serves, the hall parameters the policy packs leave
open (大厅参数), and the long jobs — 花名册导入 and 备份 — run off the UI thread with progress
and cancel."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui import pack_view
from desktop.ui.deps import Deps
from desktop.ui.widgets import (
    ErrorLabel,
    FieldErrors,
    Page,
    add_field,
    disabled_note,
    fill_table,
    table,
)

ROLES = {"经办人": "clerk", "复核人": "reviewer", "大厅负责人": "head"}
EXPORTS = {"参保人员清单": "persons", "本年度参保登记清单": "enrollments", "今日收据清单": "receipts",
           "今日业务日志": "audit"}


def db_file(db) -> str | None:
    row = db.execute("PRAGMA database_list").fetchone()
    return row[2] if row and row[2] else None


class SettingsPage(Page):
    title = "设置"
    hall_changed = Signal()

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.store = QSettings("yibao-desk", "yibao-desk")
        self.worker = None
        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)

        # hall
        h = deps.hall
        self.region = QComboBox()
        self.region.addItems(deps.regions())
        self.region.setCurrentText(h.region)
        self.hall_code = QLineEdit(h.hall_code)
        self.hall_code.setPlaceholderText("6位数字，收据号前缀")
        self.hall_name = QLineEdit(h.hall_name)
        self.window_code = QLineEdit(h.window)
        self.window_code.setPlaceholderText("2位数字")
        self.clerk = QLineEdit(h.clerk)
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.role.setCurrentIndex(list(ROLES.values()).index(h.role) if h.role in ROLES.values() else 0)
        hall_box = QGroupBox("本机所属大厅与窗口")
        hf = QFormLayout(hall_box)
        add_field(hf, "统筹区(&R)", self.region, self.errors, "region")
        add_field(hf, "大厅代码", self.hall_code, self.errors, "hall_code")
        add_field(hf, "大厅名称", self.hall_name, self.errors, "hall_name")
        add_field(hf, "窗口号", self.window_code, self.errors, "window")
        add_field(hf, "经办人", self.clerk, self.errors, "clerk")
        add_field(hf, "身份", self.role, self.errors, "role")
        self.save_hall = QPushButton("保存大厅设置")
        self.save_hall.clicked.connect(self.save)
        hf.addRow("", self.save_hall)
        self.saved_note = QLabel("")
        hf.addRow("", self.saved_note)

        # policy parameters the packs leave to the hall
        self.param_edits: dict[str, QLineEdit] = {}
        param_box = QGroupBox("大厅参数（政策文件未给出、由大厅填写的数值）")
        pf = QFormLayout(param_box)
        for key, label in pack_view.hall_settings(deps.packs.packs).items():
            edit = QLineEdit("" if deps.settings.get(key) is None else str(deps.settings[key]))
            edit.setPlaceholderText("未填写：相关测算会提示并拒绝")
            self.param_edits[key] = edit
            add_field(pf, label, edit, self.errors, key)
        if not self.param_edits:
            pf.addRow(QLabel("当前政策包没有需要大厅填写的参数"))

        # long jobs
        jobs = QGroupBox("花名册导入与备份")
        jv = QVBoxLayout(jobs)
        self.import_button = QPushButton("导入花名册（Excel）…")
        self.import_button.clicked.connect(self.choose_roster)
        self.backup_button = QPushButton("立即备份…")
        self.backup_button.clicked.connect(self.choose_backup)
        self.export_list = QComboBox()
        for label, name in EXPORTS.items():
            self.export_list.addItem(label, name)
        self.export_button = QPushButton("导出清单…")
        self.export_button.clicked.connect(self.choose_export)
        self.cancel_button = QPushButton("取消")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_job)
        self.progress = QProgressBar()
        self.progress.setFormat("%v / %m")
        self.job_note = QLabel("")
        self.job_note.setWordWrap(True)
        self.rejected = table(["行号", "项目", "原因"], [], stretch=2)
        row = QHBoxLayout()
        row.addWidget(self.import_button)
        row.addWidget(self.backup_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        jv.addLayout(row)
        row2 = QHBoxLayout()
        row2.addWidget(self.export_list)
        row2.addWidget(self.export_button)
        row2.addStretch(1)
        jv.addLayout(row2)
        jv.addWidget(self.progress)
        jv.addWidget(self.job_note)
        jv.addWidget(self.rejected, 1)
        if deps.db is None:
            self.import_button.setEnabled(False)
            self.backup_button.setEnabled(False)
            self.export_button.setEnabled(False)
            jv.addWidget(disabled_note("未打开数据库：不能导入、备份或导出"))

        left = QVBoxLayout()
        left.addWidget(hall_box)
        left.addWidget(param_box)
        left.addWidget(self.page_error)
        left.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addLayout(left, 1)
        outer.addWidget(jobs, 1)

    def first_field(self) -> QWidget:
        return self.region

    # ------------------------------------------------------------------ hall and parameters

    def save(self) -> None:
        self.errors.clear()
        hall = replace(self.deps.hall, region=self.region.currentText(), hall_code=self.hall_code.text().strip(),
                       hall_name=self.hall_name.text().strip(), window=self.window_code.text().strip(),
                       clerk=self.clerk.text().strip(), role=ROLES[self.role.currentText()])
        checks = (("hall_code", hall.hall_code.isdigit() and len(hall.hall_code) == 6, "大厅代码应为6位数字"),
                  ("window", hall.window.isdigit() and len(hall.window) == 2, "窗口号应为2位数字，如 03"),
                  ("clerk", bool(hall.clerk), "请填写经办人"), ("hall_name", bool(hall.hall_name), "请填写大厅名称"))
        for field, ok, message in checks:
            if not ok:
                self.errors.show(Refusal("invalid_field", message, field))
                return
        params: dict[str, Decimal] = {}
        for key, edit in self.param_edits.items():
            text = edit.text().strip()
            if not text:
                continue
            try:
                value = Decimal(text)
            except InvalidOperation:
                self.errors.show(Refusal("invalid_amount", f"“{text}”不是数字", key))
                return
            if not value.is_finite() or value < 0:
                self.errors.show(Refusal("invalid_amount", f"“{text}”不是合理的数值", key))
                return
            params[key] = value
        for name in ("region", "hall_code", "hall_name", "window", "clerk", "role"):
            self.store.setValue(f"hall/{name}", getattr(hall, name))
        self.store.remove("policy")
        for key, value in params.items():
            self.store.setValue(f"policy/{key}", str(value))
        self.store.sync()
        self.deps.hall = hall
        self.deps.settings = params
        self.deps.demo = False
        self.saved_note.setText("✔ 已保存；统筹区的变更在重新打开各业务页后生效")
        self.hall_changed.emit()
        self.status_message.emit("✔ 大厅设置已保存")

    # ------------------------------------------------------------------ long jobs

    def choose_roster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择花名册", "", "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)")
        if path:
            self.start_import(Path(path), self.deps.default_year())

    def choose_backup(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "备份到", "yibao-desk-备份.sqlite3", "数据库 (*.sqlite3)")
        if path:
            self.start_backup(Path(path))

    def _start(self, job, on_done) -> None:
        from desktop.ui.worker import Worker

        for b in (self.import_button, self.backup_button, self.export_button):
            b.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setRange(0, 0)
        self.worker = Worker(job, self)
        self.worker.progress.connect(self._progress)
        self.worker.finished.connect(on_done)
        self.worker.failed.connect(self._failed)
        self.worker.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _end(self) -> None:
        for b in (self.import_button, self.backup_button, self.export_button):
            b.setEnabled(True)
        self.cancel_button.setEnabled(False)
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)

    def _failed(self, message: str) -> None:
        self._end()
        self.job_note.setText("⚠ " + message)

    def cancel_job(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
            self.job_note.setText("正在取消…")

    def start_import(self, path: Path, year: int) -> None:
        """花名册导入 on a worker thread, with its own connection and Context."""
        path_db = db_file(self.deps.db)
        deps = self.deps

        def job(progress, cancelled):
            from desktop.records.db import connect
            from desktop.services.context import Context
            from desktop.services.roster_import import import_roster

            db = connect(path_db)
            try:
                base = deps.context()
                ctx = Context(db=db, region=base.region, hall_code=base.hall_code, window=base.window,
                              operator_id=base.operator_id, role=base.role, clock=base.clock, settings=base.settings)
                return import_roster(ctx, path, year, progress=progress, cancelled=cancelled)
            finally:
                db.close()

        self.job_note.setText(f"正在导入 {path.name} …")
        self._start(job, self._import_done)

    def _import_done(self, report) -> None:
        self._end()
        self.job_note.setText(("⚠ " if report.rejected or report.cancelled else "✔ ") + report.summary)
        fill_table(self.rejected, [[r.row, r.field or "", r.message] for r in report.rejected])
        self.status_message.emit(report.summary)

    def start_backup(self, dest: Path) -> None:
        path_db = db_file(self.deps.db)

        def job(progress, cancelled):
            from desktop.records.backup import backup

            progress(0, 1)
            out = backup(path_db, dest)
            progress(1, 1)
            return out

        self.job_note.setText("正在备份…")
        self._start(job, self._backup_done)

    def _backup_done(self, path) -> None:
        self._end()
        self.job_note.setText(f"✔ 已备份到 {path}")
        self.status_message.emit("✔ 备份完成")

    def choose_export(self) -> None:
        name = self.export_list.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "导出到", f"{self.export_list.currentText()}.xlsx",
                                              "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)")
        if path:
            self.start_export(name, Path(path))

    def start_export(self, name: str, dest: Path) -> None:
        path_db = db_file(self.deps.db)
        params = {"persons": {}, "enrollments": {"year": self.deps.enrollment_year()},
                  "receipts": {"day": self.deps.today().isoformat()},
                  "audit": {"day": self.deps.today().isoformat()}}[name]

        def job(progress, cancelled):
            from desktop.records.db import connect
            from desktop.records.exports import export_list

            db = connect(path_db)
            try:
                return export_list(db, name, dest, **params)
            finally:
                db.close()

        self.job_note.setText("正在导出…")
        self._start(job, self._export_done)

    def _export_done(self, path) -> None:
        self._end()
        self.job_note.setText(f"✔ 已导出到 {path}")
