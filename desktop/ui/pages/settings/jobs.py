"""设置 › the long jobs — 花名册导入, 备份, 恢复备份 (with a confirmation naming the file and the safety
copy), 导出 (the audited service) — run off the UI thread with progress and cancel."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from desktop.errors import Refusal
from desktop.services.database import connect, db_file
from desktop.ui.widgets import disabled_note, fill_table, table

EXPORTS = {"参保人员清单": "persons", "本年度参保登记清单": "enrollments", "今日收据清单": "receipts",
           "今日业务日志": "audit"}


class Jobs:
    """The page's 花名册导入、备份与恢复、导出 box (a part of `SettingsPage`)."""

    def _build_jobs(self, deps) -> QGroupBox:
        self.worker = None
        # long jobs
        jobs = QGroupBox("花名册导入、备份与恢复、导出")
        jv = QVBoxLayout(jobs)
        self.import_button = QPushButton("导入花名册（Excel）…")
        self.import_button.clicked.connect(self.choose_roster)
        self.backup_button = QPushButton("立即备份…")
        self.backup_button.clicked.connect(self.choose_backup)
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.clicked.connect(self.choose_restore)
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
        row.addWidget(self.restore_button)
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
        self.rejected.setMinimumHeight(90)
        self.job_buttons = (self.import_button, self.backup_button, self.restore_button, self.export_button)
        if deps.db is None:
            for b in self.job_buttons:
                b.setEnabled(False)
            jv.addWidget(disabled_note("未打开数据库：不能设置、导入、备份或导出"))

        return jobs

    def choose_roster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择花名册", "", "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)")
        if path:
            # the year the window enrolls for (in November, next year's 集中参保缴费期), as on
            # 参保登记: default_year is this calendar year and enrolled a November roster late
            self.start_import(Path(path), self.deps.enrollment_year())

    def choose_backup(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "备份到", "yibao-desk-备份.sqlite3", "数据库 (*.sqlite3)")
        if path:
            self.start_backup(Path(path))

    def _start(self, job, on_done) -> None:
        from desktop.ui.worker import Worker

        for b in self.job_buttons:
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
        for b in self.job_buttons:
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

    def worker_context(self):
        """A function running `work(ctx, progress, cancelled)` as a Worker's job: on the worker's
        own connection to the database file, as the window's account (sqlite3 connections stay
        on their thread)."""
        path_db = db_file(self.deps.db)
        deps = self.deps
        account, base = deps.account, deps.context()

        def run(work):
            def job(progress, cancelled):
                from dataclasses import replace

                db = connect(path_db)
                try:
                    if account is not None:
                        from desktop.services.hall import context_for

                        ctx = context_for(db, account, deps.clock)
                    else:
                        ctx = replace(base, db=db)  # the pre-account hall (no accounts to check)
                    return work(ctx, progress, cancelled)
                finally:
                    db.close()

            return job

        return run

    def start_import(self, path: Path, year: int) -> None:
        """花名册导入 on a worker thread, with its own connection and Context."""
        from desktop.services.roster_import import import_roster

        job = self.worker_context()(
            lambda ctx, progress, cancelled: import_roster(ctx, path, year, progress=progress, cancelled=cancelled))

        self.job_note.setText(f"正在导入 {path.name}（{year}年度）…")
        self._start(job, self._import_done)

    def _import_done(self, report) -> None:
        self._end()
        self.job_note.setText(("⚠ " if report.rejected or report.cancelled else "✔ ") + report.summary)
        fill_table(self.rejected, [[r.row, r.field or "", r.message] for r in report.rejected])
        self.status_message.emit(report.summary)

    def start_backup(self, dest: Path) -> None:
        from desktop.services.safety import backup_as

        def work(ctx, progress, cancelled):
            progress(0, 1)
            out = backup_as(ctx, dest)  # administrator only, verified, audited
            progress(1, 1)
            return out

        self.job_note.setText("正在备份…")
        self._start(self.worker_context()(work), self._backup_done)

    def _backup_done(self, path) -> None:
        self._end()
        self.job_note.setText(f"✔ 已备份到 {path}")
        self.status_message.emit("✔ 备份完成")

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份", "", "数据库备份 (*.sqlite3 *.db)")
        if path:
            self.restore_from(Path(path))

    def ask_password(self) -> str | None:
        """The administrator's password again: a restore replaces everyone's data."""
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(self, "确认管理员身份", "请再次输入您的密码：", QLineEdit.EchoMode.Password)
        return text if ok else None

    def restore_from(self, src: Path) -> bool:
        """恢复备份 (services.safety.restore_backup): the backup is checked and the current data
        copied aside first; this window lets go of the file for the restore, and the restore is
        refused while any other window or program still has it open."""
        from desktop.services.database import open_database
        from desktop.services.safety import backup_dir, check_backup, restore_backup

        checked = check_backup(src)
        if not checked.ok:
            self.job_note.setText(f"⚠ 备份文件不能用于恢复：{checked.message()}")
            return False
        current = Path(db_file(self.deps.db))
        safety = backup_dir(current) / "before-restore-<恢复时刻>.sqlite3"
        text = (f"将用备份文件\n{src}\n替换本机数据库\n{current}\n的全部内容。\n\n"
                f"恢复前的当前数据会先另存为\n{safety}\n\n恢复前请关闭其他电脑和本机其他医保窗口。确定恢复吗？")
        if not self.confirm("确认从备份恢复", text):
            self.job_note.setText("已取消恢复")
            return False
        password = self.ask_password()
        if password is None or self.deps.account is None:
            self.job_note.setText("已取消恢复")
            return False
        self.deps.db.close()  # the restore needs the file to itself
        try:
            done = restore_backup(current, src, self.deps.account.username, password)
        except Refusal as refusal:
            self.job_note.setText("⚠ " + refusal.message)
            return False
        finally:
            self.deps.db = open_database(current)
        self.job_note.setText(f"✔ 已从 {src.name} 恢复。恢复前的数据已另存为 {done.previous_copy}。请重新登录以确认账户。")
        self.status_message.emit("✔ 已从备份恢复")
        self.refresh_accounts()
        self.restored.emit()
        return True

    def choose_export(self) -> None:
        name = self.export_list.currentData()
        path, _ = QFileDialog.getSaveFileName(self, "导出到", f"{self.export_list.currentText()}.xlsx",
                                              "Excel 文件 (*.xlsx);;CSV 文件 (*.csv)")
        if path:
            self.start_export(name, Path(path))

    def start_export(self, name: str, dest: Path) -> None:
        """导出清单 through the audited service (services.privacy: the privacy note on a list of
        persons, the audit entry), on a worker."""
        from desktop.services.privacy import export_list

        params = {"persons": {}, "enrollments": {"year": self.deps.enrollment_year()},
                  "receipts": {"day": self.deps.today().isoformat()},
                  "audit": {"day": self.deps.today().isoformat()}}[name]

        job = self.worker_context()(lambda ctx, progress, cancelled: export_list(ctx, name, dest, **params)["file"])

        self.job_note.setText("正在导出…")
        self._start(job, self._export_done)

    def _export_done(self, path) -> None:
        self._end()
        self.job_note.setText(f"✔ 已导出到 {path}")
