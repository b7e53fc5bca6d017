"""Who sits at the window: the first-start setup (hall and first administrator), the login
dialog, the idle lock over the window and the password change. Every rule (password strength,
lockout after five wrong passwords, roles) is `desktop.services.accounts` / `hall`; these
dialogs only ask and show the services' answer in words."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui.widgets import ErrorLabel, FieldErrors, add_field


def _password() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


class SetupDialog(QDialog):
    """首次设置: the hall's region (from the packs), name and code, the window, the first
    administrator (`hall.configure_hall`)."""

    def __init__(self, db, regions: list[str], parent: QWidget | None = None, now=None) -> None:
        super().__init__(parent)
        self.db = db
        self.now = now
        self.account: Any = None
        self.setWindowTitle("首次设置 — 医保窗口经办")
        self.setObjectName("setupDialog")
        intro = QLabel("本机第一次使用：请设置所属大厅和窗口，并建立第一个管理员账户。"
                       "管理员登录后可在“设置”中为经办人、复核人建立账户。")
        intro.setWordWrap(True)
        # no default: the first region (天宁区) was taken unwarned by a 天津 hall
        self.region = QComboBox()
        self.region.addItem("（请选择统筹区）", None)
        for region in regions:
            self.region.addItem(region, region)
        self.hall_name = QLineEdit()
        self.hall_name.setPlaceholderText("如：武进区医保经办大厅、湖塘镇便民服务中心")
        self.hall_code = QLineEdit()
        self.hall_code.setPlaceholderText("6位数字，收据号前缀，如 320412")
        self.hall_code.setMaxLength(6)
        self.window_code = QLineEdit("01")
        self.window_code.setPlaceholderText("2位数字，如 03")
        self.window_code.setMaxLength(2)
        self.admin_username = QLineEdit()
        self.admin_username.setPlaceholderText("字母、数字，如 admin01")
        self.admin_name = QLineEdit()
        self.admin_name.setPlaceholderText("管理员姓名")
        self.password = _password()
        self.password.setPlaceholderText("至少8位，含字母和数字")
        self.password_again = _password()
        self.error = ErrorLabel()
        self.errors = FieldErrors(self.error)
        form = QFormLayout()
        add_field(form, "统筹区(&R)", self.region, self.errors, "region")
        add_field(form, "大厅名称(&N)", self.hall_name, self.errors, "hall_name")
        add_field(form, "大厅编码(&C)", self.hall_code, self.errors, "hall_code")
        add_field(form, "窗口编号(&W)", self.window_code, self.errors, "window")
        add_field(form, "管理员用户名(&U)", self.admin_username, self.errors, "username", "admin_username")
        add_field(form, "管理员姓名", self.admin_name, self.errors, "admin_display_name")
        add_field(form, "管理员密码(&P)", self.password, self.errors, "admin_password", "password")
        add_field(form, "再次输入密码", self.password_again, self.errors, "password_again")
        self.ok = QPushButton("完成设置")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.configure)
        self.demo_button = QPushButton("先用演示数据试用")
        self.demo_button.setObjectName("demoButton")
        self.demo_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addStretch(1)
        lay.addLayout(buttons)
        self.resize(620, self.sizeHint().height())

    def configure(self) -> None:
        from desktop.services import hall

        self.errors.clear()
        if self.password.text() != self.password_again.text():
            self.errors.show(Refusal("invalid_field", "两次输入的密码不一致", "password_again"))
            self.password_again.setFocus()
            return
        try:
            self.account = hall.configure_hall(
                self.db, self.region.currentData() or "", self.hall_name.text(), self.hall_code.text(),
                self.window_code.text(), self.admin_username.text(), self.password.text(),
                self.admin_name.text(), now=self.now() if self.now else None)
        except Refusal as refusal:
            widget = self.errors.show(refusal)
            if widget is not None:
                widget.setFocus()
            return
        self.accept()


class RecoveryCodeDialog(QDialog):
    """The hall's recovery code, shown once right after the first-start setup: the way back
    when the only administrator is locked out (`yibao-desk admin unlock`). Kept only as a hash."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("大厅恢复码 — 请抄写保管")
        self.setObjectName("recoveryCodeDialog")
        intro = QLabel("这是本大厅的恢复码，只显示这一次。请抄写在纸上，交大厅负责人另行保管（不要与电脑放在一起）。"
                       "唯一的管理员账户被锁定或忘记密码时，凭它解锁：yibao-desk admin unlock --user 管理员用户名")
        intro.setWordWrap(True)
        self.code = QLabel(code)
        self.code.setObjectName("recoveryCode")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.code.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setFamilies(["DejaVu Sans Mono", "Consolas", "monospace"])
        self.code.setFont(font)
        self.ok = QPushButton("我已抄下恢复码")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.code)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.ok)
        lay.addLayout(row)
        self.resize(560, self.sizeHint().height())


def login_while(db, username: str, password: str, now, prepare=None, discard=None):
    """`accounts.login`, the same answer; with `prepare`, the check (argon2, which releases the
    GIL, plus the lockout bookkeeping and its audit entry) runs on a worker thread with its own
    connection to the same file while `prepare()` runs here, and this returns once both are done.
    The caller shows nothing of the hall before it returns an account; when the check refuses
    (or fails), `discard()` runs before the refusal is raised: what `prepare` built goes unseen."""
    from desktop.services import accounts, database

    path = database.db_file(db) if prepare is not None else None
    if not path:
        if prepare is not None:
            prepare()
        try:
            return accounts.login(db, username, password, now=now)
        except BaseException:
            if discard is not None:
                discard()
            raise
    import threading

    outcome: dict[str, Any] = {}

    def check() -> None:
        own = database.connect(path)  # sqlite3 connections stay on their thread
        try:
            outcome["account"] = accounts.login(own, username, password, now=now)
        except BaseException as exc:  # handed to the GUI thread below  # noqa: BLE001
            outcome["error"] = exc
        finally:
            own.close()

    worker = threading.Thread(target=check, name="login-check", daemon=True)
    worker.start()
    try:
        prepare()
    finally:
        worker.join()
    if "error" in outcome:
        if discard is not None:
            discard()
        raise outcome["error"]
    return outcome["account"]


class LoginDialog(QDialog):
    """登录: user name and password; a wrong password or a locked account is told in words."""

    def __init__(self, db, hall_name: str, parent: QWidget | None = None, *, hint: str = "", now=None,
                 prepare=None, discard=None) -> None:
        super().__init__(parent)
        self.db = db
        self.now = now
        # run on the GUI thread while the password is checked on a worker (see `login_while`);
        # `discard` when the check refused the password
        self.prepare = prepare
        self.discard = discard
        self.account: Any = None
        self.setWindowTitle("登录 — 医保窗口经办")
        self.setObjectName("loginDialog")
        title = QLabel(hall_name)
        title.setObjectName("loginHall")
        font = title.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        title.setFont(font)
        self.username = QLineEdit()
        self.username.setPlaceholderText("用户名")
        self.password = _password()
        self.password.setPlaceholderText("密码")
        self.error = ErrorLabel()
        self.ok = QPushButton("登录 (Enter)")
        self.ok.setDefault(True)
        self.ok.clicked.connect(self.login)
        self.username.returnPressed.connect(self.password.setFocus)
        form = QFormLayout()
        form.addRow("用户名(&U)", self.username)
        form.addRow("密码(&P)", self.password)
        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(QLabel("经办人、复核人、管理员请以本人账户登录；每笔业务记在登录者名下。"))
        lay.addLayout(form)
        lay.addWidget(self.error)
        if hint:
            note = QLabel("ℹ " + hint)
            note.setWordWrap(True)
            note.setObjectName("note")
            lay.addWidget(note)
        lay.addWidget(self.ok, 0, Qt.AlignmentFlag.AlignRight)
        self.resize(460, 260)

    def login(self) -> None:
        self.error.clear_message()
        try:
            self.account = login_while(self.db, self.username.text(), self.password.text(),
                                       self.now() if self.now else None, self.prepare, self.discard)
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            self.password.clear()
            self.password.setFocus()
            return
        self.accept()


class LockOverlay(QFrame):
    """The idle lock: covers the window until the logged-in person types the password again
    (`accounts.unlock`; wrong passwords count towards the lockout), or 切换账户."""

    unlocked = Signal()
    switch_account = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lockOverlay")
        self.setAutoFillBackground(True)
        # opaque: nothing of the visit behind (names, ID numbers) shows while the clerk is away
        self.setStyleSheet("#lockOverlay { background: rgb(30, 40, 60); } "
                           "#lockOverlay QLabel { color: white; } "
                           "#lockOverlay QLabel#lockMessage { font-size: 18pt; } "
                           "#lockOverlay QLabel#fieldError { color: #ffd27f; }")
        self.db: Any = None
        self.account: Any = None
        self.now = None
        self.message = QLabel("")
        self.message.setObjectName("lockMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.password = _password()
        self.password.setPlaceholderText("请输入密码解锁")
        self.password.setMaximumWidth(320)
        self.error = ErrorLabel()
        self.error.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.ok = QPushButton("解锁")
        self.switch = QPushButton("切换账户")
        self.ok.clicked.connect(self.try_unlock)
        self.password.returnPressed.connect(self.try_unlock)
        self.switch.clicked.connect(self.switch_account)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.password)
        row.addWidget(self.ok)
        row.addWidget(self.switch)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(2)
        lay.addWidget(self.message)
        lay.addLayout(row)
        lay.addWidget(self.error)
        lay.addStretch(3)
        self.hide()

    def lock(self, db, account, minutes: int | None = None, now=None, hint: str = "") -> None:
        self.db, self.account, self.now = db, account, now
        why = f"已超过 {minutes} 分钟无操作，" if minutes else ""
        self.message.setText(f"{why}窗口已锁定\n{account.display_name}（{account.role_labels}）请输入密码解锁"
                             + (f"\n{hint}" if hint else ""))
        self.error.clear_message()
        self.password.clear()
        self.setGeometry(self.parentWidget().rect())
        self.show()
        self.raise_()
        self.password.setFocus()

    def try_unlock(self) -> None:
        from desktop.services import accounts

        self.error.clear_message()
        try:
            accounts.unlock(self.db, self.account, self.password.text(), now=self.now() if self.now else None)
        except Refusal as refusal:
            self.error.show_message(refusal.message)
            self.password.clear()
            return
        self.hide()
        self.unlocked.emit()


class PasswordDialog(QDialog):
    """修改密码 (`accounts.change_password`)."""

    def __init__(self, db, account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db, self.account = db, account
        self.setWindowTitle("修改密码")
        self.old = _password()
        self.new = _password()
        self.again = _password()
        self.error = ErrorLabel()
        self.errors = FieldErrors(self.error)
        form = QFormLayout()
        add_field(form, "原密码", self.old, self.errors, "old_password")
        add_field(form, "新密码", self.new, self.errors, "new_password")
        add_field(form, "再次输入新密码", self.again, self.errors, "again")
        ok = QPushButton("修改")
        ok.setDefault(True)
        ok.clicked.connect(self.change)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(ok, 0, Qt.AlignmentFlag.AlignRight)

    def change(self) -> None:
        from desktop.services import accounts

        self.errors.clear()
        if self.new.text() != self.again.text():
            self.errors.show(Refusal("invalid_field", "两次输入的新密码不一致", "again"))
            return
        try:
            accounts.change_password(self.db, self.account, self.old.text(), self.new.text())
        except Refusal as refusal:
            self.errors.show(refusal)
            return
        self.accept()
