"""设置 (administrators): the hall as configured at first start, the hall settings
(`hall.set_setting`: the figures the policy packs leave open, the idle-lock minutes, the archive
folder, how many daily backups to keep), the accounts (`services.accounts`), and the long jobs —
花名册导入, 备份, 恢复备份 (with a confirmation naming the file and the safety copy), 导出 —
run off the UI thread with progress and cancel. The services refuse anyone but an administrator;
their refusal is shown where it happens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.services.database import connect, db_file
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

EXPORTS = {"参保人员清单": "persons", "本年度参保登记清单": "enrollments", "今日收据清单": "receipts",
           "今日业务日志": "audit"}
ROLE_BOXES = (("clerk", "经办人"), ("reviewer", "复核人"), ("admin", "管理员"))


def ask_user(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


class SettingsPage(Page):
    title = "设置"
    hall_changed = Signal()
    restored = Signal()  # the database was replaced by a backup: everyone logs in again

    def __init__(self, deps: Deps, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.deps = deps
        self.worker = None
        self.confirm = lambda title, text: ask_user(self, title, text)  # tests answer it
        self.page_error = ErrorLabel()
        self.errors = FieldErrors(self.page_error)

        # the hall, as configured at first start
        h = deps.hall
        hall_box = QGroupBox("本机所属大厅与窗口（首次设置时确定）")
        hf = QFormLayout(hall_box)
        self.hall_text = QLabel(f"{h.hall_name}　统筹区：{h.region}　大厅编码：{h.hall_code}　窗口：{h.window}")
        self.hall_text.setWordWrap(True)
        hf.addRow(self.hall_text)

        # hall settings (services.hall)
        from desktop.services import hall

        self.setting_edits: dict[str, QLineEdit] = {}
        param_box = QGroupBox("大厅参数与本机设置")
        pf = QFormLayout(param_box)
        current = hall.settings(deps.db) if deps.db is not None else {}
        labels = {**hall.policy_setting_keys(), **{k: v[0] for k, v in hall.OTHER_SETTINGS.items()}}
        for key, label in labels.items():
            value = current.get(key)
            edit = QLineEdit("" if value is None else str(value))
            if key in hall.OTHER_SETTINGS:
                edit.setPlaceholderText(f"默认：{hall.OTHER_SETTINGS[key][2] or '数据库旁的 archive 文件夹'}")
            else:
                edit.setPlaceholderText("未填写：相关测算会提示并拒绝")
            self.setting_edits[key] = edit
            add_field(pf, label, edit, self.errors, key)
        self.save_button = QPushButton("保存设置")
        self.save_button.clicked.connect(self.save)
        self.saved_note = QLabel("")
        self.saved_note.setWordWrap(True)
        pf.addRow("", self.save_button)
        pf.addRow("", self.saved_note)

        # accounts (services.accounts)
        acc_box = QGroupBox("账户")
        av = QVBoxLayout(acc_box)
        self.account_table = table(["用户名", "姓名", "身份", "状态", "最近登录"], [], stretch=1)
        self.account_table.setMaximumHeight(130)
        av.addWidget(self.account_table)
        af = QFormLayout()
        self.acc_username = QLineEdit()
        self.acc_username.setPlaceholderText("用户名（字母、数字）")
        self.acc_name = QLineEdit()
        self.acc_name.setPlaceholderText("姓名")
        self.acc_password = QLineEdit()
        self.acc_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.acc_password.setPlaceholderText("新账户或重置用的密码")
        roles = QWidget()
        rl = QHBoxLayout(roles)
        rl.setContentsMargins(0, 0, 0, 0)
        self.role_boxes: dict[str, QCheckBox] = {}
        for code, label in ROLE_BOXES:
            self.role_boxes[code] = QCheckBox(label)
            rl.addWidget(self.role_boxes[code])
        self.role_boxes["clerk"].setChecked(True)
        self.acc_errors = FieldErrors(ErrorLabel())
        add_field(af, "用户名", self.acc_username, self.acc_errors, "username")
        add_field(af, "姓名", self.acc_name, self.acc_errors, "display_name")
        add_field(af, "身份", roles, self.acc_errors, "roles")
        add_field(af, "密码", self.acc_password, self.acc_errors, "password", "new_password")
        av.addLayout(af)
        ab = QHBoxLayout()
        self.create_button = QPushButton("新建账户")
        self.roles_button = QPushButton("修改身份")
        self.reset_button = QPushButton("重置密码")
        self.disable_button = QPushButton("停用")
        self.enable_button = QPushButton("启用")
        for button, slot in ((self.create_button, self.create_account), (self.roles_button, self.set_roles),
                             (self.reset_button, self.reset_password), (self.disable_button, self.disable_account),
                             (self.enable_button, self.enable_account)):
            button.clicked.connect(slot)
            ab.addWidget(button)
        av.addLayout(ab)
        av.addWidget(self.acc_errors.page_label)
        self.account_note = QLabel("")
        self.account_note.setWordWrap(True)
        av.addWidget(self.account_note)
        self.account_table.itemSelectionChanged.connect(self._account_chosen)
        self.accounts: list = []

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
            for b in (*self.job_buttons, self.save_button, self.create_button):
                b.setEnabled(False)
            jv.addWidget(disabled_note("未打开数据库：不能设置、导入、备份或导出"))

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

    # ------------------------------------------------------------------ hall settings

    def save(self) -> None:
        """Each changed setting through `hall.set_setting` (administrator only, audited)."""
        from desktop.services import hall

        ctx = self.deps.context()
        if ctx is None:
            return
        self.errors.clear()
        self.saved_note.setText("")
        current = hall.settings(self.deps.db)
        changed = []
        for key, edit in self.setting_edits.items():
            text = edit.text().strip()
            before = current.get(key)
            if text == ("" if before is None else str(before)):
                continue
            try:
                hall.set_setting(ctx, key, text or None)
            except Refusal as refusal:
                if refusal.code == "unchanged":
                    continue
                self.errors.show(refusal)
                edit.setFocus()
                return
            changed.append(key)
        self.deps.settings = hall.policy_settings(self.deps.db)
        self.saved_note.setText(f"✔ 已保存 {len(changed)} 项设置" if changed else "没有需要保存的变化")
        self.hall_changed.emit()
        self.status_message.emit(self.saved_note.text())

    # ------------------------------------------------------------------ accounts

    def refresh_accounts(self) -> None:
        from desktop.services import accounts

        ctx = self.deps.context()
        self.accounts = []
        if ctx is None:
            return
        try:
            self.accounts = accounts.list_accounts(ctx)
        except Refusal as refusal:
            self.account_note.setText("⚠ " + refusal.message)
        fill_table(self.account_table, [[a.username, a.display_name, a.role_labels,
                                         "已停用" if a.disabled else ("已锁定" if a.locked_until else "正常"),
                                         (a.last_login_at or "")[:16].replace("T", " ")] for a in self.accounts])

    def _account_chosen(self) -> None:
        row = self.account_table.currentRow()
        if 0 <= row < len(self.accounts):
            a = self.accounts[row]
            self.acc_username.setText(a.username)
            self.acc_name.setText(a.display_name)
            for code, box in self.role_boxes.items():
                box.setChecked(code in a.roles)

    def _roles(self) -> list[str]:
        return [code for code, box in self.role_boxes.items() if box.isChecked()]

    def _account_call(self, call, done: str) -> None:
        ctx = self.deps.context()
        if ctx is None:
            return
        self.acc_errors.clear()
        try:
            account = call(ctx)
        except Refusal as refusal:
            self.acc_errors.show(refusal)
            return
        self.account_note.setText(done.format(a=account))
        self.acc_password.clear()
        self.refresh_accounts()
        self.status_message.emit(self.account_note.text())

    def create_account(self) -> None:
        from desktop.services import accounts

        self._account_call(lambda ctx: accounts.create_account(ctx, self.acc_username.text(), self.acc_password.text(),
                                                               self.acc_name.text(), self._roles()),
                           "✔ 已建立账户 {a.username}（{a.display_name}，{a.role_labels}）")

    def set_roles(self) -> None:
        from desktop.services import accounts

        self._account_call(lambda ctx: accounts.set_roles(ctx, self.acc_username.text(), self._roles()),
                           "✔ {a.username} 的身份已改为：{a.role_labels}")

    def reset_password(self) -> None:
        from desktop.services import accounts

        self._account_call(lambda ctx: accounts.reset_password(ctx, self.acc_username.text(), self.acc_password.text()),
                           "✔ 已重置 {a.username} 的密码（锁定同时解除）")

    def disable_account(self) -> None:
        from desktop.services import accounts

        self._account_call(lambda ctx: accounts.disable_account(ctx, self.acc_username.text()),
                           "✔ 已停用账户 {a.username}")

    def enable_account(self) -> None:
        from desktop.services import accounts

        self._account_call(lambda ctx: accounts.enable_account(ctx, self.acc_username.text()),
                           "✔ 已启用账户 {a.username}")

    # ------------------------------------------------------------------ long jobs

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
                from desktop.services.context import Context

                db = connect(path_db)
                try:
                    if account is not None:
                        from desktop.services.hall import context_for

                        ctx = context_for(db, account, deps.clock)
                    else:
                        ctx = Context(db=db, region=base.region, hall_code=base.hall_code, window=base.window,
                                      operator_id=base.operator_id, role=base.role, clock=base.clock,
                                      settings=base.settings, packs=base.packs)
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
        path_db = db_file(self.deps.db)

        def job(progress, cancelled):
            from desktop.services.safety import verified_backup

            progress(0, 1)
            out = verified_backup(path_db, dest)
            progress(1, 1)
            return out

        self.job_note.setText("正在备份…")
        self._start(job, self._backup_done)

    def _backup_done(self, path) -> None:
        self._end()
        self.job_note.setText(f"✔ 已备份到 {path}")
        self.status_message.emit("✔ 备份完成")

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择要恢复的备份", "", "数据库备份 (*.sqlite3 *.db)")
        if path:
            self.restore_from(Path(path))

    def restore_from(self, src: Path) -> bool:
        """恢复备份: the backup is checked, the current data copied aside first (services.safety)."""
        from desktop.services.safety import backup_dir, check_backup, restore_backup

        checked = check_backup(src)
        if not checked.ok:
            self.job_note.setText(f"⚠ 备份文件不能用于恢复：{checked.message()}")
            return False
        current = Path(db_file(self.deps.db))
        safety = backup_dir(current) / "before-restore-<恢复时刻>.sqlite3"
        text = (f"将用备份文件\n{src}\n替换本机数据库\n{current}\n的全部内容。\n\n"
                f"恢复前的当前数据会先另存为\n{safety}\n\n确定恢复吗？")
        if not self.confirm("确认从备份恢复", text):
            self.job_note.setText("已取消恢复")
            return False
        try:
            made = restore_backup(src, self.deps.db)
        except Refusal as refusal:
            self.job_note.setText("⚠ " + refusal.message)
            return False
        self.job_note.setText(f"✔ 已从 {src.name} 恢复。恢复前的数据已另存为 {made}。请重新登录以确认账户。")
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
