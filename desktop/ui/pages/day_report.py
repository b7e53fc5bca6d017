"""日结: the day's businesses by type with the amounts assessed, receipts issued and voided; the
clerk's own window, or the whole hall for a reviewer or administrator (the hall head). Figures
are read from the records' day-end report; the printed 日结报表 (every receipt issued or voided,
with the void reason) is `services.printing.day_report`, archived like every paper."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from desktop.errors import Refusal
from desktop.ui.pages.base import BusinessPage
from desktop.ui.widgets import ErrorLabel, add_field, fill_table, table

BUSINESS = {
    "enroll": "参保登记", "renewal": "续保", "change": "变更登记", "suspension": "停保", "termination": "退保",
    "refund": "退费", "offsite_filing": "异地就医备案", "manual_claim": "零星报销", "person": "人员登记",
    "household": "家庭成员", "receipt": "收据", "roster_import": "花名册导入", "conflict": "冲突",
    "account": "账户", "hall": "大厅", "setting": "设置", "pack": "政策包", "review": "复核", "export": "导出",
}
ACTION = {
    "enroll": "登记", "renewal": "续保", "register": "登记", "change": "变更", "request": "提交申请",
    "approve": "复核通过", "approve_partial": "一级复核通过", "reject": "驳回", "void": "作废", "file": "备案",
    "cancel": "取消", "accept": "受理", "review": "审核", "settle": "结算", "supplement": "补交材料",
    "add_member": "加入家庭", "remove_member": "移出家庭", "death": "死亡登记", "student": "在校登记",
    "login": "登录", "login_failed": "登录失败", "unlock": "解锁", "unlock_failed": "解锁失败",
    "change_password": "修改密码", "change_password_failed": "修改密码失败", "create_account": "新建账户",
    "disable_account": "停用账户", "enable_account": "启用账户", "set_roles": "修改身份", "reset_password": "重置密码",
    "configure_hall": "首次设置", "set_setting": "修改设置", "import_pack": "导入政策包", "refused": "被拒绝的操作",
    "export": "导出", "view": "查看", "resolve": "处理",
}


def yuan(fen) -> str:
    return f"{Decimal(fen or 0) / 100:.2f}"


class DayReportPage(BusinessPage):
    title = "日结"
    confirm_text = "查询"

    def build_fields(self) -> None:
        # no ID number on this page
        self.form.setRowVisible(0, False)
        self.day = QLineEdit(self.deps.today().isoformat())
        self.day.setPlaceholderText("YYYY-MM-DD")
        self.scope = QComboBox()
        self.scope.addItem(f"本人（{self.deps.hall.clerk}，{self.deps.hall.window}号窗口）", "mine")
        if self.deps.may("reviewer") or self.deps.may("admin"):
            self.scope.addItem(f"本窗口（{self.deps.hall.window}号窗口，所有经办人）", "window")
            # other windows' businesses are here once pulled from the county hub
            self.scope.addItem("全厅（所有窗口）", "hall")
        add_field(self.form, "日期(&D)", self.day, self.errors, "day")
        add_field(self.form, "范围", self.scope, self.errors, "scope")
        self.business_table = table(["经办人", "业务", "操作", "笔数", "金额（元）"], [], stretch=1)
        self.receipt_table = table(["经办人", "窗口", "开具", "作废", "起始号", "终止号", "金额（元）"], [], stretch=None)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.right.addWidget(QLabel("业务汇总"))
        self.right.addWidget(self.business_table, 2)
        self.right.addWidget(QLabel("收据"))
        self.right.addWidget(self.receipt_table, 1)
        self.right.addWidget(self.summary)
        self.day.returnPressed.connect(self.submit)
        # 作废收据: the serial stays used, marked void with the reason (services.receipt)
        void_box = QGroupBox("作废收据")
        vv = QVBoxLayout(void_box)
        row = QHBoxLayout()
        self.void_serial = QLineEdit()
        self.void_serial.setPlaceholderText("收据号，如 320412-03-2025-000001")
        self.void_reason = QLineEdit()
        self.void_reason.setPlaceholderText("作废原因（必填）")
        self.void_button = QPushButton("作废")
        self.void_button.clicked.connect(self.void_receipt)
        self.void_serial.returnPressed.connect(self.void_reason.setFocus)
        self.void_reason.returnPressed.connect(self.void_receipt)
        row.addWidget(self.void_serial, 2)
        row.addWidget(self.void_reason, 2)
        row.addWidget(self.void_button)
        vv.addLayout(row)
        self.void_error = ErrorLabel()
        self.void_note = QLabel("")
        self.void_note.setWordWrap(True)
        vv.addWidget(self.void_error)
        vv.addWidget(self.void_note)
        lv = self.left.layout()
        lv.insertWidget(lv.count() - 1, void_box)  # below the query and its outcome
        if self.deps.db is None:
            self.void_button.setEnabled(False)
        self.print_button.setText("打印日结报表 (Ctrl+P)")

    def first_field(self):
        return self.day

    def submit(self) -> None:
        """查询 needs no ID number."""
        ctx = self.deps.context()
        if ctx is None:
            return
        self.errors.clear()
        try:
            outcome, docs = self.do_submit(ctx)
        except Refusal as refusal:
            self.show_refusal(refusal)
            return
        self.print_build = docs
        self.print_button.setEnabled(docs is not None)
        self.outcome.setText(outcome)

    def do_submit(self, ctx):
        from desktop.records.reports import day_end

        try:
            day = date.fromisoformat(self.day.text().strip())
        except ValueError:
            raise Refusal("invalid_date", f"日期“{self.day.text()}”无效（应为 YYYY-MM-DD）", "day") from None
        scope = self.scope.currentData()
        operator = ctx.operator_id if scope == "mine" else None
        window = self.deps.hall.window if scope in ("mine", "window") else None
        report = day_end(ctx.db, day, hall_code=self.deps.hall.hall_code, operator_id=operator, window_code=window)
        fill_table(self.business_table, [[b["operator_id"], BUSINESS.get(b["business"], b["business"]),
                                          ACTION.get(b["action"], b["action"]), b["count"], yuan(b["amount_fen"])]
                                         for b in report.businesses])
        fill_table(self.receipt_table, [[r["operator_id"], r["window_code"], r["issued"], r["voided"], r["first"] or "",
                                         r["last"] or "", yuan(r["amount_fen"])] for r in report.receipts])
        issued = sum(r["issued"] for r in report.receipts)
        voided = sum(r["voided"] for r in report.receipts)
        # the printed report lists the valid receipts apart from the voided ones: say both ways
        receipts = f"收据开具 {issued} 张（其中作废 {voided} 张，有效 {issued - voided} 张）"
        self.summary.setText(f"共 {sum(b['count'] for b in report.businesses)} 笔业务；{receipts}")
        def build(ctx, paper):
            from desktop.services import printing

            return [printing.day_report(ctx, day, operator_id=operator, window_code=window)]

        return f"✔ {day} 日结已查询：共 {sum(b['count'] for b in report.businesses)} 笔业务，{receipts}", build

    def void_receipt(self) -> None:
        ctx = self.deps.context()
        if ctx is None:
            return
        from desktop.services.receipt import void_receipt

        self.void_error.clear_message()
        try:
            row = void_receipt(ctx, self.void_serial.text(), self.void_reason.text())
        except Refusal as refusal:
            self.void_error.show_message(refusal.message)
            return
        from desktop.services.verification import BUSINESS_LABELS

        business = BUSINESS_LABELS.get(row.get("business") or "", "业务")
        # a void cancels the slip only: say so, or a clerk may take the business as undone
        self.void_note.setText(f"✔ 收据 {row.get('serial', self.void_serial.text())} 已作废（原因：{self.void_reason.text()}），"
                               f"号码保留不再使用。\n对应的{business}仍然有效；如需撤销或更正，请另行办理。")
        self.void_serial.clear()
        self.void_reason.clear()
        self.submit()
