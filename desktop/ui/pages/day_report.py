"""日结: the day's businesses by type with the amounts assessed, receipts issued and voided; the
clerk's own window, or the whole hall for a reviewer or administrator (the hall head). Figures
are read from the records' day-end report; the printed 日结报表 (every receipt issued or voided,
with the void reason) is `services.printing.day_report`, archived like every paper."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
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
from desktop.policy.money import fen_text
from desktop.services import labels
from desktop.ui.pages.base import BusinessPage
from desktop.ui.widgets import ErrorLabel, add_field, fill_table, table


class DayReportPage(BusinessPage):
    title = "日结"
    confirm_text = "查询"
    carries_person = False  # no ID number on this page

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
        # the audit chain's head, as the printed report carries it (audit verify --anchor)
        self.chain_head = QLabel("")
        self.chain_head.setWordWrap(True)
        self.chain_head.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # two lines kept for it: the tables above take every spare pixel, and a wrapped label
        # is otherwise given the height of one
        self.chain_head.setMinimumHeight(self.chain_head.fontMetrics().lineSpacing() * 2 + 4)
        self.right.addWidget(self.chain_head)
        self.day.returnPressed.connect(self.submit)
        self.scope.currentIndexChanged.connect(self.submit)
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
        lv.insertWidget(lv.count() - 1, self._reprint_box())
        if self.deps.db is None:
            self.void_button.setEnabled(False)
        self.print_button.setText("打印日结报表 (Ctrl+P)")

    def _reprint_box(self) -> QGroupBox:
        """补打: a receipt, notice or slip of a business by its serial (services.reprint)."""
        from desktop.services.reprint import KINDS

        box = QGroupBox("补打单据")
        layout = QVBoxLayout(box)
        row = QHBoxLayout()
        self.reprint_serial = QLineEdit()
        self.reprint_serial.setPlaceholderText("收据号，如 320412-03-2025-000001")
        self.reprint_kind = QComboBox()
        for kind, label in KINDS.items():
            self.reprint_kind.addItem(label, kind)
        self.reprint_button = QPushButton("补打")
        self.reprint_button.clicked.connect(self.reprint)
        self.reprint_serial.returnPressed.connect(self.reprint)
        row.addWidget(self.reprint_serial, 2)
        row.addWidget(self.reprint_kind, 1)
        row.addWidget(self.reprint_button)
        layout.addLayout(row)
        self.reprint_error = ErrorLabel()
        self.reprint_note = QLabel("")
        self.reprint_note.setWordWrap(True)
        layout.addWidget(self.reprint_error)
        layout.addWidget(self.reprint_note)
        if self.deps.db is None:
            self.reprint_button.setEnabled(False)
        return box

    def reprint(self) -> None:
        """The service checks, marks and audits the reprint once; the preview may lay it out
        again on another paper without a second entry."""
        ctx = self.deps.context()
        if ctx is None:
            return
        from dataclasses import replace

        from desktop.services import printing, reprint

        self.reprint_error.clear_message()
        serial, kind = self.reprint_serial.text().strip(), self.reprint_kind.currentData()
        try:
            first = reprint.reprint_document(ctx, serial, kind)
        except Refusal as refusal:
            self.reprint_error.show_message(refusal.message)
            return

        def build(ctx, paper):
            if paper == first.paper:
                return [first]
            document = printing.for_record(ctx, kind, serial, paper=paper)
            return [replace(document, header=replace(document.header, reprint=True))]

        self.reprint_note.setText(f"✔ 收据 {serial} 的{self.reprint_kind.currentText()}已补打"
                                  "（单据标明“补打”和原办理时间，已记入审计日志）")
        self.reprint_serial.clear()
        self.preview = self.deps.print_preview(self, f"补打{self.reprint_kind.currentText()}", build,
                                               self.after_print)

    def first_field(self):
        return self.day

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        # the day's figures as the page opens (they were empty until 查询/Ctrl+Enter), and again
        # each time it is opened: businesses done since are counted
        super().showEvent(event)
        self.submit()

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
        except Exception as exc:  # noqa: BLE001 - the page boundary (BusinessPage.show_crash)
            self.show_crash(exc)
            return
        self.print_build = docs
        self.print_button.setEnabled(docs is not None)
        self.outcome.setText(outcome)

    def do_submit(self, ctx):
        from desktop.services.day_end import day_end

        try:
            day = date.fromisoformat(self.day.text().strip())
        except ValueError:
            raise Refusal("invalid_date", f"日期“{self.day.text()}”无效（应为 YYYY-MM-DD）", "day") from None
        scope = self.scope.currentData()
        operator = ctx.operator_id if scope == "mine" else None
        window = self.deps.hall.window if scope in ("mine", "window") else None
        report = day_end(ctx, day, operator_id=operator, window_code=window)
        fill_table(self.business_table, [[b["operator_id"], labels.AUDITED.get(b["business"], b["business"]),
                                          labels.ACTIONS.get(b["action"], b["action"]), b["count"], fen_text(b["amount_fen"])]
                                         for b in report.businesses])
        fill_table(self.receipt_table, [[r["operator_id"], r["window_code"], r["issued"], r["voided"], r["first"] or "",
                                         r["last"] or "", fen_text(r["amount_fen"])] for r in report.receipts])
        issued = sum(r["issued"] for r in report.receipts)
        voided = sum(r["voided"] for r in report.receipts)
        # the printed report lists the valid receipts apart from the voided ones: say both ways
        receipts = f"收据开具 {issued} 张（其中作废 {voided} 张，有效 {issued - voided} 张）"
        from desktop.services.day_end import chain_head_text, is_business

        count = sum(b["count"] for b in report.businesses if is_business(b["business"], b["action"]))
        others = sum(b["count"] for b in report.businesses) - count
        self.summary.setText(f"共 {count} 笔业务（登录、账户、设置、作废、补打等其他操作 {others} 次不计入）；{receipts}")
        self.chain_head.setText(chain_head_text(ctx))

        def build(ctx, paper):
            from desktop.services import printing

            return [printing.day_report(ctx, day, operator_id=operator, window_code=window)]

        return f"✔ {day} 日结已查询：共 {count} 笔业务，{receipts}", build

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

        business = labels.BUSINESSES.get(row.get("business") or "", "业务")
        # a void cancels the slip only: say so, or a clerk may take the business as undone
        self.void_note.setText(f"✔ 收据 {row.get('serial', self.void_serial.text())} 已作废（原因：{self.void_reason.text()}），"
                               f"号码保留不再使用。\n对应的{business}仍然有效；如需撤销或更正，请另行办理。")
        self.void_serial.clear()
        self.void_reason.clear()
        self.submit()
