"""设置 › 账户: the hall's accounts (`services.accounts`: create, roles, password reset, disable,
enable), administrators only (the services refuse anyone else)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import Refusal
from desktop.ui.widgets import ErrorLabel, FieldErrors, add_field, fill_table, table

ROLE_BOXES = (("clerk", "经办人"), ("reviewer", "复核人"), ("admin", "管理员"))


class AccountSettings:
    """The page's 账户 box (a part of `SettingsPage`)."""

    def _build_accounts(self, deps) -> QGroupBox:
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

        if deps.db is None:
            self.create_button.setEnabled(False)
        return acc_box

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
